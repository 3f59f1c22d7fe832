// SPDX-License-Identifier: GPL-2.0
#include <criterion/criterion.h>
#include <errno.h>

#include "ns.h"

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
