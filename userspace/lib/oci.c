// SPDX-License-Identifier: GPL-2.0
/*
 * config.json (runtime-spec 1.0-1.2, and the 1.3.0 runtime-tools writes)
 * into a struct nslab_spec.  Each object is walked against a table of the
 * keys nslab knows: a key nslab honours has a reader, one it cannot honour
 * yet has the reason it is refused (an empty value asks nothing and
 * passes), and any other key is refused as unknown.
 */
#include "oci.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "json.h"
#include "mount.h"
#include "mountfd.h"
#include "process.h"
#include "sysctl.h"
#include "rlimit.h"
#include "seccomp_cache.h"
#include "seccomp_json.h"
#include "usermount.h"
#include "version.h"

struct octx {
	struct nslab_spec *spec;
	struct nslab_limits *limits;	/* the spec's, or those of `nslab update` */
	struct nslab_oci *oci;
	struct nslab_error *e;
	const char *bundle, *id;
	const char *step;	/* where errors say the field is: "config.json", "--process", "--resources" */
	const char *process_at;	/* the process object's path: "process." or "" */
	struct nslab_hooks *hooks;	/* where "hooks" goes */
	enum nslab_hook_point hook_point;	/* the list being read */
	bool version_seen;
	unsigned ns_seen;	/* created or joined: a type listed twice is refused */
};

typedef int (*field_fn)(struct octx *o, json_object *v, const char *path);

struct field {
	const char *key;
	json_type type;
	field_fn fn;		/* NULL: refused, for @refused */
	const char *refused;
};

#define PATH_LEN 128
#define N_CAP_SETS 5
static const char *const cap_sets[N_CAP_SETS] = {
	"bounding", "effective", "permitted", "inheritable", "ambient",
};

static int bad(struct octx *o, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad(struct octx *o, const char *path, const char *fmt, ...)
{
	char why[160];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return nslab_bad_input(o->e, o->step, "%s: %s", path, why);
}

/* A refusal of one of spec.c's parsers, told under the field's JSON path. */
static int rewrap(struct octx *o, const char *path, const struct nslab_error *inner)
{
	return bad(o, path, "%s", inner->why);
}

/* Whether @v asks for nothing: null, false, 0, "" or an empty array or object. */
static bool empty(json_object *v)
{
	switch (json_object_get_type(v)) {
	case json_type_null: return true;
	case json_type_boolean: return !json_object_get_boolean(v);
	case json_type_int: return json_object_get_int64(v) == 0;
	case json_type_string: return !json_object_get_string_len(v);
	case json_type_array: return !json_object_array_length(v);
	case json_type_object: return !json_object_object_length(v);
	default: return false;
	}
}

static int walk(struct octx *o, json_object *obj, const char *at, const struct field *t, size_t n)
{
	json_object_object_foreach(obj, key, v) {
		char path[PATH_LEN];
		size_t i;
		int ret;

		snprintf(path, sizeof(path), "%s%s%s", at, *at ? "." : "", key);
		for (i = 0; i < n && strcmp(t[i].key, key) != 0; i++)
			;
		if (i == n)
			return bad(o, path, "unknown field (nslab refuses what it would not honour)");
		if (json_object_is_type(v, json_type_null) || (!t[i].fn && empty(v)))
			continue;
		if (!t[i].fn)
			return bad(o, path, "%s", t[i].refused);
		if (!json_object_is_type(v, t[i].type))
			return bad(o, path, "expected %s", json_type_to_name(t[i].type));
		ret = t[i].fn(o, v, path);
		if (ret)
			return ret;
	}
	return 0;
}

#define WALK(o, v, path, table) walk(o, v, path, table, N_ELEMENTS(table))

/* An integer in [@min, @max]. */
static int integer(struct octx *o, json_object *v, const char *path, long long min, long long max,
		   long long *out)
{
	if (!json_object_is_type(v, json_type_int))
		return bad(o, path, "expected an integer");
	*out = json_object_get_int64(v);
	if (*out < min || *out > max)
		return bad(o, path, "%lld is out of range (%lld to %lld)", *out, min, max);
	return 0;
}

/* @obj's @key (NULL when absent or null) of @type; @required: absent is refused. */
static int member(struct octx *o, json_object *obj, const char *at, const char *key,
		  json_type type, bool required, json_object **v)
{
	if (!json_object_object_get_ex(obj, key, v) || json_object_is_type(*v, json_type_null)) {
		*v = NULL;
		return required ? bad(o, at, "\"%s\" is missing", key) : 0;
	}
	if (!json_object_is_type(*v, type))
		return bad(o, at, "\"%s\": expected %s", key, json_type_to_name(type));
	return 0;
}

/* Refuses a key of @obj not among @keys (NULL-terminated). */
static int only_keys(struct octx *o, json_object *obj, const char *at, const char *const *keys)
{
	json_object_object_foreach(obj, key, v) {
		const char *const *k = keys;

		(void)v;
		while (*k && strcmp(*k, key) != 0)
			k++;
		if (!*k)
			return bad(o, at, "\"%s\": unknown field (nslab refuses what it would not honour)",
				   key);
	}
	return 0;
}

/* Calls @fn for each element of the array @v, as "@path[i]", each an object. */
static int each_object(struct octx *o, json_object *v, const char *path, field_fn fn)
{
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		json_object *item = json_object_array_get_idx(v, i);
		char at[PATH_LEN];
		int ret;

		snprintf(at, sizeof(at), "%s[%zu]", path, i);
		if (!json_object_is_type(item, json_type_object))
			return bad(o, at, "expected an object");
		ret = fn(o, item, at);
		if (ret)
			return ret;
	}
	return 0;
}

/* The string elements of the array @v; NULL after bad() for one that is not. */
static const char *string_at(struct octx *o, json_object *v, size_t i, const char *path)
{
	json_object *item = json_object_array_get_idx(v, i);
	char at[PATH_LEN];

	if (json_object_is_type(item, json_type_string))
		return json_object_get_string(item);
	snprintf(at, sizeof(at), "%s[%zu]", path, i);
	bad(o, at, "expected a string");
	return NULL;
}

/* ---- ociVersion, root, hostname, annotations ---- */

static int oci_version(struct octx *o, json_object *v, const char *path)
{
	const char *s = json_object_get_string(v);
	unsigned major, minor, patch;
	int end = 0;

	o->version_seen = true;
	if (sscanf(s, "%u.%u.%u%n", &major, &minor, &patch, &end) != 3 ||
	    (s[end] && s[end] != '-' && s[end] != '+') || major != 1 || minor > 3 ||
	    (minor == 3 && patch != 0))
		return bad(o, path, "\"%s\" is not a version nslab reads (1.0.x to 1.2.x, 1.3.0)", s);
	return 0;
}

static int root_path(struct octx *o, json_object *v, const char *path)
{
	const char *s = json_object_get_string(v);
	size_t size = sizeof(o->oci->rootfs);

	if (!*s)
		return bad(o, path, "empty");
	if ((s[0] == '/' ? snprintf(o->oci->rootfs, size, "%s", s) :
	     snprintf(o->oci->rootfs, size, "%s/%s", o->bundle, s)) >= (int)size)
		return bad(o, path, "too long");
	o->spec->rootfs = o->oci->rootfs;
	return 0;
}

static int root_readonly(struct octx *o, json_object *v, const char *path)
{
	(void)path;
	o->spec->read_only = json_object_get_boolean(v);
	return 0;
}

static int root(struct octx *o, json_object *v, const char *path)
{
	static const struct field t[] = {
		{ "path", json_type_string, root_path, NULL },
		{ "readonly", json_type_boolean, root_readonly, NULL },
	};

	return WALK(o, v, path, t);
}

static int hostname(struct octx *o, json_object *v, const char *path)
{
	if (path[0] == 'h')
		o->spec->hostname = json_object_get_string(v);
	else
		o->spec->domainname = json_object_get_string(v);
	return 0;
}

/* Kept as they are, for the state document's readers (hooks, `nslab state`): nslab gives them no meaning. */
static int annotations(struct octx *o, json_object *v, const char *path)
{
	const char *text = json_object_to_json_string_ext(v, NSLAB_JSON_FORMAT);
	size_t size = sizeof(o->oci->annotations);

	json_object_object_foreach(v, key, val) {
		if (!json_object_is_type(val, json_type_string))
			return bad(o, path, "\"%s\": expected a string", key);
	}
	if (snprintf(o->oci->annotations, size, "%s", text) >= (int)size)
		return bad(o, path, "larger than %zu bytes as JSON (nslab keeps them in its state)",
			   size - 1);
	o->spec->annotations = o->oci->annotations;
	return 0;
}

/* ---- process ---- */

