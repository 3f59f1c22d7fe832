// SPDX-License-Identifier: GPL-2.0
/* Copy-on-write root, docs/conformance.md C1-C4. */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "detached.h"
#include "harness.h"
#include "lab.h"
#include "state.h"

static void assert_ran(const struct run_result *r)
{
	cr_assert_eq(r->code, 0, "nslab failed (%d): %s%s", r->code, r->out, r->err);
}

static void overlay_cleanup(void)
{
	detached_cleanup();
	lab_cleanup();
}

/* ---- C1 ---- */

static uint64_t tree_hash;
static size_t tree_root_len;

static void fnv(const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++)
		tree_hash = (tree_hash ^ p[i]) * 0x100000001b3ULL;
}

static int hash_entry(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	char buf[4096];
	ssize_t n;
	int fd;

	(void)type;
	(void)ftw;
	fnv(path + tree_root_len, strlen(path + tree_root_len) + 1);
	fnv(&st->st_mode, sizeof(st->st_mode));
	fnv(&st->st_uid, sizeof(st->st_uid));
	fnv(&st->st_gid, sizeof(st->st_gid));
	fnv(&st->st_size, sizeof(st->st_size));
	if (S_ISLNK(st->st_mode)) {
		n = readlink(path, buf, sizeof(buf));
		fnv(buf, n > 0 ? n : 0);
	} else if (S_ISREG(st->st_mode) && (fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			fnv(buf, n);
		close(fd);
	}
	return 0;
}

/* A hash of a whole tree: names, modes, owners, sizes, contents and link targets. */
static uint64_t hash_tree(const char *root)
{
	tree_hash = 0xcbf29ce484222325ULL;
	tree_root_len = strlen(root);
	cr_assert_eq(nftw(root, hash_entry, 16, FTW_PHYS), 0, "cannot walk %s", root);
	return tree_hash;
}

TestSuite(overlay, .timeout = 600);

Test(overlay, C1_writes_leave_the_image_unchanged, .fini = lab_cleanup)
{
	const char *no_user = lab_ns_without("user");
	char image[PATH_MAX];
	struct run_result r;
	uint64_t before;

	require_root();
	lab_rootfs_copy(image);
	before = hash_tree(image);

	/* Root that owns the image's files (no user ns) changes one in place, and adds one. */
	NSLAB(&r, "run", "--rootfs", image, "--ns", no_user, "--", "sh", "-c",
	      "echo c1-inside >> /etc/passwd && echo c1 > /c1-new && grep -c c1-inside /etc/passwd");
	assert_ran(&r);
	cr_assert_str_eq(r.out, "1\n", "the write inside did not take");
	cr_assert_eq(hash_tree(image), before, "the image changed under a write inside");

	/* With every namespace, the mapped root adds a file in /. */
	NSLAB(&r, "run", "--rootfs", image, "--", "sh", "-c", "echo c1 > /c1-new && cat /c1-new");
	assert_ran(&r);
	cr_assert_str_eq(r.out, "c1\n");
	cr_assert_eq(hash_tree(image), before, "the image changed under a write inside");

	/* Control: without the overlay the same write lands in the image. */
	NSLAB(&r, "run", "--rootfs", image, "--no-overlay", "--ns", no_user, "--", "sh", "-c",
	      "echo c1-inside >> /etc/passwd");
	assert_ran(&r);
	cr_assert_neq(hash_tree(image), before, "control: a write without overlay should change the image");
}

/* ---- C2 ---- */

/*
 * Container A (run with @opts, NULL-terminated) writes a file; a second
 * container B with the same options looks for it while A still runs.
 * Returns what B's `cat` printed ("" if nothing).
 */
static const char *second_sees(const char *tag, const char *const opts[])
{
	static struct run_result b;
	const char *a_args[16], *b_args[16] = { "run" };
	char name[DETACHED_NAME_MAX];
	struct run_result r;
	int n = 0;

	for (; opts[n]; n++)
		a_args[n] = b_args[n + 1] = opts[n];
	memcpy(a_args + n, (const char *[]){ "--", "sleep", "600", NULL }, 4 * sizeof(char *));
	memcpy(b_args + n + 1, (const char *[]){ "--", "sh", "-c", "cat /c2-file 2>/dev/null; true", NULL },
	       5 * sizeof(char *));
	detached_run(name, tag, a_args);
	NSLAB(&r, "exec", name, "--", "sh", "-c", "echo c2-secret > /c2-file && cat /c2-file");
	assert_ran(&r);
	cr_assert_str_eq(r.out, "c2-secret\n", "the first container's write did not take");
	nslab_run_argv(&b, b_args);
	assert_ran(&b);
	return b.out;
}

Test(overlay, C2_second_container_does_not_see_writes, .fini = overlay_cleanup)
{
	char image[PATH_MAX];

	require_root();
	lab_rootfs_copy(image);
	cr_assert_str_eq(second_sees("c2", (const char *[]){ "--rootfs", image, NULL }), "");

	/*
	 * Control: sharing the image itself (no overlay), the second container
	 * sees the write.  Without a user ns, so that root owns the image's "/".
	 */
	cr_assert_str_eq(second_sees("c2-control", (const char *[]){ "--rootfs", image, "--no-overlay",
				     "--ns", lab_ns_without("user"), NULL }), "c2-secret\n");
}
/* ---- C3, C4 ---- */

static bool exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

Test(overlay, C3_upper_layer_removed_after_rm, .fini = detached_cleanup)
{
	char name[DETACHED_NAME_MAX], upper[PATH_MAX], dir[PATH_MAX];
	struct run_result r;

	require_root();
	DETACHED(name, "c3", "--", "sleep", "600");
	NSLAB(&r, "exec", name, "--", "sh", "-c", "echo c3 > /c3-file");
	assert_ran(&r);
	cr_assert_eq(nslab_state_path(dir, sizeof(dir), name, NULL), 0);
	cr_assert_eq(nslab_state_rw_path(upper, sizeof(upper), name, "upper/c3-file"), 0);
	/* Control: while it runs, the write is in the upper layer on the host. */
	cr_assert(exists(upper), "%s missing while the container runs", upper);
	NSLAB(&r, "rm", "-f", name);
	assert_ran(&r);
	cr_assert_not(exists(dir), "%s left after rm", dir);

	/* A container that simply exits loses its upper layer as well. */
	NSLAB(&r, "run", "--name", name, "--", "sh", "-c", "echo c3 > /c3-file");
	assert_ran(&r);
	cr_assert_not(exists(dir), "%s left after exit", dir);
}

/*
 * C4 is a report: the overlay's options, upperdir (the host path of the
 * container's writable layer) included, are visible in its mountinfo, as
 * with Docker.  The test pins that documented behaviour.
 */
Test(overlay, C4_upper_dir_path_visible_in_mountinfo)
{
	char name[64], upper[PATH_MAX], want[PATH_MAX + 16];
	struct run_result r;

	require_root();
	snprintf(name, sizeof(name), "c4-%d", (int)getpid());
	cr_assert_eq(nslab_state_rw_path(upper, sizeof(upper), name, "upper"), 0);
	snprintf(want, sizeof(want), "upperdir=%s,", upper);
	NSLAB(&r, "run", "--name", name, "--", "cat", "/proc/self/mountinfo");
	assert_ran(&r);
	cr_assert_not_null(strstr(r.out, want), "no '%s' in:\n%s", want, r.out);

	/* Control: with a bind-mounted root there is no upper layer to show. */
	NSLAB(&r, "run", "--name", name, "--no-overlay", "--", "cat", "/proc/self/mountinfo");
	assert_ran(&r);
	cr_assert_null(strstr(r.out, "upperdir="), "%s", r.out);
}
