/* SPDX-License-Identifier: GPL-2.0 */
/* The time namespace. */
#ifndef NSLAB_TIMENS_H
#define NSLAB_TIMENS_H

#include "spec.h"
#include "util.h"

/*
 * In the container's first process: unshares a time namespace, writes
 * spec->time_offset and enters it (with NSLAB_NS_TIME in spec->ns).
 */
int nslab_timens_setup(const struct nslab_spec *spec, int proc_fd, struct nslab_error *e);

#endif
