// SPDX-License-Identifier: GPL-2.0
/*
 * `nslab exec`.  The caller enters the container itself, so that no other
 * process holds the host's rights meanwhile; a pid namespace applies only to
 * children, so the command is forked, and takes the container's
 * restrictions before its exec.  Each step below returns the exit code
 * `nslab exec` gives, with @e set (e->what non-empty) when nslab failed.
 */
#include "exec.h"
#include "cleanup.h"
#include "container.h"
#include "ns.h"
#include "process.h"
#include "rlimit.h"
#include "state.h"
#include "tty.h"
#include "user.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/close_range.h>

/* The host files exec writes to or talks through, opened before it enters the container. */
struct exec_io {
	int pid_dir;		/* --pid-file's directory */
	const char *pid_name;	/* the file's name in it */
	const char *pid_file;	/* the path given, for errors */
	int console;		/* --console-socket, connected */
	int writer, writer_done;	/* to the pid file's writer: the pid; back: its report */
	pid_t writer_pid;
};

/* What the command is held to: the container's restrictions, and what exec adds. */
static int restrict_command(const struct nslab_state *st, const struct nslab_exec_spec *x,
			    const struct nslab_seccomp *sc, struct nslab_error *e)
{
	return nslab_restrict(&(struct nslab_restrictions){
			.caps = x->caps_set ? x->caps : st->caps,
			.no_new_privs = st->no_new_privs || x->no_new_privs,
			.seccomp = *sc, .user_set = x->user_set, .uid = x->uid, .gid = x->gid,
			.groups = x->groups, .n_groups = x->n_groups, .ambient = x->cap_add,
			.sets = x->cap_sets_given ? &x->cap_sets : NULL }, e);
}

/* Only 0-2 and --preserve-fds' 3..3+N-1 reach the command. */
static void close_other_fds(int preserve)
{
	close_range(3 + preserve, ~0U, CLOSE_RANGE_CLOEXEC);
	for (int fd = 3; fd < 3 + preserve; fd++)
		fcntl(fd, F_SETFD, 0);
}

/* The forked command: its own session (and -t's pty), the container's restrictions, exec. */
static __attribute__((noreturn)) void command_main(const struct nslab_state *st,
						     const struct nslab_exec_spec *x,
						     const struct nslab_seccomp *sc, int slave,
						     const char *host, int rep)
{
	const char *cwd = x->workdir ? x->workdir : st->workdir[0] ? st->workdir : "/";
	struct nslab_error e;

	/* Step "cwd", not "exec": a failure here is nslab's (125), not the command's (126/127). */
	if (nslab_fault("cwd") || chdir(cwd) < 0) {
		nslab_fail(&e, errno, "cwd", "chdir %s: %s", cwd, strerror(errno));
		nslab_report_failure(rep, &e);
		_exit(NSLAB_EXIT_SETUP);
	}
	if (x->umask >= 0)
		umask((mode_t)x->umask);
	/* As docker exec: the container's working directory and limits. */
	if (nslab_rlimits_apply(x->rlimits_set ? x->rlimits : st->rlimits,
				x->rlimits_set ? x->n_rlimits : st->n_rlimits, &e) ||
	    nslab_session_new(slave, &e) || restrict_command(st, x, sc, &e)) {
		nslab_report_failure(rep, &e);
		_exit(NSLAB_EXIT_SETUP);
	}
	close_other_fds(x->preserve_fds);
	nslab_exec_command(x->argv, x->env, x->env_exact ? NULL : host, x->env_exact, rep);
	_exit(NSLAB_EXIT_NOT_FOUND);
}

/* The command's @pid to the pid file's writer, and its word that the file is there. */
static int write_pid_file(struct exec_io *io, pid_t pid, struct nslab_error *e)
{
	struct nslab_report r = { 0 };
	int ret = nslab_write_all(io->writer, &pid, sizeof(pid));

	if (!ret && nslab_read_all(io->writer_done, &r, sizeof(r)) != sizeof(r))
		ret = -EPIPE;
	if (ret)
		return nslab_fail(e, -ret, "pid-file", "%s: its writer died", io->pid_file);
	if (!r.ready)
		*e = r.error;
	return r.ready ? 0 : -1;
}

