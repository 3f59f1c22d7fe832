// SPDX-License-Identifier: GPL-2.0
#include "json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void nslab_json_init(struct nslab_json *j, FILE *out)
{
	j->out = out;
	j->depth = 0;
	j->has_items = 0;
}

static void put_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20)
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

static void item(struct nslab_json *j, const char *key)
{
	if (j->has_items & (1u << j->depth))
		fputc(',', j->out);
	j->has_items |= 1u << j->depth;
	if (key) {
		put_string(j->out, key);
		fputc(':', j->out);
	}
}

void nslab_json_open(struct nslab_json *j, const char *key, char bracket)
{
	item(j, key);
	fputc(bracket, j->out);
	j->depth++;
	j->has_items &= ~(1u << j->depth);
}

void nslab_json_close(struct nslab_json *j, char bracket)
{
	j->depth--;
	fputc(bracket, j->out);
	if (j->depth == 0)
		fputc('\n', j->out);
}

void nslab_json_str(struct nslab_json *j, const char *key, const char *val)
{
	item(j, key);
	if (val)
		put_string(j->out, val);
	else
		fputs("null", j->out);
}

void nslab_json_int(struct nslab_json *j, const char *key, long long val)
{
	item(j, key);
	fprintf(j->out, "%lld", val);
}

void nslab_json_bool(struct nslab_json *j, const char *key, bool val)
{
	item(j, key);
	fputs(val ? "true" : "false", j->out);
}

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r')
		p++;
	return p;
}

/* Decodes the string at @p (on its opening quote) into @buf; returns the end, NULL if bad. */
static const char *read_string(const char *p, char *buf, size_t size)
{
	size_t n = 0;

	if (*p++ != '"')
		return NULL;
	for (; *p != '"'; p++) {
		char c = *p;

		if (!c)
			return NULL;
		if (c == '\\') {
			switch (*++p) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case '"': case '\\': case '/': c = *p; break;
			case 'u': {
				char hex[5] = { 0 };

				if (strlen(p + 1) < 4)
					return NULL;
				memcpy(hex, p + 1, 4);
				c = (char)strtol(hex, NULL, 16);
				p += 4;
				break;
			}
			default:
				return NULL;
			}
		}
		if (buf && n + 1 < size)
			buf[n++] = c;
	}
	if (buf && size)
		buf[n] = '\0';
	return p + 1;
}

static const char *skip_value(const char *p)
{
	p = skip_ws(p);
	if (*p == '"')
		return read_string(p, NULL, 0);
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';

		p = skip_ws(p + 1);
		while (*p != close) {
			if (close == '}') {
				p = read_string(p, NULL, 0);
				if (!p || *(p = skip_ws(p)) != ':')
					return NULL;
				p++;
			}
			p = skip_value(p);
			if (!p)
				return NULL;
			p = skip_ws(p);
			if (*p == ',')
				p = skip_ws(p + 1);
			else if (*p != close)
				return NULL;
		}
		return p + 1;
	}
	if (!*p || strchr(",}]", *p))
		return NULL;
	while (*p && !strchr(",}] \n\t\r", *p))
		p++;
	return p;
}

/* Finds the value of top-level @key; returns it (after white space) or NULL with errno set. */
static const char *find(const char *doc, const char *key)
{
	const char *p = skip_ws(doc);
	char name[64];

	if (*p++ != '{')
		goto bad;
	for (p = skip_ws(p); *p != '}'; ) {
		p = read_string(p, name, sizeof(name));
		if (!p || *(p = skip_ws(p)) != ':')
			goto bad;
		p = skip_ws(p + 1);
		if (strcmp(name, key) == 0)
			return p;
		p = skip_value(p);
		if (!p)
			goto bad;
		p = skip_ws(p);
		if (*p == ',')
			p = skip_ws(p + 1);
		else if (*p != '}')
			goto bad;
	}
	errno = ENOENT;
	return NULL;
bad:
	errno = EINVAL;
	return NULL;
}

int nslab_json_get_int(const char *doc, const char *key, long long *val)
{
	const char *p = find(doc, key);
	char *end;

	if (!p)
		return -errno;
	errno = 0;
	*val = strtoll(p, &end, 10);
	if (errno || end == p || !strchr(",} \n\t\r", *end))
		return -EINVAL;
	return 0;
}

int nslab_json_get_bool(const char *doc, const char *key, bool *val)
{
	const char *p = find(doc, key);

	if (!p)
		return -errno;
	if (strncmp(p, "true", 4) == 0 && strchr(",} \n\t\r", p[4]))
		*val = true;
	else if (strncmp(p, "false", 5) == 0 && strchr(",} \n\t\r", p[5]))
		*val = false;
	else
		return -EINVAL;
	return 0;
}

int nslab_json_get_str(const char *doc, const char *key, char *buf, size_t size)
{
	const char *p = find(doc, key);

	if (!p)
		return -errno;
	return read_string(p, buf, size) ? 0 : -EINVAL;
}

int nslab_json_each_str(const char *doc, const char *key,
			int (*fn)(const char *s, void *arg), void *arg)
{
	const char *p = find(doc, key);
	char buf[4096];

	if (!p)
		return -errno;
	if (*p++ != '[')
		return -EINVAL;
	for (p = skip_ws(p); *p != ']'; ) {
		int ret;

		p = read_string(p, buf, sizeof(buf));
		if (!p)
			return -EINVAL;
		ret = fn(buf, arg);
		if (ret)
			return ret;
		p = skip_ws(p);
		if (*p == ',')
			p = skip_ws(p + 1);
		else if (*p != ']')
			return -EINVAL;
	}
	return 0;
}
