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

int run_chunk(const struct cell *c, size_t samples, double seconds, size_t min_warm, double *v,
	      size_t cap, size_t *n, uint64_t *window)
{
	uint64_t t0 = now_ns(), end;
	size_t i, got = 0;
	double x;
	int err;

	for (i = 0; i < min_warm || (samples ? i < samples / 10 : now_ns() - t0 < seconds * NS_PER_S / 20);
	     i++) {
		err = sample(c, &x);
		if (err)
			return err;
	}
	t0 = now_ns();
	end = t0 + (uint64_t)(seconds * NS_PER_S);
	while (*n < cap) {
		err = sample(c, &x);
		if (err)
			return err;
		v[(*n)++] = x;
		if (samples ? ++got >= samples : now_ns() >= end)
			break;
	}
	*window = now_ns() - t0;
	return 0;
}

int run_cell(const struct cell *c, const struct opts *o, double *v, size_t cap,
	     size_t *n, uint64_t *window)
{
	*n = 0;
	return run_chunk(c, (size_t)o->samples, o->time, 2, v, cap, n, window);
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

/* Baseline first: every row after it subtracts its p50. */
const enum nsb_type matrix_order[NSB_NTYPES] = {
	NSB_NONE, NSB_UTS, NSB_IPC, NSB_PID, NSB_MNT, NSB_NET, NSB_USER, NSB_CGROUP, NSB_TIME,
	NSB_ALL,
};

/* One cell of an op's interleaved matrix: its samples in the order taken. */
struct mcell {
	struct cell c;
	size_t row;		/* its row's index: rows->v moves as it grows */
	double *v;
	size_t n;
	int err;
	double kern_sum;	/* nscount's mean of each chunk, times the chunk's samples */
	size_t kern_n;
};

/* The cells of @op that the options ask for, baseline first, with their rows; how many. */
static size_t op_cells(int op, const struct opts *o, const struct target *tg, struct rows *rows,
		       struct mcell *m)
{
	size_t i, n = 0;

	for (i = 0; i < N_ELEMENTS(matrix_order); i++) {
		enum nsb_type t = matrix_order[i];

		if (t != NSB_NONE && !(o->types & (1u << t)))
			continue;
		m[n] = (struct mcell){ .c = { .op = op, .type = t, .tg = tg }, .row = rows->n };
		m[n].v = malloc(CELL_CAP * sizeof(double));
		if (!m[n].v)
			die("malloc");
		add_row(rows, NSB_K_LATENCY, nsb_op_names[op], nsb_type_names[t], -1);
		n++;
	}
	return n;
}

/* Round @round's chunk of @m, with what nscount saw the kernel spend on it. */
static void matrix_chunk(struct mcell *m, const struct opts *o, struct kview *kv, size_t round,
			 size_t rounds)
{
	struct nslab_counters before, after;
	bool kview = op_makes_ns(m->c.op) && m->c.type != NSB_NONE && counters_read(kv, &before);
	size_t n0 = m->n;
	uint64_t window;
	double k;

	/* Two to warm a cell up at first, one after: a slow machine's rounds are mostly warm-up. */
	m->err = run_chunk(&m->c, o->samples ? nsb_chunk((size_t)o->samples, rounds, round) : 0,
			   o->time / (double)rounds, round ? 1 : 2, m->v, CELL_CAP, &m->n, &window);
	if (m->err || !kview || !counters_read(kv, &after))
		return;
	k = kernel_mean(&before, &after, m->c.type);
	if (k >= 0) {
		m->kern_sum += k * (double)(m->n - n0);
		m->kern_n += m->n - n0;
	}
}

/* A cell's row from its samples; @base is the op's baseline p50 (< 0: none yet). */
static void matrix_row(struct mcell *m, struct rows *rows, double base)
{
	struct nsb_row *r = &rows->v[m->row];

	if (m->err) {
		row_error(rows, r, m->err);
	} else {
		r->drift = nsb_drift(m->v, m->n);
		nsb_stats_compute(m->v, m->n, &r->st);
		r->base_p50 = m->c.type == NSB_NONE ? -1 : base;
		r->kern_ns = m->kern_n ? m->kern_sum / (double)m->kern_n : -1;
	}
	free(m->v);
}

/*
 * The cells of one op, interleaved (nsb_plan).  Each round starts on an
 * idle machine, and so does the chunk after one that made network
 * namespaces: their teardown runs on after them.
 */
static void matrix_op(int op, const struct opts *o, struct kview *kv, const struct target *tg,
		      struct rows *rows)
{
	struct mcell m[NSB_NTYPES];
	size_t rounds = o->samples && o->samples < o->rounds ? (size_t)o->samples : (size_t)o->rounds;
	struct nsb_plan plan = { .ncells = op_cells(op, o, tg, rows, m), .rounds = rounds };
	size_t i, round, prev = SIZE_MAX;

	while (nsb_plan_next(&plan, &i, &round)) {
		bool after_net = prev != SIZE_MAX && op_makes_ns(op) &&
				 (m[prev].c.type == NSB_NET || m[prev].c.type == NSB_ALL);

		if (m[i].err)
			continue;
		if ((plan.step - 1) % plan.ncells == 0 || after_net)
			settle(o);
		matrix_chunk(&m[i], o, kv, round, rounds);
		prev = i;
	}
	/* m[0] is the baseline: matrix_order puts it first. */
	matrix_row(&m[0], rows, -1);
	for (i = 1; i < plan.ncells; i++)
		matrix_row(&m[i], rows, m[0].err ? -1 : rows->v[m[0].row].st.p50);
}

void run_matrix(const struct opts *o, struct kview *kv, struct rows *rows)
{
	struct target tg;
	int op;

	target_open(&tg);
	for (op = 0; op < NSB_NOPS; op++)
		if (o->ops & (1u << op))
			matrix_op(op, o, kv, &tg, rows);
	target_close(&tg);
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
