/* SPDX-License-Identifier: GPL-2.0 */
/* Capabilities: Docker's default set, --cap-add/--cap-drop, applied to every set. */
#ifndef NSLAB_CAPS_H
#define NSLAB_CAPS_H

#include <stdbool.h>
#include <stdint.h>

#include "util.h"

/* Bit mask of the 14 capabilities Docker grants by default (docs/conformance.md H1). */
uint64_t nslab_caps_default(void);

/* Capability number for "NET_ADMIN", "cap_net_admin", ... or -1. */
int nslab_cap_from_name(const char *name);
const char *nslab_cap_name(int cap);
/* Highest capability this kernel knows (/proc/sys/kernel/cap_last_cap). */
int nslab_cap_last(void);

/*
 * Applies --cap-add / --cap-drop (a name or ALL) to @set; drops are
 * applied before adds whatever their order, as docker run does.
 */
int nslab_caps_parse(const char *opt, const char *arg, uint64_t *add, uint64_t *drop,
		     struct nslab_error *e);
uint64_t nslab_caps_resolve(uint64_t add, uint64_t drop);

/*
 * Limits the calling process to @set in the bounding, permitted, effective,
 * inheritable and ambient sets.  Run as the container's root, before the
 * switch to its user (which, for a non-root user, clears them as Docker's do).
 */
int nslab_caps_apply(uint64_t set);

#endif
