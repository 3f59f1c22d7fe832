// SPDX-License-Identifier: GPL-2.0
/*
 * nscount: counts every namespace's creation and destruction, per type, from
 * the kernel's own accounting.  Every namespace type charges its owner's
 * ucounts on creation (inc_ucount) and uncharges them when it is freed
 * (dec_ucount), so one kretprobe and one ftrace hook see all eight types,
 * whatever holds the namespace: a process, a bind mount, an open fd or a
 * socket.
 *
 * The counts start at load: live is created - destroyed since then and goes
 * negative while namespaces older than the module die.  Network namespaces
 * are also counted absolutely through a pernet subsystem, whose .init runs
 * for each existing netns at registration; it cross-checks the probes.
 *
 * Creation latency comes from kretprobes on the per-type copy functions.
 * Those run on every fork or setns that asks for any new namespace, so a
 * sample counts only when the call carried the type's own CLONE_NEW* flag
 * and succeeded.  The same calls tell a charge that made nothing (the copy
 * function failed after inc_ucount, and uncharged at once) from a creation:
 * such attempts are counted as failed and left out of created and destroyed.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/err.h>
#include <linux/ftrace.h>
#include <linux/kprobes.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/trace_recursion.h>
#include <linux/user_namespace.h>
#include <net/net_namespace.h>

#include "nscount.h"

/*
 * Tasks inside inc_ucount at once, each holding a kretprobe instance (it may
 * sleep in an allocation).  Running out is not silent: it shows as missed.
 */
#define NSCOUNT_MAXACTIVE 512

struct nscount_type_stats {
	raw_spinlock_t lock;		/* charged .. peak */
	u64 charged, uncharged;		/* inc_ucount, dec_ucount */
	u64 failed;			/* charges whose copy function then failed */
	s64 live, peak;
	atomic64_t lat_hist[NSCOUNT_LAT_BUCKETS];
	atomic64_t lat_sum_ns;
};

static struct nscount_type_stats stats[NSCOUNT_TYPE_COUNT];
static atomic64_t pernet_created, pernet_destroyed, pernet_live;
/* dec_ucount hits the hook could not count (ftrace recursion in one context) */
static atomic64_t dec_missed;
/* copy calls whose failure could not be told from a creation (table full) */
static atomic64_t attempts_missed;

static bool dec_kprobe;
module_param(dec_kprobe, bool, 0444);
MODULE_PARM_DESC(dec_kprobe,
		 "hook dec_ucount with a kprobe, which loses frees that run in softirq (a test's control)");

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

/* The kernel's ucount type (an enum: the register's low 32 bits) to ours; -1 if no namespace. */
static int type_of_ucount(u32 ucount)
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
		s->charged++;
		s->live++;
		if (s->live > s->peak)
			s->peak = s->live;
	} else {
		s->uncharged++;
		s->live--;
	}
	raw_spin_unlock_irqrestore(&s->lock, irqflags);
}

static void count_failed(int type)
{
	struct nscount_type_stats *s = &stats[type];
	unsigned long irqflags;

	raw_spin_lock_irqsave(&s->lock, irqflags);
	s->failed++;
	raw_spin_unlock_irqrestore(&s->lock, irqflags);
}

/*
 * The copy calls in flight that carry their type's flag, so that a charge
 * can be tied to its attempt: inc_ucount runs in the copy function, on the
 * same task.  A slot is free when its task is NULL.
 */
struct attempt {
	struct task_struct *task;
	int type;
	bool charged;
};

static struct attempt attempts[NSCOUNT_MAXACTIVE];
static DEFINE_RAW_SPINLOCK(attempts_lock);

/* @task's slot for @type, or a free one for NULL; the caller holds attempts_lock. */
static struct attempt *attempt_find(struct task_struct *task, int type)
{
	unsigned int i;

	for (i = 0; i < NSCOUNT_MAXACTIVE; i++)
		if (attempts[i].task == task && (!task || attempts[i].type == type))
			return &attempts[i];
	return NULL;
}

