// SPDX-License-Identifier: GPL-2.0
/* The check catalogue and its judges: a probe inside a runtime's container against the host. */
#include "check.h"
#include "caps.h"
#include "ns.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <pty.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <termios.h>
#include <unistd.h>

/* Entry @id of the catalogue: its index is its place in NSLAB_CHECK_IDS, its name the ID. */
#define CHECK(id, ...) [NSLAB_CK_##id] = { #id, __VA_ARGS__ }
#define NS_CHECK(id, fam, type, what) \
	CHECK(id, fam, NSLAB_NS_##type, "ns-ids", NSLAB_FIXTURE_NONE, NSLAB_JUDGE_DIFFERS, fam, NULL, \
	      "the " what " namespace of the container is not the host's (dev:ino of /proc/self/ns/" fam ")")

/*
 * The catalogue.  IDs follow docs/conformance.md's letters and go on from
 * its numbers; a check whose door the host also finds shut is a skip.
 */
static const struct nslab_check catalogue[NSLAB_CHECK_COUNT] = {
	NS_CHECK(U7_uts_namespace_is_not_the_hosts, "uts", UTS, "uts"),
	NS_CHECK(I6_ipc_namespace_is_not_the_hosts, "ipc", IPC, "ipc"),
	CHECK(I1_host_sysv_key_invisible, "ipc", NSLAB_NS_IPC, "sysv-get all %s", NSLAB_FIXTURE_HOST_SYSV,
	      NSLAB_JUDGE_SHUT, NULL, "ENOENT",
	      "the host's message queue, semaphore set and shared memory under one key are ENOENT inside"),
	NS_CHECK(P8_pid_namespace_is_not_the_hosts, "pid", PID, "pid"),
	CHECK(P9_host_pid_unreachable, "pid", NSLAB_NS_PID, "kill %s 0", NSLAB_FIXTURE_HOST_PID,
	      NSLAB_JUDGE_DENIED, "ok", "ESRCH", "kill(<the checker's host pid>, 0) inside is ESRCH"),
	CHECK(P10_proc_hides_host_processes, "pid", NSLAB_NS_PID, "proc-pids", NSLAB_FIXTURE_HOST_PID,
	      NSLAB_JUDGE_UNLISTED, "pids", NULL, "/proc inside does not list the checker's host pid"),
	NS_CHECK(M8_mount_namespace_is_not_the_hosts, "mnt", MNT, "mount"),
	NS_CHECK(N8_net_namespace_is_not_the_hosts, "net", NET, "network"),
	CHECK(N9_no_host_interface_inside, "net", NSLAB_NS_NET, "links", NSLAB_FIXTURE_NONE,
	      NSLAB_JUDGE_NONE_OF_HOSTS, NULL, "lo", "none of the host's network interfaces but lo shows inside"),
	NS_CHECK(R7_user_namespace_is_not_the_hosts, "user", USER, "user"),
	NS_CHECK(G3_cgroup_namespace_is_not_the_hosts, "cgroup", CGROUP, "cgroup"),
	NS_CHECK(T3_time_namespace_is_not_the_hosts, "time", TIME, "time"),
	CHECK(H14_caps_within_dockers_default, "caps", -1, "caps", NSLAB_FIXTURE_NONE,
	      NSLAB_JUDGE_CAPS_WITHIN, NULL, NULL,
	      "the effective, permitted and bounding sets hold nothing beyond Docker's 14 capabilities"),
	CHECK(H15_host_clock_cannot_be_set, "caps", -1, "settime-check", NSLAB_FIXTURE_NONE,
	      NSLAB_JUDGE_DENIED, "ok", "EPERM", "settimeofday (CAP_SYS_TIME in the host's user namespace) is EPERM"),
	CHECK(H16_module_cannot_be_loaded, "caps", -1, "finit-module-check", NSLAB_FIXTURE_NONE,
	      NSLAB_JUDGE_DENIED, "EBADF", "EPERM", "finit_module (CAP_SYS_MODULE) is EPERM"),
	CHECK(U8_sethostname_inside_leaves_host_name, "uts", NSLAB_NS_UTS, "sethostname %s",
	      NSLAB_FIXTURE_HOST_NAME, NSLAB_JUDGE_HOST_NAME_KEPT, NULL, NULL,
	      "sethostname inside (allowed or refused) leaves the host's name unchanged (a stand-in uts namespace's)"),
	CHECK(L9_memory_limit_holds, "limits", -1, "hog 96m", NSLAB_FIXTURE_NONE, NSLAB_JUDGE_SHUT,
	      "signal", "9", "touching 96 MiB under a 32 MiB memory limit is SIGKILLed (the OOM killer)",
	      { .memory_mib = 32 }),
	CHECK(L10_pids_limit_holds, "limits", -1, "forkbomb 64 60 settle", NSLAB_FIXTURE_NONE, NSLAB_JUDGE_SHUT,
	      "errno", "EAGAIN", "forks beyond a pids limit of 16 fail with EAGAIN", { .pids = 16 }),
	/* Docker's masked paths, listed here rather than taken from nslab's own list, which they judge. */
	CHECK(M4_masked_paths_read_empty, "masks", -1,
	      "peek /proc/acpi /proc/asound /proc/interrupts /proc/kcore /proc/keys /proc/latency_stats "
	      "/proc/sched_debug /proc/scsi /proc/timer_list /proc/timer_stats /sys/firmware "
	      "/sys/devices/virtual/powercap", NSLAB_FIXTURE_NONE, NSLAB_JUDGE_SHUT, NULL,
	      "dir:0,file:0,E*", "each of Docker's masked paths shows no entry and no byte inside"),
	/* Docker's read-only paths: the mount, not the caps (a root without NET_ADMIN gets EACCES anyway). */
	CHECK(M9_read_only_paths_on_read_only_mounts, "masks", -1,
	      "mount-ro /proc/bus /proc/fs /proc/irq /proc/sys /proc/sysrq-trigger", NSLAB_FIXTURE_NONE,
	      NSLAB_JUDGE_SHUT, NULL, "ro,ENOENT",
	      "Docker's read-only paths (/proc/bus fs irq sys sysrq-trigger) are on read-only mounts, or absent"),
	/* Never allowed by Docker's profile, whatever the capabilities; the kernel lets root call them. */
	CHECK(H17_seccomp_denies_what_docker_denies, "seccomp", -1,
	      "syscall-check add_key keyctl request_key userfaultfd", NSLAB_FIXTURE_NONE,
	      NSLAB_JUDGE_SHUT, NULL, "EPERM,ENOSYS",
	      "add_key, keyctl, request_key and userfaultfd (denied by Docker's profile) are EPERM or ENOSYS"),
	CHECK(H18_host_disk_node_made_inside_unreadable, "devices", -1, "mknod-open b %s",
	      NSLAB_FIXTURE_HOST_DISK, NSLAB_JUDGE_SHUT, "read", "-,E*",
	      "a block node of the host's disk made inside cannot be read (mknod or open refused)"),
	CHECK(H19_host_disk_node_absent_inside, "devices", -1, "open-read %s",
	      NSLAB_FIXTURE_HOST_DISK_NODE, NSLAB_JUDGE_SHUT, "read", "-,E*",
	      "the host's disk node (/dev/vda, say) cannot be opened and read inside"),
	/* CVE-2017-5226: the caller's terminal on stdin, as bwrap without --new-session left it. */
	CHECK(H20_no_push_into_the_callers_terminal, "tty", -1, "tiocsti %s", NSLAB_FIXTURE_TERMINAL,
	      NSLAB_JUDGE_TERMINAL_UNTOUCHED, "sti0", NULL,
	      "run on a terminal, the container cannot push input into it (TIOCSTI): nothing arrives"),
};

