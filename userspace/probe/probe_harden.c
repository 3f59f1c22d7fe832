// SPDX-License-Identifier: GPL-2.0
/*
 * The doors Docker's hardening keeps shut (docs/conformance.md H1-H9, H11), tried from
 * inside.  Nothing here changes anything when a door is open: every system
 * call gets arguments the kernel rejects (so an allowed call fails with
 * EINVAL, EBADF or EFAULT, a filtered one with EPERM), and what may be
 * opened for writing is closed again unwritten.
 */
#include "probe.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SYS_file_getattr
#define SYS_file_getattr 468
#endif

/* Raw calls: libc wrappers may check arguments themselves, or not exist at all. */
static long call(const char *name)
{
	static const struct {
		const char *name;
		long nr;
		long a[6];
	} calls[] = {
		{ "keyctl", SYS_keyctl, { -1 } },			/* unknown operation */
		{ "add_key", SYS_add_key, { 0 } },			/* NULL type */
		{ "request_key", SYS_request_key, { 0 } },		/* NULL type */
		/* More segments than allowed and an undefined flag: nothing is loaded. */
		{ "kexec_load", SYS_kexec_load, { 0, 17, 0, 0x8000 } },
		{ "kexec_file_load", SYS_kexec_file_load, { -1, -1, 0, 0, 0x8000 } },
		{ "init_module", SYS_init_module, { 0, 0, 0 } },	/* empty image */
		{ "finit_module", SYS_finit_module, { -1, 0, 0 } },
		{ "delete_module", SYS_delete_module, { 0, 0 } },	/* NULL name */
		{ "open_by_handle_at", SYS_open_by_handle_at, { -1, 0, 0 } },
		{ "name_to_handle_at", SYS_name_to_handle_at, { -1, 0, 0, 0, -1 } },
		{ "bpf", SYS_bpf, { -1, 0, 0 } },
		{ "perf_event_open", SYS_perf_event_open, { 0, 0, -1, -1, -1 } },
		/* User-mode-only (needs no privilege) plus an undefined flag. */
		{ "userfaultfd", SYS_userfaultfd, { 1 | 4 } },
		{ "io_uring_setup", SYS_io_uring_setup, { 0, 0 } },
		{ "io_uring_enter", SYS_io_uring_enter, { -1, 0, 0, 0, 0, 0 } },
		{ "io_uring_register", SYS_io_uring_register, { -1, 0, 0, 0 } },
		{ "swapon", SYS_swapon, { 0, -1 } },
		{ "swapoff", SYS_swapoff, { 0 } },
		{ "acct", SYS_acct, { 1 } },				/* bad pointer, not NULL (off) */
		{ "lookup_dcookie", SYS_lookup_dcookie, { 0, 0, 0 } },
		{ "quotactl", SYS_quotactl, { 0, 0, 0, 0 } },		/* no device */
		{ "nfsservctl", SYS_nfsservctl, { 0 } },		/* gone since 3.1 */
		{ "reboot", SYS_reboot, { 0, 0, 0, 0 } },		/* bad magic */
		{ "syslog", SYS_syslog, { -1, 0, 0 } },		/* unknown action */
		{ "mount", SYS_mount, { 0, 0, 0, 0, 0 } },		/* NULL target */
		{ "umount2", SYS_umount2, { 0, -1 } },
		{ "unshare", SYS_unshare, { 1 } },			/* not an unshare flag */
		{ "setns", SYS_setns, { -1, 0 } },
		{ "pivot_root", SYS_pivot_root, { 0, 0 } },
		{ "fsopen", SYS_fsopen, { 0, -1 } },
		{ "fsconfig", SYS_fsconfig, { -1, 0, 0, 0, 0 } },
		{ "fsmount", SYS_fsmount, { -1, -1, 0 } },
		{ "fspick", SYS_fspick, { -1, 0, -1 } },
		{ "move_mount", SYS_move_mount, { -1, 0, -1, 0, -1 } },
		{ "open_tree", SYS_open_tree, { -1, 0, -1 } },
		{ "mount_setattr", SYS_mount_setattr, { -1, 0, -1, 0, 0 } },
		/* The kernel refuses a new mount namespace sharing fs info: no child. */
		{ "clone", SYS_clone, { CLONE_NEWUSER | CLONE_NEWNS | CLONE_FS } },
		{ "clone3", SYS_clone3, { 0, 0 } },			/* size 0 */
		{ "mkdir", SYS_mkdir, { 0, 0 } },			/* NULL path */
		{ "getpid", SYS_getpid, { 0 } },
		/* The persona Docker's profile refuses, and the plain one it allows: this process only. */
		{ "personality-norandom", SYS_personality, { 0x0040000 } },	/* ADDR_NO_RANDOMIZE */
		{ "personality-linux", SYS_personality, { 0 } },		/* PER_LINUX */
		/* Linux 6.17, newer than any profile here; a size of 0 reads nothing. */
		{ "file_getattr", SYS_file_getattr, { -1, 0, 0, 0, 0 } },
	};

	for (size_t i = 0; i < N_ELEMENTS(calls); i++)
		if (strcmp(name, calls[i].name) == 0)
			return syscall(calls[i].nr, calls[i].a[0], calls[i].a[1], calls[i].a[2],
				       calls[i].a[3], calls[i].a[4], calls[i].a[5]);
	fprintf(stderr, "nslab-probe: syscall-check: no harmless form of '%s'\n", name);
	exit(2);
}

