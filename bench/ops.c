// SPDX-License-Identifier: GPL-2.0
/*
 * How nsbench times an op: one sample of each op, the cells of samples they
 * make, the setns targets, the latency matrix, and the cost of the clock
 * itself.  A sample's children report through a shared page (the slot).
 */
#include "bench_int.h"
#include "counters.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>

#define TYPE_FLAG(id, name, flag) [NSB_##id] = flag,
#define OR_FLAG(id, name, flag) flag |
static const uint64_t type_flags[NSB_NTYPES] = {
	NSLAB_NS_TABLE(TYPE_FLAG)
	[NSB_ALL] = NSLAB_NS_TABLE(OR_FLAG) 0,
	[NSB_NONE] = 0,
};
#undef TYPE_FLAG
#undef OR_FLAG

/*
 * A page shared with the children a sample forks: the child writes its
 * timestamp or measured span there.  Each scaling worker maps its own.
 */
struct slot {
	volatile uint64_t ns;
	volatile int err;
};

static struct slot *slot;

void slot_map(void)
{
	slot = map_shared(sizeof(*slot));
}

/* 0 if @pid exited 0, else an errno-like code (ECHILD for a bad exit). */
int reap(pid_t pid, struct rusage *ru)
{
	int status;

	while (wait4(pid, &status, 0, ru) < 0)
		if (errno != EINTR)
			return errno;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : ECHILD;
}

void *map_shared(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		die("mmap");
	return p;
}

/*
 * Runs in the worker: the syscall alone between two clock reads.  fork
 * copies no page-table entries for file-backed memory, so a new process
 * faults (2-5 us on our test host) on the first touch of each page of
 * program text and constant data.  That is the fork's cost, not the
 * operation's: the arguments are read and the libc wrapper is called once
 * with arguments that change nothing before the clock starts.
 */
static void worker_body(const struct cell *c)
{
	int fd[NSB_ALL], flags[NSB_ALL], n = 0, ret = 0, i;
	uint64_t t0, t1;

	switch (c->op) {
	case NSB_UNSHARE:
		flags[n++] = (int)type_flags[c->type];
		break;
	case NSB_SETNS:
		if (c->type == NSB_NONE) {
			fd[n] = c->tg->self_uts;
			flags[n++] = CLONE_NEWUTS;
		}
		for (i = 0; i < NSB_ALL; i++)
			if (c->type == NSB_ALL || c->type == (enum nsb_type)i) {
				fd[n] = c->tg->fd[i];
				flags[n++] = (int)type_flags[i];
			}
		break;
	case NSB_PIDFD:
		fd[n] = c->type == NSB_NONE ? c->tg->self_pidfd : c->tg->pidfd;
		flags[n++] = c->type == NSB_NONE ? CLONE_NEWUTS : (int)type_flags[c->type];
		break;
	default:
		slot->err = EINVAL;
		return;
	}
	if (c->op == NSB_UNSHARE)
		unshare(0);
	else
		setns(-1, 0);
	/* The arrays as the barrier's inputs: their loads cannot sink into the timed span. */
	__asm__ volatile("" : : "m"(fd), "m"(flags) : "memory");
	t0 = now_ns();
	if (c->op == NSB_UNSHARE)
		ret = unshare(flags[0]);
	else
		for (i = 0; i < n && !ret; i++)
			ret = setns(fd[i], flags[i]);
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
int run_cell(const struct cell *c, const struct opts *o, double *v, size_t cap,
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

void target_open(struct target *tg)
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

void target_close(struct target *tg)
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

static bool op_makes_ns(enum nsb_op op)
{
	return op == NSB_UNSHARE || op == NSB_CLONE || op == NSB_LIFECYCLE;
}

/* Baseline first, so every row after it can subtract it. */
const enum nsb_type matrix_order[NSB_NTYPES] = {
	NSB_NONE, NSB_UTS, NSB_IPC, NSB_PID, NSB_MNT, NSB_NET, NSB_USER, NSB_CGROUP, NSB_TIME,
	NSB_ALL,
};

void run_matrix(const struct opts *o, struct kview *kv, struct rows *rows)
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

		for (i = 0; i < N_ELEMENTS(matrix_order); i++) {
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
			settle(o);
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

#define STAT_CPUS 1024

/* Busy and total ticks of each cpuN line of /proc/stat; how many CPUs, 0 if unreadable. */
static int cpu_ticks(unsigned long long busy[STAT_CPUS], unsigned long long total[STAT_CPUS])
{
	FILE *f = fopen("/proc/stat", "re");
	unsigned long long t[8];
	char line[512];
	int n = 0, cpu;

	/* "cpu%d" alone would also take the total line, "cpu  <user> ...", for a CPU. */
	while (f && n < STAT_CPUS && fgets(line, sizeof(line), f))
		if (isdigit((unsigned char)line[3]) && sscanf(line, "cpu%d %llu %llu %llu %llu %llu %llu %llu %llu", &cpu, &t[0], &t[1],
			   &t[2], &t[3], &t[4], &t[5], &t[6], &t[7]) == 9) {
			total[n] = t[0] + t[1] + t[2] + t[3] + t[4] + t[5] + t[6] + t[7];
			busy[n] = total[n] - t[3] - t[4];
			n++;
		}
	if (f)
		fclose(f);
	return n;
}

/* The busy share of the busiest CPU over the next @ms; 0 if /proc/stat says nothing. */
static double busiest_cpu(int ms)
{
	static unsigned long long busy[2][STAT_CPUS], total[2][STAT_CPUS];
	double max = 0;
	int n, i;

	n = cpu_ticks(busy[0], total[0]);
	usleep(ms * 1000);
	if (cpu_ticks(busy[1], total[1]) != n)
		return 0;
	for (i = 0; i < n; i++)
		if (total[1][i] > total[0][i]) {
			double share = (double)(busy[1][i] - busy[0][i]) /
				       (double)(total[1][i] - total[0][i]);

			max = share > max ? share : max;
		}
	return max;
}

/*
 * The kernel frees a namespace after its last user has gone, a netns on a
 * workqueue: a step's thousand namespaces are still being torn down while
 * the next step samples, and a run's figures would depend on what ran just
 * before.  That teardown is one work item at a time, one CPU busy however
 * many there are, so a step starts once every CPU has been 90% idle for
 * 100 ms, waiting at most 10 s, and 60 s over the whole run for a machine
 * that is simply busy.  --quick does not wait.
 */
void settle(const struct opts *o)
{
	static int budget_ms = 60000;
	int waited = 0;

	if (o->quick)
		return;
	while (budget_ms > 0 && waited < 10000 && busiest_cpu(100) > 0.10) {
		waited += 100;
		budget_ms -= 100;
	}
}

/* Two back-to-back clock reads: what every sample carries on top of the operation. */
void timer_overhead(struct nsb_meta *m)
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