static int args(struct octx *o, json_object *v, const char *path)
{
	size_t n = json_object_array_length(v);

	if (!n)
		return bad(o, path, "empty: a command is needed");
	free(o->oci->argv);
	o->oci->argv = calloc(n + 1, sizeof(char *));
	if (!o->oci->argv)
		return nslab_fail(o->e, ENOMEM, o->step, NULL);
	for (size_t i = 0; i < n; i++) {
		const char *s = string_at(o, v, i, path);

		if (!s)
			return -EINVAL;
		o->oci->argv[i] = (char *)s;
	}
	o->spec->argv = o->oci->argv;
	return 0;
}

static int env(struct octx *o, json_object *v, const char *path)
{
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		const char *s = string_at(o, v, i, path);
		struct nslab_error in = { 0 };
		char at[PATH_LEN];

		if (!s)
			return -EINVAL;
		snprintf(at, sizeof(at), "%s[%zu]", path, i);
		/* The strings live in the document, which outlives the container's start. */
		if (nslab_env_add(o->spec->env, &o->spec->n_env, (char *)s, &in))
			return rewrap(o, at, &in);
	}
	return 0;
}

/* As `nslab run -w`: made if missing (checked with the mounts, in check_whole). */
static int cwd(struct octx *o, json_object *v, const char *path)
{
	const char *s = json_object_get_string(v);

	if (s[0] != '/')
		return bad(o, path, "'%s' is not an absolute path", s);
	/* "/" is where a container's first process starts anyway; an exec's starts in its workdir. */
	o->spec->workdir = s[strspn(s, "/")] || !*o->process_at ? s : NULL;
	return 0;
}

/* A soft or hard limit: 2^64-1 (RLIM_INFINITY, as runc reads it) or at most 2^63-1. */
static int rlimit_value(struct octx *o, json_object *r, const char *at, const char *key,
			rlim_t *out)
{
	json_object *v;
	long long n = 0;
	char path[PATH_LEN];
	int ret = member(o, r, at, key, json_type_int, true, &v);

	if (ret)
		return ret;
	if (json_object_get_uint64(v) == UINT64_MAX) {
		*out = RLIM_INFINITY;
		return 0;
	}
	snprintf(path, sizeof(path), "%s.%s", at, key);
	ret = integer(o, v, path, 0, LLONG_MAX, &n);
	*out = n;
	return ret;
}

static int rlimit_entry(struct octx *o, json_object *r, const char *at)
{
	static const char *const keys[] = { "type", "soft", "hard", NULL };
	struct nslab_spec *s = o->spec;
	struct nslab_rlimit *l = &s->rlimits[s->n_rlimits];
	json_object *type;
	char path[PATH_LEN];
	int ret = only_keys(o, r, at, keys);

	if (!ret)
		ret = member(o, r, at, "type", json_type_string, true, &type);
	if (ret)
		return ret;
	snprintf(path, sizeof(path), "%s.type", at);
	l->resource = nslab_rlimit_from_oci(json_object_get_string(type));
	if (l->resource < 0)
		return bad(o, path, "\"%s\" is not one of RLIMIT_AS CORE CPU DATA FSIZE LOCKS MEMLOCK "
			   "MSGQUEUE NICE NOFILE NPROC RSS RTPRIO RTTIME SIGPENDING STACK",
			   json_object_get_string(type));
	for (int i = 0; i < s->n_rlimits; i++)
		if (s->rlimits[i].resource == l->resource)
			return bad(o, path, "\"%s\" is given twice", json_object_get_string(type));
	ret = rlimit_value(o, r, at, "soft", &l->soft);
	if (!ret)
		ret = rlimit_value(o, r, at, "hard", &l->hard);
	snprintf(path, sizeof(path), "%s.soft", at);
	if (!ret && l->soft > l->hard)
		return bad(o, path, "exceeds the hard limit");
	if (!ret)
		s->n_rlimits++;
	return ret;
}

static int rlimits(struct octx *o, json_object *v, const char *path)
{
	return each_object(o, v, path, rlimit_entry);
}

static int terminal(struct octx *o, json_object *v, const char *path)
{
	(void)path;
	/* As `nslab run -t -i`: a pty of its own, relayed to and from ours. */
	o->spec->tty = o->spec->interactive = json_object_get_boolean(v);
	return 0;
}

static int no_new_privs(struct octx *o, json_object *v, const char *path)
{
	(void)path;
	o->spec->no_new_privs = json_object_get_boolean(v);
	return 0;
}

static int user_id(struct octx *o, json_object *v, const char *path)
{
	long long id = 0;
	int ret = integer(o, v, path, 0, UINT_MAX - 1, &id);

	if (ret)
		return ret;
	o->spec->user_set = true;
	if (strcmp(strrchr(path, '.'), ".uid") == 0)
		o->spec->uid = id;
	else
		o->spec->gid = id;
	return 0;
}

/* Supplementary groups, as runc sets them (with or without a uid: root's then). */
static int additional_gids(struct octx *o, json_object *v, const char *path)
{
	size_t n = json_object_array_length(v);

	if (n > NSLAB_MAX_GROUPS)
		return bad(o, path, "more than %d groups", NSLAB_MAX_GROUPS);
	for (size_t i = 0; i < n; i++) {
		char at[PATH_LEN];
		long long id = 0;
		int ret;

		snprintf(at, sizeof(at), "%s[%zu]", path, i);
		ret = integer(o, json_object_array_get_idx(v, i), at, 0, UINT_MAX - 1, &id);
		if (ret)
			return ret;
		o->spec->groups[i] = id;
	}
	o->spec->n_groups = n;
	o->spec->user_set = true;
	return 0;
}

static int user_umask(struct octx *o, json_object *v, const char *path)
{
	long long mask = 0;
	int ret = integer(o, v, path, 0, 0777, &mask);

	if (!ret)
		o->spec->umask = (int)mask;
	return ret;
}

static int user(struct octx *o, json_object *v, const char *path)
{
	static const struct field t[] = {
		{ "uid", json_type_int, user_id, NULL },
		{ "gid", json_type_int, user_id, NULL },
		{ "umask", json_type_int, user_umask, NULL },
		{ "additionalGids", json_type_array, additional_gids, NULL },
		{ "username", json_type_string, NULL, "a Windows field" },
	};

	return WALK(o, v, path, t);
}

static int cap_set(struct octx *o, json_object *v, const char *path)
{
	const char *name = strrchr(path, '.') + 1;
	int set = 0;

	while (strcmp(cap_sets[set], name) != 0)
		set++;
	for (size_t i = 0; i < json_object_array_length(v); i++) {
		const char *s = string_at(o, v, i, path);
		int cap = s ? nslab_cap_from_name(s) : -1;
		char at[PATH_LEN];

		if (!s)
			return -EINVAL;
		snprintf(at, sizeof(at), "%s[%zu]", path, i);
		if (cap < 0)
			return bad(o, at, "unknown capability \"%s\"", s);
		o->oci->caps[set] |= 1ULL << cap;
	}
	return 0;
}

static int capabilities(struct octx *o, json_object *v, const char *path)
{
	static const struct field t[] = {
		{ "bounding", json_type_array, cap_set, NULL },
		{ "effective", json_type_array, cap_set, NULL },
		{ "permitted", json_type_array, cap_set, NULL },
		{ "inheritable", json_type_array, cap_set, NULL },
		{ "ambient", json_type_array, cap_set, NULL },
	};

	o->oci->caps_given = true;
	return WALK(o, v, path, t);
}

static int oom_score_adj(struct octx *o, json_object *v, const char *path)
{
	long long adj = 0;
	int ret = integer(o, v, path, -1000, 1000, &adj);

	if (!ret) {
		o->spec->oom_score_set = true;
		o->spec->oom_score_adj = (int)adj;
	}
	return ret;
}

static int console_dim(struct octx *o, json_object *v, const char *path)
{
	long long n;
	int ret = integer(o, v, path, 0, USHRT_MAX, &n);

	if (ret)
		return ret;
	if (strcmp(strrchr(path, '.'), ".height") == 0)
		o->spec->console_rows = (unsigned short)n;
	else
		o->spec->console_cols = (unsigned short)n;
	return 0;
}

static int console_size(struct octx *o, json_object *v, const char *path)
{
	static const struct field t[] = {
		{ "height", json_type_int, console_dim, NULL },
		{ "width", json_type_int, console_dim, NULL },
	};

	return WALK(o, v, path, t);
}

