// SPDX-License-Identifier: GPL-2.0
/*
 * nsbench: statistics on known data, the value parsers, the CSV and JSON
 * shapes read back, and the binary's usage errors and smoke run.  Nothing
 * here judges a measured time.
 */
#include <criterion/criterion.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../bench/nsbench.h"
#include "harness.h"
#include "json.h"

static void near(double got, double want)
{
	cr_assert(fabs(got - want) < 1e-6 * (fabs(want) + 1), "got %.9f, want %.9f", got, want);
}

TestSuite(nsbench_stats, .timeout = 60);

Test(nsbench_stats, percentiles_on_1_to_100)
{
	double v[100];
	struct nsb_stats st;
	int i;

	/* Reversed: compute must sort. */
	for (i = 0; i < 100; i++)
		v[i] = 100 - i;
	nsb_stats_compute(v, 100, &st);
	cr_assert_eq(st.n, 100);
	near(st.min, 1);
	near(st.max, 100);
	near(st.p50, 50.5);
	near(st.p90, 90.1);
	near(st.p99, 99.01);
	near(st.mean, 50.5);
	/* Sample standard deviation of 1..100: sqrt(100 * 101 / 12). */
	near(st.sd, sqrt(100.0 * 101.0 / 12.0));
	near(st.ops, 1e9 / 50.5);
}

Test(nsbench_stats, one_sample_and_none)
{
	double one = 42;
	struct nsb_stats st;

	nsb_stats_compute(&one, 1, &st);
	cr_assert_eq(st.n, 1);
	near(st.min, 42);
	near(st.p50, 42);
	near(st.p99, 42);
	near(st.max, 42);
	near(st.sd, 0);
	nsb_stats_compute(NULL, 0, &st);
	cr_assert_eq(st.n, 0);
	near(st.ops, 0);
}

Test(nsbench_stats, percentile_interpolates_between_ranks)
{
	const double two[] = { 10, 20 };
	const double skew[] = { 1, 1, 1, 1, 1000 };

	near(nsb_percentile(two, 2, 50), 15);
	near(nsb_percentile(two, 2, 0), 10);
	near(nsb_percentile(two, 2, 100), 20);
	/* One outlier moves the tail, not the median. */
	near(nsb_percentile(skew, 5, 50), 1);
	near(nsb_percentile(skew, 5, 90), 600.4);
}

Test(nsbench_stats, large_offsets_keep_their_spread)
{
	/* µs-sized spread on a large value: a one-pass variance would lose it. */
	double v[] = { 1e12 + 1, 1e12 + 2, 1e12 + 3 };
	struct nsb_stats st;

	nsb_stats_compute(v, 3, &st);
	near(st.sd, 1);
}

TestSuite(nsbench_parse, .timeout = 60);

TestSuite(nsbench_plan, .timeout = 60);

/* The whole order of 3 cells in 4 rounds: forward, backward, forward, backward. */
Test(nsbench_plan, rounds_alternate_direction)
{
	static const size_t want[][2] = {
		{ 0, 0 }, { 1, 0 }, { 2, 0 }, { 2, 1 }, { 1, 1 }, { 0, 1 },
		{ 0, 2 }, { 1, 2 }, { 2, 2 }, { 2, 3 }, { 1, 3 }, { 0, 3 },
	};
	struct nsb_plan plan = { .ncells = 3, .rounds = 4 };
	size_t k, cell, round;

	for (k = 0; k < N_ELEMENTS(want); k++) {
		cr_assert(nsb_plan_next(&plan, &cell, &round), "ended at step %zu", k);
		cr_assert_eq(cell, want[k][0], "step %zu: cell %zu", k, cell);
		cr_assert_eq(round, want[k][1], "step %zu: round %zu", k, round);
	}
	cr_assert_not(nsb_plan_next(&plan, &cell, &round), "more than 4 rounds");
}

/*
 * What the order is for: over each pair of rounds every cell's mean
 * position is the same, so a linear drift adds the same to every cell.
 * Its negative control: the blocked order (each cell's chunks together)
 * gives each cell another mean position.
 */
