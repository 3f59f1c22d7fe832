// SPDX-License-Identifier: GPL-2.0
/* /proc/nscount: the counters as a table a person can cat. */
#include <linux/math64.h>
#include <linux/proc_fs.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "nscount.h"

#define PROC_NAME "nscount"

static const char *status(u32 flags)
{
	switch (flags & (NSCOUNT_F_NO_COUNT | NSCOUNT_F_NO_LATENCY)) {
	case 0:
		return "ok";
	case NSCOUNT_F_NO_COUNT:
		return "no-count";
	case NSCOUNT_F_NO_LATENCY:
		return "no-latency";
	default:
		return "unsupported";
	}
}

static int nscount_show(struct seq_file *m, void *v)
{
	struct nscount_snapshot *s;
	unsigned int t, b;

	/* One reading for the whole table; too big for the stack. */
	s = kmalloc_array(NSCOUNT_TYPE_COUNT, sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	for (t = 0; t < NSCOUNT_TYPE_COUNT; t++)
		nscount_read(t, &s[t]);

	seq_puts(m, "# created/destroyed/live/peak count since load: live is relative to load\n"
		 "# (negative while older namespaces die); frees of ipc, user, net (workqueue)\n"
		 "# and pid (RCU) lag their last user.  '-': this kernel cannot count it.\n");
	seq_printf(m, "%-7s %-11s %10s %10s %8s %8s %7s %8s %13s\n", "type", "status",
		   "created", "destroyed", "live", "peak", "missed", "samples", "mean_ns");
	for (t = 0; t < NSCOUNT_TYPE_COUNT; t++) {
		seq_printf(m, "%-7s %-11s ", nscount_type_name(t), status(s[t].flags));
		if (s[t].flags & NSCOUNT_F_NO_COUNT)
			seq_printf(m, "%10s %10s %8s %8s %7s ", "-", "-", "-", "-", "-");
		else
			seq_printf(m, "%10llu %10llu %8lld %8lld %7llu ", s[t].created,
				   s[t].destroyed, s[t].live, s[t].peak, s[t].missed);
		if (s[t].flags & NSCOUNT_F_NO_LATENCY)
			seq_printf(m, "%8s %13s\n", "-", "-");
		else
			seq_printf(m, "%8llu %13llu\n", s[t].lat_samples, s[t].lat_samples ?
				   div64_u64(s[t].lat_sum_ns, s[t].lat_samples) : 0);
	}

	seq_printf(m, "\n# net cross-check, pernet subsystem (absolute: every netns alive at load)\n"
		   "pernet created %llu destroyed %llu live %llu\n",
		   s[NSCOUNT_TYPE_NET].pernet_created, s[NSCOUNT_TYPE_NET].pernet_destroyed,
		   s[NSCOUNT_TYPE_NET].pernet_created - s[NSCOUNT_TYPE_NET].pernet_destroyed);

	seq_puts(m, "\n# creation latency: samples per log2 bucket, 'from_ns:count'\n");
	for (t = 0; t < NSCOUNT_TYPE_COUNT; t++) {
		if (s[t].flags & NSCOUNT_F_NO_LATENCY)
			continue;
		seq_printf(m, "latency %s", nscount_type_name(t));
		for (b = 0; b < NSCOUNT_LAT_BUCKETS; b++)
			if (s[t].lat_hist[b])
				seq_printf(m, " %llu:%llu", 1ULL << b, s[t].lat_hist[b]);
		seq_putc(m, '\n');
	}
	kfree(s);
	return 0;
}

int __init nscount_proc_init(void)
{
	return proc_create_single(PROC_NAME, 0444, NULL, nscount_show) ? 0 : -ENOMEM;
}

void nscount_proc_exit(void)
{
	remove_proc_entry(PROC_NAME, NULL);
}
