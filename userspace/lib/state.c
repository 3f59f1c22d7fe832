// SPDX-License-Identifier: GPL-2.0
#include "state.h"
#include "rlimit.h"
#include "caps.h"
#include "cleanup.h"
#include "json.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

const char *nslab_state_root(void)
{
	static char user_root[PATH_MAX];
	const char *dir = getenv("NSLAB_STATE_DIR"), *run = getenv("XDG_RUNTIME_DIR");

	if (dir && *dir)
		return dir;
	/*
	 * As podman and crun: a user's containers live in the user's runtime
	 * directory.  Kept from the first call, before the clone: the first
	 * process, root in its user namespace by then, must find the same one.
	 */
	if (!user_root[0] && geteuid() != 0 && run && *run &&
	    snprintf(user_root, sizeof(user_root), "%s/nslab", run) >= (int)sizeof(user_root))
		user_root[0] = '\0';
	return user_root[0] ? user_root : "/run/nslab";
}

int nslab_state_path(char *buf, size_t size, const char *name, const char *leaf)
{
	int n = leaf ? snprintf(buf, size, "%s/%s/%s", nslab_state_root(), name, leaf) :
		       snprintf(buf, size, "%s/%s", nslab_state_root(), name);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int nslab_state_rw_path(char *buf, size_t size, const char *name, const char *leaf)
{
	int n = leaf ? snprintf(buf, size, "%s/%s/rw/%s", nslab_state_root(), name, leaf) :
		       snprintf(buf, size, "%s/%s/rw", nslab_state_root(), name);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int nslab_state_create(const char *name)
{
	char dir[PATH_MAX], rw[PATH_MAX];
	int ret;

	/* Traversable by anyone: the container's root maps to an unprivileged host id. */
	if (mkdir(nslab_state_root(), 0711) < 0 && errno != EEXIST)
		return -errno;
	ret = nslab_state_path(dir, sizeof(dir), name, NULL);
	if (!ret)
		ret = nslab_state_rw_path(rw, sizeof(rw), name, NULL);
	if (ret)
		return ret;
	if (mkdir(dir, 0711) < 0)
		return -errno;
	if (mkdir(rw, 0711) < 0) {
		ret = -errno;
		rmdir(dir);
		return ret;
	}
	/*
	 * The overlay's layers and the root mount point get a tmpfs of their
	 * own, so that one unmount frees them.  Where /run is on disk (the CI
	 * host's ext4) each of those 6 directories cost 0.1-0.5 ms to make and
	 * again to remove.  The writable layer is thus in RAM, as it is where
	 * /run is tmpfs (standard Debian), and counts against the container's
	 * memory cgroup.  state.json stays outside: a supervisor in a mount
	 * namespace of its own must not hide it from the host's nslab.  Only
	 * an optimisation: where we may not mount, a plain directory.
	 */
	mount("nslab", rw, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0711");
	return 0;
}

/* The namespaces it made; with @files, "<type>=<path>" for each persisted one instead. */
static json_object *ns_array(const struct nslab_state *st, bool files)
{
	json_object *list = json_object_new_array();
	char entry[PATH_MAX + 16];

	for (int t = 0; list && t < NSLAB_NS_COUNT; t++) {
		if (files && st->persisted[t][0]) {
			snprintf(entry, sizeof(entry), "%s=%s", nslab_ns_types[t].name, st->persisted[t]);
			json_object_array_add(list, json_object_new_string(entry));
		} else if (!files && (st->ns & NSLAB_NS_BIT(t))) {
			json_object_array_add(list, json_object_new_string(nslab_ns_types[t].name));
		}
	}
	return list;
}

/* --ulimit's values, each as nslab_parse_kept_rlimit takes it. */
static json_object *rlimit_array(const struct nslab_state *st)
{
	json_object *list = json_object_new_array();
	char entry[96];

	for (int i = 0; list && i < st->n_rlimits; i++) {
		nslab_rlimit_format(&st->rlimits[i], entry, sizeof(entry));
		json_object_array_add(list, json_object_new_string(entry));
	}
	return list;
}

/* In the order of docs/design.md's table: the first ten fields are those of the first release. */
static json_object *state_doc(const struct nslab_state *st)
{
	json_object *doc = json_object_new_object();

	if (!doc)
		return NULL;
	json_object_object_add(doc, "name", json_object_new_string(st->name));
	json_object_object_add(doc, "pid", json_object_new_int64(st->pid));
	json_object_object_add(doc, "pid_start", json_object_new_int64(st->pid_start));
	json_object_object_add(doc, "supervisor", json_object_new_int64(st->supervisor));
	json_object_object_add(doc, "supervisor_start", json_object_new_int64(st->supervisor_start));
	json_object_object_add(doc, "created", json_object_new_int64(st->created));
	json_object_object_add(doc, "rootfs", json_object_new_string(st->rootfs));
	json_object_object_add(doc, "command", json_object_new_string(st->command));
	json_object_object_add(doc, "cgroup_parent", json_object_new_string(st->cgroup_parent));
	json_object_object_add(doc, "host_if", json_object_new_string(st->host_if));
	json_object_object_add(doc, "addresses", json_object_new_string(st->addresses));
	json_object_object_add(doc, "caps", json_object_new_int64((long long)st->caps));
	json_object_object_add(doc, "no_new_privs", json_object_new_boolean(st->no_new_privs));
	json_object_object_add(doc, "seccomp", json_object_new_string(st->seccomp));
	json_object_object_add(doc, "workdir", json_object_new_string(st->workdir));
	json_object_object_add(doc, "rlimits", rlimit_array(st));
	json_object_object_add(doc, "namespaces", ns_array(st, false));
	json_object_object_add(doc, "persisted", ns_array(st, true));
	json_object_object_add(doc, "exited", json_object_new_boolean(st->exited));
	json_object_object_add(doc, "exit_code", json_object_new_int64(st->exit_code));
	json_object_object_add(doc, "finished", json_object_new_int64(st->finished));
	json_object_object_add(doc, "bundle", json_object_new_string(st->bundle));
	json_object_object_add(doc, "oci", json_object_new_boolean(st->oci));
	json_object_object_add(doc, "cgroup_leaf", json_object_new_string(st->cgroup_leaf));
	json_object_object_add(doc, "annotations", nslab_json_object_or_empty(st->annotations));
	return doc;
}

int nslab_state_write(const struct nslab_state *st)
{
	char path[PATH_MAX], *buf = NULL;
	size_t len = 0;
	FILE *out;
	int ret;

	ret = nslab_state_path(path, sizeof(path), st->name, "state.json");
	if (ret)
		return ret;
	out = open_memstream(&buf, &len);
	if (!out)
		return -errno;
	ret = nslab_json_print(out, state_doc(st));
	if (fclose(out) != 0 && !ret)
		ret = -ENOMEM;
	if (!ret)
		ret = nslab_write_atomic(path, buf, len, 0600);
	free(buf);
	return ret;
}

static int save_bytes(const char *name, const char *leaf, const char *data, size_t len,
		      const char *fault, const char *step, struct nslab_error *e)
{
	char path[PATH_MAX];
	int ret = nslab_state_path(path, sizeof(path), name, leaf);

	if (!ret)
		ret = nslab_fault(fault) ? -EIO : nslab_write_atomic(path, data, len, 0600);
	return ret ? nslab_fail(e, ret, step, "saving %s: %s", leaf, strerror(-ret)) : 0;
}

int nslab_state_save(const char *name, const char *leaf, const char *text, const char *fault,
		     const char *step, struct nslab_error *e)
{
	return save_bytes(name, leaf, text, strlen(text), fault, step, e);
}

int nslab_state_save_env(const char *name, char *const *env, int n, struct nslab_error *e)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	char *p;

	if (n == 0)
		return 0;
	for (int i = 0; i < n; i++)
		len += strlen(env[i]) + 1;
	if (len >= NSLAB_ENV_FILE_MAX)
		return nslab_bad_input(e, "env", "the environment's %zu bytes are more than exec takes "
				       "back (%d)", len, NSLAB_ENV_FILE_MAX - 1);
	p = buf = malloc(len);
	if (!buf)
		return nslab_fail(e, ENOMEM, "env", NULL);
	for (int i = 0; i < n; i++)
		p = stpcpy(p, env[i]) + 1;
	return save_bytes(name, NSLAB_ENV_FILE, buf, len, "env-save", "env", e);
}

int nslab_state_load_env(const char *name, char **env, int *n, char **buf,
			 struct nslab_error *e)
{
	const size_t size = NSLAB_ENV_FILE_MAX;
	char path[PATH_MAX];
	ssize_t len;

	*n = 0;
	*buf = malloc(size);
	if (!*buf || nslab_state_path(path, sizeof(path), name, NSLAB_ENV_FILE))
		return nslab_fail(e, *buf ? ENAMETOOLONG : ENOMEM, "env", NULL);
	len = nslab_read_file(path, *buf, size);
	if (len == -ENOENT)
		len = 0;
	if (len < 0)
		return nslab_fail(e, -len, "env", "%s: %s", path, strerror(-len));
	/* Never an environment cut short: its last value would reach the command wrong. */
	if ((size_t)len >= size - 1 || (len > 0 && (*buf)[len - 1] != '\0'))
		return nslab_fail(e, EPROTO, "env", "%s: cut short or damaged", path);
	for (char *p = *buf; p < *buf + len; p += strlen(p) + 1) {
		if (*n == NSLAB_MAX_ENV)
			return nslab_fail(e, E2BIG, "env", "%s: more than %d variables", path,
					  NSLAB_MAX_ENV);
		env[(*n)++] = p;
	}
	env[*n] = NULL;
	return 0;
}

static int add_ns(const char *s, struct nslab_state *st)
{
	int t = nslab_ns_from_name(s);

	if (t < 0)
		return -EINVAL;
	st->ns |= NSLAB_NS_BIT(t);
	return 0;
}

/* Entries are "<type>=<path>": any path, e.g. /run/netns/<name>. */
static int add_persisted(const char *s, struct nslab_state *st)
{
	const char *eq = strchr(s, '=');
	char type[16];
	int t;

	if (!eq || eq - s >= (int)sizeof(type))
		return -EINVAL;
	snprintf(type, sizeof(type), "%.*s", (int)(eq - s), s);
	t = nslab_ns_from_name(type);
	if (t < 0 || strlen(eq + 1) >= sizeof(st->persisted[t]))
		return -EINVAL;
	strcpy(st->persisted[t], eq + 1);
	return 0;
}

static int add_rlimit(const char *s, struct nslab_state *st)
{
	return nslab_parse_kept_rlimit(s, st->rlimits, &st->n_rlimits);
}

/* A parsed state.json, and where its errors go. */
struct state_doc {
	const char *name;
	json_object *top;
	struct nslab_error *e;
};

static int bad_field(const struct state_doc *d, const char *key, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad_field(const struct state_doc *d, const char *key, const char *fmt, ...)
{
	char why[PATH_MAX / 16];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return nslab_fail(d->e, EINVAL, "state", "%s/state.json: field '%s': %s", d->name, key, why);
}

/* The top-level @key into *@val if of @type; absent leaves *@val NULL, an error if @required. */
static int field(const struct state_doc *d, const char *key, json_type type, bool required,
		 json_object **val)
{
	if (!json_object_object_get_ex(d->top, key, val)) {
		*val = NULL;
		return required ? bad_field(d, key, "missing") : 0;
	}
	if (!json_object_is_type(*val, type))
		return bad_field(d, key, "expected %s, not %s", json_type_to_name(type),
				 json_type_to_name(json_object_get_type(*val)));
	return 0;
}

/* A whole number in [@min, @max]; absent leaves *@out as it was. */
static int get_int(const struct state_doc *d, const char *key, bool required, long long min,
		   long long max, long long *out)
{
	json_object *v;
	int ret = field(d, key, json_type_int, required, &v);
	long long n;

	if (ret || !v)
		return ret;
	n = json_object_get_int64(v);
	if (n < min || n > max)
		return bad_field(d, key, "%s is out of range %lld..%lld", json_object_get_string(v), min,
				 max);
	*out = n;
	return 0;
}

static int get_bool(const struct state_doc *d, const char *key, bool *out)
{
	json_object *v;
	int ret = field(d, key, json_type_boolean, false, &v);

	if (!ret && v)
		*out = json_object_get_boolean(v);
	return ret;
}

/* A string that fits @size with its NUL, and holds none; absent leaves @buf as it was. */
static int get_str(const struct state_doc *d, const char *key, bool required, char *buf,
		   size_t size)
{
	json_object *v;
	int ret = field(d, key, json_type_string, required, &v);
	size_t len;

	if (ret || !v)
		return ret;
	len = json_object_get_string_len(v);
	if (len >= size)
		return bad_field(d, key, "longer than %zu bytes", size - 1);
	if (strlen(json_object_get_string(v)) != len)
		return bad_field(d, key, "holds a NUL");
	memcpy(buf, json_object_get_string(v), len + 1);
	return 0;
}

/* The object at @key as compact JSON text into @buf; absent leaves @buf as it was. */
static int get_object_text(const struct state_doc *d, const char *key, char *buf, size_t size)
{
	json_object *v;
	int ret = field(d, key, json_type_object, false, &v);
	size_t len;
	const char *text;

	if (ret || !v)
		return ret;
	text = json_object_to_json_string_ext(v, NSLAB_JSON_FORMAT);
	len = strlen(text);
	if (len >= size)
		return bad_field(d, key, "longer than %zu bytes", size - 1);
	memcpy(buf, text, len + 1);
	return 0;
}

/* Calls @fn for each string of the array at @key; absent and not @required, for none. */
static int each_str(const struct state_doc *d, const char *key, bool required,
		    struct nslab_state *st, int (*fn)(const char *s, struct nslab_state *st))
{
	json_object *list;
	int ret = field(d, key, json_type_array, required, &list);

	if (!ret && !list)
		return 0;
	for (size_t i = 0; !ret && i < json_object_array_length(list); i++) {
		json_object *item = json_object_array_get_idx(list, i);

		if (!json_object_is_type(item, json_type_string))
			ret = bad_field(d, key, "item %zu is not a string", i);
		else if (fn(json_object_get_string(item), st))
			ret = bad_field(d, key, "bad entry '%s'", json_object_get_string(item));
	}
	return ret;
}

/* Every failure is a bad field, named in d->e: the chains below return -EINVAL. */
static int read_fields(const struct state_doc *d, struct nslab_state *st)
{
	long long v[8] = { 0 };

	if (get_str(d, "name", true, st->name, sizeof(st->name)) ||
	    get_int(d, "pid", true, 0, INT_MAX, &v[0]) ||
	    get_int(d, "pid_start", true, 0, LLONG_MAX, &v[1]) ||
	    get_int(d, "supervisor", true, 0, INT_MAX, &v[2]) ||
	    get_int(d, "supervisor_start", true, 0, LLONG_MAX, &v[3]) ||
	    get_int(d, "created", true, 0, LLONG_MAX, &v[4]) ||
	    get_str(d, "rootfs", true, st->rootfs, sizeof(st->rootfs)) ||
	    get_str(d, "command", true, st->command, sizeof(st->command)) ||
	    each_str(d, "namespaces", true, st, add_ns) ||
	    each_str(d, "persisted", true, st, add_persisted))
		return -EINVAL;
	/*
	 * Fields added since the first release: a container started by an
	 * older nslab must still be listed, entered and removed.
	 */
	/* caps is the mask's 64 bits as a signed number: "ALL" is -1. */
	v[5] = (long long)nslab_caps_default();
	st->no_new_privs = true;
	strcpy(st->seccomp, "default");
	if (get_str(d, "cgroup_parent", false, st->cgroup_parent, sizeof(st->cgroup_parent)) ||
	    get_str(d, "host_if", false, st->host_if, sizeof(st->host_if)) ||
	    get_str(d, "addresses", false, st->addresses, sizeof(st->addresses)) ||
	    get_int(d, "caps", false, LLONG_MIN, LLONG_MAX, &v[5]) ||
	    get_bool(d, "no_new_privs", &st->no_new_privs) ||
	    get_str(d, "seccomp", false, st->seccomp, sizeof(st->seccomp)) ||
	    get_str(d, "workdir", false, st->workdir, sizeof(st->workdir)) ||
	    each_str(d, "rlimits", false, st, add_rlimit) ||
	    get_bool(d, "exited", &st->exited) ||
	    get_int(d, "exit_code", false, INT_MIN, INT_MAX, &v[6]) ||
	    get_int(d, "finished", false, 0, LLONG_MAX, &v[7]) ||
	    get_str(d, "bundle", false, st->bundle, sizeof(st->bundle)) ||
	    get_bool(d, "oci", &st->oci) ||
	    get_str(d, "cgroup_leaf", false, st->cgroup_leaf, sizeof(st->cgroup_leaf)) ||
	    get_object_text(d, "annotations", st->annotations, sizeof(st->annotations)))
		return -EINVAL;
	st->pid = v[0];
	st->pid_start = v[1];
	st->supervisor = v[2];
	st->supervisor_start = v[3];
	st->created = v[4];
	st->caps = (unsigned long long)v[5];
	st->exit_code = v[6];
	st->finished = v[7];
	return 0;
}

int nslab_no_container(struct nslab_error *e, const char *step, const char *name)
{
	return nslab_fail_as(e, NSLAB_ERR_NOT_FOUND, ENOENT, step, "container '%s' does not exist", name);
}

static int state_load(const char *name, struct nslab_state *st, struct nslab_error *e)
{
	struct state_doc d = { .name = name, .e = e };
	/* Every path field full, and the annotations, fit. */
	const size_t size = 1 << 17;
	_cleanup_free_ char *text = malloc(size);
	char path[PATH_MAX];
	const char *why;
	int ret, line;
	ssize_t n;

	memset(st, 0, sizeof(*st));
	if (!text)
		return nslab_fail(e, ENOMEM, "state", NULL);
	if (!nslab_name_valid(name))
		return nslab_no_container(e, "state", name);
	ret = nslab_state_path(path, sizeof(path), name, "state.json");
	if (!ret && (n = nslab_read_file(path, text, size)) < 0)
		ret = n;
	if (ret)
		return nslab_fail(e, ret, "state", "%s/state.json: %s", name, strerror(-ret));
	d.top = nslab_json_parse(text, &line, &why);
	if (!d.top)
		return nslab_fail(e, EINVAL, "state", "%s/state.json:%d: not JSON: %s", name, line, why);
	if (json_object_is_type(d.top, json_type_object))
		ret = read_fields(&d, st);
	else
		ret = nslab_fail(e, EINVAL, "state", "%s/state.json: not a JSON object", name);
	json_object_put(d.top);
	return ret;
}

int nslab_state_read(const char *name, struct nslab_state *st)
{
	return state_load(name, st, NULL);
}

struct find_pid {
	pid_t pid;
	struct nslab_state *out;
};

static int match_pid(const struct nslab_state *st, void *arg)
{
	struct find_pid *f = arg;

	if (st->pid != f->pid)
		return 0;
	*f->out = *st;
	return 1;
}

int nslab_state_find(const char *name_or_pid, struct nslab_state *st, struct nslab_error *e)
{
	char *end;
	long pid = strtol(name_or_pid, &end, 10);
	int ret = state_load(name_or_pid, st, e);

	if (ret != -ENOENT || *end || pid <= 0)
		return ret;
	if (nslab_state_each(match_pid, &(struct find_pid){ pid, st }) == 1)
		return 0;
	return nslab_no_container(e, "state", name_or_pid);
}

/* Unmounts the container's rw; @rw gets its path. */
static int unmount_rw(const char *name, char rw[PATH_MAX])
{
	int ret = nslab_state_rw_path(rw, PATH_MAX, name, NULL);

	if (ret)
		return ret;
	/*
	 * Fails harmlessly where rw is no mount point: not allowed to mount, an
	 * older nslab, or the tmpfs is in the mount namespace of a supervisor
	 * that has one of its own (and goes with it).
	 */
	umount2(rw, MNT_DETACH | UMOUNT_NOFOLLOW);
	return 0;
}

int nslab_state_drop_rw(const char *name)
{
	char rw[PATH_MAX];
	int ret = unmount_rw(name, rw);

	return ret ? ret : nslab_rm_rf(rw);
}

int nslab_state_remove(const char *name)
{
	char dir[PATH_MAX], rw[PATH_MAX];
	int ret = nslab_state_path(dir, sizeof(dir), name, NULL);

	if (!ret)
		ret = unmount_rw(name, rw);
	return ret ? ret : nslab_rm_rf(dir);
}

int nslab_state_each(int (*fn)(const struct nslab_state *st, void *arg), void *arg)
{
	DIR *d = opendir(nslab_state_root());
	struct dirent *de;
	int ret = 0;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while (!ret && (de = readdir(d))) {
		struct nslab_state *st;

		if (de->d_name[0] == '.')
			continue;
		st = malloc(sizeof(*st));
		if (!st) {
			ret = -ENOMEM;
			break;
		}
		if (nslab_state_read(de->d_name, st) == 0)
			ret = fn(st, arg);
		free(st);
	}
	closedir(d);
	return ret;
}

int nslab_proc_start_time(pid_t pid, unsigned long long *start)
{
	char path[64], buf[1024], *p;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	n = nslab_read_file(path, buf, sizeof(buf));
	if (n < 0)
		return n;
	/* comm may hold spaces and parentheses: count fields after the last ')'. */
	p = strrchr(buf, ')');
	if (!p)
		return -EINVAL;
	for (int field = 2; field < 22; field++) {
		p = strchr(p + 1, ' ');
		if (!p)
			return -EINVAL;
	}
	*start = strtoull(p + 1, NULL, 10);
	return 0;
}

/* The same process (start time), and not a zombie waiting for a slow reaper. */
static bool alive(pid_t pid, unsigned long long start)
{
	char path[64], buf[1024], *p;
	unsigned long long now;

	if (pid <= 0 || nslab_proc_start_time(pid, &now) || now != start)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (nslab_read_file(path, buf, sizeof(buf)) < 0 || !(p = strrchr(buf, ')')))
		return false;
	return p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

/*
 * A created container has no supervisor once `nslab create` returned: its
 * first process alone tells, and its exec fifo, until `nslab start` removes
 * it, that it has not been started.
 */
static enum nslab_status created_status(const struct nslab_state *st)
{
	char fifo[PATH_MAX];

	if (!st->pid)
		return alive(st->supervisor, st->supervisor_start) ? NSLAB_CREATED : NSLAB_DEAD;
	if (!alive(st->pid, st->pid_start))
		return NSLAB_STOPPED;
	if (nslab_state_path(fifo, sizeof(fifo), st->name, NSLAB_EXEC_FIFO) == 0 &&
	    access(fifo, F_OK) == 0)
		return NSLAB_WAITING;
	return NSLAB_RUNNING;
}

enum nslab_status nslab_state_status(const struct nslab_state *st)
{
	if (st->exited)
		return NSLAB_EXITED;
	if (st->oci)
		return created_status(st);
	if (!alive(st->supervisor, st->supervisor_start))
		return NSLAB_DEAD;
	return alive(st->pid, st->pid_start) ? NSLAB_RUNNING : NSLAB_CREATED;
}

const char *nslab_status_name(enum nslab_status status)
{
	static const char *const names[] = {
		"creating", "running", "dead", "frozen", "exited", "created", "stopped",
	};

	return names[status];
}

const char *nslab_status_oci_name(enum nslab_status status)
{
	static const char *const names[] = {
		"creating", "running", "stopped", "paused", "stopped", "created", "stopped",
	};

	return names[status];
}
