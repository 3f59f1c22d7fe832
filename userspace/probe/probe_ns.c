// SPDX-License-Identifier: GPL-2.0
#include "ns.h"
#include "probe.h"

#include <sched.h>
#include <stdio.h>
#include <sys/stat.h>

/* Prints "<type>=<dev>:<ino>" for each namespace of the caller (docs/conformance.md "Identity"). */
static int probe_ns_ids(int argc, char **argv)
{
#define NS_NAME(id, name, flag) name,
	static const char *const types[] = { NSLAB_NS_TABLE(NS_NAME) };
#undef NS_NAME

	(void)argc;
	(void)argv;
	for (size_t i = 0; i < N_ELEMENTS(types); i++) {
		char path[64];
		struct stat st;

		snprintf(path, sizeof(path), "/proc/self/ns/%s", types[i]);
		if (stat(path, &st) < 0)
			printf("%s=%s\n", types[i], "none");
		else
			printf("%s=%lu:%lu\n", types[i], (unsigned long)st.st_dev,
			       (unsigned long)st.st_ino);
	}
	return 0;
}
PROBE(ns_ids, "ns-ids", "", probe_ns_ids);

/* Enters the namespace open on FD (passed in by the caller, e.g. as stdin). */
static int probe_setns(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: setns FD\n");
		return 2;
	}
	return probe_report(setns(probe_number(argv[1]), 0));
}
PROBE(setns, "setns", "FD", probe_setns);
