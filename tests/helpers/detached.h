/* SPDX-License-Identifier: GPL-2.0 */
/* Detached containers for tests that look at a running container from the host. */
#ifndef NSLAB_TEST_DETACHED_H
#define NSLAB_TEST_DETACHED_H

#include <sys/types.h>

#define DETACHED_NAME_MAX 48

/*
 * Starts `nslab run -d --name <tag>-<test pid> ARGS...` and asserts that it
 * started; the name goes to @name.  Returns the host pid of its first
 * process, 0 if it has exited already.  The container is remembered for
 * detached_cleanup.
 */
pid_t detached_run(char name[DETACHED_NAME_MAX], const char *tag, const char *const args[]);
#define DETACHED(name, tag, ...) detached_run((name), (tag), (const char *const[]){ __VA_ARGS__, NULL })

struct nslab_state;
/*
 * Waits (bounded) for container @name's supervisor to exit, which it does
 * once everything but the record is torn down, and asserts that the record
 * then says it exited; @st gets it.
 */
void detached_wait_exited(const char *name, struct nslab_state *st);

/* `nslab rm NAME` of an exited container's record, asserted to succeed and leave no state. */
void detached_rm_exited(const char *name);

/* `nslab rm -f` of every container detached_run started, exited ones too: a Criterion .fini. */
void detached_cleanup(void);

#endif
