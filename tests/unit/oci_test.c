// SPDX-License-Identifier: GPL-2.0
/* config.json into the one spec (oci.c): each honoured field lands, each refused one is named. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bundle.h"
#include "json.h"
#include "oci.h"

struct parsed {
	struct nslab_spec spec;
	struct nslab_oci oci;
	struct nslab_error e;
	int ret;
};

/* `nslab spec`'s document with @patch merged in, parsed for container c1 of @bundle. */
static void parse_in(struct parsed *p, const char *bundle, const char *patch)
{
	json_object *doc = nslab_oci_default_config(false), *over = json_tokener_parse(patch);

	cr_assert_not_null(doc);
	cr_assert_not_null(over, "bad test patch: %s", patch);
	bundle_merge(doc, over);
	memset(p, 0, sizeof(*p));
	nslab_spec_init(&p->spec);
	p->ret = nslab_oci_parse(json_object_to_json_string(doc), bundle, "c1", &p->spec, &p->oci, &p->e);
	json_object_put(over);
	json_object_put(doc);
}

/* The same for the bundle /b. */
static void parse_patch(struct parsed *p, const char *patch)
{
	parse_in(p, "/b", patch);
}

static void done(struct parsed *p)
{
	nslab_seccomp_release(&p->spec.seccomp);
	nslab_oci_free(&p->oci);
}

static void accepted(struct parsed *p, const char *patch)
{
	parse_patch(p, patch);
	cr_assert_eq(p->ret, 0, "%s refused: %s: %s", patch, p->e.what, p->e.why);
}

TestSuite(oci_parse, .timeout = 60);
TestSuite(oci_refuse, .timeout = 60);

/* ---- the default document loads back as nslab run's defaults ---- */

Test(oci_parse, spec_round_trip)
{
	struct parsed p;

	accepted(&p, "{}");
	cr_assert_eq(p.spec.ns, NSLAB_NS_ALL);
	cr_assert_eq(nslab_caps_resolve(p.spec.cap_add, p.spec.cap_drop), nslab_caps_default());
	cr_assert_str_eq(p.spec.argv[0], "sh");
	cr_assert_null(p.spec.argv[1]);
	cr_assert_str_eq(p.spec.rootfs, "/b/rootfs");
	cr_assert_str_eq(p.spec.name, "c1");
	cr_assert_str_eq(p.spec.hostname, "nslab");
	cr_assert(!p.spec.read_only && p.spec.no_new_privs && !p.spec.tty);
	cr_assert(p.spec.user_set && p.spec.uid == 0 && p.spec.gid == 0);
	cr_assert_eq(p.spec.seccomp.mode, NSLAB_SECCOMP_DEFAULT);
	cr_assert_eq(p.spec.net.mode, NSLAB_NET_LOOPBACK);
	cr_assert_eq(p.spec.n_env, 1);
	cr_assert_eq(strncmp(p.spec.env[0], "PATH=", 5), 0);
	cr_assert(p.spec.env_exact);
	cr_assert_eq(p.spec.n_mounts, 0);	/* the standard ones, the cgroup one too, are nslab's */
	cr_assert_null(p.spec.workdir);
	cr_assert_eq(p.spec.n_rlimits, 0);
	/* As root nslab's own default maps, left for nslab_spec_finish (idmapped root). */
	if (geteuid() == 0)
		cr_assert_eq(p.spec.n_uid_map + p.spec.n_gid_map, 0);
	done(&p);
}

Test(oci_parse, rootless_spec_maps_the_caller)
{
	json_object *doc = nslab_oci_default_config(true);
	struct parsed p = { 0 };

	nslab_spec_init(&p.spec);
	cr_assert_eq(nslab_oci_parse(json_object_to_json_string(doc), "/b", "c1", &p.spec, &p.oci, &p.e), 0,
		     "%s", p.e.why);
	cr_assert_eq(p.spec.n_uid_map, 1);
	cr_assert(p.spec.uid_map[0].inside == 0 && p.spec.uid_map[0].outside == geteuid() &&
		  p.spec.uid_map[0].count == 1);
	cr_assert(p.spec.gid_map[0].outside == getegid() && p.spec.n_gid_map == 1);
	json_object_put(doc);
	done(&p);
}

/* ---- each honoured field lands in the spec ---- */

Test(oci_parse, root_and_process)
{
	struct parsed p;

	accepted(&p, "{\"root\":{\"path\":\"/abs/root\",\"readonly\":true},"
		     "\"process\":{\"args\":[\"echo\",\"hi\"],\"env\":[\"A=1\",\"B=2\"],\"terminal\":true,"
		     "\"user\":{\"uid\":1000,\"gid\":100,\"additionalGids\":[5,6]},\"noNewPrivileges\":false,"
		     "\"capabilities\":{\"bounding\":[],\"effective\":[],\"permitted\":[]}},"
		     "\"hostname\":\"h1\",\"domainname\":\"d1\",\"annotations\":{\"k\":\"v\"}}");
	cr_assert_str_eq(p.spec.rootfs, "/abs/root");
	cr_assert(p.spec.read_only);
	cr_assert(!strcmp(p.spec.argv[0], "echo") && !strcmp(p.spec.argv[1], "hi") && !p.spec.argv[2]);
	cr_assert(p.spec.n_env == 2 && !strcmp(p.spec.env[1], "B=2"));
	cr_assert(p.spec.tty && p.spec.interactive);
	cr_assert(p.spec.user_set && p.spec.uid == 1000 && p.spec.gid == 100);
	cr_assert(p.spec.n_groups == 2 && p.spec.groups[0] == 5 && p.spec.groups[1] == 6);
	cr_assert(!p.spec.no_new_privs);
	cr_assert_eq(nslab_caps_resolve(p.spec.cap_add, p.spec.cap_drop), 0);
	cr_assert_str_eq(p.spec.hostname, "h1");
	cr_assert_str_eq(p.spec.domainname, "d1");
	done(&p);
}

