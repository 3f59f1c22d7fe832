// SPDX-License-Identifier: GPL-2.0
/*
 * /proc/nscount: the counters as a table a person can cat.  The same policy
 * as the netlink family: mode 0400, and opening needs CAP_NET_ADMIN in the
 * initial user namespace, so that a container's root (the file shows in
 * every proc mount) cannot read the machine's counts.
 */
#include <linux/capability.h>
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
	seq_printf(m, "%-7s %-11s %10s %10s %8s %8s %7s %8s %13s %7s\n", "type", "status",
		   "created", "destroyed", "live", "peak", "missed", "samples", "mean_ns",
		   "failed");
	for (t = 0; t < NSCOUNT_TYPE_COUNT; t++) {
		seq_printf(m, "%-7s %-11s ", nscount_type_name(t), status(s[t].flags));
		if (s[t].flags & NSCOUNT_F_NO_COUNT)
			seq_printf(m, "%10s %10s %8s %8s %7s ", "-", "-", "-", "-", "-");
		else
			seq_printf(m, "%10llu %10llu %8lld %8lld %7llu ", s[t].created,
				   s[t].destroyed, s[t].live, s[t].peak, s[t].missed);
		if (s[t].flags & NSCOUNT_F_NO_LATENCY)
			seq_printf(m, "%8s %13s %7s\n", "-", "-", "-");
		else
			seq_printf(m, "%8llu %13llu %7llu\n", s[t].lat_samples, s[t].lat_samples ?
				   div64_u64(s[t].lat_sum_ns, s[t].lat_samples) : 0, s[t].failed);
	}

	seq_printf(m, "\n# net cross-check, pernet subsystem (absolute: every netns alive at load)\n"
		   "pernet created %llu destroyed %llu live %lld\n",
		   s[NSCOUNT_TYPE_NET].pernet_created, s[NSCOUNT_TYPE_NET].pernet_destroyed,
		   s[NSCOUNT_TYPE_NET].pernet_live);
	if (!(s[NSCOUNT_TYPE_MNT].flags & NSCOUNT_F_NO_LATENCY))
		seq_printf(m, "\n# mnt created = by clone/unshare + detached trees (fsmount, open_tree)\n"
			   "mnt cloned %llu detached %lld\n", s[NSCOUNT_TYPE_MNT].lat_samples,
			   (s64)(s[NSCOUNT_TYPE_MNT].created - s[NSCOUNT_TYPE_MNT].lat_samples));

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

static int nscount_open(struct inode *inode, struct file *file)
{
	if (!capable(CAP_NET_ADMIN))
		return -EPERM;
	return single_open(file, nscount_show, NULL);
}

static const struct proc_ops nscount_proc_ops = {
	.proc_open = nscount_open,
	.proc_read = seq_read,
	.proc_lseek = seq_lseek,
	.proc_release = single_release,
};

int __init nscount_proc_init(void)
{
	return proc_create(PROC_NAME, 0400, NULL, &nscount_proc_ops) ? 0 : -ENOMEM;
}

void nscount_proc_exit(void)
{
	remove_proc_entry(PROC_NAME, NULL);
}
