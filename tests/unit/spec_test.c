// SPDX-License-Identifier: GPL-2.0
/* The spec parsers and the checks nslab_spec_finish makes before anything is created. */
#include <criterion/criterion.h>
#include <errno.h>
#include <sys/socket.h>
#include <limits.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "spec.h"

TestSuite(spec_idmap, .timeout = 60);

/* ---- id maps ---- */

Test(spec_idmap, parses_ranges_in_order)
{
	struct nslab_idmap map[NSLAB_MAX_MAPS];
	struct nslab_error e = { 0 };
	int n = 0;

	cr_assert_eq(nslab_parse_idmap("0:100000:65536", map, &n, &e, "--uid-map"), 0, "%s", e.why);
	cr_assert_eq(nslab_parse_idmap("65536:1000:1", map, &n, &e, "--uid-map"), 0, "%s", e.why);
	cr_assert_eq(n, 2);
	cr_assert(map[0].inside == 0 && map[0].outside == 100000 && map[0].count == 65536);
	cr_assert(map[1].inside == 65536 && map[1].outside == 1000 && map[1].count == 1);
}

Test(spec_idmap, rejects_malformed)
{
	static const char *const bad[] = {
		"", "0", "0:1", "0:1:", ":1:1", "0::1", "a:1:1", "0:1:x", "0:1:1:1", "0:1:1x",
		" 0:1:1", "+0:1:1", "-1:0:1", "0:-1:1", "0:0:-1", "0:0:0", "0x10:0:1",
		"0:100000:65536000000000000000000000000000000000000000000000000000000000000",
	};

	for (size_t i = 0; i < N_ELEMENTS(bad); i++) {
		struct nslab_idmap map[NSLAB_MAX_MAPS];
		struct nslab_error e = { 0 };
		int n = 0;

		cr_expect_eq(nslab_parse_idmap(bad[i], map, &n, &e, "--gid-map"), -EINVAL,
			     "'%s' accepted", bad[i]);
		cr_expect_eq(n, 0, "'%s' was stored", bad[i]);
		cr_expect_str_eq(e.what, "--gid-map");
	}
}

Test(spec_idmap, rejects_ranges_past_the_last_id)
{
	struct nslab_idmap map[NSLAB_MAX_MAPS];
	struct nslab_error e = { 0 };
	char arg[64];
	int n = 0;

	/* 4294967295 is (uid_t)-1, never a valid id. */
	snprintf(arg, sizeof(arg), "%u:0:1", UINT_MAX);
	cr_assert_eq(nslab_parse_idmap(arg, map, &n, &e, "--uid-map"), -EINVAL);
	snprintf(arg, sizeof(arg), "0:%u:2", UINT_MAX - 1);
	cr_assert_eq(nslab_parse_idmap(arg, map, &n, &e, "--uid-map"), -EINVAL);
	cr_assert(strstr(e.why, "past the last id"), "%s", e.why);
	snprintf(arg, sizeof(arg), "%u:0:2", UINT_MAX - 1);
	cr_assert_eq(nslab_parse_idmap(arg, map, &n, &e, "--uid-map"), -EINVAL);
	/* Control: the last range that still fits is taken. */
	snprintf(arg, sizeof(arg), "0:%u:1", UINT_MAX - 1);
	cr_assert_eq(nslab_parse_idmap(arg, map, &n, &e, "--uid-map"), 0, "%s", e.why);
	cr_assert_eq(n, 1);
}

Test(spec_idmap, rejects_overlaps_inside_and_outside)
{
	static const char *const overlapping[] = {
		"5:200000:10",		/* inside 5..14 overlaps 0..9 */
		"9:300000:1",		/* last inside id */
		"100:100009:5",		/* outside overlaps 100000..100009 */
		"100:99999:2",		/* outside straddles the start */
		"0:100000:10",		/* the same range again */
	};

	for (size_t i = 0; i < N_ELEMENTS(overlapping); i++) {
		struct nslab_idmap map[NSLAB_MAX_MAPS];
		struct nslab_error e = { 0 };
		int n = 0;

		cr_assert_eq(nslab_parse_idmap("0:100000:10", map, &n, &e, "--uid-map"), 0);
		cr_expect_eq(nslab_parse_idmap(overlapping[i], map, &n, &e, "--uid-map"), -EINVAL,
			     "'%s' accepted", overlapping[i]);
		cr_expect_eq(n, 1);
		/* Control: the adjacent ranges on both sides touch but do not overlap. */
		cr_expect_eq(nslab_parse_idmap("10:100010:5", map, &n, &e, "--uid-map"), 0, "%s", e.why);
	}
}

