// SPDX-License-Identifier: GPL-2.0
/*
 * --compare: a whole container start (all namespaces, --rootfs, /bin/true)
 * with nslab and each installed peer, runc and crun from an OCI bundle.
 */
#include "bench_int.h"
#include "json.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>

#define PEER_ARGS 16
/* Parallel creators of the starts/s row: issue 18's target is at 8 on 2 vCPUs. */
#define CREATORS 8

/* The figures issue 18 sets for a start: @who's p50 over @peer's, at most @max. */
struct target_ratio {
	const char *who, *peer;
	bool cpu;		/* CPU time, not wall */
	double max;
};

static const struct target_ratio targets[] = {
	{ "nslab", "bwrap", false, 0.7 }, { "nslab", "runc", false, 0.1 },
	{ "nslab-bundle", "runc", false, 0.1 }, { "nslab", "unshare", true, 1.3 },
};

struct peer {
	const char *name;
	char *argv[PEER_ARGS];
	int id_arg;			/* argv[id_arg] is the container id, made per run; 0: none */
	bool avail;
	char note[160];
	double *v, *cpu;
	size_t n;
	long rss_kb;
};

/* @prog's path from $PATH (or @prog itself if it has a slash), or NULL. */
char *find_prog(const char *prog, char *buf, size_t len)
{
	const char *path = getenv("PATH");
	const char *p, *end;

	if (strchr(prog, '/'))
		return access(prog, X_OK) || snprintf(buf, len, "%s", prog) >= (int)len ? NULL : buf;
	for (p = path ? path : "/usr/sbin:/usr/bin:/sbin:/bin"; *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, ':');
		snprintf(buf, len, "%.*s/%s", (int)(end - p), p, prog);
		if (access(buf, X_OK) == 0)
			return buf;
	}
	return NULL;
}

/*
 * In the forked child: execs @argv under a subreaper of its own, which
 * waits for every process of the tree and exits as @argv's first process
 * did.  A peer that does not wait for its own children (bwrap's outer
 * process leaves on its init's word, not its exit) then has all of them
 * counted in the rusage of the one process nsbench reaps.
 */
