// SPDX-License-Identifier: GPL-2.0
/*
 * Container start, in the order docs/design.md describes.  The parent makes what
 * needs host privilege (state, overlay, id maps, persisted ns files); the
 * child makes the rest inside.  Two pipes keep them in step: the parent
 * releases the child twice with a byte on `sync`, and the child answers on
 * `report` with a struct nslab_report (ready, or the step that failed).
 * Exec closes `report` (O_CLOEXEC), so EOF there means the command runs.
 */
#include "container.h"
#include "cleanup.h"
#include "hooks.h"
#include "net.h"
#include "pid.h"
#include "process.h"
#include "rootfs.h"
#include "timens.h"
#include "tty.h"
#include "user.h"
#include "usermount.h"
#include "rlimit.h"
#include "sysctl.h"
#include "uts.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/close_range.h>
#include <linux/sched.h>

/* Namespaces the child creates itself, after the parent has set it up. */
#define LATE_NS (NSLAB_NS_BIT(NSLAB_NS_CGROUP) | NSLAB_NS_BIT(NSLAB_NS_TIME))

static bool has_ns(const struct nslab_spec *spec, enum nslab_ns t)
{
	return spec->ns & NSLAB_NS_BIT(t);
}

static int rw_path(const struct nslab_container *c, const char *leaf, char *buf)
{
	return nslab_state_rw_path(buf, PATH_MAX, c->spec->name, leaf);
}

/* The overlay's layers in the state directory; 0 or -ENAMETOOLONG. */
static int layer_paths(const struct nslab_container *c, char *lower, char *upper, char *work)
{
	return rw_path(c, "lower", lower) || rw_path(c, "upper", upper) || rw_path(c, "work", work) ?
		-ENAMETOOLONG : 0;
}

/* The host's clones of the user's binds: once the child has attached them, no longer needed. */
static void close_mount_fds(struct nslab_container *c)
{
	for (int i = 0; i < NSLAB_MAX_MOUNTS; i++)
		nslab_close_fd(&c->mount_fd[i]);
}

/* ---- child ---- */

static __attribute__((noreturn)) void child_fail(int report_fd, const struct nslab_error *e)
{
	nslab_report_failure(report_fd, e);
	_exit(NSLAB_EXIT_SETUP);
}

/*
 * An unprivileged caller's overlay, made by the child in its user and mount
 * namespaces (see nslab_overlay_open); the kernel's refusal is named.  Its
 * layers go on a tmpfs of the child's mount namespace, which takes them
 * along when it dies: files there owned by the user's subordinate ids could
 * not be removed by the user.
 */
