// SPDX-License-Identifier: GPL-2.0
/* The runtimes `nslab check` judges: how each is asked for namespaces and runs the probe. */
#include "checkrt.h"
#include "caps.h"
#include "ns.h"
#include "oci.h"
#include "seccomp_cache.h"
#include "seccomp_default.h"
#include "seccomp_json.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PROBE_IN_ROOTFS "/usr/bin/nslab-probe"
#define MAX_ARGS 48
/* A runtime that hangs is killed, so that one bad runtime cannot stop the catalogue. */
#define RUN_TIMEOUT_MS 60000

/* Reads what is ready on @fd into @buf (of @size, used @len); -1 once at EOF. */
static int drain(int fd, char *buf, size_t size, size_t *len)
{
	char scratch[512];
	ssize_t n = read(fd, scratch, sizeof(scratch));

	if (n <= 0)
		return n < 0 && errno == EINTR ? 0 : -1;
	if (*len + n >= size)
		n = size - 1 - *len;	/* the rest is dropped, the pipe still drained */
	memcpy(buf + *len, scratch, n);
	*len += n;
	buf[*len] = '\0';
	return 0;
}

/* Collects the child's stdout and stderr until both close or the deadline; 0 or -ETIMEDOUT. */
static int collect(int out, int err, struct nslab_rt_output *o)
{
	struct pollfd p[2] = { { .fd = out, .events = POLLIN }, { .fd = err, .events = POLLIN } };
	size_t lens[2] = { 0, 0 };
	int waited = 0;

	while (p[0].fd >= 0 || p[1].fd >= 0) {
		if (waited >= RUN_TIMEOUT_MS)
			return -ETIMEDOUT;
		if (poll(p, 2, 1000) <= 0) {
			waited += 1000;
			continue;
		}
		for (int i = 0; i < 2; i++)
			if (p[i].fd >= 0 && (p[i].revents & (POLLIN | POLLHUP | POLLERR)) &&
			    drain(p[i].fd, i ? o->err : o->out, i ? sizeof(o->err) : sizeof(o->out),
				  &lens[i]) < 0)
				p[i].fd = -1;
	}
	return 0;
}

/*
 * With a terminal @tty, as from a user's shell: the leader of a session
 * whose controlling terminal @tty is, on its stdin.  Else a process group of
 * its own, for the deadline's kill.
 */
static void child_exec(const char *const argv[], int tty, const char *cwd, int out[2], int err[2])
{
	if (cwd && chdir(cwd) < 0) {
		dprintf(err[1], "chdir %s: %s\n", cwd, strerror(errno));
		_exit(127);
	}
	if (tty < 0)
		setpgid(0, 0);
	else if (setsid() < 0 || ioctl(tty, TIOCSCTTY, 0) < 0 || dup2(tty, STDIN_FILENO) < 0) {
		dprintf(err[1], "the terminal as stdin: %s\n", strerror(errno));
		_exit(127);
	}
	dup2(out[1], STDOUT_FILENO);
	dup2(err[1], STDERR_FILENO);
	execvp(argv[0], (char *const *)argv);
	dprintf(STDERR_FILENO, "%s: %s\n", argv[0], strerror(errno));
	_exit(127);
}

/*
 * Runs @argv with its output in @o, on terminal @tty (-1: stdin inherited),
 * in directory @cwd (NULL: ours); its process group is killed if it
 * outlives the deadline.
 */
