// SPDX-License-Identifier: GPL-2.0
/*
 * Compiled seccomp programs, kept between starts.  libseccomp takes some
 * 25 ms to turn Docker's profile (three architectures, 400 calls) into BPF,
 * more than the rest of a container's start; the result depends only on the
 * profile, the container's capabilities, the kernel and the nslab binary
 * that built it, which together name the file.  A rebuilt binary's
 * programs are new files and the old ones are never read again: the cache
 * keeps only the programs used last.
 */
#include "cleanup.h"
#include "filter.h"
#include "seccomp_cache.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/filter.h>

#define FNV_OFFSET 0xcbf29ce484222325ULL
#define FNV_PRIME 0x100000001b3ULL

uint64_t nslab_sc_hash(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++)
		h = (h ^ p[i]) * FNV_PRIME;
	return h;
}

uint64_t nslab_sc_cache_key(const struct nslab_seccomp *sc, uint64_t caps)
{
	struct utsname u = { 0 };
	struct stat exe = { 0 };
	uint64_t h = FNV_OFFSET;

	/* A rebuilt nslab is another file: its programs are built anew. */
	stat("/proc/self/exe", &exe);
	uname(&u);
	h = nslab_sc_hash(h, &exe.st_dev, sizeof(exe.st_dev));
	h = nslab_sc_hash(h, &exe.st_ino, sizeof(exe.st_ino));
	h = nslab_sc_hash(h, &exe.st_size, sizeof(exe.st_size));
	h = nslab_sc_hash(h, &exe.st_mtim, sizeof(exe.st_mtim));
	h = nslab_sc_hash(h, u.release, strlen(u.release));
	h = nslab_sc_hash(h, &sc->mode, sizeof(sc->mode));
	h = nslab_sc_hash(h, &sc->text_hash, sizeof(sc->text_hash));
	return nslab_sc_hash(h, &caps, sizeof(caps));
}

