// SPDX-License-Identifier: GPL-2.0
#include "net.h"
#include "cleanup.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/if_addr.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/veth.h>
#include <netlink/route/route.h>

/* libnl has its own error space; callers of this library speak errno. */
static int nl_errno(int nlerr)
{
	switch (nlerr < 0 ? -nlerr : nlerr) {
	case 0: return 0;
	case NLE_PERM: return -EPERM;
	case NLE_NOMEM: return -ENOMEM;
	case NLE_EXIST: return -EEXIST;
	case NLE_INVAL: return -EINVAL;
	case NLE_BUSY: return -EBUSY;
	case NLE_OBJ_NOTFOUND:
	case NLE_NODEV: return -ENODEV;
	case NLE_NOADDR: return -EADDRNOTAVAIL;
	case NLE_OPNOTSUPP: return -EOPNOTSUPP;
	default: return -EIO;
	}
}

static int route_socket(struct nl_sock **out)
{
	struct nl_sock *sk = nl_socket_alloc();
	int ret;

	if (!sk)
		return -ENOMEM;
	ret = nl_connect(sk, NETLINK_ROUTE);
	if (ret) {
		nl_socket_free(sk);
		return nl_errno(ret);
	}
	*out = sk;
	return 0;
}

/* A netlink socket keeps the network namespace it was created in. */
static int route_socket_in(pid_t pid, struct nl_sock **out)
{
	char path[64];
	int self, target, ret;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	target = open(path, O_RDONLY | O_CLOEXEC);
	if (self < 0 || target < 0) {
		ret = -errno;
		goto out;
	}
	if (setns(target, CLONE_NEWNET) < 0) {
		ret = -errno;
		goto out;
	}
	ret = route_socket(out);
	if (setns(self, CLONE_NEWNET) < 0)
		abort();	/* the supervisor must not go on in the container's network */
out:
	if (self >= 0)
		close(self);
	if (target >= 0)
		close(target);
	return ret;
}

static int ifindex_of(struct nl_sock *sk, const char *name)
{
	struct rtnl_link *link;
	int ret = rtnl_link_get_kernel(sk, 0, name, &link);

	if (ret)
		return nl_errno(ret);
	ret = rtnl_link_get_ifindex(link);
	rtnl_link_put(link);
	return ret;
}

static int link_up(struct nl_sock *sk, int ifindex, unsigned mtu)
{
	struct rtnl_link *orig = rtnl_link_alloc(), *change = rtnl_link_alloc();
	int ret = -ENOMEM;

	if (orig && change) {
		rtnl_link_set_ifindex(orig, ifindex);
		rtnl_link_set_flags(change, IFF_UP);
		if (mtu)
			rtnl_link_set_mtu(change, mtu);
		ret = nl_errno(rtnl_link_change(sk, orig, change, 0));
	}
	rtnl_link_put(orig);
	rtnl_link_put(change);
	return ret;
}

/*
 * SIOCSIFFLAGS rather than netlink: lo needs neither a lookup nor an
 * address, and every default start saved libnl's socket, the link's fetch
 * and its parsing (11 system calls here, 4).
 */
int nslab_net_lo_up(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return -errno;
	ifr.ifr_flags |= IFF_UP;
	return ioctl(fd, SIOCSIFFLAGS, &ifr) < 0 ? -errno : 0;
}

static int add_address(struct nl_sock *sk, int ifindex, const struct nslab_net_addr *a)
{
	struct rtnl_addr *addr = rtnl_addr_alloc();
	struct nl_addr *local = NULL;
	int ret = addr ? nl_addr_parse(a->text, a->family, &local) : -NLE_NOMEM;

	if (!ret) {
		rtnl_addr_set_ifindex(addr, ifindex);
		ret = rtnl_addr_set_local(addr, local);
	}
	/* No duplicate address detection: the address is usable the moment we return. */
	if (!ret && a->family == AF_INET6)
		rtnl_addr_set_flags(addr, IFA_F_NODAD);
	if (!ret)
		ret = rtnl_addr_add(sk, addr, 0);
	nl_addr_put(local);
	rtnl_addr_put(addr);
	return nl_errno(ret);
}

static int add_default_route(struct nl_sock *sk, int ifindex, const struct nslab_net_addr *via)
{
	struct rtnl_route *route = rtnl_route_alloc();
	struct rtnl_nexthop *nh = rtnl_route_nh_alloc();
	struct nl_addr *dst = NULL, *gw = NULL;
	char host[64];
	int ret;

	snprintf(host, sizeof(host), "%.*s", (int)strcspn(via->text, "/"), via->text);
	ret = route && nh ? 0 : -NLE_NOMEM;
	if (!ret)
		ret = nl_addr_parse("default", via->family, &dst);
	if (!ret)
		ret = nl_addr_parse(host, via->family, &gw);
	if (!ret) {
		rtnl_route_set_family(route, via->family);
		rtnl_route_set_dst(route, dst);
		rtnl_route_nh_set_ifindex(nh, ifindex);
		rtnl_route_nh_set_gateway(nh, gw);
		rtnl_route_add_nexthop(route, nh);
		nh = NULL;	/* the route owns it now */
		ret = rtnl_route_add(sk, route, NLM_F_CREATE);
	}
	if (nh)
		rtnl_route_nh_free(nh);
	nl_addr_put(dst);
	nl_addr_put(gw);
	rtnl_route_put(route);
	return nl_errno(ret);
}

