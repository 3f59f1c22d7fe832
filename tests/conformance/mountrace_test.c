// SPDX-License-Identifier: GPL-2.0
/*
 * Mount targets against a rootfs changed under nslab, CONFORMANCE H13: with
 * --no-overlay the rootfs is shared, and anyone who can write it may swap a
 * directory nslab mounts on for a symlink out of the root (CVE-2019-19921,
 * CVE-2021-30465).
 */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "lab.h"
#include "util.h"

/* The starts the issue asks for, and a bound on the time they may take. */
#define STARTS 200
#define START_SECONDS 60
/*
 * The naive mounter's tries: its window is a few microseconds, and it was hit
 * after 4 to 8500 tries on a loaded 2-core machine.  Rounds of a fresh mount
 * namespace keep the stack of mounts it leaves short.
 */
#define NAIVE_TRIES 500
#define NAIVE_ROUNDS 200

/* The directories swapped with a symlink to the scratch directory. */
static const char *const swapped[] = { "proc", "dev" };

static char rootfs[PATH_MAX], scratch[PATH_MAX];
static pid_t swapper = -1;

static void race_cleanup(void)
{
	if (swapper > 0) {
		kill(swapper, SIGKILL);
		waitpid(swapper, NULL, 0);
		swapper = -1;
	}
	if (scratch[0]) {
		/* Only an empty directory goes: a mount or a file there is the test's finding. */
		rmdir(scratch);
		scratch[0] = '\0';
	}
	lab_cleanup();
}

/*
 * A rootfs copy where each swapped directory has a partner "<dir>.swap", a
 * symlink to the scratch directory on the host, outside the root.
 */
static void race_setup(void)
{
	char tmp[] = "/tmp/nslab-h14-scratch-XXXXXX", link[PATH_MAX + 16];

	require_root();
	lab_rootfs_copy(rootfs);
	cr_assert(mkdtemp(tmp), "mkdtemp: %s", strerror(errno));
	snprintf(scratch, sizeof(scratch), "%s", tmp);
	for (size_t i = 0; i < N_ELEMENTS(swapped); i++) {
		snprintf(link, sizeof(link), "%s/%s.swap", rootfs, swapped[i]);
		cr_assert_eq(symlink(scratch, link), 0, "symlink %s: %s", link, strerror(errno));
	}
}

/* Exchanges each directory with its symlink (rename(2) RENAME_EXCHANGE is atomic), forever. */
static void start_swapper(void)
{
	char dir[2][PATH_MAX + 16], link[2][PATH_MAX + 16];

	for (size_t i = 0; i < 2; i++) {
		snprintf(dir[i], sizeof(dir[i]), "%s/%s", rootfs, swapped[i]);
		snprintf(link[i], sizeof(link[i]), "%s/%s.swap", rootfs, swapped[i]);
	}
	swapper = fork();
	cr_assert_geq(swapper, 0, "fork: %s", strerror(errno));
	if (swapper > 0)
		return;
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (;;)
		for (size_t i = 0; i < 2; i++)
			if (renameat2(AT_FDCWD, dir[i], AT_FDCWD, link[i], RENAME_EXCHANGE) < 0)
				_exit(1);
}

/* Whether anything lies in the scratch directory, or is mounted there, seen from the host. */
static const char *scratch_touched(void)
{
	static char why[PATH_MAX + 64];
	char *info = slurp("/proc/self/mountinfo");
	DIR *d = opendir(scratch);
	struct dirent *ent;

	why[0] = '\0';
	if (info && strstr(info, scratch))
		snprintf(why, sizeof(why), "a host mount at %s", scratch);
	while (d && !why[0] && (ent = readdir(d)))
		if (strcmp(ent->d_name, ".") && strcmp(ent->d_name, ".."))
			snprintf(why, sizeof(why), "%s/%s created", scratch, ent->d_name);
	if (d)
		closedir(d);
	free(info);
	return why[0] ? why : NULL;
}

/*
 * The CVE's mounter: lstat says "directory", then mount(2) by path, in a
 * private mount namespace of a child.  Exits 0 once a mount landed on the
 * scratch directory, 1 if none did in NAIVE_TRIES.  The mounts that went on
 * the directory stay stacked there until the namespace goes (an unmount per
 * try would wait for RCU each time).
 */
static void naive_mounter(const char *target, dev_t scratch_dev)
{
	struct stat st;

	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		_exit(2);
	for (int i = 0; i < NAIVE_TRIES; i++) {
		if (lstat(target, &st) < 0 || !S_ISDIR(st.st_mode))
			continue;
		if (mount("nslab-h14-naive", target, "tmpfs", 0, NULL) < 0)
			continue;
		if (stat(scratch, &st) == 0 && st.st_dev != scratch_dev)
			_exit(0);
	}
	_exit(1);
}

