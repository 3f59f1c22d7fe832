/* SPDX-License-Identifier: GPL-2.0 */
/* The user's own mounts (-v, --mount, --tmpfs) and working directory: parsed, checked, made. */
#ifndef NSLAB_USERMOUNT_H
#define NSLAB_USERMOUNT_H

#include "spec.h"
#include "util.h"

/*
 * Parsers appending one mount to @list, which holds *@n of at most
 * NSLAB_MAX_MOUNTS; each returns 0 or -EINVAL with @e naming the option.
 * -v SRC:DST[:ro|rw]: a recursive bind of the absolute host path SRC (named
 * volumes are refused).
 */
int nslab_parse_volume(const char *arg, struct nslab_mount *list, int *n, struct nslab_error *e);
/*
 * --mount type=bind,source=|src=,target=|dst=|destination=[,readonly|ro[=true|false]]
 * or type=tmpfs,target=...[,tmpfs-size=SIZE][,tmpfs-mode=OCTAL][,readonly].
 */
int nslab_parse_mount(const char *arg, struct nslab_mount *list, int *n, struct nslab_error *e);
/*
 * --tmpfs DST[:OPT,...], OPT one of size=SIZE (k, m, g), mode=OCTAL, ro, rw,
 * exec, noexec.  As Docker's: nosuid, nodev, noexec and mode 1777 unless
 * told; the size is the kernel's default (half of RAM) unless told.
 */
int nslab_parse_tmpfs(const char *arg, struct nslab_mount *list, int *n, struct nslab_error *e);

/*
 * One of config.json's mounts[] (@origin: "mounts[i]"): @type "tmpfs"
 * (options size=, mode=, ro, rw, nosuid, suid, nodev, dev, noexec, exec:
 * nothing more than they say; tmpcopyup, runc's: the image's files at the
 * destination copied in, podman's default; private, rprivate, slave,
 * rslave: it is private) or a bind of the absolute @source ("bind" the
 * source's mount alone, with option "rbind" those below it too; also
 * private, rprivate, slave, rslave, all made private).  @opts is
 * NULL-terminated.  0 or -EINVAL with @e (step @origin).
 */
int nslab_parse_oci_mount(const char *type, const char *source, const char *dest,
			  const char *const *opts, const char *origin, struct nslab_mount *list,
			  int *n, struct nslab_error *e);

/*
 * Whole-spec checks: no destination twice, every bind source exists (nslab
 * refuses a missing one where Docker's -v would create it), -w absolute.
 */
int nslab_user_mounts_check(const struct nslab_spec *spec, struct nslab_error *e);

/*
 * Host side, before the clone, for root: each bind's tree cloned (private,
 * with its attributes) into @fds[i], since the container's root may not
 * reach the source (a user namespace's uid on a 0700 directory).  Other
 * entries, and every one for an unprivileged caller, stay -1: the child
 * clones those from its copy of the host's mounts.  On failure closes what
 * it opened.
 */
int nslab_user_mounts_open(const struct nslab_spec *spec, int fds[NSLAB_MAX_MOUNTS],
			   struct nslab_error *e);

/*
 * Host side, once the child's user namespace (of @pid) has its maps and
 * before it attaches them: with nslab's default maps for root, the host's
 * clones are idmapped as the root is, so that the container's uid 0 writes
 * as the host's uid 0, as under Docker.  A filesystem that cannot be
 * idmapped stays as it is: the host's owners, unmapped ones shown as nobody.
 */
int nslab_user_mounts_idmap(const struct nslab_spec *spec, const int fds[NSLAB_MAX_MOUNTS],
			    pid_t pid, struct nslab_error *e);

/*
 * Child side, below @root_fd before the masks and pivot_root: each mount's
 * destination resolved in the root without following any symlink (a
 * symlink in the image cannot redirect it out of the root), missing parts
 * made (a directory, or an empty file for a file's bind), the mount
 * attached there (a tmpfs with tmpcopyup filled first); read-only tmpfs
 * mounts are made read-only once all are attached, as runc does, so that
 * the mount points of those below them can be made.  Then -w's directory
 * made the same way.
 */
int nslab_user_mounts_apply(const struct nslab_spec *spec, const int fds[NSLAB_MAX_MOUNTS],
			    int root_fd, struct nslab_error *e);

#endif
