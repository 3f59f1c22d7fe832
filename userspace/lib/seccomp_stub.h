/* SPDX-License-Identifier: GPL-2.0 */
/* nslab's prefix to libseccomp's program, and loading the whole. */
#ifndef NSLAB_SECCOMP_STUB_H
#define NSLAB_SECCOMP_STUB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "filter.h"

/*
 * Puts a prefix before @filter (libseccomp's program, @n instructions) that
 * answers ENOSYS for calls above @max_nr[arch] (when non-zero: newer than
 * the profile) and, when @tty_guard, EPERM for ioctl TIOCSTI and TIOCLINUX
 * whatever the upper half of the command word holds.  @max_nr is indexed
 * x86_64, x32, x86.  0 or -errno.
 */
int nslab_sc_assemble(const void *filter, size_t n, const uint32_t max_nr[3], bool tty_guard,
		      struct nslab_sc_program *out);
/* Loads @prog into the calling process (PR_SET_SECCOMP).  0 or -errno. */
int nslab_sc_install(const struct nslab_sc_program *prog);

#endif