static int process(struct octx *o, json_object *v, const char *path)
{
	static const struct field t[] = {
		{ "terminal", json_type_boolean, terminal, NULL },
		{ "consoleSize", json_type_object, console_size, NULL },
		{ "user", json_type_object, user, NULL },
		{ "args", json_type_array, args, NULL },
		{ "env", json_type_array, env, NULL },
		{ "cwd", json_type_string, cwd, NULL },
		{ "capabilities", json_type_object, capabilities, NULL },
		{ "rlimits", json_type_array, rlimits, NULL },
		{ "noNewPrivileges", json_type_boolean, no_new_privs, NULL },
		{ "apparmorProfile", json_type_string, NULL, "AppArmor is not supported" },
		{ "selinuxLabel", json_type_string, NULL, "SELinux is not supported" },
		{ "oomScoreAdj", json_type_int, oom_score_adj, NULL },
		{ "ioPriority", json_type_object, NULL, "not supported yet" },
		{ "scheduler", json_type_object, NULL, "not supported yet" },
		{ "execCPUAffinity", json_type_object, NULL, "not supported yet" },
		{ "commandLine", json_type_string, NULL, "a Windows field" },
	};

	return WALK(o, v, path, t);
}

/* ---- hooks ---- */

/* @h's array @key of strings, NULL-terminated, into *@out; absent, @first alone (or none). */
static int hook_strings(struct octx *o, json_object *h, const char *at, const char *key,
			const char *first, char ***out)
{
	json_object *v;
	char path[PATH_LEN];
	int ret = member(o, h, at, key, json_type_array, false, &v);
	size_t n = v ? json_object_array_length(v) : 0, k = 0;

	if (ret)
		return ret;
	*out = calloc(n + 2, sizeof(char *));
	if (!*out)
		return nslab_fail(o->e, ENOMEM, "config.json", NULL);
	if (!n && first)
		(*out)[k++] = (char *)first;
	snprintf(path, sizeof(path), "%s.%s", at, key);
	for (size_t i = 0; i < n; i++) {
		const char *s = string_at(o, v, i, path);
		char item[PATH_LEN];

		if (!s)
			return -EINVAL;
		snprintf(item, sizeof(item), "%s[%zu]", path, i);
		if (!first && !strchr(s, '='))
			return bad(o, item, "\"%s\" is not KEY=VALUE", s);
		(*out)[k++] = (char *)s;
	}
	return 0;
}

static int hook_entry(struct octx *o, json_object *h, const char *at)
{
	static const char *const keys[] = { "path", "args", "env", "timeout", NULL };
	struct nslab_hooks *hs = o->hooks;
	struct nslab_hook *hook = &hs->at[o->hook_point][hs->n[o->hook_point]];
	json_object *path, *timeout;
	char where[PATH_LEN];
	long long t = 0;
	int ret = only_keys(o, h, at, keys);

	if (!ret)
		ret = member(o, h, at, "path", json_type_string, true, &path);
	if (!ret)
		ret = member(o, h, at, "timeout", json_type_int, false, &timeout);
	if (ret)
		return ret;
	/* Counted before its arrays are made, so that a failure frees them. */
	hs->n[o->hook_point]++;
	hook->path = json_object_get_string(path);
	snprintf(where, sizeof(where), "%s.path", at);
	if (hook->path[0] != '/')
		return bad(o, where, "'%s' is not an absolute path", hook->path);
	snprintf(where, sizeof(where), "%s.timeout", at);
	if (timeout && (ret = integer(o, timeout, where, 1, INT_MAX / 1000, &t)))
		return ret;
	hook->timeout = t;
	ret = hook_strings(o, h, at, "args", hook->path, &hook->argv);
	return ret ? ret : hook_strings(o, h, at, "env", NULL, &hook->env);
}

static int hook_list(struct octx *o, json_object *v, const char *path)
{
	const char *name = strrchr(path, '.') + 1;
	size_t n = json_object_array_length(v);
	int p = 0;

	while (strcmp(nslab_hook_name(p), name) != 0)
		p++;
	o->hook_point = p;
	o->hooks->at[p] = calloc(n ? n : 1, sizeof(struct nslab_hook));
	if (!o->hooks->at[p])
		return nslab_fail(o->e, ENOMEM, "config.json", NULL);
	return each_object(o, v, path, hook_entry);
}

static int hooks_section(struct octx *o, json_object *v, const char *path)
{
	static const struct field t[] = {
		/* Deprecated by runtime-spec 1.2, still what runtime-tools and older tools write. */
		{ "prestart", json_type_array, hook_list, NULL },
		{ "createRuntime", json_type_array, hook_list, NULL },
		{ "createContainer", json_type_array, hook_list, NULL },
		{ "startContainer", json_type_array, hook_list, NULL },
		{ "poststart", json_type_array, hook_list, NULL },
		{ "poststop", json_type_array, hook_list, NULL },
	};

	o->hooks->doc = json_object_get(v);
	return WALK(o, v, path, t);
}

int nslab_oci_hooks_parse(json_object *v, struct nslab_hooks *hooks, struct nslab_error *e)
{
	struct octx o = { .e = e, .step = "config.json", .hooks = hooks };
	int ret;

	memset(hooks, 0, sizeof(*hooks));
	if (!json_object_is_type(v, json_type_object))
		return bad(&o, "hooks", "expected an object");
	ret = hooks_section(&o, v, "hooks");
	if (ret)
		nslab_hooks_free(hooks);
	return ret;
}

/* ---- mounts ---- */

/* The mounts nslab makes in every root of its own, whatever config.json says of their options. */
static const struct { const char *dest, *type; } standard_mounts[] = {
	{ "/proc", "proc" }, { "/dev", "tmpfs" }, { "/dev/pts", "devpts" },
	{ "/dev/shm", "tmpfs" }, { "/dev/mqueue", "mqueue" }, { "/sys", "sysfs" },
	/* cgroupfs.c's read-only view (runc's and runtime-tools' default specs list it). */
	{ "/sys/fs/cgroup", "cgroup" },
};

static bool has_option(json_object *opts, const char *name)
{
	for (size_t i = 0; opts && i < json_object_array_length(opts); i++) {
		json_object *s = json_object_array_get_idx(opts, i);

		if (json_object_is_type(s, json_type_string) &&
		    strcmp(json_object_get_string(s), name) == 0)
			return true;
	}
	return false;
}

#define MAX_OPTIONS 32

/* @opts' strings, NULL-terminated, into @out. */
static int options(struct octx *o, json_object *opts, const char *at, const char **out)
{
	size_t n = opts ? json_object_array_length(opts) : 0;
	char path[PATH_LEN];

	snprintf(path, sizeof(path), "%s.options", at);
	if (n >= MAX_OPTIONS)
		return bad(o, path, "at most %d options", MAX_OPTIONS - 1);
	for (size_t i = 0; i < n; i++)
		if (!(out[i] = string_at(o, opts, i, path)))
			return -EINVAL;
	out[n] = NULL;
	return 0;
}

/* A bind (source relative to the bundle, as runc) or a tmpfs, as `nslab run --mount` makes them. */
static int user_mount(struct octx *o, json_object *m, const char *at, const char *ty,
		      const char *dest, json_object *opts)
{
	char *origin = o->oci->mount_at[o->spec->n_mounts % NSLAB_MAX_MOUNTS], src[PATH_MAX];
	const char *list[MAX_OPTIONS];
	struct nslab_error in = { 0 };
	json_object *source;
	const char *s;
	bool bind = strcmp(ty, "tmpfs") != 0;
	int ret = member(o, m, at, "source", json_type_string, bind, &source);

	if (!ret)
		ret = options(o, opts, at, list);
	if (ret)
		return ret;
	s = bind ? json_object_get_string(source) : "";
	snprintf(origin, sizeof(o->oci->mount_at[0]), "%s", at);
	if ((bind && s[0] != '/' ? snprintf(src, sizeof(src), "%s/%s", o->bundle, s) :
	     snprintf(src, sizeof(src), "%s", s)) >= (int)sizeof(src))
		return bad(o, at, "source is too long");
	if (nslab_parse_oci_mount(bind ? "bind" : "tmpfs", src, dest, list, origin,
				  o->spec->mounts, &o->spec->n_mounts, &in))
		return rewrap(o, at, &in);
	return 0;
}

static int mount_entry(struct octx *o, json_object *m, const char *at)
{
	static const char *const keys[] = {
		"destination", "type", "source", "options", "uidMappings", "gidMappings", NULL,
	};
	json_object *dest, *type, *opts;
	const char *d, *ty;
	bool bind;
	int ret = only_keys(o, m, at, keys);

	if (!ret)
		ret = member(o, m, at, "destination", json_type_string, true, &dest);
	if (!ret)
		ret = member(o, m, at, "type", json_type_string, false, &type);
	if (!ret)
		ret = member(o, m, at, "options", json_type_array, false, &opts);
	if (ret)
		return ret;
	d = json_object_get_string(dest);
	ty = type ? json_object_get_string(type) : "";
	bind = strcmp(ty, "bind") == 0 || has_option(opts, "bind") || has_option(opts, "rbind");
	for (size_t i = 0; !bind && i < N_ELEMENTS(standard_mounts); i++)
		if (strcmp(d, standard_mounts[i].dest) == 0 && strcmp(ty, standard_mounts[i].type) == 0)
			return 0;
	if (json_object_object_get_ex(m, "uidMappings", NULL) ||
	    json_object_object_get_ex(m, "gidMappings", NULL))
		return bad(o, at, "idmapped mounts are not supported yet");
	if (bind || strcmp(ty, "tmpfs") == 0)
		return user_mount(o, m, at, ty, d, opts);
	return bad(o, at, "%s on %s is not supported (nslab makes /proc, /dev, /dev/pts, /dev/shm, "
		   "/dev/mqueue, /sys and /sys/fs/cgroup; binds and tmpfs are honoured)",
		   *ty ? ty : "a mount", d);
}

