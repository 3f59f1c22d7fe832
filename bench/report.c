// SPDX-License-Identifier: GPL-2.0
/* nsbench's report: an aligned table for people, JSON (json-c) and CSV for scripts (values in ns). */
#include "nsbench.h"
#include "json.h"

#include <errno.h>
#include <math.h>
#include <string.h>

static const char *const kind_names[NSB_K_PEER + 1] = {
	[NSB_K_LATENCY] = "latency",
	[NSB_K_SCALING] = "scaling",
	[NSB_K_POPULATION] = "population",
	[NSB_K_TEARDOWN] = "teardown",
	[NSB_K_PEER] = "peer",
};

/* What param means in each kind; NULL: none. */
static const char *const param_names[NSB_K_PEER + 1] = {
	[NSB_K_SCALING] = "workers",
	[NSB_K_POPULATION] = "population",
};

void nsb_row_init(struct nsb_row *r, enum nsb_kind kind, const char *op, const char *what,
		  long param)
{
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	snprintf(r->op, sizeof(r->op), "%s", op);
	snprintf(r->what, sizeof(r->what), "%s", what);
	r->param = param;
	r->base_p50 = -1;
	r->kern_ns = -1;
	r->tput = -1;
	r->ratio = -1;
	r->rss_kb = -1;
	r->cpu_ns = -1;
	r->cpu_ratio = -1;
	r->drift = NAN;
}

/* µs with two decimals, or "-" when @ns < 0. */
static void print_us(FILE *out, int width, double ns)
{
	if (ns < 0)
		fprintf(out, " %*s", width, "-");
	else
		fprintf(out, " %*.2f", width, ns / 1000.0);
}

static void print_ratio(FILE *out, double ratio)
{
	if (ratio >= 0)
		fprintf(out, " %7.2f", ratio);
	else
		fprintf(out, " %7s", "-");
}

static void table_header(FILE *out, enum nsb_kind k)
{
	fprintf(out, "\n%s (µs)\n%-10s %-12s", kind_names[k], "op", k == NSB_K_PEER ? "peer" : "type");
	if (param_names[k])
		fprintf(out, " %10s", param_names[k]);
	fprintf(out, " %6s %9s %9s %9s %9s %9s %9s %8s %10s %6s", "n", "min", "p50", "p90", "p99",
		"max", "mean", "sd", k == NSB_K_SCALING ? "total/s" : "ops/s", "drift");
	if (k == NSB_K_LATENCY)
		fprintf(out, " %9s %9s", "p50-base", "kernel");
	if (k == NSB_K_PEER)
		fprintf(out, " %7s %9s %7s %8s", "ratio", "cpu", "cpu-rt", "rss(KiB)");
	fputc('\n', out);
}

static void table_row(FILE *out, const struct nsb_row *r)
{
	const struct nsb_stats *s = &r->st;

	fprintf(out, "%-10s %-12s", r->op, r->what);
	if (param_names[r->kind])
		fprintf(out, " %10ld", r->param);
	if (!s->n) {
		fprintf(out, "  %s\n", r->note);
		return;
	}
	fprintf(out, " %6zu", s->n);
	print_us(out, 9, s->min);
	print_us(out, 9, s->p50);
	print_us(out, 9, s->p90);
	print_us(out, 9, s->p99);
	print_us(out, 9, s->max);
	print_us(out, 9, s->mean);
	print_us(out, 8, s->sd);
	fprintf(out, " %10.0f", r->tput >= 0 ? r->tput : s->ops);
	/* Second half's p50 against the first's, in % of the cell's p50. */
	if (isnan(r->drift))
		fprintf(out, " %6s", "-");
	else
		fprintf(out, " %+5.0f%%", r->drift * 100);
	if (r->kind == NSB_K_LATENCY) {
		/* Below the baseline is a result too (noise, or a cheaper path): keep the sign. */
		if (r->base_p50 >= 0)
			fprintf(out, " %9.2f", (s->p50 - r->base_p50) / 1000.0);
		else
			fprintf(out, " %9s", "-");
		print_us(out, 9, r->kern_ns);
	}
	if (r->kind == NSB_K_PEER) {
		print_ratio(out, r->ratio);
		print_us(out, 9, r->cpu_ns);
		print_ratio(out, r->cpu_ratio);
		fprintf(out, " %8ld", r->rss_kb);
	}
	if (r->note[0])
		fprintf(out, "  %s", r->note);
	fputc('\n', out);
}

void nsb_write_table(FILE *out, const struct nsb_meta *m, const struct nsb_row *rows, size_t n)
{
	int k = -1;
	size_t i;

	fprintf(out, "nsbench: %s, %s, %d cpus%s, %s\n", m->kernel, m->machine, m->cpus,
		m->pinned_cpu >= 0 ? " (pinned)" : "", m->root ? "root" : "unprivileged");
	fprintf(out, "timer: clock_gettime(CLOCK_MONOTONIC) pair p50 %.0f ns (min %.0f ns)\n",
		m->timer_ns, m->timer_min_ns);
	fprintf(out, "kernel view: %s\n", m->nscount);
	fprintf(out, "method: %s\n", m->method);
	for (i = 0; i < n; i++) {
		if ((int)rows[i].kind != k) {
			k = rows[i].kind;
			table_header(out, rows[i].kind);
		}
		table_row(out, &rows[i]);
	}
}

