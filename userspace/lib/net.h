/* SPDX-License-Identifier: GPL-2.0 */
/* Container networking through rtnetlink (libnl-route-3): no `ip` is ever spawned. */
#ifndef NSLAB_NET_H
#define NSLAB_NET_H

#include <sys/types.h>

#include "spec.h"
#include "util.h"

/* Brings the loopback interface of the current network namespace up. */
int nslab_net_lo_up(void);

/*
 * Validates the network part of @spec and names the host end of the veth
 * (spec->net.host_if): a clash with an existing interface, a missing bridge,
 * or veth without a new network namespace is refused here, before anything
 * is created.
 */
int nslab_net_check(struct nslab_spec *spec, struct nslab_error *e);

/*
 * Creates the veth pair with its container end (eth0) in @pid's network
 * namespace, addresses and raises both ends, and adds the container's
 * default routes via the host end.  On failure nothing is left.
 */
int nslab_net_veth_create(const struct nslab_net *net, pid_t pid, struct nslab_error *e);

/* Deletes the host end (its peer goes with it); no error if it is gone. */
int nslab_net_veth_delete(const char *host_if);

#endif