Test(spec_idmap, at_most_max_ranges)
{
	struct nslab_idmap map[NSLAB_MAX_MAPS];
	struct nslab_error e = { 0 };
	char arg[64];
	int n = 0;

	for (int i = 0; i < NSLAB_MAX_MAPS; i++) {
		snprintf(arg, sizeof(arg), "%d:%d:1", i, 1000 + i);
		cr_assert_eq(nslab_parse_idmap(arg, map, &n, &e, "--uid-map"), 0, "%s", e.why);
	}
	cr_assert_eq(nslab_parse_idmap("100:2000:1", map, &n, &e, "--uid-map"), -EINVAL);
	cr_assert_eq(n, NSLAB_MAX_MAPS);
}

Test(spec_idmap, id_mapped)
{
	const struct nslab_idmap map[] = { { 0, 100000, 10 }, { 1000, 5000, 1 } };

	cr_assert(nslab_id_mapped(map, 2, 0));
	cr_assert(nslab_id_mapped(map, 2, 9));
	cr_assert_not(nslab_id_mapped(map, 2, 10));
	cr_assert(nslab_id_mapped(map, 2, 1000));
	cr_assert_not(nslab_id_mapped(map, 2, 1001));
	cr_assert_not(nslab_id_mapped(map, 2, UINT_MAX));
	cr_assert_not(nslab_id_mapped(map, 0, 0));
}

TestSuite(spec_user, .timeout = 60);

/* ---- --user ---- */

Test(spec_user, uid_and_optional_gid)
{
	struct nslab_error e = { 0 };
	uid_t uid = 0;
	gid_t gid = 0;

	cr_assert_eq(nslab_parse_user("1000", &uid, &gid, &e), 0);
	cr_assert(uid == 1000 && gid == 1000, "the gid defaults to the uid");
	cr_assert_eq(nslab_parse_user("5:7", &uid, &gid, &e), 0);
	cr_assert(uid == 5 && gid == 7);
	cr_assert_eq(nslab_parse_user("0:0", &uid, &gid, &e), 0);
	cr_assert(uid == 0 && gid == 0);
}

Test(spec_user, rejects_malformed)
{
	static const char *const bad[] = {
		"", ":", "1:", ":1", "-1", "1:-1", "root", "1:x", "4294967295", "1:4294967295",
		"99999999999999999999", "1:2:3", " 1",
	};

	for (size_t i = 0; i < N_ELEMENTS(bad); i++) {
		struct nslab_error e = { 0 };
		uid_t uid = 42;
		gid_t gid = 42;

		cr_expect_eq(nslab_parse_user(bad[i], &uid, &gid, &e), -EINVAL, "'%s' accepted", bad[i]);
		cr_expect(uid == 42 && gid == 42, "'%s' changed the ids", bad[i]);
		cr_expect_str_eq(e.what, "--user");
	}
}

TestSuite(spec_time, .timeout = 60);

/* ---- --time-offset ---- */

Test(spec_time, one_or_both_clocks)
{
	long long offs[NSLAB_CLOCK_COUNT] = { 0 };
	struct nslab_error e = { 0 };

	cr_assert_eq(nslab_parse_time_offsets("monotonic=100", offs, &e), 0, "%s", e.why);
	cr_assert(offs[NSLAB_CLOCK_MONOTONIC] == 100 && offs[NSLAB_CLOCK_BOOTTIME] == 0);
	cr_assert_eq(nslab_parse_time_offsets("boottime=-5,monotonic=3600", offs, &e), 0, "%s", e.why);
	cr_assert(offs[NSLAB_CLOCK_MONOTONIC] == 3600 && offs[NSLAB_CLOCK_BOOTTIME] == -5);
	cr_assert_eq(nslab_parse_time_offsets("monotonic=4294967296", offs, &e), 0, "%s", e.why);
	cr_assert_eq(nslab_parse_time_offsets("monotonic=-4294967296", offs, &e), 0, "%s", e.why);
}

