// SPDX-License-Identifier: GPL-2.0
#include "cli.h"
#include "container.h"
#include "json.h"
#include "state.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

struct ps_out {
	bool json;
	bool all;		/* -a: exited ones too */
	struct nslab_json j;
};

static void ns_list(const struct nslab_state *st, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int t = 0; t < NSLAB_NS_COUNT; t++)
		if (st->ns & NSLAB_NS_BIT(t))
			len += snprintf(buf + len, size - len, "%s%s", len ? "," : "",
					nslab_ns_types[t].name);
}

/* Its persisted files, "type=path" separated by spaces, or "-". */
static void persisted_list(const struct nslab_state *st, char *buf, size_t size)
{
	size_t len = 0;

	snprintf(buf, size, "-");
	for (int t = 0; t < NSLAB_NS_COUNT && len < size; t++)
		if (st->persisted[t][0])
			len += snprintf(buf + len, size - len, "%s%s=%s", len ? " " : "",
					nslab_ns_types[t].name, st->persisted[t]);
}

static void utc(long long t, char buf[32])
{
	time_t when = t;

	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", gmtime(&when));
}

static void print_text(const struct nslab_state *st, const char *status, const char *created)
{
	char ns[64], pid[16], persisted[NSLAB_NS_COUNT * (PATH_MAX + 8)], shown[32];

	ns_list(st, ns, sizeof(ns));
	persisted_list(st, persisted, sizeof(persisted));
	/* As Docker shows it: the code, 128+N for signal N. */
	if (st->exited)
		snprintf(shown, sizeof(shown), "exited (%d)", st->exit_code);
	else
		snprintf(shown, sizeof(shown), "%s", status);
	if (st->pid)
		snprintf(pid, sizeof(pid), "%d", (int)st->pid);
	else
		snprintf(pid, sizeof(pid), "-");
	printf("%-20s %-8s %-12s %-20s %-34s %-24s %s\n", st->name, pid, shown, created, ns,
	       persisted, st->command);
}

static int print_one(const struct nslab_state *st, void *arg)
{
	struct ps_out *out = arg;
	const char *status = nslab_status_name(nslab_container_status(st));
	char created[32], finished[32];

	if (st->exited && !out->all)
		return 0;
	utc(st->created, created);
	if (!out->json) {
		print_text(st, status, created);
		return 0;
	}
	nslab_json_open(&out->j, NULL, '{');
	nslab_json_str(&out->j, "name", st->name);
	nslab_json_int(&out->j, "pid", st->pid);
	nslab_json_int(&out->j, "supervisor", st->supervisor);
	nslab_json_str(&out->j, "status", status);
	if (st->exited) {
		utc(st->finished, finished);
		nslab_json_int(&out->j, "exit_code", st->exit_code);
		nslab_json_str(&out->j, "finished", finished);
	}
	nslab_json_str(&out->j, "created", created);
	nslab_json_str(&out->j, "rootfs", st->rootfs);
	nslab_json_str(&out->j, "command", st->command);
	nslab_json_str(&out->j, "host_if", st->host_if);
	nslab_json_str(&out->j, "addresses", st->addresses);
	nslab_json_open(&out->j, "namespaces", '[');
	for (int t = 0; t < NSLAB_NS_COUNT; t++)
		if (st->ns & NSLAB_NS_BIT(t))
			nslab_json_str(&out->j, NULL, nslab_ns_types[t].name);
	nslab_json_close(&out->j, ']');
	nslab_json_open(&out->j, "persisted", '[');
	for (int t = 0; t < NSLAB_NS_COUNT; t++)
		if (st->persisted[t][0])
			nslab_json_str(&out->j, NULL, st->persisted[t]);
	nslab_json_close(&out->j, ']');
	nslab_json_close(&out->j, '}');
	return 0;
}

int cmd_ps(int argc, char **argv)
{
	struct ps_out out = { .json = false };
	int ret;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0)
			out.json = true;
		else if (strcmp(argv[i], "-a") == 0 || strcmp(argv[i], "--all") == 0)
			out.all = true;
		else if (strcmp(argv[i], "--help") == 0) {
			puts("usage: nslab ps [-a] [--json]\n"
			     "  -a, --all   exited containers too (kept until `nslab rm`)");
			return CLI_OK;
		} else
			return cli_fail(NSLAB_ERR_INPUT, 0, "usage", "bad argument '%s' (nslab ps [-a] [--json])",
					argv[i]);
	}
	if (out.json) {
		nslab_json_init(&out.j, stdout);
		nslab_json_open(&out.j, NULL, '[');
	} else {
		printf("%-20s %-8s %-12s %-20s %-34s %-24s %s\n", "NAME", "PID", "STATUS", "CREATED",
		       "NAMESPACES", "PERSISTED", "COMMAND");
	}
	ret = nslab_state_each(print_one, &out);
	if (out.json)
		nslab_json_close(&out.j, ']');
	if (ret)
		return cli_fail(NSLAB_ERR_SYSTEM, ret, "ps", "%s: %s", nslab_state_root(), strerror(-ret));
	return CLI_OK;
}