static int spawn_on(const char *const argv[], int tty, const char *cwd, struct nslab_rt_output *o)
{
	int out[2], err[2], status, timed_out, fork_err;
	pid_t pid;

	memset(o, 0, sizeof(*o));
	o->status = -1;
	if (pipe2(out, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(err, O_CLOEXEC) < 0) {
		close(out[0]);
		close(out[1]);
		return -errno;
	}
	pid = fork();
	if (pid == 0)
		child_exec(argv, tty, cwd, out, err);
	fork_err = errno;
	close(out[1]);
	close(err[1]);
	timed_out = pid > 0 ? collect(out[0], err[0], o) : 0;
	close(out[0]);
	close(err[0]);
	if (pid < 0)
		return -fork_err;
	if (timed_out)
		kill(-pid, SIGKILL);
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	o->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return timed_out;
}

static int spawn(const char *const argv[], struct nslab_rt_output *o)
{
	return spawn_on(argv, -1, NULL, o);
}

/* Appends @args (NULL-terminated) to @argv at *@n; false when they do not fit. */
static bool append(const char *argv[], size_t *n, const char *const args[])
{
	for (size_t i = 0; args[i]; i++) {
		if (*n + 1 >= MAX_ARGS)
			return false;
		argv[(*n)++] = args[i];
	}
	argv[*n] = NULL;
	return true;
}

/* The --ns list of @mask, as nslab and the OCI names take it. */
static void ns_list(unsigned mask, char *buf, size_t size)
{
	size_t len = 0;

	buf[0] = '\0';
	for (int t = 0; t < NSLAB_NS_COUNT; t++)
		if (mask & NSLAB_NS_BIT(t))
			len += snprintf(buf + len, size - len, "%s%s", len ? "," : "",
					nslab_ns_types[t].name);
}

/* ---- a check's limits, in each runtime's form ---- */

/* Where the host swaps, a memory limit alone would let the probe swap instead of being killed. */
static bool host_swaps(void)
{
	char line[256];
	FILE *f = fopen("/proc/swaps", "re");
	int lines = 0;

	while (f && fgets(line, sizeof(line), f))
		lines++;
	if (f)
		fclose(f);
	return lines > 1;	/* the first line is the header */
}

/*
 * @lim as run options, appended to @argv at *@n; their values live in @buf.
 * nslab and the engines agree on --memory and --memory-swap; the pids
 * limit's option is @pids_flag (nslab's --pids, the engines' --pids-limit).
 */
static void limit_flags(const struct nslab_rt_limits *lim, const char *pids_flag,
			const char *argv[], size_t *n, char buf[2][24])
{
	if (!lim)
		return;
	snprintf(buf[0], sizeof(buf[0]), "%um", lim->memory_mib);
	snprintf(buf[1], sizeof(buf[1]), "%u", lim->pids);
	if (lim->memory_mib) {
		argv[(*n)++] = "--memory";
		argv[(*n)++] = buf[0];
	}
	if (lim->memory_mib && host_swaps()) {
		argv[(*n)++] = "--memory-swap";
		argv[(*n)++] = buf[0];
	}
	if (lim->pids) {
		argv[(*n)++] = pids_flag;
		argv[(*n)++] = buf[1];
	}
}

/* @lim as an OCI bundle's linux.resources. */
static json_object *oci_resources(const struct nslab_rt_limits *lim)
{
	json_object *res = json_object_new_object(), *mem, *pids;
	long long bytes = (long long)lim->memory_mib << 20;

	if (lim->memory_mib) {
		mem = json_object_new_object();
		json_object_object_add(mem, "limit", json_object_new_int64(bytes));
		if (host_swaps())
			json_object_object_add(mem, "swap", json_object_new_int64(bytes));
		json_object_object_add(res, "memory", mem);
	}
	if (lim->pids) {
		pids = json_object_new_object();
		json_object_object_add(pids, "limit", json_object_new_int64(lim->pids));
		json_object_object_add(res, "pids", pids);
	}
	return res;
}

/* ---- the adapters ---- */

/* Without a mount namespace nslab runs the command in the host's tree: the probe by its path there. */
static int probe_nslab(const struct nslab_runtime *rt, const struct nslab_rt_limits *lim, int tty,
		       const char *const args[], struct nslab_rt_output *o)
{
	char list[96], probe[PATH_MAX + 32], limits[2][24];
	const char *argv[MAX_ARGS] = { rt->path, "run", "--ns", list };
	size_t n = 4;

	ns_list(rt->ns, list, sizeof(list));
	limit_flags(lim, "--pids", argv, &n, limits);
	snprintf(probe, sizeof(probe), "%s" PROBE_IN_ROOTFS,
		 rt->ns & NSLAB_NS_BIT(NSLAB_NS_MNT) ? "" : rt->rootfs);
	if (!append(argv, &n, (const char *const[]){ "--", probe, NULL }) || !append(argv, &n, args))
		return -E2BIG;
	return spawn_on(argv, tty, NULL, o);
}

/* bwrap always makes a mount namespace: the rootfs is bound read-only at /. */
static int probe_bwrap(const struct nslab_runtime *rt, int tty, const char *const args[],
		       struct nslab_rt_output *o)
{
	static const char *const flag[NSLAB_NS_COUNT] = {
		"--unshare-uts", "--unshare-ipc", "--unshare-pid", NULL, "--unshare-net",
		"--unshare-user", "--unshare-cgroup", NULL,
	};
	const char *argv[MAX_ARGS] = { rt->path, "--die-with-parent", "--ro-bind", rt->rootfs, "/",
				       "--proc", "/proc", "--dev", "/dev" };
	size_t n = 9;

	for (int t = 0; t < NSLAB_NS_COUNT; t++)
		if ((rt->ns & NSLAB_NS_BIT(t)) && flag[t])
			argv[n++] = flag[t];
	argv[n++] = "--";
	argv[n++] = PROBE_IN_ROOTFS;
	if (!append(argv, &n, args))
		return -E2BIG;
	return spawn_on(argv, tty, NULL, o);
}

/*
 * unshare has no root filesystem of its own: the probe runs from the host's
 * tree, and sees the host's /proc unless pid and mount namespaces are both
 * asked for (then --mount-proc).
 */
static int probe_unshare(const struct nslab_runtime *rt, int tty, const char *const args[],
			 struct nslab_rt_output *o)
{
	static const char *const flag[NSLAB_NS_COUNT] = {
		"--uts", "--ipc", "--pid", "--mount", "--net", "--user", "--cgroup", "--time",
	};
	const char *argv[MAX_ARGS] = { rt->path };
	char probe[PATH_MAX + 32];
	size_t n = 1;

	for (int t = 0; t < NSLAB_NS_COUNT; t++)
		if (rt->ns & NSLAB_NS_BIT(t))
			argv[n++] = flag[t];
	if (rt->ns & NSLAB_NS_BIT(NSLAB_NS_PID))
		argv[n++] = "--fork";
	/* Only with a mount namespace asked for: --mount-proc would make one unasked. */
	if ((rt->ns & NSLAB_NS_BIT(NSLAB_NS_PID)) && (rt->ns & NSLAB_NS_BIT(NSLAB_NS_MNT)))
		argv[n++] = "--mount-proc";
	if (rt->ns & NSLAB_NS_BIT(NSLAB_NS_USER))
		argv[n++] = "--map-root-user";
	snprintf(probe, sizeof(probe), "%s" PROBE_IN_ROOTFS, rt->rootfs);
	argv[n++] = probe;
	if (!append(argv, &n, args))
		return -E2BIG;
	return spawn_on(argv, tty, NULL, o);
}

/* The OCI names of the namespace types, as linux.namespaces spells them. */
static const char *const oci_ns[NSLAB_NS_COUNT] = {
	"uts", "ipc", "pid", "mount", "network", "user", "cgroup", "time",
};

static json_object *oci_namespaces(unsigned mask)
{
	json_object *a = json_object_new_array();

	for (int t = 0; t < NSLAB_NS_COUNT; t++)
		if (mask & NSLAB_NS_BIT(t)) {
			json_object *n = json_object_new_object();

			json_object_object_add(n, "type", json_object_new_string(oci_ns[t]));
			json_object_array_add(a, n);
		}
	return a;
}

/*
 * nslab spec's document, with the rootfs read-only (it is shared), the
 * probe as the process, and only the namespaces asked for: without a user
 * or uts namespace the mappings or the hostname could not be honoured.
 * Like runc spec's, the document has no seccomp profile: Docker writes its
 * default one into the bundles it hands the runtime, and so does the checker.
 */
static json_object *oci_config(const struct nslab_runtime *rt, const struct nslab_rt_limits *lim,
				const char *const args[])
{
	json_object *doc = nslab_oci_default_config(false), *proc, *root, *lnx, *argv;

	if (!doc)
		return NULL;
	json_object_object_get_ex(doc, "process", &proc);
	json_object_object_get_ex(doc, "root", &root);
	json_object_object_get_ex(doc, "linux", &lnx);
	argv = json_object_new_array();
	json_object_array_add(argv, json_object_new_string(PROBE_IN_ROOTFS));
	for (size_t i = 0; args[i]; i++)
		json_object_array_add(argv, json_object_new_string(args[i]));
	json_object_object_add(proc, "args", argv);
	json_object_object_add(root, "path", json_object_new_string(rt->rootfs));
	json_object_object_add(root, "readonly", json_object_new_boolean(true));
	json_object_object_add(lnx, "namespaces", oci_namespaces(rt->ns));
	json_object_object_add(doc, "ociVersion", json_object_new_string(rt->oci_version));
	json_object_object_add(lnx, "seccomp", nslab_sc_profile_json(&nslab_sc_default, nslab_caps_default(),
								    nslab_sc_kernel()));
	if (!(rt->ns & NSLAB_NS_BIT(NSLAB_NS_USER))) {
		json_object_object_del(lnx, "uidMappings");
		json_object_object_del(lnx, "gidMappings");
	}
	if (!(rt->ns & NSLAB_NS_BIT(NSLAB_NS_UTS)))
		json_object_object_del(doc, "hostname");
	if (lim)
		json_object_object_add(lnx, "resources", oci_resources(lim));
	return doc;
}

static int write_bundle(const struct nslab_runtime *rt, const struct nslab_rt_limits *lim,
			const char *const args[], const char *dir)
{
	json_object *doc = oci_config(rt, lim, args);
	char path[PATH_MAX];
	const char *text;
	int ret;

	if (!doc)
		return -ENOMEM;
	text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY);
	snprintf(path, sizeof(path), "%s/config.json", dir);
	ret = nslab_write_atomic(path, text, strlen(text), 0600);
	json_object_put(doc);
	return ret;
}