/* One line per call: NAME=ok or NAME=ERRNO. */
static int probe_syscall_check(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: syscall-check NAME...\n");
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		long ret = call(argv[i]);

		printf("%s=%s\n", argv[i], ret < 0 ? probe_errno_name(errno) : "ok");
	}
	return 0;
}
PROBE(syscall_check, "syscall-check", "NAME...", probe_syscall_check);

/* fds=0,1,2: the descriptors this process was started with. */
static int probe_fds(int argc, char **argv)
{
	DIR *d = opendir("/proc/self/fd");
	const char *sep = "";
	struct dirent *de;

	(void)argc;
	(void)argv;
	if (!d)
		return probe_report(-1);
	fputs("fds=", stdout);
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || atoi(de->d_name) == dirfd(d))
			continue;
		printf("%s%s", sep, de->d_name);
		sep = ",";
	}
	putchar('\n');
	closedir(d);
	return 0;
}
PROBE(fds, "fds", "", probe_fds);

/* cwd=PATH root=same|other: whether the working directory is the root itself. */
static int probe_cwd(int argc, char **argv)
{
	char path[4096];
	struct stat cwd, root;
	ssize_t n;

	(void)argc;
	(void)argv;
	n = readlink("/proc/self/cwd", path, sizeof(path) - 1);
	if (n < 0 || stat(".", &cwd) < 0 || stat("/", &root) < 0)
		return probe_report(-1);
	path[n] = '\0';
	printf("cwd=%s root=%s\n", path,
	       cwd.st_dev == root.st_dev && cwd.st_ino == root.st_ino ? "same" : "other");
	return 0;
}
PROBE(cwd, "cwd", "", probe_cwd);

/*
 * wronly=... opath=... reopen=...: opening PATH (a /proc/PID/exe) for
 * writing directly, and the CVE-2019-5736 way, an O_PATH handle reopened
 * through /proc/self/fd.  A descriptor that opens is closed unwritten.
 */
static const char *try_write_open(const char *path)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return probe_errno_name(errno);
	close(fd);
	return "ok";
}

static int probe_exe_open(int argc, char **argv)
{
	char via[64];
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: exe-open PATH\n");
		return 2;
	}
	printf("wronly=%s ", try_write_open(argv[1]));
	fd = open(argv[1], O_PATH | O_CLOEXEC);
	if (fd < 0) {
		printf("opath=%s reopen=skipped\n", probe_errno_name(errno));
		return 0;
	}
	snprintf(via, sizeof(via), "/proc/self/fd/%d", fd);
	printf("opath=ok reopen=%s\n", try_write_open(via));
	close(fd);
	return 0;
}
PROBE(exe_open, "exe-open", "PATH", probe_exe_open);

