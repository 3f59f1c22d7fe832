// SPDX-License-Identifier: GPL-2.0
#include "probe.h"

#include <stdio.h>
#include <time.h>

/* The clocks a time namespace offsets, in seconds with nanoseconds. */
static int probe_clocks(int argc, char **argv)
{
	struct timespec mono, boot;

	(void)argc;
	(void)argv;
	if (clock_gettime(CLOCK_MONOTONIC, &mono) < 0 || clock_gettime(CLOCK_BOOTTIME, &boot) < 0)
		return probe_report(-1);
	printf("ok monotonic=%lld.%09ld boottime=%lld.%09ld\n", (long long)mono.tv_sec,
	       mono.tv_nsec, (long long)boot.tv_sec, boot.tv_nsec);
	return 0;
}
PROBE(clocks, "clocks", "", probe_clocks);