static int child_overlay(struct nslab_container *c, struct nslab_error *e)
{
	char rw[PATH_MAX], root[PATH_MAX], lower[PATH_MAX], upper[PATH_MAX], work[PATH_MAX];

	if (rw_path(c, NULL, rw) || rw_path(c, "root", root) || layer_paths(c, lower, upper, work))
		return nslab_fail(e, ENAMETOOLONG, "overlay", NULL);
	if (mount("nslab", rw, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0711") < 0 ||
	    mkdir(root, 0755) < 0 || mkdir(upper, 0755) < 0 || mkdir(work, 0700) < 0)
		return nslab_fail(e, errno, "overlay", "%s: %s", rw, strerror(errno));
	c->ovl_fd = nslab_overlay_open(c->spec->rootfs, upper, work, true);
	if (c->ovl_fd >= 0)
		return 0;
	return nslab_fail(e, -c->ovl_fd, "overlay", "%s: %s%s", c->spec->rootfs,
			  strerror(-c->ovl_fd), c->ovl_fd == -EPERM || c->ovl_fd == -EINVAL ?
			  " (the kernel refuses overlayfs to an unprivileged user: use --no-overlay)" : "");
}

/*
 * The OCI hooks the first process runs itself, in the container's
 * namespaces: the state's pid is then its own there (runtime-spec), in its
 * own copy of the state.
 */
static int child_hooks(struct nslab_container *c, enum nslab_hook_point point,
		       struct nslab_error *e)
{
	c->state.pid = getpid();
	return nslab_hooks_run(c->spec->hooks, point, &c->state, e);
}

/*
 * The root of its own, pivoted into, with the createContainer hooks between
 * (runtime-spec: after the environment is made, before pivot_root): as
 * runc's, they see config.json's mounts, under the new root's path.
 */
static int child_root(struct nslab_container *c, struct nslab_error *e)
{
	_cleanup_close_ int root_fd = -1;
	char newroot[PATH_MAX];

	if (c->spec->overlay && c->ovl_fd < 0 && child_overlay(c, e))
		return -e->err;
	if (rw_path(c, "root", newroot))
		return nslab_fail(e, ENAMETOOLONG, "rootfs", NULL);
	root_fd = nslab_rootfs_mount(c->spec, newroot, c->ovl_fd, c->sys_fd, c->mount_fd,
				     &c->cg, e);
	close_mount_fds(c);
	if (root_fd < 0)
		return root_fd;
	if (child_hooks(c, NSLAB_HOOK_CREATE_CONTAINER, e))
		return -e->err;
	return nslab_rootfs_pivot(c->spec, root_fd, e);
}

static int wait_release(int sync_fd)
{
	char byte;

	return nslab_read_all(sync_fd, &byte, 1) == 1 ? 0 : -1;
}

/*
 * The second release.  An idmapped root could only be made once our maps
 * were written, so it comes with it, over the sync socket.
 */
static int wait_root(struct nslab_container *c, int sync_fd)
{
	if (!c->spec->idmap_root)
		return wait_release(sync_fd);
	c->ovl_fd = nslab_fd_recv(sync_fd);
	return c->ovl_fd < 0 ? -1 : 0;
}

/*
 * A session of the command's own (see nslab_session_new); with -t the pty
 * is opened here, in the container's devpts, and its master sent to the
 * parent over @console.
 */
static int child_session(const struct nslab_spec *spec, int console, struct nslab_error *e)
{
	_cleanup_close_ int master = -1, slave = -1;
	int ret;

	if (console >= 0) {
		if (nslab_pty_open(spec->console_rows, spec->console_cols, &master, &slave, e))
			return -e->err;
		ret = nslab_fd_send(console, master);
		nslab_close_fd(&master);
		close(console);
		if (ret)
			return nslab_fail(e, ret, "pty", "sending the master: %s", strerror(-ret));
	}
	return nslab_session_new(steal_fd(&slave), e);
}

/*
 * A credential change clears the parent-death signal, so it is armed again
 * after each one; the supervisor's pidfd tells whether it died in between.
 */
static void arm_deathsig(int supervisor_pidfd)
{
	struct pollfd p = { .fd = supervisor_pidfd, .events = POLLIN };

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (poll(&p, 1, 0) != 0)
		_exit(NSLAB_EXIT_SETUP);
}

/*
 * -w, entered while still the container's root (the user may lack search
 * permission on the way); nslab_user_mounts_apply made it before pivot_root.
 */
static int child_workdir(const struct nslab_spec *spec, struct nslab_error *e)
{
	int ret;

	if (!spec->workdir)
		return 0;
	ret = nslab_fault("chdir") ? -EIO : chdir(spec->workdir) < 0 ? -errno : 0;
	return ret ? nslab_fail(e, ret, "workdir", "%s: %s", spec->workdir, strerror(-ret)) : 0;
}

/*
 * Whether the command can be found where execvp will look, so that `nslab
 * create` reports a missing one rather than the started container dying.
 */
static int command_found(const struct nslab_spec *spec, struct nslab_error *e)
{
	const char *cmd = spec->argv[0], *path = spec->env_exact ? "/bin:/usr/bin" : NSLAB_DEFAULT_PATH;
	char buf[PATH_MAX];

	for (int i = 0; i < spec->n_env; i++)
		if (strncmp(spec->env[i], "PATH=", 5) == 0)
			path = spec->env[i] + 5;
	if (strchr(cmd, '/'))
		path = "";
	for (const char *dir = path; dir; dir = strchr(dir, ':') ? strchr(dir, ':') + 1 : NULL) {
		int len = (int)strcspn(dir, ":");

		snprintf(buf, sizeof(buf), "%.*s%s%s", len, dir, len ? "/" : "", cmd);
		if (access(buf, X_OK) == 0)
			return 0;
	}
	return nslab_fail_as(e, NSLAB_ERR_EXEC, ENOENT, "exec", "%s: not found%s", cmd,
			     strchr(cmd, '/') ? "" : " in $PATH");
}

/*
 * OCI create: set up, the first process tells `nslab create` so and waits
 * for `nslab start`'s byte on the exec fifo.  Its parent is about to exit:
 * from now on it belongs to the caller's subreaper, not to nslab.
 */
static void wait_for_start(const struct nslab_container *c, int report_fd)
{
	struct nslab_report waiting = { .ready = 1 };
	struct nslab_error e = { 0 };
	char byte;

	if (command_found(c->spec, &e))
		child_fail(report_fd, &e);
	prctl(PR_SET_PDEATHSIG, 0);
	if (nslab_write_all(report_fd, &waiting, sizeof(waiting)) ||
	    nslab_read_all(c->exec_fifo, &byte, 1) != 1)
		_exit(NSLAB_EXIT_SETUP);
}

/* The last steps: dropping what the command may not have, then the command (or --init). */
static __attribute__((noreturn)) void child_exec(struct nslab_container *c, int report_fd,
						   int supervisor_pidfd)
{
	const struct nslab_spec *spec = c->spec;
	struct nslab_error e = { 0 };

	/*
	 * Not dumpable again: with --init this process stays PID 1 running
	 * nslab's own image, which no container process may reach through
	 * /proc/1/exe (the CVE-2019-5736 class).  exec decides anew.
	 */
	prctl(PR_SET_DUMPABLE, 0);
	if (child_workdir(spec, &e) || nslab_rlimits_apply(spec->rlimits, spec->n_rlimits, &e))
		child_fail(report_fd, &e);
	if (spec->umask >= 0)
		umask((mode_t)spec->umask);
	if (nslab_restrict(&(struct nslab_restrictions){
			.caps = spec->caps, .no_new_privs = spec->no_new_privs,
			.seccomp = spec->seccomp, .user_set = spec->user_set,
			.uid = spec->uid, .gid = spec->gid,
			.groups = spec->groups, .n_groups = spec->n_groups,
			.sets = spec->cap_sets_given ? &spec->cap_sets : NULL }, &e))
		child_fail(report_fd, &e);
	if (spec->oci_create)
		wait_for_start(c, report_fd);
	else
		arm_deathsig(supervisor_pidfd);
	/* As runc: with the command's credentials, caps and seccomp, just before its exec. */
	if (child_hooks(c, NSLAB_HOOK_START_CONTAINER, &e))
		child_fail(report_fd, &e);
	/* Only 0-2 (and --preserve-fds) reach the command; report_fd is already close-on-exec. */
	close_range(3 + spec->preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC);
	if (spec->init)
		_exit(nslab_init_run(spec->argv, spec->env, spec->hostname, report_fd));
	nslab_exec_command(spec->argv, spec->env, spec->env_exact ? NULL : spec->hostname,
			   spec->env_exact, report_fd);
	_exit(NSLAB_EXIT_NOT_FOUND);
}

/*
 * Before the first release: into the cgroup (v1), the mapped root, and the
 * namespaces that must be made from inside (cgroup).
 */
static void child_first_stage(struct nslab_container *c, int report_fd, int supervisor_pidfd)
{
	const struct nslab_spec *spec = c->spec;
	struct nslab_error e = { 0 };
	int ret;

	/*
	 * v1 (v2 was born in its cgroup): we move ourselves, which is cheaper
	 * than being moved (see nslab_cg_enter_self).  Still the host's uid 0,
	 * so the host's cgroup files are ours to write.
	 */
	if (c->cg.dir_fd < 0 && !spec->join[NSLAB_NS_MNT]) {
		ret = nslab_fault("cgroup-enter") ? -EIO : nslab_cg_enter_self(&c->cg);
		if (ret) {
			nslab_fail(&e, ret, "cgroup-enter", NULL);
			child_fail(report_fd, &e);
		}
	}
	/* Become the mapped root: the host's uid 0 must not own what we create. */
	if (nslab_spec_userns(spec)) {
		ret = nslab_fault("setuid") ? -EIO : nslab_user_switch(0, 0);
		if (ret) {
			nslab_fail(&e, ret, "setuid", NULL);
			child_fail(report_fd, &e);
		}
		arm_deathsig(supervisor_pidfd);
		/*
		 * The uid change made us non-dumpable, which hands our /proc files
		 * to the host's root and locks us out of timens_offsets.  exec
		 * sets it again from the command's binary.
		 */
		prctl(PR_SET_DUMPABLE, 1);
	}
	/* Only now, inside its cgroup, so that the namespace's root is that cgroup. */
	if (has_ns(spec, NSLAB_NS_CGROUP) && (nslab_fault("cgroupns") || unshare(CLONE_NEWCGROUP) < 0)) {
		nslab_fail(&e, errno, "cgroupns", NULL);
		child_fail(report_fd, &e);
	}
}

/* @proc_fd: the host's /proc, which a joined mount namespace's /proc may not replace. */
static __attribute__((noreturn)) void child_main(struct nslab_container *c, int sync_fd,
						   int report_fd, int console, int supervisor_pidfd,
						   int proc_fd)
{
	const struct nslab_spec *spec = c->spec;
	struct nslab_report ready = { .ready = 1 };
	struct nslab_error e = { 0 };
	int ret;

	arm_deathsig(supervisor_pidfd);
	/* As if killed before its release (the OOM killer, a stray kill -9). */
	if (nslab_fault("child-death"))
		_exit(NSLAB_EXIT_SETUP);
	if (wait_release(sync_fd))
		_exit(NSLAB_EXIT_SETUP);
	child_first_stage(c, report_fd, supervisor_pidfd);
	if (nslab_timens_setup(spec, proc_fd, &e) || nslab_sysctl_apply(spec, &e))
		child_fail(report_fd, &e);
	close(proc_fd);
	if (nslab_write_all(report_fd, &ready, sizeof(ready)) || wait_root(c, sync_fd))
		_exit(NSLAB_EXIT_SETUP);
	close(sync_fd);

	/* Without a root of its own, the createContainer hooks have nothing to wait for. */
	if (nslab_spec_own_root(spec) ? child_root(c, &e) :
					child_hooks(c, NSLAB_HOOK_CREATE_CONTAINER, &e))
		child_fail(report_fd, &e);
	nslab_close_fd(&c->ovl_fd);
	nslab_close_fd(&c->sys_fd);
	if (nslab_uts_setup(spec, &e))
		child_fail(report_fd, &e);
	if (has_ns(spec, NSLAB_NS_NET) && spec->net.mode != NSLAB_NET_NONE) {
		ret = nslab_fault("net") ? -EIO : nslab_net_lo_up();
		if (ret) {
			nslab_fail(&e, ret, "net", "lo: %s", strerror(-ret));
			child_fail(report_fd, &e);
		}
	}
	/* Not the caller's session: no way to its terminal's input (TIOCSTI, CVE-2017-5226). */
	if (child_session(spec, console, &e))
		child_fail(report_fd, &e);
	child_exec(c, report_fd, supervisor_pidfd);
}

/* ---- parent ---- */

/* The mount points and layers; the overlay itself unless it is to be idmapped (made later). */
static int prepare_root(struct nslab_container *c, struct nslab_error *e)
{
	const struct nslab_spec *spec = c->spec;
	char root[PATH_MAX], lower[PATH_MAX], upper[PATH_MAX], work[PATH_MAX];

	if (rw_path(c, "root", root) || layer_paths(c, lower, upper, work))
		return nslab_fail(e, ENAMETOOLONG, "state", NULL);
	if (mkdir(root, 0755) < 0)
		return nslab_fail(e, errno, "state", "%s: %s", root, strerror(errno));
	/* Unprivileged: the child makes its layers and the overlay (child_overlay). */
	if (!spec->overlay || geteuid() != 0)
		return 0;
	if (mkdir(upper, 0755) < 0 || mkdir(work, 0700) < 0 ||
	    (spec->idmap_root && mkdir(lower, 0700) < 0))
		return nslab_fail(e, errno, "overlay", "%s: %s", upper, strerror(errno));
	/* The upper dir is the merged "/": the container's root must own it to write there. */
	if (has_ns(spec, NSLAB_NS_USER) &&
	    chown(upper, spec->uid_map[0].inside == 0 ? spec->uid_map[0].outside : 0,
		  spec->gid_map[0].inside == 0 ? spec->gid_map[0].outside : 0) < 0)
		return nslab_fail(e, errno, "overlay", "chown %s: %s", upper, strerror(errno));
	/* Idmapped: made once the maps exist. */
	if (spec->idmap_root)
		return 0;
	c->ovl_fd = nslab_overlay_open(spec->rootfs, upper, work, false);
	if (c->ovl_fd < 0)
		return nslab_fail(e, -c->ovl_fd, "overlay", "%s: %s", spec->rootfs, strerror(-c->ovl_fd));
	return 0;
}

/*
 * The root idmapped with the child's user namespace, which has its maps by
 * now.  Where the filesystem cannot be idmapped (tmpfs before 6.3, ramfs,
 * NFS) or the kernel cannot (mount_setattr before 5.12, overlayfs over
 * idmapped layers before 5.19), the root as explicit maps give it: unmapped,
 * the image's files owned as the map shows them.  So the container runs
 * wherever it ran before, as it would with Docker.
 */
static int idmap_root(struct nslab_container *c, struct nslab_error *e)
{
	const struct nslab_spec *spec = c->spec;
	char lower[PATH_MAX], upper[PATH_MAX], work[PATH_MAX];
	_cleanup_close_ int tree = nslab_idmapped_tree(spec->rootfs, c->pid, !spec->overlay);
	int root = tree;

	if (root < 0 && !nslab_cannot_idmap(root))
		return nslab_fail(e, -root, "idmap", "%s: %s", spec->rootfs, strerror(-root));
	if (layer_paths(c, lower, upper, work))
		return nslab_fail(e, ENAMETOOLONG, "state", NULL);
	if (root >= 0)
		root = spec->overlay ? nslab_overlay_over(tree, lower, upper, work) : steal_fd(&tree);
	if (nslab_cannot_idmap(root))
		root = spec->overlay ? nslab_overlay_open(spec->rootfs, upper, work, false) :
				       nslab_private_tree(spec->rootfs, true);
	if (root < 0)
		return nslab_fail(e, -root, spec->overlay ? "overlay" : "rootfs", "%s: %s",
				  spec->rootfs, strerror(-root));
	c->ovl_fd = root;
	return 0;
}

/* A detached container's output goes to a log in its state directory. */
static int redirect_stdio(struct nslab_container *c, struct nslab_error *e)
{
	_cleanup_close_ int in = -1, out = -1;
	char log[PATH_MAX];

	if (nslab_state_path(log, sizeof(log), c->spec->name, "log"))
		return nslab_fail(e, ENAMETOOLONG, "log", NULL);
	in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	out = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		return nslab_fail(e, errno, "log", "%s: %s", log, strerror(errno));
	return 0;
}

/*
 * Joined namespaces are entered by the parent around clone3, so the child
 * starts in them and only creates the rest (a child already in its new user
 * namespace could not enter namespaces that the host's user namespace owns).
 * Every file is opened first: once in a joined mount namespace, the paths
 * given would name its files, not the caller's.
 */
static int enter_joined(const struct nslab_spec *spec, int saved[NSLAB_NS_COUNT],
			struct nslab_error *e)
{
	int fds[NSLAB_NS_COUNT], ret = 0;

	for (int t = 0; t < NSLAB_NS_COUNT; t++) {
		char self[64];

		saved[t] = fds[t] = -1;
		if (!spec->join[t] || ret)
			continue;
		snprintf(self, sizeof(self), "/proc/self/ns/%s", nslab_ns_types[t].name);
		saved[t] = open(self, O_RDONLY | O_CLOEXEC);
		fds[t] = nslab_ns_open_checked(spec->join[t], t);
		if (fds[t] < 0)
			ret = nslab_fail(e, -fds[t], "join", "%s: %s", spec->join[t], strerror(-fds[t]));
		else if (saved[t] < 0)
			ret = nslab_fail(e, errno, "join", "%s: %s", self, strerror(errno));
	}
	/*
	 * The user namespace last (t runs from the type after it round to it):
	 * root may enter the others from the host's, and once in the joined one
	 * it could enter only those that namespace owns (nsenter's second pass).
	 */
	for (int i = 1; i <= NSLAB_NS_COUNT; i++) {
		int t = (NSLAB_NS_USER + i) % NSLAB_NS_COUNT;

		if (!ret && fds[t] >= 0 && setns(fds[t], nslab_ns_types[t].clone_flag) < 0)
			ret = nslab_fail(e, errno, "join", "%s: %s%s", spec->join[t], strerror(errno),
					 t == NSLAB_NS_USER && errno == EINVAL ?
					 " (nslab is in that user namespace already)" : "");
		if (fds[t] >= 0)
			close(fds[t]);
	}
	return ret;
}

/* Back in our own namespaces; the mount namespace's return took us to its root, so cwd too. */
static void leave_joined(int saved[NSLAB_NS_COUNT], int cwd)
{
	for (int t = 0; t < NSLAB_NS_COUNT; t++) {
		if (saved[t] < 0)
			continue;
		if (setns(saved[t], 0) < 0)
			abort();	/* the supervisor would go on in the wrong namespace */
		close(saved[t]);
	}
	if (cwd >= 0 && fchdir(cwd) < 0)
		abort();	/* relative paths (--persist) would name other files */
	if (cwd >= 0)
		close(cwd);
}

/* Why clone3 failed, in the words of the case at hand. */
static const char *clone_hint(const struct nslab_spec *spec, int err)
{
	/* alloc_pid refuses a pid namespace whose init has exited. */
	if (err == ENOMEM && spec->join[NSLAB_NS_PID])
		return " (the joined pid namespace's init has exited: nothing can enter it)";
	if (err != EPERM || geteuid() == 0)
		return "";
	return !(spec->ns & NSLAB_NS_BIT(NSLAB_NS_USER)) ?
		" (without a user namespace, namespaces need root)" :
		" (the kernel refuses user namespaces to unprivileged users here)";
}

static void close_pair(int fds[2])
{
	for (int i = 0; i < 2; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	fds[0] = fds[1] = -1;
}

/* clone3, in the namespaces joined; the child does not return. */
static int clone_child(struct nslab_container *c, const int sync[2], const int rep[2],
		       const int console[2], const int fds[2], struct nslab_error *e)
{
	struct clone_args args = {
		.flags = CLONE_PIDFD | nslab_ns_clone_flags(c->spec->ns & ~LATE_NS),
		.pidfd = (unsigned long)&c->pidfd,
		.exit_signal = SIGCHLD,
	};

	/* v2: born in its cgroup, limits already in force; on v1 the child moves itself first. */
	if (c->cg.dir_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = c->cg.dir_fd;
	}
	/*
	 * From the helper in a joined user namespace (spawn_in_user): the child
	 * is the supervisor's, and takes the helper's exit signal (SIGCHLD).
	 */
	if (c->spec->join[NSLAB_NS_USER]) {
		args.flags |= CLONE_PARENT;
		args.exit_signal = 0;
	}
	if (nslab_fault("clone"))
		return nslab_fail(e, EIO, "clone", NULL);
	c->pid = syscall(SYS_clone3, &args, sizeof(args));
	if (c->pid == 0) {
		/* The parent's ends: holding them would hide the parent's death. */
		close(sync[1]);
		close(rep[0]);
		if (console[0] >= 0)
			close(console[0]);
		child_main(c, sync[0], rep[1], console[1], fds[0], fds[1]);
	}
	if (c->pid > 0)
		return 0;
	c->pid = 0;
	c->pidfd = -1;
	return nslab_fail(e, errno, "clone", "%s%s", strerror(errno), clone_hint(c->spec, errno));
}

/* Enters the joined namespaces (@saved: ours) and clones the child there. */
static int clone_joined(struct nslab_container *c, const int sync[2], const int rep[2],
			const int console[2], const int fds[2], int saved[NSLAB_NS_COUNT],
			struct nslab_error *e)
{
	int ret = enter_joined(c->spec, saved, e);

	if (!ret && c->spec->join[NSLAB_NS_NET] && nslab_spec_own_root(c->spec)) {
		c->sys_fd = nslab_sysfs_open();
		if (c->sys_fd < 0)
			ret = nslab_fail(e, c->sys_fd, "sys", "sysfs of the joined network: %s",
					 strerror(-c->sys_fd));
	}
	return ret ? ret : clone_child(c, sync, rep, console, fds, e);
}

/* What the helper of spawn_in_user tells the supervisor: the child's pid, or why none. */
struct spawn_result {
	pid_t pid;
	struct nslab_error error;
};

/*
 * A joined user namespace cannot be left again (the way back needs the
 * host's CAP_SYS_ADMIN), so a forked helper joins, clones the child with
 * CLONE_PARENT (the supervisor's child, its new namespaces owned by the
 * joined user namespace) and exits.
 */
static int spawn_in_user(struct nslab_container *c, const int sync[2], const int rep[2],
			 const int console[2], const int fds[2], struct nslab_error *e)
{
	struct spawn_result r = { 0 };
	int res[2];
	pid_t helper;

	if (pipe2(res, O_CLOEXEC) < 0)
		return nslab_fail(e, errno, "clone", NULL);
	helper = fork();
	if (helper < 0) {
		nslab_fail(e, errno, "clone", "fork: %s", strerror(errno));
		close_pair(res);
		return -e->err;
	}
	if (helper == 0) {
		int saved[NSLAB_NS_COUNT];

		close(res[0]);
		clone_joined(c, sync, rep, console, fds, saved, &r.error);
		r.pid = c->pid;
		_exit(nslab_write_all(res[1], &r, sizeof(r)) ? 1 : 0);
	}
	close(res[1]);
	if (nslab_read_all(res[0], &r, sizeof(r)) != sizeof(r)) {
		r.pid = 0;
		nslab_fail(&r.error, EPROTO, "clone", "the helper died");
	}
	close(res[0]);
	waitpid(helper, NULL, 0);
	if (r.pid <= 0) {
		*e = r.error;
		return -e->err;
	}
	c->pid = r.pid;
	c->pidfd = pidfd_open(c->pid, 0);
	return c->pidfd < 0 ? nslab_fail(e, errno, "clone", "pidfd_open: %s", strerror(errno)) : 0;
}

static int spawn(struct nslab_container *c, const int sync[2], const int rep[2],
		 const int console[2], struct nslab_error *e)
{
	/* The supervisor's pidfd and the host's /proc, for the child. */
	int fds[2] = { pidfd_open(getpid(), 0), open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC) };
	int saved[NSLAB_NS_COUNT], ret = 0, cwd = -1;

	if (fds[0] < 0 || fds[1] < 0 || (c->spec->join[NSLAB_NS_MNT] &&
					 (cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0))
		ret = nslab_fail(e, errno, "clone", "%s", strerror(errno));
	if (!ret && c->spec->join[NSLAB_NS_USER]) {
		ret = spawn_in_user(c, sync, rep, console, fds, e);
	} else if (!ret) {
		/* The way back to our own namespaces, the cwd too, whatever came of the clone. */
		ret = clone_joined(c, sync, rep, console, fds, saved, e);
		leave_joined(saved, cwd);
		cwd = -1;
	}
	if (cwd >= 0)
		close(cwd);
	close_pair(fds);
	/* v1, born in a joined mount namespace: it cannot reach the host's cgroupfs, we move it. */
	if (!ret && c->cg.dir_fd < 0 && c->spec->join[NSLAB_NS_MNT] &&
	    (ret = nslab_fault("cgroup-enter") ? -EIO : nslab_cg_enter(&c->cg, c->pid)))
		nslab_fail(e, -ret, "cgroup-enter", NULL);
	return ret;
}

static int persist(struct nslab_container *c, struct nslab_error *e)
{
	for (int t = 0; t < NSLAB_NS_COUNT; t++) {
		char *recorded = c->state.persisted[t], buf[PATH_MAX];
		const char *path = nslab_persist_target(c->spec, t, buf, sizeof(buf));
		int ret;

		if (!path || !has_ns(c->spec, t))
			continue;
		ret = nslab_fault("persist") ? -EIO : nslab_ns_persist(c->pid, t, path);
		if (ret)
			return nslab_fail(e, ret, "persist", "%s: %s", path, strerror(-ret));
		snprintf(recorded, PATH_MAX, "%s", path);
	}
	return 0;
}

/* Reads the child's next report; 0 with *got_eof when it exec'd (or died). */
static int read_report(int fd, struct nslab_report *r, bool *got_eof, struct nslab_error *e)
{
	ssize_t n = nslab_read_all(fd, r, sizeof(*r));

	*got_eof = n == 0;
	if (n == 0)
		return 0;
	if (n != sizeof(*r))
		return nslab_fail(e, EPROTO, "setup", "short report from the container");
	if (!r->ready) {
		*e = r->error;
		return -e->err;
	}
	return 0;
}

static void fill_state(struct nslab_container *c)
{
	struct nslab_state *st = &c->state;
	size_t len = 0;

	snprintf(st->name, sizeof(st->name), "%s", c->spec->name);
	snprintf(st->rootfs, sizeof(st->rootfs), "%s", c->spec->rootfs ? c->spec->rootfs : "");
	snprintf(st->cgroup_parent, sizeof(st->cgroup_parent), "%s", c->cg.parent);
	snprintf(st->cgroup_leaf, sizeof(st->cgroup_leaf), "%s", c->spec->cgroup_leaf ? c->spec->cgroup_leaf : "");
	st->caps = c->spec->caps;
	st->no_new_privs = c->spec->no_new_privs;
	snprintf(st->seccomp, sizeof(st->seccomp), "%s", nslab_seccomp_name(&c->spec->seccomp));
	snprintf(st->workdir, sizeof(st->workdir), "%s", c->spec->workdir ? c->spec->workdir : "");
	memcpy(st->rlimits, c->spec->rlimits, sizeof(st->rlimits));
	st->n_rlimits = c->spec->n_rlimits;
	for (int i = 0; i < c->spec->net.n_addr; i++)
		snprintf(st->addresses + strlen(st->addresses), sizeof(st->addresses) - strlen(st->addresses),
			 "%s%s", i ? " " : "", c->spec->net.addr[i].text);
	st->ns = c->spec->ns;
	st->oci = c->spec->oci_create;
	snprintf(st->bundle, sizeof(st->bundle), "%s", c->spec->bundle ? c->spec->bundle : "");
	snprintf(st->annotations, sizeof(st->annotations), "%s",
		 c->spec->annotations ? c->spec->annotations : "");
	st->created = time(NULL);
	st->supervisor = getpid();
	nslab_proc_start_time(st->supervisor, &st->supervisor_start);
	for (char *const *a = c->spec->argv; *a && len + 1 < sizeof(st->command); a++)
		len += snprintf(st->command + len, sizeof(st->command) - len, "%s%s",
				len ? " " : "", *a);
}

/*
 * Writes state.json with what the setup has made so far: what nslab rm
 * finds and removes, should we be killed before the end.
 */
static int record_state(struct nslab_container *c, const char *fault, struct nslab_error *e)
{
	int ret = nslab_fault(fault) ? -EIO : nslab_state_write(&c->state);

	return ret ? nslab_fail(e, ret, "state", NULL) : 0;
}

/*
 * Releases the first process into its next stage (@to_exec: the rest of its
 * setup and the exec) and reads its report.  End of file means it exec'd,
 * if that was next and it was still there to be released (no EPIPE); else
 * that it died.  What it reported before dying, if anything, says why.
 * @root_fd (or -1) is sent with the release: the idmapped root.
 */
static int release(int sync_fd, int report_fd, bool to_exec, int root_fd, struct nslab_error *e)
{
	struct nslab_report report;
	int ret = root_fd >= 0 ? nslab_fd_send(sync_fd, root_fd) :
		  nslab_write_all(sync_fd, to_exec ? "2" : "1", 1);
	bool died = ret == -EPIPE;
	bool eof;

	if (ret && !died)
		return ret;
	ret = read_report(report_fd, &report, &eof, e);
	if (!ret && eof && (died || !to_exec))
		ret = nslab_fail(e, ECHILD, "setup", "the container's first process died");
	return ret;
}

/*
 * -t: the master the first process sent before its exec; then the caller's
 * terminal goes raw, or with --console-socket the master goes to the
 * caller's socket, ours closed.
 */
static int take_pty(struct nslab_container *c, int console, struct nslab_error *e)
{
	const struct nslab_spec *spec = c->spec;

	c->tty_master = nslab_fault("pty-recv") ? -EIO : nslab_fd_recv(console);
	if (c->tty_master < 0) {
		nslab_fail(e, c->tty_master, "pty", "receiving the master: %s",
			   strerror(-c->tty_master));
		c->tty_master = -1;
		return -e->err;
	}
	if (spec->console_socket) {
		int ret = nslab_console_send(spec->console_socket, c->tty_master, e);

		nslab_close_fd(&c->tty_master);
		return ret;
	}
	return spec->interactive ? nslab_tty_raw(0, e) : 0;
}

/* As Docker: an exited container holds its name until it is removed, which the error says. */
static int name_taken(const char *name, struct nslab_error *e)
{
	struct nslab_state st;

	if (nslab_state_read(name, &st) == 0 && st.exited)
		return nslab_fail(e, EEXIST, "name", "container '%s' exists (exited); nslab rm %s",
				  name, name);
	return nslab_fail(e, EEXIST, "name", "container '%s' already exists", name);
}

static void on_sigpipe(int sig)
{
	(void)sig;
}

static void container_init(struct nslab_container *c, struct nslab_spec *spec)
{
	memset(c, 0, sizeof(*c));
	c->spec = spec;
	/*
	 * A child that dies before its release (OOM killer, kill -9) must cost
	 * us EPIPE, not our life with its setup half done.  A handler, unlike
	 * SIG_IGN, is reset by exec: the command starts with SIGPIPE's default.
	 */
	sigaction(SIGPIPE, &(struct sigaction){ .sa_handler = on_sigpipe }, NULL);
	c->ovl_fd = -1;
	c->sys_fd = -1;
	c->pidfd = -1;
	c->tty_master = -1;
	c->exec_fifo = -1;
	for (int i = 0; i < NSLAB_MAX_MOUNTS; i++)
		c->mount_fd[i] = -1;
}

/* An inline profile (config.json's) into the state directory, for `nslab exec`; state.json names it. */
static int save_profile(struct nslab_container *c, struct nslab_error *e)
{
	const char *name = c->spec->name, *text = c->spec->seccomp.text;

	if (!text)
		return 0;
	if (nslab_state_save(name, "seccomp.json", text, "seccomp-save", "seccomp", e))
		return -e->err;
	/* The same path that was just written: it fits. */
	return nslab_state_path(c->state.seccomp, sizeof(c->state.seccomp), name, "seccomp.json");
}

/*
 * Opened for reading and writing, the fifo never gives the first process an
 * end of file, and `nslab start`'s non-blocking open for writing fails
 * (ENXIO) once no process holds it: the container is no longer waiting.
 */
static int make_exec_fifo(struct nslab_container *c, struct nslab_error *e)
{
	char path[PATH_MAX];
	int ret = nslab_state_path(path, sizeof(path), c->spec->name, NSLAB_EXEC_FIFO);

	if (!ret)
		ret = nslab_fault("exec-fifo") ? -EIO : mkfifo(path, 0600) < 0 ? -errno : 0;
	if (!ret && (c->exec_fifo = open(path, O_RDWR | O_CLOEXEC)) < 0)
		ret = -errno;
	return ret ? nslab_fail(e, ret, "exec-fifo", "%s: %s", path, strerror(-ret)) : 0;
}

/* The state directory and a first state.json; c->dir_made once there is something to remove. */
static int create_record(struct nslab_container *c, struct nslab_error *e)
{
	const struct nslab_spec *spec = c->spec;
	int ret = nslab_cg_init(&c->cg, spec->cgroup_parent,
				spec->cgroup_leaf ? spec->cgroup_leaf : spec->name);

	if (ret)
		return nslab_fail(e, ret, "cgroup", NULL);
	fill_state(c);
	ret = nslab_fault("state") ? -EIO : nslab_state_create(spec->name);
	if (ret == -EEXIST)
		return name_taken(spec->name, e);
	if (ret)
		return nslab_fail(e, ret, "state", "%s: %s%s", nslab_state_root(), strerror(-ret),
				  ret == -EACCES && geteuid() != 0 ?
				  " (set NSLAB_STATE_DIR, or XDG_RUNTIME_DIR, to a directory of yours)" : "");
	c->dir_made = true;
	ret = save_profile(c, e);
	if (!ret)
		ret = nslab_hooks_save(spec->name, spec->hooks, e);
	if (!ret)
		ret = nslab_state_save_env(spec->name, spec->env, spec->n_env, e);
	if (!ret && spec->oci_create)
		ret = make_exec_fifo(c, e);
	/* At once, without a first process yet: "created" while we live. */
	return ret ? ret : record_state(c, "state-early", e);
}

/* What the host makes before the first process exists, and the channels to it. */
static int prepare_host(struct nslab_container *c, int sync[2], int rep[2], int console[2],
			struct nslab_error *e)
{
	const struct nslab_spec *spec = c->spec;
	int ret = nslab_cg_create(&c->cg, &spec->limits, e);

	/* Before any process enters: v1's first one moves itself in, v2's is born inside. */
	if (!ret)
		ret = nslab_cg_devices(&c->cg, &spec->devices, e);
	if (!ret && nslab_spec_own_root(spec))
		ret = prepare_root(c, e);
	if (!ret)
		ret = nslab_user_mounts_open(spec, c->mount_fd, e);
	if (!ret && spec->detach)
		ret = redirect_stdio(c, e);
	/* sync is a socket: the idmapped root is sent over it. */
	if (!ret && (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sync) < 0 ||
		     pipe2(rep, O_CLOEXEC) < 0 ||
		     (spec->tty && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, console) < 0)))
		ret = nslab_fail(e, errno, "pipe", NULL);
	return ret;
}