static int setup_host_end(struct nl_sock *sk, const struct nslab_net *net, struct nslab_error *e)
{
	int index = ifindex_of(sk, net->host_if), ret = 0;

	if (index < 0)
		return nslab_fail(e, index, "net", "%s: %s", net->host_if, strerror(-index));
	if (net->bridge) {
		int br = ifindex_of(sk, net->bridge);

		ret = br < 0 ? br : nl_errno(rtnl_link_enslave_ifindex(sk, br, index));
		if (ret)
			return nslab_fail(e, ret, "net", "bridge %s: %s", net->bridge, strerror(-ret));
	}
	for (int i = 0; i < net->n_peer && !ret; i++) {
		ret = add_address(sk, index, &net->peer[i]);
		if (ret)
			return nslab_fail(e, ret, "net", "%s %s: %s", net->host_if, net->peer[i].text,
					  strerror(-ret));
	}
	ret = link_up(sk, index, net->mtu);
	return ret ? nslab_fail(e, ret, "net", "%s up: %s", net->host_if, strerror(-ret)) : 0;
}

static int setup_container_end(pid_t pid, const struct nslab_net *net, struct nslab_error *e)
{
	struct nl_sock *sk;
	int index, ret = route_socket_in(pid, &sk);

	if (ret)
		return nslab_fail(e, ret, "net", "the container's namespace: %s", strerror(-ret));
	index = ifindex_of(sk, "eth0");
	ret = index < 0 ? index : 0;
	for (int i = 0; i < net->n_addr && !ret; i++)
		ret = add_address(sk, index, &net->addr[i]);
	if (!ret)
		ret = link_up(sk, index, net->mtu);
	/* A default route per family, through the host end's first address of that family. */
	for (int family = AF_INET; !ret && family; family = family == AF_INET ? AF_INET6 : 0) {
		bool have_local = false;

		for (int i = 0; i < net->n_addr; i++)
			have_local |= net->addr[i].family == family;
		for (int i = 0; i < net->n_peer && have_local; i++) {
			if (net->peer[i].family == family) {
				ret = add_default_route(sk, index, &net->peer[i]);
				break;
			}
		}
	}
	nl_socket_free(sk);
	return ret ? nslab_fail(e, ret, "net", "eth0: %s", strerror(-ret)) : 0;
}

int nslab_net_veth_create(const struct nslab_net *net, pid_t pid, struct nslab_error *e)
{
	struct nl_sock *sk;
	int ret = nslab_fault("veth") ? -EIO : route_socket(&sk);

	if (ret)
		return nslab_fail(e, ret, "net", NULL);
	ret = nl_errno(rtnl_link_veth_add(sk, net->host_if, "eth0", pid));
	if (ret) {
		nl_socket_free(sk);
		return nslab_fail(e, ret, "net", "veth %s: %s", net->host_if, strerror(-ret));
	}
	ret = setup_host_end(sk, net, e);
	nl_socket_free(sk);
	if (!ret)
		ret = nslab_fault("veth-config") ? nslab_fail(e, EIO, "net", NULL) :
			setup_container_end(pid, net, e);
	if (ret)
		nslab_net_veth_delete(net->host_if);
	return ret;
}

int nslab_net_veth_delete(const char *host_if)
{
	struct rtnl_link *link;
	struct nl_sock *sk;
	int ret = route_socket(&sk);

	if (ret)
		return ret;
	ret = rtnl_link_get_kernel(sk, 0, host_if, &link);
	if (ret) {
		nl_socket_free(sk);
		return nl_errno(ret) == -ENODEV ? 0 : nl_errno(ret);
	}
	ret = nl_errno(rtnl_link_delete(sk, link));
	rtnl_link_put(link);
	nl_socket_free(sk);
	return ret == -ENODEV ? 0 : ret;
}

/* FNV-1a: a stable, short interface name for a container name of up to 48 characters. */
static unsigned name_hash(const char *name)
{
	unsigned h = 2166136261u;

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 16777619u;
	return h;
}

int nslab_net_check(struct nslab_spec *spec, struct nslab_error *e)
{
	struct nslab_net *net = &spec->net;
	char path[64];
	struct stat st;

	if (net->bridge && net->mode != NSLAB_NET_VETH)
		return nslab_bad_input(e, "--bridge", "needs --net veth");
	if (net->mode != NSLAB_NET_VETH)
		return 0;
	if (!(spec->ns & NSLAB_NS_BIT(NSLAB_NS_NET)))
		return nslab_bad_input(e, "--net", "veth needs a new network namespace (net in --ns, no --join net)");
	snprintf(net->host_if, sizeof(net->host_if), "nsl%08x", name_hash(spec->name));
	if (if_nametoindex(net->host_if))
		return nslab_fail_as(e, NSLAB_ERR_INPUT, EEXIST, "--net", "interface %s already exists (name clash)",
				     net->host_if);
	if (!net->bridge)
		return 0;
	if (net->n_peer)
		return nslab_bad_input(e, "--bridge", "the bridge, not the veth's host end, carries addresses");
	if (strlen(net->bridge) >= IFNAMSIZ || !if_nametoindex(net->bridge))
		return nslab_fail_as(e, NSLAB_ERR_INPUT, ENODEV, "--bridge", "no interface '%s'", net->bridge);
	snprintf(path, sizeof(path), "/sys/class/net/%s/bridge", net->bridge);
	if (stat(path, &st) < 0)
		return nslab_bad_input(e, "--bridge", "'%s' is not a bridge", net->bridge);
	return 0;
}
