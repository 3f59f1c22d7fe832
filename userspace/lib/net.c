// SPDX-License-Identifier: GPL-2.0
#include "net.h"

#include <errno.h>
#include <net/if.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>

int nslab_net_lo_up(void)
{
	struct rtnl_link *lo = NULL, *change = NULL;
	struct nl_sock *sk = nl_socket_alloc();
	int ret;

	if (!sk)
		return -ENOMEM;
	ret = nl_connect(sk, NETLINK_ROUTE);
	if (!ret)
		ret = rtnl_link_get_kernel(sk, 0, "lo", &lo);
	if (!ret) {
		change = rtnl_link_alloc();
		if (!change)
			ret = -NLE_NOMEM;
	}
	if (!ret) {
		rtnl_link_set_flags(change, IFF_UP);
		ret = rtnl_link_change(sk, lo, change, 0);
	}
	rtnl_link_put(change);
	rtnl_link_put(lo);
	nl_socket_free(sk);
	/* libnl speaks its own error codes; nl_syserr2nlerr has no inverse, so map the likely ones. */
	switch (-ret) {
	case 0: return 0;
	case NLE_PERM: return -EPERM;
	case NLE_NOMEM: return -ENOMEM;
	case NLE_OBJ_NOTFOUND: return -ENODEV;
	default: return -EIO;
	}
}
