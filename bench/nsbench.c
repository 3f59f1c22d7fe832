// SPDX-License-Identifier: GPL-2.0
/*
 * nsbench: what each namespace operation costs, how it scales with parallel
 * creators and with what already exists, what the kernel says it spent
 * (nscount), and how a whole nslab container start compares with its peers.
 * See `nsbench --help` and DESIGN.md.
 */
#include "nsbench.h"
#include "counters.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/sched.h>

#define NS_PER_S 1000000000.0
/* Time-based cells stop here even if time is left: 2 MiB of samples. */
#define CELL_CAP (1u << 18)
#define SCALE_CAP (1u << 16)

static const uint64_t type_flags[NSB_NTYPES] = {
	[NSB_UTS] = CLONE_NEWUTS, [NSB_IPC] = CLONE_NEWIPC, [NSB_PID] = CLONE_NEWPID,
	[NSB_MNT] = CLONE_NEWNS, [NSB_NET] = CLONE_NEWNET, [NSB_USER] = CLONE_NEWUSER,
	[NSB_CGROUP] = CLONE_NEWCGROUP, [NSB_TIME] = CLONE_NEWTIME,
	[NSB_ALL] = CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET |
		    CLONE_NEWUSER | CLONE_NEWCGROUP | CLONE_NEWTIME,
	[NSB_NONE] = 0,
};

enum fmt { FMT_TABLE, FMT_JSON, FMT_CSV };

struct opts {
	unsigned types, ops;
	bool ops_given;
	long samples;			/* 0: as many as fit in @time */
	double time;			/* seconds per cell */
	long cpu;			/* -1: not pinned */
	long workers[NSB_MAX_LIST];
	size_t nworkers;
	unsigned pop_types;		/* 1 << NSB_MNT, 1 << NSB_NET */
	bool matrix, compare, quick;
	enum fmt fmt;
	const char *plot, *nslab, *rootfs, *report;
};

/* The namespaces setns and pidfd enter: one holder process, kept paused. */
struct target {
	pid_t holder;
	int fd[NSB_ALL];
	int pidfd;
	int self_uts;			/* baseline: setns into the uts ns we are in */
	int self_pidfd;
};

struct cell {
	enum nsb_op op;
	enum nsb_type type;
	const struct target *tg;
};

/*
 * A page shared with the children a sample forks: the child writes its
 * timestamp or measured span there.  Each scaling worker maps its own.
 */
struct slot {
	volatile uint64_t ns;
	volatile int err;
};

static struct slot *slot;

struct rows {
	struct nsb_row *v;
	size_t n, cap;
	bool failed;
};

