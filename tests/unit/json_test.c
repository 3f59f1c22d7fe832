// SPDX-License-Identifier: GPL-2.0
/* The helpers around json-c: the one output format, and parsing exactly one document. */
#include <criterion/criterion.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "util.h"

/* What nslab_json_print writes for @doc. */
static char *print_doc(json_object *doc)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *out = open_memstream(&buf, &len);

	cr_assert_not_null(out);
	cr_assert_eq(nslab_json_print(out, doc), 0);
	cr_assert_eq(fclose(out), 0);
	return buf;
}

/* Every byte that needs escaping, a path, and UTF-8 that must pass through untouched. */
static const char nasty[] = "q\"b\\s/n\nt\tr\rc\x01\x1f" "\xc3\xa4\xe2\x82\xac end";

TestSuite(json_print, .timeout = 60);
TestSuite(json_parse, .timeout = 60);

Test(json_print, compact_one_line_in_insertion_order)
{
	json_object *doc = json_object_new_object(), *list = json_object_new_array();
	char *text;

	json_object_object_add(doc, "name", json_object_new_string("web"));
	json_object_object_add(doc, "pid", json_object_new_int64(42));
	json_object_object_add(doc, "ok", json_object_new_boolean(true));
	json_object_object_add(doc, "none", NULL);
	json_object_array_add(list, json_object_new_string("/run/netns/a"));
	json_object_object_add(doc, "list", list);
	json_object_object_add(doc, "min", json_object_new_int64(LLONG_MIN));
	text = print_doc(doc);
	cr_assert_str_eq(text, "{\"name\":\"web\",\"pid\":42,\"ok\":true,\"none\":null,"
			       "\"list\":[\"/run/netns/a\"],\"min\":-9223372036854775808}\n");
	free(text);
}

Test(json_print, escapes_control_characters_only)
{
	json_object *doc = json_object_new_object();
	char *text;

	json_object_object_add(doc, "s", json_object_new_string(nasty));
	text = print_doc(doc);
	/* No raw control character may appear inside a JSON string. */
	for (const char *p = text; *p; p++)
		cr_assert((unsigned char)*p >= 0x20 || (*p == '\n' && p[1] == '\0'),
			  "raw byte 0x%02x at %zu in %s", *p, (size_t)(p - text), text);
	cr_assert_str_eq(text, "{\"s\":\"q\\\"b\\\\s/n\\nt\\tr\\rc\\u0001\\u001f"
			       "\xc3\xa4\xe2\x82\xac end\"}\n");
	free(text);
}

Test(json_print, a_failed_allocation_is_an_error)
{
	cr_assert_eq(nslab_json_print(stdout, NULL), -ENOMEM);
}

Test(json_parse, round_trip_of_every_escape)
{
	json_object *doc = json_object_new_object(), *back, *v;
	const char *why;
	char *text;
	int line;

	json_object_object_add(doc, "k\"ey\n", json_object_new_string(nasty));
	text = print_doc(doc);
	back = nslab_json_parse(text, &line, &why);
	cr_assert_not_null(back, "line %d: %s: %s", line, why, text);
	cr_assert(json_object_object_get_ex(back, "k\"ey\n", &v), "escaped key lost: %s", text);
	cr_assert_eq(json_object_get_string_len(v), sizeof(nasty) - 1);
	cr_assert_str_eq(json_object_get_string(v), nasty);
	json_object_put(back);
	free(text);
}

Test(json_parse, exactly_one_document)
{
	json_object *doc;
	const char *why;
	int line;

	doc = nslab_json_parse(" {\"a\":1}\n\t", &line, &why);
	cr_assert_not_null(doc, "%s", why);
	json_object_put(doc);
	doc = nslab_json_parse("17", &line, &why);
	cr_assert_not_null(doc, "a bare number ends at the NUL: %s", why);
	cr_assert_eq(json_object_get_int64(doc), 17);
	json_object_put(doc);
	/* Control: json-c alone would take the first and pass over the rest. */
	cr_assert_null(nslab_json_parse("{\"a\":1} {\"a\":2}", &line, &why));
	cr_assert_str_eq(why, "text after the end");
}

Test(json_parse, malformed_documents_say_where)
{
	static const char *const bad[] = {
		"", "   ", "{", "{\"k\"", "{\"k\":", "{\"k\" 1}", "{\"a\":1 \"k\":1}",
		"{\"a\":,\"k\":1}", "{\"a\":\"unterminated,\"k\":1}", "{\"a\":[1,2,\"k\":1}",
		"{\"a\":\"\\x\",\"k\":1}", "{\"a\":\"\\u12", "{\"a\":[1 2],\"k\":1}",
	};
	const char *why;
	int line;

	for (size_t i = 0; i < N_ELEMENTS(bad); i++) {
		why = NULL;
		cr_expect_null(nslab_json_parse(bad[i], &line, &why), "accepted: %s", bad[i]);
		cr_expect(why && *why, "no reason for %s", bad[i]);
	}
	cr_assert_null(nslab_json_parse("{\n\"a\":1,\n\"b\":}", &line, &why));
	cr_assert_eq(line, 3, "%s", why);
}
