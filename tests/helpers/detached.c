// SPDX-License-Identifier: GPL-2.0
#include "detached.h"
#include "harness.h"
#include "leaks.h"
#include "state.h"

#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MAX_DETACHED 8
#define MAX_ARGS 32

static char started[MAX_DETACHED][DETACHED_NAME_MAX];
static int n_started;

pid_t detached_run(char name[DETACHED_NAME_MAX], const char *tag, const char *const args[])
{
	const char *argv[MAX_ARGS + 5] = { "run", "-d", "--name", name };
	struct nslab_state st;
	struct run_result r;
	size_t n = 0;

	cr_assert(n_started < MAX_DETACHED, "too many detached containers in one test");
	snprintf(name, DETACHED_NAME_MAX, "%s-%d", tag, (int)getpid());
	for (; args[n]; n++) {
		cr_assert(n < MAX_ARGS, "too many arguments");
		argv[4 + n] = args[n];
	}
	/* Remembered first: a start that fails half-way must still be removed. */
	snprintf(started[n_started++], DETACHED_NAME_MAX, "%s", name);
	nslab_run_argv(&r, argv);
	cr_assert_eq(r.code, 0, "nslab run -d %s failed (%d): %s", name, r.code, r.err);
	cr_assert_eq(nslab_state_read(name, &st), 0, "no state for %s", name);
	/* A short command may be done already: its record then says so, with no pid. */
	cr_assert(st.pid > 0 || st.exited, "no pid in the state of %s", name);
	return st.pid;
}

void detached_wait_exited(const char *name, struct nslab_state *st)
{
	cr_assert_eq(nslab_state_read(name, st), 0, "no state for %s", name);
	cr_assert(wait_exit(st->supervisor, 10000), "the supervisor of %s still runs after 10 s", name);
	cr_assert_eq(nslab_state_read(name, st), 0, "no record of %s after its exit", name);
	cr_assert(st->exited, "the record of %s does not say it exited", name);
}

void detached_rm_exited(const char *name)
{
	struct nslab_state st;
	struct run_result r;

	NSLAB(&r, "rm", name);
	cr_assert_eq(r.code, 0, "rm of the exited %s: %s", name, r.err);
	cr_assert_str_eq(r.err, "", "rm of the exited %s", name);
	cr_assert_eq(nslab_state_read(name, &st), -ENOENT, "%s's state is left after rm", name);
}

void detached_cleanup(void)
{
	struct run_result r;

	for (int i = 0; i < n_started; i++)
		NSLAB(&r, "rm", "-f", started[i]);
	n_started = 0;
}
