// SPDX-License-Identifier: GPL-2.0
/*
 * The caller's terminal, docs/conformance.md H10: a container cannot push input
 * into it (TIOCSTI, CVE-2017-5226), and -t gives it a pty of its own that
 * nslab relays.  nslab runs here as a user would start it from a shell: on a
 * pty the test opens, as the leader of a session whose controlling terminal
 * that pty is.  The test keeps the slave, so what lands in the terminal's
 * input queue can be counted (FIONREAD) once nslab has gone.  The negative
 * control is the same probe run directly on that terminal, which the
 * kernel lets inject (dev.tty.legacy_tiocsti=1).
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "detached.h"
#include "harness.h"
#include "lab.h"
#include "state.h"

/* Bounds on waiting for a relay that may be broken; no pass or fail depends on them. */
#define PTY_WAIT_MS 30000

struct pty_job {
	int master, slave;
	pid_t pid;
	char out[16384];	/* what reached the terminal, NUL-terminated */
	size_t len;
};

/*
 * Starts @argv (a full path first) as the leader of a new session whose
 * controlling terminal is a fresh pty of size @ws; @env adds "KEY=VALUE"
 * entries.  With @raw the terminal is raw first, so that every byte pushed
 * into its input counts for FIONREAD and none is echoed.
 */
static void pty_start(struct pty_job *j, const struct winsize *ws, bool raw,
		      const char *const env[], const char *const argv[])
{
	struct termios t;

	memset(j, 0, sizeof(*j));
	cr_assert_eq(openpty(&j->master, &j->slave, NULL, NULL, ws), 0, "openpty: %s",
		     strerror(errno));
	if (raw) {
		cr_assert_eq(tcgetattr(j->slave, &t), 0);
		cfmakeraw(&t);
		cr_assert_eq(tcsetattr(j->slave, TCSANOW, &t), 0);
	}
	j->pid = fork();
	cr_assert(j->pid >= 0, "fork: %s", strerror(errno));
	if (j->pid > 0)
		return;
	if (setsid() < 0 || ioctl(j->slave, TIOCSCTTY, 0) < 0 || dup2(j->slave, 0) < 0 ||
	    dup2(j->slave, 1) < 0 || dup2(j->slave, 2) < 0)
		_exit(124);
	close(j->master);
	close(j->slave);
	for (; env && *env; env++)
		putenv((char *)*env);
	execv(argv[0], (char *const *)argv);
	_exit(127);
}

/* Reads the terminal's output until @want appears (true) or @timeout_ms pass without it. */
static bool pty_read_until(struct pty_job *j, const char *want, int timeout_ms)
{
	struct pollfd p = { .fd = j->master, .events = POLLIN };

	while (!strstr(j->out, want)) {
		ssize_t n;

		if (poll(&p, 1, timeout_ms) <= 0 || j->len + 1 >= sizeof(j->out))
			return false;
		n = read(j->master, j->out + j->len, sizeof(j->out) - 1 - j->len);
		if (n <= 0)
			return false;
		j->len += n;
		j->out[j->len] = '\0';
	}
	return true;
}