static int mounts(struct octx *o, json_object *v, const char *path)
{
	return each_object(o, v, path, mount_entry);
}

/* ---- linux: namespaces, id maps, time offsets ---- */

static int namespace(struct octx *o, json_object *ns, const char *at)
{
	static const char *const keys[] = { "type", "path", NULL };
	json_object *type, *path;
	int t, ret = only_keys(o, ns, at, keys);

	if (!ret)
		ret = member(o, ns, at, "type", json_type_string, true, &type);
	if (!ret)
		ret = member(o, ns, at, "path", json_type_string, false, &path);
	if (ret)
		return ret;
	t = nslab_ns_from_name(json_object_get_string(type));
	if (t < 0)
		return bad(o, at, "unknown namespace type \"%s\"", json_object_get_string(type));
	if (o->ns_seen & NSLAB_NS_BIT(t))
		return bad(o, at, "namespace type \"%s\" listed twice", json_object_get_string(type));
	o->ns_seen |= NSLAB_NS_BIT(t);
	if (path && json_object_get_string_len(path))
		o->spec->join[t] = json_object_get_string(path);
	else
		o->spec->ns |= NSLAB_NS_BIT(t);
	return 0;
}

static int namespaces(struct octx *o, json_object *v, const char *path)
{
	/* A type not listed is not created: the container shares the runtime's. */
	o->spec->ns = 0;
	return each_object(o, v, path, namespace);
}

static int idmap(struct octx *o, json_object *m, const char *at)
{
	static const char *const keys[] = { "containerID", "hostID", "size", NULL };
	bool uid = strstr(at, "uidMappings") != NULL;
	struct nslab_spec *s = o->spec;
	struct nslab_error in = { 0 };
	long long v[3] = { 0 };
	char arg[64];
	int ret = only_keys(o, m, at, keys);

	for (int i = 0; !ret && i < 3; i++) {
		json_object *n;

		ret = member(o, m, at, keys[i], json_type_int, true, &n);
		if (!ret)
			ret = integer(o, n, at, 0, UINT_MAX, &v[i]);
	}
	if (ret)
		return ret;
	snprintf(arg, sizeof(arg), "%lld:%lld:%lld", v[0], v[1], v[2]);
	if (nslab_parse_idmap(arg, uid ? s->uid_map : s->gid_map, uid ? &s->n_uid_map : &s->n_gid_map,
			      &in, at))
		return rewrap(o, at, &in);
	return 0;
}

static int idmaps(struct octx *o, json_object *v, const char *path)
{
	return each_object(o, v, path, idmap);
}

static int time_offsets(struct octx *o, json_object *v, const char *path)
{
	static const char *const keys[] = { "secs", "nanosecs", NULL };
	struct nslab_error in = { 0 };
	char arg[128] = "", at[PATH_LEN];
	size_t len = 0;

	json_object_object_foreach(v, clock, off) {
		json_object *secs, *nsecs;
		int ret;

		snprintf(at, sizeof(at), "%s.%s", path, clock);
		ret = json_object_is_type(off, json_type_object) ? only_keys(o, off, at, keys) :
		      bad(o, at, "expected an object");
		if (!ret)
			ret = member(o, off, at, "secs", json_type_int, false, &secs);
		if (!ret)
			ret = member(o, off, at, "nanosecs", json_type_int, false, &nsecs);
		if (ret)
			return ret;
		if (nsecs && json_object_get_int64(nsecs))
			return bad(o, at, "nanosecs: nslab sets whole seconds only");
		len += snprintf(arg + len, sizeof(arg) - len, "%s%s=%lld", len ? "," : "", clock,
				secs ? (long long)json_object_get_int64(secs) : 0LL);
		if (len >= sizeof(arg))
			return bad(o, path, "too long");
	}
	if (len && nslab_parse_time_offsets(arg, o->spec->time_offset, &in))
		return rewrap(o, path, &in);
	return 0;
}

/* ---- linux.resources ---- */

static int memory_limit(struct octx *o, json_object *v, const char *path)
{
	const char *key = strrchr(path, '.') + 1;
	long long n = 0;
	int ret = integer(o, v, path, -1, LLONG_MAX, &n);

	/* -1: unlimited, nslab's unset; memory.swap is memory plus swap, as docker's --memory-swap. */
	if (!ret && n == 0 && strcmp(key, "reservation") != 0)
		ret = bad(o, path, "0 is not a limit (-1: none)");
	if (!ret && n >= 0 && strcmp(key, "reservation") == 0)
		o->limits->memory_reservation = n;
	else if (!ret && n > 0)
		*(strcmp(key, "swap") == 0 ? &o->limits->memory_swap : &o->limits->memory) = n;
	return ret;
}

static int cpu_number(struct octx *o, json_object *v, const char *path)
{
	struct nslab_limits *l = o->limits;
	const char *key = strrchr(path, '.') + 1;
	long long n = 0;
	int ret;

	if (strcmp(key, "shares") == 0) {
		ret = integer(o, v, path, 0, 262144, &n);
		/* The kernel's floor: v1 raises 0 and 1 to 2 as well. */
		if (!ret && n)
			l->cpu_shares = n < 2 ? 2 : n;
		return ret;
	}
	if (strcmp(key, "quota") == 0) {
		ret = integer(o, v, path, -1, LLONG_MAX, &n);
		if (!ret && n > 0)
			l->cpu_quota_us = n;
		return ret;
	}
	ret = integer(o, v, path, 0, 1000000, &n);
	if (!ret && n)
		l->cpu_period_us = n;
	return ret;
}

/* cpu.cpus and cpu.mems. */
static int cpu_list(struct octx *o, json_object *v, const char *path)
{
	const char *opt = strcmp(strrchr(path, '.'), ".cpus") == 0 ? "--cpuset" : "--cpuset-mems";
	struct nslab_error in = { 0 };

	if (json_object_get_string_len(v) &&
	    nslab_parse_limit(o->limits, opt, json_object_get_string(v), &in))
		return rewrap(o, path, &in);
	return 0;
}

static int pids_limit(struct octx *o, json_object *v, const char *path)
{
	long long n = 0;
	int ret = integer(o, v, path, -1, 4194304, &n);

	if (!ret && n > 0)
		o->limits->pids = n;
	return ret;
}

static int io_weight(struct octx *o, json_object *v, const char *path)
{
	long long n = 0;
	int ret = integer(o, v, path, 0, 1000, &n);

	if (!ret && n && n < 10)
		ret = bad(o, path, "%lld is out of range (10 to 1000)", n);
	/* v1's blkio.weight 10..1000 onto v2's io.weight 1..10000, as runc converts it. */
	if (!ret && n)
		o->limits->io_weight = 1 + (n - 10) * 9999 / 990;
	return ret;
}

#define NOT_YET NULL, "not supported yet"

static int memory(struct octx *o, json_object *v, const char *path)
{
	static const struct field t[] = {
		{ "limit", json_type_int, memory_limit, NULL },
		{ "swap", json_type_int, memory_limit, NULL },
		{ "reservation", json_type_int, memory_limit, NULL },
		{ "kernel", json_type_int, NOT_YET },
		{ "kernelTCP", json_type_int, NOT_YET }, { "swappiness", json_type_int, NOT_YET },
		{ "disableOOMKiller", json_type_boolean, NOT_YET },
		{ "useHierarchy", json_type_boolean, NOT_YET },
		{ "checkBeforeUpdate", json_type_boolean, NOT_YET },
	};

	return WALK(o, v, path, t);
}

static int cpu(struct octx *o, json_object *v, const char *path)
{
	static const struct field t[] = {
		{ "shares", json_type_int, cpu_number, NULL },
		{ "quota", json_type_int, cpu_number, NULL },
		{ "period", json_type_int, cpu_number, NULL },
		{ "cpus", json_type_string, cpu_list, NULL },
		{ "mems", json_type_string, cpu_list, NULL },
		{ "realtimeRuntime", json_type_int, NOT_YET },
		{ "realtimePeriod", json_type_int, NOT_YET }, { "idle", json_type_int, NOT_YET },
		{ "burst", json_type_int, NOT_YET },
	};

	return WALK(o, v, path, t);
}

