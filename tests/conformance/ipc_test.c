// SPDX-License-Identifier: GPL-2.0
/* IPC isolation, docs/conformance.md I2-I5 (I1 is the check catalogue's: check_test.c). */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <mqueue.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <unistd.h>

#include "control.h"
#include "detached.h"
#include "harness.h"

/* Every namespace but ipc: the controls differ from the defaults in that one only. */
#define NS_ALL_BUT_IPC "uts,pid,mnt,net,user,cgroup,time"

/* Host objects the test made; the fini removes them whatever the outcome. */
static int host_shm = -1;
static char host_queues[2][64];

static void remove_host_ipc(void)
{
	if (host_shm >= 0)
		shmctl(host_shm, IPC_RMID, NULL);
	host_shm = -1;
	for (int i = 0; i < 2; i++) {
		if (host_queues[i][0])
			mq_unlink(host_queues[i]);
		host_queues[i][0] = '\0';
	}
	detached_cleanup();
}

/* A key of this test process, unlikely to be in use on the host. */
static key_t test_key(void)
{
	return 0x4e530000 ^ getpid();
}

/* Creates host queue @slot as "/<tag>-<pid>" and returns its name. */
static const char *host_queue(int slot, const char *tag)
{
	mqd_t q;

	snprintf(host_queues[slot], sizeof(host_queues[slot]), "/%s-%d", tag, (int)getpid());
	q = mq_open(host_queues[slot], O_RDWR | O_CREAT | O_EXCL, 0666, NULL);
	cr_assert(q != (mqd_t)-1, "mq_open %s: %m", host_queues[slot]);
	mq_close(q);
	return host_queues[slot];
}

TestSuite(ipc, .fini = remove_host_ipc, .timeout = 120);

Test(ipc, I2_same_key_in_two_containers)
{
	char a[DETACHED_NAME_MAX], b[DETACHED_NAME_MAX], key[16], join[64];
	struct run_result r;
	pid_t pid_a;

	require_root();
	snprintf(key, sizeof(key), "%d", (int)test_key());
	pid_a = DETACHED(a, "i2a", "--", "sleep", "60");
	DETACHED(b, "i2b", "--", "sleep", "60");
	/* Both create the key exclusively: the second would get EEXIST if they shared it. */
	NSLAB(&r, "exec", a, "--", "nslab-probe", "shm-write", key, "box-a");
	cr_assert_eq(strncmp(r.out, "ok id=", 6), 0, "%s: %s %s", a, r.out, r.err);
	NSLAB(&r, "exec", b, "--", "nslab-probe", "shm-write", key, "box-b");
	cr_assert_eq(strncmp(r.out, "ok id=", 6), 0, "%s: %s %s", b, r.out, r.err);
	NSLAB(&r, "exec", a, "--", "nslab-probe", "shm-read", key);
	cr_assert_str_eq(r.out, "ok data=box-a\n", "%s: %s", a, r.err);
	NSLAB(&r, "exec", b, "--", "nslab-probe", "shm-read", key);
	cr_assert_str_eq(r.out, "ok data=box-b\n", "%s: %s", b, r.err);

	/* Negative control: a container sharing a's ipc namespace meets a's segment. */
	snprintf(join, sizeof(join), "ipc=/proc/%d/ns/ipc", (int)pid_a);
	NSLAB(&r, "run", "--join", join, "--", "sh", "-c",
	      "nslab-probe shm-write $0 box-c; nslab-probe shm-read $0", key);
	cr_assert_eq(r.code, 0, "nslab failed: %s", r.err);
	cr_assert_str_eq(r.out, "EEXIST\nok data=box-a\n");
}

Test(ipc, I3_host_mqueue_invisible)
{
	const char *queue;

	require_root();
	queue = host_queue(0, "nslab-i3");
	/* Negative control: without the ipc namespace the host's queue opens. */
	CHECK_WITH_CONTROL(NS_ALL_BUT_IPC, "ENOENT\n", "ok\n", "nslab-probe", "mq-open", queue);
}

Test(ipc, I4_dev_mqueue_lists_only_own_queues)
{
	char box[64], cmd[256], expect[128];
	const char *host;
	struct run_result r;

	require_root();
	host = host_queue(0, "nslab-i4-host");
	/* The control creates this one in the host's namespace: the fini removes it there. */
	snprintf(box, sizeof(box), "/nslab-i4-box-%d", (int)getpid());
	snprintf(host_queues[1], sizeof(host_queues[1]), "%s", box);
	/* Without an ipc namespace nslab mounts no mqueue: the command mounts one itself. */
	snprintf(cmd, sizeof(cmd),
		 "nslab-probe mq-make %s; grep -q ' /dev/mqueue mqueue ' /proc/mounts || "
		 "mount -t mqueue mqueue /dev/mqueue; ls /dev/mqueue", box);

	NSLAB(&r, "run", UNCONFINED, "--", "sh", "-c", cmd);
	cr_assert_eq(r.code, 0, "nslab failed: %s", r.err);
	snprintf(expect, sizeof(expect), "ok\n%s\n", box + 1);
	cr_assert_str_eq(r.out, expect, "host queue %s", host);

	/* Negative control: sharing the host's ipc namespace, the host's queue is listed too. */
	NSLAB(&r, "run", UNCONFINED, "--ns", "mnt,pid", "--", "sh", "-c", cmd);
	cr_assert_eq(r.code, 0, "nslab failed: %s", r.err);
	cr_assert(strstr(r.out, host + 1), "host queue %s missing from: %s", host, r.out);
	cr_assert(strstr(r.out, box + 1), "own queue %s missing from: %s", box, r.out);
}

Test(ipc, I5_shmat_host_segment_fails)
{
	char id[16];

	require_root();
	host_shm = shmget(IPC_PRIVATE, 4096, IPC_CREAT | 0666);
	cr_assert(host_shm >= 0, "shmget: %m");
	snprintf(id, sizeof(id), "%d", host_shm);
	/* Negative control: without the ipc namespace the id attaches. */
	CHECK_WITH_CONTROL(NS_ALL_BUT_IPC, "EINVAL\n", "ok\n", "nslab-probe", "shmat", id);
}