/* `RUNTIME run --bundle DIR ID` on a bundle made for this one run, then its removal. */
static int probe_oci(const struct nslab_runtime *rt, const struct nslab_rt_limits *lim, int tty,
		     const char *const args[], struct nslab_rt_output *o)
{
	static unsigned serial;
	char dir[] = "/tmp/nslab-check-XXXXXX", id[64];
	struct nslab_rt_output gone;
	int ret;

	if (!mkdtemp(dir))
		return -errno;
	snprintf(id, sizeof(id), "nslab-check-%d-%u", (int)getpid(), serial++);
	ret = write_bundle(rt, lim, args, dir);
	if (ret == 0)
		ret = spawn_on((const char *const[]){ rt->path, "run", "--bundle", dir, id, NULL }, tty, NULL, o);
	spawn((const char *const[]){ rt->path, "delete", "--force", id, NULL }, &gone);
	nslab_rm_rf(dir);
	return ret;
}

/*
 * podman and docker, one adapter: their `run` flags agree for all it uses.
 * What differs is where the OCI runtime is named: a global option of
 * podman's, a `run` option of docker's.
 */
static bool engine_is_podman(const struct nslab_runtime *rt)
{
	return strncmp(rt->name, "podman", 6) == 0;
}

/* `ENGINE [--runtime OCI] run --rm [--runtime OCI]` into @argv at *@n. */
static void engine_run(const struct nslab_runtime *rt, const char *argv[], size_t *n)
{
	bool podman = engine_is_podman(rt);

	if (rt->engine_oci[0] && podman) {
		argv[(*n)++] = "--runtime";
		argv[(*n)++] = rt->engine_oci;
	}
	argv[(*n)++] = "run";
	argv[(*n)++] = "--rm";
	if (rt->engine_oci[0] && !podman) {
		argv[(*n)++] = "--runtime";
		argv[(*n)++] = rt->engine_oci;
	}
}