Test(oci_parse, capabilities_are_the_bounding_set)
{
	struct parsed p;

	accepted(&p, "{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_KILL\",\"CAP_NET_ADMIN\"],"
		     "\"effective\":[\"CAP_KILL\",\"CAP_NET_ADMIN\"],\"permitted\":[\"CAP_NET_ADMIN\",\"CAP_KILL\"],"
		     "\"inheritable\":[],\"ambient\":[]}}}");
	cr_assert_eq(nslab_caps_resolve(p.spec.cap_add, p.spec.cap_drop),
		     (1ULL << nslab_cap_from_name("KILL")) | (1ULL << nslab_cap_from_name("NET_ADMIN")));
	cr_assert_not(p.spec.cap_sets_given, "nslab's model: Docker's sets for the uid");
	done(&p);
	/* Beyond nslab's model (runtime-tools' default: all five alike): the sets as given. */
	accepted(&p, "{\"process\":{\"user\":{\"uid\":1000},\"capabilities\":{\"bounding\":[\"CAP_KILL\","
		     "\"CAP_CHOWN\"],\"effective\":[\"CAP_KILL\"],\"permitted\":[\"CAP_KILL\",\"CAP_CHOWN\"],"
		     "\"inheritable\":[\"CAP_KILL\"],\"ambient\":[\"CAP_KILL\"]}}}");
	cr_assert(p.spec.cap_sets_given);
	cr_assert(p.spec.cap_sets.effective == 1ULL << nslab_cap_from_name("KILL") &&
		  p.spec.cap_sets.ambient == 1ULL << nslab_cap_from_name("KILL") &&
		  p.spec.cap_sets.permitted == ((1ULL << nslab_cap_from_name("KILL")) |
						(1ULL << nslab_cap_from_name("CHOWN"))));
	done(&p);
	/* Absent: none at all (the spec's meaning), not Docker's default. */
	accepted(&p, "{\"process\":{\"capabilities\":null}}");
	cr_assert_eq(nslab_caps_resolve(p.spec.cap_add, p.spec.cap_drop), 0);
	done(&p);
}

Test(oci_parse, namespaces_joins_and_maps)
{
	struct parsed p;

	accepted(&p, "{\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"pid\"},{\"type\":\"user\"},"
		     "{\"type\":\"network\",\"path\":\"/run/netns/x\"}],"
		     "\"uidMappings\":[{\"containerID\":0,\"hostID\":200000,\"size\":1000},"
		     "{\"containerID\":1000,\"hostID\":300000,\"size\":10}],"
		     "\"gidMappings\":[{\"containerID\":0,\"hostID\":200000,\"size\":1010}]},\"hostname\":null}");
	cr_assert_eq(p.spec.ns, NSLAB_NS_BIT(NSLAB_NS_MNT) | NSLAB_NS_BIT(NSLAB_NS_PID) |
		     NSLAB_NS_BIT(NSLAB_NS_USER));
	cr_assert_str_eq(p.spec.join[NSLAB_NS_NET], "/run/netns/x");
	cr_assert_null(p.spec.join[NSLAB_NS_UTS]);
	cr_assert_eq(p.spec.n_uid_map, 2);
	cr_assert(p.spec.uid_map[1].inside == 1000 && p.spec.uid_map[1].outside == 300000 &&
		  p.spec.uid_map[1].count == 10);
	cr_assert(p.spec.n_gid_map == 1 && p.spec.gid_map[0].count == 1010);
	/* No new network namespace: nothing to bring up. */
	cr_assert_eq(p.spec.net.mode, NSLAB_NET_NONE);
	done(&p);
}

Test(oci_parse, time_offsets)
{
	struct parsed p;

	accepted(&p, "{\"linux\":{\"timeOffsets\":{\"monotonic\":{\"secs\":86400},"
		     "\"boottime\":{\"secs\":-1,\"nanosecs\":0}}}}");
	cr_assert_eq(p.spec.time_offset[NSLAB_CLOCK_MONOTONIC], 86400);
	cr_assert_eq(p.spec.time_offset[NSLAB_CLOCK_BOOTTIME], -1);
	done(&p);
}

Test(oci_parse, resources)
{
	struct parsed p;

	accepted(&p, "{\"linux\":{\"resources\":{\"memory\":{\"limit\":67108864,\"swap\":134217728},"
		     "\"cpu\":{\"shares\":1024,\"quota\":50000,\"period\":100000,\"cpus\":\"0\"},"
		     "\"pids\":{\"limit\":32},\"blockIO\":{\"weight\":500},"
		     "\"devices\":[{\"allow\":false,\"access\":\"rwm\"}]},\"cgroupsPath\":\"/lab/c1\"}}");
	cr_assert_eq(p.spec.limits.memory, 64LL << 20);
	cr_assert_eq(p.spec.limits.memory_swap, 128LL << 20);
	/* Kept on OCI's scale, exact on v1; the v2 driver converts it (1024 is weight 39). */
	cr_assert_eq(p.spec.limits.cpu_shares, 1024);
	cr_assert_eq(p.spec.limits.cpu_weight, -1);
	cr_assert(p.spec.limits.cpu_quota_us == 50000 && p.spec.limits.cpu_period_us == 100000);
	cr_assert_str_eq(p.spec.limits.cpuset, "0");
	cr_assert_eq(p.spec.limits.pids, 32);
	cr_assert_eq(p.spec.limits.io_weight, 1 + 490 * 9999 / 990);
	cr_assert_str_eq(p.spec.cgroup_parent, "lab");
	cr_assert_str_eq(p.spec.cgroup_leaf, "c1");
	done(&p);
	/* podman's cgroupfs manager: a leaf of its own, a parent of two parts; one part is the leaf. */
	accepted(&p, "{\"linux\":{\"cgroupsPath\":\"/machine/libpod_parent/libpod-0af1\"}}");
	cr_assert_str_eq(p.spec.cgroup_parent, "machine/libpod_parent");
	cr_assert_str_eq(p.spec.cgroup_leaf, "libpod-0af1");
	done(&p);
	accepted(&p, "{\"linux\":{\"cgroupsPath\":\"cgrouptest\"}}");
	cr_assert(!p.spec.cgroup_parent && !strcmp(p.spec.cgroup_leaf, "cgrouptest"));
	done(&p);
	/* Absolute: below the hierarchy's root, no parent at all. */
	accepted(&p, "{\"linux\":{\"cgroupsPath\":\"/cgrouptest\"}}");
	cr_assert(!strcmp(p.spec.cgroup_parent, "/") && !strcmp(p.spec.cgroup_leaf, "cgrouptest"));
	done(&p);
	accepted(&p, "{\"linux\":{\"resources\":{\"memory\":{\"reservation\":33554432},"
		     "\"cpu\":{\"mems\":\"0\"}}}}");
	cr_assert_eq(p.spec.limits.memory_reservation, 32LL << 20);
	cr_assert_str_eq(p.spec.limits.cpuset_mems, "0");
	done(&p);
	/* -1 is no limit, nslab's unset. */
	accepted(&p, "{\"linux\":{\"resources\":{\"memory\":{\"limit\":-1},\"pids\":{\"limit\":-1}}}}");
	cr_assert(p.spec.limits.memory == -1 && p.spec.limits.pids == -1);
	done(&p);
}