static int pids(struct octx *o, json_object *v, const char *path)
{
	static const struct field t[] = { { "limit", json_type_int, pids_limit, NULL } };

	return WALK(o, v, path, t);
}

static int block_io(struct octx *o, json_object *v, const char *path)
{
	static const struct field t[] = {
		{ "weight", json_type_int, io_weight, NULL },
		{ "leafWeight", json_type_int, NOT_YET }, { "weightDevice", json_type_array, NOT_YET },
		{ "throttleReadBpsDevice", json_type_array, NOT_YET },
		{ "throttleWriteBpsDevice", json_type_array, NOT_YET },
		{ "throttleReadIOPSDevice", json_type_array, NOT_YET },
		{ "throttleWriteIOPSDevice", json_type_array, NOT_YET },
	};

	return WALK(o, v, path, t);
}

/* A free slot of spec->devices, or NULL after bad(). */
static struct nslab_device *new_device(struct octx *o, const char *at, enum nslab_device_kind kind)
{
	struct nslab_devices *d = &o->spec->devices;

	if (d->n >= NSLAB_MAX_DEVICES) {
		bad(o, at, "more than %d devices", NSLAB_MAX_DEVICES);
		return NULL;
	}
	memset(&d->dev[d->n], 0, sizeof(d->dev[0]));
	d->dev[d->n].kind = kind;
	return &d->dev[d->n++];
}

/* A number of @r's member @key: absent or null is the wildcard (or, @required, refused). */
static int dev_number(struct octx *o, json_object *r, const char *at, const char *key,
		      bool required, long *out)
{
	json_object *v;
	long long n = NSLAB_DEV_WILDCARD;
	int ret = member(o, r, at, key, json_type_int, required, &v);

	if (!ret && v)
		ret = integer(o, v, at, 0, UINT32_MAX, &n);
	*out = (long)n;
	return ret;
}

/*
 * The deny-all rule, which nslab's allowlist starts from anyway (Docker's
 * defaults), and allow rules for one type; any other deny is refused.
 */
static int device_rule(struct octx *o, json_object *r, const char *at)
{
	static const char *const keys[] = { "allow", "type", "major", "minor", "access", NULL };
	json_object *allow, *type, *access;
	struct nslab_dev_rule rule = { 0 };
	struct nslab_device *d;
	int ret = only_keys(o, r, at, keys);
	const char *t, *a;

	if (!ret)
		ret = member(o, r, at, "allow", json_type_boolean, true, &allow);
	if (!ret)
		ret = member(o, r, at, "type", json_type_string, false, &type);
	if (!ret)
		ret = member(o, r, at, "access", json_type_string, false, &access);
	if (!ret)
		ret = dev_number(o, r, at, "major", false, &rule.major);
	if (!ret)
		ret = dev_number(o, r, at, "minor", false, &rule.minor);
	if (ret)
		return ret;
	t = type ? json_object_get_string(type) : "a";
	a = access ? json_object_get_string(access) : "rwm";
	if (!json_object_get_boolean(allow))
		return strcmp(t, "a") || rule.major != NSLAB_DEV_WILDCARD ||
		       rule.minor != NSLAB_DEV_WILDCARD || strcmp(a, "rwm") ?
		       bad(o, at, "a deny rule other than deny-all (nslab starts from Docker's allowlist)") : 0;
	if ((strcmp(t, "c") && strcmp(t, "b")) || !*a || strspn(a, "rwm") != strlen(a))
		return bad(o, at, "an allow rule needs type \"c\" or \"b\" and access of \"rwm\" "
			   "(nslab keeps Docker's allowlist otherwise)");
	rule.type = t[0];
	rule.access = (strchr(a, 'r') ? NSLAB_DEV_READ : 0) | (strchr(a, 'w') ? NSLAB_DEV_WRITE : 0) |
		      (strchr(a, 'm') ? NSLAB_DEV_MKNOD : 0);
	d = new_device(o, at, NSLAB_DEVICE_RULE);
	if (!d)
		return -EINVAL;
	d->rule = rule;
	return 0;
}

static int device_rules(struct octx *o, json_object *v, const char *path)
{
	return each_object(o, v, path, device_rule);
}

static int resources(struct octx *o, json_object *v, const char *path)
{
	static const struct field t[] = {
		{ "memory", json_type_object, memory, NULL },
		{ "cpu", json_type_object, cpu, NULL },
		{ "pids", json_type_object, pids, NULL },
		{ "blockIO", json_type_object, block_io, NULL },
		{ "devices", json_type_array, device_rules, NULL },
		{ "hugepageLimits", json_type_array, NOT_YET }, { "network", json_type_object, NOT_YET },
		{ "rdma", json_type_object, NOT_YET }, { "unified", json_type_object, NOT_YET },
	};

	return WALK(o, v, path, t);
}

/* ---- linux: cgroupsPath, seccomp, masks ---- */

/*
 * [/]PARENT/LEAF, PARENT relative to each hierarchy's root (as runc, and
 * podman's cgroupfs manager: /libpod_parent/libpod-ID; PARENT may have
 * several levels); /LEAF is at the root, a relative LEAF below nslab's
 * default parent.
 */