static int add_veth(struct nslab_container *c, struct nslab_error *e)
{
	int ret = nslab_net_veth_create(&c->spec->net, c->pid, e);

	if (ret)
		return ret;
	snprintf(c->state.host_if, sizeof(c->state.host_if), "%s", c->spec->net.host_if);
	return record_state(c, "state-veth", e);
}


/*
 * prestart and createRuntime: in our namespaces, once the container's exist
 * (maps written, veth made), before its root is pivoted into.
 */
static int runtime_hooks(struct nslab_container *c, struct nslab_error *e)
{
	int ret = nslab_hooks_run(c->spec->hooks, NSLAB_HOOK_PRESTART, &c->state, e);

	return ret ? ret : nslab_hooks_run(c->spec->hooks, NSLAB_HOOK_CREATE_RUNTIME, &c->state, e);
}

/*
 * What the host does for the first process once it exists (its id maps,
 * root, veth, persisted namespaces, state), each stage ended by a release.
 */
static int set_up_child(struct nslab_container *c, int sync_fd, int report_fd,
			struct nslab_error *e)
{
	const struct nslab_spec *spec = c->spec;
	int ret = 0;

	if (has_ns(spec, NSLAB_NS_USER))
		ret = nslab_fault("uid_map") ? nslab_fail(e, EIO, "uid_map", NULL) :
		      nslab_user_write_maps(c->pid, spec, e);
	if (!ret && spec->idmap_root)
		ret = idmap_root(c, e);
	if (!ret && spec->idmap_root)
		ret = nslab_user_mounts_idmap(spec, c->mount_fd, c->pid, e);
	if (!ret && spec->net.mode == NSLAB_NET_VETH)
		ret = add_veth(c, e);
	if (!ret && spec->oom_score_set)
		ret = nslab_oom_score_set(c->pid, spec->oom_score_adj, e);
	if (!ret)
		ret = release(sync_fd, report_fd, false, -1, e);
	if (!ret)
		ret = persist(c, e);
	if (ret)
		return ret;
	c->state.pid = c->pid;
	nslab_proc_start_time(c->pid, &c->state.pid_start);
	ret = record_state(c, "state-write", e);
	if (!ret)
		ret = runtime_hooks(c, e);
	if (!ret)
		ret = release(sync_fd, report_fd, true, spec->idmap_root ? c->ovl_fd : -1, e);
	return ret;
}