const struct nslab_check *nslab_checks(size_t *n)
{
	*n = N_ELEMENTS(catalogue);
	return catalogue;
}

const struct nslab_check *nslab_check_find(const char *id)
{
	size_t len = strlen(id);

	for (size_t i = 0; i < N_ELEMENTS(catalogue); i++)
		if (strcmp(catalogue[i].id, id) == 0 ||
		    (strncmp(catalogue[i].id, id, len) == 0 && catalogue[i].id[len] == '_'))
			return &catalogue[i];
	return NULL;
}

const char *nslab_verdict_name(enum nslab_verdict v)
{
	static const char *const names[] = { "pass", "fail", "n/a", "skip" };

	return names[v];
}

/* The value of "KEY=" in @out (a token starting the text or after white space) into @val. */
static bool value_of(const char *out, const char *key, char *val, size_t size)
{
	size_t len = strlen(key);

	for (const char *p = out; (p = strstr(p, key)); p += len)
		if ((p == out || p[-1] == ' ' || p[-1] == '\n') && p[len] == '=') {
			snprintf(val, size, "%.*s", (int)strcspn(p + len + 1, " \n"), p + len + 1);
			return true;
		}
	return false;
}

/* The first word of @out: "ok" or an errno name. */
static void first_word(const char *out, char *word, size_t size)
{
	snprintf(word, size, "%.*s", (int)strcspn(out, " \n"), out);
}

