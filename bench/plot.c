// SPDX-License-Identifier: GPL-2.0
/*
 * --plot: the scaling, population and latency curves through gnuplot, one
 * panel per kind of row that has results.
 */
#include "bench_int.h"

#include <string.h>

struct panel {
	enum nsb_kind kind;
	const char *type;		/* population: one type per panel; NULL: any */
	const char *title, *xlabel, *ylabel;
	bool logx, logy;
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
	fprintf(g, "set title '%s'\nset xlabel '%s'\nset ylabel '%s'\n%s\n%s\n%s\nplot", p->title,
		p->xlabel, p->ylabel, p->logx ? "set logscale x" : "unset logscale x",
		p->logy ? "set logscale y\nset yrange [*:*]" : "unset logscale y\nset yrange [0:*]",
		lat ? "set xtics rotate by -45" : "set xtics norotate");
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

int plot(const char *file, const struct nsb_row *rows, size_t n)
{
	static const struct panel panels[] = {
		{ NSB_K_SCALING, NULL, "throughput of parallel creators", "workers", "ops/s",
		  false, false },
		{ NSB_K_POPULATION, "mnt", "mnt unshare vs mounts in the parent ns", "mounts",
		  "p50 (us)", true, false },
		{ NSB_K_POPULATION, "net", "net unshare vs live netns", "live netns", "p50 (us)",
		  false, false },
		/* From a third of a microsecond to a millisecond: only a log axis shows both. */
		{ NSB_K_LATENCY, NULL, "latency per type", "", "p50 (us)", false, true },
	};
	size_t i, shown = 0;
	bool svg = strlen(file) > 4 && !strcmp(file + strlen(file) - 4, ".svg");
	FILE *g;

	for (i = 0; i < N_ELEMENTS(panels); i++)
		shown += has_kind(rows, n, &panels[i]);
	if (!shown)
		return 0;
	g = popen("gnuplot", "w");
	if (!g)
		die("gnuplot");
	fprintf(g, "set terminal %s size %zu,450\nset output '%s'\nset key top left\nset grid\n"
		"set multiplot layout 1,%zu\n", svg ? "svg dynamic" : "png", 520 * shown, file, shown);
	for (i = 0; i < N_ELEMENTS(panels); i++)
		if (has_kind(rows, n, &panels[i]))
			plot_panel(g, &panels[i], rows, n);
	fputs("unset multiplot\n", g);
	return pclose(g) == 0 ? 0 : -1;
}
