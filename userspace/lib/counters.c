// SPDX-License-Identifier: GPL-2.0
#include "counters.h"
#include "kmod.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/netlink.h>
#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>
#include <netlink/netlink.h>

/* What one request collected: each reply message goes to @c. */
struct request {
	struct nslab_counters *c;
	int err;			/* the kernel's errno, negative */
	char msg[128];			/* its extended-ack message, if any */
	bool done;
};

static struct nla_policy attr_policy[NSCOUNT_A_MAX + 1] = {
	[NSCOUNT_A_TYPE] = { .type = NLA_U32 },
	[NSCOUNT_A_NAME] = { .type = NLA_STRING },
	[NSCOUNT_A_FLAGS] = { .type = NLA_U32 },
	[NSCOUNT_A_CREATED] = { .type = NLA_U64 },
	[NSCOUNT_A_DESTROYED] = { .type = NLA_U64 },
	[NSCOUNT_A_LIVE] = { .type = NLA_S64 },
	[NSCOUNT_A_PEAK] = { .type = NLA_S64 },
	[NSCOUNT_A_MISSED] = { .type = NLA_U64 },
	[NSCOUNT_A_LAT_SAMPLES] = { .type = NLA_U64 },
	[NSCOUNT_A_LAT_SUM_NS] = { .type = NLA_U64 },
	[NSCOUNT_A_LAT_HIST] = { .minlen = sizeof(uint64_t) * NSCOUNT_LAT_BUCKETS },
	[NSCOUNT_A_LAT_MISSED] = { .type = NLA_U64 },
	[NSCOUNT_A_PERNET_CREATED] = { .type = NLA_U64 },
	[NSCOUNT_A_PERNET_DESTROYED] = { .type = NLA_U64 },
	[NSCOUNT_A_PERNET_LIVE] = { .type = NLA_S64 },
	[NSCOUNT_A_FAILED] = { .type = NLA_U64 },
	[NSCOUNT_A_CLONED] = { .type = NLA_U64 },
};

static uint64_t get_u64(struct nlattr **tb, int attr)
{
	return tb[attr] ? nla_get_u64(tb[attr]) : 0;
}

static int64_t get_s64(struct nlattr **tb, int attr)
{
	return tb[attr] ? nla_get_s64(tb[attr]) : 0;
}

static int on_valid(struct nl_msg *msg, void *arg)
{
	struct request *req = arg;
	struct nlattr *tb[NSCOUNT_A_MAX + 1];
	struct nslab_ns_counter *t;

	if (genlmsg_parse(nlmsg_hdr(msg), 0, tb, NSCOUNT_A_MAX, attr_policy) < 0 ||
	    !tb[NSCOUNT_A_TYPE] || !tb[NSCOUNT_A_FLAGS]) {
		req->err = -EPROTO;
		return NL_STOP;
	}
	/* A type newer than this build: skipped, so an old nslab still reads the rest. */
	if (nla_get_u32(tb[NSCOUNT_A_TYPE]) >= NSCOUNT_TYPE_COUNT)
		return NL_OK;
	if (req->c->n >= NSCOUNT_TYPE_COUNT) {
		req->err = -EPROTO;
		return NL_STOP;
	}
	t = &req->c->type[req->c->n++];
	memset(t, 0, sizeof(*t));
	t->type = nla_get_u32(tb[NSCOUNT_A_TYPE]);
	t->flags = nla_get_u32(tb[NSCOUNT_A_FLAGS]);
	snprintf(t->name, sizeof(t->name), "%s",
		 tb[NSCOUNT_A_NAME] ? nla_get_string(tb[NSCOUNT_A_NAME]) : "?");
	t->created = get_u64(tb, NSCOUNT_A_CREATED);
	t->destroyed = get_u64(tb, NSCOUNT_A_DESTROYED);
	t->live = get_s64(tb, NSCOUNT_A_LIVE);
	t->peak = get_s64(tb, NSCOUNT_A_PEAK);
	t->missed = get_u64(tb, NSCOUNT_A_MISSED);
	t->lat_samples = get_u64(tb, NSCOUNT_A_LAT_SAMPLES);
	t->lat_sum_ns = get_u64(tb, NSCOUNT_A_LAT_SUM_NS);
	t->lat_missed = get_u64(tb, NSCOUNT_A_LAT_MISSED);
	if (tb[NSCOUNT_A_LAT_HIST])
		memcpy(t->lat_hist, nla_data(tb[NSCOUNT_A_LAT_HIST]), sizeof(t->lat_hist));
	t->has_attempts = tb[NSCOUNT_A_FAILED] && tb[NSCOUNT_A_CLONED];
	t->failed = get_u64(tb, NSCOUNT_A_FAILED);
	t->cloned = get_u64(tb, NSCOUNT_A_CLONED);
	t->has_pernet = tb[NSCOUNT_A_PERNET_LIVE] != NULL;
	t->pernet_created = get_u64(tb, NSCOUNT_A_PERNET_CREATED);
	t->pernet_destroyed = get_u64(tb, NSCOUNT_A_PERNET_DESTROYED);
	t->pernet_live = get_s64(tb, NSCOUNT_A_PERNET_LIVE);
	return NL_OK;
}

