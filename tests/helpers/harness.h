/* SPDX-License-Identifier: GPL-2.0 */
/* Shared by the Criterion suites: drive the nslab binary, probe the host. */
#ifndef NSLAB_TEST_HARNESS_H
#define NSLAB_TEST_HARNESS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

struct run_result {
	int code;		/* exit code, or 128+N when killed by signal N */
	char out[65536];	/* stdout, NUL-terminated, truncated if longer */
	char err[8192];		/* stderr, likewise */
};

/*
 * Docker's hardening off (every capability, no seccomp filter, no
 * no_new_privs), for checks of what a namespace alone guarantees: they must
 * be able to try what the hardening would stop first.
 */
#define UNCONFINED "--cap-add", "ALL", "--seccomp", "unconfined", "--no-new-privs=false"

/* The binary under test: $NSLAB, else build/test/nslab. */
const char *nslab_bin(void);

/* The nsbench built beside the nslab under test, or skips the test. */
const char *nsbench_bin(void);

/*
 * The source tree that built the nslab under test (TOP/build/VARIANT/nslab)
 * into @top, or skips the test: the VM guests ship only the binaries.
 */
void source_tree(char top[PATH_MAX]);

/* Runs `nslab ARGS...` (NULL-terminated), captures output and exit code. Aborts the test on fork failure. */
void nslab_run_argv(struct run_result *r, const char *const argv[]);
#define NSLAB(r, ...) nslab_run_argv((r), (const char *const[]){ __VA_ARGS__, NULL })

/* Same, with extra environment entries "KEY=VALUE" (NULL-terminated list) for nslab itself. */
void nslab_run_env(struct run_result *r, const char *const env[], const char *const argv[]);

/*
 * `nslab create ARGS...`: the container's first process keeps create's
 * stdout and stderr, so they are files, not pipes it would hold open:
 * stdout appends to @out_path (the container's output; NULL: /dev/null),
 * stderr goes to r->err as it was when create exited.  r->out is empty.
 */
void nslab_create_run(struct run_result *r, const char *const env[], const char *const argv[],
		      const char *out_path);

/* Skips the current test with a reason unless running as root. */
void require_root(void);

/* Host state that a container must leave as it found: mounts, state dirs, cgroups. */
struct host_snapshot {
	char *mountinfo;
	char *state_dirs;
	char *cgroups;
};
void snapshot_take(struct host_snapshot *s);
/* Returns NULL when equal, else a description of the first difference (static buffer). */
const char *snapshot_diff(const struct host_snapshot *before, const struct host_snapshot *after);
void snapshot_free(struct host_snapshot *s);

/* Reads a whole file into a malloc'd NUL-terminated string (NULL on error). */
char *slurp(const char *path);
/* Runs a shell command on the host, returns its exit code; output discarded unless @out. */
int host_sh(const char *cmd, char *out, size_t size);

#endif
