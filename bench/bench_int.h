/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the parts of the nsbench binary share.  Kept apart from nsbench.h,
 * which the unit tests link with libc alone.
 */
#ifndef NSBENCH_BENCH_INT_H
#define NSBENCH_BENCH_INT_H

#include "nsbench.h"

#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>
#include <linux/sched.h>

#define NS_PER_S 1000000000.0
/* Time-based cells stop here even if time is left: 2 MiB of samples. */
#define CELL_CAP (1u << 18)

enum fmt { FMT_TABLE, FMT_JSON, FMT_CSV };

struct opts {
	unsigned types, ops;
	bool ops_given;
	long samples;			/* 0: as many as fit in @time */
	long rounds;			/* the matrix interleaves its cells in this many rounds */
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

struct rows {
	struct nsb_row *v;
	size_t n, cap;
	bool failed;
};

/* The kernel's view (nscount), or why there is none. */
struct kview {
	bool loaded;
	char why[192];
};

struct rusage;
struct nslab_counters;

/* nsbench.c */
/*
 * Both print `nsbench: <what>: <why>` and exit with the code of the error's
 * kind (nslab_manage_failure_code): usage_error records bad input (2), die
 * the failed step @what with errno (1).
 */
__attribute__((format(printf, 2, 3), noreturn)) void usage_error(const char *what,
								 const char *fmt, ...);
__attribute__((noreturn)) void die(const char *what);
struct nsb_row *add_row(struct rows *rows, enum nsb_kind kind, const char *op,
			const char *what, long param);
void row_error(struct rows *rows, struct nsb_row *r, int err);

/* Inline in every file, as when they were all one: they sit inside timed spans. */
static inline uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* clone3 without CLONE_VM: returns twice like fork, and takes CLONE_NEWTIME. */
static inline pid_t clone3_flags(uint64_t flags)
{
	struct clone_args args = { .flags = flags, .exit_signal = SIGCHLD };

	return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}

/* ops.c */
extern const enum nsb_type matrix_order[NSB_NTYPES];
void slot_map(void);
int reap(pid_t pid, struct rusage *ru);
void *map_shared(size_t len);
void settle(const struct opts *o);
/*
 * Appends up to @samples samples (0: as many as fit in @seconds) to @v
 * after a warm-up (a tenth of them, or the first 5% of @seconds; @min_warm
 * at least).  *n counts them in @v; @window gets the measured span in ns.
 */
int run_chunk(const struct cell *c, size_t samples, double seconds, size_t min_warm, double *v,
	      size_t cap, size_t *n, uint64_t *window);
/* One whole cell: --samples or --time of it into @v from the start. */
int run_cell(const struct cell *c, const struct opts *o, double *v, size_t cap, size_t *n,
	     uint64_t *window);
void target_open(struct target *tg);
void target_close(struct target *tg);
void run_matrix(const struct opts *o, struct kview *kv, struct rows *rows);
void timer_overhead(struct nsb_meta *m);

/* kview.c */
bool counters_read(struct kview *kv, struct nslab_counters *c);
double kernel_mean(const struct nslab_counters *a, const struct nslab_counters *b,
		   enum nsb_type type);
void run_teardown(struct kview *kv, const struct opts *o, struct rows *rows);

/* scaling.c */
void run_scaling(const struct opts *o, struct rows *rows);
void run_population(const struct opts *o, struct rows *rows);

/* peers.c */
char *find_prog(const char *prog, char *buf, size_t len);
void run_compare(const struct opts *o, struct rows *rows);

/* plot.c */
int plot(const char *file, const struct nsb_row *rows, size_t n);

#endif
