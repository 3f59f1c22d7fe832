/* SPDX-License-Identifier: GPL-2.0 */
/* The UTS namespace's names. */
#ifndef NSLAB_UTS_H
#define NSLAB_UTS_H

#include "spec.h"
#include "util.h"

/* In the container's first process: sets spec->hostname and spec->domainname (with a UTS namespace). */
int nslab_uts_setup(const struct nslab_spec *spec, struct nslab_error *e);

#endif