static void attempt_begin(int type)
{
	unsigned long irqflags;
	struct attempt *a;

	raw_spin_lock_irqsave(&attempts_lock, irqflags);
	a = attempt_find(NULL, type);
	if (a)
		*a = (struct attempt){ .task = current, .type = type };
	raw_spin_unlock_irqrestore(&attempts_lock, irqflags);
	if (!a)
		atomic64_inc(&attempts_missed);
}

static void attempt_charged(int type)
{
	unsigned long irqflags;
	struct attempt *a;

	raw_spin_lock_irqsave(&attempts_lock, irqflags);
	a = attempt_find(current, type);
	if (a)
		a->charged = true;
	raw_spin_unlock_irqrestore(&attempts_lock, irqflags);
}

/* Ends current's attempt at @type; returns whether it charged. */
static bool attempt_end(int type)
{
	unsigned long irqflags;
	struct attempt *a;
	bool charged = false;

	raw_spin_lock_irqsave(&attempts_lock, irqflags);
	a = attempt_find(current, type);
	if (a) {
		charged = a->charged;
		a->task = NULL;
	}
	raw_spin_unlock_irqrestore(&attempts_lock, irqflags);
	return charged;
}

/* inc_ucount(ns, uid, type): remember the type, count once it succeeded. */
static int inc_ucount_entry(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	int type = type_of_ucount((u32)regs_get_kernel_argument(regs, 2));

	if (type < 0)
		return 1;	/* not a namespace: no return hook */
	*(int *)ri->data = type;
	return 0;
}

/* NULL: over the user's limit, nothing was charged (and no dec will come). */
static int inc_ucount_return(struct kretprobe_instance *ri, struct pt_regs *regs)
{
	int type = *(int *)ri->data;

	if (regs_return_value(regs)) {
		count(type, true);
		attempt_charged(type);
	}
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
	int type = type_of_ucount((u32)regs_get_kernel_argument(regs, 1));

	if (type >= 0)
		count(type, false);
}

/*
 * dec_ucount also runs in softirq: a pid namespace is freed from an RCU
 * callback (delayed_free_pidns calls dec_pid_namespaces).  When that softirq
 * lands while the CPU is inside a task-context kprobe handler (inc_ucount's,
 * the latency kretprobes'), a kprobe on dec_ucount is a reentry, which the
 * kernel only adds to its nmissed: the pid count would drift up for good.
 * ftrace's recursion guard is per context (task, softirq, irq, NMI), so an
 * ftrace_ops of our own is called there.  It is what fprobe wraps, without
 * fprobe itself: Debian's 6.1 builds no CONFIG_FPROBE, and its handler took
 * a pt_regs up to 6.13 and takes an ftrace_regs since.  The ftrace_ops
 * callback is the same from 5.11 on; it saves full registers, which needs
 * CONFIG_DYNAMIC_FTRACE_WITH_REGS (x86_64 has it): without, the kprobe.
 */
#define NSCOUNT_HAVE_FTRACE_HOOK IS_ENABLED(CONFIG_DYNAMIC_FTRACE_WITH_REGS)

static void dec_ucount_ftrace(unsigned long ip, unsigned long parent_ip,
			      struct ftrace_ops *ops, struct ftrace_regs *fregs)
{
	struct pt_regs *regs;
	int bit;

	bit = ftrace_test_recursion_trylock(ip, parent_ip);
	if (bit < 0) {
		atomic64_inc(&dec_missed);
		return;
	}
	regs = ftrace_get_regs(fregs);
	if (regs)
		dec_ucount_hit(regs);
	else
		atomic64_inc(&dec_missed);
	ftrace_test_recursion_unlock(bit);
}

static struct ftrace_ops dec_ucount_ops = {
	.func = dec_ucount_ftrace,
	.flags = FTRACE_OPS_FL_SAVE_REGS,
};

static int dec_ucount_pre(struct kprobe *kp, struct pt_regs *regs)
{
	dec_ucount_hit(regs);
	return 0;
}

static struct kprobe dec_ucount_kprobe = {
	.symbol_name = "dec_ucount",
	.pre_handler = dec_ucount_pre,
};

