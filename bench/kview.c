// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's view: nscount's counters, read around a cell for the time the
 * kernel itself spent, and the netns teardown that only they can see.
 */
#include "bench_int.h"
#include "counters.h"

#include <errno.h>
#include <stdlib.h>

bool counters_read(struct kview *kv, struct nslab_counters *c)
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
double kernel_mean(const struct nslab_counters *a, const struct nslab_counters *b,
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
void run_teardown(struct kview *kv, const struct opts *o, struct rows *rows)
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
