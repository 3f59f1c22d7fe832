// SPDX-License-Identifier: GPL-2.0
#include "cli.h"
#include "container.h"
#include "json.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	size_t offset;
} fields[] = {
	{ "memory_current_bytes", offsetof(struct nslab_cg_stats, memory_current) },
	{ "memory_peak_bytes", offsetof(struct nslab_cg_stats, memory_peak) },
	{ "oom_kills", offsetof(struct nslab_cg_stats, oom_kills) },
	{ "pids_current", offsetof(struct nslab_cg_stats, pids_current) },
	{ "cpu_usage_us", offsetof(struct nslab_cg_stats, cpu_usage_us) },
	{ "cpu_throttled_us", offsetof(struct nslab_cg_stats, cpu_throttled_us) },
	{ "cpu_throttled_periods", offsetof(struct nslab_cg_stats, cpu_throttled_periods) },
	{ "io_read_bytes", offsetof(struct nslab_cg_stats, io_read_bytes) },
	{ "io_write_bytes", offsetof(struct nslab_cg_stats, io_write_bytes) },
};

static long long value(const struct nslab_cg_stats *s, size_t f)
{
	return *(const long long *)((const char *)s + fields[f].offset);
}

int cmd_stats(int argc, char **argv)
{
	const char *name = NULL;
	struct nslab_cg_stats s;
	struct nslab_cgroup cg;
	struct nslab_state st;
	bool json = false;
	int ret;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (strcmp(argv[i], "--help") == 0) {
			puts("usage: nslab stats [--json] NAME|PID\n"
			     "fields (-1: not reported by this kernel or cgroup layout):");
			for (size_t f = 0; f < N_ELEMENTS(fields); f++)
				printf("  %s\n", fields[f].name);
			return CLI_OK;
		} else if (argv[i][0] == '-' || name) {
			return cli_fail(NSLAB_ERR_INPUT, 0, "usage", "nslab stats [--json] NAME|PID");
		} else {
			name = argv[i];
		}
	}
	if (!name)
		return cli_fail(NSLAB_ERR_INPUT, 0, "usage", "nslab stats [--json] NAME|PID");
	ret = cli_find(name, &st, &cg);
	if (!ret)
		ret = cli_need_cgroup("stats", &st, &cg);
	if (ret)
		return ret;
	if (st.exited)
		return cli_fail(NSLAB_ERR_SYSTEM, 0, "stats", "container '%s' has exited: its cgroup is gone",
				st.name);
	ret = nslab_cg_stats(&cg, &s);
	if (ret)
		return cli_fail(NSLAB_ERR_SYSTEM, ret, "stats", "%s: %s", st.name, strerror(-ret));
	if (json) {
		json_object *o = json_object_new_object();

		if (!o)
			return cli_fail(NSLAB_ERR_SYSTEM, ENOMEM, "stats", "%s", strerror(ENOMEM));
		json_object_object_add(o, "name", json_object_new_string(st.name));
		json_object_object_add(o, "cgroup_mode",
				       json_object_new_string(nslab_cg_mode_name(cg.layout.mode)));
		for (size_t f = 0; f < N_ELEMENTS(fields); f++)
			json_object_object_add(o, fields[f].name, json_object_new_int64(value(&s, f)));
		return nslab_json_print(stdout, o) ? CLI_ERROR : CLI_OK;
	}
	printf("%-22s %s\n%-22s %s\n", "name", st.name, "cgroup_mode", nslab_cg_mode_name(cg.layout.mode));
	for (size_t f = 0; f < N_ELEMENTS(fields); f++)
		printf("%-22s %lld\n", fields[f].name, value(&s, f));
	return CLI_OK;
}