/* A number with @prec decimals, or JSON null when @v < 0 (absent). */
static json_object *json_num(double v, int prec)
{
	char text[64];

	if (v < 0)
		return NULL;
	snprintf(text, sizeof(text), "%.*f", prec, v);
	return json_object_new_double_s(v, text);
}

/* The numeric fields of a row, in JSON and CSV order; absent ones are < 0. */
enum { NFIELDS = 18 };

static const struct {
	const char *name;
	int prec;
} fields[NFIELDS] = {
	{ "param", 0 }, { "n", 0 }, { "min_ns", 1 }, { "p50_ns", 1 }, { "p90_ns", 1 },
	{ "p99_ns", 1 }, { "max_ns", 1 }, { "mean_ns", 1 }, { "sd_ns", 1 }, { "ops_per_s", 1 },
	{ "base_p50_ns", 1 }, { "kernel_ns", 1 }, { "throughput", 1 }, { "ratio", 3 },
	{ "rss_kb", 0 }, { "cpu_ns", 1 }, { "cpu_ratio", 3 },
};

static void row_values(const struct nsb_row *r, double v[NFIELDS])
{
	const struct nsb_stats *s = &r->st;
	const double stats[] = { s->min, s->p50, s->p90, s->p99, s->max, s->mean, s->sd, s->ops };
	size_t i;

	v[0] = (double)r->param;
	v[1] = (double)s->n;
	for (i = 0; i < N_ELEMENTS(stats); i++)
		v[2 + i] = s->n ? stats[i] : -1;
	v[10] = r->base_p50;
	v[11] = r->kern_ns;
	v[12] = r->tput;
	v[13] = r->ratio;
	v[14] = (double)r->rss_kb;
	v[15] = r->cpu_ns;
	v[16] = r->cpu_ratio;
}

static json_object *meta_json(const struct nsb_meta *m)
{
	json_object *doc = json_object_new_object(), *machine = json_object_new_object(),
		    *timer = json_object_new_object();

	if (!doc || !machine || !timer) {
		json_object_put(doc);
		json_object_put(machine);
		json_object_put(timer);
		return NULL;
	}
	json_object_object_add(machine, "kernel", json_object_new_string(m->kernel));
	json_object_object_add(machine, "cpu", json_object_new_string(m->machine));
	json_object_object_add(machine, "cpus", json_object_new_int(m->cpus));
	json_object_object_add(machine, "pinned_cpu", json_object_new_int(m->pinned_cpu));
	json_object_object_add(machine, "root", json_object_new_boolean(m->root));
	json_object_object_add(doc, "machine", machine);
	json_object_object_add(timer, "p50_ns", json_num(m->timer_ns, 1));
	json_object_object_add(timer, "min_ns", json_num(m->timer_min_ns, 1));
	json_object_object_add(doc, "timer", timer);
	json_object_object_add(doc, "nscount", json_object_new_string(m->nscount));
	json_object_object_add(doc, "method", json_object_new_string(m->method));
	return doc;
}

static json_object *row_json(const struct nsb_row *r)
{
	json_object *o = json_object_new_object();
	double v[NFIELDS];

	if (!o)
		return NULL;
	json_object_object_add(o, "kind", json_object_new_string(kind_names[r->kind]));
	json_object_object_add(o, "op", json_object_new_string(r->op));
	json_object_object_add(o, r->kind == NSB_K_PEER ? "peer" : "type",
			       json_object_new_string(r->what));
	row_values(r, v);
	for (size_t f = 0; fields[f].name; f++)
		json_object_object_add(o, fields[f].name, json_num(v[f], fields[f].prec));
	/* Signed, unlike the fields above: NAN is its absence. */
	json_object_object_add(o, "drift", isnan(r->drift) ? NULL : json_object_new_double(r->drift));
	json_object_object_add(o, "note", json_object_new_string(r->note));
	return o;
}

int nsb_write_json(FILE *out, const struct nsb_meta *m, const struct nsb_row *rows, size_t n)
{
	json_object *doc = meta_json(m), *results = json_object_new_array();

	if (!doc || !results) {
		json_object_put(doc);
		json_object_put(results);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		json_object_array_add(results, row_json(&rows[i]));
	json_object_object_add(doc, "results", results);
	return nslab_json_print(out, doc);
}

/* Empty when absent: spreadsheets read that as a missing value. */
static void csv_num(FILE *out, double v, int prec)
{
	if (v >= 0)
		fprintf(out, ",%.*f", prec, v);
	else
		fputc(',', out);
}

void nsb_write_csv(FILE *out, const struct nsb_row *rows, size_t n)
{
	double v[NFIELDS];
	size_t i, f;
	const char *c;

	fputs("kind,op,type", out);
	for (f = 0; fields[f].name; f++)
		fprintf(out, ",%s", fields[f].name);
	fputs(",drift,note\n", out);
	for (i = 0; i < n; i++) {
		fprintf(out, "%s,%s,%s", kind_names[rows[i].kind], rows[i].op, rows[i].what);
		row_values(&rows[i], v);
		for (f = 0; fields[f].name; f++)
			csv_num(out, v[f], fields[f].prec);
		if (isnan(rows[i].drift))
			fputc(',', out);
		else
			fprintf(out, ",%.4f", rows[i].drift);
		fputs(",\"", out);
		for (c = rows[i].note; *c; c++) {
			if (*c == '"')
				fputc('"', out);
			fputc(*c, out);
		}
		fputs("\"\n", out);
	}
}