/*
 * The kernel's errno, and its extended-ack text.  The TLVs follow the echoed
 * request: its header only when the kernel capped it (NLM_F_CAPPED, as
 * NETLINK_CAP_ACK asks), else the whole request.
 */
static int on_error(struct sockaddr_nl *nla, struct nlmsgerr *err, void *arg)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)((char *)err - NLMSG_HDRLEN);
	size_t off = sizeof(*err), len = nlh->nlmsg_len - NLMSG_HDRLEN;
	struct request *req = arg;
	struct nlattr *tb[NLMSGERR_ATTR_MAX + 1];

	(void)nla;
	req->err = err->error;
	req->done = true;
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off += err->msg.nlmsg_len - sizeof(err->msg);
	if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) && off < len &&
	    nla_parse(tb, NLMSGERR_ATTR_MAX, (struct nlattr *)((char *)err + off), len - off,
		      NULL) == 0 &&
	    tb[NLMSGERR_ATTR_MSG])
		snprintf(req->msg, sizeof(req->msg), "%s", nla_get_string(tb[NLMSGERR_ATTR_MSG]));
	return NL_STOP;
}

static int on_done(struct nl_msg *msg, void *arg)
{
	struct request *req = arg;

	(void)msg;
	req->done = true;
	return NL_STOP;
}

/*
 * Why the family cannot be resolved: no module support, not loaded, another
 * netns, or @nlerr itself when the controller did not answer "not found".
 */
static int family_missing(int nlerr, struct nslab_error *e)
{
	if (nlerr != -NLE_OBJ_NOTFOUND)
		return nslab_fail(e, EIO, "counters", "resolving the %s family: %s",
				  NSCOUNT_GENL_NAME, nl_geterror(nlerr));
	if (!nslab_kmod_supported())
		return nslab_fail(e, ENOSYS, "counters",
				  "this kernel has no loadable module support, so nscount cannot run here");
	if (nslab_kmod_loaded("nscount"))
		return nslab_fail(e, ENOENT, "counters",
				  "nscount is loaded but answers only in the initial network namespace");
	return nslab_fail(e, ENOENT, "counters",
			  "the nscount module is not loaded (nslab module load PATH)");
}

/* libnl's objects, released at the end of their scope as cleanup.h's fds are. */
static void sock_free(struct nl_sock **sk)
{
	nl_socket_free(*sk);
}

static void msg_free(struct nl_msg **msg)
{
	nlmsg_free(*msg);
}

static void cb_put(struct nl_cb **cb)
{
	nl_cb_put(*cb);
}

/* Connects @sk to generic netlink with extended ACKs; nscount's family id, or -errno. */
static int connect_family(struct nl_sock *sk, struct nslab_error *e)
{
	int one = 1, ret = genl_connect(sk);

	if (ret)
		return nslab_fail(e, EIO, "counters", "generic netlink: %s", nl_geterror(ret));
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	setsockopt(nl_socket_get_fd(sk), SOL_NETLINK, NETLINK_CAP_ACK, &one, sizeof(one));
	ret = genl_ctrl_resolve(sk, NSCOUNT_GENL_NAME);
	return ret < 0 ? family_missing(ret, e) : ret;
}

/* The module's answer to a request, as the error the caller reports. */
static int request_result(const struct request *req, struct nslab_error *e)
{
	if (req->err == -EPERM)
		return nslab_fail(e, EPERM, "counters",
				  "not permitted: the counts are the machine's, reading them needs CAP_NET_ADMIN in the initial user namespace");
	if (req->err == -EPROTO)
		return nslab_fail(e, EPROTO, "counters", "malformed reply from the nscount module");
	if (req->err)
		return nslab_fail(e, -req->err, "counters", "nscount: %s", req->msg[0] ? req->msg :
				  strerror(-req->err));
	return 0;
}

/* Sends @cmd (with @type unless NULL) and collects every reply into @c. */
static int request(uint8_t cmd, int flags, const uint32_t *type, struct nslab_counters *c,
		   struct nslab_error *e)
{
	__attribute__((cleanup(sock_free))) struct nl_sock *sk = nl_socket_alloc();
	__attribute__((cleanup(msg_free))) struct nl_msg *msg = NULL;
	__attribute__((cleanup(cb_put))) struct nl_cb *cb = NULL;
	struct request req = { .c = c };
	int family, ret;

