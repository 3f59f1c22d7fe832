/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Scoped cleanup: a variable declared with one of these is closed or freed
 * when it goes out of scope, on every return path.  What is handed on (to a
 * caller, a struct) is taken out first with steal_fd/steal_ptr, which leave
 * -1/NULL behind, so that nothing is closed or freed twice.
 */
#ifndef NSLAB_CLEANUP_H
#define NSLAB_CLEANUP_H

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

/* Closes *fd if it is open (>= 0) and sets it to -1; errno is kept for the caller's report. */
static inline void nslab_close_fd(int *fd)
{
	int saved = errno;

	if (*fd >= 0)
		close(*fd);
	*fd = -1;
	errno = saved;
}

/* Both ends of a pipe or socket pair, as nslab_close_fd. */
static inline void nslab_close_pair(int (*fds)[2])
{
	nslab_close_fd(&(*fds)[0]);
	nslab_close_fd(&(*fds)[1]);
}

/* free(*(void **)p): @p is the address of any pointer variable. */
static inline void nslab_free_ptr(void *p)
{
	free(*(void **)p);
}

#define _cleanup_close_ __attribute__((cleanup(nslab_close_fd)))
#define _cleanup_close_pair_ __attribute__((cleanup(nslab_close_pair)))
#define _cleanup_free_ __attribute__((cleanup(nslab_free_ptr)))

/* Takes the fd out of *fd (leaving -1) to hand it on. */
static inline int steal_fd(int *fd)
{
	int ret = *fd;

	*fd = -1;
	return ret;
}

/* Takes the pointer out of *pp (leaving NULL) to hand it on; @pp is the address of a pointer. */
#define steal_ptr(pp) ({ __typeof__(*(pp)) _p = *(pp); *(pp) = NULL; _p; })

#endif