/*
 * The `run` flags of namespace set @ns: each type not asked for is the
 * host's.  uts and pid asked for take no flag (both engines make their own;
 * docker refuses "private" for them); the network is "none", so that the
 * host's network is not touched and lo alone shows inside.
 */
static void engine_ns_flags(unsigned ns, const char *argv[], size_t *n)
{
	static const struct {
		int type;
		const char *own, *host;
	} flag[] = {
		{ NSLAB_NS_UTS, NULL, "--uts=host" },
		{ NSLAB_NS_IPC, "--ipc=private", "--ipc=host" },
		{ NSLAB_NS_PID, NULL, "--pid=host" },
		{ NSLAB_NS_NET, "--network=none", "--network=host" },
		{ NSLAB_NS_CGROUP, "--cgroupns=private", "--cgroupns=host" },
	};

	for (size_t i = 0; i < N_ELEMENTS(flag); i++) {
		const char *f = ns & NSLAB_NS_BIT(flag[i].type) ? flag[i].own : flag[i].host;

		if (f)
			argv[(*n)++] = f;
	}
}

/* A directory of $TMPDIR's for one use, @dir of PATH_MAX; 0 or -errno. */
static int scratch_dir(char *dir)
{
	const char *tmp = getenv("TMPDIR");

	snprintf(dir, PATH_MAX, "%s/nslab-check-XXXXXX", tmp && *tmp ? tmp : "/tmp");
	return mkdtemp(dir) ? 0 : -errno;
}

