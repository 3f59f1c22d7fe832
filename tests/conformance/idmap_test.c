// SPDX-License-Identifier: GPL-2.0
/*
 * The container's root owns the image (issue 13 item 4): under the default
 * user namespace the root is mounted idmapped, so what the host's root owns
 * in the image the container's root owns.  Each negative control runs the
 * same write with the same ids given explicitly (--uid-map/--gid-map), which
 * mounts the root unmapped: there the image's files belong to nobody.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "detached.h"
#include "harness.h"
#include "lab.h"
#include "state.h"

/* The default map's ids, given explicitly: the same namespace, no idmapped root. */
#define UNMAPPED "--uid-map", "0:100000:65536", "--gid-map", "0:100000:65536"

static void idmap_cleanup(void)
{
	detached_cleanup();
	lab_cleanup();
}

static void assert_ran(const struct run_result *r)
{
	cr_assert_eq(r->code, 0, "nslab failed (%d): %s%s", r->code, r->out, r->err);
}

static uid_t owner(const char *path)
{
	struct stat st;

	cr_assert_eq(lstat(path, &st), 0, "%s: %s", path, strerror(errno));
	return st.st_uid;
}

/* A user namespace of a child that waits for us; its pid, or -1. */
static pid_t userns_child(int *hold)
{
	int p[2];
	pid_t pid;
	char cmd[128];

	if (pipe(p) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		char byte;

		close(p[1]);
		if (unshare(CLONE_NEWUSER) == 0)
			read(p[0], &byte, 1);
		_exit(0);
	}
	close(p[0]);
	*hold = p[1];
	/* Both maps: the kernel idmaps a mount only with a namespace that has them. */
	for (int tries = 0; pid > 0 && tries < 1000; tries++) {
		snprintf(cmd, sizeof(cmd), "echo '0 100000 65536' > /proc/%d/uid_map && "
			 "echo '0 100000 65536' > /proc/%d/gid_map", (int)pid, (int)pid);
		if (host_sh(cmd, NULL, 0) == 0)
			return pid;
		usleep(1000);
	}
	return pid;
}

/*
 * Whether @dir's filesystem takes an idmapped mount (tmpfs only since 6.3):
 * asked of the kernel directly, not through nslab.
 */
static bool can_idmap(const char *dir)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP };
	int hold = -1, tree, ns = -1;
	char path[64];
	bool ok = false;
	pid_t pid = userns_child(&hold);

	if (pid > 0) {
		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
		ns = open(path, O_RDONLY | O_CLOEXEC);
	}
	tree = open_tree(AT_FDCWD, dir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (ns >= 0 && tree >= 0) {
		attr.userns_fd = ns;
		ok = mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) == 0;
	}
	if (tree >= 0)
		close(tree);
	if (ns >= 0)
		close(ns);
	if (hold >= 0)
		close(hold);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return ok;
}

/* Skips a test whose image lies on a filesystem that cannot be idmapped: C8's case. */
static void require_idmap(const char *image)
{
	if (!can_idmap(image))
		cr_skip_test("%s cannot be idmapped (tmpfs before 6.3?): C8 covers it", image);
}

/* The busybox image: what root writes in /etc and /root, and how they look. */
static const char busybox_writes[] =
	"echo x >> /etc/hostname && cd /root && echo y > /root/f && stat -c '%u %g' /etc/passwd /root/f";

Test(overlay, C5_container_root_owns_the_image, .fini = idmap_cleanup)
{
	char image[PATH_MAX], path[PATH_MAX], name[DETACHED_NAME_MAX];
	struct run_result r;

	require_root();
	lab_rootfs_copy(image);
	require_idmap(image);
	NSLAB(&r, "run", "--rootfs", image, "--", "sh", "-c", busybox_writes);
	assert_ran(&r);
	cr_assert_str_eq(r.out, "0 0\n0 0\n", "the image's root files are not root's inside");
	snprintf(path, sizeof(path), "%s/etc/hostname", image);
	cr_assert_neq(access(path, F_OK), 0, "the write reached the image");

	/* Copy-up and new files land in the upper layer as the mapped root. */
	DETACHED(name, "c5", "--rootfs", image, "--", "sleep", "600");
	NSLAB(&r, "exec", name, "--", "sh", "-c", busybox_writes);
	assert_ran(&r);
	cr_assert_eq(nslab_state_rw_path(path, sizeof(path), name, "upper/etc/hostname"), 0);
	cr_assert_eq(owner(path), 100000, "a copied-up file is not the mapped root's on the host");
	cr_assert_eq(nslab_state_rw_path(path, sizeof(path), name, "upper/root/f"), 0);
	cr_assert_eq(owner(path), 100000, "a new file is not the mapped root's on the host");

	/* Control: the same ids unmapped, the image's files are nobody's and closed. */
	NSLAB(&r, "run", "--rootfs", image, UNMAPPED, "--", "sh", "-c",
	      "stat -c '%u' /etc/passwd; echo x >> /etc/hostname");
	cr_assert_neq(r.code, 0, "control: root wrote /etc unmapped: %s", r.out);
	cr_assert_str_eq(r.out, "65534\n");
	cr_assert_not_null(strstr(r.err, "Permission denied"), "%s", r.err);
}

/* The cached Debian image (build/debian-rootfs), built on first use; NULL when apt cannot. */
static const char *debian_rootfs(void)
{
	static char marker[PATH_MAX + 16];
	char cmd[2 * PATH_MAX];

	snprintf(marker, sizeof(marker), "%s/.built", NSLAB_DEBIAN_ROOTFS);
	if (access(marker, F_OK) == 0)
		return NSLAB_DEBIAN_ROOTFS;
	snprintf(cmd, sizeof(cmd), "sh '%s' '%s' >/dev/null 2>&1", NSLAB_MKDEBROOT, NSLAB_DEBIAN_ROOTFS);
	return host_sh(cmd, NULL, 0) == 0 ? NSLAB_DEBIAN_ROOTFS : NULL;
}