/* A user namespace for this process alone, gone when it exits. */
static int probe_unshare_user(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return probe_report(unshare(CLONE_NEWUSER));
}
PROBE(unshare_user, "unshare-user", "", probe_unshare_user);

/*
 * found=PATH for each well-known runtime or system socket (and each PATH
 * given) that exists here, unix=NAME for each bound socket /proc/net/unix
 * lists (abstract ones as @NAME); "none" when there is neither.
 */
static int probe_socket_scan(int argc, char **argv)
{
	static const char *const known[] = {
		"/run/docker.sock", "/var/run/docker.sock", "/run/containerd/containerd.sock",
		"/run/crio/crio.sock", "/run/podman/podman.sock", "/run/dbus/system_bus_socket",
		"/var/run/dbus/system_bus_socket", "/run/systemd/private",
		"/run/systemd/journal/socket", "/run/nslab", "/var/run/nslab",
		"/run/*.sock", "/var/run/*.sock", "/run/*/*.sock", "/tmp/*.sock",
	};
	char line[4096];
	bool any = false;
	glob_t g;
	FILE *f;

	for (int i = 0; i < (int)N_ELEMENTS(known) + argc - 1; i++) {
		const char *pat = i < (int)N_ELEMENTS(known) ?
				  known[i] : argv[i - N_ELEMENTS(known) + 1];

		if (glob(pat, GLOB_NOSORT, NULL, &g) != 0)
			continue;
		for (size_t j = 0; j < g.gl_pathc; j++) {
			if (access(g.gl_pathv[j], F_OK) == 0) {
				printf("found=%s\n", g.gl_pathv[j]);
				any = true;
			}
		}
		globfree(&g);
	}
	f = fopen("/proc/net/unix", "re");
	if (!f)
		return probe_report(-1);
	/* Past the header line, which names the columns. */
	if (!fgets(line, sizeof(line), f))
		line[0] = '\0';
	while (fgets(line, sizeof(line), f)) {
		char path[4096];

		/* Num RefCount Protocol Flags Type St Inode Path: the 8th field, when bound. */
		if (sscanf(line, "%*s %*s %*s %*s %*s %*s %*s %4095s", path) == 1) {
			printf("unix=%s\n", path);
			any = true;
		}
	}
	fclose(f);
	if (!any)
		puts("none");
	return 0;
}
PROBE(socket_scan, "socket-scan", "[PATH...]", probe_socket_scan);

/*
 * One line per cgroup mount: "v1 MNT release_agent=... procs=..." or
 * "v2 MNT release_agent=absent|present procs=...", the results of opening
 * those files for writing (CVE-2022-0492: release_agent runs as host root).
 */
static int probe_cgroup_doors(int argc, char **argv)
{
	char line[4096];
	bool any = false;
	FILE *f = fopen("/proc/self/mountinfo", "re");

	(void)argc;
	(void)argv;
	if (!f)
		return probe_report(-1);
	while (fgets(line, sizeof(line), f)) {
		char mnt[1024], type[64], file[1100];
		const char *sep = strstr(line, " - ");
		bool v2;

		if (!sep || sscanf(line, "%*s %*s %*s %*s %1023s", mnt) != 1 ||
		    sscanf(sep, " - %63s", type) != 1)
			continue;
		if (strcmp(type, "cgroup") != 0 && strcmp(type, "cgroup2") != 0)
			continue;
		v2 = strcmp(type, "cgroup2") == 0;
		any = true;
		snprintf(file, sizeof(file), "%s/release_agent", mnt);
		printf("%s %s release_agent=%s ", v2 ? "v2" : "v1", mnt,
		       v2 ? (access(file, F_OK) == 0 ? "present" : "absent") : try_write_open(file));
		snprintf(file, sizeof(file), "%s/cgroup.procs", mnt);
		printf("procs=%s\n", try_write_open(file));
	}
	fclose(f);
	if (!any)
		puts("none");
	return 0;
}
PROBE(cgroup_doors, "cgroup-doors", "", probe_cgroup_doors);