/*
 * spawn_on() in a scratch directory, removed afterwards: conmon, podman's
 * monitor, writes a file "oom" into its working directory when the
 * container is OOM-killed (L9), which would land in the checker's.
 */
static int spawn_in_scratch(const char *const argv[], int tty, struct nslab_rt_output *o)
{
	char dir[PATH_MAX];
	int ret = scratch_dir(dir);

	if (ret)
		return ret;
	ret = spawn_on(argv, tty, dir, o);
	nslab_rm_rf(dir);
	return ret;
}

/*
 * `ENGINE run --rm` of the probe image, named so that a container the
 * engine left (it failed, or was killed at the deadline) can be removed.
 */
static int probe_engine(const struct nslab_runtime *rt, const struct nslab_rt_limits *lim, int tty,
			const char *const args[], struct nslab_rt_output *o)
{
	static unsigned serial;
	const char *argv[MAX_ARGS] = { rt->path };
	char name[64], limits[2][24];
	struct nslab_rt_output gone;
	size_t n = 1;
	int ret;

	snprintf(name, sizeof(name), "--name=nslab-check-%d-%u", (int)getpid(), serial++);
	engine_run(rt, argv, &n);
	argv[n++] = name;
	engine_ns_flags(rt->ns, argv, &n);
	limit_flags(lim, "--pids-limit", argv, &n, limits);
	/*
	 * podman's default nofile and nproc exceed what a checker without
	 * CAP_SYS_RESOURCE may set, and its runtime's setrlimit then fails.
	 */
	argv[n++] = "--ulimit=nofile=1024:1024";
	argv[n++] = "--ulimit=nproc=1024:1024";
	argv[n++] = rt->image;
	argv[n++] = PROBE_IN_ROOTFS;
	if (!append(argv, &n, args))
		return -E2BIG;
	ret = spawn_in_scratch(argv, tty, o);
	/* 125 and above: the engine's own failure, not the probe's. */
	if (ret || o->status >= 125)
		spawn((const char *const[]){ rt->path, "rm", "-f", name + strlen("--name="), NULL }, &gone);
	return ret;
}

int nslab_runtime_probe(const struct nslab_runtime *rt, const struct nslab_rt_limits *lim, int tty,
			const char *const args[], struct nslab_rt_output *o)
{
	if (rt->kind == NSLAB_RT_NSLAB_RUN)
		return probe_nslab(rt, lim, tty, args, o);
	if (rt->kind == NSLAB_RT_BWRAP)
		return probe_bwrap(rt, tty, args, o);
	if (rt->kind == NSLAB_RT_UNSHARE)
		return probe_unshare(rt, tty, args, o);
	if (rt->kind == NSLAB_RT_ENGINE)
		return probe_engine(rt, lim, tty, args, o);
	return probe_oci(rt, lim, tty, args, o);
}

int nslab_runtime_host_probe(const struct nslab_runtime *rt, int tty, const char *const args[],
			     struct nslab_rt_output *o)
{
	char probe[PATH_MAX + 32];
	const char *argv[MAX_ARGS] = { probe };
	size_t n = 1;

	snprintf(probe, sizeof(probe), "%s" PROBE_IN_ROOTFS, rt->rootfs);
	if (!append(argv, &n, args))
		return -E2BIG;
	return spawn_on(argv, tty, NULL, o);
}