static __attribute__((noreturn)) void reap_tree(char *const *argv)
{
	int status = 0, st;
	pid_t pid, w;

	prctl(PR_SET_CHILD_SUBREAPER, 1);
	pid = clone3_flags(0);
	if (pid == 0) {
		execv(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (pid < 0)
		_exit(126);
	while ((w = wait(&st)) > 0 || (w < 0 && errno == EINTR))
		if (w == pid)
			status = st;
	if (WIFSIGNALED(status)) {
		signal(WTERMSIG(status), SIG_DFL);
		raise(WTERMSIG(status));
	}
	_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 126);
}

/*
 * Runs @argv to completion with stdout discarded; *ns is fork to the reap
 * of its last process, *cpu_ns the user + system time and *rss_kb the peak
 * RSS of the whole tree (reap_tree; what the kernel does afterwards, a
 * netns freed on a workqueue, is in neither).  On failure @why gets the
 * status and the first line of its stderr.
 */
static int run_peer(char *const *argv, double *ns, double *cpu_ns, long *rss_kb, char *why,
		    size_t len)
{
	char err[512];
	struct rusage ru;
	size_t have = 0;
	uint64_t t0;
	ssize_t got;
	int pfd[2], status;
	pid_t pid;

	if (pipe(pfd))
		die("pipe");
	t0 = now_ns();
	pid = clone3_flags(0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(pfd[1], 2);
		close(pfd[0]);
		reap_tree(argv);
	}
	if (pid < 0)
		die("clone3 (peer)");
	close(pfd[1]);
	while ((got = read(pfd[0], err + have, sizeof(err) - 1 - have)) > 0 ||
	       (got < 0 && errno == EINTR))
		have += got > 0 ? (size_t)got : 0;
	close(pfd[0]);
	err[have] = 0;
	while (wait4(pid, &status, 0, &ru) < 0)
		if (errno != EINTR)
			die("wait4");
	*ns = (double)(now_ns() - t0);
	*rss_kb = ru.ru_maxrss;
	*cpu_ns = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * NS_PER_S +
		  (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000.0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	err[strcspn(err, "\n")] = 0;
	if (WIFEXITED(status))
		snprintf(why, len, "exit %d: %s", WEXITSTATUS(status), err);
	else
		snprintf(why, len, "killed by signal %d: %s", WTERMSIG(status), err);
	return -1;
}

/* An OCI bundle of the same rootfs and command for runc and crun; its dir into @dir. */
static int oci_bundle(const char *rootfs, char *dir, size_t len)
{
	char path[PATH_MAX], root[PATH_MAX];
	FILE *f;

	snprintf(dir, len, "/tmp/nsbench-oci.XXXXXX");
	if (!realpath(rootfs, root) || !mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/config.json", dir);
	f = fopen(path, "w");
	if (!f)
		return -1;
	/* No user namespace: the rootfs belongs to host root, as nslab's overlay lower does. */
	fprintf(f, "{\"ociVersion\": \"1.0.2\",\n"
		" \"process\": {\"terminal\": false, \"user\": {\"uid\": 0, \"gid\": 0},\n"
		"  \"args\": [\"/bin/true\"], \"env\": [\"PATH=/bin:/sbin:/usr/bin:/usr/sbin\"],\n"
		"  \"cwd\": \"/\", \"noNewPrivileges\": true},\n"
		" \"root\": {\"path\": \"%s\", \"readonly\": true},\n"
		" \"hostname\": \"nsbench\",\n"
		" \"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},\n"
		"  {\"destination\": \"/dev\", \"type\": \"tmpfs\", \"source\": \"tmpfs\",\n"
		"   \"options\": [\"nosuid\", \"mode=755\", \"size=65536k\"]}],\n"
		" \"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"network\"},\n"
		"  {\"type\": \"ipc\"}, {\"type\": \"uts\"}, {\"type\": \"mount\"},\n"
		"  {\"type\": \"cgroup\"}]}}\n", root);
	return fclose(f) ? -1 : 0;
}

static void oci_bundle_remove(const char *dir)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/config.json", dir);
	unlink(path);
	rmdir(dir);
}

/*
 * nslab's own bundle for `nslab run --bundle`: `nslab spec` (its defaults)
 * with /bin/true for args and @rootfs for root.path.
 */
static int nslab_bundle(const char *nslab, const char *rootfs, char *dir, size_t len)
{
	char *spec[] = { (char *)nslab, "spec", "--bundle", dir, NULL };
	char path[PATH_MAX], root[PATH_MAX], why[256];
	json_object *doc, *process, *rootobj, *args;
	double ns, cpu;
	long rss;
	int ret;

	snprintf(dir, len, "/tmp/nsbench-nslab.XXXXXX");
	if (!realpath(rootfs, root) || !mkdtemp(dir))
		return -1;
	if (run_peer(spec, &ns, &cpu, &rss, why, sizeof(why)))
		return -1;
	snprintf(path, sizeof(path), "%s/config.json", dir);
	doc = json_object_from_file(path);
	if (!doc || !json_object_object_get_ex(doc, "process", &process) ||
	    !json_object_object_get_ex(doc, "root", &rootobj)) {
		json_object_put(doc);
		return -1;
	}
	args = json_object_new_array();
	json_object_array_add(args, json_object_new_string("/bin/true"));
	json_object_object_add(process, "args", args);
	json_object_object_add(rootobj, "path", json_object_new_string(root));
	ret = json_object_to_file(path, doc);
	json_object_put(doc);
	return ret;
}

static void peer_args(struct peer *p, const char *prog, ...)
{
	const char *a;
	va_list ap;
	int i = 0;

	p->argv[i++] = strdup(prog);
	va_start(ap, prog);
	while ((a = va_arg(ap, const char *)) && i < PEER_ARGS - 1)
		p->argv[i++] = strdup(a);
	va_end(ap);
	p->argv[i] = NULL;
}

/* The bundles the OCI peers run: [0] runc's and crun's, [1] nslab's; "" until made. */
struct bundles {
	char oci[64], nslab[64];
};

/* @p's command line (program found as @prog), false if it is not installed. */
static bool peer_setup(struct peer *p, const char *prog, const struct opts *o,
		       struct bundles *b)
{
	char buf[PATH_MAX];

	if (!find_prog(prog, buf, sizeof(buf))) {
		snprintf(p->note, sizeof(p->note), "unavailable: %s not installed", prog);
		return false;
	}
	if (!strcmp(p->name, "nslab")) {
		peer_args(p, buf, "run", "--rootfs", o->rootfs, "--", "/bin/true", NULL);
	} else if (!strcmp(p->name, "nslab-bundle")) {
		if (!b->nslab[0] && nslab_bundle(buf, o->rootfs, b->nslab, sizeof(b->nslab))) {
			snprintf(p->note, sizeof(p->note), "unavailable: nslab spec --bundle %s failed",
				 b->nslab);
			return false;
		}
		peer_args(p, buf, "run", "--bundle", b->nslab, "", NULL);
	} else if (!strcmp(p->name, "unshare")) {
		peer_args(p, buf, "-fpmuniCT", "--mount-proc", "-R", o->rootfs, "/bin/true", NULL);
	} else if (!strcmp(p->name, "bwrap")) {
		peer_args(p, buf, "--unshare-all", "--bind", o->rootfs, "/", "--proc", "/proc",
			  "--dev", "/dev", "/bin/true", NULL);
	} else {
		if (!b->oci[0] && oci_bundle(o->rootfs, b->oci, sizeof(b->oci)))
			die("OCI bundle");
		peer_args(p, buf, "run", "--bundle", b->oci, "", NULL);
	}
	p->id_arg = p->argv[4] && !p->argv[4][0] ? 4 : 0;
	return true;
}

/* Round @k of @p (0: the warm-up, not kept); a failure makes @p unavailable. */
static void peer_round(struct peer *p, size_t k)
{
	char why[256], id[48];
	double ns, cpu;
	long rss;

	if (p->id_arg) {
		snprintf(id, sizeof(id), "nsbench-%d-%zu", getpid(), k);
		free(p->argv[p->id_arg]);
		p->argv[p->id_arg] = strdup(id);
	}
	if (run_peer(p->argv, &ns, &cpu, &rss, why, sizeof(why))) {
		p->avail = false;
		snprintf(p->note, sizeof(p->note), "unavailable: %s", why);
		p->n = 0;
		return;
	}
	if (k == 0)
		return;
	p->v[p->n] = ns;
	p->cpu[p->n++] = cpu;
	p->rss_kb = rss > p->rss_kb ? rss : p->rss_kb;
}

/* The peer row of @name among @n rows from @r, or NULL (not measured). */
static struct nsb_row *peer_find(struct nsb_row *r, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(r[i].what, name))
			return r[i].st.n ? &r[i] : NULL;
	return NULL;
}

/*
 * Issue 18's targets met or missed, each as the note of its peer's row
 * (nslab's own rows keep theirs: @who's row when it is not nslab).
 */
static void target_notes(struct nsb_row *r, size_t n)
{
	for (size_t i = 0; i < N_ELEMENTS(targets); i++) {
		const struct target_ratio *t = &targets[i];
		struct nsb_row *who = peer_find(r, n, t->who), *peer = peer_find(r, n, t->peer);
		struct nsb_row *at = strcmp(t->who, "nslab") ? who : peer;
		double ratio;

		if (!who || !peer || (t->cpu && (who->cpu_ns <= 0 || peer->cpu_ns <= 0)))
			continue;
		ratio = t->cpu ? who->cpu_ns / peer->cpu_ns : who->st.p50 / peer->st.p50;
		snprintf(at->note, sizeof(at->note), "target: %s %s <= %.1fx %s: %.2fx, %s", t->who,
			 t->cpu ? "CPU" : "wall p50", t->max, t->peer, ratio,
			 ratio <= t->max ? "met" : "missed");
	}
}

/* @p's row, its ratios to nslab's row @base (NULL while that is being made). */
static void peer_row(struct peer *p, struct rows *rows, const struct nsb_row *base)
{
	struct nsb_row *r = add_row(rows, NSB_K_PEER, "run", p->name, -1);
	struct nsb_stats cpu;

	snprintf(r->note, sizeof(r->note), "%s", p->note);
	/* A missing peer is a fact about the host; nslab failing is a result. */
	if (!strncmp(p->name, "nslab", 5) && !p->n)
		r->failed = rows->failed = true;
	if (p->n) {
		r->drift = nsb_drift(p->v, p->n);
		nsb_stats_compute(p->v, p->n, &r->st);
		nsb_stats_compute(p->cpu, p->n, &cpu);
		r->cpu_ns = cpu.p50;
		r->rss_kb = p->rss_kb;
		base = base ? base : r;
		if (base->st.n) {
			r->ratio = r->st.p50 / base->st.p50;
			r->cpu_ratio = base->cpu_ns > 0 ? r->cpu_ns / base->cpu_ns : -1;
		}
	}
}

/* What each parallel creator writes back: its starts' wall times. */
#define CREATOR_CAP 4096
struct creator {
	size_t n;
	bool err;
	char why[160];
	double v[CREATOR_CAP];
};

/*
 * @workers processes start containers (@argv) back to back for @seconds,
 * released together.  Every start's wall time into @r's stats, the starts
 * per second of them all into its tput; -1 on the first failure (@why).
 */
static int parallel_starts(char *const *argv, long workers, double seconds, struct nsb_row *r,
			   char *why, size_t len)
{
	size_t size = sizeof(struct creator) * (size_t)workers, total = 0;
	struct creator *sh = map_shared(size);
	uint64_t t0 = now_ns(), end = t0 + (uint64_t)(seconds * NS_PER_S);
	double ns, cpu, *all;
	long i, rss;
	pid_t pid;

	for (i = 0; i < workers; i++) {
		pid = clone3_flags(0);
		if (pid == 0) {
			struct creator *c = &sh[i];

			while (now_ns() < end && !c->err && c->n < CREATOR_CAP) {
				c->err = run_peer(argv, &ns, &cpu, &rss, c->why, sizeof(c->why)) != 0;
				if (!c->err)
					c->v[c->n++] = ns;
			}
			_exit(0);
		}
		if (pid < 0)
			die("clone3 (creator)");
	}
	for (i = 0; i < workers; i++)
		if (reap(-1, NULL))
			die("wait (creator)");
	ns = (double)(now_ns() - t0);
	all = malloc(sizeof(double) * CREATOR_CAP * (size_t)workers);
	if (!all)
		die("malloc");
	for (i = 0; i < workers; i++) {
		memcpy(all + total, sh[i].v, sh[i].n * sizeof(double));
		total += sh[i].n;
		if (sh[i].err)
			snprintf(why, len, "%s", sh[i].why);
	}
	nsb_stats_compute(all, total, &r->st);
	r->tput = (double)total * NS_PER_S / ns;
	free(all);
	munmap(sh, size);
	return why[0] ? -1 : 0;
}

/* The starts/s of CREATORS parallel `nslab run`s (@nslab): a scaling row of op "nslab-run". */
static void run_starts(const struct opts *o, const struct peer *nslab, struct rows *rows)
{
	struct nsb_row *r = add_row(rows, NSB_K_SCALING, "nslab-run", "all", CREATORS);
	char why[160] = "";

	if (!nslab->avail) {
		snprintf(r->note, sizeof(r->note), "%s", nslab->note);
		r->failed = rows->failed = true;
		return;
	}
	settle(o);
	if (parallel_starts(nslab->argv, CREATORS, o->quick ? 0.5 : 3 * o->time, r, why,
			    sizeof(why))) {
		snprintf(r->note, sizeof(r->note), "error: %s", why);
		r->failed = rows->failed = true;
	} else {
		snprintf(r->note, sizeof(r->note), "target: >= 400 starts/s with %d creators: %s",
			 CREATORS, r->tput >= 400 ? "met" : "missed");
	}
}

void run_compare(const struct opts *o, struct rows *rows)
{
	size_t rounds = o->quick ? 3 : o->samples ? (size_t)o->samples : 20;
	struct peer peers[] = {
		{ .name = "nslab" }, { .name = "nslab-bundle" }, { .name = "unshare" },
		{ .name = "bwrap" }, { .name = "runc" }, { .name = "crun" },
	};
	const char *nslab = o->nslab ? o->nslab : getenv("NSLAB");
	size_t np = N_ELEMENTS(peers), i, k, base;
	struct bundles b = { "", "" };
	char truebin[PATH_MAX];

	snprintf(truebin, sizeof(truebin), "%s/bin/true", o->rootfs);
	if (access(truebin, X_OK))
		usage_error("--compare", "no executable %s (make rootfs, or --rootfs DIR)", truebin);
	nslab = nslab ? nslab : "build/nslab";
	for (i = 0; i < np; i++) {
		struct peer *p = &peers[i];

		p->avail = peer_setup(p, strncmp(p->name, "nslab", 5) ? p->name : nslab, o, &b);
		p->v = calloc(rounds, sizeof(*p->v));
		p->cpu = calloc(rounds, sizeof(*p->cpu));
		if (!p->v || !p->cpu)
			die("calloc");
	}
	/* Warm-up, which also tells who cannot run here and why; then A B A B to cancel drift. */
	settle(o);
	for (k = 0; k <= rounds; k++)
		for (i = 0; i < np; i++)
			if (peers[i].avail)
				peer_round(&peers[i], k);
	base = rows->n;
	peer_row(&peers[0], rows, NULL);
	for (i = 1; i < np; i++)
		peer_row(&peers[i], rows, &rows->v[base]);
	target_notes(rows->v + base, np);
	run_starts(o, &peers[0], rows);
	for (i = 0; i < np; i++) {
		for (k = 0; peers[i].argv[k]; k++)
			free(peers[i].argv[k]);
		free(peers[i].v);
		free(peers[i].cpu);
	}
	if (b.oci[0])
		oci_bundle_remove(b.oci);
	if (b.nslab[0])
		oci_bundle_remove(b.nslab);
}