/* poststart and poststop: their failures are warnings (nslab_hooks_run), not the caller's error. */
static void late_hooks(const struct nslab_hooks *hooks, enum nslab_hook_point point,
		       const struct nslab_state *st)
{
	struct nslab_error warned;

	nslab_hooks_run(hooks, point, st, &warned);
}

static void end(struct nslab_container *c, bool keep_record, int code);

/* Undoes a start that failed with @ret: its first process, then everything made. */
static int start_failed(struct nslab_container *c, int ret, struct nslab_error *e)
{
	if (!e->err)
		nslab_fail(e, ret, "setup", NULL);
	if (c->pid > 0) {
		kill(c->pid, SIGKILL);
		waitpid(c->pid, NULL, 0);
	}
	end(c, false, 0);
	return -e->err;
}

int nslab_container_start(struct nslab_container *c, struct nslab_spec *spec,
			  struct nslab_error *e)
{
	_cleanup_close_pair_ int sync[2] = { -1, -1 }, rep[2] = { -1, -1 }, console[2] = { -1, -1 };
	int ret;

	container_init(c, spec);
	ret = create_record(c, e);
	if (ret)
		return c->dir_made ? start_failed(c, ret, e) : ret;
	ret = prepare_host(c, sync, rep, console, e);
	if (!ret)
		ret = spawn(c, sync, rep, console, e);
	/* As if SIGKILLed, or stuck, mid-setup: the tests of what nslab rm then cleans up. */
	if (!ret && nslab_fault("supervisor-death"))
		raise(SIGKILL);
	if (!ret && nslab_fault("supervisor-stall"))
		sleep(60);
	/* The child's ends.  Ours closed, a child that dies without sending its master gives end of file. */
	nslab_close_fd(&sync[0]);
	nslab_close_fd(&rep[1]);
	nslab_close_fd(&console[1]);
	if (!ret)
		ret = set_up_child(c, sync[1], rep[0], e);
	/* Its command runs now, but for `nslab create`'s: `nslab start` runs those. */
	if (!ret && !spec->oci_create)
		late_hooks(spec->hooks, NSLAB_HOOK_POSTSTART, &c->state);
	close_mount_fds(c);
	if (!ret && spec->tty)
		ret = take_pty(c, console[0], e);
	if (!ret && spec->pid_file)
		/* Once the first process is there to be found by it. */
		ret = nslab_pid_file_write(AT_FDCWD, spec->pid_file, spec->pid_file, c->pid, e);
	return ret ? start_failed(c, ret, e) : 0;
}