Test(nsbench_plan, linear_drift_lands_on_every_cell_alike)
{
	enum { CELLS = 5, ROUNDS = 6 };
	struct nsb_plan plan = { .ncells = CELLS, .rounds = ROUNDS };
	double pos[CELLS] = { 0 }, blocked[CELLS] = { 0 };
	size_t k = 0, cell, round, i;

	while (nsb_plan_next(&plan, &cell, &round))
		pos[cell] += (double)k++;
	cr_assert_eq(k, CELLS * ROUNDS);
	for (k = 0; k < CELLS * ROUNDS; k++)
		blocked[k / ROUNDS] += (double)k;
	for (i = 1; i < CELLS; i++) {
		near(pos[i], pos[0]);
		cr_assert(fabs(blocked[i] - blocked[0]) > 1, "the blocked order drifts apart");
	}
}

Test(nsbench_plan, nothing_to_plan)
{
	struct nsb_plan none = { .ncells = 0, .rounds = 3 }, once = { .ncells = 2, .rounds = 0 };
	size_t cell, round;

	cr_assert_not(nsb_plan_next(&none, &cell, &round));
	cr_assert_not(nsb_plan_next(&once, &cell, &round));
}

Test(nsbench_plan, chunks_add_up)
{
	size_t r, sum = 0;

	for (r = 0; r < 8; r++)
		sum += nsb_chunk(10, 8, r);
	cr_assert_eq(sum, 10);
	cr_assert_eq(nsb_chunk(10, 8, 0), 2, "the first rounds take the remainder");
	cr_assert_eq(nsb_chunk(10, 8, 7), 1);
	cr_assert_eq(nsb_chunk(300, 3, 2), 100);
}

/* Halves in the order taken: a step up in the second half is a positive drift. */
Test(nsbench_plan, drift_of_known_halves)
{
	const double up[] = { 10, 10, 10, 10, 20, 20, 20, 20 };
	const double down[] = { 20, 20, 20, 20, 10, 10, 10, 10 };
	const double flat[] = { 10, 30, 20, 10, 30, 20 };
	const double three[] = { 1, 2, 3 };

	near(nsb_drift(up, 8), 10.0 / 15.0);
	near(nsb_drift(down, 8), -10.0 / 15.0);
	near(nsb_drift(flat, 6), 0);
	cr_assert(isnan(nsb_drift(three, 3)), "too few samples to tell");
	/* It leaves the samples in their order: the caller's stats sort them after. */
	cr_assert_eq(up[0], 10);
	cr_assert_eq(up[7], 20);
}

Test(nsbench_parse, types_and_ops)
{
	char why[256];
	unsigned mask;

	cr_assert_eq(nsb_parse_types("uts,net", &mask, why, sizeof(why)), 0);
	cr_assert_eq(mask, (1u << NSB_UTS) | (1u << NSB_NET));
	cr_assert_eq(nsb_parse_types("all", &mask, why, sizeof(why)), 0);
	cr_assert_eq(mask, 1u << NSB_ALL);
	cr_assert_eq(nsb_parse_types("time,cgroup,user,mnt,pid,ipc", &mask, why, sizeof(why)), 0);
	cr_assert_eq(mask, (1u << NSB_TIME) | (1u << NSB_CGROUP) | (1u << NSB_USER) |
			   (1u << NSB_MNT) | (1u << NSB_PID) | (1u << NSB_IPC));

	cr_assert_eq(nsb_parse_types("uts,bogus", &mask, why, sizeof(why)), -1);
	cr_assert_str_eq(why, "unknown type 'bogus' (allowed: uts,ipc,pid,mnt,net,user,cgroup,time,all)");
	/* The baseline is always measured, never asked for. */
	cr_assert_eq(nsb_parse_types("none", &mask, why, sizeof(why)), -1);
	cr_assert_eq(nsb_parse_types("", &mask, why, sizeof(why)), -1);
	cr_assert_eq(nsb_parse_types(",", &mask, why, sizeof(why)), -1);

	cr_assert_eq(nsb_parse_ops("unshare,pidfd", &mask, why, sizeof(why)), 0);
	cr_assert_eq(mask, (1u << NSB_UNSHARE) | (1u << NSB_PIDFD));
	cr_assert_eq(nsb_parse_ops("fork", &mask, why, sizeof(why)), -1);
	cr_assert_str_eq(why, "unknown op 'fork' (allowed: unshare,clone,lifecycle,setns,pidfd)");
}

