/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Terminals: the session a container's process starts in, the pty of -t,
 * and the relay between the caller's terminal and that pty.
 */
#ifndef NSLAB_TTY_H
#define NSLAB_TTY_H

#include <sys/types.h>

#include "util.h"

/*
 * Opens a pty pair through /dev/ptmx of the caller's root (a container's
 * own devpts once its root is set up), both ends close-on-exec, the slave
 * without becoming anyone's controlling terminal, and gives it the caller's
 * window size when stdin or stdout is a terminal.  Fault point "pty".
 */
int nslab_pty_open(int *master, int *slave, struct nslab_error *e);

/*
 * Makes the caller the leader of a new session.  With @slave >= 0 that pty
 * becomes its controlling terminal and its fds 0-2 (and @slave is closed);
 * with -1 it has no controlling terminal at all, so that TIOCSTI and
 * TIOCLINUX on a terminal it inherited fail.  Fault point "setsid".
 */
int nslab_session_new(int slave, struct nslab_error *e);

/* Sends @fd over the unix socket @sock (SCM_RIGHTS). Returns 0 or -errno. */
int nslab_fd_send(int sock, int fd);
/* Receives one fd sent by nslab_fd_send, close-on-exec; returns it or -errno (-EPROTO: none). */
int nslab_fd_recv(int sock);

/*
 * Puts the terminal on @fd into raw mode, as a terminal emulator expects of
 * the program it talks to; does nothing if @fd is not a terminal.  Until
 * nslab_tty_restore, a signal that would kill us restores it first.
 * Fault point "tty-raw".
 */
int nslab_tty_raw(int fd, struct nslab_error *e);

/* Gives the terminal nslab_tty_raw changed its modes back; harmless when it changed none. */
void nslab_tty_restore(void);

/*
 * Relays until @pid exits: the pty's output from @master to fd 1, and with
 * @in_fd >= 0 what arrives there into the pty; forwards the caller's window
 * size on SIGWINCH and SIGINT/TERM/HUP/QUIT/USR1/USR2 to @pid.  Returns
 * @pid's exit code once the output it left is copied.
 */
int nslab_tty_relay(int master, int in_fd, pid_t pid);

#endif
