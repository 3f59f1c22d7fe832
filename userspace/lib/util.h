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
 * The kind of a failure: the exit code comes from it, never from the step's
 * name (nslab_failure_code, nslab_manage_failure_code in process.h).
 */
enum nslab_err_kind {
	NSLAB_ERR_SYSTEM,	/* a step of nslab failed, or the container is not in the state needed */
	NSLAB_ERR_INPUT,	/* the user's options, names or files were refused */
	NSLAB_ERR_NOT_FOUND,	/* no such container */
	NSLAB_ERR_EXEC,		/* the user's command itself could not be executed */
};

/*
 * What failed and why, for the one-line `nslab: <what>: <why>` report: @why
 * is complete (strerror included where it helps).  It is a plain struct so
 * the container's child can send it to the parent whole.  @kind is last so
 * that { err, what, why } initialisers stay valid (kind SYSTEM).
 */
struct nslab_error {
	int err;		/* positive errno, 0 if none */
	char what[64];		/* the step or the option */
	char why[192];
	enum nslab_err_kind kind;
};

/*
 * Records a failure of @kind: @what and a formatted @why (strerror(err) when
 * fmt is NULL).  Returns -err (err may be given negative).  @e may be NULL.
 */
int nslab_vfail(struct nslab_error *e, enum nslab_err_kind kind, int err, const char *what,
		const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));
int nslab_fail_as(struct nslab_error *e, enum nslab_err_kind kind, int err, const char *what,
		  const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* nslab_fail(e, err, what, fmt, ...): the usual case, step @what of nslab failed (SYSTEM). */
#define nslab_fail(e, err, what, ...) nslab_fail_as(e, NSLAB_ERR_SYSTEM, err, what, __VA_ARGS__)
/* nslab_bad_input(e, what, fmt, ...): option or input @what was refused (INPUT, EINVAL). */
#define nslab_bad_input(e, what, ...) nslab_fail_as(e, NSLAB_ERR_INPUT, EINVAL, what, __VA_ARGS__)

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
/* The same with @path relative to the directory @dir_fd (AT_FDCWD: as nslab_write_atomic). */
int nslab_write_atomic_at(int dir_fd, const char *path, const char *buf, size_t len, mode_t mode);
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
