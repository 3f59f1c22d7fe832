/* SPDX-License-Identifier: GPL-2.0 */
/* Container networking through rtnetlink (libnl-route-3). */
#ifndef NSLAB_NET_H
#define NSLAB_NET_H

/* Brings the loopback interface of the current network namespace up. */
int nslab_net_lo_up(void);

#endif
