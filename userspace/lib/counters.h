/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The nscount module's counters over generic netlink (libnl-genl-3).  The
 * family, commands and attributes are module/nscount_uapi.h's.
 */
#ifndef NSLAB_COUNTERS_H
#define NSLAB_COUNTERS_H

#include <stdbool.h>
#include <stdint.h>

#include "nscount_uapi.h"
#include "util.h"

/* One namespace type.  The parts the module marks unsupported stay zero: check flags. */
struct nslab_ns_counter {
	uint32_t type;			/* enum nscount_type */
	char name[16];
	uint32_t flags;			/* NSCOUNT_F_* */
	uint64_t created, destroyed, missed;
	int64_t live, peak;		/* relative to the module's load */
	uint64_t lat_samples, lat_sum_ns, lat_missed;
	uint64_t lat_hist[NSCOUNT_LAT_BUCKETS];
	bool has_attempts;		/* failed and cloned were sent */
	uint64_t failed;		/* charged, then the creation failed: not in created */
	uint64_t cloned;		/* by clone/unshare; for mnt, created - cloned are detached trees */
	bool has_pernet;		/* net only: the absolute pernet cross-check */
	uint64_t pernet_created, pernet_destroyed;
	int64_t pernet_live;
};

struct nslab_counters {
	struct nslab_ns_counter type[NSCOUNT_TYPE_COUNT];
	unsigned int n;
};

/*
 * Each returns 0 or -errno with @e set: -ENOSYS (no module support in this
 * kernel), -ENOENT (module not loaded), -EPERM (every command needs
 * CAP_NET_ADMIN), -EINVAL (the module refused the request; its extended-ack
 * message is in e->why), or another errno.  Types this build does not know
 * (a newer module) are skipped.
 */
int nslab_counters_get(uint32_t type, struct nslab_ns_counter *out, struct nslab_error *e);
int nslab_counters_dump(struct nslab_counters *c, struct nslab_error *e);
/* Every peak := live; needs CAP_NET_ADMIN. */
int nslab_counters_reset(struct nslab_error *e);

/* The type called @name in @c, or NULL. */
const struct nslab_ns_counter *nslab_counters_find(const struct nslab_counters *c, const char *name);

/*
 * For leak checks (`nslab run --check-leaks`): snapshot before, then wait up
 * to @timeout_ms for every counted type's live to be back at or below the
 * snapshot's.  Frees of ipc, user and net run on a workqueue and pid's after
 * an RCU grace period, so a clean run may take a moment to get there.
 * Returns 0, or -ETIMEDOUT with the types still above in e->why (and @now,
 * if not NULL, holds the last reading), or -EAGAIN ("inconclusive") when
 * the module's missed count grew meanwhile: a lost event is not a leak.
 */
int nslab_counters_snapshot(struct nslab_counters *c, struct nslab_error *e);
int nslab_counters_wait_baseline(const struct nslab_counters *base, int timeout_ms,
				 struct nslab_counters *now, struct nslab_error *e);

#endif
