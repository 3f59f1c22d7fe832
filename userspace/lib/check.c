// SPDX-License-Identifier: GPL-2.0
/* The check catalogue and its judges: a probe inside a runtime's container against the host. */
#include "check.h"
#include "caps.h"
#include "ns.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/shm.h>
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
	CHECK(I7_host_shm_key_invisible, "ipc", NSLAB_NS_IPC, "sysv-get shm %s", NSLAB_FIXTURE_HOST_SHM,
	      NSLAB_JUDGE_DENIED, "ok", "ENOENT", "a SysV shared memory key the host holds is ENOENT inside"),
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

static void judge_denied(const struct nslab_check *c, const char *in, const char *host,
			 struct nslab_check_result *r)
{
	char a[32], b[32];

	first_word(in, a, sizeof(a));
	first_word(host, b, sizeof(b));
	if (strcmp(b, c->key) != 0)
		verdict(r, NSLAB_SKIP, "the host gets %s too, not %s: nothing to tell", b, c->key);
	else if (strcmp(a, c->expect) != 0)
		verdict(r, NSLAB_FAIL, "inside: %s (the host: %s), expected %s", a, b, c->expect);
	else
		verdict(r, NSLAB_PASS, "inside: %s (the host: %s)", a, b);
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

/* The fixture's value as text, made on the host; *@shm: the segment to remove, or -1. */
static int fixture_make(const struct nslab_check *c, char *text, size_t size, int *shm)
{
	key_t key = 0x6e730000 | (getpid() & 0xffff);

	*shm = -1;
	text[0] = '\0';
	if (c->fixture == NSLAB_FIXTURE_HOST_PID)
		snprintf(text, size, "%d", (int)getpid());
	if (c->fixture != NSLAB_FIXTURE_HOST_SHM)
		return 0;
	*shm = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0600);
	if (*shm < 0)
		return -errno;
	snprintf(text, size, "%d", (int)key);
	return 0;
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

static void judge(const struct nslab_check *c, const char *in, const char *host, const char *fixture,
		  struct nslab_check_result *r)
{
	switch (c->judge) {
	case NSLAB_JUDGE_DIFFERS:
		return judge_differs(c, in, host, r);
	case NSLAB_JUDGE_DENIED:
		return judge_denied(c, in, host, r);
	case NSLAB_JUDGE_UNLISTED:
		return judge_unlisted(c, in, host, fixture, r);
	case NSLAB_JUDGE_NONE_OF_HOSTS:
		return judge_none_of_hosts(c, in, host, r);
	case NSLAB_JUDGE_CAPS_WITHIN:
		return judge_caps(in, r);
	}
}

/* The probe's one line of stderr or of output, for a detail. */
static const char *said(const struct nslab_rt_output *o)
{
	return o->err[0] ? o->err : o->out;
}

/* Both runs, judged; a run that failed is a fail, with what the runtime said. */
static void observe(const struct nslab_runtime *rt, const struct nslab_check *c,
		    const char *fixture, struct nslab_check_result *r)
{
	struct nslab_rt_output *in = calloc(2, sizeof(*in)), *host = in + 1;
	const char *argv[16];
	char words[256];
	int ret;

	if (!in)
		return (void)verdict(r, NSLAB_FAIL, "no memory");
	probe_args(c, fixture, words, sizeof(words), argv, N_ELEMENTS(argv));
	ret = nslab_runtime_host_probe(rt, argv, host);
	if (ret || host->status != 0)
		verdict(r, NSLAB_FAIL, "the probe on the host failed (%d): %.200s", ret ? ret : host->status, said(host));
	else if ((ret = nslab_runtime_probe(rt, argv, in)) || in->status != 0 || !in->out[0])
		verdict(r, NSLAB_FAIL, "%s did not run the probe (%s %d): %.200s", rt->name,
			ret ? "error" : "exit", ret ? ret : in->status, said(in));
	else
		judge(c, in->out, host->out, fixture, r);
	free(in);
}

void nslab_check_run(const struct nslab_runtime *rt, const struct nslab_check *c,
		     struct nslab_check_result *r)
{
	char fixture[32];
	int shm, ret;

	r->check = c;
	if (c->ns >= 0 && !(rt->can & NSLAB_NS_BIT(c->ns)))
		return (void)verdict(r, NSLAB_NA, "no %s namespace: %s", nslab_ns_types[c->ns].name,
				     rt->cannot);
	ret = fixture_make(c, fixture, sizeof(fixture), &shm);
	if (ret)
		return (void)verdict(r, NSLAB_FAIL, "the host's fixture: %s", strerror(-ret));
	observe(rt, c, fixture, r);
	if (shm >= 0)
		shmctl(shm, IPC_RMID, NULL);
	r->detail[strcspn(r->detail, "\n")] = '\0';
}
