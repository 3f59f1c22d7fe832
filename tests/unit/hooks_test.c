// SPDX-License-Identifier: GPL-2.0
/* OCI hooks (hooks.c): run in order with the state on stdin; failures, timeouts, warnings; kept for rm. */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hooks.h"
#include "json.h"
#include "oci.h"
#include "state.h"

static char dir[] = "/tmp/nslab-unit-hooks-XXXXXX";
static char out[PATH_MAX];

static void make_dir(void)
{
	cr_assert_not_null(mkdtemp(dir));
	snprintf(out, sizeof(out), "%s/out", dir);
	cr_assert_eq(setenv("NSLAB_STATE_DIR", dir, 1), 0);
}

static void remove_dir(void)
{
	cr_expect_eq(nslab_rm_rf(dir), 0);
}

TestSuite(hooks, .init = make_dir, .fini = remove_dir, .timeout = 60);

/* A hook running `sh -c @script` (with $OUT the output file), as config.json gives it. */
static json_object *sh_hook(const char *script, int timeout)
{
	json_object *h = json_object_new_object(), *args = json_object_new_array();
	json_object *env = json_object_new_array();
	char var[PATH_MAX + 8];

	snprintf(var, sizeof(var), "OUT=%s", out);
	json_object_array_add(args, json_object_new_string("sh"));
	json_object_array_add(args, json_object_new_string("-c"));
	json_object_array_add(args, json_object_new_string(script));
	json_object_array_add(env, json_object_new_string(var));
	json_object_object_add(h, "path", json_object_new_string("/bin/sh"));
	json_object_object_add(h, "args", args);
	json_object_object_add(h, "env", env);
	if (timeout)
		json_object_object_add(h, "timeout", json_object_new_int(timeout));
	return h;
}

/* @hooks from @n scripts at @point (NULL script: a path that does not exist). */
static void parse_hooks(struct nslab_hooks *hooks, enum nslab_hook_point point,
			const char *const *scripts, int n, int timeout)
{
	json_object *doc = json_object_new_object(), *list = json_object_new_array();
	struct nslab_error e = { 0 };

	for (int i = 0; i < n; i++) {
		json_object *h = sh_hook(scripts[i] ? scripts[i] : "", timeout);

		if (!scripts[i])
			json_object_object_add(h, "path", json_object_new_string("/nonexistent/hook"));
		json_object_array_add(list, h);
	}
	json_object_object_add(doc, nslab_hook_name(point), list);
	cr_assert_eq(nslab_oci_hooks_parse(doc, hooks, &e), 0, "%s", e.why);
	json_object_put(doc);
}

static void sample_state(struct nslab_state *st)
{
	memset(st, 0, sizeof(*st));
	snprintf(st->name, sizeof(st->name), "h1");
	snprintf(st->bundle, sizeof(st->bundle), "/srv/b");
	st->pid = 4242;
}

static char *output(void)
{
	char *text = malloc(8192);
	ssize_t n;

	cr_assert_not_null(text);
	n = nslab_read_file(out, text, 8192);
	if (n < 0)
		text[0] = '\0';
	return text;
}

Test(hooks, run_in_order_with_the_state_on_stdin)
{
	static const char *const scripts[] = {
		"echo first $(cat) >> $OUT", "echo second $(cat) >> $OUT",
	};
	struct nslab_error e = { 0 };
	struct nslab_hooks hooks;
	struct nslab_state st;
	char *text;

	sample_state(&st);
	parse_hooks(&hooks, NSLAB_HOOK_CREATE_RUNTIME, scripts, 2, 0);
	cr_assert_eq(nslab_hooks_run(&hooks, NSLAB_HOOK_CREATE_RUNTIME, &st, &e), 0, "%s", e.why);
	text = output();
	cr_assert_str_eq(text, "first {\"ociVersion\":\"1.2.0\",\"id\":\"h1\",\"status\":\"creating\","
			 "\"pid\":4242,\"bundle\":\"/srv/b\",\"annotations\":{}}\n"
			 "second {\"ociVersion\":\"1.2.0\",\"id\":\"h1\",\"status\":\"creating\","
			 "\"pid\":4242,\"bundle\":\"/srv/b\",\"annotations\":{}}\n");
	free(text);
	/* Negative control: another point's hooks run none of these. */
	unlink(out);
	cr_assert_eq(nslab_hooks_run(&hooks, NSLAB_HOOK_POSTSTART, &st, &e), 0);
	cr_assert_neq(access(out, F_OK), 0, "a poststart run ran createRuntime's hooks");
	nslab_hooks_free(&hooks);
}