static const char debian_writes[] =
	"echo x >> /etc/hostname && cd /root && echo y > f && "
	"printf 'Package: c6\\nStatus: install ok installed\\nVersion: 1\\nArchitecture: all\\n"
	"Maintainer: c6\\nDescription: c6\\n\\n' >> /var/lib/dpkg/status && "
	"dpkg --get-selections && stat -c '%u %g' /etc/hostname /root/f /usr/bin/dpkg";

Test(overlay, C6_debian_image_writable_by_container_root)
{
	const char *image = debian_rootfs();
	char path[PATH_MAX], *before, *after;
	struct run_result r;

	require_root();
	if (!image)
		cr_skip_test("apt-get download could not fetch bash, coreutils, dpkg and libc6");
	require_idmap(image);
	snprintf(path, sizeof(path), "%s/var/lib/dpkg/status", image);
	before = slurp(path);
	cr_assert_not_null(before);
	NSLAB(&r, "run", "--rootfs", image, "--", "bash", "-c", debian_writes);
	assert_ran(&r);
	cr_assert_str_eq(r.out, "c6\t\t\t\t\t\tinstall\n0 0\n0 0\n0 0\n");
	after = slurp(path);
	cr_assert_str_eq(after, before, "dpkg's status changed in the image");
	free(after);
	free(before);

	/* Control: unmapped, dpkg's database and /root are closed to the container's root. */
	NSLAB(&r, "run", "--rootfs", image, UNMAPPED, "--", "bash", "-c",
	      "echo x >> /var/lib/dpkg/status || cd /root");
	cr_assert_neq(r.code, 0, "control: root wrote dpkg's status unmapped");
	cr_assert_not_null(strstr(r.err, "Permission denied"), "%s", r.err);
}

Test(overlay, C7_no_overlay_writes_the_image_as_container_root, .fini = lab_cleanup)
{
	char image[PATH_MAX], path[PATH_MAX];
	struct run_result r;

	require_root();
	lab_rootfs_copy(image);
	require_idmap(image);
	NSLAB(&r, "run", "--rootfs", image, "--no-overlay", "--", "sh", "-c", busybox_writes);
	assert_ran(&r);
	cr_assert_str_eq(r.out, "0 0\n0 0\n");
	/* Without an overlay the image itself is written, by the container's root as the host's. */
	snprintf(path, sizeof(path), "%s/root/f", image);
	cr_assert_eq(owner(path), 0, "the container's root did not write the image as its owner");

	/* Control: the same bind unmapped leaves /root closed. */
	NSLAB(&r, "run", "--rootfs", image, "--no-overlay", UNMAPPED, "--", "sh", "-c",
	      "echo y > /root/g");
	cr_assert_neq(r.code, 0, "control: root wrote /root unmapped");
	snprintf(path, sizeof(path), "%s/root/g", image);
	cr_assert_neq(access(path, F_OK), 0);
}

/* Runs on a copy of the image in ramfs, which cannot be idmapped. */
struct ramfs_runs {
	char dir[PATH_MAX], name[32];
	int setup;
	struct run_result overlay, bind;
};

static const char ramfs_probe[] = "stat -c %u /etc/passwd; echo x >> /etc/hostname";

/* In a mount namespace of its own, so that the ramfs never reaches the host. */
static void ramfs_run(void *arg)
{
	struct ramfs_runs *p = arg;
	char cmd[2 * PATH_MAX + 32];

	p->setup = -1;
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("ramfs", p->dir, "ramfs", 0, "mode=0755") < 0)
		return;
	snprintf(cmd, sizeof(cmd), "cp -a '%s/.' '%s'", lab_default_rootfs(), p->dir);
	if (host_sh(cmd, NULL, 0) != 0)
		return;
	p->setup = 0;
	NSLAB(&p->overlay, "run", "--name", p->name, "--rootfs", p->dir, "--", "sh", "-c", ramfs_probe);
	NSLAB(&p->bind, "run", "--rootfs", p->dir, "--no-overlay", "--", "sh", "-c", ramfs_probe);
}

/*
 * Where the filesystem cannot be idmapped (here ramfs; tmpfs before 6.3),
 * the container runs as before, with the root unmapped: the documented
 * fallback.  Control: C5, where the same probe on a disk copy shows 0.
 */
Test(overlay, C8_filesystem_without_idmap_runs_unmapped)
{
	struct ramfs_runs *p = shared_alloc(sizeof(*p));
	char dir[PATH_MAX];

	require_root();
	snprintf(p->dir, sizeof(p->dir), "/tmp/nslab-c8-XXXXXX");
	cr_assert_not_null(mkdtemp(p->dir));
	snprintf(p->name, sizeof(p->name), "c8-%d", (int)getpid());
	run_in_child(ramfs_run, p);
	rmdir(p->dir);
	cr_assert_eq(p->setup, 0, "cannot build the ramfs image");
	cr_assert_str_eq(p->overlay.out, "65534\n", "%s", p->overlay.err);
	cr_assert_not_null(strstr(p->overlay.err, "Permission denied"), "%s", p->overlay.err);
	cr_assert_str_eq(p->bind.out, "65534\n", "%s", p->bind.err);
	/* The mounts went with the child's namespace; the state is the host's. */
	cr_assert_eq(nslab_state_path(dir, sizeof(dir), p->name, NULL), 0);
	cr_assert_neq(access(dir, F_OK), 0, "%s left behind", dir);
	shared_free(p, sizeof(*p));
}