Test(oci_parse, seccomp_and_masks)
{
	struct parsed p;

	accepted(&p, "{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\","
		     "\"architectures\":[\"SCMP_ARCH_X86_64\"],\"syscalls\":[{\"names\":[\"mkdir\",\"mkdirat\"],"
		     "\"action\":\"SCMP_ACT_ERRNO\",\"errnoRet\":1}]},"
		     "\"maskedPaths\":[\"/proc/kcore\"],\"readonlyPaths\":[\"/proc/sys\",\"/proc/asound\"]}}");
	cr_assert_eq(p.spec.seccomp.mode, NSLAB_SECCOMP_FILE);
	cr_assert_not_null(p.spec.seccomp.profile);
	/* The text `nslab run` saves in the state directory for `nslab exec`. */
	cr_assert_not_null(p.spec.seccomp.text);
	cr_assert_not_null(strstr(p.spec.seccomp.text, "\"defaultAction\":\"SCMP_ACT_ALLOW\""));
	cr_assert_eq(p.spec.seccomp.profile->n_rules, 1);
	cr_assert_str_eq(p.spec.seccomp.profile->rules[0].names, "mkdir mkdirat");
	/* Docker's own paths are applied anyway: nothing beyond them to add. */
	cr_assert(p.spec.n_masked_extra == 0 && p.spec.n_read_only_extra == 0);
	done(&p);
	accepted(&p, "{\"linux\":{\"maskedPaths\":[\"/sys/fs/selinux\",\"/proc/kcore\"],"
		     "\"readonlyPaths\":[\"/etc\"]}}");
	cr_assert(p.spec.n_masked_extra == 1 && !strcmp(p.spec.masked_extra[0], "/sys/fs/selinux"));
	cr_assert(p.spec.n_read_only_extra == 1 && !strcmp(p.spec.read_only_extra[0], "/etc"));
	done(&p);
}

Test(oci_parse, devices_and_allow_rules)
{
	struct parsed p;
	const struct nslab_device *d;

	accepted(&p, "{\"linux\":{\"devices\":[{\"path\":\"/dev/a/b\",\"type\":\"b\",\"major\":8,"
		     "\"minor\":1,\"fileMode\":384,\"uid\":5,\"gid\":6},{\"path\":\"/dev/f\",\"type\":\"p\"},"
		     /* podman's: the host node's st_mode, S_IFCHR | 0620 */
		     "{\"path\":\"/dev/n\",\"type\":\"c\",\"major\":1,\"minor\":3,\"fileMode\":8592}],"
		     "\"resources\":{\"devices\":[{\"allow\":false,\"access\":\"rwm\"},{\"allow\":true,"
		     "\"type\":\"c\",\"major\":10,\"access\":\"r\"}]}}}");
	cr_assert_eq(p.spec.devices.n, 4);
	d = &p.spec.devices.dev[0];
	cr_assert(d->kind == NSLAB_DEVICE_NODE && !strcmp(d->path, "/dev/a/b") &&
		  d->mode == (S_IFBLK | 0600) && d->uid == 5 && d->gid == 6);
	cr_assert(d->rule.type == 'b' && d->rule.major == 8 && d->rule.minor == 1 &&
		  d->rule.access == NSLAB_DEV_RWM);
	d = &p.spec.devices.dev[1];
	cr_assert(d->kind == NSLAB_DEVICE_NODE && d->mode == (S_IFIFO | 0666) && d->rule.type == 0);
	d = &p.spec.devices.dev[2];
	cr_assert(d->kind == NSLAB_DEVICE_NODE && d->mode == (S_IFCHR | 0620) && d->rule.type == 'c');
	d = &p.spec.devices.dev[3];
	cr_assert(d->kind == NSLAB_DEVICE_RULE && d->rule.type == 'c' && d->rule.major == 10 &&
		  d->rule.minor == NSLAB_DEV_WILDCARD && d->rule.access == NSLAB_DEV_READ);
	done(&p);
}

Test(oci_parse, umask_oom_score_console_size_sysctl)
{
	struct parsed p;

	accepted(&p, "{\"process\":{\"user\":{\"uid\":0,\"gid\":0,\"umask\":63},\"oomScoreAdj\":-5,"
		     "\"consoleSize\":{\"height\":24,\"width\":80}},\"linux\":{\"sysctl\":{"
		     "\"net.core.somaxconn\":\"64\",\"fs.mqueue.msg_max\":\"20\"}}}");
	cr_assert_eq(p.spec.umask, 077);
	cr_assert(p.spec.oom_score_set && p.spec.oom_score_adj == -5);
	cr_assert(p.spec.console_rows == 24 && p.spec.console_cols == 80);
	cr_assert_eq(p.spec.n_sysctl, 2);
	cr_assert(!strcmp(p.spec.sysctl[0][0], "net.core.somaxconn") && !strcmp(p.spec.sysctl[0][1], "64"));
	done(&p);
	/* Absent: nslab's umask, the score left alone. */
	accepted(&p, "{}");
	cr_assert(p.spec.umask == -1 && !p.spec.oom_score_set && p.spec.n_sysctl == 0);
	done(&p);
}

Test(oci_parse, cwd_rlimits_and_exact_env)
{
	struct parsed p;

	accepted(&p, "{\"process\":{\"cwd\":\"/srv/w\",\"env\":[\"ONLY=1\"],\"rlimits\":["
		     "{\"type\":\"RLIMIT_NOFILE\",\"soft\":100,\"hard\":200},"
		     "{\"type\":\"RLIMIT_CORE\",\"soft\":0,\"hard\":18446744073709551615},"
		     "{\"type\":\"RLIMIT_AS\",\"soft\":1073741824,\"hard\":2147483648}]}}");
	cr_assert_str_eq(p.spec.workdir, "/srv/w");
	cr_assert(p.spec.env_exact);
	cr_assert(p.spec.n_env == 1 && !strcmp(p.spec.env[0], "ONLY=1") && !p.spec.env[1]);
	cr_assert_eq(p.spec.n_rlimits, 3);
	cr_assert(p.spec.rlimits[2].resource == RLIMIT_AS && p.spec.rlimits[2].hard == 2147483648);
	cr_assert(p.spec.rlimits[0].resource == RLIMIT_NOFILE && p.spec.rlimits[0].soft == 100 &&
		  p.spec.rlimits[0].hard == 200);
	cr_assert(p.spec.rlimits[1].resource == RLIMIT_CORE && p.spec.rlimits[1].soft == 0 &&
		  p.spec.rlimits[1].hard == RLIM_INFINITY);
	done(&p);
}