Test(hooks, a_failure_stops_the_rest_and_names_the_hook)
{
	static const char *const scripts[] = {
		"echo 0 >> $OUT", "exit 3", "echo 2 >> $OUT",
	};
	struct nslab_error e = { 0 };
	struct nslab_hooks hooks;
	struct nslab_state st;
	char *text;

	sample_state(&st);
	parse_hooks(&hooks, NSLAB_HOOK_START_CONTAINER, scripts, 3, 0);
	cr_assert_lt(nslab_hooks_run(&hooks, NSLAB_HOOK_START_CONTAINER, &st, &e), 0);
	cr_assert_str_eq(e.what, "hook");
	cr_assert_str_eq(e.why, "startContainer[1] /bin/sh: exit 3");
	text = output();
	cr_assert_str_eq(text, "0\n", "the hook after the failing one ran");
	free(text);
	nslab_hooks_free(&hooks);
}

Test(hooks, poststop_failures_only_warn)
{
	static const char *const scripts[] = {
		"exit 1", NULL, "echo $(cat) >> $OUT",
	};
	struct nslab_error e = { 0 };
	struct nslab_hooks hooks;
	struct nslab_state st;
	char *text;

	sample_state(&st);
	parse_hooks(&hooks, NSLAB_HOOK_POSTSTOP, scripts, 3, 0);
	cr_assert_eq(nslab_hooks_run(&hooks, NSLAB_HOOK_POSTSTOP, &st, &e), 0);
	text = output();
	cr_assert_not_null(strstr(text, "\"status\":\"stopped\",\"pid\":0,"), "%s", text);
	free(text);
	nslab_hooks_free(&hooks);
}

Test(hooks, a_missing_path_and_a_timeout_are_errors)
{
	static const char *const missing[] = { NULL }, *const slow[] = { "exec sleep 30" };
	struct nslab_error e = { 0 };
	struct nslab_hooks hooks;
	struct nslab_state st;

	sample_state(&st);
	parse_hooks(&hooks, NSLAB_HOOK_PRESTART, missing, 1, 0);
	cr_assert_eq(nslab_hooks_run(&hooks, NSLAB_HOOK_PRESTART, &st, &e), -ENOENT);
	cr_assert_str_eq(e.why, "prestart[0] /nonexistent/hook: No such file or directory");
	nslab_hooks_free(&hooks);
	parse_hooks(&hooks, NSLAB_HOOK_CREATE_CONTAINER, slow, 1, 1);
	cr_assert_eq(nslab_hooks_run(&hooks, NSLAB_HOOK_CREATE_CONTAINER, &st, &e), -ETIME);
	cr_assert_str_eq(e.why, "createContainer[0] /bin/sh: timed out after 1s (killed)");
	nslab_hooks_free(&hooks);
}

Test(hooks, kept_in_the_state_directory_for_rm)
{
	static const char *const scripts[] = { "true" };
	struct nslab_error e = { 0 };
	struct nslab_hooks hooks, back;
	char path[PATH_MAX];

	cr_assert_eq(nslab_state_create("h1"), 0);
	/* None: no file, and none read back. */
	cr_assert_eq(nslab_hooks_save("h1", NULL, &e), 0);
	cr_assert_eq(nslab_state_path(path, sizeof(path), "h1", "hooks.json"), 0);
	cr_assert_neq(access(path, F_OK), 0);
	cr_assert_eq(nslab_hooks_load("h1", &back, &e), 0);
	cr_assert_not(nslab_hooks_any(&back));
	parse_hooks(&hooks, NSLAB_HOOK_POSTSTOP, scripts, 1, 7);
	cr_assert_eq(nslab_hooks_save("h1", &hooks, &e), 0, "%s", e.why);
	cr_assert_eq(nslab_hooks_load("h1", &back, &e), 0, "%s", e.why);
	cr_assert_eq(back.n[NSLAB_HOOK_POSTSTOP], 1);
	cr_assert_str_eq(back.at[NSLAB_HOOK_POSTSTOP][0].argv[2], "true");
	cr_assert_eq(back.at[NSLAB_HOOK_POSTSTOP][0].timeout, 7);
	nslab_hooks_free(&back);
	nslab_hooks_free(&hooks);
	cr_assert_eq(nslab_state_remove("h1"), 0);
}