static enum nslab_verdict verdict(struct nslab_check_result *r, enum nslab_verdict v,
				  const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static enum nslab_verdict verdict(struct nslab_check_result *r, enum nslab_verdict v,
				  const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->detail, sizeof(r->detail), fmt, ap);
	va_end(ap);
	return r->verdict = v;
}

static void judge_differs(const struct nslab_check *c, const char *in, const char *host,
			  struct nslab_check_result *r)
{
	char a[64], b[64];

	if (!value_of(host, c->key, b, sizeof(b)) || strcmp(b, "none") == 0)
		verdict(r, NSLAB_SKIP, "the kernel has no %s namespace", c->key);
	else if (!value_of(in, c->key, a, sizeof(a)) || strcmp(a, "none") == 0)
		verdict(r, NSLAB_FAIL, "no %s namespace seen inside: '%.64s'", c->key, in);
	else if (strcmp(a, b) == 0)
		verdict(r, NSLAB_FAIL, "inside is the host's %s namespace (%s)", c->key, a);
	else
		verdict(r, NSLAB_PASS, "%s namespace %s, the host's %s", c->key, a, b);
}

/* Whether @num is an element of the comma-separated @list. */
static bool listed(const char *list, const char *num)
{
	size_t len = strlen(num);

	for (const char *p = list; p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (strncmp(p, num, len) == 0 && (p[len] == ',' || p[len] == '\0'))
			return true;
	return false;
}

static void judge_denied(const struct nslab_check *c, const char *in, const char *host,
			 struct nslab_check_result *r)
{
	char a[32], b[32];

	first_word(in, a, sizeof(a));
	first_word(host, b, sizeof(b));
	if (strcmp(b, c->key) != 0)
		verdict(r, NSLAB_SKIP, "the host gets %s too, not %s: nothing to tell", b, c->key);
	else if (!listed(c->expect, a))
		verdict(r, NSLAB_FAIL, "inside: %s (the host: %s), expected %s", a, b, c->expect);
	else
		verdict(r, NSLAB_PASS, "inside: %s (the host: %s)", a, b);
}

static void judge_unlisted(const struct nslab_check *c, const char *in, const char *host,
			   const char *fixture, struct nslab_check_result *r)
{
	char a[4096], b[4096];

	if (!value_of(host, c->key, b, sizeof(b)) || !listed(b, fixture))
		verdict(r, NSLAB_SKIP, "the host's %s does not list %s either", c->key, fixture);
	else if (!value_of(in, c->key, a, sizeof(a)))
		verdict(r, NSLAB_FAIL, "no %s inside: '%.64s'", c->key, in);
	else if (listed(a, fixture))
		verdict(r, NSLAB_FAIL, "%s inside lists the host's pid %s", c->key, fixture);
	else
		verdict(r, NSLAB_PASS, "%s inside: %.200s", c->key, a);
}

/* Every "NAME=" of the host's output but @c->expect must be absent inside. */
static void judge_none_of_hosts(const struct nslab_check *c, const char *in, const char *host,
				struct nslab_check_result *r)
{
	char name[64], val[64];
	int others = 0;

	if (strncmp(in, "ok", 2) != 0)
		return (void)verdict(r, NSLAB_FAIL, "the probe inside failed: '%.64s'", in);
	for (const char *p = host; (p = strchr(p, ' ')); p++) {
		if (sscanf(p + 1, "%63[^= \n]=", name) != 1 || strcmp(name, c->expect) == 0)
			continue;
		others++;
		if (value_of(in, name, val, sizeof(val)))
			return (void)verdict(r, NSLAB_FAIL, "the host's %s shows inside", name);
	}
	if (!others)
		verdict(r, NSLAB_SKIP, "the host has no interface but %s", c->expect);
	else
		verdict(r, NSLAB_PASS, "inside:%.200s", in + 2);
}

static void judge_caps(const char *in, struct nslab_check_result *r)
{
	static const char *const sets[] = { "eff", "prm", "bnd" };
	uint64_t extra;
	char val[32];

	for (size_t i = 0; i < N_ELEMENTS(sets); i++) {
		if (!value_of(in, sets[i], val, sizeof(val)))
			return (void)verdict(r, NSLAB_FAIL, "no %s set inside: '%.64s'", sets[i], in);
		extra = strtoull(val, NULL, 16) & ~nslab_caps_default();
		if (extra)
			return (void)verdict(r, NSLAB_FAIL, "%s holds CAP_%s and more beyond Docker's (%s)",
					     sets[i], nslab_cap_name(__builtin_ctzll(extra)), val);
	}
	verdict(r, NSLAB_PASS, "%.200s", in + 3);
}

/* What the checker set up on the host for one check. */
struct fixture {
	char text[64];	/* what "%s" in the probe is */
	int msg, sem, shm;	/* the SysV objects made, -1 if none */
	int uts;	/* the checker's own uts namespace while it stands in another, -1 if not */
	int tty, tty_master;	/* a pty's slave, the runtime's terminal, and its master; -1 if none */
	char host_typed[32];	/* what the host's run of the probe pushed into that terminal */
	const char *why;	/* why the fixture cannot be made, where an errno does not tell */
};

/* The byte the probe pushes into the terminal: any other would do, nothing else types there. */
#define TERMINAL_MARKER "Q"

/* The name of the uts namespace standing in for the host's while a probe may rename it. */
#define STANDIN_NAME "nslab-check-host"

/* Block device @name ("vda") as "MAJ MIN", or its node, if the checker can open it for reading. */
static bool openable_disk(const char *name, bool node, char *text, size_t size)
{
	char path[300], dev[32];
	unsigned major, minor;
	int fd;

	snprintf(path, sizeof(path), "/sys/block/%.200s/dev", name);
	if (nslab_read_file(path, dev, sizeof(dev)) <= 0 || sscanf(dev, "%u:%u", &major, &minor) != 2)
		return false;
	snprintf(path, sizeof(path), "/dev/%.200s", name);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return false;
	close(fd);
	if (node)
		snprintf(text, size, "%.60s", path);
	else
		snprintf(text, size, "%u %u", major, minor);
	return true;
}

/*
 * A block device of the host's that the checker can open: a disk (with a
 * device behind it in /sys/block) if one opens, else any (a loop device).
 * Some hosts refuse even their root the disk they run from.
 */
static int host_disk(bool node, char *text, size_t size)
{
	char path[300];
	struct dirent *e;
	DIR *d;

	for (int any = 0; any < 2; any++) {
		d = opendir("/sys/block");
		while (d && (e = readdir(d))) {
			snprintf(path, sizeof(path), "/sys/block/%.200s/device", e->d_name);
			if (e->d_name[0] != '.' && (any || access(path, F_OK) == 0) &&
			    openable_disk(e->d_name, node, text, size)) {
				closedir(d);
				return 0;
			}
		}
		if (d)
			closedir(d);
	}
	return -ENODEV;
}

/* Puts the checker's thread (and what it spawns) in a uts namespace of its own, named STANDIN_NAME. */
static int standin_uts(struct fixture *f)
{
	f->uts = open("/proc/thread-self/ns/uts", O_RDONLY | O_CLOEXEC);
	if (f->uts < 0)
		return -errno;
	if (unshare(CLONE_NEWUTS) < 0) {
		if (errno == EPERM)
			f->why = "the checker may not make a uts namespace to stand in for the host's "
				 "(it needs CAP_SYS_ADMIN)";
		return -errno;
	}
	if (sethostname(STANDIN_NAME, strlen(STANDIN_NAME)) < 0)
		return -errno;
	snprintf(f->text, sizeof(f->text), "nslab-check-inside");
	return 0;
}

/*
 * A raw pty (every byte pushed counts for FIONREAD, none is echoed), both
 * ends close-on-exec: the runtime gets the slave as its stdin only.  None
 * where the kernel refuses the push to all but CAP_SYS_ADMIN.
 */
static int terminal(struct fixture *f)
{
	char legacy[8] = "";
	struct termios t;

	if (nslab_read_file("/proc/sys/dev/tty/legacy_tiocsti", legacy, sizeof(legacy)) > 0 &&
	    legacy[0] == '0') {
		f->why = "dev.tty.legacy_tiocsti=0: the kernel lets only CAP_SYS_ADMIN push into a "
			 "terminal (H14 judges that capability)";
		return -EPERM;
	}
	snprintf(f->text, sizeof(f->text), TERMINAL_MARKER);
	if (openpty(&f->tty_master, &f->tty, NULL, NULL, NULL) < 0)
		return -errno;
	if (fcntl(f->tty, F_SETFD, FD_CLOEXEC) < 0 || fcntl(f->tty_master, F_SETFD, FD_CLOEXEC) < 0 ||
	    tcgetattr(f->tty, &t) < 0)
		return -errno;
	cfmakeraw(&t);
	return tcsetattr(f->tty, TCSANOW, &t) < 0 ? -errno : 0;
}

/* The bytes pushed into terminal @tty's input since the last call, taken out; -errno if unreadable. */
static int terminal_typed(int tty, char *buf, size_t size)
{
	int n = 0;
	ssize_t got = 0;

	buf[0] = '\0';
	if (ioctl(tty, FIONREAD, &n) < 0)
		return -errno;
	if (n > 0 && (got = read(tty, buf, (size_t)n < size - 1 ? (size_t)n : size - 1)) < 0)
		return -errno;
	buf[got] = '\0';
	/* What did not fit is dropped: the next run starts on an empty input. */
	return tcflush(tty, TCIFLUSH) < 0 ? -errno : 0;
}

static void sysv_drop(struct fixture *f)
{
	if (f->msg >= 0)
		msgctl(f->msg, IPC_RMID, NULL);
	if (f->sem >= 0)
		semctl(f->sem, 0, IPC_RMID);
	if (f->shm >= 0)
		shmctl(f->shm, IPC_RMID, NULL);
	f->msg = f->sem = f->shm = -1;
}

/*
 * A SysV queue, semaphore set and segment under one key of the checker's.
 * A checker killed before it dropped them leaves its key taken: another
 * key then, rather than a verdict on objects of unknown origin.
 */
static int sysv_fixture(struct fixture *f)
{
	for (int i = 0; i < 16; i++) {
		key_t key = 0x6e730000 | ((getpid() + i * 4099) & 0xffff);

		snprintf(f->text, sizeof(f->text), "%d", (int)key);
		if ((f->msg = msgget(key, IPC_CREAT | IPC_EXCL | 0600)) >= 0 &&
		    (f->sem = semget(key, 1, IPC_CREAT | IPC_EXCL | 0600)) >= 0 &&
		    (f->shm = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600)) >= 0)
			return 0;
		if (errno != EEXIST)
			return -errno;
		sysv_drop(f);
	}
	return -EEXIST;
}