Test(nsbench_parse, numbers)
{
	char why[256];
	double s;
	long v;

	cr_assert_eq(nsb_parse_long("25", 1, 100, &v, why, sizeof(why)), 0);
	cr_assert_eq(v, 25);
	cr_assert_eq(nsb_parse_long("0", 1, 1000000, &v, why, sizeof(why)), -1);
	cr_assert_str_eq(why, "0 is out of range (allowed: 1..1000000)");
	cr_assert_eq(nsb_parse_long("12x", 1, 100, &v, why, sizeof(why)), -1);
	cr_assert_str_eq(why, "'12x' is not a number");
	cr_assert_eq(nsb_parse_long("", 1, 100, &v, why, sizeof(why)), -1);
	cr_assert_eq(nsb_parse_long("-3", 1, 100, &v, why, sizeof(why)), -1);
	cr_assert_eq(nsb_parse_long("99999999999999999999999", 1, 100, &v, why, sizeof(why)), -1);
	cr_assert_eq(v, 25, "a rejected value must not be stored");

	cr_assert_eq(nsb_parse_seconds("0.25", &s, why, sizeof(why)), 0);
	near(s, 0.25);
	cr_assert_eq(nsb_parse_seconds("0", &s, why, sizeof(why)), -1);
	cr_assert_eq(nsb_parse_seconds("-1", &s, why, sizeof(why)), -1);
	cr_assert_eq(nsb_parse_seconds("nan", &s, why, sizeof(why)), -1);
	cr_assert_eq(nsb_parse_seconds("1s", &s, why, sizeof(why)), -1);
}

Test(nsbench_parse, lists)
{
	long v[NSB_MAX_LIST];
	char why[256];
	size_t n;

	cr_assert_eq(nsb_parse_long_list("1,2,4", 1, NSB_MAX_WORKERS, v, &n, why, sizeof(why)), 0);
	cr_assert_eq(n, 3);
	cr_assert(v[0] == 1 && v[1] == 2 && v[2] == 4);
	cr_assert_eq(nsb_parse_long_list("1,65", 1, NSB_MAX_WORKERS, v, &n, why, sizeof(why)), -1);
	cr_assert_str_eq(why, "65 is out of range (allowed: 1..64)");
	cr_assert_eq(nsb_parse_long_list("", 1, 64, v, &n, why, sizeof(why)), -1);
	cr_assert_eq(nsb_parse_long_list("1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17", 1, 64, v, &n,
					 why, sizeof(why)), -1);
	cr_assert_str_eq(why, "more than 16 values");
}

/* Two rows: one measured, one with only a note that needs quoting. */
static void sample_rows(struct nsb_row rows[2])
{
	double v[] = { 1000, 2000, 3000 };

	nsb_row_init(&rows[0], NSB_K_LATENCY, "unshare", "uts", -1);
	nsb_stats_compute(v, 3, &rows[0].st);
	rows[0].base_p50 = 500;
	rows[0].drift = -0.25;
	nsb_row_init(&rows[1], NSB_K_PEER, "run", "crun", -1);
	snprintf(rows[1].note, sizeof(rows[1].note), "unavailable: exit 1: \"cgroup\", v1\n");
}

static char *render(void (*fn)(FILE *, const struct nsb_row *), const struct nsb_row *rows)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	cr_assert_not_null(f);
	fn(f, rows);
	cr_assert_eq(fclose(f), 0);
	return buf;
}

static const struct nsb_meta meta = {
	.kernel = "Linux test", .machine = "cpu \"x\"", .cpus = 2, .pinned_cpu = -1,
	.timer_ns = 30, .timer_min_ns = 20, .nscount = "nscount not loaded", .method = "m",
};

static void csv2(FILE *f, const struct nsb_row *rows)
{
	nsb_write_csv(f, rows, 2);
}

static void json2(FILE *f, const struct nsb_row *rows)
{
	cr_assert_eq(nsb_write_json(f, &meta, rows, 2), 0);
}

static void table2(FILE *f, const struct nsb_row *rows)
{
	nsb_write_table(f, &meta, rows, 2);
}

/* Fields of one CSV record starting at *p (RFC 4180 quoting); *p moves past it. */
static int csv_fields(const char **p, char fields[][64], int max)
{
	const char *s = *p;
	int n = 0, k = 0;
	bool quoted = false;

	for (; *s && (quoted || *s != '\n'); s++) {
		if (quoted && *s == '"' && s[1] == '"') {
			fields[n][k++] = *s++;
		} else if (*s == '"') {
			quoted = !quoted;
		} else if (!quoted && *s == ',') {
			fields[n][k] = 0;
			cr_assert_lt(++n, max);
			k = 0;
		} else if (k < 63) {
			fields[n][k++] = *s;
		}
	}
	fields[n][k] = 0;
	*p = *s ? s + 1 : s;
	return n + 1;
}

