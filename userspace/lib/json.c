// SPDX-License-Identifier: GPL-2.0
#include "json.h"

#include <errno.h>
#include <string.h>

int nslab_json_print(FILE *out, json_object *doc)
{
	const char *text = doc ? json_object_to_json_string_ext(doc, NSLAB_JSON_FORMAT) : NULL;
	int ret = 0;

	if (!text)
		ret = -ENOMEM;
	else if (fprintf(out, "%s\n", text) < 0)
		ret = -EIO;
	json_object_put(doc);
	return ret;
}

json_object *nslab_json_parse(const char *text, int *line, const char **why)
{
	struct json_tokener *tok = json_tokener_new();
	json_object *doc;
	size_t end;

	*line = 1;
	*why = "out of memory";
	if (!tok)
		return NULL;
	/* With its NUL: a document that is a bare number ends there. */
	doc = json_tokener_parse_ex(tok, text, strlen(text) + 1);
	end = json_tokener_get_parse_end(tok);
	if (doc && text[end + strspn(text + end, " \t\r\n")]) {
		json_object_put(doc);
		doc = NULL;
	}
	if (!doc) {
		for (size_t i = 0; i < end && text[i]; i++)
			*line += text[i] == '\n';
		*why = json_tokener_get_error(tok) == json_tokener_success ? "text after the end" :
		       json_tokener_error_desc(json_tokener_get_error(tok));
	}
	json_tokener_free(tok);
	return doc;
}

json_object *nslab_json_object_or_empty(const char *text)
{
	json_object *obj = *text ? json_tokener_parse(text) : NULL;

	if (obj && json_object_is_type(obj, json_type_object))
		return obj;
	json_object_put(obj);
	return json_object_new_object();
}