static __attribute__((format(printf, 2, 3), noreturn)) void usage_error(const char *what,
									   const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "nsbench: %s: ", what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static __attribute__((noreturn)) void die(const char *what)
{
	fprintf(stderr, "nsbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* clone3 without CLONE_VM: returns twice like fork, and takes CLONE_NEWTIME. */
static pid_t clone3_flags(uint64_t flags)
{
	struct clone_args args = { .flags = flags, .exit_signal = SIGCHLD };

	return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}

/* 0 if @pid exited 0, else an errno-like code (ECHILD for a bad exit). */
static int reap(pid_t pid, struct rusage *ru)
{
	int status;

	while (wait4(pid, &status, 0, ru) < 0)
		if (errno != EINTR)
			return errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : ECHILD;
}

static void *map_shared(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

static struct nsb_row *add_row(struct rows *rows, enum nsb_kind kind, const char *op,
			       const char *what, long param)
{
	if (rows->n == rows->cap) {
		rows->cap = rows->cap ? 2 * rows->cap : 64;
		rows->v = realloc(rows->v, rows->cap * sizeof(*rows->v));
		if (!rows->v)
			die("realloc");
	}
	nsb_row_init(&rows->v[rows->n], kind, op, what, param);
	return &rows->v[rows->n++];
}

/* An errno as a row's note: unprivileged EPERM is expected, anything else is a failure. */
static void row_error(struct rows *rows, struct nsb_row *r, int err)
{
	if (err == EPERM && geteuid()) {
		snprintf(r->note, sizeof(r->note), "EPERM: needs root");
		return;
	}
	snprintf(r->note, sizeof(r->note), "error: %s", strerror(err));
	r->failed = rows->failed = true;
}

/* --- one sample of each op ----------------------------------------------- */

/* Runs in the worker: the syscall alone between two clock reads. */
static void worker_body(const struct cell *c)
{
	uint64_t t0, t1;
	int ret = 0;
	int t;

	t0 = now_ns();
	switch (c->op) {
	case NSB_UNSHARE:
		ret = unshare((int)type_flags[c->type]);
		break;
	case NSB_SETNS:
		if (c->type == NSB_NONE)
			ret = setns(c->tg->self_uts, CLONE_NEWUTS);
		else if (c->type != NSB_ALL)
			ret = setns(c->tg->fd[c->type], (int)type_flags[c->type]);
		else
			for (t = 0; t < NSB_ALL && !ret; t++)
				ret = setns(c->tg->fd[t], (int)type_flags[t]);
		break;
	case NSB_PIDFD:
		if (c->type == NSB_NONE)
			ret = setns(c->tg->self_pidfd, CLONE_NEWUTS);
		else
			ret = setns(c->tg->pidfd, (int)type_flags[c->type]);
		break;
	default:
		ret = -1;
		errno = EINVAL;
	}
	t1 = now_ns();
	slot->ns = t1 - t0;
	slot->err = ret ? errno : 0;
}

/* One sample into *ns; 0 or an errno. */
static int sample(const struct cell *c, double *ns)
{
	uint64_t t0, t1;
	pid_t pid;
	int err;

	slot->err = 0;
	switch (c->op) {
	case NSB_CLONE:
		t0 = now_ns();
		pid = clone3_flags(type_flags[c->type]);
		if (pid == 0) {
			slot->ns = now_ns();
			_exit(0);
		}
		if (pid < 0)
			return errno;
		err = reap(pid, NULL);
		*ns = (double)(slot->ns - t0);
		return err;
	case NSB_LIFECYCLE:
		t0 = now_ns();
		pid = clone3_flags(type_flags[c->type]);
		if (pid == 0)
			_exit(0);
		if (pid < 0)
			return errno;
		err = reap(pid, NULL);
		t1 = now_ns();
		*ns = (double)(t1 - t0);
		return err;
	default:
		/* A fresh worker per sample: unshare and setns change the caller for good. */
		pid = clone3_flags(0);
		if (pid == 0) {
			worker_body(c);
			_exit(0);
		}
		if (pid < 0)
			return errno;
		err = reap(pid, NULL);
		*ns = (double)slot->ns;
		return err ? err : slot->err;
	}
}

/*
 * Warm-up (a tenth of --samples, or the first 5% of --time; 2 at least),
 * then the samples.  @window gets the measured span in ns.
 */
static int run_cell(const struct cell *c, const struct opts *o, double *v, size_t cap,
		    size_t *n, uint64_t *window)
{
	uint64_t t0 = now_ns(), end;
	size_t i, warm = o->samples ? (size_t)o->samples / 10 : 0;
	double x;
	int err;

	*n = 0;
	for (i = 0; i < 2 || (o->samples ? i < warm : now_ns() - t0 < o->time * NS_PER_S / 20); i++) {
		err = sample(c, &x);
		if (err)
			return err;
	}
	t0 = now_ns();
	end = t0 + (uint64_t)(o->time * NS_PER_S);
	while (*n < cap) {
		err = sample(c, &x);
		if (err)
			return err;
		v[(*n)++] = x;
		if (o->samples ? *n >= (size_t)o->samples : now_ns() >= end)
			break;
	}
	*window = now_ns() - t0;
	return 0;
}

/* --- targets for setns --------------------------------------------------- */

static void target_open(struct target *tg)
{
	/* Unprivileged, only a user namespace can be made; the other fds are then our own. */
	uint64_t flags = geteuid() ? CLONE_NEWUSER : type_flags[NSB_ALL];
	char path[64];
	int t;

	tg->holder = clone3_flags(flags);
	if (tg->holder == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		for (;;)
			pause();
	}
	if (tg->holder < 0)
		die("clone3 (setns target)");
	for (t = 0; t < NSB_ALL; t++) {
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", tg->holder, nsb_type_names[t]);
		tg->fd[t] = open(path, O_RDONLY | O_CLOEXEC);
		if (tg->fd[t] < 0)
			die(path);
	}
	tg->pidfd = pidfd_open(tg->holder, 0);
	tg->self_uts = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
	tg->self_pidfd = pidfd_open(getpid(), 0);
	if (tg->pidfd < 0 || tg->self_uts < 0 || tg->self_pidfd < 0)
		die("pidfd_open");
}

static void target_close(struct target *tg)
{
	int t;

	for (t = 0; t < NSB_ALL; t++)
		close(tg->fd[t]);
	close(tg->pidfd);
	close(tg->self_uts);
	close(tg->self_pidfd);
	kill(tg->holder, SIGKILL);
	reap(tg->holder, NULL);
}

/* --- the kernel's view (nscount) ----------------------------------------- */

struct kview {
	bool loaded;
	char why[192];
};

static bool counters_read(struct kview *kv, struct nslab_counters *c)
{
	struct nslab_error e = { 0 };

	if (!kv->loaded)
		return false;
	if (nslab_counters_dump(c, &e) == 0)
		return true;
	kv->loaded = false;
	snprintf(kv->why, sizeof(kv->why), "nscount not loaded: %s", e.why);
	return false;
}

/* Mean in-kernel creation time of @type between two dumps; "all" sums its types' means. */
static double kernel_mean(const struct nslab_counters *a, const struct nslab_counters *b,
			  enum nsb_type type)
{
	double sum = -1;
	int t;

	for (t = 0; t < NSB_ALL; t++) {
		const struct nslab_ns_counter *x = nslab_counters_find(a, nsb_type_names[t]);
		const struct nslab_ns_counter *y = nslab_counters_find(b, nsb_type_names[t]);

		if ((type != NSB_ALL && (int)type != t) || !x || !y ||
		    (y->flags & NSCOUNT_F_NO_LATENCY) || y->lat_samples <= x->lat_samples)
			continue;
		sum = (sum < 0 ? 0 : sum) + (double)(y->lat_sum_ns - x->lat_sum_ns) /
					    (double)(y->lat_samples - x->lat_samples);
	}
	return sum;
}

static int64_t net_live(const struct nslab_counters *c)
{
	const struct nslab_ns_counter *n = nslab_counters_find(c, "net");

	if (!n)
		return -1;
	return n->has_pernet ? (int64_t)n->pernet_live : n->live;
}

/*
 * A netns is freed on a workqueue after its last process exits: from the
 * reap of a child that made one until nscount's net live count is back.
 */
static void run_teardown(struct kview *kv, const struct opts *o, struct rows *rows)
{
	struct nsb_row *r = add_row(rows, NSB_K_TEARDOWN, "free", "net", -1);
	size_t i, n = o->quick ? 3 : o->samples ? (size_t)o->samples : 20;
	struct nslab_counters base, cur;
	double *v = calloc(n, sizeof(*v));
	uint64_t t0, deadline;
	pid_t pid;
	int err = 0;

	if (!v)
		die("calloc");
	for (i = 0; i < n && !err; i++) {
		if (!counters_read(kv, &base))
			break;
		pid = clone3_flags(CLONE_NEWNET);
		if (pid == 0)
			_exit(0);
		err = pid < 0 ? errno : reap(pid, NULL);
		t0 = now_ns();
		deadline = t0 + 10 * (uint64_t)NS_PER_S;
		while (!err && counters_read(kv, &cur) && net_live(&cur) > net_live(&base)) {
			if (now_ns() > deadline)
				err = ETIMEDOUT;
			usleep(50);
		}
		v[i] = (double)(now_ns() - t0);
	}
	if (!kv->loaded)
		snprintf(r->note, sizeof(r->note), "%s", kv->why);
	else if (err)
		row_error(rows, r, err);
	else
		nsb_stats_compute(v, n, &r->st);
	free(v);
}

/* --- the latency matrix -------------------------------------------------- */

static bool op_makes_ns(enum nsb_op op)
{
	return op == NSB_UNSHARE || op == NSB_CLONE || op == NSB_LIFECYCLE;
}

/* Baseline first, so every row after it can subtract it. */
static const enum nsb_type matrix_order[] = {
	NSB_NONE, NSB_UTS, NSB_IPC, NSB_PID, NSB_MNT, NSB_NET, NSB_USER, NSB_CGROUP, NSB_TIME,
	NSB_ALL,
};

static void run_matrix(const struct opts *o, struct kview *kv, struct rows *rows)
{
	double *v = malloc(CELL_CAP * sizeof(*v));
	struct nslab_counters before, after;
	struct target tg;
	unsigned i;
	int op;

	if (!v)
		die("malloc");
	target_open(&tg);
	for (op = 0; op < NSB_NOPS; op++) {
		double base = -1;

		for (i = 0; i < sizeof(matrix_order) / sizeof(*matrix_order); i++) {
			struct cell c = { .op = op, .type = matrix_order[i], .tg = &tg };
			struct nsb_row *r;
			uint64_t window;
			bool kview;
			size_t n;
			int err;

			if (!(o->ops & (1u << op)) ||
			    (c.type != NSB_NONE && !(o->types & (1u << c.type))))
				continue;
			r = add_row(rows, NSB_K_LATENCY, nsb_op_names[op], nsb_type_names[c.type], -1);
			kview = op_makes_ns(op) && c.type != NSB_NONE && counters_read(kv, &before);
			err = run_cell(&c, o, v, CELL_CAP, &n, &window);
			if (err) {
				row_error(rows, r, err);
				continue;
			}
			nsb_stats_compute(v, n, &r->st);
			if (c.type == NSB_NONE)
				base = r->st.p50;
			else
				r->base_p50 = base;
			if (kview && counters_read(kv, &after))
				r->kern_ns = kernel_mean(&before, &after, c.type);
		}
	}
	target_close(&tg);
	free(v);
}

/* --- scaling: parallel creators ------------------------------------------ */

struct scale_shared {
	size_t n[NSB_MAX_WORKERS];
	uint64_t window[NSB_MAX_WORKERS];
	int err[NSB_MAX_WORKERS];
	double v[];			/* SCALE_CAP samples per worker */
};

/* @w workers run @c at once, released together; one row with their total rate. */
static void scale_cell(const struct cell *c, long w, const struct opts *o, struct rows *rows)
{
	size_t len = sizeof(struct scale_shared) + (size_t)w * SCALE_CAP * sizeof(double);
	struct scale_shared *sh = map_shared(len);
	struct nsb_row *r = add_row(rows, NSB_K_SCALING, nsb_op_names[c->op],
				    nsb_type_names[c->type], w);
	pid_t pid[NSB_MAX_WORKERS];
	size_t total = 0;
	int go[2], err = 0;
	long i;
	char b;

	if (pipe(go))
		die("pipe");
	for (i = 0; i < w; i++) {
		pid[i] = clone3_flags(0);
		if (pid[i] == 0) {
			close(go[1]);
			slot = map_shared(sizeof(*slot));
			/* EOF on the pipe releases every worker at once. */
			if (read(go[0], &b, 1) < 0)
				_exit(1);
			sh->err[i] = run_cell(c, o, sh->v + i * SCALE_CAP, SCALE_CAP, &sh->n[i],
					      &sh->window[i]);
			_exit(0);
		}
		if (pid[i] < 0)
			die("clone3 (worker)");
	}
	close(go[0]);
	close(go[1]);
	r->tput = 0;
	for (i = 0; i < w; i++) {
		int e = reap(pid[i], NULL);

		err = err ? err : e ? e : sh->err[i];
		if (e || sh->err[i] || !sh->window[i])
			continue;
		/* Each worker's own rate: their measured windows differ a little. */
		r->tput += (double)sh->n[i] * NS_PER_S / (double)sh->window[i];
		memmove(sh->v + total, sh->v + i * SCALE_CAP, sh->n[i] * sizeof(double));
		total += sh->n[i];
	}
	if (err) {
		r->tput = -1;
		row_error(rows, r, err);
	} else {
		nsb_stats_compute(sh->v, total, &r->st);
	}
	munmap(sh, len);
}

static void run_scaling(const struct opts *o, struct rows *rows)
{
	/* Creators by default: a creation each, with its exit and reap. */
	unsigned ops = o->ops_given ? o->ops : 1u << NSB_LIFECYCLE;
	struct target tg;
	unsigned i;
	size_t k;
	int op;

	target_open(&tg);
	for (op = 0; op < NSB_NOPS; op++)
		for (i = 0; i < sizeof(matrix_order) / sizeof(*matrix_order); i++) {
			struct cell c = { .op = op, .type = matrix_order[i], .tg = &tg };

			if (!(ops & (1u << op)) ||
			    (c.type != NSB_NONE && !(o->types & (1u << c.type))))
				continue;
			for (k = 0; k < o->nworkers; k++)
				scale_cell(&c, o->workers[k], o, rows);
		}
	target_close(&tg);
}

/* --- population: creation cost against what already exists --------------- */

static const long pop_levels[2][4] = { { 10, 100, 1000, 5000 }, { 0, 10, 100, 1000 } };

static size_t levels_of(enum nsb_type t, const struct opts *o, const long **lv)
{
	*lv = pop_levels[t == NSB_NET];
	return o->quick ? 2 : 4;
}

static size_t count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;
	int ch;

	if (!f)
		return 0;
	while ((ch = fgetc(f)) != EOF)
		n += ch == '\n';
	fclose(f);
	return n;
}

/* One population row: unshare(@type) with what the caller set up around it. */
static void pop_cell(enum nsb_type type, const struct opts *o, struct nsb_row *r, double *v)
{
	struct cell c = { .op = NSB_UNSHARE, .type = type };
	uint64_t window;
	size_t n;
	int err;

	err = run_cell(&c, o, v, CELL_CAP, &n, &window);
	if (err) {
		snprintf(r->note, sizeof(r->note), "error: %s", strerror(err));
		r->failed = true;
	} else {
		nsb_stats_compute(v, n, &r->st);
	}
}

/*
 * Runs in a child with its own private mount namespace and a tmpfs on /tmp,
 * so the mounts it piles up never reach the host and go with the child.
 */
static void pop_mnt_child(const struct opts *o, const long *lv, size_t nl, struct nsb_row *out,
			  double *v)
{
	char path[32];
	size_t i, inherited;
	long have = 0;

	for (i = 0; i < nl; i++)
		nsb_row_init(&out[i], NSB_K_POPULATION, "unshare", "mnt", lv[i]);
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("nsbench", "/tmp", "tmpfs", 0, "size=4m")) {
		for (i = 0; i < nl; i++) {
			snprintf(out[i].note, sizeof(out[i].note), "error: private /tmp: %s",
				 strerror(errno));
			out[i].failed = true;
		}
		return;
	}
	inherited = count_lines("/proc/self/mountinfo");
	for (i = 0; i < nl; i++) {
		while (have < lv[i]) {
			snprintf(path, sizeof(path), "/tmp/%ld", have);
			if (mkdir(path, 0700) || mount(path, path, NULL, MS_BIND, NULL))
				break;
			have++;
		}
		if (have < lv[i]) {
			snprintf(out[i].note, sizeof(out[i].note), "error: mount %s: %s", path,
				 strerror(errno));
			out[i].failed = true;
			continue;
		}
		pop_cell(NSB_MNT, o, &out[i], v);
		if (!out[i].failed)
			snprintf(out[i].note, sizeof(out[i].note), "+%zu inherited mounts", inherited);
	}
}

/* Holds netns alive by fd, adding more on each request: levels arrive on @cmd, counts go back on @ack. */
static void net_holder(int cmd, int ack)
{
	struct rlimit rl;
	long want, have = 0;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	while (read(cmd, &want, sizeof(want)) == sizeof(want)) {
		while (have < want) {
			if (unshare(CLONE_NEWNET) || open("/proc/self/ns/net", O_RDONLY) < 0) {
				have = -errno;
				break;
			}
			have++;
		}
		if (write(ack, &have, sizeof(have)) != sizeof(have) || have < 0)
			break;
	}
}

static void run_pop_net(const struct opts *o, struct rows *rows, double *v)
{
	const long *lv;
	size_t i, nl = levels_of(NSB_NET, o, &lv);
	int cmd[2], ack[2];
	pid_t pid;
	long have;

	if (pipe(cmd) || pipe(ack))
		die("pipe");
	pid = clone3_flags(0);
	if (pid == 0) {
		close(cmd[1]);
		close(ack[0]);
		net_holder(cmd[0], ack[1]);
		_exit(0);
	}
	if (pid < 0)
		die("clone3 (netns holder)");
	close(cmd[0]);
	close(ack[1]);
	for (i = 0; i < nl; i++) {
		struct nsb_row *r = add_row(rows, NSB_K_POPULATION, "unshare", "net", lv[i]);

		if (write(cmd[1], &lv[i], sizeof(lv[i])) != sizeof(lv[i]) ||
		    read(ack[0], &have, sizeof(have)) != sizeof(have))
			have = -EPIPE;
		if (have < 0) {
			row_error(rows, r, (int)-have);
			break;
		}
		pop_cell(NSB_NET, o, r, v);
		rows->failed |= r->failed;
	}
	close(cmd[1]);
	close(ack[0]);
	reap(pid, NULL);
}

static void run_population(const struct opts *o, struct rows *rows)
{
	double *v = map_shared(CELL_CAP * sizeof(*v));

	if (o->pop_types & (1u << NSB_MNT)) {
		const long *lv;
		size_t i, nl = levels_of(NSB_MNT, o, &lv);
		struct nsb_row *out = map_shared(nl * sizeof(*out));
		pid_t pid = clone3_flags(0);
		int err;

		if (pid == 0) {
			pop_mnt_child(o, lv, nl, out, v);
			_exit(0);
		}
		err = pid < 0 ? errno : reap(pid, NULL);
		for (i = 0; i < nl; i++) {
			struct nsb_row *r = add_row(rows, NSB_K_POPULATION, "unshare", "mnt", lv[i]);

			if (err)
				row_error(rows, r, err);
			else
				*r = out[i];
			rows->failed |= r->failed;
		}
		munmap(out, nl * sizeof(*out));
	}
	if (o->pop_types & (1u << NSB_NET))
		run_pop_net(o, rows, v);
	munmap(v, CELL_CAP * sizeof(*v));
}

/* --- peers: a whole container start -------------------------------------- */

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
static char *find_prog(const char *prog, char *buf, size_t len)
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

static void run_compare(const struct opts *o, struct rows *rows)
{
	size_t rounds = o->quick ? 3 : o->samples ? (size_t)o->samples : 20;
	struct peer peers[] = {
		{ .name = "nslab" }, { .name = "unshare" }, { .name = "bwrap" },
		{ .name = "runc", .oci = true }, { .name = "crun", .oci = true },
	};
	size_t np = sizeof(peers) / sizeof(*peers), i, k;
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

/* --- plot ----------------------------------------------------------------- */

struct panel {
	enum nsb_kind kind;
	const char *type;		/* population: one type per panel; NULL: any */
	const char *title, *xlabel, *ylabel;
	bool logx;
};

static bool in_panel(const struct panel *p, const struct nsb_row *r)
{
	return r->kind == p->kind && r->st.n && (!p->type || !strcmp(p->type, r->what));
}

/* Latency panels have a curve per op (types on the x axis), the others per (op, type). */
static bool same_series(const struct panel *p, const struct nsb_row *a, const struct nsb_row *b)
{
	return !strcmp(a->op, b->op) && (p->kind == NSB_K_LATENCY || !strcmp(a->what, b->what));
}

/* Row @i is the first of its curve in the panel. */
static bool series_head(const struct panel *p, const struct nsb_row *rows, size_t i)
{
	size_t j;

	if (!in_panel(p, &rows[i]))
		return false;
	for (j = 0; j < i; j++)
		if (in_panel(p, &rows[j]) && same_series(p, &rows[i], &rows[j]))
			return false;
	return true;
}

static void plot_panel(FILE *g, const struct panel *p, const struct nsb_row *rows, size_t n)
{
	bool lat = p->kind == NSB_K_LATENCY;
	size_t i, j, series = 0;
	int x;

	for (i = 0; i < n; i++) {
		if (!series_head(p, rows, i))
			continue;
		fprintf(g, "$s%zu << EOD\n", i);
		for (j = i, x = 0; j < n; j++) {
			const struct nsb_row *r = &rows[j];

			if (!in_panel(p, r) || !same_series(p, r, &rows[i]))
				continue;
			if (lat)
				fprintf(g, "%d %s %.3f\n", x++, r->what, r->st.p50 / 1000);
			else
				fprintf(g, "%ld %s %.3f\n", r->param, r->what,
					p->kind == NSB_K_SCALING ? r->tput : r->st.p50 / 1000);
		}
		fputs("EOD\n", g);
	}
	fprintf(g, "set title '%s'\nset xlabel '%s'\nset ylabel '%s'\nset yrange [0:*]\n%s\nplot", p->title,
		p->xlabel, p->ylabel, p->logx ? "set logscale x" : "unset logscale x");
	for (i = 0; i < n; i++) {
		if (!series_head(p, rows, i))
			continue;
		fprintf(g, "%s $s%zu using 1:3%s with linespoints title '%s%s%s'", series++ ? "," : "",
			i, lat ? ":xtic(2)" : "", rows[i].op, lat ? "" : " ", lat ? "" : rows[i].what);
	}
	fputc('\n', g);
}

static bool has_kind(const struct nsb_row *rows, size_t n, const struct panel *p)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (in_panel(p, &rows[i]))
			return true;
	return false;
}

static int plot(const char *file, const struct nsb_row *rows, size_t n)
{
	static const struct panel panels[] = {
		{ NSB_K_SCALING, NULL, "throughput of parallel creators", "workers", "ops/s", false },
		{ NSB_K_POPULATION, "mnt", "mnt unshare vs mounts in the parent ns", "mounts",
		  "p50 (us)", true },
		{ NSB_K_POPULATION, "net", "net unshare vs live netns", "live netns", "p50 (us)",
		  false },
		{ NSB_K_LATENCY, NULL, "latency per type", "", "p50 (us)", false },
	};
	size_t i, shown = 0;
	bool svg = strlen(file) > 4 && !strcmp(file + strlen(file) - 4, ".svg");
	FILE *g;

	for (i = 0; i < sizeof(panels) / sizeof(*panels); i++)
		shown += has_kind(rows, n, &panels[i]);
	if (!shown)
		return 0;
	g = popen("gnuplot", "w");
	if (!g)
		die("gnuplot");
	fprintf(g, "set terminal %s size %zu,450\nset output '%s'\nset key top left\nset grid\n"
		"set multiplot layout 1,%zu\n", svg ? "svg dynamic" : "png", 520 * shown, file, shown);
	for (i = 0; i < sizeof(panels) / sizeof(*panels); i++)
		if (has_kind(rows, n, &panels[i]))
			plot_panel(g, &panels[i], rows, n);
	fputs("unset multiplot\n", g);
	return pclose(g) == 0 ? 0 : -1;
}

/* --- main ----------------------------------------------------------------- */

static const char usage_text[] =
"usage: nsbench [OPTIONS]\n"
"What namespace operations cost (latency matrix, the default), how creation scales\n"
"with parallel creators and with what already exists, and whole container starts.\n"
"\n"
"  -o, --ops LIST        unshare,clone,lifecycle,setns,pidfd (default: all)\n"
"  -t, --types LIST      uts,ipc,pid,mnt,net,user,cgroup,time,all (default: all of them)\n"
"  -n, --samples N       samples per cell (default: as many as fit in --time)\n"
"  -T, --time S          seconds per cell (default 1)\n"
"      --cpu N           pin nsbench and every child to CPU N\n"
"  -w, --workers LIST    throughput with 1..64 parallel creators, e.g. 1,2,4\n"
"                        (op lifecycle unless --ops is given)\n"
"      --population[=mnt,net]  unshare cost against 10..5000 mounts in the parent\n"
"                        mount ns (a private one of nsbench's) and 0..1000 live netns\n"
"      --compare         start a whole container (all namespaces, --rootfs, /bin/true)\n"
"                        with nslab and each installed peer: unshare(1), bwrap, runc, crun\n"
"      --nslab PATH      the nslab binary (default $NSLAB, else build/nslab)\n"
"      --rootfs DIR      the root filesystem for --compare (default: nslab's, build/rootfs)\n"
"      --matrix          the latency matrix too, when --workers/--population/--compare\n"
"                        is given\n"
"      --json, --csv     machine-readable output (nanoseconds) instead of the table (µs)\n"
"      --plot FILE       draw the curves with gnuplot into FILE.svg or FILE.png\n"
"      --report DIR      also write DIR/report.json, report.md and report.svg\n"
"      --quick           smoke run: 10 samples a cell, short levels, 3 peer rounds\n"
"  -h, --help\n"
"\n"
"Each op's \"none\" row is the same op without a namespace (unshare(0); clone3 without\n"
"flags, the fork baseline; setns into our own uts ns) and is subtracted in p50-base.\n"
"As root every type runs; unprivileged, only user (and what a user ns permits).\n"
"Exit: 0 ok, 1 a cell failed (see its note), 2 bad usage.\n";

static char report_svg[PATH_MAX];

static void parse_args(int argc, char **argv, struct opts *o)
{
	enum { O_CPU = 256, O_POP, O_COMPARE, O_NSLAB, O_ROOTFS, O_MATRIX, O_JSON, O_CSV, O_PLOT,
	       O_QUICK, O_REPORT };
	static const struct option longopts[] = {
		{ "ops", required_argument, NULL, 'o' },
		{ "types", required_argument, NULL, 't' },
		{ "samples", required_argument, NULL, 'n' },
		{ "time", required_argument, NULL, 'T' },
		{ "cpu", required_argument, NULL, O_CPU },
		{ "workers", required_argument, NULL, 'w' },
		{ "population", optional_argument, NULL, O_POP },
		{ "compare", no_argument, NULL, O_COMPARE },
		{ "nslab", required_argument, NULL, O_NSLAB },
		{ "rootfs", required_argument, NULL, O_ROOTFS },
		{ "matrix", no_argument, NULL, O_MATRIX },
		{ "json", no_argument, NULL, O_JSON },
		{ "csv", no_argument, NULL, O_CSV },
		{ "plot", required_argument, NULL, O_PLOT },
		{ "quick", no_argument, NULL, O_QUICK },
		{ "report", required_argument, NULL, O_REPORT },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char why[256], buf[PATH_MAX];
	bool time_given = false;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int c;

	*o = (struct opts){ .types = (1u << NSB_NONE) - 1, .ops = (1u << NSB_NOPS) - 1,
			    .time = 1.0, .cpu = -1, .rootfs = NSLAB_DEFAULT_ROOTFS };
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:t:n:T:w:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (nsb_parse_ops(optarg, &o->ops, why, sizeof(why)))
				usage_error("--ops", "%s", why);
			o->ops_given = true;
			break;
		case 't':
			if (nsb_parse_types(optarg, &o->types, why, sizeof(why)))
				usage_error("--types", "%s", why);
			break;
		case 'n':
			if (nsb_parse_long(optarg, 1, 1000000, &o->samples, why, sizeof(why)))
				usage_error("--samples", "%s", why);
			break;
		case 'T':
			if (nsb_parse_seconds(optarg, &o->time, why, sizeof(why)))
				usage_error("--time", "%s", why);
			time_given = true;
			break;
		case O_CPU:
			if (nsb_parse_long(optarg, 0, cpus - 1, &o->cpu, why, sizeof(why)))
				usage_error("--cpu", "%s", why);
			break;
		case 'w':
			if (nsb_parse_long_list(optarg, 1, NSB_MAX_WORKERS, o->workers, &o->nworkers,
						why, sizeof(why)))
				usage_error("--workers", "%s", why);
			break;
		case O_POP:
			if (nsb_parse_types(optarg ? optarg : "mnt,net", &o->pop_types, why, sizeof(why)))
				usage_error("--population", "%s", why);
			if (o->pop_types & ~((1u << NSB_MNT) | (1u << NSB_NET)))
				usage_error("--population", "only mnt and net (allowed: mnt,net)");
			break;
		case O_COMPARE:
			o->compare = true;
			break;
		case O_NSLAB:
			o->nslab = optarg;
			break;
		case O_ROOTFS:
			o->rootfs = optarg;
			break;
		case O_MATRIX:
			o->matrix = true;
			break;
		case O_JSON:
			o->fmt = FMT_JSON;
			break;
		case O_CSV:
			o->fmt = FMT_CSV;
			break;
		case O_PLOT:
			o->plot = optarg;
			break;
		case O_QUICK:
			o->quick = true;
			break;
		case O_REPORT:
			o->report = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(0);
		case ':':
			usage_error(argv[optind - 1], "needs a value (see --help)");
		default:
			usage_error(argv[optind - 1], "unknown option (see --help)");
		}
	}
	if (optind < argc)
		usage_error(argv[optind], "unexpected argument (see --help)");
	if (o->report && snprintf(report_svg, sizeof(report_svg), "%s/report.svg", o->report) >=
			 (int)sizeof(report_svg))
		usage_error("--report", "path too long");
	if (o->report && access(o->report, W_OK))
		usage_error("--report", "%s: %s", o->report, strerror(errno));
	if (o->report && !o->plot)
		o->plot = report_svg;
	if (o->plot) {
		size_t len = strlen(o->plot);

		if (len < 5 || (strcmp(o->plot + len - 4, ".svg") && strcmp(o->plot + len - 4, ".png")))
			usage_error("--plot", "'%s' must end in .svg or .png", o->plot);
		if (strchr(o->plot, '\''))
			usage_error("--plot", "a file name without quotes, please");
		if (!find_prog("gnuplot", buf, sizeof(buf)))
			usage_error("--plot", "gnuplot not installed: apt-get install gnuplot-nox");
	}
	if (o->quick && !o->samples)
		o->samples = 10;
	if (o->quick && !time_given)
		o->time = 0.05;
	o->matrix |= !o->nworkers && !o->pop_types && !o->compare;
}

static void read_cpu_model(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];
	char *p;

	snprintf(buf, len, "unknown cpu");
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "model name", 10) || !(p = strchr(line, ':')))
			continue;
		p += 1 + strspn(p + 1, " \t");
		p[strcspn(p, "\n")] = 0;
		snprintf(buf, len, "%s", p);
		break;
	}
	if (f)
		fclose(f);
}