static int fixture_make(const struct nslab_check *c, struct fixture *f)
{
	int ret;

	*f = (struct fixture){ .msg = -1, .sem = -1, .shm = -1, .uts = -1, .tty = -1, .tty_master = -1 };
	if (c->fixture != NSLAB_FIXTURE_NONE && nslab_fault("check-fixture"))
		return -EIO;
	switch (c->fixture) {
	case NSLAB_FIXTURE_NONE:
		return 0;
	case NSLAB_FIXTURE_HOST_PID:
		snprintf(f->text, sizeof(f->text), "%d", (int)getpid());
		return 0;
	case NSLAB_FIXTURE_HOST_SYSV:
		return sysv_fixture(f);
	case NSLAB_FIXTURE_HOST_DISK:
	case NSLAB_FIXTURE_HOST_DISK_NODE:
		ret = host_disk(c->fixture == NSLAB_FIXTURE_HOST_DISK_NODE, f->text, sizeof(f->text));
		if (ret == -ENODEV)
			f->why = "the host has no block device the checker can open";
		return ret;
	case NSLAB_FIXTURE_HOST_NAME:
		return standin_uts(f);
	case NSLAB_FIXTURE_TERMINAL:
		return terminal(f);
	}
	return -EINVAL;
}

/*
 * The host's run of the probe renamed the stand-in: its name back, for the
 * run inside; or it pushed into the terminal: what it pushed, taken out.
 */