/*
 * SIGKILLs every process of the container: through @cg where it has one (a
 * frozen process cannot die until it is thawed: the cgroup's kill, v2
 * cgroup.kill or v1 freeze, kill each, thaw, reaches it where a bare
 * SIGKILL would leave us waiting), and its first process through @pidfd.
 * 0, or -errno if that signal could not be sent.
 */
static int kill_all(const struct nslab_cgroup *cg, int pidfd)
{
	if (cg)
		nslab_cg_kill(cg);
	return pidfd_send_signal(pidfd, SIGKILL, NULL, 0) < 0 && errno != ESRCH ? -errno : 0;
}

/* Whether the kernel's OOM killer killed a process of the container (its cgroup still exists). */
static bool oom_killed(const struct nslab_container *c)
{
	struct nslab_cg_stats st;

	return c->cg.made && nslab_cg_stats(&c->cg, &st) == 0 && st.oom_kills > 0;
}

struct nslab_exit_status nslab_container_wait(struct nslab_container *c)
{
	struct nslab_exit_status x = { .code = -ECANCELED };
	int timeout = c->spec->stop_timeout;

	nslab_forward_signals(c->pid);
	if (c->tty_master >= 0) {
		x.code = nslab_tty_relay(c->tty_master, c->spec->interactive ? 0 : -1, c->pid, timeout);
		nslab_tty_restore();
	} else if (nslab_pidfd_wait_or_stop(c->pidfd, timeout)) {
		x.code = nslab_wait_forwarding(c->pid);
	}
	/* What `docker stop` does once its grace is over. */
	if (x.code == -ECANCELED) {
		x.stopped_by = nslab_stop_signal();
		kill_all(c->cg.made ? &c->cg : NULL, c->pidfd);
		nslab_wait_forwarding(c->pid);
		/* As a shell reports a command that its signal ended. */
		x.code = 128 + x.stopped_by;
	}
	c->pid = 0;
	/* A SIGKILL says nothing of who sent it; read before the teardown removes the cgroup. */
	x.oom_killed = x.code == 128 + SIGKILL && oom_killed(c);
	return x;
}