/* Rounds of naive_mounter against the swapper; the round it landed outside the root, or 0. */
static int naive_lands(void)
{
	char target[PATH_MAX + 16];
	struct stat st;
	int status;
	pid_t pid;

	snprintf(target, sizeof(target), "%s/proc", rootfs);
	cr_assert_eq(stat(scratch, &st), 0);
	for (int round = 1; round <= NAIVE_ROUNDS; round++) {
		pid = fork();
		cr_assert_geq(pid, 0, "fork: %s", strerror(errno));
		if (pid == 0)
			naive_mounter(target, st.st_dev);
		cr_assert_eq(waitpid(pid, &status, 0), pid);
		cr_assert(WIFEXITED(status) && WEXITSTATUS(status) < 2,
			  "naive mounter: status %d", status);
		if (WEXITSTATUS(status) == 0)
			return round;
	}
	return 0;
}

/*
 * In the container, whichever of /<dir> and /<dir>.swap is the directory at
 * the moment (the swapper goes on) must carry the filesystem nslab mounted.
 */
static const char probe_script[] =
	"fstype() {\n"
	"  i=0\n"
	"  while [ $i -lt 1000 ]; do\n"
	"    for d in /$1 /$1.swap; do\n"
	"      if cd $d 2>&-; then echo $1=$(stat -f -c %T .); cd /; return; fi\n"
	"    done\n"
	"    i=$((i + 1))\n"
	"  done\n"
	"  echo $1=none\n"
	"}\n"
	"fstype proc; fstype dev\n";

static double seconds_since(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

/* How a start ended: it ran, or nslab refused it (exit 125, one line) at some step. */
enum outcome { RAN, REFUSED_BY_CHECK, REFUSED_AT_MOUNT };

/* One start: exit 0 with proc and dev in place, or 125 with one error line. */
static enum outcome start_one(int n)
{
	struct run_result r;
	const char *why;

	NSLAB(&r, "run", "--rootfs", rootfs, "--no-overlay", "--", "sh", "-c", probe_script);
	why = scratch_touched();
	cr_assert_null(why, "start %d: %s (exit %d: %s)", n, why, r.code, r.err);
	if (r.code == 125) {
		cr_assert(strncmp(r.err, "nslab: ", 7) == 0 &&
			  strchr(r.err, '\n') == r.err + strlen(r.err) - 1,
			  "start %d: not one line: '%s'", n, r.err);
		/* The rootfs check before any mount, or a target found a symlink when opened. */
		return strncmp(r.err, "nslab: rootfs: ", 15) == 0 ? REFUSED_BY_CHECK : REFUSED_AT_MOUNT;
	}
	cr_assert_eq(r.code, 0, "start %d: exit %d: %s%s", n, r.code, r.out, r.err);
	cr_assert_str_eq(lab_value(r.out, "proc"), "proc", "start %d: %s", n, r.out);
	cr_assert_str_eq(lab_value(r.out, "dev"), "tmpfs", "start %d: %s", n, r.out);
	return RAN;
}

Test(harden, H13_mount_targets_resolved_by_fd, .init = race_setup, .fini = race_cleanup,
     .timeout = 600)
{
	int count[3] = { 0 }, n, round;
	const char *why;
	struct timespec t0;

	/* Control: the intact copy, no swapper, starts and shows its proc and dev. */
	cr_assert_eq(start_one(0), RAN, "the intact rootfs is refused");
	start_swapper();
	/* Control: against the same swapper, a check-then-mount-by-path lands outside the root. */
	round = naive_lands();
	cr_assert(round, "inconclusive: the naive mounter never hit the race window in %d tries",
		  NAIVE_TRIES * NAIVE_ROUNDS);
	cr_log_info("H13: control: the naive mounter landed outside the root within %d tries",
		    NAIVE_TRIES * round);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (n = 1; n <= STARTS && seconds_since(&t0) < START_SECONDS; n++)
		count[start_one(n)]++;
	cr_log_info("H13: %d starts against the swapper in %.0f s: %d ran, %d refused by the "
		    "rootfs check, %d refused at a mount target", n - 1, seconds_since(&t0),
		    count[RAN], count[REFUSED_BY_CHECK], count[REFUSED_AT_MOUNT]);
	kill(swapper, SIGKILL);
	waitpid(swapper, NULL, 0);
	swapper = -1;
	why = scratch_touched();
	cr_assert_null(why, "after the race: %s", why);
}
