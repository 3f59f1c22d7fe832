/* SPDX-License-Identifier: GPL-2.0 */
/* User namespace id maps and the switch to the container's user. */
#ifndef NSLAB_USER_H
#define NSLAB_USER_H

#include <stddef.h>
#include <sys/types.h>

#include "spec.h"

/* Formats @n ranges as the kernel's uid_map text. Returns the length or -ENOSPC. */
int nslab_idmap_format(const struct nslab_idmap *map, int n, char *buf, size_t size);

/*
 * Writes uid_map and gid_map of @pid: with spec->map_helpers through the
 * setuid newuidmap and newgidmap (NSLAB_NEWUIDMAP, NSLAB_NEWGIDMAP), which
 * check the ranges against /etc/subuid and /etc/subgid; else directly,
 * denying setgroups first when the caller is not privileged (the kernel
 * insists, see user_namespaces(7)).  Fills @e on failure.
 */
int nslab_user_write_maps(pid_t pid, const struct nslab_spec *spec, struct nslab_error *e);

#define NSLAB_NEWUIDMAP "/usr/bin/newuidmap"
#define NSLAB_NEWGIDMAP "/usr/bin/newgidmap"

/*
 * The first range of @file (/etc/subuid or /etc/subgid: "NAME:START:COUNT"
 * lines, NAME a user name or a numeric id) that belongs to @user or @id, as
 * the map entry 1 → START, COUNT ids.  Returns 0, or -ENOENT if none.
 */
int nslab_subid_range(const char *file, const char *user, unsigned id, struct nslab_idmap *range);

/* Becomes @uid/@gid with no supplementary groups where the user namespace allows it. */
int nslab_user_switch(uid_t uid, gid_t gid);
/* The same with the @n supplementary @groups; refused (-EPERM) where setgroups is denied. */
int nslab_user_switch_groups(uid_t uid, gid_t gid, const gid_t *groups, int n);

#endif
