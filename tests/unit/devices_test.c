// SPDX-License-Identifier: GPL-2.0
/* The device allowlist's rules and --device parsing, checked before anything is made. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "devices.h"

/* The allowlist as devices.allow lines, one a line. */
static void list(const struct nslab_devices *d, char *buf, size_t size)
{
	struct nslab_dev_rule r;
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; nslab_dev_rule_at(d, i, &r) && len < size; i++) {
		char line[64];

		nslab_dev_rule_format(&r, line, sizeof(line));
		len += snprintf(buf + len, size - len, "%s\n", line);
	}
}

TestSuite(devices, .timeout = 60);

Test(devices, default_is_runcs_allowed_devices_without_tun)
{
	struct nslab_devices d = { .n = 0 };
	char buf[1024];

	list(&d, buf, sizeof(buf));
	cr_assert_str_eq(buf, "c *:* m\nb *:* m\nc 1:3 rwm\nc 1:8 rwm\nc 1:7 rwm\nc 5:0 rwm\n"
			      "c 1:5 rwm\nc 1:9 rwm\nc 5:1 rwm\nc 136:* rwm\nc 5:2 rwm\n");
}

Test(devices, device_forms_as_docker_parses_them)
{
	static const struct { const char *arg, *path, *rule; } ok[] = {
		{ "/dev/null", "/dev/null", "c 1:3 rwm" },
		{ "/dev/zero:r", "/dev/zero", "c 1:5 r" },
		{ "/dev/full:/dev/f/ull", "/dev/f/ull", "c 1:7 rwm" },
		{ "/dev/null:/dev/x:mw", "/dev/x", "c 1:3 wm" },
	};
	struct nslab_devices d = { .n = 0 };
	struct nslab_error e = { 0 };

	for (size_t i = 0; i < N_ELEMENTS(ok); i++) {
		char line[64];

		cr_assert_eq(nslab_device_parse(ok[i].arg, &d, &e), 0, "%s: %s", ok[i].arg, e.why);
		cr_assert_str_eq(d.dev[i].path, ok[i].path, "%s", ok[i].arg);
		nslab_dev_rule_format(&d.dev[i].rule, line, sizeof(line));
		cr_assert_str_eq(line, ok[i].rule, "%s", ok[i].arg);
	}
	cr_assert_eq(d.n, 4);
}

Test(devices, bad_device_names_the_option)
{
	static const char *const bad[] = {
		"", "/dev/null:", "/dev/null:rr", "/dev/null:/dev/x:q", "/dev/null:/dev/x:r:w",
		"/dev/null:/etc/x", "/dev/null:/dev/..", "/dev/null:/dev/a/", "/tmp", "/nonexistent",
	};
	struct nslab_devices d = { .n = 0 };

	for (size_t i = 0; i < N_ELEMENTS(bad); i++) {
		struct nslab_error e = { 0 };

		cr_assert_lt(nslab_device_parse(bad[i], &d, &e), 0, "'%s' accepted", bad[i]);
		cr_assert_str_eq(e.what, "--device", "'%s'", bad[i]);
	}
	cr_assert_eq(d.n, 0);
	/* Control: the same parser takes a good one. */
	cr_assert_eq(nslab_device_parse("/dev/null", &d, &(struct nslab_error){ 0 }), 0);
}
