// SPDX-License-Identifier: GPL-2.0
/* The cache of compiled seccomp programs: read back, keyed by what they depend on, and only our own. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"
#include "filter.h"
#include "seccomp_cache.h"

static char dir[] = "/tmp/nslab-sc-cache-XXXXXX";

static void cache_make(void)
{
	cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	setenv("NSLAB_CACHE_DIR", dir, 1);
}

static void cache_remove(void)
{
	nslab_rm_rf(dir);
}

TestSuite(seccomp_cache, .init = cache_make, .fini = cache_remove, .timeout = 60);

/* The file nslab_seccomp_check keeps the default profile's program in, for @caps. */
static void cached_file(uint64_t caps, char path[PATH_MAX])
{
	struct nslab_seccomp sc = { .mode = NSLAB_SECCOMP_DEFAULT };

	snprintf(path, PATH_MAX, "%s/seccomp/%016llx.bpf", dir,
		 (unsigned long long)nslab_sc_cache_key(&sc, caps));
}

/* Builds (or reads) the default profile's program for @caps into @sc. */
static void check_default(struct nslab_seccomp *sc, uint64_t caps)
{
	struct nslab_error e = { 0 };

	*sc = (struct nslab_seccomp){ .mode = NSLAB_SECCOMP_DEFAULT };
	cr_assert_eq(nslab_seccomp_check(sc, caps, &e), 0, "%s", e.why);
	cr_assert_not_null(sc->prog.insn);
}

static bool same_program(const struct nslab_seccomp *a, const struct nslab_seccomp *b)
{
	return a->prog.len == b->prog.len && memcmp(a->prog.insn, b->prog.insn, a->prog.len * 8) == 0;
}

/* A one-instruction program that allows everything: what a poisoned cache would hold. */
static void plant(const char *path, mode_t mode)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);

	cr_assert_geq(fd, 0, "%s: %s", path, strerror(errno));
	cr_assert_eq(write(fd, &allow, sizeof(allow)), (ssize_t)sizeof(allow));
	cr_assert_eq(fchmod(fd, mode), 0);
	close(fd);
}

Test(seccomp_cache, the_next_check_reads_the_stored_program)
{
	struct nslab_seccomp built, again, planted;
	uint64_t caps = nslab_caps_default();
	char path[PATH_MAX];

	check_default(&built, caps);
	cached_file(caps, path);
	cr_assert_eq(access(path, F_OK), 0, "no program kept at %s", path);
	check_default(&again, caps);
	cr_assert(same_program(&built, &again), "the kept program differs from the built one");

	/* It is really read back: a program put in its place is what the next check gets. */
	plant(path, 0600);
	check_default(&planted, caps);
	cr_assert_eq(planted.prog.len, 1, "the cache was not read");
	nslab_seccomp_release(&built);
	nslab_seccomp_release(&again);
	nslab_seccomp_release(&planted);
}

Test(seccomp_cache, a_file_others_could_write_is_not_used)
{
	struct nslab_seccomp built, check;
	uint64_t caps = nslab_caps_default();
	char path[PATH_MAX];

	check_default(&built, caps);
	cached_file(caps, path);
	plant(path, 0622);
	check_default(&check, caps);
	cr_assert(same_program(&built, &check), "a group- and world-writable program was loaded");
	nslab_seccomp_release(&check);

	/* Nor one of another user's. */
	plant(path, 0600);
	cr_assert_eq(chown(path, 1000, 1000), 0, "%s", strerror(errno));
	check_default(&check, caps);
	if (geteuid() == 1000)
		cr_skip_test("running as uid 1000, the owner this test plants");
	cr_assert(same_program(&built, &check), "another user's program was loaded");
	nslab_seccomp_release(&check);
	nslab_seccomp_release(&built);
}

