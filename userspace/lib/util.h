/* SPDX-License-Identifier: GPL-2.0 */
/* Error reporting, fault injection and small file helpers shared by the library. */
#ifndef NSLAB_UTIL_H
#define NSLAB_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>

/* The number of elements of the array @a (not of a pointer). */
#define N_ELEMENTS(a) (sizeof(a) / sizeof((a)[0]))

/*
 * What failed and why, for the one-line `nslab: <what>: <why>` report.  It is
 * a plain struct so the container's child can send it to the parent whole.
 */
struct nslab_error {
	int err;		/* positive errno, 0 if none */
	char what[64];
	char why[192];
};

/* Records @what and a formatted @why (strerror(err) when fmt is NULL); returns -err. */
int nslab_fail(struct nslab_error *e, int err, const char *what, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * Test builds (-DNSLAB_FAULT_INJECTION) fail the setup step named by the
 * NSLAB_FAULT environment variable with EIO, so tests can prove that every
 * failure path cleans up.  Release builds compile it away.
 */
#ifdef NSLAB_FAULT_INJECTION
int nslab_fault(const char *step);
#else
static inline int nslab_fault(const char *step) { (void)step; return 0; }
#endif

/*
 * Parses a whole decimal number into [min, max]: digits only, with a leading
 * '-' only when @min is negative (no white space, '+' or trailing text).
 */
int nslab_parse_number(const char *s, long long min, long long max, long long *out);

/* Writes all of @buf to @path (O_WRONLY, no create). Returns 0 or -errno. */
int nslab_write_file(const char *path, const char *buf, size_t len);
/* Reads up to @size-1 bytes of @path into @buf, NUL-terminated. Returns length or -errno. */
ssize_t nslab_read_file(const char *path, char *buf, size_t size);
/* Replaces @path with @buf atomically for readers (temporary file, rename). */
int nslab_write_atomic(const char *path, const char *buf, size_t len, mode_t mode);
/*
 * mkdir -p of @path's parents from @from (a point within @path) on, each
 * with @mode; @path is restored.  Only where no one else could plant a
 * symlink on the way: it follows them.
 */
int nslab_make_parents(char *path, char *from, mode_t mode);
/* Removes @path and everything below it without crossing mount points. */
int nslab_rm_rf(const char *path);
/* Creates an empty regular file if nothing exists at @path (a bind-mount target). */
int nslab_touch(const char *path, mode_t mode);
/* Full write(2) and read(2) loops that retry on EINTR and short counts. */
int nslab_write_all(int fd, const void *buf, size_t len);
ssize_t nslab_read_all(int fd, void *buf, size_t len);

#endif
