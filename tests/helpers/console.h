/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The receiving end of runtime-spec's console socket, as conmon and
 * containerd hold it: a unix stream socket that a runtime connects to and
 * sends a container's pty master over (SCM_RIGHTS, with a name as the message).
 */
#ifndef NSLAB_TEST_CONSOLE_H
#define NSLAB_TEST_CONSOLE_H

#include <stddef.h>

/* A listening socket at a fresh path, written to @path (removed by console_close). */
struct console_listener {
	int fd;
	char path[108];
};
void console_listen(struct console_listener *l);
void console_close(struct console_listener *l);

/*
 * Accepts one connection, waiting at most @wait_ms (0: only one already
 * made, as by a runtime that has returned), and receives the fd it sends;
 * the message goes to @name (NUL-terminated).  Returns the fd, or -1 when no
 * connection came or it carried no fd.  No assertion: a negative control
 * expects -1.
 */
int console_receive(struct console_listener *l, int wait_ms, char *name, size_t size);

/* Reads what arrives on @fd until @want appears (true) or nothing more comes (bounded). */
_Bool console_read_until(int fd, const char *want, char *out, size_t size);

#endif
