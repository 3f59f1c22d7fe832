/* SPDX-License-Identifier: GPL-2.0 */
/* OCI linux.sysctl: the namespaced kernel parameters a container may set, and setting them. */
#ifndef NSLAB_SYSCTL_H
#define NSLAB_SYSCTL_H

#include "spec.h"
#include "util.h"

/*
 * Whether @key (dotted, "net.ipv4.ip_forward") belongs to a namespace that
 * the container of @spec has of its own: ipc (kernel.msg*, kernel.sem,
 * kernel.shm*, fs.mqueue.*), uts (kernel.hostname, kernel.domainname) or
 * net (net.*).  Else -EINVAL with @e naming the key and why: anything else
 * would change the host for everyone, as runc refuses it too.
 */
int nslab_sysctl_check(const struct nslab_spec *spec, const char *key, struct nslab_error *e);

/*
 * Writes spec->sysctl, in the container's namespaces and still through the
 * host's /proc (before the root is pivoted and /proc/sys made read-only).
 */
int nslab_sysctl_apply(const struct nslab_spec *spec, struct nslab_error *e);

#endif
