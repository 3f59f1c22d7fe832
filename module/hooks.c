// SPDX-License-Identifier: GPL-2.0
/*
 * nscount: counts every namespace's creation and destruction, per type, from
 * the kernel's own accounting.  Every namespace type charges its owner's
 * ucounts on creation (inc_ucount) and uncharges them when it is freed
 * (dec_ucount), so one kretprobe and one kprobe see all eight types, whatever
 * holds the namespace: a process, a bind mount, an open fd or a socket.
 *
 * The counts start at load: live is created - destroyed since then and goes
 * negative while namespaces older than the module die.  Network namespaces
 * are also counted absolutely through a pernet subsystem, whose .init runs
 * for each existing netns at registration; it cross-checks the probes.
 *
 * Creation latency comes from kretprobes on the per-type copy functions.
 * Those run on every fork or setns that asks for any new namespace, so a
 * sample counts only when the call carried the type's own CLONE_NEW* flag
 * and succeeded.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/fprobe.h>
#include <linux/kprobes.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/user_namespace.h>
#include <net/net_namespace.h>

#include "nscount.h"

/*
 * Tasks inside inc_ucount at once, each holding a kretprobe instance (it may
 * sleep in an allocation).  Running out is not silent: it shows as missed.
 */
#define NSCOUNT_MAXACTIVE 512

struct nscount_type_stats {
	raw_spinlock_t lock;		/* created, destroyed, live, peak */
	u64 created, destroyed;
	s64 live, peak;
	atomic64_t lat_hist[NSCOUNT_LAT_BUCKETS];
	atomic64_t lat_sum_ns;
};

static struct nscount_type_stats stats[NSCOUNT_TYPE_COUNT];
static atomic64_t pernet_created, pernet_destroyed;

static const char * const type_names[NSCOUNT_TYPE_COUNT] = {
	[NSCOUNT_TYPE_UTS] = "uts",
	[NSCOUNT_TYPE_IPC] = "ipc",
	[NSCOUNT_TYPE_PID] = "pid",
	[NSCOUNT_TYPE_MNT] = "mnt",
	[NSCOUNT_TYPE_NET] = "net",
	[NSCOUNT_TYPE_USER] = "user",
	[NSCOUNT_TYPE_CGROUP] = "cgroup",
	[NSCOUNT_TYPE_TIME] = "time",
};

const char *nscount_type_name(enum nscount_type type)
{
	return type_names[type];
}

/* The kernel's ucount type to ours; -1 for what is not a namespace. */
static int type_of_ucount(unsigned long ucount)
{
	switch (ucount) {
	case UCOUNT_UTS_NAMESPACES:
		return NSCOUNT_TYPE_UTS;
	case UCOUNT_IPC_NAMESPACES:
		return NSCOUNT_TYPE_IPC;
	case UCOUNT_PID_NAMESPACES:
		return NSCOUNT_TYPE_PID;
	case UCOUNT_MNT_NAMESPACES:
		return NSCOUNT_TYPE_MNT;
	case UCOUNT_NET_NAMESPACES:
		return NSCOUNT_TYPE_NET;
	case UCOUNT_USER_NAMESPACES:
		return NSCOUNT_TYPE_USER;
	case UCOUNT_CGROUP_NAMESPACES:
		return NSCOUNT_TYPE_CGROUP;
#ifdef CONFIG_TIME_NS
	case UCOUNT_TIME_NAMESPACES:
		return NSCOUNT_TYPE_TIME;
#endif
	default:
		return -1;
	}
}

static bool counting;			/* inc_ucount and dec_ucount both hooked */

static void count(int type, bool create)
{
	struct nscount_type_stats *s = &stats[type];
	unsigned long irqflags;

	raw_spin_lock_irqsave(&s->lock, irqflags);
	if (create) {
		s->created++;
		s->live++;
		if (s->live > s->peak)
			s->peak = s->live;
	} else {
		s->destroyed++;
		s->live--;
	}
	raw_spin_unlock_irqrestore(&s->lock, irqflags);
}

/* inc_ucount(ns, uid, type): remember the type, count once it succeeded. */
static int inc_ucount_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	int type = type_of_ucount(regs_get_kernel_argument(regs, 2));

	if (type < 0)
		return 1;	/* not a namespace: no return hook */
	*(int *)ri->data = type;
	return 0;
}

/* NULL: over the user's limit, nothing was charged (and no dec will come). */
static int inc_ucount_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	if (regs_return_value(regs))
		count(*(int *)ri->data, true);
	return 0;
}

static struct kretprobe inc_ucount_probe = {
	.kp.symbol_name = "inc_ucount",
	.entry_handler = inc_ucount_entry,
	.handler = inc_ucount_return,
	.data_size = sizeof(int),
	.maxactive = NSCOUNT_MAXACTIVE,
};

