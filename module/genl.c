// SPDX-License-Identifier: GPL-2.0
/*
 * The "nscount" generic netlink family, laid out like WireGuard's
 * netlink.c: small ops and one family-level policy, which 6.1 and 6.12
 * both take as they are (6.1 has no split ops; pre_doit changed in 6.12).
 */
#include <linux/module.h>
#include <net/genetlink.h>
#include <net/netlink.h>

#include "nscount.h"

static const struct nla_policy nscount_policy[NSCOUNT_A_MAX + 1] = {
	[NSCOUNT_A_TYPE] = NLA_POLICY_MAX(NLA_U32, NSCOUNT_TYPE_MAX),
};

static struct genl_family nscount_family;

static int put_u64(struct sk_buff *skb, int attr, u64 val)
{
	return nla_put_u64_64bit(skb, attr, val, NSCOUNT_A_PAD);
}

static int put_s64(struct sk_buff *skb, int attr, s64 val)
{
	return nla_put_s64(skb, attr, val, NSCOUNT_A_PAD);
}

/* One type's counters as one message; the parts a kernel cannot count are left out. */
static int nscount_fill(struct sk_buff *skb, u32 portid, u32 seq, int flags,
			u8 cmd, enum nscount_type type)
{
	struct nscount_snapshot s;
	void *hdr;

	hdr = genlmsg_put(skb, portid, seq, &nscount_family, flags, cmd);
	if (!hdr)
		return -EMSGSIZE;
	nscount_read(type, &s);
	if (nla_put_u32(skb, NSCOUNT_A_TYPE, type) ||
	    nla_put_string(skb, NSCOUNT_A_NAME, nscount_type_name(type)) ||
	    nla_put_u32(skb, NSCOUNT_A_FLAGS, s.flags))
		goto cancel;
	if (!(s.flags & NSCOUNT_F_NO_COUNT) &&
	    (put_u64(skb, NSCOUNT_A_CREATED, s.created) ||
	     put_u64(skb, NSCOUNT_A_DESTROYED, s.destroyed) ||
	     put_s64(skb, NSCOUNT_A_LIVE, s.live) ||
	     put_s64(skb, NSCOUNT_A_PEAK, s.peak) ||
	     put_u64(skb, NSCOUNT_A_MISSED, s.missed)))
		goto cancel;
	if (!(s.flags & NSCOUNT_F_NO_LATENCY) &&
	    (put_u64(skb, NSCOUNT_A_LAT_SAMPLES, s.lat_samples) ||
	     put_u64(skb, NSCOUNT_A_LAT_SUM_NS, s.lat_sum_ns) ||
	     nla_put(skb, NSCOUNT_A_LAT_HIST, sizeof(s.lat_hist), s.lat_hist) ||
	     put_u64(skb, NSCOUNT_A_LAT_MISSED, s.lat_missed) ||
	     put_u64(skb, NSCOUNT_A_FAILED, s.failed) ||
	     /* a creation by clone or unshare is what a latency sample times */
	     put_u64(skb, NSCOUNT_A_CLONED, s.lat_samples)))
		goto cancel;
	if (type == NSCOUNT_TYPE_NET &&
	    (put_u64(skb, NSCOUNT_A_PERNET_CREATED, s.pernet_created) ||
	     put_u64(skb, NSCOUNT_A_PERNET_DESTROYED, s.pernet_destroyed) ||
	     put_s64(skb, NSCOUNT_A_PERNET_LIVE, s.pernet_live)))
		goto cancel;
	genlmsg_end(skb, hdr);
	return 0;

cancel:
	genlmsg_cancel(skb, hdr);
	return -EMSGSIZE;
}

static int nscount_get(struct sk_buff *skb, struct genl_info *info)
{
	struct nlattr *attr = info->attrs[NSCOUNT_A_TYPE];
	struct sk_buff *reply;
	int ret;

	if (!attr) {
		NL_SET_ERR_MSG(info->extack, "NSCOUNT_A_TYPE is required");
		return -EINVAL;
	}
	/* The policy bounds the type (NLA_POLICY_MAX). */
	reply = genlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!reply)
		return -ENOMEM;
	ret = nscount_fill(reply, info->snd_portid, info->snd_seq, 0,
			   NSCOUNT_CMD_GET, nla_get_u32(attr));
	if (ret) {
		nlmsg_free(reply);
		return ret;
	}
	return genlmsg_reply(reply, info);
}

static int nscount_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	unsigned long type;

	for (type = cb->args[0]; type < NSCOUNT_TYPE_COUNT; type++)
		if (nscount_fill(skb, NETLINK_CB(cb->skb).portid, cb->nlh->nlmsg_seq,
				 NLM_F_MULTI, NSCOUNT_CMD_DUMP, type))
			break;
	cb->args[0] = type;
	return skb->len;
}

static int nscount_reset(struct sk_buff *skb, struct genl_info *info)
{
	nscount_reset_peaks();
	return 0;
}

static const struct genl_ops nscount_ops[] = {
	{
		.cmd = NSCOUNT_CMD_GET,
		.doit = nscount_get,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = NSCOUNT_CMD_DUMP,
		.dumpit = nscount_dump,
		.flags = GENL_ADMIN_PERM,
	},
	{
		.cmd = NSCOUNT_CMD_RESET,
		.doit = nscount_reset,
		.flags = GENL_ADMIN_PERM,
	},
};

/*
 * The counts are the whole machine's: the family exists only in the initial
 * netns (netnsok unset) and every command needs CAP_NET_ADMIN there
 * (GENL_ADMIN_PERM).  No MODULE_ALIAS_GENL_FAMILY: resolving the family
 * name must not let any user load the module and arm its probes.  The
 * handlers keep no state between calls: parallel_ops, no genl_mutex.
 */
static struct genl_family nscount_family __ro_after_init = {
	.ops = nscount_ops,
	.n_ops = ARRAY_SIZE(nscount_ops),
	.resv_start_op = 0,
	.name = NSCOUNT_GENL_NAME,
	.version = NSCOUNT_GENL_VERSION,
	.maxattr = NSCOUNT_A_MAX,
	.policy = nscount_policy,
	.module = THIS_MODULE,
	.parallel_ops = true,
};

int __init nscount_genl_init(void)
{
	return genl_register_family(&nscount_family);
}

void nscount_genl_exit(void)
{
	genl_unregister_family(&nscount_family);
}
