// SPDX-License-Identifier: GPL-2.0
/* PID isolation, docs/conformance.md P1-P7. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "detached.h"
#include "harness.h"
#include "lab.h"
#include "state.h"

#define CHAIN_DEPTH 3
#define MAX_MEMBERS 16
/* Generous bounds for work the kernel has been asked to do; never a pass criterion. */
#define SETTLE_MS 10000
/*
 * The kernel kills and reaps a pid namespace's other processes before its
 * init's exit is reported, so survivors are counted after a short bound.
 */
#define REAP_MS 2000

static void assert_probe_ok(const struct run_result *r)
{
	cr_assert_eq(r->code, 0, "nslab failed (%d): %s", r->code, r->err);
	cr_assert_eq(strncmp(r->out, "ok", 2), 0, "probe said: %s", r->out);
}

static long value_num(const char *out, const char *key)
{
	const char *v = lab_value(out, key);

	cr_assert(v, "no %s= in: %s", key, out);
	return strtol(v, NULL, 10);
}

TestSuite(pid, .timeout = 120);

Test(pid, P1_init_is_pid_1)
{
	struct run_result r;

	require_root();
	NSLAB(&r, "run", "--", "nslab-probe", "pid-ids");
	assert_probe_ok(&r);
	cr_assert_eq(value_num(r.out, "pid"), 1, "%s", r.out);
	cr_assert_eq(value_num(r.out, "ppid"), 0, "%s", r.out);

	/* Control: in the host's pid namespace the first process has a host pid and a parent. */
	NSLAB(&r, "run", "--ns", lab_ns_without("pid"), "--", "nslab-probe", "pid-ids");
	assert_probe_ok(&r);
	cr_assert_neq(value_num(r.out, "pid"), 1, "%s", r.out);
	cr_assert_neq(value_num(r.out, "ppid"), 0, "%s", r.out);
}

/* Whether @pid is in the comma-separated list @pids. */
static bool listed(const char *pids, pid_t pid)
{
	char me[16];
	size_t n = snprintf(me, sizeof(me), "%d", (int)pid);

	for (const char *p = pids; p && *p; p += strcspn(p, ",") + (p[strcspn(p, ",")] != '\0'))
		if (strncmp(p, me, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

Test(pid, P2_proc_shows_only_the_container)
{
	struct run_result r;
	const char *pids;

	require_root();
	NSLAB(&r, "run", "--", "nslab-probe", "proc-pids");
	assert_probe_ok(&r);
	cr_assert_str_eq(lab_value(r.out, "self"), "1", "%s", r.out);
	pids = lab_value(r.out, "pids");
	cr_assert_str_eq(pids, "1", "/proc lists more than the probe: %s", r.out);

	/* Control: without the pid ns, /proc/self is a host pid and the host's processes show. */
	NSLAB(&r, "run", "--ns", lab_ns_without("pid"), "--", "nslab-probe", "proc-pids");
	assert_probe_ok(&r);
	cr_assert_neq(value_num(r.out, "self"), 1, "%s", r.out);
	cr_assert(listed(lab_value(r.out, "pids"), getpid()), "the test's pid %d not listed: %s",
		  (int)getpid(), r.out);
}

Test(pid, P3_kill_host_pid_is_esrch)
{
	char pid[16];
	struct run_result r;

	require_root();
	/* The test process itself: a host pid that surely exists. */
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	NSLAB(&r, "run", "--", "nslab-probe", "kill", pid, "0");
	cr_assert_eq(r.code, 0, "nslab failed: %s", r.err);
	cr_assert_str_eq(r.out, "ESRCH\n");

	/*
	 * Controls: without the pid ns the process is found.  With the user ns
	 * still there, the unprivileged mapped root may not signal it (EPERM,
	 * which also proves it was found); with neither, the signal check passes.
	 */
	NSLAB(&r, "run", "--ns", lab_ns_without("pid"), "--", "nslab-probe", "kill", pid, "0");
	cr_assert_eq(r.code, 0, "nslab failed: %s", r.err);
	cr_assert_str_eq(r.out, "EPERM\n");
	NSLAB(&r, "run", "--ns", lab_ns_without("pid,user"), "--", "nslab-probe", "kill", pid, "0");
	cr_assert_eq(r.code, 0, "nslab failed: %s", r.err);
	cr_assert_str_eq(r.out, "ok\n");
}

/* The NSpid line of /proc/PID/status on the host, tabs turned to spaces; "" if none. */
static const char *host_nspid(pid_t pid)
{
	static char line[256];
	char path[64];
	FILE *f;

	line[0] = '\0';
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	cr_assert(f, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f) && strncmp(line, "NSpid:", 6) != 0)
		line[0] = '\0';
	fclose(f);
	for (char *c = line; *c; c++)
		if (*c == '\t' || *c == '\n')
			*c = ' ';
	return line;
}

Test(pid, P4_host_sees_container_pids, .fini = detached_cleanup)
{
	char name[DETACHED_NAME_MAX], want[64], *comm, path[64];
	pid_t pid;

	require_root();
	pid = DETACHED(name, "p4", "--", "sleep", "600");
	/* The host sees the process under its host pid, with its namespaced pid 1 beside it. */
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	comm = slurp(path);
	cr_assert(comm && strcmp(comm, "sleep\n") == 0, "%s: %s", path, comm ? comm : "missing");
	free(comm);
	snprintf(want, sizeof(want), "NSpid: %d 1 ", (int)pid);
	cr_assert_str_eq(host_nspid(pid), want);

	/* Control: without a pid ns there is a single pid, the host's. */
	pid = DETACHED(name, "p4-control", "--ns", lab_ns_without("pid"), "--", "sleep", "600");
	snprintf(want, sizeof(want), "NSpid: %d ", (int)pid);
	cr_assert_str_eq(host_nspid(pid), want);
}

Test(pid, P5_init_survives_own_sigkill)
{
	struct run_result r;

	require_root();
	NSLAB(&r, "run", "--", "sh", "-c", "kill -9 $$; echo alive");
	cr_assert_eq(r.code, 0, "exit %d: %s", r.code, r.err);
	cr_assert_str_eq(r.out, "alive\n");

	/* Control: not PID 1 of its own namespace, the shell dies of it. */
	NSLAB(&r, "run", "--ns", lab_ns_without("pid"), "--", "sh", "-c", "kill -9 $$; echo alive");
	cr_assert_eq(r.code, 128 + SIGKILL, "exit %d: %s", r.code, r.out);
	cr_assert_str_eq(r.out, "");
}

struct members {
	pid_t pid[MAX_MEMBERS];
	int depth[MAX_MEMBERS];	/* generations below the container's first process */
	int n;
};

static bool same_ns(pid_t a, pid_t b, const char *type)
{
	char pa[64], pb[64];
	struct stat sa, sb;

	snprintf(pa, sizeof(pa), "/proc/%d/ns/%s", (int)a, type);
	snprintf(pb, sizeof(pb), "/proc/%d/ns/%s", (int)b, type);
	return stat(pa, &sa) == 0 && stat(pb, &sb) == 0 && sa.st_ino == sb.st_ino &&
	       sa.st_dev == sb.st_dev;
}

static pid_t host_ppid(pid_t pid)
{
	char path[64], line[128];
	pid_t ppid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "PPid: %d", &ppid) == 1)
			break;
	if (f)
		fclose(f);
	return ppid;
}

