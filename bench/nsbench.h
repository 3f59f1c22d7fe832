/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nsbench's measurement-free parts: statistics, argument parsing and the
 * report writers.  They use libc only, so the unit tests link them alone
 * (bench/stats.c, bench/report.c) without the runtime library.
 */
#ifndef NSBENCH_H
#define NSBENCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "ns.h"
#include "util.h"

/* The 8 namespace types (ns.h's table), then "all" of them, then "none": the baseline of each op. */
#define NSB_TYPE(id, name, flag) NSB_##id = NSLAB_NS_##id,
enum nsb_type {
	NSLAB_NS_TABLE(NSB_TYPE)
	NSB_ALL = NSLAB_NS_COUNT, NSB_NONE, NSB_NTYPES
};
#undef NSB_TYPE

/*
 * unshare:   the unshare(2) call alone, in a fresh forked worker per sample
 * clone:     clone3(flag) until the child runs (the child stamps the time)
 * lifecycle: clone3(flag) + child exit + waitpid
 * setns:     setns(2) into an existing namespace through its /proc fd
 * pidfd:     setns(pidfd, flags) into the same namespaces
 */
enum nsb_op { NSB_UNSHARE, NSB_CLONE, NSB_LIFECYCLE, NSB_SETNS, NSB_PIDFD, NSB_NOPS };

extern const char *const nsb_type_names[NSB_NTYPES];
extern const char *const nsb_op_names[NSB_NOPS];

#define NSB_MAX_WORKERS 64
#define NSB_MAX_LIST 16

/* Summary of one cell's samples, in nanoseconds. */
struct nsb_stats {
	size_t n;
	double min, p50, p90, p99, max, mean, sd;
	double ops;		/* per second, one after another: 1e9 / mean */
};

/* Sorts @v in place.  Percentiles interpolate linearly between ranks (numpy's default). */
void nsb_stats_compute(double *v, size_t n, struct nsb_stats *st);
double nsb_percentile(const double *sorted, size_t n, double p);

/*
 * How far a cell moved during its own measurement: (p50 of the second half
 * of @v - p50 of the first half) / p50 of all, @v in the order it was
 * taken.  NAN with fewer than 4 samples.  A run whose cells drift apart
 * from one another cannot be compared within itself.
 */
double nsb_drift(const double *v, size_t n);

/*
 * The order a run measures its cells in: @rounds rounds, each taking one
 * chunk of every cell, forward in even rounds and backward in odd ones
 * (A B C C B A A B C ...).  A machine that drifts over the run then moves
 * every cell alike instead of whichever ran last, and a linear drift
 * cancels over each pair of rounds; the cell after a costly one (a net
 * namespace's teardown) is not always the same.
 */
struct nsb_plan {
	size_t ncells, rounds;
	size_t step;		/* 0 to start */
};

/* The next chunk: its cell and round; false once every round is done. */
bool nsb_plan_next(struct nsb_plan *p, size_t *cell, size_t *round);
/* Round @round's share of @total samples over @rounds rounds (the first ones take the remainder). */
size_t nsb_chunk(size_t total, size_t rounds, size_t round);

/*
 * Parsers fill @why (one line, no prefix) and return -1 on bad input, so the
 * caller prints `nsbench: <option>: <why>` and exits 2.
 */
/* A comma list of type names into a bitmask of 1 << enum nsb_type ("none" is not accepted). */
int nsb_parse_types(const char *s, unsigned *mask, char *why, size_t len);
int nsb_parse_ops(const char *s, unsigned *mask, char *why, size_t len);
/* A decimal integer in [min, max]. */
int nsb_parse_long(const char *s, long min, long max, long *out, char *why, size_t len);
/* Positive seconds, up to an hour ("0.5", "2"). */
int nsb_parse_seconds(const char *s, double *out, char *why, size_t len);
/* A comma list of integers in [min, max], at most NSB_MAX_LIST of them. */
int nsb_parse_long_list(const char *s, long min, long max, long *out, size_t *n,
			char *why, size_t len);

/* One line of the report. */
enum nsb_kind { NSB_K_LATENCY, NSB_K_SCALING, NSB_K_POPULATION, NSB_K_TEARDOWN, NSB_K_PEER };

struct nsb_row {
	enum nsb_kind kind;
	char op[16];
	char what[24];		/* type name, or the peer's name */
	long param;		/* workers, population; -1 when none */
	struct nsb_stats st;	/* st.n == 0: no result, see note */
	double base_p50;	/* the same op's "none" p50, < 0 if none */
	double kern_ns;		/* nscount's mean in-kernel creation time, < 0 if none */
	double tput;		/* ops/s of the whole cell (all workers) */
	double ratio;		/* peers: p50 / nslab's p50, < 0 if none */
	double cpu_ns;		/* peers: p50 of user + system time of the whole tree, < 0 if none */
	double cpu_ratio;	/* peers: cpu_ns / nslab's cpu_ns, < 0 if none */
	double drift;		/* nsb_drift of the samples as taken; NAN if none */
	long rss_kb;		/* peers: peak RSS of the whole run, < 0 if none */
	bool failed;		/* note is an error, not a plain "unavailable" */
	char note[160];
};

/* An empty row: no stats, every optional figure absent. */
void nsb_row_init(struct nsb_row *r, enum nsb_kind kind, const char *op, const char *what,
		  long param);

struct nsb_meta {
	const char *kernel;
	const char *machine;
	int cpus;
	int pinned_cpu;		/* -1: not pinned */
	bool root;
	double timer_ns;	/* the p50 of two back-to-back clock_gettime calls */
	double timer_min_ns;
	const char *nscount;	/* "loaded", or why not */
	const char *method;
};

void nsb_write_table(FILE *out, const struct nsb_meta *m, const struct nsb_row *rows, size_t n);
/* One line of compact JSON, as nslab's --json; 0, -ENOMEM or -EIO. */
int nsb_write_json(FILE *out, const struct nsb_meta *m, const struct nsb_row *rows, size_t n);
void nsb_write_csv(FILE *out, const struct nsb_row *rows, size_t n);

#endif