static void fixture_reset(const struct nslab_check *c, struct fixture *f)
{
	if (c->fixture == NSLAB_FIXTURE_HOST_NAME)
		sethostname(STANDIN_NAME, strlen(STANDIN_NAME));
	if (c->fixture == NSLAB_FIXTURE_TERMINAL)
		terminal_typed(f->tty, f->host_typed, sizeof(f->host_typed));
}

static void fixture_drop(struct fixture *f)
{
	sysv_drop(f);
	if (f->uts >= 0) {
		setns(f->uts, CLONE_NEWUTS);
		close(f->uts);
	}
	if (f->tty >= 0)
		close(f->tty);
	if (f->tty_master >= 0)
		close(f->tty_master);
}

/* @c's probe words with the fixture in, into @argv (of @max) over @buf. */
static void probe_args(const struct nslab_check *c, const char *fixture, char *buf, size_t size,
		       const char *argv[], size_t max)
{
	char *save = NULL;
	size_t n = 0;

	snprintf(buf, size, c->probe, fixture);
	for (char *w = strtok_r(buf, " ", &save); w && n + 1 < max; w = strtok_r(NULL, " ", &save))
		argv[n++] = w;
	argv[n] = NULL;
}

/* Whether @val matches one of the comma-separated fnmatch(3) patterns of @patterns. */
static bool matches(const char *patterns, const char *val)
{
	char list[128], *save = NULL;

	snprintf(list, sizeof(list), "%s", patterns);
	for (char *p = strtok_r(list, ",", &save); p; p = strtok_r(NULL, ",", &save))
		if (fnmatch(p, val, 0) == 0)
			return true;
	return false;
}

