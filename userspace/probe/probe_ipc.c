// SPDX-License-Identifier: GPL-2.0
/* SysV IPC and POSIX message queues as the container's ipc namespace shows them. */
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>

#define SHM_SIZE 4096

static int usage(const char *text)
{
	fprintf(stderr, "usage: %s\n", text);
	return 2;
}

static int report_id(int id)
{
	if (id < 0)
		return probe_report(id);
	printf("ok id=%d\n", id);
	return 0;
}

/* KIND's object under @key: its id, or -1 with errno. */
static int sysv_lookup(const char *kind, key_t key)
{
	if (strcmp(kind, "msg") == 0)
		return msgget(key, 0);
	if (strcmp(kind, "sem") == 0)
		return semget(key, 0, 0);
	return shmget(key, 0, 0);
}

/*
 * Looks a key up without creating anything: "ok id=N" or ENOENT; with
 * "all", "msg=N|ERR sem=... shm=...", a line each.
 */
static int probe_sysv_get(int argc, char **argv)
{
	static const char *const kinds[] = { "msg", "sem", "shm" };
	key_t key;
	int id;

	if (argc != 3)
		return usage("sysv-get msg|sem|shm|all KEY");
	key = probe_number(argv[2]);
	for (size_t i = 0; i < N_ELEMENTS(kinds); i++)
		if (strcmp(argv[1], kinds[i]) == 0)
			return report_id(sysv_lookup(kinds[i], key));
	if (strcmp(argv[1], "all") != 0)
		return usage("sysv-get msg|sem|shm|all KEY");
	for (size_t i = 0; i < N_ELEMENTS(kinds); i++) {
		id = sysv_lookup(kinds[i], key);
		if (id < 0)
			printf("%s=%s\n", kinds[i], probe_errno_name(errno));
		else
			printf("%s=%d\n", kinds[i], id);
	}
	return 0;
}
PROBE(sysv_get, "sysv-get", "msg|sem|shm|all KEY", probe_sysv_get);

/* Creates a new segment under KEY (EEXIST if the key is taken) and leaves TEXT in it. */
static int probe_shm_write(int argc, char **argv)
{
	char *mem;
	int id;

	if (argc != 3 || strlen(argv[2]) >= SHM_SIZE)
		return usage("shm-write KEY TEXT");
	id = shmget(probe_number(argv[1]), SHM_SIZE, IPC_CREAT | IPC_EXCL | 0600);
	if (id < 0)
		return probe_report(id);
	mem = shmat(id, NULL, 0);
	if (mem == (void *)-1)
		return probe_report(-1);
	strcpy(mem, argv[2]);
	shmdt(mem);
	return report_id(id);
}
PROBE(shm_write, "shm-write", "KEY TEXT", probe_shm_write);

static int probe_shm_read(int argc, char **argv)
{
	char *mem;
	int id;

	if (argc != 2)
		return usage("shm-read KEY");
	id = shmget(probe_number(argv[1]), 0, 0);
	if (id < 0)
		return probe_report(id);
	mem = shmat(id, NULL, SHM_RDONLY);
	if (mem == (void *)-1)
		return probe_report(-1);
	printf("ok data=%.*s\n", SHM_SIZE, mem);
	shmdt(mem);
	return 0;
}
PROBE(shm_read, "shm-read", "KEY", probe_shm_read);

/* Attaches a segment by id, as a process that learnt the id elsewhere would. */
static int probe_shmat(int argc, char **argv)
{
	void *mem;

	if (argc != 2)
		return usage("shmat ID");
	mem = shmat(probe_number(argv[1]), NULL, SHM_RDONLY);
	if (mem == (void *)-1)
		return probe_report(-1);
	shmdt(mem);
	return probe_report(0);
}
PROBE(shmat, "shmat", "ID", probe_shmat);

static int open_queue(int argc, char **argv, int flags)
{
	mqd_t q;

	if (argc != 2) {
		fprintf(stderr, "usage: %s /NAME\n", argv[0]);
		return 2;
	}
	q = mq_open(argv[1], flags, 0600, NULL);
	if (q == (mqd_t)-1)
		return probe_report(-1);
	mq_close(q);
	return probe_report(0);
}

static int probe_mq_open(int argc, char **argv)
{
	return open_queue(argc, argv, O_RDONLY);
}
PROBE(mq_open, "mq-open", "/NAME", probe_mq_open);

/* Creates a queue and leaves it in place (it lives as long as the ipc namespace). */
static int probe_mq_make(int argc, char **argv)
{
	return open_queue(argc, argv, O_RDWR | O_CREAT | O_EXCL);
}
PROBE(mq_make, "mq-make", "/NAME", probe_mq_make);