/*
 * The processes on the host that share @init's mount namespace (the
 * container's, with or without a pid ns), each with its distance from @init.
 */
static void find_members(pid_t init, struct members *m)
{
	DIR *proc = opendir("/proc");
	struct dirent *d;

	cr_assert(proc, "/proc: %s", strerror(errno));
	m->n = 0;
	while ((d = readdir(proc)) && m->n < MAX_MEMBERS) {
		pid_t pid = isdigit((unsigned char)d->d_name[0]) ? atoi(d->d_name) : 0;
		int depth = 0;

		if (pid <= 0 || !same_ns(pid, init, "mnt"))
			continue;
		for (pid_t p = pid; p > 1 && p != init && depth <= MAX_MEMBERS; p = host_ppid(p))
			depth++;
		m->pid[m->n] = pid;
		m->depth[m->n++] = depth;
	}
	closedir(proc);
}

/* Waits, bounded, for the fork-chain below @init to be complete. */
static void wait_chain(pid_t init, struct members *m)
{
	const struct timespec tick = { 0, 10 * 1000 * 1000 };

	for (int waited = 0; waited < SETTLE_MS; waited += 10) {
		find_members(init, m);
		if (m->n == CHAIN_DEPTH + 1)
			return;
		nanosleep(&tick, NULL);
	}
	cr_assert_fail("the chain below %d has %d of %d processes", (int)init, m->n,
		       CHAIN_DEPTH + 1);
}

/*
 * Starts a container (--ns @ns) whose first process grows a chain of
 * CHAIN_DEPTH descendants, SIGKILLs that first process from the host, and
 * returns how many descendants outlive it by REAP_MS.  The supervisor is
 * stopped meanwhile: its teardown kills what is left in the container's
 * cgroup, and the kernel's doing is what is under test.  Survivors are
 * killed before returning.
 */
