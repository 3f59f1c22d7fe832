/* SPDX-License-Identifier: GPL-2.0 */
/* The default seccomp profile, as data. */
#ifndef NSLAB_SECCOMP_DEFAULT_H
#define NSLAB_SECCOMP_DEFAULT_H

#include "filter.h"

/* Docker's default profile (moby profiles/seccomp/default.json) plus the tty refusal. */
extern const struct nslab_sc_profile nslab_sc_default;

#endif
