// SPDX-License-Identifier: GPL-2.0
/*
 * Docker/OCI seccomp profiles (moby's default.json, containers-common's
 * seccomp.json, a runtime-spec linux.seccomp) read into a nslab_sc_profile.
 * Fields this file does not use (comment, flags, listenerPath) are passed
 * over, as Docker's decoder does; every field it uses is checked, and an
 * error names it: "syscalls[3].args[0].op: unknown operator ...".
 */
#include "filter.h"
#include "seccomp_json.h"

#include <errno.h>
#include <seccomp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caps.h"
#include "json.h"

struct jctx {
	const char *file;
	struct nslab_error *e;
	char *names;		/* every rule's names, one after another */
	size_t used;
};

#define FIELD_MAX 96

/* The actions by name; ERRNO and TRACE with their number 0. */
static const struct { const char *name; uint32_t act; } acts[] = {
	{ "SCMP_ACT_KILL", SCMP_ACT_KILL }, { "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD },
	{ "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS }, { "SCMP_ACT_TRAP", SCMP_ACT_TRAP },
	{ "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0) }, { "SCMP_ACT_TRACE", SCMP_ACT_TRACE(0) },
	{ "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW }, { "SCMP_ACT_LOG", SCMP_ACT_LOG },
};

static const char *const ops[] = {
	[SCMP_CMP_NE] = "SCMP_CMP_NE", [SCMP_CMP_LT] = "SCMP_CMP_LT",
	[SCMP_CMP_LE] = "SCMP_CMP_LE", [SCMP_CMP_EQ] = "SCMP_CMP_EQ",
	[SCMP_CMP_GE] = "SCMP_CMP_GE", [SCMP_CMP_GT] = "SCMP_CMP_GT",
	[SCMP_CMP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};

static int bad(struct jctx *j, const char *field, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int bad(struct jctx *j, const char *field, const char *fmt, ...)
{
	char why[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return nslab_bad_input(j->e, "--seccomp", "%s: %s: %s", j->file, field, why);
}

/* @at.@key, the field's name in errors. */
static const char *field_of(char buf[FIELD_MAX], const char *at, const char *key)
{
	snprintf(buf, FIELD_MAX, "%s%s%s", at, *at && *key != '[' ? "." : "", key);
	return buf;
}

/* @obj's @key into *@val when it is of @type; absent or null leaves *@val NULL. */
static int member(struct jctx *j, json_object *obj, const char *key, json_type type,
		  const char *at, json_object **val)
{
	char field[FIELD_MAX];

	if (!json_object_object_get_ex(obj, key, val) || json_object_is_type(*val, json_type_null)) {
		*val = NULL;
		return 0;
	}
	if (json_object_is_type(*val, type))
		return 0;
	return bad(j, field_of(field, at, key), "expected %s, not %s", json_type_to_name(type),
		   json_type_to_name(json_object_get_type(*val)));
}

/* A whole number in [0, @max] at @key; *@found says whether there was one. */
static int number(struct jctx *j, json_object *obj, const char *key, const char *at,
		  uint64_t max, uint64_t *out, bool *found)
{
	char field[FIELD_MAX];
	json_object *v;
	int ret = member(j, obj, key, json_type_int, at, &v);

	*found = v != NULL;
	if (ret || !v)
		return ret;
	*out = json_object_get_uint64(v);
	if (json_object_get_int64(v) < 0 || *out > max)
		return bad(j, field_of(field, at, key), "%s is out of range 0..%llu",
			   json_object_to_json_string(v), (unsigned long long)max);
	return 0;
}

/* "SCMP_ACT_..." and its errno (EPERM unless @key says otherwise) as libseccomp's action. */
static int action(struct jctx *j, json_object *obj, const char *key, const char *errno_key,
		  const char *at, uint32_t *act)
{
	char field[FIELD_MAX];
	uint64_t err = EPERM;
	json_object *v;
	const char *s;
	bool found;
	int ret = member(j, obj, key, json_type_string, at, &v);

	if (!ret && !v)
		return bad(j, field_of(field, at, key), "missing");
	if (ret || (ret = number(j, obj, errno_key, at, 4095, &err, &found)))
		return ret;
	s = json_object_get_string(v);
	for (size_t i = 0; i < N_ELEMENTS(acts); i++) {
		if (strcmp(s, acts[i].name) != 0)
			continue;
		*act = acts[i].act == SCMP_ACT_ERRNO(0) || acts[i].act == SCMP_ACT_TRACE(0) ?
		       acts[i].act | (uint32_t)err : acts[i].act;
		return 0;
	}
	return bad(j, field_of(field, at, key), "unknown action \"%s\"", s);
}

/* Calls @fn for each string of the array at @key, with its field name. */
static int each_string(struct jctx *j, json_object *obj, const char *key, const char *at,
		       int (*fn)(struct jctx *j, const char *s, const char *field, void *arg),
		       void *arg)
{
	char field[FIELD_MAX], item[FIELD_MAX];
	json_object *arr;
	int ret = member(j, obj, key, json_type_array, at, &arr);

	for (size_t i = 0; !ret && arr && i < json_object_array_length(arr); i++) {
		json_object *v = json_object_array_get_idx(arr, i);

		snprintf(item, sizeof(item), "%s[%zu]", field_of(field, at, key), i);
		if (!json_object_is_type(v, json_type_string))
			return bad(j, item, "expected a string");
		ret = fn(j, json_object_get_string(v), item, arg);
	}
	return ret;
}

/* A libseccomp architecture name: x86 and x32 are added to the native x86_64. */
static int add_arch(struct jctx *j, const char *s, const char *field, void *arg)
{
	static const char *const others[] = {
		"ARM", "AARCH64", "MIPS", "MIPS64", "MIPS64N32", "MIPSEL", "MIPSEL64", "MIPSEL64N32",
		"PPC", "PPC64", "PPC64LE", "S390", "S390X", "PARISC", "PARISC64", "RISCV64",
		"LOONGARCH64", "M68K", "SH", "SHEB",
	};
	unsigned *arches = arg;
	const char *name;
	bool known;

	if (strncmp(s, "SCMP_ARCH_", 10) != 0)
		return bad(j, field, "unknown architecture \"%s\"", s);
	name = s + 10;
	known = strcmp(name, "X86_64") == 0;
	/* The others are calls of another machine: none reach this one. */
	for (size_t i = 0; i < N_ELEMENTS(others); i++)
		known = known || strcmp(name, others[i]) == 0;
	if (strcmp(name, "X86") == 0)
		*arches |= NSLAB_SC_ADD_X86;
	else if (strcmp(name, "X32") == 0)
		*arches |= NSLAB_SC_ADD_X32;
	else if (!known)
		return bad(j, field, "unknown architecture \"%s\"", s);
	return 0;
}

/* archMap: the native architecture's entry brings its sub-architectures. */
static int arch_map(struct jctx *j, json_object *top, unsigned *arches)
{
	char at[FIELD_MAX];
	json_object *map, *v;
	int ret = member(j, top, "archMap", json_type_array, "", &map);

	for (size_t i = 0; !ret && map && i < json_object_array_length(map); i++) {
		json_object *entry = json_object_array_get_idx(map, i);

		snprintf(at, sizeof(at), "archMap[%zu]", i);
		if (!json_object_is_type(entry, json_type_object))
			return bad(j, at, "expected an object");
		ret = member(j, entry, "architecture", json_type_string, at, &v);
		if (ret || !v || strcmp(json_object_get_string(v), "SCMP_ARCH_X86_64") != 0)
			continue;
		ret = each_string(j, entry, "subArchitectures", at, add_arch, arches);
	}
	return ret;
}

/* includes/excludes "arches" hold Go's names: amd64 is this machine. */
static int cond_arch(struct jctx *j, const char *s, const char *field, void *arg)
{
	(void)j;
	(void)field;
	*(unsigned *)arg |= strcmp(s, "amd64") == 0 ? NSLAB_SC_ARCH_NATIVE : NSLAB_SC_ARCH_FOREIGN;
	return 0;
}

/* A capability this kernel does not name never counts as held. */
static int cond_cap(struct jctx *j, const char *s, const char *field, void *arg)
{
	int cap = nslab_cap_from_name(s);

	(void)j;
	(void)field;
	*(uint64_t *)arg |= 1ULL << (cap < 0 ? NSLAB_SC_CAP_UNKNOWN : cap);
	return 0;
}

static int cond(struct jctx *j, json_object *rule, const char *key, const char *at,
		struct nslab_sc_cond *c)
{
	char here[FIELD_MAX], field[FIELD_MAX];
	json_object *obj, *v;
	unsigned major, minor;
	int n, ret = member(j, rule, key, json_type_object, at, &obj);

	if (ret || !obj)
		return ret;
	field_of(here, at, key);
	ret = each_string(j, obj, "arches", here, cond_arch, &c->arches);
	if (!ret)
		ret = each_string(j, obj, "caps", here, cond_cap, &c->caps);
	if (!ret)
		ret = member(j, obj, "minKernel", json_type_string, here, &v);
	if (ret || !v)
		return ret;
	if (sscanf(json_object_get_string(v), "%u.%u%n", &major, &minor, &n) != 2 ||
	    json_object_get_string(v)[n] || major > 0xffff || minor > 0xffff)
		return bad(j, field_of(field, here, "minKernel"), "\"%s\" is not MAJOR.MINOR",
			   json_object_get_string(v));
	c->min_kernel = major << 16 | minor;
	return 0;
}

static int arg_op(struct jctx *j, json_object *arg, const char *at, int *op)
{
	char field[FIELD_MAX];
	json_object *v;
	int ret = member(j, arg, "op", json_type_string, at, &v);

	if (ret || !v)
		return ret ? ret : bad(j, field_of(field, at, "op"), "missing");
	for (int i = SCMP_CMP_NE; i <= SCMP_CMP_MASKED_EQ; i++) {
		if (strcmp(json_object_get_string(v), ops[i]) == 0) {
			*op = i;
			return 0;
		}
	}
	return bad(j, field_of(field, at, "op"), "unknown operator \"%s\"",
		   json_object_get_string(v));
}

static int args(struct jctx *j, json_object *rule, const char *at, struct nslab_sc_rule *r)
{
	char here[FIELD_MAX], field[FIELD_MAX];
	json_object *arr;
	uint64_t index = 0;
	bool found;
	int ret = member(j, rule, "args", json_type_array, at, &arr);

	if (!ret && arr && json_object_array_length(arr) > NSLAB_SC_MAX_ARGS)
		return bad(j, field_of(field, at, "args"), "more than %d comparisons",
			   NSLAB_SC_MAX_ARGS);
	for (size_t i = 0; !ret && arr && i < json_object_array_length(arr); i++) {
		json_object *a = json_object_array_get_idx(arr, i);
		struct nslab_sc_arg *c = &r->args[r->n_args++];

		snprintf(here, sizeof(here), "%s.args[%zu]", at, i);
		if (!json_object_is_type(a, json_type_object))
			return bad(j, here, "expected an object");
		ret = number(j, a, "index", here, NSLAB_SC_MAX_ARGS - 1, &index, &found);
		if (!ret && !found)
			ret = bad(j, field_of(field, here, "index"), "missing");
		c->index = index;
		if (!ret)
			ret = number(j, a, "value", here, UINT64_MAX, &c->value, &found);
		if (!ret)
			ret = number(j, a, "valueTwo", here, UINT64_MAX, &c->value_two, &found);
		if (!ret)
			ret = arg_op(j, a, here, &c->op);
	}
	return ret;
}

/* A call's name, appended to the names of the rule being read. */
static int add_name(struct jctx *j, const char *s, const char *field, void *arg)
{
	size_t len = strlen(s);

	(void)arg;
	if (!len || strcspn(s, " \t\r\n") != len)
		return bad(j, field, "\"%s\" is not a system call's name", s);
	memcpy(j->names + j->used, s, len);
	j->names[j->used + len] = ' ';
	j->used += len + 1;
	return 0;
}

static int syscall_rule(struct jctx *j, json_object *rule, const char *at, struct nslab_sc_rule *r)
{
	char field[FIELD_MAX];
	json_object *name;
	size_t start = j->used;
	int ret;

	if (!json_object_is_type(rule, json_type_object))
		return bad(j, at, "expected an object");
	ret = each_string(j, rule, "names", at, add_name, NULL);
	if (!ret)
		ret = member(j, rule, "name", json_type_string, at, &name);
	if (!ret && name)
		ret = add_name(j, json_object_get_string(name), field_of(field, at, "name"), NULL);
	if (!ret && j->used == start)
		ret = bad(j, field_of(field, at, "names"), "missing");
	if (ret)
		return ret;
	j->names[j->used - 1] = '\0';
	r->names = j->names + start;
	ret = action(j, rule, "action", "errnoRet", at, &r->action);
	if (!ret)
		ret = args(j, rule, at, r);
	if (!ret)
		ret = cond(j, rule, "includes", at, &r->includes);
	return ret ? ret : cond(j, rule, "excludes", at, &r->excludes);
}

static int read_top(struct jctx *j, json_object *top, struct nslab_sc_profile *p, size_t len)
{
	char at[FIELD_MAX];
	struct nslab_sc_rule *rules;
	json_object *calls;
	size_t n;
	int ret = action(j, top, "defaultAction", "defaultErrnoRet", "", &p->default_action);

	if (!ret)
		ret = each_string(j, top, "architectures", "", add_arch, &p->arches);
	if (!ret)
		ret = arch_map(j, top, &p->arches);
	if (!ret)
		ret = member(j, top, "syscalls", json_type_array, "", &calls);
	if (ret)
		return ret;
	n = calls ? json_object_array_length(calls) : 0;
	rules = calloc(n + 1, sizeof(*rules));
	/* Every name stands in the text between quotes: the text's length holds them all. */
	j->names = malloc(len + 1);
	if (!rules || !j->names) {
		free(rules);
		free(j->names);
		return nslab_fail(j->e, ENOMEM, "--seccomp", NULL);
	}
	p->rules = rules;
	p->storage = j->names;
	for (size_t i = 0; !ret && i < n; i++, p->n_rules++) {
		snprintf(at, sizeof(at), "syscalls[%zu]", i);
		ret = syscall_rule(j, json_object_array_get_idx(calls, i), at, &rules[i]);
	}
	if (ret)
		nslab_sc_profile_free(p);
	return ret;
}

int nslab_sc_parse_json(const char *text, const char *file, struct nslab_sc_profile *p,
			struct nslab_error *e)
{
	struct jctx j = { .file = file, .e = e };
	const char *why;
	json_object *top;
	int ret, line;

	*p = (struct nslab_sc_profile){ 0 };
	top = nslab_json_parse(text, &line, &why);
	if (!top)
		ret = nslab_bad_input(e, "--seccomp", "%s:%d: not JSON: %s", file, line, why);
	else if (!json_object_is_type(top, json_type_object))
		ret = bad(&j, "(top)", "expected an object");
	else
		ret = read_top(&j, top, p, strlen(text));
	json_object_put(top);
	return ret;
}

/* ---- the other way: a profile as a runtime-spec linux.seccomp ---- */

/* @act as @key (and its errno or trace number as @ret_key) in @obj. */
static void action_json(json_object *obj, const char *key, const char *ret_key, uint32_t act)
{
	bool numbered = (act & 0xffff0000u) == SCMP_ACT_ERRNO(0) || (act & 0xffff0000u) == SCMP_ACT_TRACE(0);

	for (size_t i = 0; i < N_ELEMENTS(acts); i++)
		if (acts[i].act == (numbered ? act & 0xffff0000u : act)) {
			json_object_object_add(obj, key, json_object_new_string(acts[i].name));
			break;
		}
	if (numbered)
		json_object_object_add(obj, ret_key, json_object_new_int64(act & 0xffff));
}

static json_object *rule_json(const struct nslab_sc_rule *r)
{
	json_object *rule = json_object_new_object(), *names = json_object_new_array();
	json_object *args = json_object_new_array();
	char name[64];
	int len;

	for (const char *s = r->names; sscanf(s, " %63s%n", name, &len) == 1; s += len)
		json_object_array_add(names, json_object_new_string(name));
	json_object_object_add(rule, "names", names);
	action_json(rule, "action", "errnoRet", r->action);
	for (unsigned i = 0; i < r->n_args; i++) {
		json_object *a = json_object_new_object();

		json_object_object_add(a, "index", json_object_new_int64(r->args[i].index));
		json_object_object_add(a, "value", json_object_new_uint64(r->args[i].value));
		json_object_object_add(a, "valueTwo", json_object_new_uint64(r->args[i].value_two));
		json_object_object_add(a, "op", json_object_new_string(ops[r->args[i].op]));
		json_object_array_add(args, a);
	}
	json_object_object_add(rule, "args", args);
	return rule;
}

json_object *nslab_sc_profile_json(const struct nslab_sc_profile *p, uint64_t caps, unsigned kernel)
{
	json_object *doc = json_object_new_object(), *arches = json_object_new_array();
	json_object *calls = json_object_new_array();

	action_json(doc, "defaultAction", "defaultErrnoRet", p->default_action);
	/* nslab is built for x86-64 alone; the reader takes that entry of a profile too. */
	json_object_array_add(arches, json_object_new_string("SCMP_ARCH_X86_64"));
	if (p->arches & NSLAB_SC_ADD_X86)
		json_object_array_add(arches, json_object_new_string("SCMP_ARCH_X86"));
	if (p->arches & NSLAB_SC_ADD_X32)
		json_object_array_add(arches, json_object_new_string("SCMP_ARCH_X32"));
	json_object_object_add(doc, "architectures", arches);
	/* A rule that repeats the default is left out, as runc and nslab leave it. */
	for (size_t i = 0; i < p->n_rules; i++)
		if (p->rules[i].action != p->default_action &&
		    nslab_sc_rule_applies(&p->rules[i], caps, kernel))
			json_object_array_add(calls, rule_json(&p->rules[i]));
	json_object_object_add(doc, "syscalls", calls);
	return doc;
}
