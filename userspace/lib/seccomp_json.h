/* SPDX-License-Identifier: GPL-2.0 */
/* Docker/OCI JSON seccomp profiles (json-c). */
#ifndef NSLAB_SECCOMP_JSON_H
#define NSLAB_SECCOMP_JSON_H

#include "filter.h"

/*
 * Reads a Docker/OCI JSON profile from @text into @p; @file names it in
 * errors, which name the offending field.  0 or -errno with @e filled.
 */
int nslab_sc_parse_json(const char *text, const char *file, struct nslab_sc_profile *p,
			struct nslab_error *e);

#endif