/* Two back-to-back clock reads: what every sample carries on top of the operation. */
static void timer_overhead(struct nsb_meta *m)
{
	enum { N = 20000 };
	double *v = malloc(N * sizeof(*v));
	struct nsb_stats st;
	uint64_t t0;
	int i;

	if (!v)
		die("malloc");
	for (i = 0; i < N; i++) {
		t0 = now_ns();
		v[i] = (double)(now_ns() - t0);
	}
	nsb_stats_compute(v, N, &st);
	m->timer_ns = st.p50;
	m->timer_min_ns = st.min;
	free(v);
}

static FILE *report_file(const char *dir, const char *name)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		die(path);
	return f;
}

/* The JSON and a Markdown page around the table, the plot beside them. */
static void write_report(const char *dir, const struct nsb_meta *m, const struct rows *rows)
{
	FILE *f = report_file(dir, "report.json");

	nsb_write_json(f, m, rows->v, rows->n);
	if (fclose(f))
		die("report.json");
	f = report_file(dir, "report.md");
	fputs("# nsbench report\n\nNumbers from one run on one machine: noisy, compare within a run.\n\n"
	      "```\n", f);
	nsb_write_table(f, m, rows->v, rows->n);
	fputs("```\n\n![scaling and population](report.svg)\n", f);
	if (fclose(f))
		die("report.md");
}

