/* SPDX-License-Identifier: GPL-2.0 */
/* Compiled seccomp programs kept between starts. */
#ifndef NSLAB_SECCOMP_CACHE_H
#define NSLAB_SECCOMP_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "filter.h"

/* FNV-1a over @len bytes of @data, from @h (NSLAB_SC_HASH_SEED to start). */
#define NSLAB_SC_HASH_SEED 0xcbf29ce484222325ULL
uint64_t nslab_sc_hash(uint64_t h, const void *data, size_t len);

/*
 * The program's name in the cache: this binary, the kernel, the profile
 * (@sc's mode and FILE's text) and @caps, all that the program depends on.
 */
uint64_t nslab_sc_cache_key(const struct nslab_seccomp *sc, uint64_t caps);
/*
 * A program built before under @key, from $NSLAB_CACHE_DIR/seccomp, else
 * /var/cache/nslab/seccomp (root) or the user's cache directory; only files
 * and a directory of the caller's own that no one else may write count.
 * 0, or -ENOENT when there is none.
 */
int nslab_sc_cache_load(uint64_t key, struct nslab_sc_program *prog);
/* Keeps @prog under @key for the next start; a cache that cannot be written is no error. */
void nslab_sc_cache_store(uint64_t key, const struct nslab_sc_program *prog);

#endif