Test(oci_parse, bind_and_tmpfs_mounts)
{
	struct parsed p;

	parse_in(&p, "/tmp", "{\"mounts\":[{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\","
		     "\"source\":\"cgroup\",\"options\":[\"ro\"]},"
		     "{\"destination\":\"/a\",\"type\":\"bind\",\"source\":\"/tmp\","
		     "\"options\":[\"rbind\",\"ro\",\"nosuid\",\"rprivate\"]},"
		     "{\"destination\":\"/b\",\"type\":\"none\",\"source\":\".\",\"options\":[\"bind\"]},"
		     "{\"destination\":\"/t\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
		     "\"options\":[\"size=1m\",\"mode=750\",\"nodev\"]},"
		     "{\"destination\":\"/u\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
		     "\"options\":[\"rw\",\"rprivate\",\"nosuid\",\"tmpcopyup\"]}]}");
	cr_assert_eq(p.ret, 0, "%s: %s", p.e.what, p.e.why);
	cr_assert_eq(p.spec.n_mounts, 4);
	cr_assert_str_eq(p.spec.mounts[0].type, "bind");
	cr_assert_str_eq(p.spec.mounts[0].source, "/tmp");
	cr_assert_str_eq(p.spec.mounts[0].destination, "/a");
	cr_assert_eq(p.spec.mounts[0].attrs, MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID);
	cr_assert(!p.spec.mounts[0].no_recurse && p.spec.mounts[1].no_recurse);
	/* Relative to the bundle, as runc reads it. */
	cr_assert_str_eq(p.spec.mounts[1].source, "/tmp/.");
	cr_assert_str_eq(p.spec.mounts[1].origin, "mounts[2]");
	cr_assert_str_eq(p.spec.mounts[2].type, "tmpfs");
	cr_assert_str_eq(p.spec.mounts[2].data, "mode=750,size=1048576");
	cr_assert_eq(p.spec.mounts[2].attrs, MOUNT_ATTR_NODEV);
	/* podman's --tmpfs: copied up (runc's tmpcopyup); private as nslab's mounts all are. */
	cr_assert(p.spec.mounts[3].copy_up && !p.spec.mounts[2].copy_up);
	cr_assert_eq(p.spec.mounts[3].attrs, MOUNT_ATTR_NOSUID);
	cr_assert_eq(p.spec.mounts[0].propagation, MS_PRIVATE | MS_REC);
	/* Negative control: without the options, no atime and no propagation of their own. */
	for (int i = 1; i < 3; i++)
		cr_assert(!p.spec.mounts[i].atime && !p.spec.mounts[i].propagation);
	cr_assert_eq(p.spec.root_propagation, 0);
	done(&p);
}

/*
 * Atime and propagation options, the last of each kind standing (a bind's
 * data, which mount(2) ignores, accepted); rootfsPropagation's value.
 */
Test(oci_parse, atime_and_propagation)
{
	struct parsed p;

	parse_in(&p, "/tmp", "{\"linux\":{\"rootfsPropagation\":\"rslave\"},\"mounts\":["
		     "{\"destination\":\"/a\",\"type\":\"bind\",\"source\":\"/tmp\","
		     "\"options\":[\"bind\",\"noatime\",\"strictatime\",\"nodiratime\",\"shared\","
		     "\"mode=755\",\"size=1k\"]},"
		     "{\"destination\":\"/t\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
		     "\"options\":[\"relatime\",\"slave\",\"runbindable\"]}]}");
	cr_assert_eq(p.ret, 0, "%s: %s", p.e.what, p.e.why);
	cr_assert_eq(p.spec.root_propagation, MS_SLAVE | MS_REC);
	cr_assert_eq(p.spec.mounts[0].attrs, MOUNT_ATTR_STRICTATIME | MOUNT_ATTR_NODIRATIME);
	cr_assert(p.spec.mounts[0].atime && p.spec.mounts[0].no_recurse);
	cr_assert_eq(p.spec.mounts[0].propagation, MS_SHARED);
	cr_assert(p.spec.mounts[1].atime && p.spec.mounts[1].attrs == MOUNT_ATTR_RELATIME);
	cr_assert_eq(p.spec.mounts[1].propagation, MS_UNBINDABLE | MS_REC);
	done(&p);
}

Test(oci_parse, versions)
{
	static const char *const ok[] = { "1.0.0", "1.0.2-dev", "1.1.0", "1.2.1", "1.3.0" };
	char patch[64];
	struct parsed p;

	for (size_t i = 0; i < N_ELEMENTS(ok); i++) {
		snprintf(patch, sizeof(patch), "{\"ociVersion\":\"%s\"}", ok[i]);
		accepted(&p, patch);
		done(&p);
	}
}

/* ---- each refused field gives one line naming its JSON path ---- */

