/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Running part of a test in a forked child, so that what the child changes
 * about itself (namespaces, credentials, cgroup) dies with it and never
 * reaches the test process or the host.  Results come back through memory
 * shared with the child.
 */
#ifndef NSLAB_TEST_CHILD_H
#define NSLAB_TEST_CHILD_H

#include <stddef.h>

/* Zeroed memory that a child's writes reach (MAP_SHARED); aborts the test on failure. */
void *shared_alloc(size_t size);
void shared_free(void *mem, size_t size);

/*
 * Runs fn(arg) in a forked child and waits for it.  Returns the child's exit
 * code (0 when fn returns), or 128+N if it was killed by signal N.  fn must
 * not use cr_assert: it reports through @arg, the caller asserts.
 */
int run_in_child(void (*fn)(void *arg), void *arg);

struct run_result;

/*
 * Runs `nslab ARGS...` (NULL-terminated) from a child that has a uts
 * namespace of its own, named @host: that child is the host nslab sees, so
 * a check that may rename "the host" never renames the real one.  @after
 * gets that namespace's name once nslab has finished.  Returns like
 * run_in_child; nonzero means the private namespace could not be made.
 */
int nslab_run_private_uts(struct run_result *r, const char *host, char after[65],
			  const char *const argv[]);
#define NSLAB_PRIVATE_UTS(r, host, after, ...) \
	nslab_run_private_uts((r), (host), (after), (const char *const[]){ __VA_ARGS__, NULL })

#endif