/* The NAME of the next "NAME=VALUE" word of the text at *@pos, which moves past it; false at its end. */
static bool next_name(const char **pos, char *name, size_t size)
{
	const char *p = *pos;
	size_t len;

	for (p += strspn(p, " \n"); *p; p += len + strspn(p + len, " \n")) {
		len = strcspn(p, " \n");
		if (memchr(p, '=', len)) {
			snprintf(name, size, "%.*s", (int)strcspn(p, "="), p);
			*pos = p + len;
			return true;
		}
	}
	*pos = p;
	return false;
}

/* @name's value inside matches EXPECT; else a fail.  *@open counts the names open on the host. */
static bool name_shut(const struct nslab_check *c, const char *name, const char *in,
		      const char *host, int *open, struct nslab_check_result *r)
{
	char a[64] = "(nothing)", b[64] = "(nothing)";

	value_of(host, name, b, sizeof(b));
	*open += !matches(c->expect, b);
	if (value_of(in, name, a, sizeof(a)) && matches(c->expect, a))
		return true;
	verdict(r, NSLAB_FAIL, "inside %.64s=%s (the host: %s), expected %s", name, a, b, c->expect);
	return false;
}

static void judge_shut(const struct nslab_check *c, const char *in, const char *host,
		       struct nslab_check_result *r)
{
	const char *pos = host;
	char name[128];
	int open = 0;

