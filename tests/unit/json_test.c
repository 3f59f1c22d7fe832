// SPDX-License-Identifier: GPL-2.0
/* The JSON writer and the reader of our own documents: round trips, escaping, bad input. */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "util.h"

/* Writes a document with @build into a malloc'd string. */
static char *write_doc(void (*build)(struct nslab_json *j))
{
	struct nslab_json j;
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	cr_assert_not_null(out);
	nslab_json_init(&j, out);
	build(&j);
	cr_assert_eq(fclose(out), 0);
	return buf;
}

static void build_flat(struct nslab_json *j)
{
	nslab_json_open(j, NULL, '{');
	nslab_json_str(j, "name", "web");
	nslab_json_int(j, "pid", 42);
	nslab_json_bool(j, "ok", true);
	nslab_json_str(j, "none", NULL);
	nslab_json_close(j, '}');
}

TestSuite(json_writer, .timeout = 60);

Test(json_writer, commas_and_literals)
{
	char *doc = write_doc(build_flat);

	cr_assert_str_eq(doc, "{\"name\":\"web\",\"pid\":42,\"ok\":true,\"none\":null}\n");
	free(doc);
}

static void build_nested(struct nslab_json *j)
{
	nslab_json_open(j, NULL, '[');
	nslab_json_open(j, NULL, '{');
	nslab_json_open(j, "ns", '[');
	nslab_json_str(j, NULL, "uts");
	nslab_json_str(j, NULL, "pid");
	nslab_json_close(j, ']');
	nslab_json_open(j, "empty", '[');
	nslab_json_close(j, ']');
	nslab_json_int(j, "n", -1);
	nslab_json_close(j, '}');
	nslab_json_open(j, NULL, '{');
	nslab_json_close(j, '}');
	nslab_json_close(j, ']');
}

Test(json_writer, nesting_resets_the_comma_per_level)
{
	char *doc = write_doc(build_nested);

	cr_assert_str_eq(doc, "[{\"ns\":[\"uts\",\"pid\"],\"empty\":[],\"n\":-1},{}]\n");
	free(doc);
}

/* Every byte that needs escaping, plus UTF-8 that must pass through untouched. */
static const char nasty[] = "q\"b\\s/n\nt\tr\rc\x01\x1f" "\xc3\xa4 end";

static void build_nasty(struct nslab_json *j)
{
	nslab_json_open(j, NULL, '{');
	nslab_json_str(j, "k\"ey\n", nasty);
	nslab_json_str(j, "plain", nasty);
	nslab_json_open(j, "list", '[');
	nslab_json_str(j, NULL, nasty);
	nslab_json_str(j, NULL, "");
	nslab_json_close(j, ']');
	nslab_json_int(j, "max", LLONG_MAX);
	nslab_json_int(j, "min", LLONG_MIN);
	nslab_json_close(j, '}');
}

Test(json_writer, escapes_control_characters)
{
	char *doc = write_doc(build_nasty);

	/* No raw control character may appear inside a JSON string. */
	for (const char *p = doc; *p; p++)
		cr_assert((unsigned char)*p >= 0x20 || (*p == '\n' && p[1] == '\0'),
			  "raw byte 0x%02x at %zu in %s", *p, (size_t)(p - doc), doc);
	cr_assert_not_null(strstr(doc, "\"q\\\"b\\\\s/n\\nt\\tr\\u000dc\\u0001\\u001f\xc3\xa4 end\""), "%s", doc);
	free(doc);
}

struct collected {
	int n;
	char items[4][64];
};

static int collect(const char *s, void *arg)
{
	struct collected *c = arg;

	cr_assert_lt(c->n, 4);
	snprintf(c->items[c->n++], sizeof(c->items[0]), "%s", s);
	return 0;
}

TestSuite(json_roundtrip, .timeout = 60);

Test(json_roundtrip, strings_ints_and_arrays)
{
	char *doc = write_doc(build_nasty);
	struct collected c = { 0 };
	char buf[128];
	long long v;

	cr_assert_eq(nslab_json_get_str(doc, "plain", buf, sizeof(buf)), 0, "%s", doc);
	cr_assert_str_eq(buf, nasty);
	cr_assert_eq(nslab_json_get_str(doc, "k\"ey\n", buf, sizeof(buf)), 0, "escaped key");
	cr_assert_str_eq(buf, nasty);
	cr_assert_eq(nslab_json_get_int(doc, "max", &v), 0);
	cr_assert_eq(v, LLONG_MAX);
	cr_assert_eq(nslab_json_get_int(doc, "min", &v), 0);
	cr_assert_eq(v, LLONG_MIN);
	cr_assert_eq(nslab_json_each_str(doc, "list", collect, &c), 0);
	cr_assert_eq(c.n, 2);
	cr_assert_str_eq(c.items[0], nasty);
	cr_assert_str_eq(c.items[1], "");
	free(doc);
}