/* @name as a path: itself when it holds a '/', else the first match in PATH (and the sbin dirs). */
static int find_binary(const char *name, char path[PATH_MAX])
{
	const char *dirs = getenv("PATH");
	char list[4096], *save = NULL;

	if (strchr(name, '/')) {
		snprintf(path, PATH_MAX, "%s", name);
		return access(path, X_OK) == 0 ? 0 : -errno;
	}
	snprintf(list, sizeof(list), "%s:/usr/sbin:/sbin", dirs ? dirs : "/usr/bin:/bin");
	for (char *d = strtok_r(list, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		snprintf(path, PATH_MAX, "%s/%s", d, name);
		if (access(path, X_OK) == 0)
			return 0;
	}
	return -ENOENT;
}

/*
 * The namespace types an OCI runtime's `features` lists (all when it has no
 * such command), and its newest runtime-spec version: older runtimes refuse
 * a config.json of a version they do not know (crun 1.8: "unknown version").
 */
static unsigned oci_features(struct nslab_runtime *rt)
{
	struct nslab_rt_output o;
	json_object *doc, *lnx, *list, *max;
	unsigned mask = 0;

	/* Without `features` (runtime-spec 1.1), the runtime is told 1.0.0, which all know. */
	snprintf(rt->oci_version, sizeof(rt->oci_version), "1.0.0");
	if (spawn((const char *const[]){ rt->path, "features", NULL }, &o) || o.status != 0)
		return NSLAB_NS_ALL;
	doc = json_tokener_parse(o.out);
	if (json_object_object_get_ex(doc, "ociVersionMax", &max))
		snprintf(rt->oci_version, sizeof(rt->oci_version), "%s", json_object_get_string(max));
	if (!json_object_object_get_ex(doc, "linux", &lnx) ||
	    !json_object_object_get_ex(lnx, "namespaces", &list)) {
		json_object_put(doc);
		return NSLAB_NS_ALL;
	}
	for (size_t i = 0; i < json_object_array_length(list); i++)
		for (int t = 0; t < NSLAB_NS_COUNT; t++)
			if (strcmp(json_object_get_string(json_object_array_get_idx(list, i)),
				   oci_ns[t]) == 0)
				mask |= NSLAB_NS_BIT(t);
	json_object_put(doc);
	return mask;
}

/* The last line of @text, trailing newlines dropped (in place). */
static const char *last_line(char *text)
{
	char *nl;

	for (size_t len = strlen(text); len && text[len - 1] == '\n'; len--)
		text[len - 1] = '\0';
	nl = strrchr(text, '\n');
	return nl ? nl + 1 : text;
}

/* The engine answers `info`: docker's client answers --version without its daemon. */
static int engine_alive(const struct nslab_runtime *rt, struct nslab_error *e)
{
	struct nslab_rt_output o;
	int ret = spawn((const char *const[]){ rt->path, "info", NULL }, &o);

	if (ret == 0 && o.status == 0)
		return 0;
	return nslab_fail_as(e, NSLAB_ERR_INPUT, EHOSTDOWN, "--runtime",
			     "%s is unavailable: '%s info' fails: %.120s", rt->name, rt->path,
			     last_line(o.err[0] ? o.err : o.out));
}

/* FNV-1a of the file @path's bytes. */
static int hash_file(const char *path, uint64_t *h)
{
	char buf[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	*h = NSLAB_SC_HASH_SEED;
	while ((n = nslab_read_all(fd, buf, sizeof(buf))) > 0)
		*h = nslab_sc_hash(*h, buf, n);
	close(fd);
	return n < 0 ? (int)n : 0;
}

/*
 * The rootfs as a tar at @tar, its image name in @rt->image: a hash of the
 * tar, made in name order with one mtime so that the same content gives the
 * same name and a changed rootfs another.
 */
static int engine_image_name(struct nslab_runtime *rt, const char *tar, struct nslab_error *e)
{
	struct nslab_rt_output o;
	uint64_t h = 0;
	int ret = spawn((const char *const[]){ "tar", "--sort=name", "--mtime=@0", "-C", rt->rootfs,
					       "-cf", tar, ".", NULL }, &o);

	if (ret || o.status != 0)
		return nslab_fail(e, ret ? -ret : EIO, "check", "tar of %s: %.120s", rt->rootfs,
				  last_line(o.err));
	ret = hash_file(tar, &h);
	if (ret)
		return nslab_fail(e, -ret, "check", "%s: %s", tar, strerror(-ret));
	snprintf(rt->image, sizeof(rt->image), "nslab-probe:%016llx", (unsigned long long)h);
	return 0;
}

/* `ENGINE import @tar @rt->image` unless the engine holds that image; 0 or -errno with @e. */
static int engine_import(const struct nslab_runtime *rt, const char *tar, struct nslab_error *e)
{
	struct nslab_rt_output o;
	int ret;

	if (spawn((const char *const[]){ rt->path, "image", "inspect", rt->image, NULL }, &o) == 0 &&
	    o.status == 0)
		return 0;
	ret = nslab_fault("check-image");
	if (ret == 0)
		ret = spawn((const char *const[]){ rt->path, "import", tar, rt->image, NULL }, &o);
	if (ret || o.status != 0)
		return nslab_fail_as(e, NSLAB_ERR_INPUT, ret ? ret : EIO, "--runtime",
				     "%s import %s: %.120s", rt->name, rt->image,
				     ret ? strerror(-ret) : last_line(o.err));
	return 0;
}

/*
 * The probe image, from a tar of the rootfs in a directory of $TMPDIR
 * removed afterwards.  Images of older rootfs are left, as a cache is: they
 * are the engine's (its `rmi` removes them), and another checker may use one.
 */
static int engine_image(struct nslab_runtime *rt, struct nslab_error *e)
{
	char dir[PATH_MAX], tar[PATH_MAX + 16];
	int ret = scratch_dir(dir);

	if (ret)
		return nslab_fail(e, -ret, "check", "mkdtemp %s: %s", dir, strerror(-ret));
	snprintf(tar, sizeof(tar), "%s/rootfs.tar", dir);
	ret = engine_image_name(rt, tar, e);
	if (ret == 0)
		ret = engine_import(rt, tar, e);
	nslab_rm_rf(dir);
	return ret;
}

/* What the runtime of @rt's kind can create, and why not the rest. */
static void runtime_abilities(struct nslab_runtime *rt)
{
	rt->can = NSLAB_NS_ALL;
	rt->always = 0;
	if (rt->kind == NSLAB_RT_BWRAP) {
		rt->can &= ~NSLAB_NS_BIT(NSLAB_NS_TIME);
		rt->always = NSLAB_NS_BIT(NSLAB_NS_MNT);
		snprintf(rt->cannot, sizeof(rt->cannot), "bwrap has no option for a time namespace");
		snprintf(rt->no_limits, sizeof(rt->no_limits), "bwrap sets no cgroup limits");
	} else if (rt->kind == NSLAB_RT_UNSHARE) {
		snprintf(rt->no_limits, sizeof(rt->no_limits), "unshare sets no cgroup limits");
	} else if (rt->kind == NSLAB_RT_OCI) {
		rt->can = oci_features(rt);
		snprintf(rt->cannot, sizeof(rt->cannot), "'%s features' does not list it", rt->name);
		/* nslab's bundles are pivoted into, as runc's: in a mount namespace of their own. */
		if (strcmp(rt->name, "nslab") == 0)
			rt->always = NSLAB_NS_BIT(NSLAB_NS_MNT);
	} else if (rt->kind == NSLAB_RT_ENGINE) {
		rt->can &= ~(NSLAB_NS_BIT(NSLAB_NS_USER) | NSLAB_NS_BIT(NSLAB_NS_TIME));
		rt->always = NSLAB_NS_BIT(NSLAB_NS_MNT);
		snprintf(rt->cannot, sizeof(rt->cannot),
			 "%.6s run has no option for a time namespace; its user namespace needs the "
			 "engine's id setup (subuids, userns-remap), which nslab check does not make",
			 rt->name);
		rt->daemon = !engine_is_podman(rt);
	}
}

/* The first line of --version; an engine's with its OCI runtime's after a comma. */
static void runtime_version(struct nslab_runtime *rt)
{
	struct nslab_rt_output o;
	size_t len;

	rt->version[0] = '\0';
	if (spawn((const char *const[]){ rt->path, "--version", NULL }, &o) == 0 && o.status == 0)
		sscanf(o.out, "%127[^\n]", rt->version);
	len = strlen(rt->version);
	if (rt->engine_oci[0] &&
	    spawn((const char *const[]){ rt->engine_oci, "--version", NULL }, &o) == 0 && o.status == 0)
		snprintf(rt->version + len, sizeof(rt->version) - len, ", %.*s",
			 (int)strcspn(o.out, "\n"), o.out);
}

/* "podman" or "docker", alone or as "ENGINE+OCI". */
static bool engine_named(const char *name)
{
	return (strncmp(name, "podman", 6) == 0 || strncmp(name, "docker", 6) == 0) &&
	       (name[6] == '\0' || name[6] == '+');
}

static enum nslab_rt_kind runtime_kind(const char *name)
{
	if (strcmp(name, "nslab-run") == 0)
		return NSLAB_RT_NSLAB_RUN;
	if (strcmp(name, "bwrap") == 0)
		return NSLAB_RT_BWRAP;
	if (strcmp(name, "unshare") == 0)
		return NSLAB_RT_UNSHARE;
	if (engine_named(name))
		return NSLAB_RT_ENGINE;
	return NSLAB_RT_OCI;
}

/* Whether @name is nslab itself: "nslab" or "nslab-run" alone is the running binary. */
static bool names_nslab(const char *name)
{
	return strcmp(name, "nslab") == 0 || strcmp(name, "nslab-run") == 0;
}

/* @name's binary: nslab's names alone are the running one, whatever PATH holds. */
static int runtime_path(struct nslab_runtime *rt, const char *name, struct nslab_error *e)
{
	const char *base = strrchr(name, '/');
	char bin[PATH_MAX], *plus;
	ssize_t n;
	int ret;

	snprintf(rt->name, sizeof(rt->name), "%s", base ? base + 1 : name);
	rt->kind = runtime_kind(rt->name);
	if (names_nslab(name)) {
		n = readlink("/proc/self/exe", rt->path, sizeof(rt->path) - 1);
		if (n < 0)
			return nslab_fail(e, errno, "check", "/proc/self/exe: %s", strerror(errno));
		rt->path[n] = '\0';
		return 0;
	}
	/* An engine's "+OCI" names the runtime it is to run, not its binary. */
	snprintf(bin, sizeof(bin), "%s", name);
	plus = strrchr(bin, '+');
	if (rt->kind == NSLAB_RT_ENGINE && strchr(rt->name, '+')) {
		*plus = '\0';
		snprintf(rt->engine_oci, sizeof(rt->engine_oci), "%s", plus + 1);
	}
	ret = find_binary(bin, rt->path);
	if (ret)
		return nslab_fail_as(e, NSLAB_ERR_INPUT, ret, "--runtime", "'%s': %s", name,
				     strerror(-ret));
	return 0;
}

int nslab_runtime_open(struct nslab_runtime *rt, const char *name, const char *ns_list,
		       const char *rootfs, struct nslab_error *e)
{
	char probe[PATH_MAX + 32];
	const char *bad = NULL;
	unsigned mask = NSLAB_NS_ALL;

	memset(rt, 0, sizeof(*rt));
	if (ns_list && nslab_ns_parse_list(ns_list, &mask, &bad))
		return nslab_bad_input(e, "--ns", "unknown namespace type '%s'", bad ? bad : ns_list);
	snprintf(rt->rootfs, sizeof(rt->rootfs), "%s", rootfs);
	snprintf(probe, sizeof(probe), "%s" PROBE_IN_ROOTFS, rt->rootfs);
	if (access(probe, X_OK) < 0)
		return nslab_fail_as(e, NSLAB_ERR_INPUT, errno, "--rootfs", "%s: %s", probe,
				     strerror(errno));
	if (runtime_path(rt, name, e))
		return -e->err;
	runtime_version(rt);
	runtime_abilities(rt);
	rt->ns = (mask & rt->can) | rt->always;
	if (rt->kind == NSLAB_RT_ENGINE && (engine_alive(rt, e) || engine_image(rt, e)))
		return -e->err;
	return 0;
}