/* Once the command runs: its pid file, its pty's master handed over. */
static int hand_over(struct exec_io *io, int *master, pid_t pid, struct nslab_error *e)
{
	if (io->writer >= 0 && write_pid_file(io, pid, e))
		return -1;
	if (io->console >= 0 && *master >= 0) {
		if (nslab_console_give(io->console, *master, e))
			return -1;
		nslab_close_fd(master);
	}
	return 0;
}

/* After the command's exec: with -t the relay, else a plain wait. */
static int relay_or_wait(const struct nslab_exec_spec *x, int master, pid_t pid,
			 struct nslab_error *e)
{
	int code;

	if (x->detach)
		return 0;
	if (master < 0)
		return nslab_wait_forwarding(pid);
	if (x->interactive && nslab_tty_raw(0, e)) {
		kill(pid, SIGKILL);
		nslab_wait_forwarding(pid);
		return NSLAB_EXIT_SETUP;
	}
	code = nslab_tty_relay(master, x->interactive ? 0 : -1, pid, -1);
	nslab_tty_restore();
	return code;
}

/* Forks the command and waits for it: its exit code, or the failure it reported. */
static int fork_command(const struct nslab_state *st, const struct nslab_exec_spec *x,
			const struct nslab_seccomp *sc, struct exec_io *io,
			struct nslab_error *e)
{
	_cleanup_close_ int master = -1, slave = -1;
	_cleanup_close_pair_ int rep[2] = { -1, -1 };
	struct nslab_report r;
	char host[65] = "";
	pid_t pid;

	gethostname(host, sizeof(host) - 1);
	/* Here, in the container's mount namespace: the pty is one of its own devpts. */
	if (x->tty && nslab_pty_open(x->console_rows, x->console_cols, &master, &slave, e))
		return NSLAB_EXIT_SETUP;
	if (pipe2(rep, O_CLOEXEC) < 0) {
		nslab_fail(e, errno, "exec", "pipe: %s", strerror(errno));
		return NSLAB_EXIT_SETUP;
	}
	pid = fork();
	if (pid < 0) {
		nslab_fail(e, errno, "exec", "fork: %s", strerror(errno));
		return NSLAB_EXIT_SETUP;
	}
	if (pid == 0) {
		nslab_close_fd(&rep[0]);
		command_main(st, x, sc, slave, host, rep[1]);
	}
	nslab_close_fd(&rep[1]);
	if (nslab_read_all(rep[0], &r, sizeof(r)) == sizeof(r)) {
		nslab_wait_forwarding(pid);
		*e = r.error;
		return nslab_failure_code(&r.error);
	}
	nslab_close_fd(&rep[0]);
	nslab_close_fd(&slave);
	if (hand_over(io, &master, pid, e)) {
		kill(pid, SIGKILL);
		nslab_wait_forwarding(pid);
		return NSLAB_EXIT_SETUP;
	}
	return relay_or_wait(x, master, pid, e);
}

/* Into its cgroup first, while we still have the host's rights over the tree. */
static int enter_cgroup(const struct nslab_state *st, struct nslab_error *e)
{
	struct nslab_cgroup cg;
	int ret = nslab_container_cgroup(st, &cg);

	if (!ret && cg.layout.mode != NSLAB_CG_NONE) {
		if (nslab_cg_is_frozen(&cg))
			return nslab_fail(e, EBUSY, "exec", "container '%s' is frozen (nslab thaw %s)",
					  st->name, st->name);
		cg.made = true;
		ret = nslab_cg_enter_self(&cg);
	}
	if (ret)
		return nslab_fail(e, -ret, "cgroup", "%s: %s", st->name, strerror(-ret));
	return 0;
}

/* The process enters the container's cgroup and namespaces itself, then forks the command. */
static int enter_and_run(const struct nslab_state *st, const struct nslab_exec_spec *x,
			 struct exec_io *io, struct nslab_error *e)
{
	struct nslab_seccomp sc;
	unsigned mask;
	int ret;

