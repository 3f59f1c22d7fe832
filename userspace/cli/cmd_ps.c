// SPDX-License-Identifier: GPL-2.0
#include "cli.h"
#include "container.h"
#include "json.h"
#include "state.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

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

/* The output of `ps ARGS` (malloc'd), which runc filters for its table; NULL if ps failed. */
static char *ps_output(char *const *args, int n)
{
	char *argv[n + 2], *out = NULL;
	size_t cap = 0;
	int fds[2], status;
	pid_t pid;
	FILE *f;

	argv[0] = "ps";
	memcpy(argv + 1, args, n * sizeof(*args));
	argv[n + 1] = NULL;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return NULL;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		execvp("ps", argv);
		_exit(127);
	}
	close(fds[1]);
	f = pid > 0 ? fdopen(fds[0], "r") : NULL;
	if (!f)
		close(fds[0]);
	/* ps writes no NUL: one getdelim reads it all. */
	else if (getdelim(&out, &cap, '\0', f) < 0 && out)
		out[0] = '\0';
	if (f)
		fclose(f);
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || status != 0) {
		free(out);
		return NULL;
	}
	return out;
}

/* The index of the PID column in ps's header line, -1 if it has none. */
static int pid_column(const char *header)
{
	int col = 0;

	for (const char *p = header + strspn(header, " "); *p && *p != '\n'; col++) {
		size_t len = strcspn(p, " \n");

		if (len == 3 && strncmp(p, "PID", 3) == 0)
			return col;
		p += len;
		p += strspn(p, " ");
	}
	return -1;
}