Test(spec_time, rejects_bad_offsets)
{
	static const char *const bad[] = {
		"", "monotonic", "monotonic=", "=5", "realtime=5", "monotonic=abc", "monotonic=1.5",
		"monotonic=5s", "monotonic=4294967297", "monotonic=-4294967297",
		"monotonic=99999999999999999999999", "monotonic=1,monotonic=2", "MONOTONIC=1",
		"monotonic=+1",
	};

	for (size_t i = 0; i < N_ELEMENTS(bad); i++) {
		long long offs[NSLAB_CLOCK_COUNT] = { 0 };
		struct nslab_error e = { 0 };

		cr_expect_eq(nslab_parse_time_offsets(bad[i], offs, &e), -EINVAL, "'%s' accepted", bad[i]);
		cr_expect_str_eq(e.what, "--time-offset");
	}
}

TestSuite(spec_join, .timeout = 60);

/* ---- --join and --net ---- */

Test(spec_join, type_and_path)
{
	const char *join[NSLAB_NS_COUNT] = { NULL };
	struct nslab_error e = { 0 };

	cr_assert_eq(nslab_parse_join("net=/run/netns/a", join, &e), 0, "%s", e.why);
	cr_assert_str_eq(join[NSLAB_NS_NET], "/run/netns/a");
	cr_assert_eq(nslab_parse_join("uts=/proc/1/ns/uts", join, &e), 0, "%s", e.why);
	cr_assert_str_eq(join[NSLAB_NS_UTS], "/proc/1/ns/uts");
	/* nsenter's spelling of the type works too. */
	cr_assert_eq(nslab_parse_join("mount=/x=y", join, &e), 0, "%s", e.why);
	cr_assert_str_eq(join[NSLAB_NS_MNT], "/x=y");
}

Test(spec_join, rejects_bad_items)
{
	static const char *const bad[] = { "", "net", "net=", "=/x", "bogus=/x", "NET=/x",
					   "averyveryverylongtypename=/x" };
	const char *join[NSLAB_NS_COUNT] = { NULL };
	struct nslab_error e = { 0 };

	for (size_t i = 0; i < N_ELEMENTS(bad); i++) {
		cr_expect_eq(nslab_parse_join(bad[i], join, &e), -EINVAL, "'%s' accepted", bad[i]);
		cr_expect_str_eq(e.what, "--join");
	}
	for (int t = 0; t < NSLAB_NS_COUNT; t++)
		cr_expect_null(join[t]);
	cr_assert_eq(nslab_parse_join("ipc=/a", join, &e), 0);
	cr_assert_eq(nslab_parse_join("ipc=/b", join, &e), -EINVAL, "a type given twice");
	cr_assert_str_eq(join[NSLAB_NS_IPC], "/a");
}

TestSuite(spec_net, .timeout = 60);

Test(spec_net, modes)
{
	struct nslab_net net = { .mode = NSLAB_NET_NONE };
	struct nslab_error e = { 0 };

	cr_assert_eq(nslab_parse_net("loopback", &net, &e), 0);
	cr_assert_eq(net.mode, NSLAB_NET_LOOPBACK);
	cr_assert_eq(nslab_parse_net("none", &net, &e), 0);
	cr_assert_eq(net.mode, NSLAB_NET_NONE);
	cr_assert_eq(nslab_parse_net("bogus", &net, &e), -EINVAL);
	cr_assert_eq(nslab_parse_net("", &net, &e), -EINVAL);
	cr_assert_eq(nslab_parse_net("Loopback", &net, &e), -EINVAL);
	cr_assert_eq(nslab_parse_net("vethx", &net, &e), -EINVAL);
	cr_assert_eq(net.mode, NSLAB_NET_NONE);
	cr_assert_str_eq(e.what, "--net");
}