/* $NSLAB_CACHE_DIR, /var/cache/nslab as root, else $XDG_CACHE_HOME/nslab or ~/.cache/nslab. */
static int cache_dir(char *buf, size_t size)
{
	const char *dir = getenv("NSLAB_CACHE_DIR"), *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");
	int n;

	if (dir && *dir)
		n = snprintf(buf, size, "%s/seccomp", dir);
	else if (geteuid() == 0)
		n = snprintf(buf, size, "/var/cache/nslab/seccomp");
	else if (xdg && *xdg)
		n = snprintf(buf, size, "%s/nslab/seccomp", xdg);
	else if (home && *home)
		n = snprintf(buf, size, "%s/.cache/nslab/seccomp", home);
	else
		return -ENOENT;
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* A file or directory only we could have written: anyone else's could lift the filter. */
static bool ours(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 && st.st_uid == geteuid() && !(st.st_mode & 022);
}

static int open_dir(bool create)
{
	char dir[PATH_MAX + 1];
	int fd;

	if (cache_dir(dir, sizeof(dir) - 1))
		return -1;
	if (create) {
		strcat(dir, "/");
		nslab_make_parents(dir, dir + 1, 0700);
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && !ours(fd)) {
		close(fd);
		return -1;
	}
	return fd;
}

int nslab_sc_cache_load(uint64_t key, struct nslab_sc_program *prog)
{
	int dir = open_dir(false), fd;
	struct stat st = { .st_size = 0 };
	char name[32];
	ssize_t n;

	if (dir < 0)
		return -ENOENT;
	snprintf(name, sizeof(name), "%016llx.bpf", (unsigned long long)key);
	fd = openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	close(dir);
	if (fd < 0)
		return -ENOENT;
	n = -1;
	if (ours(fd) && fstat(fd, &st) == 0 && st.st_size > 0 && st.st_size % 8 == 0 &&
	    st.st_size <= BPF_MAXINSNS * 8 && (prog->insn = malloc(st.st_size)))
		n = nslab_read_all(fd, prog->insn, st.st_size);
	/* Its mtime says when it was last used: what pruning keeps the newest of. */
	if (n == st.st_size && n > 0)
		futimens(fd, NULL);
	close(fd);
	if (n != st.st_size || n <= 0) {
		free(prog->insn);
		prog->insn = NULL;
		return -ENOENT;
	}
	prog->len = n / 8;
	return 0;
}

/* A program's file, "<16 hex digits>.bpf": not another writer's temporary one. */
static bool program_name(const char *name)
{
	return strlen(name) == 20 && strspn(name, "0123456789abcdef") == 16 &&
	       strcmp(name + 16, ".bpf") == 0;
}

struct cached {
	struct timespec used;
	char name[24];
};

static int older_first(const void *a, const void *b)
{
	const struct timespec *x = &((const struct cached *)a)->used;
	const struct timespec *y = &((const struct cached *)b)->used;

	if (x->tv_sec != y->tv_sec)
		return x->tv_sec < y->tv_sec ? -1 : 1;
	return (x->tv_nsec > y->tv_nsec) - (x->tv_nsec < y->tv_nsec);
}

/*
 * A writer's temporary file, "<program>.<pid>.tmp", whose writer is gone
 * (killed between its write and its rename): nothing else would remove it.
 * A live writer's, or one whose pid was taken again, stays.
 */
static bool orphaned_tmp(const char *name)
{
	char prog[21], *end;
	long pid;

	if (strlen(name) < 26 || name[20] != '.')
		return false;
	snprintf(prog, sizeof(prog), "%.20s", name);
	pid = strtol(name + 21, &end, 10);
	return program_name(prog) && end != name + 21 && strcmp(end, ".tmp") == 0 && pid > 0 &&
	       kill((pid_t)pid, 0) < 0 && errno == ESRCH;
}

/*
 * The programs in @dir with their last use, into *@list (the caller frees
 * it); their count.  Orphaned temporary files go on the way.
 */
static size_t list_programs(int dir, struct cached **list)
{
	int fd = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	struct cached *grown;
	struct stat st;

	*list = NULL;
	while (d && (de = readdir(d))) {
		if (orphaned_tmp(de->d_name))
			unlinkat(dir, de->d_name, 0);
		if (!program_name(de->d_name) || fstatat(dir, de->d_name, &st, AT_SYMLINK_NOFOLLOW))
			continue;
		if (n == cap) {
			cap = cap ? 2 * cap : 2 * NSLAB_SC_CACHE_MAX;
			grown = realloc(*list, cap * sizeof(**list));
			if (!grown)
				break;
			*list = grown;
		}
		(*list)[n].used = st.st_mtim;
		snprintf((*list)[n].name, sizeof((*list)[n].name), "%s", de->d_name);
		n++;
	}
	if (d)
		closedir(d);
	else if (fd >= 0)
		close(fd);
	return n;
}

/*
 * Keeps the NSLAB_SC_CACHE_MAX programs used last.  Another nslab reading
 * one removed meanwhile has it open (and reads it whole) or finds none and
 * builds it: pruning costs time, never a wrong filter.
 */
static void prune(int dir)
{
	_cleanup_free_ struct cached *list = NULL;
	size_t n = list_programs(dir, &list);

	if (n <= NSLAB_SC_CACHE_MAX)
		return;
	qsort(list, n, sizeof(*list), older_first);
	for (size_t i = 0; i < n - NSLAB_SC_CACHE_MAX; i++)
		unlinkat(dir, list[i].name, 0);
}

void nslab_sc_cache_store(uint64_t key, const struct nslab_sc_program *prog)
{
	int dir = open_dir(true), fd;
	char tmp[48], name[32];

	if (dir < 0)
		return;
	/* Written aside under a name of our own, then renamed: a reader sees a whole program or none. */
	snprintf(name, sizeof(name), "%016llx.bpf", (unsigned long long)key);
	snprintf(tmp, sizeof(tmp), "%s.%d.tmp", name, (int)getpid());
	fd = openat(dir, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd >= 0) {
		if (nslab_write_all(fd, prog->insn, prog->len * 8) || renameat(dir, tmp, dir, name))
			unlinkat(dir, tmp, 0);
		close(fd);
	}
	prune(dir);
	close(dir);
}
