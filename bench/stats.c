// SPDX-License-Identifier: GPL-2.0
/* nsbench: statistics over a cell's samples and the command-line value parsers. */
#include "nsbench.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TYPE_NAME(id, name, flag) name,
const char *const nsb_type_names[NSB_NTYPES] = { NSLAB_NS_TABLE(TYPE_NAME) "all", "none" };
#undef TYPE_NAME

const char *const nsb_op_names[NSB_NOPS] = {
	"unshare", "clone", "lifecycle", "setns", "pidfd",
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double nsb_percentile(const double *sorted, size_t n, double p)
{
	double rank, frac;
	size_t lo;

	if (!n)
		return 0;
	rank = p / 100.0 * (double)(n - 1);
	lo = (size_t)rank;
	if (lo + 1 >= n)
		return sorted[n - 1];
	frac = rank - (double)lo;
	return sorted[lo] + (sorted[lo + 1] - sorted[lo]) * frac;
}

void nsb_stats_compute(double *v, size_t n, struct nsb_stats *st)
{
	double sum = 0, sq = 0;
	size_t i;

	memset(st, 0, sizeof(*st));
	if (!n)
		return;
	qsort(v, n, sizeof(*v), cmp_double);
	for (i = 0; i < n; i++)
		sum += v[i];
	st->n = n;
	st->mean = sum / (double)n;
	/* Two passes: the one-pass formula loses everything to cancellation on µs data. */
	for (i = 0; i < n; i++)
		sq += (v[i] - st->mean) * (v[i] - st->mean);
	st->sd = n > 1 ? sqrt(sq / (double)(n - 1)) : 0;
	st->min = v[0];
	st->max = v[n - 1];
	st->p50 = nsb_percentile(v, n, 50);
	st->p90 = nsb_percentile(v, n, 90);
	st->p99 = nsb_percentile(v, n, 99);
	st->ops = st->mean > 0 ? 1e9 / st->mean : 0;
}

/* "a,b,c" of names[0..count) into a bitmask of their indexes. */
static int parse_names(const char *s, const char *const *names, int count, const char *kind,
		       unsigned *mask, char *why, size_t len)
{
	char *dup, *tok, *save = NULL;
	int i, ret = 0;

	*mask = 0;
	if (!s || !*s) {
		snprintf(why, len, "empty %s list", kind);
		return -1;
	}
	dup = strdup(s);
	if (!dup) {
		snprintf(why, len, "%s", strerror(ENOMEM));
		return -1;
	}
	for (tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < count && strcmp(tok, names[i]); i++)
			;
		if (i == count) {
			char allowed[160] = "";
			int j;

			for (j = 0; j < count; j++)
				snprintf(allowed + strlen(allowed), sizeof(allowed) - strlen(allowed),
					 "%s%s", j ? "," : "", names[j]);
			snprintf(why, len, "unknown %s '%s' (allowed: %s)", kind, tok, allowed);
			ret = -1;
			break;
		}
		*mask |= 1u << i;
	}
	if (!ret && !*mask) {
		snprintf(why, len, "empty %s list", kind);
		ret = -1;
	}
	free(dup);
	return ret;
}

int nsb_parse_types(const char *s, unsigned *mask, char *why, size_t len)
{
	/* "none" is the baseline every op gets anyway, never asked for. */
	return parse_names(s, nsb_type_names, NSB_NONE, "type", mask, why, len);
}

int nsb_parse_ops(const char *s, unsigned *mask, char *why, size_t len)
{
	return parse_names(s, nsb_op_names, NSB_NOPS, "op", mask, why, len);
}

int nsb_parse_long(const char *s, long min, long max, long *out, char *why, size_t len)
{
	char *end;
	long v;

	errno = 0;
	v = s && *s ? strtol(s, &end, 10) : 0;
	if (!s || !*s || *end || errno) {
		snprintf(why, len, "'%s' is not a number", s ? s : "");
		return -1;
	}
	if (v < min || v > max) {
		snprintf(why, len, "%ld is out of range (allowed: %ld..%ld)", v, min, max);
		return -1;
	}
	*out = v;
	return 0;
}

int nsb_parse_seconds(const char *s, double *out, char *why, size_t len)
{
	char *end;
	double v;

	errno = 0;
	v = s && *s ? strtod(s, &end) : 0;
	if (!s || !*s || *end || errno || isnan(v)) {
		snprintf(why, len, "'%s' is not a number of seconds", s ? s : "");
		return -1;
	}
	if (v <= 0 || v > 3600) {
		snprintf(why, len, "%g is out of range (allowed: 0 < seconds <= 3600)", v);
		return -1;
	}
	*out = v;
	return 0;
}

int nsb_parse_long_list(const char *s, long min, long max, long *out, size_t *n,
			char *why, size_t len)
{
	char *dup, *tok, *save = NULL;
	int ret = 0;

	*n = 0;
	dup = s ? strdup(s) : NULL;
	if (!dup) {
		snprintf(why, len, "empty list");
		return -1;
	}
	for (tok = strtok_r(dup, ",", &save); tok && !ret; tok = strtok_r(NULL, ",", &save)) {
		if (*n == NSB_MAX_LIST) {
			snprintf(why, len, "more than %d values", NSB_MAX_LIST);
			ret = -1;
		} else {
			ret = nsb_parse_long(tok, min, max, &out[*n], why, len);
			*n += !ret;
		}
	}
	if (!ret && !*n) {
		snprintf(why, len, "empty list");
		ret = -1;
	}
	free(dup);
	return ret;
}

double nsb_drift(const double *v, size_t n)
{
	size_t half = n / 2, i;
	double *a, first, second, all;

	if (n < 4)
		return NAN;
	a = malloc(n * sizeof(*a));
	if (!a)
		return NAN;
	memcpy(a, v, n * sizeof(*a));
	qsort(a, half, sizeof(*a), cmp_double);
	qsort(a + half, n - half, sizeof(*a), cmp_double);
	first = nsb_percentile(a, half, 50);
	second = nsb_percentile(a + half, n - half, 50);
	for (i = 0; i < n; i++)
		a[i] = v[i];
	qsort(a, n, sizeof(*a), cmp_double);
	all = nsb_percentile(a, n, 50);
	free(a);
	return all > 0 ? (second - first) / all : NAN;
}

bool nsb_plan_next(struct nsb_plan *p, size_t *cell, size_t *round)
{
	size_t i;

	if (!p->ncells || p->step >= p->ncells * p->rounds)
		return false;
	*round = p->step / p->ncells;
	i = p->step % p->ncells;
	*cell = *round % 2 ? p->ncells - 1 - i : i;
	p->step++;
	return true;
}

size_t nsb_chunk(size_t total, size_t rounds, size_t round)
{
	return total / rounds + (round < total % rounds);
}