Test(spec_net, veth_addresses)
{
	struct nslab_net net = { .mode = NSLAB_NET_NONE };
	struct nslab_error e = { 0 };

	cr_assert_eq(nslab_parse_net("veth", &net, &e), 0);
	cr_assert_eq(net.mode, NSLAB_NET_VETH);
	cr_assert_eq(net.n_addr + net.n_peer, 0);
	cr_assert_eq(nslab_parse_net("veth=198.51.100.2/24,2001:db8::2/64,peer=198.51.100.1/24,mtu=1400",
				     &net, &e), 0);
	cr_assert_eq(net.n_addr, 2);
	cr_assert_eq(net.addr[0].family, AF_INET);
	cr_assert_eq(net.addr[1].family, AF_INET6);
	cr_assert_str_eq(net.addr[1].text, "2001:db8::2/64");
	cr_assert_eq(net.n_peer, 1);
	cr_assert_str_eq(net.peer[0].text, "198.51.100.1/24");
	cr_assert_eq(net.mtu, 1400);

	/* The addresses are optional, the options after them are not tied to them. */
	net.mtu = 0;
	cr_assert_eq(nslab_parse_net("veth,mtu=1400", &net, &e), 0, "%s", e.why);
	cr_assert_eq(net.n_addr + net.n_peer, 0);
	cr_assert_eq(net.mtu, 1400);
	cr_assert_eq(nslab_parse_net("veth,peer=198.51.100.1/24", &net, &e), 0, "%s", e.why);
	cr_assert_eq(net.n_addr, 0);
	cr_assert_eq(net.n_peer, 1);
}

Test(spec_net, veth_rejects_malformed)
{
	static const char *const bad[] = {
		"veth=198.51.100.2", "veth=198.51.100.2/33", "veth=2001:db8::2/129",
		"veth=198.51.100.300/24", "veth=peer=", "veth=198.51.100.2/24,mtu=10",
		"veth=198.51.100.2/-1", "veth=,", "veth,", "veth,,mtu=1400",
	};

	for (size_t i = 0; i < N_ELEMENTS(bad); i++) {
		struct nslab_net net = { .mode = NSLAB_NET_NONE };
		struct nslab_error e = { 0 };

		cr_assert_eq(nslab_parse_net(bad[i], &net, &e), -EINVAL, "accepted '%s'", bad[i]);
		cr_assert_str_eq(e.what, "--net");
	}
}

TestSuite(spec_name, .timeout = 60);

/* ---- names ---- */

