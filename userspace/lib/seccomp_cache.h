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
 * A hit marks the program used now (its mtime).  0, or -ENOENT when there
 * is none.
 */
int nslab_sc_cache_load(uint64_t key, struct nslab_sc_program *prog);
/*
 * The cache's bound: the programs used last (stored, or read back, which
 * touches the file's mtime), at most this many (some 10 KB each); a
 * store removes the rest.  Keys of another binary or kernel are never
 * hit again and so age out.
 */
#define NSLAB_SC_CACHE_MAX 64

/*
 * Keeps @prog under @key for the next start, then removes all but the
 * NSLAB_SC_CACHE_MAX programs used last (another process's open file
 * stays readable; one not yet opened is built anew).  A cache that cannot
 * be written is no error.
 */
void nslab_sc_cache_store(uint64_t key, const struct nslab_sc_program *prog);

#endif
