/* SPDX-License-Identifier: GPL-2.0 */
/* The cgroup v2 device allowlist as a BPF program. */
#ifndef NSLAB_DEVICES_BPF_H
#define NSLAB_DEVICES_BPF_H

#include "devices.h"

/*
 * v2: loads a BPF_PROG_TYPE_CGROUP_DEVICE program that allows exactly the
 * rules of @d (and denies the rest) and attaches it to the cgroup @cg_fd with
 * BPF_F_ALLOW_MULTI, as runc does.  The attachment holds the program: it is
 * freed with the cgroup.  Returns 0 or -errno.
 */
int nslab_dev_bpf_attach(int cg_fd, const struct nslab_devices *d);

#endif