/* Whether the line's field @col is one of @pids. */
static bool line_listed(const char *line, int col, const pid_t *pids, size_t n)
{
	const char *p = line + strspn(line, " ");
	long pid;

	for (int i = 0; i < col && *p && *p != '\n'; i++) {
		p += strcspn(p, " \n");
		p += strspn(p, " ");
	}
	pid = strtol(p, NULL, 10);
	for (size_t i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/* runc's table: ps's own output (default -ef), its header and the container's lines. */
static int print_table(const pid_t *pids, size_t n, char *const *args, int n_args)
{
	static char *const ef[] = { "-ef" };
	char *out = n_args ? ps_output(args, n_args) : ps_output(ef, 1);
	int col;

	if (!out)
		return cli_fail(NSLAB_ERR_SYSTEM, 0, "ps", "ps(1) did not run, or refused its arguments");
	col = pid_column(out);
	if (col < 0) {
		free(out);
		return cli_fail(NSLAB_ERR_INPUT, EINVAL, "ps", "ps's output has no PID column");
	}
	for (char *line = out, *next; *line; line = next) {
		next = line + strcspn(line, "\n");
		next += *next == '\n';
		if (line == out || line_listed(line, col, pids, n))
			fwrite(line, 1, next - line, stdout);
	}
	free(out);
	return CLI_OK;
}

/* The pids of container @id, as a JSON array or in ps's table. */
static int ps_container(const char *id, bool json, char *const *args, int n_args)
{
	struct nslab_state st;
	pid_t *pids;
	size_t n;
	int ret = cli_find(id, &st, NULL);

	if (!ret)
		ret = cli_need_live("ps", &st);
	if (ret)
		return ret;
	ret = nslab_container_pids(&st, &pids, &n);
	if (ret == -ENODEV)
		return cli_fail(NSLAB_ERR_SYSTEM, ENODEV, "ps", "container '%s' has neither a cgroup nor "
				"a pid namespace: its processes cannot be told apart", st.name);
	if (ret)
		return cli_fail(NSLAB_ERR_SYSTEM, ret, "ps", "%s: %s", st.name, strerror(-ret));
	if (json) {
		json_object *list = json_object_new_array();

		for (size_t i = 0; list && i < n; i++)
			json_object_array_add(list, json_object_new_int(pids[i]));
		ret = list ? nslab_json_print(stdout, list) : -ENOMEM;
		ret = ret ? cli_fail(NSLAB_ERR_SYSTEM, ret, "ps", "%s", strerror(-ret)) : CLI_OK;
	} else {
		ret = print_table(pids, n, args, n_args);
	}
	free(pids);
	return ret;
}

/* --format's value: json (true) or table. */
static int parse_format(const char *cmd, const char *arg, bool *json)
{
	if (arg && (strcmp(arg, "json") == 0 || strcmp(arg, "table") == 0)) {
		*json = arg[0] == 'j';
		return 0;
	}
	return cli_fail(NSLAB_ERR_INPUT, 0, "usage", "nslab %s: --format takes table or json, not '%s'",
			cmd, arg ? arg : "");
}

/*
 * -f/--format X or --format=X at @argv[*i] (advanced past X): 0, or the
 * exit code of a bad X; -1 if @argv[*i] is not one.
 */
static int format_option(const char *cmd, char **argv, int argc, int *i, bool *json)
{
	const char *a = argv[*i];

	if (strncmp(a, "--format=", 9) == 0)
		return parse_format(cmd, a + 9, json);
	if (strcmp(a, "--format") && strcmp(a, "-f"))
		return -1;
	++*i;
	return parse_format(cmd, *i < argc ? argv[*i] : NULL, json);
}

static const char ps_usage[] =
	"usage: nslab ps [-a] [--json]\n"
	"       nslab ps [-f|--format table|json] NAME|PID [--] [PS-ARGS...]\n"
	"  -a, --all   exited containers too (kept until `nslab rm`)\n"
	"  --json      the list as JSON (as --format json)\n"
	"With a container, its processes (from its cgroup, else its pid namespace) as\n"
	"runc shows them: json, an array of host pids; table, the lines of `ps PS-ARGS`\n"
	"(default '-ef') for those pids, below ps's header.";

/* The containers, as `nslab ps` lists them. */
static int ps_list(struct ps_out *out)
{
	int ret;

	if (out->json) {
		out->list = json_object_new_array();
		if (!out->list)
			return cli_fail(NSLAB_ERR_SYSTEM, ENOMEM, "ps", "%s", strerror(ENOMEM));
	} else {
		printf("%-20s %-8s %-12s %-20s %-34s %-24s %s\n", "NAME", "PID", "STATUS", "CREATED",
		       "NAMESPACES", "PERSISTED", "COMMAND");
	}
	ret = nslab_state_each(print_one, out);
	if (out->json) {
		int printed = nslab_json_print(stdout, out->list);

		ret = ret ? ret : printed;
	}
	if (ret)
		return cli_fail(NSLAB_ERR_SYSTEM, ret, "ps", "%s: %s", nslab_state_root(), strerror(-ret));
	return CLI_OK;
}

/* `ps` alone lists the containers; `ps ID` (runc's form) shows one container's processes. */
int cmd_ps(int argc, char **argv)
{
	struct ps_out out = { .json = false };
	const char *id;
	int i, ret;

	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--json") == 0)
			out.json = true;
		else if (strcmp(argv[i], "-a") == 0 || strcmp(argv[i], "--all") == 0)
			out.all = true;
		else if (strcmp(argv[i], "--help") == 0)
			return puts(ps_usage) < 0 ? CLI_ERROR : CLI_OK;
		else if ((ret = format_option("ps", argv, argc, &i, &out.json)) < 0)
			return cli_fail(NSLAB_ERR_INPUT, 0, "usage", "bad argument '%s' (nslab ps --help)",
					argv[i]);
		else if (ret)
			return ret;
	}
	if (i == argc)
		return ps_list(&out);
	if (out.all)
		return cli_fail(NSLAB_ERR_INPUT, 0, "usage", "-a lists containers: not with a container");
	id = argv[i++];
	/* After the container: --format still, then ps's own arguments. */
	while (i < argc && (ret = format_option("ps", argv, argc, &i, &out.json)) >= 0) {
		if (ret)
			return ret;
		i++;
	}
	i += i < argc && strcmp(argv[i], "--") == 0;
	return ps_container(id, out.json, argv + i, argc - i);
}

struct list_out {
	bool quiet, json;
	json_object *list;
};

/* runc's OWNER: the user who owns the container's state directory. */
static void owner_of(const struct nslab_state *st, char *buf, size_t size)
{
	char dir[PATH_MAX];
	struct passwd *pw;
	struct stat sb;

	if (nslab_state_path(dir, sizeof(dir), st->name, NULL) || stat(dir, &sb) < 0) {
		snprintf(buf, size, "?");
		return;
	}
	pw = getpwuid(sb.st_uid);
	if (pw)
		snprintf(buf, size, "%s", pw->pw_name);
	else
		snprintf(buf, size, "#%u", (unsigned)sb.st_uid);
}

/* runc's containerState: the fields of its `list --format json`. */
static json_object *list_json(const struct nslab_state *st, const char *status, const char *created,
			      const char *owner)
{
	json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	json_object_object_add(o, "ociVersion", json_object_new_string(NSLAB_OCI_VERSION));
	json_object_object_add(o, "id", json_object_new_string(st->name));
	json_object_object_add(o, "pid", json_object_new_int64(st->exited ? 0 : st->pid));
	json_object_object_add(o, "status", json_object_new_string(status));
	json_object_object_add(o, "bundle", json_object_new_string(st->bundle));
	json_object_object_add(o, "rootfs", json_object_new_string(st->rootfs));
	json_object_object_add(o, "created", json_object_new_string(created));
	json_object_object_add(o, "owner", json_object_new_string(owner));
	return o;
}

static int list_one(const struct nslab_state *st, void *arg)
{
	const char *status = nslab_status_oci_name(nslab_container_status(st));
	struct list_out *out = arg;
	char created[32], owner[64];

	if (out->quiet)
		return puts(st->name) < 0 ? -EIO : 0;
	utc(st->created, created);
	owner_of(st, owner, sizeof(owner));
	if (out->json)
		json_object_array_add(out->list, list_json(st, status, created, owner));
	else
		printf("%-20s %-8d %-10s %-40s %-22s %s\n", st->name, st->exited ? 0 : (int)st->pid,
		       status, st->bundle, created, owner);
	return 0;
}

/* runc's list: every container, stopped ones too. */
int cmd_list(int argc, char **argv)
{
	struct list_out out = { .quiet = false };
	int ret;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "-q") == 0 || strcmp(argv[i], "--quiet") == 0)
			out.quiet = true;
		else if (strcmp(argv[i], "--help") == 0)
			return puts("usage: nslab list [-q|--quiet] [-f|--format table|json]\n"
				    "Every container as runc lists them: ID PID STATUS BUNDLE CREATED OWNER\n"
				    "(status as OCI names it); -q, the IDs alone.") < 0 ? CLI_ERROR : CLI_OK;
		else if ((ret = format_option("list", argv, argc, &i, &out.json)) < 0)
			return cli_fail(NSLAB_ERR_INPUT, 0, "usage", "bad argument '%s' (nslab list --help)",
					argv[i]);
		else if (ret)
			return ret;
	}
	out.json = out.json && !out.quiet;
	out.list = out.json ? json_object_new_array() : NULL;
	if (out.json && !out.list)
		return cli_fail(NSLAB_ERR_SYSTEM, ENOMEM, "list", "%s", strerror(ENOMEM));
	if (!out.json && !out.quiet)
		printf("%-20s %-8s %-10s %-40s %-22s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED",
		       "OWNER");
	ret = nslab_state_each(list_one, &out);
	if (out.json) {
		int printed = nslab_json_print(stdout, out.list);

		ret = ret ? ret : printed;
	}
	if (ret)
		return cli_fail(NSLAB_ERR_SYSTEM, ret, "list", "%s: %s", nslab_state_root(), strerror(-ret));
	return CLI_OK;
}