	if (enter_cgroup(st, e))
		return NSLAB_EXIT_SETUP;
	/* Ours, inherited by the command: set while we are the host's root, who may lower it. */
	if (x->oom_score_set && nslab_oom_score_set(0, x->oom_score_adj, e))
		return NSLAB_EXIT_SETUP;
	/* A profile file is a host path: read it before we stand in the container's root. */
	nslab_seccomp_from_name(st->seccomp, &sc);
	if (nslab_seccomp_check(&sc, st->caps, e))
		return NSLAB_EXIT_SETUP;
	/* Joined namespaces too: the container's are those its first process is in. */
	mask = nslab_ns_differing(st->pid);
	ret = nslab_fault("setns") ? -EIO : nslab_ns_enter(st->pid, mask);
	if (ret) {
		nslab_fail(e, -ret, "setns", "%s: %s", st->name, strerror(-ret));
		return NSLAB_EXIT_SETUP;
	}
	if (mask & NSLAB_NS_BIT(NSLAB_NS_USER)) {
		ret = nslab_user_switch(0, 0);
		if (ret) {
			nslab_fail(e, -ret, "user", "%s", strerror(-ret));
			return NSLAB_EXIT_SETUP;
		}
	}
	return fork_command(st, x, &sc, io, e);
}

/* The running container x->target names. */
static int find_running(const char *target, struct nslab_state *st, struct nslab_error *e)
{
	int ret = nslab_state_find(target, st, e);

	if (ret == -ENOENT)
		return nslab_no_container(e, "exec", target);
	if (ret)
		return ret;
	if (nslab_state_status(st) != NSLAB_RUNNING)
		return nslab_fail(e, ESRCH, "exec", "container '%s' is not running", st->name);
	return 0;
}

/* exec's capabilities stay within the container's bounding set: --cap and --process only narrow. */
static int check_caps(const struct nslab_state *st, const struct nslab_exec_spec *x,
		      struct nslab_error *e)
{
	uint64_t outside = (x->cap_add | (x->caps_set ? x->caps : 0)) & ~st->caps;

	for (int c = 0; c < 64; c++)
		if (outside & (1ULL << c))
			return nslab_bad_input(e, x->cap_add & (1ULL << c) ? "--cap" : "--process",
					       "CAP_%s is not in container '%s''s bounding set",
					       nslab_cap_name(c), st->name);
	if (x->cap_add & ~(x->caps_set ? x->caps : st->caps))
		return nslab_bad_input(e, "--cap", "not in --process' capabilities.bounding");
	return 0;
}

/* --preserve-fds' fds must be the caller's: else nslab's own could take their numbers. */
static int check_preserved(int n, struct nslab_error *e)
{
	for (int fd = 3; fd < 3 + n; fd++)
		if (fcntl(fd, F_GETFD) < 0)
			return nslab_bad_input(e, "--preserve-fds", "fd %d is not open", fd);
	return 0;
}