static const struct { const char *patch, *why; } refusals[] = {
	{ "{\"process\":{\"capabilities\":{\"inheritable\":[\"CAP_SYS_ADMIN\"]}}}",
	  "process.capabilities.inheritable: must be within bounding" },
	{ "{\"process\":{\"capabilities\":{\"ambient\":[\"CAP_KILL\"]}}}",
	  "process.capabilities.ambient: must be within inheritable" },
	{ "{\"process\":{\"capabilities\":{\"effective\":[\"CAP_SYS_ADMIN\"]}}}",
	  "process.capabilities.effective: must be within permitted" },
	{ "{\"process\":{\"capabilities\":{\"permitted\":[\"CAP_SYS_ADMIN\"],\"effective\":[]}}}",
	  "process.capabilities.permitted: must be within bounding" },
	{ "{\"process\":{\"capabilities\":{\"bounding\":[\"CAP_NOPE\"]}}}",
	  "process.capabilities.bounding[0]: unknown capability" },
	{ "{\"process\":{\"cwd\":\"tmp\"}}", "process.cwd: 'tmp' is not an absolute path" },
	{ "{\"process\":{\"cwd\":\"/a/../b\"}}", "process.cwd: '/a/../b' must not have" },
	{ "{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_NOPE\",\"hard\":1,\"soft\":1}]}}",
	  "process.rlimits[0].type: \"RLIMIT_NOPE\" is not one of" },
	{ "{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1,\"soft\":2}]}}",
	  "process.rlimits[0].soft: exceeds the hard limit" },
	{ "{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"hard\":1,\"soft\":1},"
	  "{\"type\":\"RLIMIT_CORE\",\"hard\":2,\"soft\":2}]}}",
	  "process.rlimits[1].type: \"RLIMIT_CORE\" is given twice" },
	{ "{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"soft\":1}]}}",
	  "process.rlimits[0]: \"hard\" is missing" },
	{ "{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"soft\":-1,\"hard\":1}]}}",
	  "process.rlimits[0].soft: -1 is out of range" },
	{ "{\"process\":{\"oomScoreAdj\":1001}}", "process.oomScoreAdj: 1001 is out of range" },
	{ "{\"process\":{\"apparmorProfile\":\"x\"}}", "process.apparmorProfile: AppArmor" },
	{ "{\"process\":{\"selinuxLabel\":\"x\"}}", "process.selinuxLabel: SELinux" },
	{ "{\"process\":{\"consoleSize\":{\"height\":-1,\"width\":1}}}",
	  "process.consoleSize.height: -1 is out of range" },
	{ "{\"process\":{\"user\":{\"additionalGids\":[-1]}}}",
	  "process.user.additionalGids[0]: -1 is out of range" },
	{ "{\"process\":{\"user\":{\"umask\":512}}}", "process.user.umask: 512 is out of range" },
	{ "{\"process\":{\"frobnicate\":1}}", "process.frobnicate: unknown field" },
	{ "{\"process\":{\"terminal\":\"yes\"}}", "process.terminal: expected boolean" },
	{ "{\"process\":{\"args\":[]}}", "process.args: empty" },
	{ "{\"process\":{\"args\":[\"sh\",1]}}", "process.args[1]: expected a string" },
	{ "{\"process\":{\"env\":[\"NOEQUALS\"]}}", "process.env[0]:" },
	{ "{\"process\":{\"args\":null}}", "process.args: missing" },
	{ "{\"process\":null}", "process.args: missing" },
	{ "{\"root\":null}", "root.path: missing" },
	{ "{\"ociVersion\":null}", "ociVersion: missing" },
	{ "{\"ociVersion\":\"1.3.1\"}", "ociVersion: \"1.3.1\" is not a version" },
	{ "{\"ociVersion\":\"2.0.0\"}", "ociVersion:" },
	{ "{\"hooks\":{\"prestart\":[{\"path\":\"bin/true\"}]}}",
	  "hooks.prestart[0].path: 'bin/true' is not an absolute path" },
	{ "{\"hooks\":{\"poststop\":[{\"path\":\"/bin/true\",\"timeout\":0}]}}",
	  "hooks.poststop[0].timeout: 0 is out of range" },
	{ "{\"hooks\":{\"poststop\":[{\"path\":\"/bin/true\",\"timeout\":-3}]}}",
	  "hooks.poststop[0].timeout: -3 is out of range" },
	{ "{\"hooks\":{\"prestart\":[{\"path\":\"/bin/true\",\"timeout\":\"5\"}]}}",
	  "hooks.prestart[0]: \"timeout\": expected int" },
	{ "{\"hooks\":{\"createRuntime\":[{\"args\":[\"x\"]}]}}",
	  "hooks.createRuntime[0]: \"path\" is missing" },
	{ "{\"hooks\":{\"startContainer\":[{\"path\":\"/bin/true\",\"frob\":1}]}}",
	  "hooks.startContainer[0]: \"frob\": unknown field" },
	{ "{\"hooks\":{\"poststart\":[{\"path\":\"/bin/true\",\"env\":[\"A=1\",\"NOEQ\"]}]}}",
	  "hooks.poststart[0].env[1]: \"NOEQ\" is not KEY=VALUE" },
	{ "{\"hooks\":{\"createContainer\":[{\"path\":\"/bin/true\",\"args\":[1]}]}}",
	  "hooks.createContainer[0].args[0]: expected a string" },
	{ "{\"hooks\":{\"createContainer\":[\"/bin/true\"]}}", "hooks.createContainer[0]: expected an object" },
	{ "{\"hooks\":{\"poststop\":{}}}", "hooks.poststop: expected array" },
	{ "{\"hooks\":{\"later\":[]}}", "hooks.later: unknown field" },
	{ "{\"annotations\":{\"a\":1}}", "annotations: \"a\": expected a string" },
	{ "{\"solaris\":{}}", "solaris: unknown field" },
	{ "{\"linux\":{\"sysctl\":{\"kernel.panic\":\"1\"}}}",
	  "linux.sysctl: kernel.panic: not a namespaced parameter" },
	{ "{\"linux\":{\"sysctl\":{\"net.../x\":\"1\"}}}", "linux.sysctl: net.../x: not a namespaced" },
	{ "{\"linux\":{\"sysctl\":{\"kernel.shmmax\":1}}}", "linux.sysctl: \"kernel.shmmax\": expected a string" },
	{ "{\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"uts\"}],\"uidMappings\":null,\"gidMappings\":null,"
	  "\"sysctl\":{\"net.ipv4.ip_forward\":\"1\"}}}",
	  "linux.sysctl: net.ipv4.ip_forward: the container shares the host's net namespace" },
	{ "{\"linux\":{\"rootfsPropagation\":\"rbogus\"}}",
	  "linux.rootfsPropagation: \"rbogus\" is not [r]shared, [r]slave, [r]private or [r]unbindable" },
	{ "{\"linux\":{\"devices\":[{\"path\":\"/tmp/x\",\"type\":\"c\",\"major\":1,\"minor\":3}]}}",
	  "linux.devices[0]: path \"/tmp/x\" is not a path below /dev/" },
	{ "{\"linux\":{\"devices\":[{\"path\":\"/dev/x\",\"type\":\"q\",\"major\":1,\"minor\":3}]}}",
	  "linux.devices[0]: type \"q\" is not one of" },
	{ "{\"linux\":{\"devices\":[{\"path\":\"/dev/x\",\"type\":\"c\",\"minor\":3}]}}",
	  "linux.devices[0]: \"major\" is missing" },
	{ "{\"linux\":{\"devices\":[{\"path\":\"/dev/x\",\"type\":\"p\",\"fileMode\":65535}]}}",
	  "linux.devices[0]: fileMode 65535 is not a permission mode" },
	/* A fifo's type bits on a character device. */
	{ "{\"linux\":{\"devices\":[{\"path\":\"/dev/x\",\"type\":\"c\",\"major\":1,\"minor\":3,"
	  "\"fileMode\":4534}]}}", "linux.devices[0]: fileMode 4534 is not a permission mode" },
	{ "{\"linux\":{\"frob\":1}}", "linux.frob: unknown field" },
	{ "{\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"pid\"},{\"type\":\"pid\"}]}}",
	  "linux.namespaces[2]: namespace type \"pid\" listed twice" },
	{ "{\"linux\":{\"namespaces\":[{\"type\":\"mount\"},{\"type\":\"nope\"}]}}",
	  "linux.namespaces[1]: unknown namespace type" },
	{ "{\"linux\":{\"namespaces\":[{\"type\":\"pid\"}],\"uidMappings\":null,\"gidMappings\":null},"
	  "\"hostname\":null}", "linux.namespaces: a new mount namespace is needed" },
	{ "{\"linux\":{\"namespaces\":[{\"type\":\"mount\"}]},\"hostname\":null}",
	  "linux.uidMappings: needs a new user namespace" },
	{ "{\"linux\":{\"uidMappings\":null}}", "linux.uidMappings: needed with a new user namespace" },
	{ "{\"linux\":{\"namespaces\":[{\"type\":\"mount\"}],\"uidMappings\":null,\"gidMappings\":null}}",
	  "hostname: needs a new uts namespace" },
	{ "{\"linux\":{\"uidMappings\":[{\"containerID\":0,\"hostID\":1}]}}",
	  "linux.uidMappings[0]: \"size\" is missing" },
	{ "{\"linux\":{\"timeOffsets\":{\"monotonic\":{\"secs\":1,\"nanosecs\":5}}}}",
	  "linux.timeOffsets.monotonic: nanosecs" },
	{ "{\"linux\":{\"timeOffsets\":{\"realtime\":{\"secs\":1}}}}", "linux.timeOffsets: unknown clock" },
	{ "{\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\"},{\"destination\":\"/data\","
	  "\"type\":\"bind\",\"source\":\"/tmp\",\"options\":[\"rshared\",\"rshare\"]}]}",
	  "mounts[1]: option 'rshare' is not supported" },
	{ "{\"mounts\":[{\"destination\":\"/data\",\"type\":\"none\",\"options\":[\"bind\"]}]}",
	  "mounts[0]: \"source\" is missing" },
	{ "{\"mounts\":[{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/nonexistent-o\"}]}",
	  "mounts[0]: source /nonexistent-o: No such file" },
	{ "{\"mounts\":[{\"destination\":\"data\",\"type\":\"bind\",\"source\":\"/tmp\"}]}",
	  "mounts[0]: destination 'data' must be an absolute path" },
	{ "{\"mounts\":[{\"destination\":\"/d\",\"type\":\"bind\",\"source\":\"/tmp\"},"
	  "{\"destination\":\"/d\",\"type\":\"tmpfs\"}]}", "mounts[1]: duplicate mount point /d" },
	{ "{\"mounts\":[{\"destination\":\"/d\",\"type\":\"bind\",\"source\":\"/tmp\","
	  "\"options\":[\"size=1m\",\"=1m\"]}]}", "mounts[0]: option '=1m' is not supported" },
	{ "{\"mounts\":[{\"destination\":\"/t\",\"type\":\"tmpfs\",\"options\":[\"size=x\"]}]}",
	  "mounts[0]: 'x' is not a size" },
	{ "{\"mounts\":[{\"destination\":\"/t\",\"type\":\"tmpfs\",\"options\":[\"mode=9\"]}]}",
	  "mounts[0]: '9' is not an octal mode" },
	{ "{\"mounts\":[{\"destination\":\"/t\",\"type\":\"tmpfs\",\"options\":[\"uid=5\"]}]}",
	  "mounts[0]: option 'uid=5' is not supported" },
	{ "{\"mounts\":[{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup2\",\"source\":\"cgroup\"}]}",
	  "mounts[0]: cgroup2 on /sys/fs/cgroup is not supported" },
	{ "{\"mounts\":[{\"destination\":\"/n\",\"type\":\"nfs\",\"source\":\"h:/x\"}]}",
	  "mounts[0]: nfs on /n is not supported" },
	{ "{\"linux\":{\"maskedPaths\":[\"/proc/kcore\",\"etc/shadow\"]}}",
	  "linux.maskedPaths[1]: 'etc/shadow' is not an absolute path" },
	{ "{\"linux\":{\"readonlyPaths\":[\"/etc/../x\"]}}", "linux.readonlyPaths[0]: '/etc/../x' is not" },
	{ "{\"linux\":{\"resources\":{\"memory\":{\"swappiness\":10}}}}",
	  "linux.resources.memory.swappiness: not supported yet" },
	{ "{\"linux\":{\"resources\":{\"memory\":{\"limit\":4096}}}}", "linux.resources: " },
	{ "{\"linux\":{\"resources\":{\"cpu\":{\"mems\":\"4096\"}}}}",
	  "linux.resources.cpu.mems: memory node 4096 does not exist" },
	{ "{\"linux\":{\"resources\":{\"cpu\":{\"cpus\":\"0-x\"}}}}", "linux.resources.cpu.cpus:" },
	{ "{\"linux\":{\"resources\":{\"pids\":{\"limit\":\"10\"}}}}", "linux.resources.pids.limit: expected int" },
	{ "{\"linux\":{\"resources\":{\"blockIO\":{\"weight\":5}}}}", "linux.resources.blockIO.weight:" },
	{ "{\"linux\":{\"resources\":{\"devices\":[{\"allow\":false,\"type\":\"c\",\"access\":\"rwm\"}]}}}",
	  "linux.resources.devices[0]: a deny rule other than deny-all" },
	{ "{\"linux\":{\"resources\":{\"devices\":[{\"allow\":true,\"access\":\"rwm\"}]}}}",
	  "linux.resources.devices[0]: an allow rule needs type" },
	{ "{\"linux\":{\"resources\":{\"devices\":[{\"allow\":true,\"type\":\"c\",\"access\":\"rx\"}]}}}",
	  "linux.resources.devices[0]: an allow rule needs type" },
	{ "{\"linux\":{\"resources\":{\"unified\":{\"memory.high\":\"1\"}}}}", "linux.resources.unified:" },
	{ "{\"linux\":{\"cgroupsPath\":\"system.slice:nslab:c1\"}}", "linux.cgroupsPath: systemd's" },
	{ "{\"linux\":{\"cgroupsPath\":\"/lab/../x\"}}", "linux.cgroupsPath: \"/lab/../x\" is not" },
	{ "{\"linux\":{\"cgroupsPath\":\"/lab/a b\"}}", "linux.cgroupsPath: \"/lab/a b\" is not" },
	{ "{\"linux\":{\"cgroupsPath\":\"/lab/\"}}", "linux.cgroupsPath: \"/lab/\" is not" },
	{ "{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_NOPE\"}}}",
	  "linux.seccomp: defaultAction: unknown action" },
	{ "{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"syscalls\":[{\"names\":[\"mkdir\"],"
	  "\"action\":\"SCMP_ACT_ERRNO\",\"args\":[{\"index\":0,\"value\":1,\"op\":\"SCMP_CMP_NOPE\"}]}]}}}",
	  "linux.seccomp: syscalls[0].args[0].op: unknown operator" },
};

