// SPDX-License-Identifier: GPL-2.0
/* Process ids, signals and reaping as the container's pid namespace shows them. */
#include "probe.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int usage(const char *text)
{
	fprintf(stderr, "usage: %s\n", text);
	return 2;
}

static int probe_pid_ids(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("ok pid=%d ppid=%d\n", (int)getpid(), (int)getppid());
	return 0;
}
PROBE(pid_ids, "pid-ids", "", probe_pid_ids);

static int probe_kill(int argc, char **argv)
{
	if (argc != 3)
		return usage("kill PID SIG");
	return probe_report(kill(probe_number(argv[1]), probe_number(argv[2])));
}
PROBE(kill, "kill", "PID SIG", probe_kill);

/* "ok self=N pids=A,B,..." : what /proc lists, and who /proc/self says we are. */
static int probe_proc_pids(int argc, char **argv)
{
	char self[32] = "";
	const char *sep = "";
	struct dirent *d;
	DIR *dir;
	ssize_t n;

	(void)argc;
	(void)argv;
	n = readlink("/proc/self", self, sizeof(self) - 1);
	dir = opendir("/proc");
	if (n < 0 || !dir)
		return probe_report(-1);
	self[n] = '\0';
	printf("ok self=%s pids=", self);
	while ((d = readdir(dir)))
		if (isdigit((unsigned char)d->d_name[0])) {
			printf("%s%s", sep, d->d_name);
			sep = ",";
		}
	closedir(dir);
	putchar('\n');
	return 0;
}
PROBE(proc_pids, "proc-pids", "", probe_proc_pids);

/*
 * A chain of DEPTH descendants below the caller, each the child of the one
 * before; the deepest prints "ok" once all exist.  Everyone then waits to be
 * killed, so that the test can check who goes down with the container's init.
 */
static int probe_fork_chain(int argc, char **argv)
{
	long long depth;

	if (argc != 2)
		return usage("fork-chain DEPTH");
	depth = probe_number(argv[1]);
	for (long long level = 0; level < depth; level++) {
		pid_t pid = fork();

		if (pid < 0)
			return probe_report(-1);
		if (pid > 0)
			for (;;)
				pause();
	}
	puts("ok");
	fflush(stdout);
	for (;;)
		pause();
}
PROBE(fork_chain, "fork-chain", "DEPTH", probe_fork_chain);

static int zombie_count(void)
{
	struct dirent *d;
	DIR *dir = opendir("/proc");
	int zombies = 0;

	while (dir && (d = readdir(dir))) {
		char path[300], buf[512], *paren;
		FILE *f;

		if (!isdigit((unsigned char)d->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", d->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		/* The state follows the command name, which may itself hold ") ". */
		if (fgets(buf, sizeof(buf), f) && (paren = strrchr(buf, ')')) && paren[1] == ' ' &&
		    paren[2] == 'Z')
			zombies++;
		fclose(f);
	}
	if (dir)
		closedir(dir);
	return zombies;
}

/*
 * Makes an orphan: a child forks a grandchild and exits at once, so the
 * grandchild is handed to the namespace's PID 1 (or a subreaper).  Once it
 * has exited, whoever PID 1 is gets up to WAIT_MS to reap it; then prints
 * "ok zombies=N" for the zombies /proc still lists.  This process reaps only
 * its own child, so when it is PID 1 itself the orphan stays a zombie.
 */
static int probe_orphan_zombies(int argc, char **argv)
{
	const struct timespec tick = { 0, 10 * 1000 * 1000 };
	int pid_pipe[2], hold[2], pidfd, zombies;
	struct pollfd p = { .events = POLLIN };
	long long wait_ms;
	pid_t child, orphan = -1;

	if (argc != 2)
		return usage("orphan-zombies WAIT_MS");
	wait_ms = probe_number(argv[1]);
	if (pipe(pid_pipe) < 0 || pipe(hold) < 0)
		return probe_report(-1);
	child = fork();
	if (child < 0)
		return probe_report(-1);
	if (child == 0) {
		orphan = fork();
		if (orphan == 0) {
			char byte;

			/* Lives until the probe has its pidfd and closes @hold. */
			close(hold[1]);
			_exit(read(hold[0], &byte, 1) < 0);
		}
		_exit(write(pid_pipe[1], &orphan, sizeof(orphan)) != sizeof(orphan));
	}
	close(pid_pipe[1]);
	close(hold[0]);
	if (read(pid_pipe[0], &orphan, sizeof(orphan)) != sizeof(orphan) || orphan <= 0 ||
	    waitpid(child, NULL, 0) != child)
		return probe_report(-1);
	pidfd = pidfd_open(orphan, 0);
	if (pidfd < 0)
		return probe_report(-1);
	close(hold[1]);
	p.fd = pidfd;
	if (poll(&p, 1, wait_ms) != 1) {
		puts("ETIMEDOUT");
		return 0;
	}
	/* Bounded: an init that reaps needs a moment after the exit; one that does not, forever. */
	zombies = zombie_count();
	for (long long waited = 0; zombies && waited < wait_ms; waited += 10) {
		nanosleep(&tick, NULL);
		zombies = zombie_count();
	}
	printf("ok zombies=%d\n", zombies);
	return 0;
}
PROBE(orphan_zombies, "orphan-zombies", "WAIT_MS", probe_orphan_zombies);

/* How many levels of pid namespaces /proc/self/status shows the caller in (0 if unknown). */
static int nspid_levels(void)
{
	char line[512];
	int levels = 0;
	FILE *f = fopen("/proc/self/status", "re");

	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "NSpid:", 6) == 0)
			for (char *c = line + 6; *c; c++)
				levels += *c == '\t';
	if (f)
		fclose(f);
	return levels;
}

/*
 * Nests up to MAX pid namespaces below the caller, one process per level,
 * each checking that it is PID 1 with no parent in sight.  Prints
 * "ok created=N nspid=L stop=ERR|none": N namespaces made, L the levels the
 * deepest process has as /proc sees it, ERR why the next one was refused.
 */
static int probe_pid_nest(int argc, char **argv)
{
	const char *stop = "none";
	long long max;
	int created;

	if (argc != 2)
		return usage("pid-nest MAX");
	max = probe_number(argv[1]);
	for (created = 0; created < max; created++) {
		int status;
		pid_t pid;

		if (unshare(CLONE_NEWPID) < 0) {
			stop = probe_errno_name(errno);
			break;
		}
		pid = fork();
		if (pid < 0) {
			stop = probe_errno_name(errno);
			break;
		}
		if (pid > 0)
			_exit(waitpid(pid, &status, 0) == pid && WIFEXITED(status) ?
			      WEXITSTATUS(status) : 1);
		if (getpid() != 1 || getppid() != 0) {
			printf("wrong-ids level=%d pid=%d ppid=%d\n", created + 1, (int)getpid(),
			       (int)getppid());
			return 0;
		}
	}
	printf("ok created=%d nspid=%d stop=%s\n", created, nspid_levels(), stop);
	return 0;
}
PROBE(pid_nest, "pid-nest", "MAX", probe_pid_nest);