/* dec_ucount(ucounts, type) */
static void dec_ucount_hit(struct pt_regs *regs)
{
	int type = type_of_ucount(regs_get_kernel_argument(regs, 1));

	if (type >= 0)
		count(type, false);
}

/*
 * Since 6.11 a mount namespace is freed from an RCU callback, in softirq,
 * so dec_ucount can run while this CPU is inside a kretprobe's return
 * handler (interrupts are on there).  A kprobe hit then is a reentry, which
 * the kernel counts as missed without calling us.  An fprobe's recursion
 * guard is per context, softirq apart from task: it does call us.  Kbuild
 * tells which fprobe handler signature the kernel has (NSCOUNT_FPROBE_PT_REGS).
 */
#if IS_ENABLED(CONFIG_FPROBE) && defined(NSCOUNT_FPROBE_PT_REGS)
static int dec_ucount_entry(struct fprobe *fp, unsigned long entry_ip, unsigned long ret_ip,
			    struct pt_regs *regs, void *entry_data)
{
	dec_ucount_hit(regs);
	return 0;
}

static struct fprobe dec_ucount_probe = {
	.entry_handler = dec_ucount_entry,
};

static int dec_hook_register(void)
{
	return register_fprobe(&dec_ucount_probe, "dec_ucount", NULL);
}

static void dec_hook_unregister(void)
{
	unregister_fprobe(&dec_ucount_probe);
}
#else
static int dec_ucount_pre(struct kprobe *kp, struct pt_regs *regs)
{
	dec_ucount_hit(regs);
	return 0;
}

static struct kprobe dec_ucount_probe = {
	.symbol_name = "dec_ucount",
	.pre_handler = dec_ucount_pre,
};

static int dec_hook_register(void)
{
	return register_kprobe(&dec_ucount_probe);
}

static void dec_hook_unregister(void)
{
	unregister_kprobe(&dec_ucount_probe);
}
#endif

/* A copy function whose entry-to-return time is one type's creation latency. */
struct lat_probe {
	struct kretprobe rp;
	enum nscount_type type;
	unsigned long clone_flag;	/* 0: every call creates one */
	bool returns_int;		/* 0 or -errno; else a pointer or ERR_PTR */
	bool registered;
};

static int lat_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct lat_probe *lp = container_of(get_kretprobe(ri), struct lat_probe, rp);

	if (lp->clone_flag && !(regs_get_kernel_argument(regs, 0) & lp->clone_flag))
		return 1;	/* shares the caller's namespace of this type */
	*(u64 *)ri->data = ktime_get_ns();
	return 0;
}

static int lat_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	struct lat_probe *lp = container_of(get_kretprobe(ri), struct lat_probe, rp);
	struct nscount_type_stats *s = &stats[lp->type];
	unsigned long ret = regs_return_value(regs);
	u64 ns = ktime_get_ns() - *(u64 *)ri->data;
	unsigned int bucket;

	if (lp->returns_int ? ret != 0 : IS_ERR_VALUE(ret))
		return 0;
	bucket = ns ? ilog2(ns) : 0;
	if (bucket >= NSCOUNT_LAT_BUCKETS)
		bucket = NSCOUNT_LAT_BUCKETS - 1;
	atomic64_inc(&s->lat_hist[bucket]);
	atomic64_add(ns, &s->lat_sum_ns);
	return 0;
}

#define LAT_PROBE(sym, t, flag, is_int) {				\
	.rp = {								\
		.kp.symbol_name = sym,					\
		.entry_handler = lat_entry,				\
		.handler = lat_return,					\
		.data_size = sizeof(u64),				\
		.maxactive = NSCOUNT_MAXACTIVE,				\
	},								\
	.type = t,							\
	.clone_flag = flag,						\
	.returns_int = is_int,						\
}

static struct lat_probe lat_probes[NSCOUNT_TYPE_COUNT] = {
	LAT_PROBE("copy_utsname", NSCOUNT_TYPE_UTS, CLONE_NEWUTS, false),
	LAT_PROBE("copy_ipcs", NSCOUNT_TYPE_IPC, CLONE_NEWIPC, false),
	LAT_PROBE("copy_pid_ns", NSCOUNT_TYPE_PID, CLONE_NEWPID, false),
	LAT_PROBE("copy_mnt_ns", NSCOUNT_TYPE_MNT, CLONE_NEWNS, false),
	LAT_PROBE("copy_net_ns", NSCOUNT_TYPE_NET, CLONE_NEWNET, false),
	/* Called only to make a user namespace: from clone and unshare. */
	LAT_PROBE("create_user_ns", NSCOUNT_TYPE_USER, 0, true),
	LAT_PROBE("copy_cgroup_ns", NSCOUNT_TYPE_CGROUP, CLONE_NEWCGROUP, false),
	LAT_PROBE("copy_time_ns", NSCOUNT_TYPE_TIME, CLONE_NEWTIME, false),
};

