/* SPDX-License-Identifier: GPL-2.0 */
/* Just enough JSON: a writer for every --json report and a reader for our own state files. */
#ifndef NSLAB_JSON_H
#define NSLAB_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Writer: commas and escaping are handled; nesting up to 16 levels. */
struct nslab_json {
	FILE *out;
	unsigned depth;
	unsigned has_items;	/* bit per depth: a comma is due before the next item */
};

void nslab_json_init(struct nslab_json *j, FILE *out);
void nslab_json_open(struct nslab_json *j, const char *key, char bracket);
void nslab_json_close(struct nslab_json *j, char bracket);
void nslab_json_str(struct nslab_json *j, const char *key, const char *val);
void nslab_json_int(struct nslab_json *j, const char *key, long long val);
void nslab_json_bool(struct nslab_json *j, const char *key, bool val);

/*
 * Reader for a flat top-level object.  Lookups return 0, -ENOENT when the key
 * is absent, -EINVAL when the document or the value's type is wrong.
 */
int nslab_json_get_int(const char *doc, const char *key, long long *val);
int nslab_json_get_str(const char *doc, const char *key, char *buf, size_t size);
int nslab_json_get_bool(const char *doc, const char *key, bool *val);
/* Calls @fn for each string of the array at @key; stops at and returns fn's non-zero result. */
int nslab_json_each_str(const char *doc, const char *key,
			int (*fn)(const char *s, void *arg), void *arg);

#endif