Test(oci_refuse, each_field_names_its_path)
{
	for (size_t i = 0; i < N_ELEMENTS(refusals); i++) {
		struct parsed p;

		parse_patch(&p, refusals[i].patch);
		cr_expect_eq(p.ret, -EINVAL, "%s accepted", refusals[i].patch);
		cr_expect_eq(p.e.kind, NSLAB_ERR_INPUT, "%s", refusals[i].patch);
		cr_expect_str_eq(p.e.what, "config.json", "%s", refusals[i].patch);
		cr_expect_eq(strncmp(p.e.why, refusals[i].why, strlen(refusals[i].why)), 0,
			     "%s: got '%s', want '%s...'", refusals[i].patch, p.e.why, refusals[i].why);
		cr_expect_null(strchr(p.e.why, '\n'), "more than one line: %s", p.e.why);
		done(&p);
	}
}

Test(oci_refuse, malformed_documents)
{
	static const struct { const char *text, *why; } bad[] = {
		{ "{", "line 1: not JSON" },
		{ "{\"ociVersion\":\"1.2.0\"}\n{}", "line 2: not JSON" },
		{ "[]", "expected an object" },
		{ "", "line 1: not JSON" },
	};

	for (size_t i = 0; i < N_ELEMENTS(bad); i++) {
		struct parsed p = { 0 };

		nslab_spec_init(&p.spec);
		cr_expect_eq(nslab_oci_parse(bad[i].text, "/b", "c1", &p.spec, &p.oci, &p.e), -EINVAL);
		cr_expect_str_eq(p.e.what, "config.json");
		cr_expect_eq(strncmp(p.e.why, bad[i].why, strlen(bad[i].why)), 0, "got '%s'", p.e.why);
		done(&p);
	}
}

