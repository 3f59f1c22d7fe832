/* SPDX-License-Identifier: GPL-2.0 */
/* --ulimit: resource limits of the container's first process, as Docker names them. */
#ifndef NSLAB_RLIMIT_H
#define NSLAB_RLIMIT_H

#include "spec.h"
#include "util.h"

/*
 * NAME=SOFT[:HARD] (HARD defaults to SOFT, -1 is unlimited), NAME one of
 * Docker's: core cpu data fsize locks memlock msgqueue nice nofile nproc rss
 * rtprio rttime sigpending stack.  SOFT may not exceed HARD.  A name given
 * again replaces its earlier value.  Returns 0 or -EINVAL with @e (step
 * "--ulimit").
 */
int nslab_parse_ulimit(const char *arg, struct nslab_rlimit *list, int *n, struct nslab_error *e);

/*
 * config.json's process.rlimits[].type: RLIMIT_ and one of those names in
 * capitals, or RLIMIT_AS (which Docker does not name; runc sets it).  The
 * resource, or -1.
 */
int nslab_rlimit_from_oci(const char *name);

/* As nslab_parse_ulimit, without @e, for the state's: "as" (RLIMIT_AS) too. */
int nslab_parse_kept_rlimit(const char *arg, struct nslab_rlimit *list, int *n);

/* @r as nslab_parse_kept_rlimit reads it back: "nofile=1024:2048", -1 for unlimited. */
void nslab_rlimit_format(const struct nslab_rlimit *r, char *buf, size_t size);

/*
 * setrlimit of each of the @n limits on the calling process (step "rlimit").
 * Raising a hard limit above the host's needs CAP_SYS_RESOURCE on the host,
 * which a process in a user namespace never has: the error says so.
 */
int nslab_rlimits_apply(const struct nslab_rlimit *list, int n, struct nslab_error *e);

#endif