	if (c->key && !name_shut(c, c->key, in, host, &open, r))
		return;
	while (!c->key && next_name(&pos, name, sizeof(name)))
		if (!name_shut(c, name, in, host, &open, r))
			return;
	if (!open)
		verdict(r, NSLAB_SKIP, "the host finds it shut too: %.200s", host);
	else
		verdict(r, NSLAB_PASS, "inside: %.250s", in);
}

/* Judged after both runs, in the stand-in uts namespace (the fixture) that the host's run renamed first. */
static void judge_name_kept(const char *in, const char *host, struct nslab_check_result *r)
{
	char now[65] = "", a[32], b[32];

	first_word(in, a, sizeof(a));
	first_word(host, b, sizeof(b));
	gethostname(now, sizeof(now) - 1);
	if (strcmp(b, "ok") != 0)
		verdict(r, NSLAB_SKIP, "the host cannot rename itself either (%s)", b);
	else if (strcmp(now, STANDIN_NAME) != 0)
		verdict(r, NSLAB_FAIL, "the host was renamed to '%s' (inside: %s)", now, a);
	else
		verdict(r, NSLAB_PASS, "inside: %s, the host's name is still %s", a, now);
}

/*
 * Judged after both runs, on what reached the terminal (the fixture) and
 * what the probe says; either showing a push is a fail.  The host's own
 * push must have arrived: a checker that cannot see a push passes nothing.
 */
static void judge_untouched(const struct nslab_check *c, const char *in, const char *host,
			    const struct fixture *f, struct nslab_check_result *r)
{
	char a[32] = "(nothing)", b[32] = "(nothing)", typed[32];
	int ret;

	value_of(host, c->key, b, sizeof(b));
	if (strcmp(b, "injected") != 0 || !strstr(f->host_typed, f->text))
		return (void)verdict(r, NSLAB_SKIP, "the host's own push does not arrive either: %s=%s, "
				     "its terminal's input '%s'", c->key, b, f->host_typed);
	ret = terminal_typed(f->tty, typed, sizeof(typed));
	if (ret)
		verdict(r, NSLAB_FAIL, "the terminal's input cannot be read: %s", strerror(-ret));
	else if (typed[0])
		verdict(r, NSLAB_FAIL, "'%s' arrived in the caller's terminal's input (inside: %.*s)",
			typed, (int)strcspn(in, "\n"), in);
	else if (!value_of(in, c->key, a, sizeof(a)))
		verdict(r, NSLAB_FAIL, "no %s inside: '%.64s'", c->key, in);
	else if (strcmp(a, "injected") == 0 || strstr(in, "linux=ok"))
		verdict(r, NSLAB_FAIL, "inside a push was allowed (nothing arrived here): %.64s", in);
	else
		verdict(r, NSLAB_PASS, "inside: %.*s; nothing arrived in the terminal's input",
			(int)strcspn(in + 3, "\n"), in + 3);
}

static void judge(const struct nslab_check *c, const char *in, const char *host,
		  const struct fixture *f, struct nslab_check_result *r)
{
	switch (c->judge) {
	case NSLAB_JUDGE_DIFFERS:
		return judge_differs(c, in, host, r);
	case NSLAB_JUDGE_DENIED:
		return judge_denied(c, in, host, r);
	case NSLAB_JUDGE_UNLISTED:
		return judge_unlisted(c, in, host, f->text, r);
	case NSLAB_JUDGE_NONE_OF_HOSTS:
		return judge_none_of_hosts(c, in, host, r);
	case NSLAB_JUDGE_CAPS_WITHIN:
		return judge_caps(in, r);
	case NSLAB_JUDGE_SHUT:
		return judge_shut(c, in, host, r);
	case NSLAB_JUDGE_HOST_NAME_KEPT:
		return judge_name_kept(in, host, r);
	case NSLAB_JUDGE_TERMINAL_UNTOUCHED:
		return judge_untouched(c, in, host, f, r);
	}
}