int main(int argc, char **argv)
{
	struct nslab_counters probe;
	struct rows rows = { 0 };
	struct utsname u;
	struct kview kv = { .loaded = true };
	struct nsb_meta m = {
		.method = "unshare/setns/pidfd: a fresh clone3() worker per sample, only the "
			  "syscall timed; clone: clone3() to the child's first instruction "
			  "(its timestamp through shared memory); lifecycle: clone3() + exit + "
			  "waitpid; none: the same op without a namespace",
	};
	char kernel[128], cpu[128];
	struct opts o;

	parse_args(argc, argv, &o);
	setvbuf(stdout, NULL, _IOFBF, 0);
	uname(&u);
	snprintf(kernel, sizeof(kernel), "Linux %s %s", u.release, u.machine);
	read_cpu_model(cpu, sizeof(cpu));
	m.kernel = kernel;
	m.machine = cpu;
	m.cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	m.pinned_cpu = (int)o.cpu;
	m.root = geteuid() == 0;
	if (o.cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(o.cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			die("--cpu");
	}
	slot = map_shared(sizeof(*slot));
	timer_overhead(&m);
	if (counters_read(&kv, &probe))
		snprintf(kv.why, sizeof(kv.why), "nscount loaded: kernel column = mean in-kernel creation time");
	m.nscount = kv.why;

	if (o.matrix) {
		run_matrix(&o, &kv, &rows);
		if (o.types & ((1u << NSB_NET) | (1u << NSB_ALL)))
			run_teardown(&kv, &o, &rows);
	}
	if (o.nworkers)
		run_scaling(&o, &rows);
	if (o.pop_types)
		run_population(&o, &rows);
	if (o.compare)
		run_compare(&o, &rows);

	if (o.fmt == FMT_JSON)
		nsb_write_json(stdout, &m, rows.v, rows.n);
	else if (o.fmt == FMT_CSV)
		nsb_write_csv(stdout, rows.v, rows.n);
	else
		nsb_write_table(stdout, &m, rows.v, rows.n);
	fflush(stdout);
	if (o.report)
		write_report(o.report, &m, &rows);
	if (o.plot && plot(o.plot, rows.v, rows.n)) {
		fprintf(stderr, "nsbench: --plot: gnuplot failed to draw %s\n", o.plot);
		rows.failed = true;
	}
	free(rows.v);
	return rows.failed ? 1 : 0;
}