Test(spec_name, valid_and_invalid)
{
	static const char *const good[] = { "a", "web-1", "A.b_c-9", "0abc",
		/* podman's ids */
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" /* 64 */ };
	static const char *const bad[] = { "", "-a", ".a", "_a", "../x", "a/b", "a b", "a\n",
		"ä", "a:b", ".",
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0" /* 65 */ };

	for (size_t i = 0; i < N_ELEMENTS(good); i++)
		cr_expect(nslab_name_valid(good[i]), "'%s' refused", good[i]);
	for (size_t i = 0; i < N_ELEMENTS(bad); i++)
		cr_expect_not(nslab_name_valid(bad[i]), "'%s' accepted", bad[i]);
}

/* ---- the record kept at exit ---- */

TestSuite(spec_record, .timeout = 60);

/* Docker's docker run -d keeps the exited container; foreground runs keep only what holds ns files. */
Test(spec_record, kept_when_detached_or_persisting_unless_rm)
{
	struct nslab_spec spec;

	nslab_spec_init(&spec);
	cr_assert_not(nslab_spec_keeps_record(&spec), "a foreground run keeps its record");
	spec.detach = true;
	cr_assert(nslab_spec_keeps_record(&spec), "-d keeps no record");
	spec.remove = true;
	cr_assert_not(nslab_spec_keeps_record(&spec), "-d --rm keeps its record");

	nslab_spec_init(&spec);
	spec.persist_dir = "/tmp";
	cr_assert(nslab_spec_keeps_record(&spec), "--persist DIR keeps no record");
	nslab_spec_init(&spec);
	spec.persist_path[NSLAB_NS_NET] = "/run/netns/x";
	cr_assert(nslab_spec_keeps_record(&spec), "--persist net=PATH keeps no record");
	spec.remove = true;
	cr_assert_not(nslab_spec_keeps_record(&spec), "--persist --rm keeps its record");
}

/* ---- nslab_spec_finish ---- */

static char rootfs[] = "/tmp/nslab-unit-rootfs-XXXXXX";
static char *const true_argv[] = { "true", NULL };

/* A minimal rootfs: the three mount points the check wants, nothing else. */
static void make_rootfs(void)
{
	char path[PATH_MAX];

	cr_assert_not_null(mkdtemp(rootfs));
	for (const char *const *d = (const char *const[]){ "proc", "dev", "sys", NULL }; *d; d++) {
		snprintf(path, sizeof(path), "%s/%s", rootfs, *d);
		cr_assert_eq(mkdir(path, 0755), 0);
	}
}

static void remove_rootfs(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", rootfs);
	cr_expect_eq(system(cmd), 0);
}

TestSuite(spec_finish, .init = make_rootfs, .fini = remove_rootfs, .timeout = 60);

static void good_spec(struct nslab_spec *spec)
{
	nslab_spec_init(spec);
	spec->rootfs = rootfs;
	spec->argv = true_argv;
}

static void expect_refused(struct nslab_spec *spec, const char *what)
{
	struct nslab_error e = { 0 };

	cr_assert_lt(nslab_spec_finish(spec, &e), 0, "accepted; wanted a '%s' error", what);
	cr_assert_str_eq(e.what, what, "error: %s: %s", e.what, e.why);
	cr_assert_neq(e.why[0], '\0');
}

Test(spec_finish, defaults_filled_in)
{
	struct nslab_spec spec;
	struct nslab_error e = { 0 };

	good_spec(&spec);
	cr_assert_eq(nslab_spec_finish(&spec, &e), 0, "%s: %s", e.what, e.why);
	cr_assert(nslab_name_valid(spec.name), "generated name '%s'", spec.name);
	cr_assert_eq(strncmp(spec.name, "nslab-", 6), 0, "generated name '%s'", spec.name);
	cr_assert_str_eq(spec.hostname, spec.name, "the hostname defaults to the name");
	cr_assert_eq(spec.n_uid_map, 1);
	cr_assert_eq(spec.n_gid_map, 1);
	cr_assert_eq(spec.uid_map[0].inside, 0);
	if (geteuid() == 0) {
		cr_assert(spec.uid_map[0].outside == NSLAB_DEFAULT_MAP_BASE &&
			  spec.uid_map[0].count == NSLAB_DEFAULT_MAP_COUNT);
		cr_assert(spec.gid_map[0].outside == NSLAB_DEFAULT_MAP_BASE &&
			  spec.gid_map[0].count == NSLAB_DEFAULT_MAP_COUNT);
	} else {
		cr_assert(spec.uid_map[0].outside == geteuid() && spec.uid_map[0].count == 1);
		cr_assert(spec.gid_map[0].outside == getegid() && spec.gid_map[0].count == 1);
	}
}

Test(spec_finish, two_generated_names_differ)
{
	struct nslab_spec a, b;
	struct nslab_error e = { 0 };

	good_spec(&a);
	good_spec(&b);
	cr_assert_eq(nslab_spec_finish(&a, &e), 0, "%s", e.why);
	cr_assert_eq(nslab_spec_finish(&b, &e), 0, "%s", e.why);
	cr_assert_str_neq(a.name, b.name);
}

Test(spec_finish, no_command)
{
	static char *const empty[] = { NULL };
	struct nslab_spec spec;

	good_spec(&spec);
	spec.argv = empty;
	expect_refused(&spec, "run");
	good_spec(&spec);
	spec.argv = NULL;
	expect_refused(&spec, "run");
}

Test(spec_finish, bad_name)
{
	struct nslab_spec spec;

	good_spec(&spec);
	strcpy(spec.name, "../x");
	expect_refused(&spec, "--name");
}

/* Without mnt: the host's root, so no rootfs, and each option that needs a root of its own refused. */
Test(spec_finish, without_mnt_no_root_of_its_own)
{
	struct nslab_spec spec;
	struct nslab_error e = { 0 };

	nslab_spec_init(&spec);
	spec.argv = true_argv;
	spec.ns = NSLAB_NS_BIT(NSLAB_NS_UTS);
	cr_assert_eq(nslab_spec_finish(&spec, &e), 0, "%s: %s", e.what, e.why);
	cr_assert_null(spec.rootfs, "a rootfs was chosen: %s", spec.rootfs);
	good_spec(&spec);
	spec.ns = NSLAB_NS_ALL & ~NSLAB_NS_BIT(NSLAB_NS_MNT);
	expect_refused(&spec, "--rootfs");
	nslab_spec_init(&spec);
	spec.argv = true_argv;
	spec.ns = NSLAB_NS_ALL & ~NSLAB_NS_BIT(NSLAB_NS_MNT);
	cr_assert_eq(nslab_spec_finish(&spec, &e), 0, "%s: %s", e.what, e.why);
	cr_assert_not(spec.idmap_root, "no root to idmap");
	spec.overlay = false;
	expect_refused(&spec, "--no-overlay");
	spec.overlay = true;
	spec.read_only = true;
	expect_refused(&spec, "--read-only");
}

Test(spec_finish, maps_need_user_namespace)
{
	struct nslab_spec spec;
	struct nslab_error e = { 0 };

	good_spec(&spec);
	spec.ns &= ~NSLAB_NS_BIT(NSLAB_NS_USER);
	cr_assert_eq(nslab_parse_idmap("0:100000:1", spec.uid_map, &spec.n_uid_map, &e, "--uid-map"), 0);
	expect_refused(&spec, "--uid-map");

	good_spec(&spec);
	spec.ns &= ~NSLAB_NS_BIT(NSLAB_NS_USER);
	cr_assert_eq(nslab_parse_idmap("0:100000:1", spec.gid_map, &spec.n_gid_map, &e, "--gid-map"), 0);
	expect_refused(&spec, "--uid-map");

	/* Control: the same map with the user namespace is fine. */
	good_spec(&spec);
	cr_assert_eq(nslab_parse_idmap("0:100000:1", spec.uid_map, &spec.n_uid_map, &e, "--uid-map"), 0);
	cr_assert_eq(nslab_spec_finish(&spec, &e), 0, "%s: %s", e.what, e.why);
}

Test(spec_finish, user_must_be_mapped)
{
	struct nslab_spec spec;
	struct nslab_error e = { 0 };

	good_spec(&spec);
	cr_assert_eq(nslab_parse_idmap("0:100000:10", spec.uid_map, &spec.n_uid_map, &e, "--uid-map"), 0);
	cr_assert_eq(nslab_parse_idmap("0:100000:10", spec.gid_map, &spec.n_gid_map, &e, "--gid-map"), 0);
	spec.user_set = true;
	spec.uid = 10;
	spec.gid = 0;
	expect_refused(&spec, "--user");
	spec.uid = 0;
	spec.gid = 10;
	expect_refused(&spec, "--user");
	spec.uid = 9;
	spec.gid = 9;
	cr_assert_eq(nslab_spec_finish(&spec, &e), 0, "%s: %s", e.what, e.why);
}

Test(spec_finish, hostname_needs_uts)
{
	struct nslab_spec spec;

	good_spec(&spec);
	spec.ns &= ~NSLAB_NS_BIT(NSLAB_NS_UTS);
	spec.hostname = "box";
	expect_refused(&spec, "--hostname");
	good_spec(&spec);
	spec.ns &= ~NSLAB_NS_BIT(NSLAB_NS_UTS);
	spec.domainname = "example";
	expect_refused(&spec, "--hostname");
}

Test(spec_finish, hostname_length)
{
	char long_name[66];
	struct nslab_spec spec;
	struct nslab_error e = { 0 };

	memset(long_name, 'h', 65);
	long_name[65] = '\0';
	good_spec(&spec);
	spec.hostname = long_name;
	expect_refused(&spec, "--hostname");
	good_spec(&spec);
	spec.hostname = "";
	expect_refused(&spec, "--hostname");
	good_spec(&spec);
	spec.domainname = long_name;
	expect_refused(&spec, "--domainname");
	long_name[64] = '\0';
	good_spec(&spec);
	spec.hostname = long_name;
	cr_assert_eq(nslab_spec_finish(&spec, &e), 0, "64 characters: %s", e.why);
}

Test(spec_finish, time_offsets_need_time_ns_and_positive_clocks)
{
	struct nslab_spec spec;
	struct nslab_error e = { 0 };

	good_spec(&spec);
	spec.ns &= ~NSLAB_NS_BIT(NSLAB_NS_TIME);
	spec.time_offset[NSLAB_CLOCK_MONOTONIC] = 5;
	expect_refused(&spec, "--time-offset");
	/* Further back than the machine's uptime would make the clock negative. */
	good_spec(&spec);
	spec.time_offset[NSLAB_CLOCK_BOOTTIME] = -(1LL << 32);
	expect_refused(&spec, "--time-offset");
	good_spec(&spec);
	spec.time_offset[NSLAB_CLOCK_MONOTONIC] = 3600;
	spec.time_offset[NSLAB_CLOCK_BOOTTIME] = -1;
	cr_assert_eq(nslab_spec_finish(&spec, &e), 0, "%s: %s", e.what, e.why);
}

Test(spec_finish, rootfs_missing_file_or_incomplete)
{
	char path[PATH_MAX];
	struct nslab_spec spec;

	good_spec(&spec);
	spec.rootfs = "/nonexistent/nslab-rootfs";
	expect_refused(&spec, "rootfs");
	good_spec(&spec);
	spec.rootfs = "/proc/self/status";
	expect_refused(&spec, "rootfs");
	snprintf(path, sizeof(path), "%s/sys", rootfs);
	cr_assert_eq(rmdir(path), 0);
	good_spec(&spec);
	expect_refused(&spec, "rootfs");
}

Test(spec_finish, rootfs_with_symlinked_proc_refused)
{
	char path[PATH_MAX];
	struct nslab_spec spec;

	snprintf(path, sizeof(path), "%s/proc", rootfs);
	cr_assert_eq(rmdir(path), 0);
	cr_assert_eq(symlink("/proc", path), 0);
	good_spec(&spec);
	expect_refused(&spec, "rootfs");
}

Test(spec_finish, persist_dir_must_be_a_directory)
{
	struct nslab_spec spec;
	struct nslab_error e = { 0 };

	good_spec(&spec);
	spec.persist_dir = "/proc/self/status";
	expect_refused(&spec, "--persist");
	good_spec(&spec);
	spec.persist_dir = "/nonexistent/nslab";
	expect_refused(&spec, "--persist");
	good_spec(&spec);
	spec.persist_dir = rootfs;
	cr_assert_eq(nslab_spec_finish(&spec, &e), 0, "%s: %s", e.what, e.why);
}

Test(spec_finish, joins_are_checked)
{
	struct nslab_spec spec;
	struct nslab_error e = { 0 };

	good_spec(&spec);
	spec.join[NSLAB_NS_NET] = "/proc/self/status";
	expect_refused(&spec, "--join");
	good_spec(&spec);
	spec.join[NSLAB_NS_NET] = "/proc/self/ns/uts";
	expect_refused(&spec, "--join");
	good_spec(&spec);
	spec.join[NSLAB_NS_NET] = "/nonexistent";
	expect_refused(&spec, "--join");
	for (int t = 0; t < NSLAB_NS_COUNT; t++) {
		if (t != NSLAB_NS_USER && t != NSLAB_NS_MNT && t != NSLAB_NS_PID)
			continue;
		good_spec(&spec);
		spec.join[t] = "/proc/self/ns/net";
		expect_refused(&spec, "--join");
	}
	/* A joined user namespace has its own maps: none may be given. */
	good_spec(&spec);
	spec.join[NSLAB_NS_USER] = "/proc/self/ns/user";
	cr_assert_eq(nslab_spec_finish(&spec, &e), 0, "%s: %s", e.what, e.why);
	cr_assert_eq(spec.n_uid_map, 0);
	cr_assert_not(spec.idmap_root);
	good_spec(&spec);
	spec.join[NSLAB_NS_USER] = "/proc/self/ns/user";
	cr_assert_eq(nslab_parse_idmap("0:100000:1", spec.uid_map, &spec.n_uid_map, &e, "--uid-map"), 0);
	expect_refused(&spec, "--uid-map");
	/* pid and mnt are joined; a joined mnt namespace's root is the root, so no --rootfs. */
	nslab_spec_init(&spec);
	spec.argv = true_argv;
	spec.join[NSLAB_NS_PID] = "/proc/self/ns/pid";
	spec.join[NSLAB_NS_MNT] = "/proc/self/ns/mnt";
	cr_assert_eq(nslab_spec_finish(&spec, &e), 0, "%s: %s", e.what, e.why);
	cr_assert_eq(spec.ns, NSLAB_NS_ALL & ~NSLAB_NS_BIT(NSLAB_NS_PID) & ~NSLAB_NS_BIT(NSLAB_NS_MNT));
	spec.rootfs = rootfs;
	expect_refused(&spec, "--rootfs");
	/* A joined namespace is entered, not created. */
	good_spec(&spec);
	spec.join[NSLAB_NS_NET] = "/proc/self/ns/net";
	cr_assert_eq(nslab_spec_finish(&spec, &e), 0, "%s: %s", e.what, e.why);
	cr_assert_eq(spec.ns, NSLAB_NS_ALL & ~NSLAB_NS_BIT(NSLAB_NS_NET));
}