/* The probe's one line of stderr or of output, for a detail. */
static const char *said(const struct nslab_rt_output *o)
{
	return o->err[0] ? o->err : o->out;
}

/*
 * Whether the run inside ended so that it can be judged: with output, or
 * killed by a signal before it printed anything (an OOM kill), which reads
 * as "signal=N".
 */
static bool judgeable(struct nslab_rt_output *o)
{
	if (o->status > 128 && !o->out[0]) {
		snprintf(o->out, sizeof(o->out), "signal=%d\n", o->status - 128);
		return true;
	}
	return o->status == 0 && o->out[0];
}

/* The limits @c needs, NULL if none. */
static const struct nslab_rt_limits *needs(const struct nslab_check *c)
{
	return c->needs.memory_mib || c->needs.pids ? &c->needs : NULL;
}

/* Both runs, judged; a run that failed is a fail, with what the runtime said. */
static void observe(const struct nslab_runtime *rt, const struct nslab_check *c,
		    struct fixture *f, struct nslab_check_result *r)
{
	struct nslab_rt_output *in = calloc(2, sizeof(*in)), *host = in + 1;
	const char *argv[16];
	char words[320];
	int ret;

	if (!in)
		return (void)verdict(r, NSLAB_FAIL, "no memory");
	probe_args(c, f->text, words, sizeof(words), argv, N_ELEMENTS(argv));
	ret = nslab_runtime_host_probe(rt, f->tty, argv, host);
	fixture_reset(c, f);
	if (ret || host->status != 0)
		verdict(r, NSLAB_FAIL, "the probe on the host failed (%d): %.200s", ret ? ret : host->status, said(host));
	else if ((ret = nslab_runtime_probe(rt, needs(c), f->tty, argv, in)) || !judgeable(in))
		verdict(r, NSLAB_FAIL, "%s did not run the probe (%s %d): %.200s", rt->name,
			ret ? "error" : "exit", ret ? ret : in->status, said(in));
	else
		judge(c, in->out, host->out, f, r);
	free(in);
}

/* The detail on one line: a probe's lines joined by spaces. */
static void one_line(char *detail)
{
	size_t len;

	for (char *p = detail; (p = strchr(p, '\n')); )
		*p = ' ';
	len = strlen(detail);
	while (len && detail[len - 1] == ' ')
		detail[--len] = '\0';
}

void nslab_check_run(const struct nslab_runtime *rt, const struct nslab_check *c,
		     struct nslab_check_result *r)
{
	struct fixture f;
	int ret;

	r->check = c;
	if (c->ns >= 0 && !(rt->can & NSLAB_NS_BIT(c->ns)))
		return (void)verdict(r, NSLAB_NA, "no %s namespace: %s", nslab_ns_types[c->ns].name,
				     rt->cannot);
	if (needs(c) && rt->no_limits[0])
		return (void)verdict(r, NSLAB_NA, "%s", rt->no_limits);
	/* A rename there would reach the real host's name, which the checker does not watch. */
	if (c->fixture == NSLAB_FIXTURE_HOST_NAME && rt->daemon && !(rt->ns & NSLAB_NS_BIT(NSLAB_NS_UTS)))
		return (void)verdict(r, NSLAB_NA, "%s's container shares its daemon's uts namespace, not "
				     "the checker's stand-in for the host's", rt->name);
	ret = fixture_make(c, &f);
	/* A skip only for the host's known reasons: any other failure must not hide the check. */
	if (ret && f.why)
		verdict(r, NSLAB_SKIP, "the checker's fixture on the host: %s", f.why);
	else if (ret)
		verdict(r, NSLAB_FAIL, "the checker could not make its fixture on the host: %s",
			strerror(-ret));
	else
		observe(rt, c, &f, r);
	fixture_drop(&f);
	one_line(r->detail);
}