/* What costs while nothing runs in the container: our fds, its veth, its cgroup. */
static void free_resources(struct nslab_container *c)
{
	nslab_tty_restore();
	nslab_close_fd(&c->tty_master);
	nslab_close_fd(&c->exec_fifo);
	nslab_close_fd(&c->pidfd);
	nslab_close_fd(&c->ovl_fd);
	nslab_close_fd(&c->sys_fd);
	close_mount_fds(c);
	if (c->state.host_if[0])
		nslab_net_veth_delete(c->state.host_if);
	c->state.host_if[0] = '\0';
	/* Without a pid namespace, daemons the command left behind still hold the cgroup. */
	if (c->cg.made)
		nslab_cg_kill(&c->cg);
	nslab_cg_destroy(&c->cg);
}

static void unpersist(const struct nslab_state *st)
{
	for (int t = 0; t < NSLAB_NS_COUNT; t++)
		if (st->persisted[t][0])
			nslab_ns_unpersist(st->persisted[t]);
}

/*
 * The record outlives the container: the upper layer goes with rw (nslab
 * has no `start` that could use it again, and it is RAM), the log and the
 * persisted ns files stay.  Written last, so "exited" means torn down.
 */
static int record_exit(struct nslab_container *c, int code)
{
	struct nslab_state *st = &c->state;
	/* The test build's way to show that a record not written leaves nothing, not half. */
	int ret = nslab_fault("state-exit") ? -EIO : nslab_state_drop_rw(st->name);

	if (ret)
		return ret;
	st->pid = 0;
	st->pid_start = 0;
	st->exited = true;
	st->exit_code = code;
	st->finished = time(NULL);
	return nslab_state_write(st);
}

