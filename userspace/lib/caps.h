/* SPDX-License-Identifier: GPL-2.0 */
/* Capabilities: Docker's default set, --cap-add/--cap-drop, and Docker's sets for root and non-root. */
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

/*
 * Applies --cap-add / --cap-drop (a name or ALL) to @set; drops are
 * applied before adds whatever their order, as docker run does, except
 * that --cap-add ALL gives every capability but those --cap-drop names.
 */
int nslab_caps_parse(const char *opt, const char *arg, uint64_t *add, uint64_t *drop,
		     struct nslab_error *e);
uint64_t nslab_caps_resolve(uint64_t add, uint64_t drop);

/*
 * Drops from the bounding set every capability not in @set.  Needs
 * CAP_SETPCAP: run as the container's root, before the switch to its user.
 */
int nslab_caps_bound(uint64_t set);

/*
 * Sets the final permitted, effective, inheritable and ambient sets after
 * the switch to the container's user, as Docker does: for uid 0 permitted =
 * effective = @set, for any other uid all empty (--cap-add then only widens
 * the bounding set, which a setuid-root or file-capability binary could
 * use); inheritable and ambient empty.  Only ever lowers the sets.  For a
 * non-root user, those of @ambient in @set (runc's `exec --cap`) are kept
 * in all five sets instead: it needs them held across the switch
 * (PR_SET_KEEPCAPS).
 */
int nslab_caps_apply(uint64_t set, uint64_t ambient);

/* OCI's process.capabilities as config.json gives them (bounding is the set nslab_caps_bound keeps). */
struct nslab_cap_sets {
	uint64_t effective, permitted, inheritable, ambient;
};

/*
 * Sets @s exactly, as runc does for a config.json that asks for more than
 * nslab's model (runtime-tools' default gives all five sets Docker's 14):
 * one capset, then each ambient capability raised.  After a switch to
 * another user it needs the permitted set held across it (PR_SET_KEEPCAPS).
 */
int nslab_caps_apply_sets(const struct nslab_cap_sets *s);

#endif
