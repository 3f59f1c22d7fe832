// SPDX-License-Identifier: GPL-2.0
/*
 * crosscheck: the smallest program that times unshare(2) per namespace type,
 * written apart from nsbench and sharing no code with it, so that nsbench's
 * figures can be checked against it (bench/check.sh).  If both agree, neither
 * nsbench's harness nor its statistics bend the numbers.
 *
 * Method, the same operation as nsbench's unshare cell: a freshly forked
 * child per sample (an unshare changes its caller for good) times the one
 * system call with CLOCK_MONOTONIC and sends the span down a pipe.
 *
 * usage: crosscheck [SAMPLES [TYPE...]]   (default 200 samples, every type)
 * Output: one line per type, "TYPE P50_NS SAMPLES".
 */
#include <sched.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ns.h"
#include "util.h"

/* The library's namespace table (a header: crosscheck links nothing of nslab). */
#define TYPE(id, name, flag) { name, flag },
static const struct {
	const char *name;
	int flag;
} types[] = { NSLAB_NS_TABLE(TYPE) };
#undef TYPE

static long long mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static long long one_sample(int flag)
{
	long long span = -1;
	int fds[2], status;
	pid_t pid;

	if (pipe(fds))
		return -1;
	/* Raw clone, no fork handlers: what they touch would cool the caches the call runs on. */
	pid = syscall(SYS_clone, SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid == 0) {
		long long t0, t1;
		int ret;

		/*
		 * The child has no page-table entries for program text yet: the
		 * first call of unshare's wrapper faults.  A call that changes
		 * nothing takes that fault (the fork's cost) off the clock.
		 */
		unshare(0);
		t0 = mono_ns();
		ret = unshare(flag);
		t1 = mono_ns();
		span = ret ? -1 : t1 - t0;
		_exit(write(fds[1], &span, sizeof(span)) == sizeof(span) ? 0 : 1);
	}
	close(fds[1]);
	if (pid < 0 || read(fds[0], &span, sizeof(span)) != sizeof(span))
		span = -1;
	close(fds[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	return span;
}

static int by_value(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

static bool wanted(const char *name, int argc, char **argv)
{
	if (argc <= 2)
		return true;
	for (int i = 2; i < argc; i++)
		if (strcmp(argv[i], name) == 0)
			return true;
	return false;
}

int main(int argc, char **argv)
{
	int samples = argc > 1 ? atoi(argv[1]) : 200;
	long long *v;

	if (samples < 1 || samples > 100000) {
		fprintf(stderr, "usage: crosscheck [SAMPLES [TYPE...]]  (1..100000, default 200)\n");
		return 2;
	}
	v = calloc(samples, sizeof(*v));
	if (!v)
		return 1;
	for (size_t t = 0; t < N_ELEMENTS(types); t++) {
		int n = 0;

		if (!wanted(types[t].name, argc, argv))
			continue;
		/* Warm-up, a tenth of the samples as nsbench's: caches and slabs. */
		for (int i = 0; i < samples / 10 + 1; i++)
			one_sample(types[t].flag);
		for (int i = 0; i < samples; i++) {
			long long span = one_sample(types[t].flag);

			if (span >= 0)
				v[n++] = span;
		}
		if (!n) {
			printf("%s - 0\n", types[t].name);
			continue;
		}
		qsort(v, n, sizeof(*v), by_value);
		/* The median as nsbench defines it: interpolated between the middle ranks. */
		printf("%s %lld %d\n", types[t].name, n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2, n);
	}
	free(v);
	return 0;
}
