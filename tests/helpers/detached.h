/* SPDX-License-Identifier: GPL-2.0 */
/* Detached containers for tests that look at a running container from the host. */
#ifndef NSLAB_TEST_DETACHED_H
#define NSLAB_TEST_DETACHED_H

#include <sys/types.h>

#define DETACHED_NAME_MAX 48

/*
 * Starts `nslab run -d --name <tag>-<test pid> ARGS...` and asserts that it
 * started; the name goes to @name.  Returns the host pid of its first
 * process.  The container is remembered for detached_cleanup.
 */
pid_t detached_run(char name[DETACHED_NAME_MAX], const char *tag, const char *const args[]);
#define DETACHED(name, tag, ...) detached_run((name), (tag), (const char *const[]){ __VA_ARGS__, NULL })

/* `nslab rm -f` of every container detached_run started: a Criterion .fini. */
void detached_cleanup(void);

#endif
