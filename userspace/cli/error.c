// SPDX-License-Identifier: GPL-2.0
/*
 * The one way nslab's commands (and the nslab-kmod helper, which links this
 * file alone) print an error and choose their exit code from its kind.
 */
#include "cli.h"
#include "process.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

/* --log: errors are appended there too, as text or as runc's json lines. */
static int log_fd = -1;
static bool log_json;

int cli_log_to(const char *path, bool json)
{
	log_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
	if (log_fd < 0)
		return cli_fail(NSLAB_ERR_SYSTEM, errno, "--log", "%s: %s", path, strerror(errno));
	log_json = json;
	return 0;
}

/* {"level":"error","msg":...,"time":RFC 3339}: containerd reports the last such line's msg. */
static void log_error(const char *line)
{
	char stamp[32];
	time_t now = time(NULL);
	json_object *o;

	if (!log_json) {
		dprintf(log_fd, "%s\n", line);
		return;
	}
	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	o = json_object_new_object();
	json_object_object_add(o, "level", json_object_new_string("error"));
	json_object_object_add(o, "msg", json_object_new_string(line));
	json_object_object_add(o, "time", json_object_new_string(stamp));
	dprintf(log_fd, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
								 JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
}

void cli_error(const struct nslab_error *e)
{
	char line[1024];

	snprintf(line, sizeof(line), "nslab: %s: %s", e->what, e->why);
	fprintf(stderr, "%s\n", line);
	if (log_fd >= 0)
		log_error(line);
}

int cli_exit(const struct nslab_error *e)
{
	cli_error(e);
	return nslab_manage_failure_code(e);
}

int cli_exit_run(const struct nslab_error *e)
{
	cli_error(e);
	return nslab_failure_code(e);
}

int cli_fail_with(int (*exit_with)(const struct nslab_error *), enum nslab_err_kind kind,
		  int err, const char *what, const char *fmt, ...)
{
	struct nslab_error e;
	va_list ap;

	va_start(ap, fmt);
	nslab_vfail(&e, kind, err, what, fmt, ap);
	va_end(ap);
	return exit_with(&e);
}
