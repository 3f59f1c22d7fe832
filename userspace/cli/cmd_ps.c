// SPDX-License-Identifier: GPL-2.0
#include "cli.h"
#include "container.h"
#include "json.h"
#include "state.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

struct ps_out {
	bool json;
	bool all;		/* -a: exited ones too */
	json_object *list;	/* with --json, of one object per container */
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

/* The namespaces it made, or with @files the paths of its persisted ones. */
static json_object *ns_json(const struct nslab_state *st, bool files)
{
	json_object *list = json_object_new_array();

	for (int t = 0; list && t < NSLAB_NS_COUNT; t++) {
		if (files && st->persisted[t][0])
			json_object_array_add(list, json_object_new_string(st->persisted[t]));
		else if (!files && (st->ns & NSLAB_NS_BIT(t)))
			json_object_array_add(list, json_object_new_string(nslab_ns_types[t].name));
	}
	return list;
}

static json_object *entry_json(const struct nslab_state *st, const char *status, const char *created)
{
	json_object *o = json_object_new_object();
	char finished[32];

	if (!o)
		return NULL;
	json_object_object_add(o, "name", json_object_new_string(st->name));
	json_object_object_add(o, "pid", json_object_new_int64(st->pid));
	json_object_object_add(o, "supervisor", json_object_new_int64(st->supervisor));
	json_object_object_add(o, "status", json_object_new_string(status));
	if (st->exited) {
		utc(st->finished, finished);
		json_object_object_add(o, "exit_code", json_object_new_int64(st->exit_code));
		json_object_object_add(o, "finished", json_object_new_string(finished));
	}
	json_object_object_add(o, "created", json_object_new_string(created));
	json_object_object_add(o, "rootfs", json_object_new_string(st->rootfs));
	json_object_object_add(o, "command", json_object_new_string(st->command));
	json_object_object_add(o, "host_if", json_object_new_string(st->host_if));
	json_object_object_add(o, "addresses", json_object_new_string(st->addresses));
	json_object_object_add(o, "namespaces", ns_json(st, false));
	json_object_object_add(o, "persisted", ns_json(st, true));
	return o;
}

static int print_one(const struct nslab_state *st, void *arg)
{
	struct ps_out *out = arg;
	const char *status = nslab_status_name(nslab_container_status(st));
	char created[32];

	if (st->exited && !out->all)
		return 0;
	utc(st->created, created);
	if (!out->json) {
		print_text(st, status, created);
		return 0;
	}
	json_object_array_add(out->list, entry_json(st, status, created));
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
		out.list = json_object_new_array();
		if (!out.list)
			return cli_fail(NSLAB_ERR_SYSTEM, ENOMEM, "ps", "%s", strerror(ENOMEM));
	} else {
		printf("%-20s %-8s %-12s %-20s %-34s %-24s %s\n", "NAME", "PID", "STATUS", "CREATED",
		       "NAMESPACES", "PERSISTED", "COMMAND");
	}
	ret = nslab_state_each(print_one, &out);
	if (out.json) {
		int printed = nslab_json_print(stdout, out.list);

		ret = ret ? ret : printed;
	}
	if (ret)
		return cli_fail(NSLAB_ERR_SYSTEM, ret, "ps", "%s: %s", nslab_state_root(), strerror(-ret));
	return CLI_OK;
}