static int descendants_left(const char *tag, const char *ns)
{
	struct pollfd fds[MAX_MEMBERS];
	char name[DETACHED_NAME_MAX], depth[16];
	struct nslab_state st;
	struct members m;
	int init_fd = -1, left = 0, max_depth = 0, n = 0, init_died;
	pid_t init;

	snprintf(depth, sizeof(depth), "%d", CHAIN_DEPTH);
	init = DETACHED(name, tag, "--ns", ns, "--", "nslab-probe", "fork-chain", depth);
	cr_assert_eq(nslab_state_read(name, &st), 0);
	wait_chain(init, &m);
	for (int i = 0; i < m.n; i++) {
		int fd = pidfd_open(m.pid[i], 0);

		cr_assert(fd >= 0, "pidfd_open %d: %s", (int)m.pid[i], strerror(errno));
		if (m.pid[i] == init) {
			init_fd = fd;
			continue;
		}
		if (m.depth[i] > max_depth)
			max_depth = m.depth[i];
		fds[n++] = (struct pollfd){ .fd = fd, .events = POLLIN };
	}
	cr_assert(init_fd >= 0 && max_depth >= CHAIN_DEPTH, "chain too short: depth %d", max_depth);

	/* No assertion until SIGCONT: a stopped supervisor would hang the cleanup's rm -f. */
	cr_assert_eq(kill(st.supervisor, SIGSTOP), 0, "%s", strerror(errno));
	pidfd_send_signal(init_fd, SIGKILL, NULL, 0);
	init_died = poll(&(struct pollfd){ .fd = init_fd, .events = POLLIN }, 1, SETTLE_MS);
	for (int waited = 0; init_died == 1 && waited < REAP_MS; waited += 10) {
		if (poll(fds, n, 0) == n)
			break;
		poll(NULL, 0, 10);
	}
	for (int i = 0; i < n; i++) {
		if (!(fds[i].revents & POLLIN)) {
			left++;
			pidfd_send_signal(fds[i].fd, SIGKILL, NULL, 0);
		}
		close(fds[i].fd);
	}
	close(init_fd);
	kill(st.supervisor, SIGCONT);
	cr_assert_eq(init_died, 1, "the container's first process did not die");
	return left;
}

Test(pid, P5_host_kill_takes_all_descendants, .fini = detached_cleanup)
{
	require_root();
	cr_assert_eq(descendants_left("p5", lab_ns_without("")), 0,
		     "descendants outlived the container's init");

	/* Control: without a pid ns, killing the first process orphans the chain instead. */
	cr_assert_eq(descendants_left("p5-control", lab_ns_without("pid")), CHAIN_DEPTH,
		     "the chain should outlive its head without a pid namespace");
}

Test(pid, P6_init_reaps_orphans)
{
	struct run_result r;

	require_root();
	NSLAB(&r, "run", "--init", "--", "nslab-probe", "orphan-zombies", "5000");
	assert_probe_ok(&r);
	cr_assert_eq(value_num(r.out, "zombies"), 0, "%s", r.out);

	/* Control: when PID 1 is the probe, which reaps only its own child, the orphan stays a zombie. */
	NSLAB(&r, "run", "--", "nslab-probe", "orphan-zombies", "1000");
	assert_probe_ok(&r);
	cr_assert_eq(value_num(r.out, "zombies"), 1, "%s", r.out);
}

/*
 * The kernel nests pid namespaces 32 deep below the host's (MAX_PID_NS_LEVEL).
 * The container's is the first of them, so 31 more fit inside it; the next
 * is refused with ENOSPC.  nspid is the deepest process's level as the
 * container's /proc sees it: the container's own level counts as 1.
 */
Test(pid, P7_nest_32_pid_namespaces)
{
	struct run_result r;

	require_root();
	NSLAB(&r, "run", UNCONFINED, "--", "nslab-probe", "pid-nest", "40");
	assert_probe_ok(&r);
	cr_assert_eq(value_num(r.out, "created"), 31, "%s", r.out);
	cr_assert_eq(value_num(r.out, "nspid"), 32, "%s", r.out);
	cr_assert_str_eq(lab_value(r.out, "stop"), "ENOSPC", "%s", r.out);

	/*
	 * Control: from the host's pid namespace the same probe makes all 32
	 * itself, and the host's /proc shows the deepest one at 33 levels
	 * (host included) — the limit is the kernel's, not the runtime's.
	 */
	NSLAB(&r, "run", UNCONFINED, "--ns", lab_ns_without("pid"), "--", "nslab-probe", "pid-nest", "40");
	assert_probe_ok(&r);
	cr_assert_eq(value_num(r.out, "created"), 32, "%s", r.out);
	cr_assert_eq(value_num(r.out, "nspid"), 33, "%s", r.out);
	cr_assert_str_eq(lab_value(r.out, "stop"), "ENOSPC", "%s", r.out);
}