/*
 * The one teardown: what costs while nothing runs, then the whole record
 * (state directory, persisted ns files) unless @keep_record and it can be
 * written with @code.
 */
static void end(struct nslab_container *c, bool keep_record, int code)
{
	free_resources(c);
	if (keep_record && c->dir_made && record_exit(c, code) == 0)
		return;
	unpersist(&c->state);
	if (c->dir_made)
		nslab_state_remove(c->spec->name);
	/* Deleted, a failed start too (runtime-spec's lifecycle): poststop, which only warns. */
	if (c->dir_made)
		late_hooks(c->spec->hooks, NSLAB_HOOK_POSTSTOP, &c->state);
	c->dir_made = false;
}

void nslab_container_exit(struct nslab_container *c, int code)
{
	end(c, nslab_spec_keeps_record(c->spec), code);
}

/*
 * A pidfd of @pid in *@fd while it is still the process recorded with start
 * time @start (its pid may have been reused since); -1 there if it is gone
 * or another's.  Returns 0 or -errno.  Every kill of a recorded process
 * goes through here.
 */
static int open_recorded(pid_t pid, unsigned long long start, int *fd)
{
	unsigned long long now;

	*fd = pidfd_open(pid, 0);
	if (*fd < 0)
		return errno == ESRCH ? 0 : -errno;
	if (nslab_proc_start_time(pid, &now) || now != start)
		nslab_close_fd(fd);
	return 0;
}

/* SIGKILLs the container's first process if it is still the one recorded, and waits for it. */
static int kill_recorded(const struct nslab_state *st)
{
	_cleanup_close_ int fd = -1;
	struct nslab_cgroup cg;
	bool has_cg;
	int ret;

	if (!st->pid)
		return 0;	/* the setup had not got that far */
	ret = open_recorded(st->pid, st->pid_start, &fd);
	if (ret || fd < 0)
		return ret;
	has_cg = nslab_container_cgroup(st, &cg) == 0 && cg.layout.mode != NSLAB_CG_NONE;
	return kill_all(has_cg ? &cg : NULL, fd) ? 0 : nslab_pidfd_wait(fd, 10000);
}

int nslab_container_cgroup(const struct nslab_state *st, struct nslab_cgroup *cg)
{
	int ret = nslab_cg_init(cg, st->cgroup_parent[0] ? st->cgroup_parent : NULL,
				st->cgroup_leaf[0] ? st->cgroup_leaf : st->name);

	/* nslab makes cgroups only as root (nslab_cg_create): a user's containers have none. */
	if (!ret && geteuid() != 0)
		cg->layout.mode = NSLAB_CG_NONE;
	return ret;
}

/* The processes in the pid namespace of @first, read from /proc. */
static int pidns_members(pid_t first, pid_t **pids, size_t *n)
{
	size_t cap = 64;
	struct dirent *de;
	dev_t dev, d;
	ino_t ino, i;
	DIR *dir;
	int ret = nslab_ns_id(first, NSLAB_NS_PID, &dev, &ino);

	if (ret)
		return ret;
	dir = opendir("/proc");
	*pids = malloc(cap * sizeof(pid_t));
	if (!dir || !*pids) {
		ret = dir ? -ENOMEM : -errno;
		goto out;
	}
	while ((de = readdir(dir))) {
		long long pid;

		if (nslab_parse_number(de->d_name, 1, INT_MAX, &pid) ||
		    nslab_ns_id(pid, NSLAB_NS_PID, &d, &i) || d != dev || i != ino)
			continue;
		if (*n == cap) {
			pid_t *more = reallocarray(*pids, cap * 2, sizeof(pid_t));

			if (!more) {
				ret = -ENOMEM;
				break;
			}
			*pids = more;
			cap *= 2;
		}
		(*pids)[(*n)++] = pid;
	}
out:
	if (dir)
		closedir(dir);
	return ret;
}

int nslab_container_pids(const struct nslab_state *st, pid_t **pids, size_t *n)
{
	struct nslab_cgroup cg;
	int ret = nslab_container_cgroup(st, &cg);

	*pids = NULL;
	*n = 0;
	if (ret)
		return ret;
	if (cg.layout.mode != NSLAB_CG_NONE)
		return nslab_cg_pids(&cg, pids, n);
	if (!(st->ns & NSLAB_NS_BIT(NSLAB_NS_PID)))
		return -ENODEV;
	ret = pidns_members(st->pid, pids, n);
	if (ret) {
		free(*pids);
		*pids = NULL;
		*n = 0;
	}
	return ret;
}

