// SPDX-License-Identifier: GPL-2.0
/*
 * Load generators for the cgroup limit checks (docs/conformance.md L1-L7).  Each one
 * bounds itself, in size, count or time, so that a limit that does not hold
 * fails a test instead of taking the machine down.
 */
#include "probe.h"

#include <errno.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int usage(const char *text)
{
	fprintf(stderr, "usage: %s\n", text);
	return 2;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* "96m" -> bytes; k, m, g suffixes as nslab's own options take them. */
static long long size_arg(const char *s)
{
	size_t len = strlen(s);
	int shift = 0;
	char num[32];

	if (len && len < sizeof(num)) {
		switch (s[len - 1] | 0x20) {
		case 'k': shift = 10; break;
		case 'm': shift = 20; break;
		case 'g': shift = 30; break;
		}
	}
	snprintf(num, sizeof(num), "%.*s", (int)(shift ? len - 1 : len), s);
	return probe_number(num) << shift;
}

/* Touches BYTES of fresh anonymous memory page by page; "ok bytes=N" if it all fit. */
static int probe_hog(int argc, char **argv)
{
	long page = sysconf(_SC_PAGESIZE);
	long long size;
	char *mem;

	if (argc != 2)
		return usage("hog BYTES");
	size = size_arg(argv[1]);
	mem = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED)
		return probe_report(-1);
	for (long long off = 0; off < size; off += page)
		mem[off] = 1;
	printf("ok bytes=%lld\n", size);
	return 0;
}
PROBE(hog, "hog", "BYTES[k|m|g]", probe_hog);

struct bomb {
	atomic_int reserved;	/* processes alive or being forked: what @max caps */
	atomic_int alive;	/* processes that exist (counted after fork, until reaped) */
	atomic_int peak;	/* of alive, the first process included */
	atomic_int forks;	/* successful forks */
	atomic_int first_err;	/* errno of the first failed fork, 0 if none failed */
	bool settle;		/* stop once a fork failed or @max lived at once */
};

/*
 * Settled: the limit showed itself (a fork failed) or is not there (the
 * bomb's own cap was reached).  A bomb that stops here gives its verdict
 * however slow the machine, its deadline only a bound.
 */
static bool settled(struct bomb *b, int max)
{
	return b->settle && (atomic_load(&b->first_err) || atomic_load(&b->peak) >= max);
}

static void reaped(struct bomb *b)
{
	atomic_fetch_sub(&b->alive, 1);
	atomic_fetch_sub(&b->reserved, 1);
}

/*
 * Every process of the bomb forks as long as fewer than @max are alive,
 * re-forks when one dies, and retries failed forks until @deadline: a bomb,
 * but one that stops at @max processes and at @deadline whatever the limits.
 */
static void bomb_loop(struct bomb *b, int max, double deadline)
{
	const struct timespec pause = { 0, 5 * 1000 * 1000 };

	while (now() < deadline && !settled(b, max)) {
		pid_t pid;

		if (atomic_fetch_add(&b->reserved, 1) >= max) {
			atomic_fetch_sub(&b->reserved, 1);
			nanosleep(&pause, NULL);
		} else if ((pid = fork()) < 0) {
			int zero = 0;

			atomic_fetch_sub(&b->reserved, 1);
			atomic_compare_exchange_strong(&b->first_err, &zero, errno);
			nanosleep(&pause, NULL);
		} else if (pid > 0) {
			int alive = atomic_fetch_add(&b->alive, 1) + 1;
			int peak = atomic_load(&b->peak);

			atomic_fetch_add(&b->forks, 1);
			while (alive > peak && !atomic_compare_exchange_weak(&b->peak, &peak, alive))
				;
		}
		/* The child goes round the same loop: it is a forker too. */
		while (waitpid(-1, NULL, WNOHANG) > 0)
			reaped(b);
	}
	while (wait(NULL) > 0)
		reaped(b);
}

/*
 * "ok forks=N peak=P errno=EAGAIN|none": P counts the bomb's live processes,
 * itself included.  With "settle", it stops as soon as settled() says.
 */
static int probe_forkbomb(int argc, char **argv)
{
	struct bomb *b;
	double deadline;
	pid_t self = getpid();
	int max;

	if (argc != 3 && !(argc == 4 && strcmp(argv[3], "settle") == 0))
		return usage("forkbomb MAX SECONDS [settle]");
	max = probe_number(argv[1]);
	deadline = now() + probe_number(argv[2]);
	b = mmap(NULL, sizeof(*b), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (b == MAP_FAILED)
		return probe_report(-1);
	atomic_store(&b->reserved, 1);
	atomic_store(&b->alive, 1);
	atomic_store(&b->peak, 1);
	b->settle = argc == 4;
	bomb_loop(b, max, deadline);
	if (getpid() != self)
		_exit(0);
	printf("ok forks=%d peak=%d errno=%s\n", atomic_load(&b->forks), atomic_load(&b->peak),
	       b->first_err ? probe_errno_name(b->first_err) : "none");
	return 0;
}
PROBE(forkbomb, "forkbomb", "MAX SECONDS [settle]", probe_forkbomb);

/* A busy loop on one CPU for SECONDS of wall time. */
static int probe_spin(int argc, char **argv)
{
	volatile unsigned long n = 0;
	double deadline;

	if (argc != 2)
		return usage("spin SECONDS");
	deadline = now() + probe_number(argv[1]);
	while (now() < deadline)
		for (int i = 0; i < 10000; i++)
			n++;
	puts("ok");
	return 0;
}
PROBE(spin, "spin", "SECONDS", probe_spin);

/* "ok cpus=0-1,3": sched_getaffinity as ranges, the format of /sys/devices/system/cpu/online. */
static int probe_affinity(int argc, char **argv)
{
	const char *sep = "";
	cpu_set_t set;

	(void)argc;
	(void)argv;
	if (sched_getaffinity(0, sizeof(set), &set) < 0)
		return probe_report(-1);
	printf("ok cpus=");
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		int last = cpu;

		if (!CPU_ISSET(cpu, &set))
			continue;
		while (last + 1 < CPU_SETSIZE && CPU_ISSET(last + 1, &set))
			last++;
		if (last == cpu)
			printf("%s%d", sep, cpu);
		else
			printf("%s%d-%d", sep, cpu, last);
		sep = ",";
		cpu = last;
	}
	putchar('\n');
	return 0;
}
PROBE(affinity, "affinity", "", probe_affinity);

/* mkdir PATH (mode 0755): "ok" or the errno, e.g. EROFS on a read-only cgroupfs. */
static int probe_mkdir(int argc, char **argv)
{
	if (argc != 2)
		return usage("mkdir PATH");
	return probe_report(mkdir(argv[1], 0755));
}
PROBE(mkdir, "mkdir", "PATH", probe_mkdir);
