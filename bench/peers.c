// SPDX-License-Identifier: GPL-2.0
/*
 * --compare: a whole container start (all namespaces, --rootfs, /bin/true)
 * with nslab and each installed peer, runc and crun from an OCI bundle.
 */
#include "bench_int.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>

#define PEER_ARGS 16

struct peer {
	const char *name;
	char *argv[PEER_ARGS];
	bool oci;			/* argv ends with the container id, made per run */
	bool avail;
	char note[160];
	double *v;
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
 * Runs @argv to completion with stdout discarded; *ns is fork to reap and
 * *rss_kb the peak RSS of the whole tree it reaped.  On failure @why gets
 * the status and the first line of its stderr.
 */
static int run_peer(char *const *argv, double *ns, long *rss_kb, char *why, size_t len)
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
		execv(argv[0], argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
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

void run_compare(const struct opts *o, struct rows *rows)
{
	size_t rounds = o->quick ? 3 : o->samples ? (size_t)o->samples : 20;
	struct peer peers[] = {
		{ .name = "nslab" }, { .name = "unshare" }, { .name = "bwrap" },
		{ .name = "runc", .oci = true }, { .name = "crun", .oci = true },
	};
	size_t np = N_ELEMENTS(peers), i, k;
	char buf[PATH_MAX], truebin[PATH_MAX], bundle[64] = "", id[48];
	const char *nslab = o->nslab ? o->nslab : getenv("NSLAB");
	double nslab_p50 = -1;

	snprintf(truebin, sizeof(truebin), "%s/bin/true", o->rootfs);
	if (access(truebin, X_OK))
		usage_error("--compare", "no executable %s (make rootfs, or --rootfs DIR)", truebin);
	nslab = nslab ? nslab : "build/nslab";
	for (i = 0; i < np; i++) {
		struct peer *p = &peers[i];
		const char *prog = i == 0 ? nslab : p->name;

		if (!find_prog(prog, buf, sizeof(buf))) {
			snprintf(p->note, sizeof(p->note), "unavailable: %s not installed", prog);
			continue;
		}
		if (i == 0)
			peer_args(p, buf, "run", "--rootfs", o->rootfs, "--", "/bin/true", NULL);
		else if (i == 1)
			peer_args(p, buf, "-fpmuniCT", "--mount-proc", "-R", o->rootfs, "/bin/true", NULL);
		else if (i == 2)
			peer_args(p, buf, "--unshare-all", "--bind", o->rootfs, "/", "--proc", "/proc",
				  "--dev", "/dev", "/bin/true", NULL);
		else if (bundle[0] || oci_bundle(o->rootfs, bundle, sizeof(bundle)) == 0)
			peer_args(p, buf, "run", "--bundle", bundle, "", NULL);
		else
			die("OCI bundle");
		p->avail = true;
		p->v = calloc(rounds, sizeof(*p->v));
		if (!p->v)
			die("calloc");
	}
	/* Warm-up, which also tells who cannot run here and why; then A B A B to cancel drift. */
	settle(o);
	for (k = 0; k <= rounds; k++)
		for (i = 0; i < np; i++) {
			struct peer *p = &peers[i];
			double ns;
			long rss;

			if (!p->avail)
				continue;
			if (p->oci) {
				free(p->argv[4]);
				snprintf(id, sizeof(id), "nsbench-%d-%zu", getpid(), k);
				p->argv[4] = strdup(id);
			}
			if (run_peer(p->argv, &ns, &rss, buf, sizeof(buf))) {
				p->avail = false;
				snprintf(p->note, sizeof(p->note), "unavailable: %s", buf);
				p->n = 0;
				continue;
			}
			if (k == 0)
				continue;
			p->v[p->n++] = ns;
			p->rss_kb = rss > p->rss_kb ? rss : p->rss_kb;
		}
	for (i = 0; i < np; i++) {
		struct peer *p = &peers[i];
		struct nsb_row *r = add_row(rows, NSB_K_PEER, "run", p->name, -1);

		snprintf(r->note, sizeof(r->note), "%s", p->note);
		/* A missing peer is a fact about the host; nslab failing is a result. */
		if (i == 0 && !p->n)
			r->failed = rows->failed = true;
		if (p->n) {
			nsb_stats_compute(p->v, p->n, &r->st);
			r->rss_kb = p->rss_kb;
			if (i == 0)
				nslab_p50 = r->st.p50;
			if (nslab_p50 > 0)
				r->ratio = r->st.p50 / nslab_p50;
		}
		for (k = 0; p->argv[k]; k++)
			free(p->argv[k]);
		free(p->v);
	}
	if (bundle[0])
		oci_bundle_remove(bundle);
}