/* --pid-file's directory, by fd: its path would resolve in the container once we are in. */
static int open_pid_dir(const char *pid_file, struct exec_io *io, struct nslab_error *e)
{
	char dir[PATH_MAX];
	char *slash;

	if (snprintf(dir, sizeof(dir), "%s", pid_file) >= (int)sizeof(dir))
		return nslab_bad_input(e, "--pid-file", "path too long");
	slash = strrchr(dir, '/');
	io->pid_file = pid_file;
	io->pid_name = slash ? pid_file + (slash - dir) + 1 : pid_file;
	if (!*io->pid_name)
		return nslab_bad_input(e, "--pid-file", "'%s' names a directory", pid_file);
	if (slash)
		slash[slash == dir] = '\0';	/* "/f": the directory is "/" */
	io->pid_dir = open(slash ? dir : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (io->pid_dir < 0)
		return nslab_fail_as(e, NSLAB_ERR_INPUT, errno, "pid-file", "%s: %s", dir,
				     strerror(errno));
	return 0;
}

/*
 * --pid-file is written by a helper left on the host side, as the caller:
 * in a user namespace of the container's we become its root, an id that
 * the caller's directory (podman's is root's alone) need not let in, and
 * whose file it would be.  It writes once it reads the command's pid.
 */
static int start_pid_writer(struct exec_io *io, struct nslab_error *e)
{
	_cleanup_close_pair_ int to[2] = { -1, -1 }, back[2] = { -1, -1 };
	struct nslab_report r = { .ready = 1 };
	pid_t pid;

	if (pipe2(to, O_CLOEXEC) < 0 || pipe2(back, O_CLOEXEC) < 0 ||
	    (io->writer_pid = fork()) < 0)
		return nslab_fail(e, errno, "pid-file", "%s", strerror(errno));
	if (io->writer_pid == 0) {
		nslab_close_fd(&to[1]);
		if (nslab_read_all(to[0], &pid, sizeof(pid)) != sizeof(pid))
			_exit(0);
		if (nslab_pid_file_write(io->pid_dir, io->pid_name, io->pid_file, pid, &r.error))
			r.ready = 0;
		_exit(nslab_write_all(back[1], &r, sizeof(r)) ? 1 : 0);
	}
	io->writer = steal_fd(&to[1]);
	io->writer_done = steal_fd(&back[0]);
	return 0;
}

/* The host paths, while they still resolve on the host. */
static int open_io(const struct nslab_exec_spec *x, struct exec_io *io, struct nslab_error *e)
{
	if (x->pid_file && (open_pid_dir(x->pid_file, io, e) || start_pid_writer(io, e)))
		return -e->err;
	if (x->console_socket) {
		io->console = nslab_console_connect(x->console_socket, e);
		if (io->console < 0)
			return io->console;
	}
	return 0;
}

/*
 * nslab's form, as docker exec's Config.Env: the first process's
 * environment, with -e's over it.  runc's --process (env_exact) is the
 * file's alone, as runc's.
 */
static int add_container_env(const struct nslab_state *st, struct nslab_exec_spec *x, char **buf,
			     struct nslab_error *e)
{
	char *env[NSLAB_MAX_ENV + 1];
	int n;

	if (x->env_exact)
		return 0;
	if (nslab_state_load_env(st->name, env, &n, buf, e))
		return -e->err;
	if (n + x->n_env > NSLAB_MAX_ENV)
		return nslab_bad_input(e, "--env", "container '%s' has %d variables; with -e's %d, more "
				       "than %d", st->name, n, x->n_env, NSLAB_MAX_ENV);
	memmove(x->env + n, x->env, x->n_env * sizeof(*x->env));
	memcpy(x->env, env, n * sizeof(*env));
	x->n_env += n;
	x->env[x->n_env] = NULL;
	return 0;
}

int nslab_container_exec(const struct nslab_exec_spec *x, int *code, struct nslab_error *e)
{
	struct exec_io io = { .pid_dir = -1, .console = -1, .writer = -1, .writer_done = -1,
			      .writer_pid = -1 };
	struct nslab_exec_spec with_env = *x;
	_cleanup_free_ char *env_buf = NULL;
	struct nslab_state st;

	*e = (struct nslab_error){ 0 };
	*code = NSLAB_EXIT_SETUP;
	if (!check_preserved(x->preserve_fds, e) && !find_running(x->target, &st, e) &&
	    !check_caps(&st, x, e) && !add_container_env(&st, &with_env, &env_buf, e) &&
	    !open_io(x, &io, e))
		*code = enter_and_run(&st, &with_env, &io, e);
	nslab_close_fd(&io.pid_dir);
	nslab_close_fd(&io.console);
	/* Its pipe closed, a writer that got no pid exits without writing. */
	nslab_close_fd(&io.writer);
	nslab_close_fd(&io.writer_done);
	if (io.writer_pid > 0)
		waitpid(io.writer_pid, NULL, 0);
	return e->what[0] ? -1 : 0;
}

int nslab_exec_load_process(struct nslab_exec_spec *x, const char *path, struct nslab_oci *oci,
			    struct nslab_error *e)
{
	const size_t size = 1 << 20;
	_cleanup_free_ char *text = malloc(size);
	struct nslab_spec s;
	ssize_t n;

	memset(oci, 0, sizeof(*oci));
	memset(&s, 0, sizeof(s));
	if (!text)
		return nslab_fail(e, ENOMEM, "--process", NULL);
	n = nslab_read_file(path, text, size);
	if (n < 0)
		return nslab_fail_as(e, NSLAB_ERR_INPUT, -n, "--process", "%s: %s", path, strerror(-n));
	if (n == (ssize_t)size - 1)
		return nslab_bad_input(e, "--process", "%s: larger than 1 MiB", path);
	if (nslab_oci_process(text, "--process", &s, oci, e))
		return -e->err;
	x->process = s.process;
	/* The file's sets and limits replace the container's, as runc's: its bounding set is caps. */
	x->caps_set = x->rlimits_set = true;
	x->caps = s.cap_add;
	return 0;
}

void nslab_exec_spec_init(struct nslab_exec_spec *x)
{
	memset(x, 0, sizeof(*x));
	x->umask = -1;
}
