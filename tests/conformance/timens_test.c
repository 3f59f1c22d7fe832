// SPDX-License-Identifier: GPL-2.0
/* Time namespace, docs/conformance.md T1-T2. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "detached.h"
#include "harness.h"
#include "lab.h"

#define NSEC 1000000000LL
/* Offsets far larger than any test run, so a shift cannot be mistaken for elapsed time. */
#define MONO_OFFSET (3 * 86400LL)
#define BOOT_OFFSET (7 * 86400LL)

struct clocks {
	int64_t mono, boot;	/* nanoseconds */
};

static void host_clocks(struct clocks *c)
{
	struct timespec m, b;

	clock_gettime(CLOCK_MONOTONIC, &m);
	clock_gettime(CLOCK_BOOTTIME, &b);
	c->mono = m.tv_sec * NSEC + m.tv_nsec;
	c->boot = b.tv_sec * NSEC + b.tv_nsec;
}

/* Parses `nslab-probe clocks; cat /proc/uptime` output; uptime in nanoseconds. */
static void parse_clocks(const char *out, struct clocks *c, int64_t *uptime)
{
	long long ms, bs, us;
	long mn, bn, un;

	cr_assert_eq(sscanf(out, "ok monotonic=%lld.%ld boottime=%lld.%ld\n%lld.%ld", &ms, &mn, &bs,
			    &bn, &us, &un), 6, "unexpected output: %s", out);
	c->mono = ms * NSEC + mn;
	c->boot = bs * NSEC + bn;
	*uptime = us * NSEC + un * (NSEC / 100);
}

/*
 * The container reads its clocks between two host readings, so with no
 * offset each lies between them; bounds, not a duration, are asserted.
 * /proc/uptime has 1/100 s resolution, truncated.
 */
static void assert_shift(const struct clocks *before, const struct clocks *after,
			 const struct clocks *in, int64_t uptime, int64_t mono_off, int64_t boot_off)
{
	cr_assert(in->mono - mono_off >= before->mono && in->mono - mono_off <= after->mono,
		  "monotonic %lld - offset %lld outside host [%lld, %lld]", (long long)in->mono,
		  (long long)mono_off, (long long)before->mono, (long long)after->mono);
	cr_assert(in->boot - boot_off >= before->boot && in->boot - boot_off <= after->boot,
		  "boottime %lld - offset %lld outside host [%lld, %lld]", (long long)in->boot,
		  (long long)boot_off, (long long)before->boot, (long long)after->boot);
	cr_assert(uptime - boot_off >= before->boot - NSEC / 100 && uptime - boot_off <= after->boot,
		  "/proc/uptime %lld - offset %lld outside host [%lld, %lld]", (long long)uptime,
		  (long long)boot_off, (long long)before->boot, (long long)after->boot);
}

TestSuite(timens, .timeout = 120);

Test(timens, T1_clocks_shifted_by_offsets)
{
	struct clocks before, after, in;
	char offsets[64];
	struct run_result r;
	int64_t uptime;

	require_root();
	snprintf(offsets, sizeof(offsets), "monotonic=%lld,boottime=%lld", MONO_OFFSET, BOOT_OFFSET);
	host_clocks(&before);
	NSLAB(&r, "run", "--time-offset", offsets, "--", "sh", "-c", "nslab-probe clocks; cat /proc/uptime");
	host_clocks(&after);
	cr_assert_eq(r.code, 0, "nslab failed: %s", r.err);
	parse_clocks(r.out, &in, &uptime);
	assert_shift(&before, &after, &in, uptime, MONO_OFFSET * NSEC, BOOT_OFFSET * NSEC);
	/* The host's clocks did not move by the offsets. */
	cr_assert_lt(after.mono - before.mono, MONO_OFFSET * NSEC);
	cr_assert_lt(after.boot - before.boot, BOOT_OFFSET * NSEC);

	/* Negative control: without the time namespace the container reads the host's clocks. */
	host_clocks(&before);
	NSLAB(&r, "run", "--ns", "uts,ipc,pid,mnt,net,user,cgroup", "--", "sh", "-c",
	      "nslab-probe clocks; cat /proc/uptime");
	host_clocks(&after);
	cr_assert_eq(r.code, 0, "nslab failed: %s", r.err);
	parse_clocks(r.out, &in, &uptime);
	assert_shift(&before, &after, &in, uptime, 0, 0);
}

