/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * nscount generic netlink interface: the one definition of the family, its
 * commands and attributes, shared by the module and userspace (nslab).
 *
 * Every reply carries one namespace type.  Counting and latency can each be
 * unsupported on a kernel (a hook that did not register): the type's
 * NSCOUNT_A_FLAGS says so, and the attributes of that part are then absent,
 * never zero.
 *
 * Access: every command needs CAP_NET_ADMIN in the initial user namespace
 * and the family answers only in the initial network namespace; the counts
 * are the whole machine's.  /proc/nscount is mode 0400 and needs the same
 * capability to open.  The module is not auto-loaded by family name.
 */
#ifndef NSCOUNT_UAPI_H
#define NSCOUNT_UAPI_H

#define NSCOUNT_GENL_NAME	"nscount"
#define NSCOUNT_GENL_VERSION	1

/* Log2 latency buckets: bucket i counts creations of [2^i, 2^(i+1)) ns. */
#define NSCOUNT_LAT_BUCKETS	32

enum nscount_type {
	NSCOUNT_TYPE_UTS,
	NSCOUNT_TYPE_IPC,
	NSCOUNT_TYPE_PID,
	NSCOUNT_TYPE_MNT,
	NSCOUNT_TYPE_NET,
	NSCOUNT_TYPE_USER,
	NSCOUNT_TYPE_CGROUP,
	NSCOUNT_TYPE_TIME,
	__NSCOUNT_TYPE_MAX
};

#define NSCOUNT_TYPE_MAX (__NSCOUNT_TYPE_MAX - 1)
/* Types this header knows; a newer module may send more (skip them). */
#define NSCOUNT_TYPE_COUNT __NSCOUNT_TYPE_MAX

enum nscount_cmd {
	NSCOUNT_CMD_UNSPEC,
	NSCOUNT_CMD_GET,	/* doit: NSCOUNT_A_TYPE in, one type out */
	NSCOUNT_CMD_DUMP,	/* dumpit: every type, one message each */
	NSCOUNT_CMD_RESET,	/* doit: every peak := live */
	__NSCOUNT_CMD_MAX
};

#define NSCOUNT_CMD_MAX (__NSCOUNT_CMD_MAX - 1)

/* NSCOUNT_A_FLAGS */
#define NSCOUNT_F_NO_COUNT	0x1	/* created..missed absent */
#define NSCOUNT_F_NO_LATENCY	0x2	/* NSCOUNT_A_LAT_* absent */

enum nscount_attr {
	NSCOUNT_A_UNSPEC,
	NSCOUNT_A_PAD,
	NSCOUNT_A_TYPE,			/* u32, enum nscount_type */
	NSCOUNT_A_NAME,			/* string: "uts", "ipc", ... */
	NSCOUNT_A_FLAGS,		/* u32, NSCOUNT_F_* */
	NSCOUNT_A_CREATED,		/* u64, since load; for mnt with detached trees */
	NSCOUNT_A_DESTROYED,		/* u64, since load */
	NSCOUNT_A_LIVE,			/* s64, created - destroyed: relative to load */
	NSCOUNT_A_PEAK,			/* s64, highest live since load or RESET */
	NSCOUNT_A_MISSED,		/* u64, hook hits the kernel dropped (any type) */
	NSCOUNT_A_LAT_SAMPLES,		/* u64 */
	NSCOUNT_A_LAT_SUM_NS,		/* u64 */
	NSCOUNT_A_LAT_HIST,		/* binary: __u64[NSCOUNT_LAT_BUCKETS] */
	NSCOUNT_A_LAT_MISSED,		/* u64 */
	NSCOUNT_A_PERNET_CREATED,	/* u64, net only: pernet .init calls */
	NSCOUNT_A_PERNET_DESTROYED,	/* u64, net only: pernet .exit calls */
	NSCOUNT_A_PERNET_LIVE,		/* s64, net only: absolute */
	/*
	 * u64: charged, then the copy function failed (created and destroyed
	 * leave these out).  Absent with NSCOUNT_F_NO_LATENCY.
	 */
	NSCOUNT_A_FAILED,
	/*
	 * u64: made by clone(2)/unshare(2) (the copy function succeeded with the
	 * type's CLONE_NEW* flag).  Absent with NSCOUNT_F_NO_LATENCY.  Equal to
	 * created for every type but mnt, where fsmount(2), open_tree(2) with
	 * OPEN_TREE_CLONE and the kernel's mount_subtree() also charge one for
	 * each detached mount tree: those are created - cloned.
	 */
	NSCOUNT_A_CLONED,
	__NSCOUNT_A_MAX
};

#define NSCOUNT_A_MAX (__NSCOUNT_A_MAX - 1)

#endif
