// SPDX-License-Identifier: GPL-2.0
/* Network isolation, docs/conformance.md N1-N2. */
#include <criterion/criterion.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "harness.h"
#include "lab.h"

/* `nslab-probe links` and the /sys/class/net listing, one container run. */
static void links_inside(struct run_result *r, const char *const opts[])
{
	const char *argv[16] = { "run" };
	int n = 0;

	for (; opts[n]; n++)
		argv[n + 1] = opts[n];
	memcpy(argv + n + 1, (const char *[]){ "--", "sh", "-c", "nslab-probe links; ls /sys/class/net", NULL },
	       5 * sizeof(char *));
	nslab_run_argv(r, argv);
	cr_assert_eq(r->code, 0, "nslab failed (%d): %s", r->code, r->err);
}

/* Whether the host's netns has an interface besides lo. */
static bool host_has_others(void)
{
	struct if_nameindex *all = if_nameindex();
	bool others = false;

	cr_assert(all, "if_nameindex failed");
	for (struct if_nameindex *i = all; i->if_index; i++)
		others |= strcmp(i->if_name, "lo") != 0;
	if_freenameindex(all);
	return others;
}

TestSuite(net, .timeout = 120);

Test(net, N1_fresh_netns_has_only_lo)
{
	struct run_result r;

	require_root();
	links_inside(&r, (const char *[]){ NULL });
	cr_assert_str_eq(r.out, "ok lo=up\nlo\n");

	/* --net none: the same lone lo, left down. */
	links_inside(&r, (const char *[]){ "--net", "none", NULL });
	cr_assert_str_eq(r.out, "ok lo=down\nlo\n");

	/* Control: in the host's netns there is more than lo (when the host has more). */
	if (host_has_others()) {
		links_inside(&r, (const char *[]){ "--ns", lab_ns_without("net"), NULL });
		cr_assert_str_neq(r.out, "ok lo=up\nlo\n");
	}
}

static void net_id(const char *out, char *id, size_t size)
{
	const char *v = lab_value(out, "net");

	cr_assert(v, "no net= in %s", out);
	snprintf(id, size, "%s", v);
}

Test(net, N2_host_interfaces_absent)
{
	char host_id[64], id[64], name[IF_NAMESIZE + 2];
	struct run_result in, out;
	struct if_nameindex *host;
	struct stat st;

	require_root();
	if (!host_has_others())
		cr_skip_test("the host has only lo: no host interface to hide");
	cr_assert_eq(stat("/proc/self/ns/net", &st), 0);
	snprintf(host_id, sizeof(host_id), "%lu:%lu", (unsigned long)st.st_dev, (unsigned long)st.st_ino);

	NSLAB(&in, "run", "--", "sh", "-c", "nslab-probe ns-ids; nslab-probe links; ls /sys/class/net");
	cr_assert_eq(in.code, 0, "nslab failed: %s", in.err);
	NSLAB(&out, "run", "--ns", lab_ns_without("net"), "--", "sh", "-c",
	      "nslab-probe ns-ids; nslab-probe links; ls /sys/class/net");
	cr_assert_eq(out.code, 0, "nslab failed: %s", out.err);

	net_id(in.out, id, sizeof(id));
	cr_assert_str_neq(id, host_id, "the container shares the host's netns");
	/* Control: without the net ns the probe reports the host's netns. */
	net_id(out.out, id, sizeof(id));
	cr_assert_str_eq(id, host_id);

	host = if_nameindex();
	cr_assert(host, "if_nameindex failed");
	for (struct if_nameindex *i = host; i->if_index; i++) {
		if (strcmp(i->if_name, "lo") == 0)
			continue;
		snprintf(name, sizeof(name), "\n%s\n", i->if_name);
		cr_assert_null(strstr(in.out, name), "host's %s listed inside: %s", i->if_name, in.out);
		cr_assert_null(lab_value(in.out, i->if_name), "host's %s seen inside: %s", i->if_name, in.out);
		/* Control: the same two looks show it from the host's netns. */
		cr_assert_not_null(strstr(out.out, name), "%s", out.out);
		cr_assert_not_null(lab_value(out.out, i->if_name), "%s", out.out);
	}
	if_freenameindex(host);
}