/* The offsets of @pid's time namespace as the host reads them, in seconds. */
static void host_offsets(pid_t pid, long long *mono, long long *boot)
{
	char path[64], *text;
	long mono_ns, boot_ns;

	snprintf(path, sizeof(path), "/proc/%d/timens_offsets", (int)pid);
	text = slurp(path);
	cr_assert(text, "%s: %s", path, strerror(errno));
	cr_assert_eq(sscanf(text, "monotonic %lld %ld\nboottime %lld %ld", mono, &mono_ns, boot,
			    &boot_ns), 4, "%s: %s", path, text);
	cr_assert(mono_ns == 0 && boot_ns == 0, "%s: %s", path, text);
	free(text);
}

/*
 * A second view of T1, from the host: the offsets nslab wrote are those of
 * the namespace the container's command runs in (/proc/PID/timens_offsets),
 * not a reading of the clocks inside.
 */
Test(timens, T1_host_reads_the_offsets_of_the_containers_namespace, .fini = detached_cleanup)
{
	char name[DETACHED_NAME_MAX], offsets[64];
	long long mono, boot;
	pid_t pid;

	require_root();
	snprintf(offsets, sizeof(offsets), "monotonic=%lld,boottime=%lld", MONO_OFFSET, BOOT_OFFSET);
	pid = DETACHED(name, "t1h", "--time-offset", offsets, "--", "sleep", "60");
	host_offsets(pid, &mono, &boot);
	cr_assert(mono == MONO_OFFSET && boot == BOOT_OFFSET, "offsets %lld %lld, given %s", mono,
		  boot, offsets);

	/* Negative control: without the time namespace the container is in the host's, at 0 0. */
	pid = DETACHED(name, "t1hc", "--ns", lab_ns_without("time"), "--", "sleep", "60");
	host_offsets(pid, &mono, &boot);
	cr_assert(mono == 0 && boot == 0, "without a time namespace: offsets %lld %lld", mono, boot);
}

static void assert_rejected(const char *offsets)
{
	struct host_snapshot before, after;
	const char *diff, *prefix = "nslab: --time-offset: ";
	struct run_result r;

	snapshot_take(&before);
	NSLAB(&r, "run", "--time-offset", offsets, "--", "echo", "ran");
	snapshot_take(&after);
	diff = snapshot_diff(&before, &after);
	cr_expect_null(diff, "'%s' left something: %s", offsets, diff);
	snapshot_free(&before);
	snapshot_free(&after);
	cr_expect_eq(r.code, 125, "'%s': exit %d", offsets, r.code);
	cr_expect_str_empty(r.out, "'%s': the command ran", offsets);
	cr_expect_eq(strncmp(r.err, prefix, strlen(prefix)), 0, "'%s': error '%s'", offsets, r.err);
	cr_expect(strchr(r.err, '\n') == r.err + strlen(r.err) - 1, "'%s': not one line: '%s'",
		  offsets, r.err);
}

Test(timens, T2_bad_offsets_rejected)
{
	struct timespec boot;
	char past_zero[64];
	struct run_result r;

	require_root();
	clock_gettime(CLOCK_BOOTTIME, &boot);
	/* A year before boot: the clock would go negative inside. */
	snprintf(past_zero, sizeof(past_zero), "boottime=-%lld", (long long)boot.tv_sec + 365 * 86400LL);
	assert_rejected("monotonic=abc");
	assert_rejected("monotonic=");
	assert_rejected("monotonic=1.5");
	assert_rejected("realtime=5");
	assert_rejected("monotonic=1,monotonic=2");
	assert_rejected("monotonic");
	assert_rejected("");
	assert_rejected(past_zero);

	/* Negative control: well-formed offsets, one of them negative within uptime, are accepted. */
	NSLAB(&r, "run", "--time-offset", "monotonic=5,boottime=-1", "--", "echo", "ran");
	cr_assert_eq(r.code, 0, "nslab failed: %s", r.err);
	cr_assert_str_eq(r.out, "ran\n");
}
