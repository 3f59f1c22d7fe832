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
 * Writes uid_map and gid_map of @pid, denying setgroups first when the caller
 * is not privileged (the kernel insists, see user_namespaces(7)).
 */
int nslab_user_write_maps(pid_t pid, const struct nslab_spec *spec);

/* Becomes @uid/@gid with no supplementary groups where the user namespace allows it. */
int nslab_user_switch(uid_t uid, gid_t gid);

#endif
