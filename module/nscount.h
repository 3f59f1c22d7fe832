/* SPDX-License-Identifier: GPL-2.0 */
/* nscount internals shared by the hooks, the netlink family and /proc/nscount. */
#ifndef NSCOUNT_H
#define NSCOUNT_H

#include <linux/types.h>

#include "nscount_uapi.h"

/* One consistent reading of a type's counters. */
struct nscount_snapshot {
	u32 flags;			/* NSCOUNT_F_* */
	u64 created, destroyed, failed, missed;
	s64 live, peak;
	u64 lat_hist[NSCOUNT_LAT_BUCKETS];
	u64 lat_samples, lat_sum_ns, lat_missed;
	/* NSCOUNT_TYPE_NET only */
	u64 pernet_created, pernet_destroyed;
	s64 pernet_live;
};

const char *nscount_type_name(enum nscount_type type);
void nscount_read(enum nscount_type type, struct nscount_snapshot *s);
void nscount_reset_peaks(void);

int nscount_genl_init(void);
void nscount_genl_exit(void);
int nscount_proc_init(void);
void nscount_proc_exit(void);

#endif