static bool type_counted(enum nscount_type type)
{
	return counting && (IS_ENABLED(CONFIG_TIME_NS) || type != NSCOUNT_TYPE_TIME);
}

static u64 nmissed(const struct kretprobe *rp)
{
	return rp->nmissed + rp->kp.nmissed;
}

void nscount_read(enum nscount_type type, struct nscount_snapshot *snap)
{
	struct nscount_type_stats *s = &stats[type];
	struct lat_probe *lp = &lat_probes[type];
	unsigned long irqflags;
	unsigned int i;

	memset(snap, 0, sizeof(*snap));
	if (!type_counted(type))
		snap->flags |= NSCOUNT_F_NO_COUNT;
	if (!lp->registered)
		snap->flags |= NSCOUNT_F_NO_LATENCY;

	raw_spin_lock_irqsave(&s->lock, irqflags);
	snap->created = s->created;
	snap->destroyed = s->destroyed;
	snap->live = s->live;
	snap->peak = s->peak;
	raw_spin_unlock_irqrestore(&s->lock, irqflags);
	/* A miss cannot be told apart by type: it may concern any of them. */
	snap->missed = nmissed(&inc_ucount_probe) + dec_ucount_probe.nmissed;

	for (i = 0; i < NSCOUNT_LAT_BUCKETS; i++) {
		snap->lat_hist[i] = atomic64_read(&s->lat_hist[i]);
		snap->lat_samples += snap->lat_hist[i];
	}
	snap->lat_sum_ns = atomic64_read(&s->lat_sum_ns);
	snap->lat_missed = nmissed(&lp->rp);

	if (type == NSCOUNT_TYPE_NET) {
		snap->pernet_created = atomic64_read(&pernet_created);
		snap->pernet_destroyed = atomic64_read(&pernet_destroyed);
	}
}

void nscount_reset_peaks(void)
{
	unsigned long irqflags;
	unsigned int t;

	for (t = 0; t < NSCOUNT_TYPE_COUNT; t++) {
		raw_spin_lock_irqsave(&stats[t].lock, irqflags);
		stats[t].peak = stats[t].live;
		raw_spin_unlock_irqrestore(&stats[t].lock, irqflags);
	}
}

static int __net_init nscount_net_init(struct net *net)
{
	atomic64_inc(&pernet_created);
	return 0;
}

static void __net_exit nscount_net_exit(struct net *net)
{
	atomic64_inc(&pernet_destroyed);
}

static struct pernet_operations nscount_net_ops = {
	.init = nscount_net_init,
	.exit = nscount_net_exit,
};

/* Both or neither: a count with only one side hooked would drift forever. */
static void hooks_register(void)
{
	unsigned int t;
	int ret;

	ret = register_kretprobe(&inc_ucount_probe);
	if (ret) {
		pr_warn("kretprobe inc_ucount: %d; counts unsupported\n", ret);
	} else {
		ret = dec_hook_register();
		if (ret) {
			pr_warn("hook on dec_ucount: %d; counts unsupported\n", ret);
			unregister_kretprobe(&inc_ucount_probe);
		}
	}
	counting = !ret;

	for (t = 0; t < NSCOUNT_TYPE_COUNT; t++) {
		ret = register_kretprobe(&lat_probes[t].rp);
		if (ret)
			pr_info("kretprobe %s: %d; %s latency unsupported\n",
				lat_probes[t].rp.kp.symbol_name, ret, type_names[t]);
		lat_probes[t].registered = !ret;
	}
}

/* Returns once no handler runs any more (the unregister calls wait for that). */
static void hooks_unregister(void)
{
	unsigned int t;

	for (t = 0; t < NSCOUNT_TYPE_COUNT; t++)
		if (lat_probes[t].registered)
			unregister_kretprobe(&lat_probes[t].rp);
	if (counting) {
		dec_hook_unregister();
		unregister_kretprobe(&inc_ucount_probe);
	}
}

static int __init nscount_init(void)
{
	unsigned int t;
	int ret;

	for (t = 0; t < NSCOUNT_TYPE_COUNT; t++)
		raw_spin_lock_init(&stats[t].lock);

	ret = register_pernet_subsys(&nscount_net_ops);
	if (ret)
		return ret;
	hooks_register();
	ret = nscount_proc_init();
	if (ret)
		goto err_hooks;
	ret = nscount_genl_init();
	if (ret)
		goto err_proc;
	return 0;

err_proc:
	nscount_proc_exit();
err_hooks:
	hooks_unregister();
	unregister_pernet_subsys(&nscount_net_ops);
	return ret;
}

static void __exit nscount_exit(void)
{
	nscount_genl_exit();
	nscount_proc_exit();
	hooks_unregister();
	unregister_pernet_subsys(&nscount_net_ops);
}

module_init(nscount_init);
module_exit(nscount_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Counts namespace creation, destruction and creation latency per type");
MODULE_AUTHOR("nslab");
