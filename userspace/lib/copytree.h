/* SPDX-License-Identifier: GPL-2.0 */
/* A directory's contents copied into another by fd (runc's tmpcopyup). */
#ifndef NSLAB_COPYTREE_H
#define NSLAB_COPYTREE_H

/*
 * Copies what directory @src holds (not @src itself) into directory @dst:
 * directories, regular files, symlinks (not followed) and fifos, each with
 * its owner, mode (setuid/setgid bits included) and times; sockets and
 * device nodes are skipped (copy-up is for a tmpfs over /tmp, /run, /etc).  Nothing is resolved by
 * path: each name is opened below its parent's fd, without following
 * symlinks.  0, or -errno at the first failure (what was copied stays in
 * @dst: the caller discards the whole new filesystem).
 */
int nslab_copy_tree(int src, int dst);

#endif
