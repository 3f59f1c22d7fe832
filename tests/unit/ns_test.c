// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>
#include <errno.h>
#include <sched.h>
#include <string.h>

#include "ns.h"

TestSuite(ns_parse, .timeout = 60);

Test(ns_parse, all_and_subsets)
{
	const char *bad = NULL;
	unsigned mask;

	cr_assert_eq(nslab_ns_parse_list("all", &mask, &bad), 0);
	cr_assert_eq(mask, NSLAB_NS_ALL);
	cr_assert_eq(nslab_ns_parse_list("uts,net,mount", &mask, &bad), 0);
	cr_assert_eq(mask, NSLAB_NS_BIT(NSLAB_NS_UTS) | NSLAB_NS_BIT(NSLAB_NS_NET) |
			   NSLAB_NS_BIT(NSLAB_NS_MNT));
}

Test(ns_parse, rejects_unknown_and_empty_items)
{
	const char *bad = NULL;
	unsigned mask;

	cr_assert_eq(nslab_ns_parse_list("uts,bogus", &mask, &bad), -EINVAL);
	cr_assert_str_eq(bad, "bogus");
	cr_assert_eq(nslab_ns_parse_list("uts,,pid", &mask, &bad), -EINVAL);
	cr_assert_eq(nslab_ns_parse_list("uts,", &mask, &bad), -EINVAL);
}

Test(ns_parse, nsenter_spellings_and_repeats)
{
	const char *bad = NULL;
	unsigned mask = 0;

	cr_assert_eq(nslab_ns_parse_list("mount,network", &mask, &bad), 0);
	cr_assert_eq(mask, NSLAB_NS_BIT(NSLAB_NS_MNT) | NSLAB_NS_BIT(NSLAB_NS_NET));
	cr_assert_eq(nslab_ns_parse_list("uts,uts,mnt", &mask, &bad), 0);
	cr_assert_eq(mask, NSLAB_NS_BIT(NSLAB_NS_UTS) | NSLAB_NS_BIT(NSLAB_NS_MNT));
	cr_assert_eq(nslab_ns_parse_list("", &mask, &bad), 0);
	cr_assert_eq(mask, 0);
}

Test(ns_parse, every_type_by_its_own_name)
{
	const char *bad = NULL;
	unsigned mask = 0;

	for (int t = 0; t < NSLAB_NS_COUNT; t++) {
		cr_assert_eq(nslab_ns_from_name(nslab_ns_types[t].name), t);
		cr_assert_eq(nslab_ns_parse_list(nslab_ns_types[t].name, &mask, &bad), 0);
		cr_assert_eq(mask, NSLAB_NS_BIT(t));
	}
	cr_assert_eq(nslab_ns_parse_list("uts,ipc,pid,mnt,net,user,cgroup,time", &mask, &bad), 0);
	cr_assert_eq(mask, NSLAB_NS_ALL);
}

Test(ns_parse, rejects_case_all_in_a_list_and_long_items)
{
	const char *bad = NULL;
	unsigned mask;

	cr_assert_eq(nslab_ns_parse_list("UTS", &mask, &bad), -EINVAL);
	cr_assert_str_eq(bad, "UTS");
	cr_assert_eq(nslab_ns_parse_list("all,uts", &mask, &bad), -EINVAL);
	cr_assert_eq(nslab_ns_parse_list(",uts", &mask, &bad), -EINVAL);
	cr_assert_eq(nslab_ns_parse_list("uts, pid", &mask, &bad), -EINVAL);
	cr_assert_str_eq(bad, " pid");
	/* An item longer than any name is refused, and named by its start. */
	cr_assert_eq(nslab_ns_parse_list("uts,networknetworknetworknetworknetwork", &mask, &bad),
		     -EINVAL);
	cr_assert_eq(strncmp(bad, "networknetwork", 14), 0, "bad = '%s'", bad);
	cr_assert_eq(nslab_ns_from_name(""), -1);
	cr_assert_eq(nslab_ns_from_name("bogus"), -1);
}

Test(ns_parse, clone_flags)
{
	cr_assert_eq(nslab_ns_clone_flags(0), 0);
	cr_assert_eq(nslab_ns_clone_flags(NSLAB_NS_BIT(NSLAB_NS_NET) | NSLAB_NS_BIT(NSLAB_NS_USER)),
		     CLONE_NEWNET | CLONE_NEWUSER);
	cr_assert_eq(nslab_ns_clone_flags(NSLAB_NS_ALL),
		     CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET |
		     CLONE_NEWUSER | CLONE_NEWCGROUP | CLONE_NEWTIME);
}
