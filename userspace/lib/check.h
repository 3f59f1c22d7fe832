/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nslab's check catalogue: one table of isolation checks, each a probe run
 * inside a runtime's container and judged against the same probe on the
 * host.  `nslab check` judges any runtime with it; the conformance suite
 * (tests/conformance/check_test.c) judges nslab with it, under the same IDs.
 */
#ifndef NSLAB_CHECK_H
#define NSLAB_CHECK_H

#include <stdbool.h>
#include <stddef.h>

#include "checkrt.h"

enum nslab_verdict { NSLAB_PASS, NSLAB_FAIL, NSLAB_NA, NSLAB_SKIP };

/* How a check judges its probe's output (inside) against the host's. */
enum nslab_check_judge {
	/* KEY's value inside differs from the host's; the host printing "none" lacks it. */
	NSLAB_JUDGE_DIFFERS,
	/*
	 * Inside prints one of EXPECT's comma-separated errno names; the host
	 * prints KEY, else the door is shut anyway.
	 */
	NSLAB_JUDGE_DENIED,
	/* The fixture's number is not in KEY's comma-separated list inside; the host's has it. */
	NSLAB_JUDGE_UNLISTED,
	/* None of the host's KEY=VALUE names but EXPECT shows inside (interfaces but lo). */
	NSLAB_JUDGE_NONE_OF_HOSTS,
	/* KEY's hex mask inside (each of EXPECT's keys) holds no capability beyond Docker's default. */
	NSLAB_JUDGE_CAPS_WITHIN,
	/*
	 * Each NAME=VALUE inside (only KEY's, or every name the host prints
	 * when KEY is NULL) has a VALUE matching one of EXPECT's comma-separated
	 * patterns (fnmatch); a name the host prints and inside does not is
	 * open.  The host's value of at least one must not match, else the
	 * host finds the door shut too.  A probe killed by signal N reads as
	 * "signal=N".
	 */
	NSLAB_JUDGE_SHUT,
	/*
	 * The host (a uts namespace standing in for it) keeps its name while
	 * the probe inside calls sethostname, allowed or refused; the host's
	 * run of the probe, which must rename it, shows the call works.
	 */
	NSLAB_JUDGE_HOST_NAME_KEPT,
	/*
	 * Nothing arrives in the input of the terminal (the fixture) on which
	 * the runtime ran, and the probe inside reports its push (KEY, a
	 * "sti0=" of `nslab-probe tiocsti`) refused or its fd not a terminal.
	 * The host's run of the probe on the same terminal must push the
	 * marker there, else the kernel refuses it anyway.
	 */
	NSLAB_JUDGE_TERMINAL_UNTOUCHED,
};

/* What the checker sets up on the host for the probe to look for; "%s" in the probe is it. */
enum nslab_check_fixture {
	NSLAB_FIXTURE_NONE,
	NSLAB_FIXTURE_HOST_PID,		/* the checker's own pid */
	NSLAB_FIXTURE_HOST_SYSV,	/* the key of a SysV queue, semaphore set and segment it made */
	NSLAB_FIXTURE_HOST_DISK,	/* "MAJOR MINOR" of a block device the host opens (a disk, a loop) */
	NSLAB_FIXTURE_HOST_DISK_NODE,	/* that device's node, "/dev/vda" */
	/* The name the probe sets; the checker runs in a uts namespace of its own meanwhile. */
	NSLAB_FIXTURE_HOST_NAME,
	/*
	 * A raw pty on which the runtime runs as from a user's shell (its
	 * stdin, its session's controlling terminal); "%s" is the marker byte
	 * the probe pushes.  None where dev.tty.legacy_tiocsti is 0.
	 */
	NSLAB_FIXTURE_TERMINAL,
};

/*
 * The IDs of the catalogue, in its order: the conformance suite makes one
 * test of each (tests/conformance/check_test.c), check.c one entry.
 */
#define NSLAB_CHECK_IDS(X)						\
	X(U7_uts_namespace_is_not_the_hosts)				\
	X(I6_ipc_namespace_is_not_the_hosts)				\
	X(I1_host_sysv_key_invisible)					\
	X(P8_pid_namespace_is_not_the_hosts)				\
	X(P9_host_pid_unreachable)					\
	X(P10_proc_hides_host_processes)				\
	X(M8_mount_namespace_is_not_the_hosts)				\
	X(N8_net_namespace_is_not_the_hosts)				\
	X(N9_no_host_interface_inside)					\
	X(R7_user_namespace_is_not_the_hosts)				\
	X(G3_cgroup_namespace_is_not_the_hosts)				\
	X(T3_time_namespace_is_not_the_hosts)				\
	X(H14_caps_within_dockers_default)				\
	X(H15_host_clock_cannot_be_set)					\
	X(H16_module_cannot_be_loaded)					\
	X(U8_sethostname_inside_leaves_host_name)			\
	X(L9_memory_limit_holds)					\
	X(L10_pids_limit_holds)						\
	X(M4_masked_paths_read_empty)					\
	X(M9_read_only_paths_on_read_only_mounts)			\
	X(H17_seccomp_denies_what_docker_denies)			\
	X(H18_host_disk_node_made_inside_unreadable)			\
	X(H19_host_disk_node_absent_inside)				\
	X(H20_no_push_into_the_callers_terminal)

#define NSLAB_CHECK_ENUM(id) NSLAB_CK_##id,
enum nslab_check_id {
	NSLAB_CHECK_IDS(NSLAB_CHECK_ENUM)
	NSLAB_CHECK_COUNT
};
#undef NSLAB_CHECK_ENUM

struct nslab_check {
	const char *id;		/* "P9_host_pid_unreachable": the conformance test's name */
	const char *family;	/* "pid", "caps": the matrix's columns */
	int ns;			/* the namespace type the check is about, -1 for none */
	const char *probe;	/* nslab-probe's arguments, space-separated */
	enum nslab_check_fixture fixture;
	enum nslab_check_judge judge;
	const char *key;
	const char *expect;
	const char *proves;	/* what a pass shows, one line */
	struct nslab_rt_limits needs;	/* the limits the runtime must set; n/a where it cannot */
};

/* The catalogue, in NSLAB_CHECK_IDS's order; its length (NSLAB_CHECK_COUNT) in *@n. */
const struct nslab_check *nslab_checks(size_t *n);
/* The check of @id (its full name, or the part before the first '_'), NULL if none. */
const struct nslab_check *nslab_check_find(const char *id);

struct nslab_check_result {
	const struct nslab_check *check;
	enum nslab_verdict verdict;
	char detail[320];	/* what was observed, or why n/a or skip */
};

/*
 * Judges @c on runtime @rt: n/a when @rt cannot create the namespace @c is
 * about, else the probe inside and on the host, compared.  A probe that did
 * not run or printed nothing that can be judged is a fail, never a pass.
 */
void nslab_check_run(const struct nslab_runtime *rt, const struct nslab_check *c,
		     struct nslab_check_result *r);

/* "pass", "fail", "n/a", "skip". */
const char *nslab_verdict_name(enum nslab_verdict v);

#endif