Test(oci_refuse, missing_config_and_bad_id)
{
	struct parsed p = { 0 };

	nslab_spec_init(&p.spec);
	cr_assert_eq(nslab_oci_load("/nonexistent-bundle", "c1", &p.spec, &p.oci, &p.e), -ENOENT);
	cr_assert_eq(p.e.kind, NSLAB_ERR_INPUT);
	cr_assert_str_eq(p.e.what, "config.json");
	cr_assert_str_eq(p.e.why, "/nonexistent-bundle/config.json: No such file or directory");
	done(&p);
	nslab_spec_init(&p.spec);
	cr_assert_eq(nslab_oci_parse("{}", "/b", "-bad", &p.spec, &p.oci, &p.e), -EINVAL);
	cr_assert_str_eq(p.e.what, "run");
	done(&p);
}

Test(oci_parse, hooks_in_order_with_their_fields)
{
	const struct nslab_hooks *h;
	struct parsed p;

	accepted(&p, "{\"hooks\":{\"poststop\":[{\"path\":\"/bin/true\"}],"
		 "\"createRuntime\":[{\"path\":\"/h/a\",\"args\":[\"a\",\"-x\"],\"env\":[\"K=V\"],"
		 "\"timeout\":5},{\"path\":\"/h/b\"}],\"prestart\":[]}}");
	h = p.spec.hooks;
	cr_assert_not_null(h);
	cr_assert(nslab_hooks_any(h));
	cr_assert_eq(h->n[NSLAB_HOOK_PRESTART], 0);
	cr_assert_eq(h->n[NSLAB_HOOK_CREATE_RUNTIME], 2);
	cr_assert_eq(h->n[NSLAB_HOOK_POSTSTOP], 1);
	cr_assert_eq(h->n[NSLAB_HOOK_START_CONTAINER], 0);
	cr_assert_str_eq(h->at[NSLAB_HOOK_CREATE_RUNTIME][0].path, "/h/a");
	cr_assert_str_eq(h->at[NSLAB_HOOK_CREATE_RUNTIME][0].argv[1], "-x");
	cr_assert_null(h->at[NSLAB_HOOK_CREATE_RUNTIME][0].argv[2]);
	cr_assert_str_eq(h->at[NSLAB_HOOK_CREATE_RUNTIME][0].env[0], "K=V");
	cr_assert_null(h->at[NSLAB_HOOK_CREATE_RUNTIME][0].env[1]);
	cr_assert_eq(h->at[NSLAB_HOOK_CREATE_RUNTIME][0].timeout, 5);
	/* No args: the path alone as argv[0]; no env: an empty environment; no timeout. */
	cr_assert_str_eq(h->at[NSLAB_HOOK_CREATE_RUNTIME][1].argv[0], "/h/b");
	cr_assert_null(h->at[NSLAB_HOOK_CREATE_RUNTIME][1].argv[1]);
	cr_assert_null(h->at[NSLAB_HOOK_CREATE_RUNTIME][1].env[0]);
	cr_assert_eq(h->at[NSLAB_HOOK_CREATE_RUNTIME][1].timeout, 0);
	done(&p);
	/* Negative control: without "hooks", none. */
	accepted(&p, "{}");
	cr_assert_not(nslab_hooks_any(p.spec.hooks));
	done(&p);
}

Test(oci_parse, annotations_for_the_state)
{
	char big[NSLAB_ANNOTATIONS_MAX + 64];
	struct parsed p;

	accepted(&p, "{\"annotations\":{\"org.x/k\":\"v \\\"q\\\"\"}}");
	cr_assert_str_eq(p.spec.annotations, "{\"org.x/k\":\"v \\\"q\\\"\"}");
	done(&p);
	accepted(&p, "{}");
	cr_assert_null(p.spec.annotations);
	done(&p);
	/* More than the state keeps: refused, not cut. */
	snprintf(big, sizeof(big), "{\"annotations\":{\"k\":\"%0*d\"}}", NSLAB_ANNOTATIONS_MAX, 0);
	parse_patch(&p, big);
	cr_assert_eq(p.ret, -EINVAL);
	cr_assert_eq(strncmp(p.e.why, "annotations: larger than", 24), 0, "%s", p.e.why);
	done(&p);
}

/* @doc's string member @key ("" if absent), and releases nothing. */
static const char *str_of(json_object *doc, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(doc, key, &v) ? json_object_get_string(v) : "";
}

