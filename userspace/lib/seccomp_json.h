/* SPDX-License-Identifier: GPL-2.0 */
/* Docker/OCI JSON seccomp profiles (json-c). */
#ifndef NSLAB_SECCOMP_JSON_H
#define NSLAB_SECCOMP_JSON_H

#include "filter.h"
#include "json.h"

/*
 * Reads a Docker/OCI JSON profile from @text into @p; @file names it in
 * errors, which name the offending field.  0 or -errno with @e filled.
 */
int nslab_sc_parse_json(const char *text, const char *file, struct nslab_sc_profile *p,
			struct nslab_error *e);

/*
 * @p as a runtime-spec linux.seccomp for a container with the bounding set
 * @caps on kernel @kernel (as nslab_sc_kernel): the rules that hold, their
 * conditions decided, for x86_64 and the 32-bit architectures @p adds.
 * nslab's own tty refusal is not in it.
 */
json_object *nslab_sc_profile_json(const struct nslab_sc_profile *p, uint64_t caps, unsigned kernel);

#endif
