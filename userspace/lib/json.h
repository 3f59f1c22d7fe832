/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JSON is json-c's (already linked for seccomp profiles, static in Debian):
 * these are only what every --json report, state.json and the profile
 * reader would otherwise each repeat around it.
 */
#ifndef NSLAB_JSON_H
#define NSLAB_JSON_H

#include <json-c/json.h>
#include <stdio.h>

/* Compact, on one line, '/' left unescaped so that paths stay readable. */
#define NSLAB_JSON_FORMAT (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

/*
 * Prints @doc in NSLAB_JSON_FORMAT and a newline to @out, then releases it.
 * Returns 0, -ENOMEM when @doc is NULL (an allocation that failed) or -EIO.
 */
int nslab_json_print(FILE *out, json_object *doc);

/*
 * Parses @text as exactly one JSON document: json-c stops after the first
 * and would pass over what follows.  Returns it (the caller puts it), or
 * NULL with *@line (1-based) and *@why telling where and what is wrong.
 */
json_object *nslab_json_parse(const char *text, int *line, const char **why);

/*
 * The object @text holds (nslab's own compact text, such as state.json's
 * annotations): an empty object when @text is "" or holds no object.
 * NULL: no memory.
 */
json_object *nslab_json_object_or_empty(const char *text);

#endif