/* Waits (bounded) for the job to exit and collects its last output; returns its exit code. */
static int pty_finish(struct pty_job *j)
{
	int pidfd = pidfd_open(j->pid, 0), status;
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	cr_assert(pidfd >= 0, "pidfd_open: %s", strerror(errno));
	if (poll(&p, 1, PTY_WAIT_MS) != 1) {
		kill(j->pid, SIGKILL);
		waitpid(j->pid, NULL, 0);
		cr_assert_fail("still running after %d ms; output so far: %s", PTY_WAIT_MS, j->out);
	}
	close(pidfd);
	cr_assert_eq(waitpid(j->pid, &status, 0), j->pid);
	/* The slave is still ours, so no EOF: poll flushes what is pending, then says so. */
	pty_read_until(j, "\001never\001", 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Bytes waiting in the terminal's input queue: what anyone pushed into it. */
static int pty_pending_input(const struct pty_job *j)
{
	int n = -1;

	cr_assert_eq(ioctl(j->slave, FIONREAD, &n), 0, "FIONREAD: %s", strerror(errno));
	return n;
}

static void pty_close(struct pty_job *j)
{
	close(j->master);
	close(j->slave);
}

static const char *host_probe_path(void)
{
	static char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/usr/bin/nslab-probe", lab_default_rootfs());
	return path;
}

static void require_legacy_tiocsti(void)
{
	char *v = slurp("/proc/sys/dev/tty/legacy_tiocsti");
	bool off = v && v[0] == '0';

	free(v);
	if (off)
		cr_skip_test("dev.tty.legacy_tiocsti=0: the kernel refuses TIOCSTI to everyone, "
			     "so no control can show the door open");
}

/* Runs nslab-probe tiocsti directly on a raw terminal; returns what it injected into it. */
static int host_injects(void)
{
	struct pty_job j;
	int pending;

	pty_start(&j, NULL, true, NULL, (const char *const[]){ host_probe_path(), "tiocsti", NULL });
	cr_assert_eq(pty_finish(&j), 0, "%s", j.out);
	cr_assert(strstr(j.out, "sti0=injected"), "control: the probe could not inject: %s", j.out);
	pending = pty_pending_input(&j);
	pty_close(&j);
	return pending;
}

/*
 * `nslab ARGS... nslab-probe tiocsti` on a raw terminal: asserts that every
 * push was refused with EPERM and that nothing reached the terminal's input.
 */
static void assert_no_injection(const char *context, const char *const argv[])
{
	struct pty_job j;
	int code;

	pty_start(&j, NULL, true, NULL, argv);
	code = pty_finish(&j);
	cr_assert_eq(code, 0, "%s: exit %d: %s", context, code, j.out);
	cr_assert(strstr(j.out, "ok sti0=EPERM sti1=EPERM sti2=EPERM linux="),
		  "%s: a push was not refused: %s", context, j.out);
	cr_assert_eq(strstr(j.out, "linux=ok"), NULL, "%s: TIOCLINUX allowed: %s", context, j.out);
	cr_assert_eq(pty_pending_input(&j), 0, "%s: bytes reached the caller's terminal", context);
	pty_close(&j);
}

TestSuite(tty, .timeout = 120);

Test(tty, H10_run_cannot_push_into_the_callers_terminal)
{
	require_root();
	require_legacy_tiocsti();
	cr_assert_eq(host_injects(), 3, "control: three pushes, one per fd");
	assert_no_injection("run", (const char *const[]){
		nslab_bin(), "run", "--", "nslab-probe", "tiocsti", NULL });
	/* The session alone, without the seccomp filter's own refusal of TIOCSTI. */
	assert_no_injection("run, unconfined", (const char *const[]){
		nslab_bin(), "run", UNCONFINED, "--", "nslab-probe", "tiocsti", NULL });
	/* With -i but no -t the caller's terminal is passed as it is, and stays out of reach. */
	assert_no_injection("run -i", (const char *const[]){
		nslab_bin(), "run", "-i", "--seccomp", "unconfined", "--", "nslab-probe", "tiocsti",
		NULL });
}

Test(tty, H10_pipes_still_work_without_a_tty)
{
	struct run_result r;

	require_root();
	NSLAB(&r, "run", "--", "sh", "-c", "echo out; echo err >&2");
	cr_assert_eq(r.code, 0, "%s", r.err);
	cr_assert_str_eq(r.out, "out\n");
	cr_assert_str_eq(r.err, "err\n");
	/* A session of its own: no controlling terminal to open as /dev/tty. */
	NSLAB(&r, "run", "--", "nslab-probe", "ttyinfo");
	cr_assert(strstr(r.out, "isatty=0 tty=none ctty=ENXIO"), "%s", r.out);
}

Test(tty, H10_exec_cannot_push_into_the_callers_terminal, .fini = detached_cleanup)
{
	char name[DETACHED_NAME_MAX];

	require_root();
	require_legacy_tiocsti();
	cr_assert_eq(host_injects(), 3, "control: three pushes, one per fd");
	DETACHED(name, "h10exec", "--seccomp", "unconfined", "--", "sleep", "60");
	assert_no_injection("exec", (const char *const[]){
		nslab_bin(), "exec", name, "nslab-probe", "tiocsti", NULL });
}

/* Asserts the same modes: what the relay must give the caller's terminal back. */
static void assert_same_modes(const struct termios *a, const struct termios *b, const char *context)
{
	cr_assert(a->c_iflag == b->c_iflag && a->c_oflag == b->c_oflag &&
		  a->c_cflag == b->c_cflag && a->c_lflag == b->c_lflag &&
		  memcmp(a->c_cc, b->c_cc, sizeof(a->c_cc)) == 0,
		  "%s: the terminal's modes differ (lflag %x, was %x)", context, b->c_lflag, a->c_lflag);
}

/*
 * -t -i with `nslab-probe ttyinfo winch`: the container's stdin is a pty of
 * its own devpts, its controlling terminal with its process group in the
 * foreground; the caller's terminal is raw meanwhile (the control that the
 * comparison of modes afterwards can fail), its size is the container's,
 * and a resize reaches the container.
 */
static void assert_tty_relay(const char *context, const char *const argv[])
{
	struct winsize ws = { .ws_row = 33, .ws_col = 101 }, resized = { .ws_row = 44, .ws_col = 120 };
	struct termios before, during, after;
	struct pty_job j;
	int code;

	pty_start(&j, &ws, false, NULL, argv);
	cr_assert_eq(tcgetattr(j.slave, &before), 0);
	cr_assert(pty_read_until(&j, "rows=33 cols=101", PTY_WAIT_MS), "%s: %s", context, j.out);
	cr_assert(strstr(j.out, "ok isatty=1 tty=/dev/pts/"), "%s: %s", context, j.out);
	cr_assert(strstr(j.out, "ctty=yes fg=1"), "%s: no job control: %s", context, j.out);
	cr_assert_eq(tcgetattr(j.slave, &during), 0);
	cr_assert_eq(during.c_lflag & (ICANON | ECHO), 0, "%s: the caller's terminal is not raw",
		     context);
	cr_assert_eq(ioctl(j.master, TIOCSWINSZ, &resized), 0);
	cr_assert(pty_read_until(&j, "resized rows=44 cols=120", PTY_WAIT_MS),
		  "%s: the resize did not arrive: %s", context, j.out);
	code = pty_finish(&j);
	cr_assert_eq(code, 0, "%s: exit %d: %s", context, code, j.out);
	cr_assert_eq(tcgetattr(j.slave, &after), 0);
	assert_same_modes(&before, &after, context);
	pty_close(&j);
}

/* The exit code through the relay, and the modes given back after it. */
static void assert_tty_exit(const char *context, int want, const char *const argv[])
{
	struct termios before, after;
	struct pty_job j;
	int code;

	pty_start(&j, NULL, false, NULL, argv);
	cr_assert_eq(tcgetattr(j.slave, &before), 0);
	code = pty_finish(&j);
	cr_assert_eq(code, want, "%s: exit %d, wanted %d: %s", context, code, want, j.out);
	cr_assert_eq(tcgetattr(j.slave, &after), 0);
	assert_same_modes(&before, &after, context);
	pty_close(&j);
}

Test(tty, H10_run_tty_relays_a_pty_of_its_own)
{
	require_root();
	assert_tty_relay("run -t -i", (const char *const[]){
		nslab_bin(), "run", "-t", "-i", "--", "nslab-probe", "ttyinfo", "winch", NULL });
	assert_tty_exit("run -t -i", 7, (const char *const[]){
		nslab_bin(), "run", "-ti", "--", "sh", "-c", "echo done; exit 7", NULL });
	/* --init's child owns the terminal's foreground, not the init beside it. */
	assert_tty_relay("run -t -i --init", (const char *const[]){
		nslab_bin(), "run", "-t", "-i", "--init", "--", "nslab-probe", "ttyinfo", "winch",
		NULL });
}

Test(tty, H10_run_tty_input_reaches_the_container)
{
	struct pty_job j;

	require_root();
	pty_start(&j, NULL, false, NULL, (const char *const[]){
		nslab_bin(), "run", "-t", "-i", "--", "sh", "-c", "read line; echo got=$line", NULL });
	/* The caller's terminal is raw: the carriage return ends the line, the pty makes it one. */
	cr_assert_eq(write(j.master, "hello\r", 6), 6);
	cr_assert(pty_read_until(&j, "got=hello", PTY_WAIT_MS), "%s", j.out);
	cr_assert_eq(pty_finish(&j), 0, "%s", j.out);
	pty_close(&j);
}

/*
 * Signals with -t: one sent to nslab is forwarded as before; in raw mode ^C
 * is a byte that travels through the pty, whose line discipline makes it
 * SIGINT for the container's foreground.  The control for the second is the
 * first: the same trap answers either way.
 */
Test(tty, H10_run_tty_signals_reach_the_container)
{
	static const char trap[] = "trap 'echo got-INT; exit 3' INT; echo ready; "
				   "while :; do sleep 1; done";
	struct pty_job j;

	require_root();
	pty_start(&j, NULL, false, NULL, (const char *const[]){
		nslab_bin(), "run", "-t", "--", "sh", "-c", trap, NULL });
	cr_assert(pty_read_until(&j, "ready", PTY_WAIT_MS), "%s", j.out);
	cr_assert_eq(kill(j.pid, SIGINT), 0);
	cr_assert(pty_read_until(&j, "got-INT", PTY_WAIT_MS), "SIGINT not forwarded: %s", j.out);
	cr_assert_eq(pty_finish(&j), 3, "%s", j.out);
	pty_close(&j);

	pty_start(&j, NULL, false, NULL, (const char *const[]){
		nslab_bin(), "run", "-t", "-i", "--", "sh", "-c", trap, NULL });
	cr_assert(pty_read_until(&j, "ready", PTY_WAIT_MS), "%s", j.out);
	cr_assert_eq(write(j.master, "\003", 1), 1);
	cr_assert(pty_read_until(&j, "got-INT", PTY_WAIT_MS), "^C did not arrive: %s", j.out);
	cr_assert_eq(pty_finish(&j), 3, "%s", j.out);
	pty_close(&j);
}

/* A signal that kills nslab itself in raw mode gives the terminal its modes back first. */
Test(tty, H10_run_tty_modes_restored_when_nslab_is_killed)
{
	struct termios before, during, after;
	struct run_result r;
	struct pty_job j;
	char name[64];
	int code;

	require_root();
	snprintf(name, sizeof(name), "h10kill-%d", getpid());
	pty_start(&j, NULL, false, NULL, (const char *const[]){
		nslab_bin(), "run", "-t", "-i", "--name", name, "--", "sh", "-c",
		"echo ready; sleep 60", NULL });
	cr_assert_eq(tcgetattr(j.slave, &before), 0);
	cr_assert(pty_read_until(&j, "ready", PTY_WAIT_MS), "%s", j.out);
	cr_assert_eq(tcgetattr(j.slave, &during), 0);
	cr_assert_eq(during.c_lflag & ICANON, 0, "control: the terminal is not raw");
	cr_assert_eq(kill(j.pid, SIGALRM), 0);
	code = pty_finish(&j);
	/* Its supervisor gone, the container is what nslab rm is for. */
	NSLAB(&r, "rm", "-f", name);
	cr_assert_eq(code, 128 + SIGALRM, "nslab did not die of SIGALRM: %d %s", code, j.out);
	cr_assert_eq(tcgetattr(j.slave, &after), 0);
	assert_same_modes(&before, &after, "killed by SIGALRM");
	pty_close(&j);
}

/*
 * Inside -t the container's controlling terminal is its own pty: a push
 * (with no filter to refuse it) lands there, never in the caller's.
 */
Test(tty, H10_run_tty_pushes_stay_in_the_containers_pty)
{
	struct pty_job j;

	require_root();
	require_legacy_tiocsti();
	pty_start(&j, NULL, true, NULL, (const char *const[]){
		nslab_bin(), "run", "-t", "--seccomp", "unconfined", "--", "nslab-probe", "tiocsti",
		NULL });
	cr_assert_eq(pty_finish(&j), 0, "%s", j.out);
	cr_assert(strstr(j.out, "sti0=injected"), "the container's own pty refused: %s", j.out);
	cr_assert_eq(pty_pending_input(&j), 0, "bytes reached the caller's terminal");
	pty_close(&j);
}

Test(tty, H10_exec_tty_relays_a_pty_of_its_own, .fini = detached_cleanup)
{
	char name[DETACHED_NAME_MAX];

	require_root();
	DETACHED(name, "h10tty", "--", "sleep", "60");
	assert_tty_relay("exec -t -i", (const char *const[]){
		nslab_bin(), "exec", "-t", "-i", name, "nslab-probe", "ttyinfo", "winch", NULL });
	assert_tty_exit("exec -t", 5, (const char *const[]){
		nslab_bin(), "exec", "-t", name, "sh", "-c", "exit 5", NULL });
}

/*
 * Nothing named @name is left: no mount, no cgroup, no state.  By name, not
 * by a snapshot of the whole host, where other runs come and go.
 */
static void assert_nothing_named(const char *name, const char *context)
{
	char *mounts = slurp("/proc/self/mountinfo"), cmd[256], found[1024];
	struct nslab_state st;

	cr_assert(mounts, "mountinfo: %s", strerror(errno));
	cr_assert_eq(strstr(mounts, name), NULL, "%s: a mount left: %s", context, mounts);
	free(mounts);
	snprintf(cmd, sizeof(cmd), "find /sys/fs/cgroup -maxdepth 4 -name '%s'", name);
	host_sh(cmd, found, sizeof(found));
	cr_assert_str_eq(found, "", "%s: a cgroup left: %s", context, found);
	cr_assert_neq(nslab_state_read(name, &st), 0, "%s: its state is left", context);
}

/* A failure at one step of -t: exit 125, an error line, the terminal's modes as before. */
static void assert_tty_fault(const char *step, const char *const argv[])
{
	struct termios before, after;
	struct pty_job j;
	char env[64];
	int code;

	snprintf(env, sizeof(env), "NSLAB_FAULT=%s", step);
	pty_start(&j, NULL, false, (const char *const[]){ env, NULL }, argv);
	cr_assert_eq(tcgetattr(j.slave, &before), 0);
	code = pty_finish(&j);
	cr_assert_eq(code, 125, "%s: exit %d: %s", step, code, j.out);
	cr_assert(strstr(j.out, "nslab: "), "%s: no error line: %s", step, j.out);
	cr_assert_eq(tcgetattr(j.slave, &after), 0);
	assert_same_modes(&before, &after, step);
	pty_close(&j);
}

Test(tty, H10_tty_fault_at_every_step, .fini = detached_cleanup)
{
	static const char *const steps[] = { "pty", "pty-recv", "tty-raw", "setsid" };
	char name[DETACHED_NAME_MAX], run_name[64];
	struct nslab_state st;

	require_root();
	snprintf(run_name, sizeof(run_name), "h10fault-run-%d", getpid());
	for (size_t i = 0; i < N_ELEMENTS(steps); i++) {
		assert_tty_fault(steps[i], (const char *const[]){
			nslab_bin(), "run", "-t", "-i", "--name", run_name, "--", "true", NULL });
		assert_nothing_named(run_name, steps[i]);
	}
	DETACHED(name, "h10fault", "--", "sleep", "60");
	for (size_t i = 0; i < N_ELEMENTS(steps); i++) {
		if (strcmp(steps[i], "pty-recv") == 0)
			continue;	/* exec opens the pty itself */
		assert_tty_fault(steps[i], (const char *const[]){
			nslab_bin(), "exec", "-t", "-i", name, "true", NULL });
	}
	cr_assert_eq(nslab_state_read(name, &st), 0);
	cr_assert_eq(nslab_state_status(&st), NSLAB_RUNNING, "a failed exec hurt the container");
}