TestSuite(json_reader, .timeout = 60);

Test(json_reader, white_space_and_order)
{
	const char *doc = " {\n\t\"a\" : [ \"x\" , \"y\" ] ,\r\n \"b\" :\t-17 , \"c\" : \"\\u0041\\/\" }\n";
	struct collected c = { 0 };
	char buf[16];
	long long v;

	cr_assert_eq(nslab_json_get_int(doc, "b", &v), 0);
	cr_assert_eq(v, -17);
	cr_assert_eq(nslab_json_get_str(doc, "c", buf, sizeof(buf)), 0);
	cr_assert_str_eq(buf, "A/");
	cr_assert_eq(nslab_json_each_str(doc, "a", collect, &c), 0);
	cr_assert(c.n == 2 && strcmp(c.items[0], "x") == 0 && strcmp(c.items[1], "y") == 0);
}

Test(json_reader, only_top_level_keys)
{
	const char *doc = "{\"inner\":{\"pid\":1,\"l\":[{\"pid\":2}]},\"s\":\"\\\"pid\\\":3\",\"pid\":4}";
	long long v;

	cr_assert_eq(nslab_json_get_int(doc, "pid", &v), 0);
	cr_assert_eq(v, 4, "a nested or quoted \"pid\" was taken");
	cr_assert_eq(nslab_json_get_int("{\"inner\":{\"pid\":1}}", "pid", &v), -ENOENT);
	cr_assert_eq(nslab_json_get_int("{}", "pid", &v), -ENOENT);
}

Test(json_reader, wrong_types)
{
	const char *doc = "{\"s\":\"12\",\"i\":12,\"a\":[\"x\",3],\"f\":1.5,\"b\":true}";
	struct collected c = { 0 };
	char buf[16];
	long long v;

	cr_assert_eq(nslab_json_get_int(doc, "s", &v), -EINVAL);
	cr_assert_eq(nslab_json_get_int(doc, "f", &v), -EINVAL);
	cr_assert_eq(nslab_json_get_int(doc, "b", &v), -EINVAL);
	cr_assert_eq(nslab_json_get_str(doc, "i", buf, sizeof(buf)), -EINVAL);
	cr_assert_eq(nslab_json_each_str(doc, "i", collect, &c), -EINVAL);
	cr_assert_eq(nslab_json_each_str(doc, "a", collect, &c), -EINVAL, "a number in a string array");
	cr_assert_eq(nslab_json_get_int(doc, "nope", &v), -ENOENT);
	cr_assert_eq(nslab_json_get_int("{\"i\":99999999999999999999}", "i", &v), -EINVAL);
}

static int stop_at_second(const char *s, void *arg)
{
	int *seen = arg;

	(void)s;
	return ++*seen == 2 ? 7 : 0;
}

Test(json_reader, callback_result_stops_the_walk)
{
	int seen = 0;

	cr_assert_eq(nslab_json_each_str("{\"a\":[\"1\",\"2\",\"3\"]}", "a", stop_at_second, &seen), 7);
	cr_assert_eq(seen, 2);
}

Test(json_reader, malformed_documents)
{
	static const char *const bad[] = {
		"", "   ", "[]", "\"k\"", "{", "{\"k\"", "{\"k\":", "{\"k\" 1}", "{k:1}",
		"{\"a\":1 \"k\":1}", "{\"a\":,\"k\":1}", "{\"a\":\"unterminated,\"k\":1}",
		"{\"a\":[1,2,\"k\":1}", "{\"a\":{\"x\" 1},\"k\":1}", "{\"a\":\"\\x\",\"k\":1}",
		"{\"a\":\"\\u12", "{\"a\":[1 2],\"k\":1}",
	};

	for (size_t i = 0; i < N_ELEMENTS(bad); i++) {
		long long v;

		cr_expect_eq(nslab_json_get_int(bad[i], "k", &v), -EINVAL, "accepted: %s", bad[i]);
	}
}

Test(json_reader, malformed_values_at_the_key)
{
	struct collected c = { 0 };
	char buf[16];

	cr_assert_eq(nslab_json_get_str("{\"k\":\"abc", "k", buf, sizeof(buf)), -EINVAL);
	cr_assert_eq(nslab_json_get_str("{\"k\":\"a\\qb\"}", "k", buf, sizeof(buf)), -EINVAL);
	cr_assert_eq(nslab_json_get_str("{\"k\":\"\\u00\"}", "k", buf, sizeof(buf)), -EINVAL);
	cr_assert_eq(nslab_json_each_str("{\"k\":[\"a\"", "k", collect, &c), -EINVAL);
	cr_assert_eq(nslab_json_each_str("{\"k\":[\"a\" \"b\"]}", "k", collect, &c), -EINVAL);
}
