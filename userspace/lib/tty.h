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
 * without becoming anyone's controlling terminal, sized @rows x @cols (OCI's
 * consoleSize) or, both 0, as the caller's terminal when stdin or stdout is
 * one.  The size is there before anything runs on the slave.  Fault point "pty".
 */
int nslab_pty_open(unsigned short rows, unsigned short cols, int *master, int *slave,
		   struct nslab_error *e);

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
 * runtime-spec's console socket, as runc does it: connects to the AF_UNIX
 * stream socket @socket_path (a host path: call this before entering the
 * container's mount namespace).  Returns the connected socket, close-on-exec,
 * or -errno with @e (step "console-socket").  Fault point "console-socket".
 */
int nslab_console_connect(const char *socket_path, struct nslab_error *e);
/*
 * Sends the pty master @master over the connected @sock (SCM_RIGHTS), with
 * the slave's name inside the container ("/dev/pts/N") as the message, as
 * runc sends it to conmon or containerd.  0, or -errno with @e.
 */
int nslab_console_give(int sock, int master, struct nslab_error *e);
/* Both: connect to @socket_path, send @master, close the socket (the receiver keeps the master). */
int nslab_console_send(const char *socket_path, int master, struct nslab_error *e);

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
 * @pid's exit code once the output it left is copied, or -ECANCELED, @pid
 * still running, once a stop is due (nslab_stop_due_in_ms(@stop_timeout_s)).
 */
int nslab_tty_relay(int master, int in_fd, pid_t pid, int stop_timeout_s);

#endif