	if (!sk)
		return nslab_fail(e, ENOMEM, "counters", NULL);
	family = connect_family(sk, e);
	if (family < 0)
		return family;
	msg = nlmsg_alloc();
	cb = nl_cb_alloc(NL_CB_CUSTOM);
	if (!msg || !cb ||
	    !genlmsg_put(msg, NL_AUTO_PORT, NL_AUTO_SEQ, family, 0, flags, cmd, NSCOUNT_GENL_VERSION) ||
	    (type && nla_put_u32(msg, NSCOUNT_A_TYPE, *type) < 0))
		return nslab_fail(e, ENOMEM, "counters", NULL);
	nl_cb_set(cb, NL_CB_VALID, NL_CB_CUSTOM, on_valid, &req);
	nl_cb_set(cb, NL_CB_FINISH, NL_CB_CUSTOM, on_done, &req);
	nl_cb_set(cb, NL_CB_ACK, NL_CB_CUSTOM, on_done, &req);
	nl_cb_err(cb, NL_CB_CUSTOM, on_error, &req);
	/* libnl asks for an ACK (NLM_F_ACK): a doit ends with it, a dump with DONE. */
	ret = nl_send_auto(sk, msg);
	if (ret < 0)
		return nslab_fail(e, EIO, "counters", "send: %s", nl_geterror(ret));
	while (!req.done && !req.err) {
		ret = nl_recvmsgs(sk, cb);
		if (ret < 0 && !req.err)
			return nslab_fail(e, EIO, "counters", "receive: %s", nl_geterror(ret));
	}
	return request_result(&req, e);
}

int nslab_counters_get(uint32_t type, struct nslab_ns_counter *out, struct nslab_error *e)
{
	struct nslab_counters c = { .n = 0 };
	int ret;

	ret = request(NSCOUNT_CMD_GET, 0, &type, &c, e);
	if (!ret && c.n != 1)
		ret = nslab_fail(e, EPROTO, "counters", "expected one reply, got %u", c.n);
	if (!ret)
		*out = c.type[0];
	return ret;
}

int nslab_counters_dump(struct nslab_counters *c, struct nslab_error *e)
{
	c->n = 0;
	return request(NSCOUNT_CMD_DUMP, NLM_F_DUMP, NULL, c, e);
}

int nslab_counters_reset(struct nslab_error *e)
{
	struct nslab_counters c = { .n = 0 };

	return request(NSCOUNT_CMD_RESET, 0, NULL, &c, e);
}

const struct nslab_ns_counter *nslab_counters_find(const struct nslab_counters *c, const char *name)
{
	for (unsigned int i = 0; i < c->n; i++)
		if (strcmp(c->type[i].name, name) == 0)
			return &c->type[i];
	return NULL;
}

int nslab_counters_snapshot(struct nslab_counters *c, struct nslab_error *e)
{
	return nslab_counters_dump(c, e);
}

/* Names the types whose live count is above @base's into @buf; returns how many. */
static int above(const struct nslab_counters *base, const struct nslab_counters *now,
		 char *buf, size_t size)
{
	size_t len = 0;
	int n = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < now->n; i++) {
		const struct nslab_ns_counter *t = &now->type[i];
		const struct nslab_ns_counter *b = nslab_counters_find(base, t->name);

		if ((t->flags & NSCOUNT_F_NO_COUNT) || !b || t->live <= b->live)
			continue;
		n++;
		if (len < size)
			len += snprintf(buf + len, size - len, "%s%s +%lld", n > 1 ? ", " : "",
					t->name, (long long)(t->live - b->live));
	}
	return n;
}

/* The module's missed count (every type carries the same one), 0 if none counts. */
static uint64_t missed(const struct nslab_counters *c)
{
	for (unsigned int i = 0; i < c->n; i++)
		if (!(c->type[i].flags & NSCOUNT_F_NO_COUNT))
			return c->type[i].missed;
	return 0;
}

int nslab_counters_wait_baseline(const struct nslab_counters *base, int timeout_ms,
				 struct nslab_counters *now, struct nslab_error *e)
{
	struct nslab_counters scratch;
	struct timespec start, t;
	char left[160];
	int ret;

	if (!now)
		now = &scratch;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		ret = nslab_counters_dump(now, e);
		if (ret)
			return ret;
		if (!above(base, now, left, sizeof(left)))
			return 0;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if ((t.tv_sec - start.tv_sec) * 1000 + (t.tv_nsec - start.tv_nsec) / 1000000 < timeout_ms) {
			usleep(20 * 1000);
			continue;
		}
		if (missed(now) != missed(base))
			return nslab_fail(e, EAGAIN, "check-leaks",
					  "inconclusive: nscount missed %llu events meanwhile (%s)",
					  (unsigned long long)(missed(now) - missed(base)), left);
		return nslab_fail(e, ETIMEDOUT, "check-leaks",
				  "namespaces still alive after %d ms: %s", timeout_ms, left);
	}
}