Test(oci_parse, state_document)
{
	static const struct { enum nslab_status status; const char *oci; } map[] = {
		{ NSLAB_CREATED, "creating" }, { NSLAB_WAITING, "created" }, { NSLAB_RUNNING, "running" },
		{ NSLAB_FROZEN, "paused" }, { NSLAB_DEAD, "stopped" }, { NSLAB_EXITED, "stopped" },
	};
	struct nslab_state st = { .pid = 4242 };
	json_object *doc, *ann;

	snprintf(st.name, sizeof(st.name), "c1");
	snprintf(st.bundle, sizeof(st.bundle), "/srv/b");
	snprintf(st.annotations, sizeof(st.annotations), "{\"k\":\"v\"}");
	for (size_t i = 0; i < N_ELEMENTS(map); i++) {
		doc = nslab_oci_state(&st, map[i].status);
		cr_assert_not_null(doc);
		cr_assert_str_eq(str_of(doc, "status"), map[i].oci);
		cr_assert_str_eq(str_of(doc, "ociVersion"), "1.2.0");
		cr_assert_str_eq(str_of(doc, "id"), "c1");
		cr_assert_str_eq(str_of(doc, "bundle"), "/srv/b");
		/* Its pid while it lives, 0 once stopped (it may be another process's by then). */
		cr_assert_str_eq(str_of(doc, "pid"), strcmp(map[i].oci, "stopped") ? "4242" : "0");
		cr_assert(json_object_object_get_ex(doc, "annotations", &ann));
		cr_assert_str_eq(str_of(ann, "k"), "v");
		json_object_put(doc);
	}
	/* None recorded (nslab's own runs): an empty object, not null. */
	st.annotations[0] = '\0';
	doc = nslab_oci_state(&st, NSLAB_RUNNING);
	cr_assert(json_object_object_get_ex(doc, "annotations", &ann));
	cr_assert(json_object_is_type(ann, json_type_object) && !json_object_object_length(ann));
	json_object_put(doc);
}

Test(oci_parse, features_document)
{
	json_object *f = nslab_oci_features(), *l, *v;

	cr_assert_not_null(f);
	cr_assert(json_object_object_get_ex(f, "ociVersionMax", &v));
	cr_assert_str_eq(json_object_get_string(v), "1.3.0");
	cr_assert(json_object_object_get_ex(f, "linux", &l));
	cr_assert(json_object_object_get_ex(l, "namespaces", &v));
	cr_assert_eq(json_object_array_length(v), NSLAB_NS_COUNT);
	cr_assert(json_object_object_get_ex(l, "seccomp", &v));
	/* Every hook point config.json may name, in the lifecycle's order. */
	cr_assert(json_object_object_get_ex(f, "hooks", &v));
	cr_assert_eq(json_object_array_length(v), NSLAB_HOOK_POINTS);
	for (int i = 0; i < NSLAB_HOOK_POINTS; i++)
		cr_assert_str_eq(json_object_get_string(json_object_array_get_idx(v, i)),
				 nslab_hook_name(i));
	cr_assert_str_eq(nslab_hook_name(NSLAB_HOOK_CREATE_RUNTIME), "createRuntime");
	json_object_put(f);
}

/* runc's `exec --process`: the process object alone, read by config.json's readers. */
Test(oci_parse, process_object_alone)
{
	struct parsed p = { 0 };

	cr_assert_eq(nslab_oci_process("{\"args\":[\"id\"],\"env\":[\"A=1\"],\"cwd\":\"/\","
				       "\"user\":{\"uid\":7,\"gid\":8,\"additionalGids\":[9]},"
				       "\"capabilities\":{\"bounding\":[\"CAP_KILL\"]},"
				       "\"noNewPrivileges\":true}",
				       "--process", &p.spec, &p.oci, &p.e), 0, "%s", p.e.why);
	cr_assert(!strcmp(p.spec.argv[0], "id") && !p.spec.argv[1]);
	cr_assert(p.spec.n_env == 1 && !strcmp(p.spec.env[0], "A=1"));
	/* "/" is kept: an exec's default is the container's workdir, not "/". */
	cr_assert_str_eq(p.spec.workdir, "/");
	cr_assert(p.spec.uid == 7 && p.spec.gid == 8 && p.spec.n_groups == 1 && p.spec.groups[0] == 9);
	cr_assert_eq(p.spec.cap_add, 1ULL << nslab_cap_from_name("KILL"));
	cr_assert(p.spec.no_new_privs);
	nslab_oci_free(&p.oci);
	/* The negative control: the same readers refuse, naming the field without "process.". */
	memset(&p, 0, sizeof(p));
	cr_assert_eq(nslab_oci_process("{\"args\":[\"id\"],\"user\":{\"uid\":\"x\"}}", "--process",
				       &p.spec, &p.oci, &p.e), -EINVAL);
	cr_assert_str_eq(p.e.what, "--process");
	cr_assert_str_eq(p.e.why, "user.uid: expected int");
	nslab_oci_free(&p.oci);
	memset(&p, 0, sizeof(p));
	cr_assert_eq(nslab_oci_process("{\"env\":[]}", "--process", &p.spec, &p.oci, &p.e), -EINVAL);
	cr_assert_str_eq(p.e.why, "args: missing: a command is needed");
	nslab_oci_free(&p.oci);
}

/* `nslab update --resources`: the same reader on the object alone. */
static int resources_of(const char *text, struct nslab_limits *l, struct nslab_error *e)
{
	json_object *doc = json_tokener_parse(text);
	int ret;

	cr_assert_not_null(doc, "%s", text);
	nslab_limits_init(l);
	memset(e, 0, sizeof(*e));
	ret = nslab_oci_resources(doc, l, e);
	json_object_put(doc);
	return ret;
}

Test(oci_resources, update_object_read_and_refused)
{
	struct nslab_limits l;
	struct nslab_error e;

	cr_assert_eq(resources_of("{\"memory\":{\"limit\":67108864,\"reservation\":1048576},"
				  "\"cpu\":{\"quota\":20000,\"shares\":512,\"mems\":\"0\"},"
				  "\"pids\":{\"limit\":20}}", &l, &e), 0, "%s", e.why);
	cr_assert(l.memory == 64LL << 20 && l.memory_reservation == 1LL << 20 && l.pids == 20);
	/* An update's quota alone leaves the period the cgroup has. */
	cr_assert(l.cpu_quota_us == 20000 && l.cpu_period_us == -1 && l.cpu_shares == 512);
	cr_assert_str_eq(l.cpuset_mems, "0");
	/* Control: a field nslab does not honour is refused by its path, as --resources's. */
	cr_assert_eq(resources_of("{\"memory\":{\"kernel\":1048576}}", &l, &e), -EINVAL);
	cr_assert_eq(e.kind, NSLAB_ERR_INPUT);
	cr_assert_str_eq(e.what, "--resources");
	cr_assert_str_eq(e.why, "memory.kernel: not supported yet");
	cr_assert_eq(resources_of("{\"hugepageLimits\":[{\"pageSize\":\"2MB\",\"limit\":1}]}", &l, &e),
		     -EINVAL);
	cr_assert_str_eq(e.why, "hugepageLimits: not supported yet");
	cr_assert_eq(resources_of("[]", &l, &e), -EINVAL);
}