Test(seccomp_cache, the_key_follows_capabilities_and_profile_text)
{
	struct nslab_seccomp def = { .mode = NSLAB_SECCOMP_DEFAULT };
	struct nslab_seccomp a = { .mode = NSLAB_SECCOMP_FILE, .text_hash = 1 };
	struct nslab_seccomp b = { .mode = NSLAB_SECCOMP_FILE, .text_hash = 2 };
	uint64_t caps = nslab_caps_default();

	cr_assert_eq(nslab_sc_cache_key(&def, caps), nslab_sc_cache_key(&def, caps));
	cr_assert_neq(nslab_sc_cache_key(&def, caps), nslab_sc_cache_key(&def, caps | 1ULL << 21));
	cr_assert_neq(nslab_sc_cache_key(&a, caps), nslab_sc_cache_key(&b, caps));
	cr_assert_neq(nslab_sc_cache_key(&def, caps), nslab_sc_cache_key(&a, caps));
}

/* The file key @key is kept in. */
static void key_file(uint64_t key, char path[PATH_MAX])
{
	snprintf(path, PATH_MAX, "%s/seccomp/%016llx.bpf", dir, (unsigned long long)key);
}

/* Stores a one-instruction program under @key, last used @age seconds after the epoch. */
static void store_used_at(uint64_t key, time_t age)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct nslab_sc_program prog = { .insn = &allow, .len = 1 };
	struct timespec t[2] = { { .tv_sec = age }, { .tv_sec = age } };
	char path[PATH_MAX];

	nslab_sc_cache_store(key, &prog);
	key_file(key, path);
	cr_assert_eq(utimensat(AT_FDCWD, path, t, 0), 0, "%s: %s", path, strerror(errno));
}

static bool kept(uint64_t key)
{
	char path[PATH_MAX];

	key_file(key, path);
	return access(path, F_OK) == 0;
}

static void touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

	cr_assert_geq(fd, 0, "%s: %s", path, strerror(errno));
	close(fd);
}

Test(seccomp_cache, at_most_the_bound_kept_the_least_recently_used_go)
{
	struct nslab_sc_program hit = { 0 };
	char other[PATH_MAX], orphan[PATH_MAX];
	pid_t gone;

	for (uint64_t k = 1; k <= NSLAB_SC_CACHE_MAX; k++)
		store_used_at(k, 1000 + k);
	/* Control: as many as the bound, all of them kept. */
	for (uint64_t k = 1; k <= NSLAB_SC_CACHE_MAX; k++)
		cr_assert(kept(k), "program %llu of %d removed", (unsigned long long)k,
			  NSLAB_SC_CACHE_MAX);

	/*
	 * The oldest, read back, is used now: the next two oldest make room.
	 * A live writer's temporary file stays (ours); one whose writer is gone
	 * (a child that exited) goes.
	 */
	gone = fork();
	if (gone == 0)
		_exit(0);
	cr_assert_gt(gone, 0);
	waitpid(gone, NULL, 0);
	snprintf(other, sizeof(other), "%s/seccomp/0000000000000002.bpf.%d.tmp", dir, (int)getpid());
	snprintf(orphan, sizeof(orphan), "%s/seccomp/0000000000000003.bpf.%d.tmp", dir, (int)gone);
	touch(other);
	touch(orphan);
	cr_assert_eq(nslab_sc_cache_load(1, &hit), 0);
	free(hit.insn);
	store_used_at(NSLAB_SC_CACHE_MAX + 1, time(NULL));
	store_used_at(NSLAB_SC_CACHE_MAX + 2, time(NULL));
	cr_assert(kept(1), "the program just read was removed");
	cr_assert(!kept(2) && !kept(3), "the least recently used programs were kept");
	for (uint64_t k = 4; k <= NSLAB_SC_CACHE_MAX + 2; k++)
		cr_assert(kept(k), "program %llu removed", (unsigned long long)k);
	cr_assert_eq(access(other, F_OK), 0, "a live writer's temporary file was removed");
	cr_assert_neq(access(orphan, F_OK), 0, "a dead writer's temporary file was kept");
}
