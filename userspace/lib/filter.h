/* SPDX-License-Identifier: GPL-2.0 */
/*
 * seccomp.c: the system call filter, in Docker's spirit: EPERM for what a
 * container has no use for.  (Named filter.h: <seccomp.h> is libseccomp's.)
 */
#ifndef NSLAB_FILTER_H
#define NSLAB_FILTER_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "util.h"

enum nslab_seccomp_mode { NSLAB_SECCOMP_DEFAULT, NSLAB_SECCOMP_UNCONFINED, NSLAB_SECCOMP_FILE };

#define NSLAB_SECCOMP_MAX_RULES 512

struct nslab_seccomp {
	enum nslab_seccomp_mode mode;
	char file[PATH_MAX];	/* absolute: `nslab exec` reads it from elsewhere later */
	/*
	 * FILE's deny rules, read on the host: by the time the filter is
	 * loaded the process is inside the container's root, where the path
	 * names another file or none.
	 */
	bool loaded;
	int n_deny;
	int deny[NSLAB_SECCOMP_MAX_RULES];
};

/* --seccomp=unconfined | FILE */
int nslab_seccomp_parse(const char *arg, struct nslab_seccomp *sc, struct nslab_error *e);
/* Reads and checks FILE's rules into @sc, before anything is made. */
int nslab_seccomp_check(struct nslab_seccomp *sc, struct nslab_error *e);

/*
 * Loads the filter into the calling process: last before exec, or before
 * the capabilities are dropped when no_new_privs is off (loading a filter
 * then needs CAP_SYS_ADMIN).  @caps is the
 * container's capability set: without CAP_SYS_ADMIN the namespace and mount
 * calls are refused as well, as Docker's profile does.
 */
int nslab_seccomp_apply(const struct nslab_seccomp *sc, uint64_t caps, struct nslab_error *e);

#endif