TestSuite(nsbench_report, .timeout = 60);

Test(nsbench_report, csv_reads_back)
{
	struct nsb_row rows[2];
	char f[32][64];
	const char *p;
	char *doc;

	sample_rows(rows);
	doc = render(csv2, rows);
	p = doc;
	cr_assert_eq(csv_fields(&p, f, 32), 22);
	cr_assert_str_eq(f[0], "kind");
	cr_assert_str_eq(f[6], "p50_ns");
	cr_assert_str_eq(f[20], "drift");
	cr_assert_str_eq(f[21], "note");
	cr_assert_eq(csv_fields(&p, f, 32), 22);
	cr_assert_str_eq(f[20], "-0.2500", "drift keeps its sign");
	cr_assert_str_eq(f[2], "uts");
	cr_assert_str_eq(f[3], "", "no param is an empty field");
	cr_assert_str_eq(f[4], "3");
	cr_assert_str_eq(f[6], "2000.0");
	cr_assert_str_eq(f[13], "500.0");
	cr_assert_eq(csv_fields(&p, f, 32), 22, "a quoted comma and newline stay in one field");
	cr_assert_str_eq(f[0], "peer");
	cr_assert_str_eq(f[4], "0");
	cr_assert_str_eq(f[6], "");
	cr_assert_str_eq(f[20], "", "no drift is an empty field");
	cr_assert_str_eq(f[21], "unavailable: exit 1: \"cgroup\", v1\n");
	cr_assert_str_eq(p, "");
	free(doc);
}

/* @doc parsed as one JSON document: a failure names where. */
static json_object *parse(const char *doc)
{
	const char *why;
	int line;
	json_object *o = nslab_json_parse(doc, &line, &why);

	cr_assert_not_null(o, "not JSON (line %d: %s): %s", line, why, doc);
	return o;
}

/* @o's @key, which must be there. */
static json_object *member(json_object *o, const char *key)
{
	json_object *v;

	cr_assert(json_object_object_get_ex(o, key, &v), "no %s in %s", key,
		  json_object_to_json_string(o));
	return v;
}

/* The row of @op on @what (a "type" or a "peer": @key) in a parsed report, or NULL. */
static json_object *find_row(json_object *report, const char *op, const char *key, const char *what)
{
	json_object *results = member(report, "results"), *v;

	for (size_t i = 0; i < json_object_array_length(results); i++) {
		json_object *row = json_object_array_get_idx(results, i);

		if (strcmp(json_object_get_string(member(row, "op")), op) == 0 &&
		    json_object_object_get_ex(row, key, &v) &&
		    strcmp(json_object_get_string(v), what) == 0)
			return row;
	}
	return NULL;
}

Test(nsbench_report, json_shape)
{
	json_object *report, *row;
	struct nsb_row rows[2];
	char *doc;

	sample_rows(rows);
	doc = render(json2, rows);
	report = parse(doc);
	cr_assert_str_eq(json_object_get_string(member(member(report, "machine"), "cpu")), "cpu \"x\"");
	cr_assert_eq(json_object_get_int(member(member(report, "machine"), "cpus")), 2);
	cr_assert_eq(json_object_array_length(member(report, "results")), 2);
	row = find_row(report, "unshare", "type", "uts");
	cr_assert_not_null(row, "%s", doc);
	cr_assert_str_eq(json_object_get_string(member(row, "kind")), "latency");
	near(json_object_get_double(member(row, "p50_ns")), 2000);
	cr_assert(json_object_is_type(member(row, "ratio"), json_type_null), "absent: %s", doc);
	near(json_object_get_double(member(row, "drift")), -0.25);
	row = find_row(report, "run", "peer", "crun");
	cr_assert_not_null(row, "%s", doc);
	cr_assert(json_object_is_type(member(row, "drift"), json_type_null), "absent: %s", doc);
	cr_assert(json_object_is_type(member(row, "cpu_ns"), json_type_null), "absent: %s", doc);
	cr_assert_str_eq(json_object_get_string(member(row, "note")), "unavailable: exit 1: \"cgroup\", v1\n");
	/* The fixed decimals of the table stay in the JSON. */
	cr_assert_not_null(strstr(doc, "\"p50_ns\":2000.0,"), "%s", doc);
	json_object_put(report);
	free(doc);
}