static int cgroups_path(struct octx *o, json_object *v, const char *path)
{
	const char *s = json_object_get_string(v), *last;
	bool absolute = s[0] == '/';

	if (strchr(s, ':'))
		return bad(o, path, "systemd's slice:prefix:name form is not supported (nslab uses cgroupfs)");
	s += strspn(s, "/");
	last = strrchr(s, '/');
	last = last ? last + 1 : s;
	if (!*last || strstr(s, "..") || strlen(last) >= sizeof(o->oci->cgroup_leaf) ||
	    strspn(last, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-@") !=
	    strlen(last))
		return bad(o, path, "\"%s\" is not [/]PARENT/NAME (NAME of [A-Za-z0-9_.@-], no \"..\")",
			   json_object_get_string(v));
	snprintf(o->oci->cgroup_leaf, sizeof(o->oci->cgroup_leaf), "%s", last);
	o->spec->cgroup_leaf = o->oci->cgroup_leaf;
	/* Absolute is below the hierarchy's root, as the spec says: "/NAME" has no parent. */
	if (last == s && absolute)
		o->spec->cgroup_parent = "/";
	if (last == s)
		return 0;
	snprintf(o->oci->cgroup_parent, sizeof(o->oci->cgroup_parent), "%.*s", (int)(last - 1 - s), s);
	o->spec->cgroup_parent = o->oci->cgroup_parent;
	return 0;
}

/*
 * Set on / once pivoted (as runc does; before, it would reach the host's
 * mount): everything below was made private first, so "shared" or "slave"
 * peers / with the container's own mounts only.
 */
static int root_propagation(struct octx *o, json_object *v, const char *path)
{
	const char *s = json_object_get_string(v);

	o->spec->root_propagation = nslab_propagation(s);
	if (!o->spec->root_propagation)
		return bad(o, path, "\"%s\" is not [r]shared, [r]slave, [r]private or [r]unbindable", s);
	return 0;
}

/* Docker's profile format is a superset of the OCI one: the one reader reads both. */
static int seccomp(struct octx *o, json_object *v, const char *path)
{
	const char *text = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
	struct nslab_sc_profile *p = calloc(1, sizeof(*p));
	struct nslab_seccomp *sc = &o->spec->seccomp;
	struct nslab_error in = { 0 };

	if (!p || !text) {
		free(p);
		return nslab_fail(o->e, ENOMEM, "config.json", NULL);
	}
	if (nslab_sc_parse_json(text, path, p, &in)) {
		free(p);
		return nslab_bad_input(o->e, "config.json", "%s", in.why);
	}
	nslab_seccomp_release(sc);
	sc->mode = NSLAB_SECCOMP_FILE;
	sc->profile = p;
	sc->text_hash = nslab_sc_hash(NSLAB_SC_HASH_SEED, text, strlen(text));
	/* For errors; the container's start saves @text for `nslab exec` (owned by the document). */
	snprintf(sc->file, sizeof(sc->file), "%s/config.json", o->bundle);
	sc->text = text;
	return 0;
}

/* Whether "/@path" is among nslab's masked (or, with !@masked, either) list. */
static bool default_path(const char *path, bool masked)
{
	const char *p;

	for (int list = 0; list < (masked ? 1 : 2); list++)
		for (size_t i = 0; (p = nslab_mount_default_path(list == 0, i)); i++)
			if (path[0] == '/' && strcmp(path + 1, p) == 0)
				return true;
	return false;
}

/*
 * nslab always masks (and makes read-only) all of Docker's paths; a path
 * beyond them (podman adds /sys/fs/selinux, the validation suite its own)
 * is masked or made read-only too.
 */
static int masks(struct octx *o, json_object *v, const char *path)
{
	bool masked = strstr(path, "maskedPaths") != NULL;
	const char **extra = masked ? o->spec->masked_extra : o->spec->read_only_extra;
	int *n = masked ? &o->spec->n_masked_extra : &o->spec->n_read_only_extra;

	for (size_t i = 0; i < json_object_array_length(v); i++) {
		const char *s = string_at(o, v, i, path);
		char at[PATH_LEN];

		if (!s)
			return -EINVAL;
		snprintf(at, sizeof(at), "%s[%zu]", path, i);
		if (default_path(s, masked))
			continue;
		if (s[0] != '/' || !s[1] || strstr(s, "/../") || strcmp(s + strlen(s) - 3, "/..") == 0)
			return bad(o, at, "'%s' is not an absolute path without \"..\"", s);
		if (*n >= NSLAB_MAX_MASKS)
			return bad(o, at, "more than %d paths beyond Docker's", NSLAB_MAX_MASKS);
		extra[(*n)++] = s;
	}
	return 0;
}

/* The node's type, as S_IF*, and its cgroup rule's type (0 for a fifo). */
static int dev_type(struct octx *o, const char *t, const char *at, mode_t *mode, char *rule)
{
	static const struct { const char *name; mode_t mode; char rule; } types[] = {
		{ "c", S_IFCHR, 'c' }, { "u", S_IFCHR, 'c' }, { "b", S_IFBLK, 'b' }, { "p", S_IFIFO, 0 },
	};

	for (size_t i = 0; i < N_ELEMENTS(types); i++)
		if (strcmp(t, types[i].name) == 0) {
			*mode = types[i].mode;
			*rule = types[i].rule;
			return 0;
		}
	return bad(o, at, "type \"%s\" is not one of c, u, b, p", t);
}

/*
 * fileMode (default 0666, with or without the type's S_IF* bits), uid and gid
 * (default 0): absent, dev_number gives the wildcard.
 */
static int dev_ids(struct octx *o, json_object *r, const char *at, struct nslab_device *d)
{
	long mode, uid, gid;
	int ret = dev_number(o, r, at, "fileMode", false, &mode);

	if (!ret)
		ret = dev_number(o, r, at, "uid", false, &uid);
	if (!ret)
		ret = dev_number(o, r, at, "gid", false, &gid);
	if (ret)
		return ret;
	/* podman gives the host node's st_mode, its type included: taken, as runc does, where it agrees. */
	if (mode != NSLAB_DEV_WILDCARD && (mode & S_IFMT) == (long)(d->mode & S_IFMT))
		mode &= 07777;
	if (mode > 07777)
		return bad(o, at, "fileMode %ld is not a permission mode (nor one with the type's bits)",
			   mode);
	d->mode |= (mode_t)(mode == NSLAB_DEV_WILDCARD ? 0666 : mode);
	d->uid = (uid_t)(uid == NSLAB_DEV_WILDCARD ? 0 : uid);
	d->gid = (gid_t)(gid == NSLAB_DEV_WILDCARD ? 0 : gid);
	return 0;
}

/* One linux.devices entry: a node below /dev, and a rwm rule for it (runc's). */
static int device_node(struct octx *o, json_object *r, const char *at)
{
	static const char *const keys[] = { "path", "type", "major", "minor", "fileMode", "uid",
					    "gid", NULL };
	json_object *path, *type;
	struct nslab_device *d;
	const char *p;
	int ret = only_keys(o, r, at, keys);

	if (!ret)
		ret = member(o, r, at, "path", json_type_string, true, &path);
	if (!ret)
		ret = member(o, r, at, "type", json_type_string, true, &type);
	if (ret || !(d = new_device(o, at, NSLAB_DEVICE_NODE)))
		return ret ? ret : -EINVAL;
	p = json_object_get_string(path);
	if (strncmp(p, "/dev/", 5) || !p[5] || strstr(p, "/../") || strlen(p) >= sizeof(d->path))
		return bad(o, at, "path \"%s\" is not a path below /dev/", p);
	snprintf(d->path, sizeof(d->path), "%s", p);
	ret = dev_type(o, json_object_get_string(type), at, &d->mode, &d->rule.type);
	if (!ret && d->rule.type)
		ret = dev_number(o, r, at, "major", true, &d->rule.major);
	if (!ret && d->rule.type)
		ret = dev_number(o, r, at, "minor", true, &d->rule.minor);
	d->rule.access = NSLAB_DEV_RWM;
	return ret ? ret : dev_ids(o, r, at, d);
}

static int device_nodes(struct octx *o, json_object *v, const char *path)
{
	return each_object(o, v, path, device_node);
}

/* Kept as they are; whether each is namespaced is known once linux.namespaces is read (check_sysctl). */
static int sysctls(struct octx *o, json_object *v, const char *path)
{
	json_object_object_foreach(v, key, val) {
		if (!json_object_is_type(val, json_type_string))
			return bad(o, path, "\"%s\": expected a string", key);
		if (o->spec->n_sysctl >= NSLAB_MAX_SYSCTL)
			return bad(o, path, "more than %d parameters", NSLAB_MAX_SYSCTL);
		o->spec->sysctl[o->spec->n_sysctl][0] = key;
		o->spec->sysctl[o->spec->n_sysctl++][1] = json_object_get_string(val);
	}
	return 0;
}

static int linux_section(struct octx *o, json_object *v, const char *path)
{
	static const struct field t[] = {
		{ "namespaces", json_type_array, namespaces, NULL },
		{ "uidMappings", json_type_array, idmaps, NULL },
		{ "gidMappings", json_type_array, idmaps, NULL },
		{ "timeOffsets", json_type_object, time_offsets, NULL },
		{ "resources", json_type_object, resources, NULL },
		{ "cgroupsPath", json_type_string, cgroups_path, NULL },
		{ "seccomp", json_type_object, seccomp, NULL },
		{ "maskedPaths", json_type_array, masks, NULL },
		{ "readonlyPaths", json_type_array, masks, NULL },
		{ "devices", json_type_array, device_nodes, NULL },
		{ "sysctl", json_type_object, sysctls, NULL },
		{ "rootfsPropagation", json_type_string, root_propagation, NULL },
		{ "mountLabel", json_type_string, NULL, "SELinux is not supported" },
		{ "intelRdt", json_type_object, NOT_YET }, { "personality", json_type_object, NOT_YET },
		{ "netDevices", json_type_object, NOT_YET }, { "memoryPolicy", json_type_object, NOT_YET },
	};

	return WALK(o, v, path, t);
}

static int top(struct octx *o, json_object *v)
{
	static const struct field t[] = {
		{ "ociVersion", json_type_string, oci_version, NULL },
		{ "root", json_type_object, root, NULL },
		{ "process", json_type_object, process, NULL },
		{ "hostname", json_type_string, hostname, NULL },
		{ "domainname", json_type_string, hostname, NULL },
		{ "mounts", json_type_array, mounts, NULL },
		{ "hooks", json_type_object, hooks_section, NULL },
		{ "annotations", json_type_object, annotations, NULL },
		{ "linux", json_type_object, linux_section, NULL },
	};

	return WALK(o, v, "", t);
}

/* ---- what the fields say together ---- */

/*
 * Whether @c's sets are nslab's model for the process's uid (Docker's):
 * bounding = permitted = effective for uid 0, empty for others; inheritable
 * and ambient empty.  Then nslab_caps_apply gives them.
 */
static bool model_sets(const uint64_t *c, bool root)
{
	for (int set = 1; set < N_CAP_SETS; set++)
		if (c[set] != (set < 3 && root ? c[0] : 0))
			return false;
	return true;
}

/*
 * Sets beyond nslab's model are honoured as given, as runc does, once they
 * are consistent: what the kernel would refuse is refused here, naming it.
 */
static int exact_sets(struct octx *o, const uint64_t *c)
{
	static const struct { int set, within; const char *why; } rules[] = {
		{ 1, 2, "must be within permitted" },
		{ 2, 0, "must be within bounding" },
		{ 3, 0, "must be within bounding" },
		{ 4, 2, "must be within permitted" },
		{ 4, 3, "must be within inheritable" },
	};
	char at[PATH_LEN];

	for (size_t i = 0; i < N_ELEMENTS(rules); i++)
		if (c[rules[i].set] & ~c[rules[i].within]) {
			snprintf(at, sizeof(at), "%scapabilities.%s", o->process_at,
				 cap_sets[rules[i].set]);
			return bad(o, at, "%s", rules[i].why);
		}
	o->spec->cap_sets_given = true;
	o->spec->cap_sets = (struct nslab_cap_sets){ c[1], c[2], c[3], c[4] };
	return 0;
}

static int check_caps(struct octx *o)
{
	const uint64_t *c = o->oci->caps;
	bool root = !o->spec->user_set || o->spec->uid == 0;
	int ret = model_sets(c, root) ? 0 : exact_sets(o, c);

	/* Exactly the bounding set, whatever Docker's default: none at all when absent. */
	o->spec->cap_add = c[0];
	o->spec->cap_drop = ~0ULL;
	return ret;
}

/* With nslab's own default maps as root, the root is mounted idmapped as `nslab run` does it. */
static void default_maps(struct nslab_spec *s)
{
	const struct nslab_idmap dflt = { 0, NSLAB_DEFAULT_MAP_BASE, NSLAB_DEFAULT_MAP_COUNT };

	if (geteuid() == 0 && s->n_uid_map == 1 && s->n_gid_map == 1 &&
	    !memcmp(&s->uid_map[0], &dflt, sizeof(dflt)) && !memcmp(&s->gid_map[0], &dflt, sizeof(dflt)))
		s->n_uid_map = s->n_gid_map = 0;
}

static int check_namespaces(struct octx *o)
{
	struct nslab_spec *s = o->spec;
	bool userns = s->ns & NSLAB_NS_BIT(NSLAB_NS_USER);

	if (!(s->ns & NSLAB_NS_BIT(NSLAB_NS_MNT)))
		return bad(o, "linux.namespaces", "a new mount namespace is needed: nslab builds "
			   "root.path's root in it");
	if (userns && (!s->n_uid_map || !s->n_gid_map))
		return bad(o, s->n_uid_map ? "linux.gidMappings" : "linux.uidMappings",
			   "needed with a new user namespace");
	if (!userns && (s->n_uid_map || s->n_gid_map))
		return bad(o, s->n_uid_map ? "linux.uidMappings" : "linux.gidMappings",
			   "needs a new user namespace in linux.namespaces");
	if ((s->hostname || s->domainname) && !(s->ns & NSLAB_NS_BIT(NSLAB_NS_UTS)))
		return bad(o, s->hostname ? "hostname" : "domainname",
			   "needs a new uts namespace in linux.namespaces");
	if (!(s->ns & NSLAB_NS_BIT(NSLAB_NS_NET)))
		s->net.mode = NSLAB_NET_NONE;
	default_maps(s);
	return 0;
}

static int check_sysctl(struct octx *o)
{
	struct nslab_error in = { 0 };

	for (int i = 0; i < o->spec->n_sysctl; i++)
		if (nslab_sysctl_check(o->spec, o->spec->sysctl[i][0], &in))
			return rewrap(o, "linux.sysctl", &in);
	return 0;
}

static int check_whole(struct octx *o)
{
	struct nslab_error in = { 0 };
	int ret = 0;

	if (!o->version_seen)
		return bad(o, "ociVersion", "missing");
	if (!o->spec->rootfs)
		return bad(o, "root.path", "missing");
	if (!o->spec->argv)
		return bad(o, "process.args", "missing: nslab run needs a command");
	ret = check_caps(o);
	if (!ret)
		ret = check_namespaces(o);
	if (!ret)
		ret = check_sysctl(o);
	if (!ret && o->spec->limits.cpu_quota_us > 0 && o->spec->limits.cpu_period_us < 0)
		o->spec->limits.cpu_period_us = 100000;
	if (!ret && nslab_limits_check(&o->spec->limits, &in))
		ret = rewrap(o, "linux.resources", &in);
	/* A bind's missing source, a destination twice, a cwd with ".." parts. */
	if (!ret && nslab_user_mounts_check(o->spec, &in))
		ret = rewrap(o, strcmp(in.what, "--workdir") == 0 ? "process.cwd" : in.what, &in);
	return ret;
}

/* @text into o->oci->doc, which must be an object. */
static int parse_doc(struct octx *o, const char *text)
{
	const char *why;
	int line;

	o->oci->doc = nslab_json_parse(text, &line, &why);
	if (!o->oci->doc)
		return nslab_bad_input(o->e, o->step, "line %d: not JSON: %s", line, why);
	if (!json_object_is_type(o->oci->doc, json_type_object))
		return nslab_bad_input(o->e, o->step, "expected an object");
	return 0;
}

int nslab_oci_parse(const char *text, const char *bundle, const char *id,
		    struct nslab_spec *spec, struct nslab_oci *oci, struct nslab_error *e)
{
	struct octx o = { .spec = spec, .limits = &spec->limits, .oci = oci, .e = e, .bundle = bundle,
			  .id = id, .step = "config.json", .process_at = "process.",
			  .hooks = &oci->hooks };
	int ret;

	memset(oci, 0, sizeof(*oci));
	if (!nslab_name_valid(id))
		return nslab_bad_input(e, "run", "'%s' is not a container id: 1-%d of [A-Za-z0-9_.-], "
				       "starting alphanumeric", id, NSLAB_NAME_MAX);
	snprintf(spec->name, sizeof(spec->name), "%s", id);
	spec->hooks = &oci->hooks;
	/* The OCI root is the bundle's, written to in place; there is no image to keep apart. */
	spec->overlay = false;
	spec->no_new_privs = false;
	spec->seccomp.mode = NSLAB_SECCOMP_DEFAULT;
	/* process.env is the whole environment (absent: an empty one), as runc gives it. */
	spec->env_exact = true;
	ret = parse_doc(&o, text);
	if (!ret)
		ret = top(&o, oci->doc);
	return ret ? ret : check_whole(&o);
}

int nslab_oci_process(const char *text, const char *step, struct nslab_spec *spec,
		      struct nslab_oci *oci, struct nslab_error *e)
{
	struct octx o = { .spec = spec, .oci = oci, .e = e, .step = step, .process_at = "" };
	int ret;

	memset(oci, 0, sizeof(*oci));
	spec->umask = -1;
	/* process.env is the whole environment, as runc gives it. */
	spec->env_exact = true;
	ret = parse_doc(&o, text);
	if (!ret)
		ret = process(&o, oci->doc, "");
	if (!ret && !spec->argv)
		return bad(&o, "args", "missing: a command is needed");
	return ret ? ret : check_caps(&o);
}

int nslab_oci_load(const char *bundle, const char *id, struct nslab_spec *spec,
		   struct nslab_oci *oci, struct nslab_error *e)
{
	const size_t size = 1 << 20;
	_cleanup_free_ char *text = malloc(size);
	char path[PATH_MAX];
	ssize_t n;

	memset(oci, 0, sizeof(*oci));
	if (!text)
		return nslab_fail(e, ENOMEM, "config.json", NULL);
	if (snprintf(path, sizeof(path), "%s/config.json", bundle) >= (int)sizeof(path))
		return nslab_bad_input(e, "--bundle", "path too long");
	n = nslab_read_file(path, text, size);
	if (n < 0)
		return nslab_fail_as(e, NSLAB_ERR_INPUT, -n, "config.json", "%s: %s", path, strerror(-n));
	if (n == (ssize_t)size - 1)
		return nslab_bad_input(e, "config.json", "%s: larger than 1 MiB", path);
	return nslab_oci_parse(text, bundle, id, spec, oci, e);
}

int nslab_oci_resources(json_object *res, struct nslab_limits *l, struct nslab_error *e)
{
	struct octx o = { .limits = l, .step = "--resources", .e = e };
	struct nslab_error in = { 0 };
	int ret;

	if (!json_object_is_type(res, json_type_object))
		return bad(&o, "linux.resources", "expected an object");
	ret = resources(&o, res, "");
	if (!ret && nslab_limits_check(l, &in))
		ret = rewrap(&o, "linux.resources", &in);
	return ret;
}

void nslab_oci_free(struct nslab_oci *oci)
{
	json_object_put(oci->doc);
	free(oci->argv);
	nslab_hooks_free(&oci->hooks);
	memset(oci, 0, sizeof(*oci));
}

/* ---- the documents of `nslab state`, `nslab spec` and `nslab features` ---- */

static const char *oci_status(enum nslab_status status)
{
	switch (status) {
	case NSLAB_CREATED: return "creating";
	case NSLAB_WAITING: return "created";
	case NSLAB_RUNNING: return "running";
	/* runc's word for a frozen cgroup: a state runtime-spec leaves to the runtime. */
	case NSLAB_FROZEN: return "paused";
	default: return "stopped";
	}
}

json_object *nslab_oci_state(const struct nslab_state *st, enum nslab_status status)
{
	json_object *doc = json_object_new_object();
	const char *word = oci_status(status);

	if (!doc)
		return NULL;
	json_object_object_add(doc, "ociVersion", json_object_new_string(NSLAB_OCI_VERSION));
	json_object_object_add(doc, "id", json_object_new_string(st->name));
	json_object_object_add(doc, "status", json_object_new_string(word));
	/* runc's 0 once stopped: the pid may be another process's by then. */
	json_object_object_add(doc, "pid", json_object_new_int(strcmp(word, "stopped") ? st->pid : 0));
	json_object_object_add(doc, "bundle", json_object_new_string(st->bundle));
	json_object_object_add(doc, "annotations", nslab_json_object_or_empty(st->annotations));
	return doc;
}


static json_object *strings(const char *const *list, size_t n, const char *prefix)
{
	json_object *a = json_object_new_array();
	char buf[128];

	for (size_t i = 0; a && i < n; i++) {
		snprintf(buf, sizeof(buf), "%s%s", prefix, list[i]);
		json_object_array_add(a, json_object_new_string(buf));
	}
	return a;
}

static json_object *cap_names(uint64_t set)
{
	json_object *a = json_object_new_array();
	char buf[64];

	for (int c = 0; a && c < 64; c++) {
		if (!(set & (1ULL << c)) || strcmp(nslab_cap_name(c), "?") == 0)
			continue;
		snprintf(buf, sizeof(buf), "CAP_%s", nslab_cap_name(c));
		json_object_array_add(a, json_object_new_string(buf));
	}
	return a;
}

static json_object *default_process(void)
{
	static const char *const env[] = {
		"PATH=" NSLAB_DEFAULT_PATH,
	};
	static const char *const argv[] = { "sh" };
	json_object *p = json_object_new_object(), *user = json_object_new_object();
	json_object *caps = json_object_new_object();

	json_object_object_add(user, "uid", json_object_new_int(0));
	json_object_object_add(user, "gid", json_object_new_int(0));
	json_object_object_add(p, "terminal", json_object_new_boolean(false));
	json_object_object_add(p, "user", user);
	json_object_object_add(p, "args", strings(argv, N_ELEMENTS(argv), ""));
	json_object_object_add(p, "env", strings(env, N_ELEMENTS(env), ""));
	json_object_object_add(p, "cwd", json_object_new_string("/"));
	for (int set = 0; set < 3; set++)
		json_object_object_add(caps, cap_sets[set], cap_names(nslab_caps_default()));
	json_object_object_add(p, "capabilities", caps);
	json_object_object_add(p, "noNewPrivileges", json_object_new_boolean(true));
	return p;
}

static json_object *default_mounts(void)
{
	static const char *const ro[] = { "ro" };
	json_object *a = json_object_new_array();

	for (size_t i = 0; i < N_ELEMENTS(standard_mounts); i++) {
		json_object *m = json_object_new_object();

		json_object_object_add(m, "destination", json_object_new_string(standard_mounts[i].dest));
		json_object_object_add(m, "type", json_object_new_string(standard_mounts[i].type));
		json_object_object_add(m, "source", json_object_new_string(standard_mounts[i].type));
		/* As nslab mounts it, whatever the entry says. */
		if (strcmp(standard_mounts[i].type, "cgroup") == 0)
			json_object_object_add(m, "options", strings(ro, 1, ""));
		json_object_array_add(a, m);
	}
	return a;
}

static json_object *default_maps_json(unsigned host, unsigned size)
{
	json_object *a = json_object_new_array(), *m = json_object_new_object();

	json_object_object_add(m, "containerID", json_object_new_int64(0));
	json_object_object_add(m, "hostID", json_object_new_int64(host));
	json_object_object_add(m, "size", json_object_new_int64(size));
	json_object_array_add(a, m);
	return a;
}

static json_object *default_paths(bool masked)
{
	json_object *a = json_object_new_array();
	const char *p;
	char buf[64];

	for (size_t i = 0; (p = nslab_mount_default_path(masked, i)); i++) {
		snprintf(buf, sizeof(buf), "/%s", p);
		json_object_array_add(a, json_object_new_string(buf));
	}
	return a;
}

/* The OCI names of the namespace types, as linux.namespaces spells them. */
static const char *const oci_ns[NSLAB_NS_COUNT] = {
	"uts", "ipc", "pid", "mount", "network", "user", "cgroup", "time",
};

static json_object *default_linux(bool rootless)
{
	json_object *l = json_object_new_object(), *ns = json_object_new_array();
	bool root = geteuid() == 0 && !rootless;

	for (int t = 0; t < NSLAB_NS_COUNT; t++) {
		json_object *n = json_object_new_object();

		json_object_object_add(n, "type", json_object_new_string(oci_ns[t]));
		json_object_array_add(ns, n);
	}
	json_object_object_add(l, "namespaces", ns);
	json_object_object_add(l, "uidMappings", root ?
		default_maps_json(NSLAB_DEFAULT_MAP_BASE, NSLAB_DEFAULT_MAP_COUNT) :
		default_maps_json(geteuid(), 1));
	json_object_object_add(l, "gidMappings", root ?
		default_maps_json(NSLAB_DEFAULT_MAP_BASE, NSLAB_DEFAULT_MAP_COUNT) :
		default_maps_json(getegid(), 1));
	json_object_object_add(l, "maskedPaths", default_paths(true));
	json_object_object_add(l, "readonlyPaths", default_paths(false));
	return l;
}

json_object *nslab_oci_default_config(bool rootless)
{
	json_object *doc = json_object_new_object(), *root = json_object_new_object();

	if (!doc || !root) {
		json_object_put(doc);
		json_object_put(root);
		return NULL;
	}
	json_object_object_add(doc, "ociVersion", json_object_new_string(NSLAB_OCI_VERSION));
	json_object_object_add(doc, "process", default_process());
	json_object_object_add(root, "path", json_object_new_string("rootfs"));
	json_object_object_add(root, "readonly", json_object_new_boolean(false));
	json_object_object_add(doc, "root", root);
	json_object_object_add(doc, "hostname", json_object_new_string("nslab"));
	json_object_object_add(doc, "mounts", default_mounts());
	json_object_object_add(doc, "linux", default_linux(rootless));
	return doc;
}

static json_object *features_seccomp(void)
{
	static const char *const actions[] = {
		"KILL", "KILL_THREAD", "KILL_PROCESS", "TRAP", "ERRNO", "TRACE", "ALLOW", "LOG",
	};
	static const char *const ops[] = {
		"NE", "LT", "LE", "EQ", "GE", "GT", "MASKED_EQ",
	};
	static const char *const archs[] = { "X86_64", "X86", "X32" };
	json_object *s = json_object_new_object();

	json_object_object_add(s, "enabled", json_object_new_boolean(true));
	json_object_object_add(s, "actions", strings(actions, N_ELEMENTS(actions), "SCMP_ACT_"));
	json_object_object_add(s, "operators", strings(ops, N_ELEMENTS(ops), "SCMP_CMP_"));
	json_object_object_add(s, "archs", strings(archs, N_ELEMENTS(archs), "SCMP_ARCH_"));
	return s;
}

static json_object *features_linux(void)
{
	json_object *l = json_object_new_object(), *cg = json_object_new_object();
	json_object *off = json_object_new_object();

	json_object_object_add(l, "namespaces", strings(oci_ns, NSLAB_NS_COUNT, ""));
	json_object_object_add(l, "capabilities", cap_names(~0ULL));
	json_object_object_add(cg, "v1", json_object_new_boolean(true));
	json_object_object_add(cg, "v2", json_object_new_boolean(true));
	json_object_object_add(cg, "systemd", json_object_new_boolean(false));
	json_object_object_add(cg, "systemdUser", json_object_new_boolean(false));
	json_object_object_add(l, "cgroup", cg);
	json_object_object_add(l, "seccomp", features_seccomp());
	json_object_object_add(off, "enabled", json_object_new_boolean(false));
	json_object_object_add(l, "apparmor", off);
	json_object_object_add(l, "selinux", json_object_get(off));
	return l;
}

static json_object *hook_names(void)
{
	json_object *a = json_object_new_array();

	for (int p = 0; a && p < NSLAB_HOOK_POINTS; p++)
		json_object_array_add(a, json_object_new_string(nslab_hook_name(p)));
	return a;
}

json_object *nslab_oci_features(void)
{
	json_object *f = json_object_new_object(), *ann = json_object_new_object();

	if (!f || !ann) {
		json_object_put(f);
		json_object_put(ann);
		return NULL;
	}
	json_object_object_add(f, "ociVersionMin", json_object_new_string("1.0.0"));
	json_object_object_add(f, "ociVersionMax", json_object_new_string("1.3.0"));
	json_object_object_add(f, "hooks", hook_names());
	json_object_object_add(f, "mountOptions", json_object_new_array());
	json_object_object_add(f, "linux", features_linux());
	json_object_object_add(ann, "org.nslab.version", json_object_new_string(NSLAB_VERSION));
	json_object_object_add(f, "annotations", ann);
	return f;
}