static int dec_hook_register(void)
{
	char sym[] = "dec_ucount";	/* ftrace_set_filter may write to it */
	int ret;

	if (!NSCOUNT_HAVE_FTRACE_HOOK && !dec_kprobe)
		pr_warn("no CONFIG_DYNAMIC_FTRACE_WITH_REGS: a kprobe on dec_ucount, frees in softirq may be missed\n");
	if (dec_kprobe || !NSCOUNT_HAVE_FTRACE_HOOK)
		return register_kprobe(&dec_ucount_kprobe);
	ret = ftrace_set_filter(&dec_ucount_ops, sym, strlen(sym), 0);
	if (!ret)
		ret = register_ftrace_function(&dec_ucount_ops);
	if (ret)
		ftrace_free_filter(&dec_ucount_ops);
	return ret;
}

static void dec_hook_unregister(void)
{
	if (dec_kprobe || !NSCOUNT_HAVE_FTRACE_HOOK) {
		unregister_kprobe(&dec_ucount_kprobe);
		return;
	}
	unregister_ftrace_function(&dec_ucount_ops);
	ftrace_free_filter(&dec_ucount_ops);
}

static u64 dec_hook_missed(void)
{
	return atomic64_read(&dec_missed) + dec_ucount_kprobe.nmissed;
}

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
	attempt_begin(lp->type);
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
	bool charged = attempt_end(lp->type);

	if (lp->returns_int ? (int)ret != 0 : IS_ERR_VALUE(ret)) {
		if (charged)
			count_failed(lp->type);
		return 0;
	}
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

static void read_counts(struct nscount_type_stats *s, struct nscount_snapshot *snap)
{
	unsigned long irqflags;

	raw_spin_lock_irqsave(&s->lock, irqflags);
	snap->created = s->charged - s->failed;
	snap->destroyed = s->uncharged - s->failed;
	snap->failed = s->failed;
	snap->live = s->live;
	snap->peak = s->peak;
	raw_spin_unlock_irqrestore(&s->lock, irqflags);
	/* A miss cannot be told apart by type: it may concern any of them. */
	snap->missed = nmissed(&inc_ucount_probe) + dec_hook_missed();
}

void nscount_read(enum nscount_type type, struct nscount_snapshot *snap)
{
	struct nscount_type_stats *s = &stats[type];
	struct lat_probe *lp = &lat_probes[type];
	unsigned int i;

	memset(snap, 0, sizeof(*snap));
	if (!type_counted(type))
		snap->flags |= NSCOUNT_F_NO_COUNT;
	if (!lp->registered)
		snap->flags |= NSCOUNT_F_NO_LATENCY;
	read_counts(s, snap);

	for (i = 0; i < NSCOUNT_LAT_BUCKETS; i++) {
		snap->lat_hist[i] = atomic64_read(&s->lat_hist[i]);
		snap->lat_samples += snap->lat_hist[i];
	}
	snap->lat_sum_ns = atomic64_read(&s->lat_sum_ns);
	snap->lat_missed = nmissed(&lp->rp) + atomic64_read(&attempts_missed);

	if (type == NSCOUNT_TYPE_NET) {
		snap->pernet_created = atomic64_read(&pernet_created);
		snap->pernet_destroyed = atomic64_read(&pernet_destroyed);
		snap->pernet_live = atomic64_read(&pernet_live);
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
	atomic64_inc(&pernet_live);
	return 0;
}

static void __net_exit nscount_net_exit(struct net *net)
{
	atomic64_inc(&pernet_destroyed);
	atomic64_dec(&pernet_live);
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

/*
 * Returns once no handler runs any more (the unregister calls wait for that);
 * the kretprobes go in one call, which waits for one grace period.
 */
static void hooks_unregister(void)
{
	struct kretprobe *rps[NSCOUNT_TYPE_COUNT + 1];
	unsigned int t;
	int n = 0;

	for (t = 0; t < NSCOUNT_TYPE_COUNT; t++)
		if (lat_probes[t].registered)
			rps[n++] = &lat_probes[t].rp;
	if (counting) {
		dec_hook_unregister();
		rps[n++] = &inc_ucount_probe;
	}
	if (n)
		unregister_kretprobes(rps, n);
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