Test(nsbench_report, table_sections)
{
	struct nsb_row rows[2];
	char *doc;

	sample_rows(rows);
	doc = render(table2, rows);
	cr_assert_not_null(strstr(doc, "\nlatency (µs)\n"));
	cr_assert_not_null(strstr(doc, "\npeer (µs)\n"));
	cr_assert_not_null(strstr(doc, "kernel view: nscount not loaded\n"));
	/* p50 2.00 µs and p50 - base 1.50 µs, in the row of uts. */
	cr_assert_not_null(strstr(doc, "2.00"));
	cr_assert_not_null(strstr(doc, "1.50"));
	cr_assert_not_null(strstr(doc, "crun          unavailable: exit 1"));
	cr_assert_not_null(strstr(doc, "  -25%"), "drift in %% of p50, signed: %s", doc);
	free(doc);
}

TestSuite(nsbench_cli, .timeout = 120);

Test(nsbench_cli, bad_input_exits_2_with_one_line)
{
	static const char *const bad[][2] = {
		{ "-o fork", "nsbench: --ops: unknown op 'fork' (allowed: " },
		{ "-t foo", "nsbench: --types: unknown type 'foo' (allowed: " },
		{ "-n 0", "nsbench: --samples: 0 is out of range (allowed: 1..1000000)" },
		{ "-w 1,65", "nsbench: --workers: 65 is out of range (allowed: 1..64)" },
		{ "-T abc", "nsbench: --time: 'abc' is not a number of seconds" },
		{ "--rounds 0", "nsbench: --rounds: 0 is out of range (allowed: 1..1000)" },
		{ "--population=uts", "nsbench: --population: only mnt and net" },
		{ "--plot out.pdf", "nsbench: --plot: 'out.pdf' must end in .svg or .png" },
		{ "--frobnicate", "nsbench: --frobnicate: unknown option" },
	};
	const char *bin = nsbench_bin();
	char cmd[PATH_MAX + 64], out[1024];
	size_t i;

	for (i = 0; i < N_ELEMENTS(bad); i++) {
		snprintf(cmd, sizeof(cmd), "%s %s 2>&1", bin, bad[i][0]);
		cr_expect_eq(host_sh(cmd, out, sizeof(out)), 2, "%s", cmd);
		cr_expect_eq(strncmp(out, bad[i][1], strlen(bad[i][1])), 0, "%s: %s", cmd, out);
		cr_expect_eq(strchr(out, '\n'), out + strlen(out) - 1, "one line: %s", out);
	}
	snprintf(cmd, sizeof(cmd), "%s --help", bin);
	cr_assert_eq(host_sh(cmd, out, sizeof(out)), 0);
	cr_assert_eq(strncmp(out, "usage: nsbench", 14), 0);
}

/*
 * Every op of every type (and each baseline) yields a measured row of ten
 * samples.  What the rows measure is nsbench's to report, never a pass/fail
 * here: on a loaded machine, or under ASan, even a net namespace against a
 * uts one is no sure margin.
 */
Test(nsbench_cli, quick_json_has_every_cell, .timeout = 120)
{
	const char *bin = nsbench_bin();
	char cmd[PATH_MAX + 64];
	size_t size = 1 << 20;
	char *out = malloc(size);
	json_object *report;
	int op, t;

	require_root();
	cr_assert_not_null(out);
	snprintf(cmd, sizeof(cmd), "%s --quick --json", bin);
	cr_assert_eq(host_sh(cmd, out, size), 0, "%s", out);
	report = parse(out);
	for (op = 0; op < NSB_NOPS; op++)
		for (t = 0; t < NSB_NTYPES; t++) {
			json_object *row = find_row(report, nsb_op_names[op], "type", nsb_type_names[t]);

			cr_expect_not_null(row, "no row %s on %s", nsb_op_names[op], nsb_type_names[t]);
			if (row)
				cr_expect_eq(json_object_get_int(member(row, "n")), 10,
					     "%s on %s: not 10 samples", nsb_op_names[op], nsb_type_names[t]);
		}
	json_object_put(report);
	free(out);
}
