// SPDX-License-Identifier: GPL-2.0
/*
 * PID 1 of the `make vm-test` guest, in the spirit of WireGuard's
 * tests/qemu/init.c: set the machine up like a pure cgroup-v2 host, load the
 * kernel modules the suites need, run every entry of /etc/nslab-vm/suites.<N>
 * (N from nslab.shard=N/M on the kernel command line: the host may boot
 * several VMs, each with its share) and write KTAP to the dedicated result
 * port (ttyS1), then power off.
 *
 * The host judges the run from that port only.  Its last line is the marker
 * "# nslab-vm: done"; anything that stops us earlier (a panic, a hang, this
 * process dying) leaves the marker out and so fails the run.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define CONF_DIR "/etc/nslab-vm"
#define WORK_DIR "/tmp/nslab-vm"
#define RESULT_PORT "/dev/ttyS1"
#define MARKER "# nslab-vm: done"

static int results = -1;
static int shard = 1, shards = 1;

static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (shards > 1)
		printf("nslab-vm %d/%d: ", shard, shards);
	else
		fputs("nslab-vm: ", stdout);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
	va_end(ap);
}

/* One write per line so that a crash loses at most the line being written. */
static void result(const char *fmt, ...)
{
	char line[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	if (results >= 0 && write(results, line, n) < 0)
		say("result port: %m");
}

static void __attribute__((noreturn)) poweroff(void)
{
	/* The ports buffer; powering off before they drain loses the tail. */
	if (results >= 0)
		tcdrain(results);
	fflush(stdout);
	tcdrain(STDOUT_FILENO);
	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}

static void __attribute__((noreturn)) bail(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	say("fatal: %s", msg);
	result("Bail out! %s", msg);
	poweroff();
}

/*
 * A signal sent to us means someone wants the run aborted.  Exiting makes the
 * kernel panic ("Attempted to kill init"), the panic ends QEMU, and the
 * missing marker fails the run: the loudest way to stop.
 */
static void abort_run(int sig)
{
	_exit(128 + sig);
}

static void mount_or_bail(const char *src, const char *dst, const char *type,
			  unsigned long flags, const char *data)
{
	mkdir(dst, 0755);
	if (mount(src, dst, type, flags, data) < 0)
		bail("mount %s on %s: %s", type, dst, strerror(errno));
}

/*
 * pivot_root(2) refuses to move the initramfs root, and every container start
 * needs it.  Re-rooting onto a bind mount of it gives the runtime an ordinary
 * mount with a parent, as on a disk-booted host.
 */
static void leave_initramfs(void)
{
	mount_or_bail("/", "/newroot", NULL, MS_BIND | MS_REC, NULL);
	if (chdir("/newroot") < 0 || mount(".", "/", NULL, MS_MOVE, NULL) < 0 ||
	    chroot(".") < 0 || chdir("/") < 0)
		bail("re-root onto a bind mount: %s", strerror(errno));
	rmdir("/newroot");
}

/* True if @path holds nothing (or does not exist). */
static bool dir_is_empty(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	bool empty = true;

	if (!d)
		return true;
	while (empty && (de = readdir(d)))
		empty = strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0;
	closedir(d);
	return empty;
}

static void setup_filesystems(void)
{
	static const struct {
		const char *src, *dst, *type;
		unsigned long flags;
		const char *data;
	} mounts[] = {
		{ "proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL },
		{ "sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL },
		/* The options systemd uses on a pure v2 host. */
		{ "cgroup2", "/sys/fs/cgroup", "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  "nsdelegate,memory_recursiveprot" },
		{ "devpts", "/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC, "gid=5,mode=620,ptmxmode=666" },
		{ "tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777" },
		{ "mqueue", "/dev/mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL },
		{ "tmpfs", "/run", "tmpfs", MS_NOSUID | MS_NODEV, "mode=755" },
		{ "tmpfs", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777" },
	};

	for (size_t i = 0; i < sizeof(mounts) / sizeof(mounts[0]); i++) {
		/*
		 * The artifacts keep their host paths, and a checkout under /tmp
		 * (as CI's may be) ships them there: a tmpfs would hide them.  The
		 * root is in RAM already, so the directory stays writable.
		 */
		if (strcmp(mounts[i].type, "tmpfs") == 0 && strncmp(mounts[i].dst, "/dev", 4) &&
		    !dir_is_empty(mounts[i].dst))
			continue;
		mount_or_bail(mounts[i].src, mounts[i].dst, mounts[i].type,
			      mounts[i].flags, mounts[i].data);
	}
	mkdir(WORK_DIR, 0755);
}

static bool write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	bool ok = fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text);

	if (fd >= 0)
		close(fd);
	return ok;
}

static bool read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, size - 1) : -1;

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	return n >= 0;
}

/* Delegate every controller from the root, as systemd does on a v2 host. */
static void enable_controllers(void)
{
	char avail[512], *save = NULL;

	if (!read_file("/sys/fs/cgroup/cgroup.controllers", avail, sizeof(avail)))
		bail("read cgroup.controllers: %s", strerror(errno));
	for (char *c = strtok_r(avail, " \n", &save); c; c = strtok_r(NULL, " \n", &save)) {
		char arg[64];

		snprintf(arg, sizeof(arg), "+%s", c);
		if (!write_file("/sys/fs/cgroup/cgroup.subtree_control", arg))
			say("cannot enable cgroup controller %s: %m", c);
	}
}

static void open_result_port(void)
{
	struct termios tio;

	results = open(RESULT_PORT, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (results < 0)
		bail("open %s: %s", RESULT_PORT, strerror(errno));
	/* Raw, so the host gets "\n" and not "\r\n". */
	if (tcgetattr(results, &tio) == 0) {
		cfmakeraw(&tio);
		tcsetattr(results, TCSANOW, &tio);
	}
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Relays a child's output to the console and, when asked, as KTAP comments. */
struct relay {
	int fd;
	bool to_results;
	char line[1024];
	size_t len;
};

static void relay_flush(struct relay *r)
{
	r->line[r->len] = '\0';
	fputs(r->line, stdout);
	putchar('\n');
	if (r->to_results)
		result("    # %s", r->line);
	r->len = 0;
}

enum relay_state { RELAY_DATA, RELAY_AGAIN, RELAY_END };

static enum relay_state relay_read(struct relay *r)
{
	char buf[4096];
	ssize_t n = read(r->fd, buf, sizeof(buf));

	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return RELAY_AGAIN;
	for (ssize_t i = 0; i < n; i++) {
		if (buf[i] == '\n' || r->len == sizeof(r->line) - 1)
			relay_flush(r);
		if (buf[i] != '\n' && buf[i] != '\r')
			r->line[r->len++] = buf[i];
	}
	fflush(stdout);
	if (n > 0)
		return RELAY_DATA;
	if (r->len)
		relay_flush(r);
	return RELAY_END;
}

/*
 * Runs `sh -c cmd` in its own process group with its output relayed, reaping
 * any orphan along the way (we are PID 1).  Returns the wait status, or -1 if
 * it ran past timeout seconds and was killed.
 */
static int run(const char *cmd, bool to_results, int timeout)
{
	struct relay r = { .to_results = to_results };
	double deadline = now() + timeout;
	int pipefd[2], status = 0;
	bool piped = true, reaped = false, timed_out = false;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		bail("pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		bail("fork: %s", strerror(errno));
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		setpgid(0, 0);
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		dup2(null, STDIN_FILENO);
		dup2(pipefd[1], STDOUT_FILENO);
		dup2(pipefd[1], STDERR_FILENO);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	setpgid(pid, pid);
	close(pipefd[1]);
	r.fd = pipefd[0];
	fcntl(r.fd, F_SETFL, O_NONBLOCK);

	/* Done when the command is reaped; a daemon it left may hold the pipe. */
	while (!reaped) {
		struct pollfd pfd = { .fd = r.fd, .events = POLLIN };
		int st;
		pid_t w;

		if (piped && poll(&pfd, 1, 100) > 0)
			piped = relay_read(&r) != RELAY_END;
		else if (!piped)
			usleep(100 * 1000);
		while ((w = waitpid(-1, &st, WNOHANG)) > 0) {
			if (w == pid) {
				status = st;
				reaped = true;
			}
		}
		if (!reaped && !timed_out && now() > deadline) {
			say("timed out after %d s, killing it", timeout);
			kill(-pid, SIGKILL);
			timed_out = true;
		}
	}
	while (piped && relay_read(&r) == RELAY_DATA)
		;
	if (r.len)
		relay_flush(&r);
	kill(-pid, SIGKILL);
	close(r.fd);
	return timed_out ? -1 : status;
}

static void describe(int status, int timeout, char *buf, size_t size)
{
	if (status == -1)
		snprintf(buf, size, "timed out after %d s", timeout);
	else if (WIFSIGNALED(status))
		snprintf(buf, size, "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(buf, size, "exit status %d", WEXITSTATUS(status));
}

/* A shard's share of a split Criterion entry: "suite/test" lines. */
struct tests {
	char *names[1024];
	size_t n;
};

static void load_tests(const char *path, struct tests *t)
{
	char line[512];
	FILE *f = fopen(path, "re");

	t->n = 0;
	if (!f)
		bail("open %s: %s", path, strerror(errno));
	while (t->n < sizeof(t->names) / sizeof(t->names[0]) && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (*line)
			t->names[t->n++] = strdup(line);
	}
	fclose(f);
}

static void free_tests(struct tests *t)
{
	while (t->n)
		free(t->names[--t->n]);
}

/* Criterion's --filter takes one extglob: @(A|B|...) of the planned suites' "suite/<star>". */
static char *filter_of(const struct tests *t)
{
	size_t size = 4;
	char *f, *p;

	for (size_t i = 0; i < t->n; i++)
		size += strlen(t->names[i]) + 1;
	p = f = malloc(size);
	if (!f)
		bail("out of memory");
	p += sprintf(p, "@(");
	for (size_t i = 0; i < t->n; i++)
		p += sprintf(p, "%s%s", i ? "|" : "", t->names[i]);
	sprintf(p, ")");
	return f;
}

/*
 * Criterion reports the tests its filter left out as skipped.  On a split
 * entry those run in another VM: not this VM's to report.
 */
static bool foreign(const char *line, const struct tests *t)
{
	char name[512], *sep;
	size_t len;

	if (!t || strncmp(line, "ok - ", 5) || !strstr(line, "# SKIP"))
		return false;
	len = strcspn(line + 5, " ");
	if (len >= sizeof(name))
		return false;
	memcpy(name, line + 5, len);
	name[len] = '\0';
	sep = strstr(name, "::");
	if (!sep)
		return false;
	*sep = '/';
	memmove(sep + 1, sep + 2, strlen(sep + 2) + 1);
	/* The plan names whole suites: "suite/" and a star. */
	for (size_t i = 0; i < t->n; i++)
		if (!fnmatch(t->names[i], name, 0))
			return false;
	return true;
}

/* Nests a suite's own TAP under its result line, KTAP style. */
static void emit_tap(const char *path, const struct tests *mine)
{
	static char *lines[16384];
	char buf[4096];
	size_t n = 0, results = 0;
	FILE *f = fopen(path, "re");

	if (!f) {
		result("    # no TAP written to %s", path);
		return;
	}
	while (n < sizeof(lines) / sizeof(lines[0]) && fgets(buf, sizeof(buf), f)) {
		buf[strcspn(buf, "\n")] = '\0';
		if (foreign(buf, mine))
			continue;
		if (!strncmp(buf, "ok ", 3) || !strncmp(buf, "not ok ", 7))
			results++;
		lines[n++] = strdup(buf);
	}
	fclose(f);
	if (!n)
		result("    # empty TAP file %s", path);
	for (size_t i = 0; i < n; i++) {
		/* Criterion's plan counts the left-out tests too. */
		if (mine && !strncmp(lines[i], "1..", 3))
			result("    1..%zu", results);
		else
			result("    %s", lines[i]);
		free(lines[i]);
	}
}

struct entry {
	char name[64], kind[16], artifact[1024], tests[512], cmd[2048];
	int timeout;
};

/* suites.<shard>: name TAB kind TAB timeout TAB artifact TAB tests TAB command */
static size_t load_suites(struct entry *e, size_t max)
{
	char path[64], line[4096];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), CONF_DIR "/suites.%d", shard);
	f = fopen(path, "re");
	if (!f)
		bail("open %s: %s", path, strerror(errno));
	while (n < max && fgets(line, sizeof(line), f)) {
		char *field[6], *p = line;

		line[strcspn(line, "\n")] = '\0';
		for (int i = 0; i < 6; i++)
			field[i] = strsep(&p, "\t");
		if (!field[5])
			bail("malformed line in %s: %s", path, line);
		snprintf(e[n].name, sizeof(e[n].name), "%s", field[0]);
		snprintf(e[n].kind, sizeof(e[n].kind), "%s", field[1]);
		e[n].timeout = atoi(field[2]);
		snprintf(e[n].artifact, sizeof(e[n].artifact), "%s", field[3]);
		snprintf(e[n].tests, sizeof(e[n].tests), "%s", field[4]);
		snprintf(e[n].cmd, sizeof(e[n].cmd), "%s", field[5]);
		n++;
	}
	fclose(f);
	return n;
}

/* /etc/nslab-vm/env: NAME=VALUE lines exported to every suite. */
static void load_env(void)
{
	char line[4096];
	FILE *f = fopen(CONF_DIR "/env", "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		if (strchr(line, '=') && putenv(strdup(line)) != 0)
			bail("putenv %s", line);
	}
	fclose(f);
}

static int run_entry(int num, const struct entry *e)
{
	char tap[128], why[128];
	double start = now();
	/* A tap entry writes its own TAP, as a Criterion suite does, but whole. */
	bool is_tap = strcmp(e->kind, "criterion") == 0 || strcmp(e->kind, "tap") == 0;
	bool split = strcmp(e->tests, "-") != 0;
	struct tests mine = { .n = 0 };
	int status;

	snprintf(tap, sizeof(tap), WORK_DIR "/%.63s.tap", e->name);
	setenv("TAP", tap, 1);
	setenv("ART", e->artifact, 1);
	unsetenv("FILTER");
	if (split) {
		char *filter;

		load_tests(e->tests, &mine);
		filter = filter_of(&mine);
		setenv("FILTER", filter, 1);
		free(filter);
	}
	say("running %s%s: %s", e->name, split ? " (this VM's share)" : "", e->cmd);
	/* Names the suite before its results, should it never finish. */
	result("# suite: %s", e->name);
	status = run(e->cmd, !is_tap, e->timeout);
	if (is_tap)
		emit_tap(tap, split ? &mine : NULL);
	free_tests(&mine);
	describe(status, e->timeout, why, sizeof(why));
	say("%s: %s, %.1f s", e->name, why, now() - start);
	if (status == 0) {
		result("ok %d %s # %.1f s", num, e->name, now() - start);
		return 0;
	}
	result("not ok %d %s # %s", num, e->name, why);
	return 1;
}

/* Modules come first as a test of their own: a kernel that cannot load them
 * fails here, by name, instead of as a pile of confusing suite failures. */
static int load_modules(int num)
{
	char list[1024], cmd[1200];
	int status;

	if (!read_file(CONF_DIR "/modules", list, sizeof(list)))
		list[0] = '\0';
	for (char *p = list; *p; p++)
		if (*p == '\n')
			*p = ' ';
	snprintf(cmd, sizeof(cmd), "set -x; modprobe -a %s && lsmod", list);
	status = run(cmd, true, 60);
	result("%s %d modules", status == 0 ? "ok" : "not ok", num);
	return status != 0;
}

int main(void)
{
	static struct entry entries[64];
	char cmdline[4096];
	const char *arg;
	struct utsname u;
	size_t n;
	int failed;

	/* Nothing is mounted yet and we have no stdio: get a console first. */
	mkdir("/dev", 0755);
	if (mount("devtmpfs", "/dev", "devtmpfs", MS_NOSUID, "mode=0755") < 0)
		return 1;
	int con = open("/dev/console", O_RDWR | O_NOCTTY);
	if (con < 0)
		return 1;
	dup2(con, STDIN_FILENO);
	dup2(con, STDOUT_FILENO);
	dup2(con, STDERR_FILENO);
	if (con > STDERR_FILENO)
		close(con);

	signal(SIGTERM, abort_run);
	signal(SIGINT, abort_run);
	setenv("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1);
	setenv("HOME", "/root", 1);
	setenv("TERM", "dumb", 1);

	leave_initramfs();
	setup_filesystems();
	read_file("/proc/cmdline", cmdline, sizeof(cmdline));
	arg = strstr(cmdline, "nslab.shard=");
	if (arg && (sscanf(arg, "nslab.shard=%d/%d", &shard, &shards) != 2 ||
		    shard < 1 || shard > shards))
		bail("bad %.20s", arg);
	open_result_port();
	uname(&u);
	result("KTAP version 1");
	result("# kernel: %s %s", u.release, u.version);
	result("# shard: %d/%d", shard, shards);

	/* `make vm-test` asks whether KVM really runs a guest: answer, stop. */
	if (strstr(cmdline, "nslab.probe")) {
		result(MARKER);
		poweroff();
	}

	sethostname("nslab-vm", strlen("nslab-vm"));
	enable_controllers();
	load_env();
	n = load_suites(entries, sizeof(entries) / sizeof(entries[0]));
	result("1..%zu", n + 1);
	result("# suite: modules");
	failed = load_modules(1);
	for (size_t i = 0; i < n; i++)
		failed += run_entry(i + 2, &entries[i]);
	say("%d of %zu failed", failed, n + 1);
	result(MARKER);
	poweroff();
}