int nslab_container_signal_all(const struct nslab_state *st, int sig)
{
	struct nslab_cgroup cg;
	pid_t *pids = NULL;
	size_t n = 0;
	int ret = nslab_container_cgroup(st, &cg);

	if (!ret && sig == SIGKILL && cg.layout.mode != NSLAB_CG_NONE)
		return nslab_cg_kill(&cg);
	if (!ret)
		ret = nslab_container_pids(st, &pids, &n);
	/* A process that exited after the listing has nothing left to signal. */
	for (size_t k = 0; !ret && k < n; k++)
		if (kill(pids[k], sig) < 0 && errno != ESRCH)
			ret = -errno;
	free(pids);
	return ret;
}

enum nslab_status nslab_container_status(const struct nslab_state *st)
{
	enum nslab_status status = nslab_state_status(st);
	struct nslab_cgroup cg;

	if (status == NSLAB_RUNNING && nslab_container_cgroup(st, &cg) == 0 &&
	    cg.layout.mode != NSLAB_CG_NONE && nslab_cg_is_frozen(&cg) > 0)
		return NSLAB_FROZEN;
	return status;
}

/* Of a container that did not get to record its exit: its process, veth and cgroup. */
static int remove_live(const struct nslab_state *st)
{
	struct nslab_cgroup cg;
	int ret = kill_recorded(st);

	if (ret)
		return ret;
	if (st->host_if[0])
		nslab_net_veth_delete(st->host_if);
	if (nslab_container_cgroup(st, &cg) == 0) {
		cg.made = true;		/* it was, when the state was written */
		nslab_cg_kill(&cg);
		nslab_cg_destroy(&cg);
	}
	return 0;
}

/* Cleans up a container from its state alone (its supervisor is gone, or it exited and this is its record). */
static int remove_from_state(const struct nslab_state *st, struct nslab_error *e)
{
	struct nslab_hooks hooks;
	int ret = nslab_hooks_load(st->name, &hooks, e);

	if (ret)
		return ret;
	ret = st->exited ? 0 : remove_live(st);
	if (!ret)
		unpersist(st);
	if (!ret)
		ret = nslab_state_remove(st->name);
	/* As the supervisor's teardown would have: the container is deleted now. */
	if (!ret)
		late_hooks(&hooks, NSLAB_HOOK_POSTSTOP, st);
	nslab_hooks_free(&hooks);
	return ret ? nslab_fail(e, ret, "rm", "%s: %s", st->name, strerror(-ret)) : 0;
}

/*
 * A live container is killed; its supervisor then cleans up, and we wait
 * for that.  One still setting up has no first process to kill yet: the
 * supervisor itself is, once we know it is still the one recorded.
 */
static int stop_supervised(const struct nslab_state *st)
{
	_cleanup_close_ int fd = -1;
	int ret = open_recorded(st->supervisor, st->supervisor_start, &fd);

	if (ret || fd < 0)
		return ret;	/* gone, or its pid was reused: nothing of ours to stop */
	if (st->pid)
		ret = kill_recorded(st);
	else
		ret = pidfd_send_signal(fd, SIGKILL, NULL, 0) < 0 && errno != ESRCH ? -errno : 0;
	return ret ? ret : nslab_pidfd_wait(fd, 10000);
}

/*
 * Stops a container that is not dead or exited (@status), with @force or
 * when it is exiting anyway, and reads its state again into @st; *@gone
 * when there is nothing left of it for us to remove.
 */
static int stop_live(struct nslab_state *st, enum nslab_status status, bool force, bool *gone,
		     struct nslab_error *e)
{
	/* Created with a first process that is gone: it exited and its supervisor is tearing down. */
	bool exiting = status == NSLAB_CREATED && st->pid;
	struct nslab_state now;
	int ret;

	if (!force && !exiting)
		return nslab_fail(e, EBUSY, "rm", "container '%s' is %s (use -f to kill it)",
				  st->name, nslab_status_name(status));
	ret = stop_supervised(st);
	if (ret)
		return nslab_fail(e, -ret, "rm", "%s: %s", st->name, strerror(-ret));
	/*
	 * It may have got further (a veth, ns files) since we read its
	 * state, or cleaned up after itself; and the name may be another
	 * container's by now, which is not ours to remove.
	 */
	ret = nslab_state_read(st->name, &now);
	*gone = ret == -ENOENT || (!ret && (now.supervisor != st->supervisor ||
					    now.supervisor_start != st->supervisor_start));
	if (*gone)
		return 0;
	if (ret)
		return nslab_fail(e, -ret, "rm", "%s: %s", st->name, strerror(-ret));
	*st = now;
	return 0;
}

/* A created container (no supervisor) that is waiting or running: killed with @force, else refused. */
static int stop_created(const struct nslab_state *st, enum nslab_status status, bool force,
			struct nslab_error *e)
{
	int ret;

	if (!force)
		return nslab_fail(e, EBUSY, "rm", "container '%s' is %s (use -f to kill it)",
				  st->name, nslab_status_name(status));
	ret = kill_recorded(st);
	return ret ? nslab_fail(e, -ret, "rm", "%s: %s", st->name, strerror(-ret)) : 0;
}

int nslab_container_rm(const struct nslab_state *found, bool force, struct nslab_error *e)
{
	enum nslab_status status = nslab_state_status(found);
	struct nslab_state st = *found;
	bool gone = false;
	int ret;

	/* Dead, stopped or exited: nothing runs, the state says what is left. */
	if (st.oci && status != NSLAB_CREATED && status != NSLAB_DEAD && status != NSLAB_STOPPED) {
		ret = stop_created(&st, status, force, e);
		if (ret)
			return ret;
	} else if (status != NSLAB_DEAD && status != NSLAB_EXITED && status != NSLAB_STOPPED) {
		ret = stop_live(&st, status, force, &gone, e);
		if (ret || gone)
			return ret;
	}
	/* Whatever the supervisor did not get to (it may have been SIGKILLed). */
	return remove_from_state(&st, e);
}

/* Lets the waiting first process of @st go on to its command (the exec fifo's byte). */
static int release_created(const struct nslab_state *st, struct nslab_error *e)
{
	_cleanup_close_ int fd = -1;
	char fifo[PATH_MAX];
	int ret = nslab_state_path(fifo, sizeof(fifo), st->name, NSLAB_EXEC_FIFO);

	if (ret)
		return nslab_fail(e, -ret, "start", NULL);
	fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	/* ENXIO: no process holds it any more, the first process is gone. */
	if (fd < 0)
		return nslab_fail(e, errno, "start", "%s: %s", st->name,
				  errno == ENXIO ? "its first process is gone" : strerror(errno));
	ret = nslab_fault("start") ? -EIO : nslab_write_all(fd, "0", 1);
	if (ret)
		return nslab_fail(e, -ret, "start", "%s: %s", st->name, strerror(-ret));
	unlink(fifo);
	return 0;
}

int nslab_container_start_created(const struct nslab_state *st, struct nslab_error *e)
{
	enum nslab_status status = nslab_container_status(st);
	struct nslab_hooks hooks;
	int ret;

	if (status != NSLAB_WAITING)
		return nslab_fail(e, EBUSY, "start", "container '%s' is %s, not created", st->name,
				  nslab_status_name(status));
	/* Before the release: a start that cannot read them is refused whole. */
	ret = nslab_hooks_load(st->name, &hooks, e);
	if (!ret)
		ret = release_created(st, e);
	/* The first process runs startContainer's, then its command; ours come after. */
	if (!ret)
		late_hooks(&hooks, NSLAB_HOOK_POSTSTART, st);
	nslab_hooks_free(&hooks);
	return ret;
}
