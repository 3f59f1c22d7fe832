/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nslab-probe: a static binary in the default rootfs that reports what a
 * process sees from inside a container.  Each probe prints one line: "ok"
 * (maybe followed by key=value pairs) or the errno name of the failure
 * (EPERM, ENOENT, ...), and exits 0 either way; usage errors exit 2.
 *
 * Probes register themselves with PROBE(), one file per concern, so adding
 * one never touches a shared table.
 */
#ifndef NSLAB_PROBE_H
#define NSLAB_PROBE_H

#include "util.h"

struct probe_cmd {
	const char *name;
	const char *usage;	/* arguments, for --help */
	int (*fn)(int argc, char **argv);	/* argv[0] is the probe's name */
};

#define PROBE(id, cmd_name, cmd_usage, cmd_fn)					\
	static const struct probe_cmd probe_cmd_##id				\
	__attribute__((used, section("probe_cmds"), aligned(sizeof(void *)))) = \
		{ cmd_name, cmd_usage, cmd_fn }

/* Prints "ok" or the errno name for a syscall result (-1 with errno set). */
int probe_report(int ret);
/* Name of an errno value: "EPERM", ...; "E<number>" for the rare others. */
const char *probe_errno_name(int err);
/* Parses a whole decimal number or exits 2 with a message. */
long long probe_number(const char *s);

#endif
