/* SPDX-License-Identifier: GPL-2.0 */
/* What X1-X3 look at: nothing left on the host, one-line errors, processes gone, persist dirs. */
#ifndef NSLAB_TEST_LEAKS_H
#define NSLAB_TEST_LEAKS_H

#include <stdbool.h>
#include <sys/types.h>

#include "harness.h"

/*
 * The host state a container must leave as it found: the harness's snapshot
 * (mounts, state dirs, cgroups) and the network interfaces (veth pairs).
 */
struct leak_snapshot {
	struct host_snapshot host;
	char *links;
};
void leak_take(struct leak_snapshot *s);
void leak_free(struct leak_snapshot *s);

/*
 * Asserts that the host looks as in @before.  Of the cgroup tree only the
 * runtime's "nslab" parent counts: the rest changes with every command this
 * host runs, ours or not.
 */
void assert_unchanged(const struct leak_snapshot *before, const char *context);
/* Its negative control: asserts that the host differs from @before (@context did leave something). */
void assert_changed(const struct leak_snapshot *before, const char *context);

/* Asserts @r failed with exit @code and exactly one stderr line `nslab: <step>: <reason>`. */
void assert_one_error(const struct run_result *r, int code, const char *step, const char *context);

/*
 * A fresh empty directory for --persist, removed (bind mounts included) by
 * persist_dir_remove, which is safe to call from a .fini after a failed test.
 */
const char *persist_dir_make(void);
void persist_dir_remove(void);
/* Number of entries in the persist dir (0: empty). */
int persist_dir_count(void);

/* Waits up to @timeout_ms for @pid to exit (pidfd_open + poll). True if it is gone. */
bool wait_exit(pid_t pid, int timeout_ms);

#endif
