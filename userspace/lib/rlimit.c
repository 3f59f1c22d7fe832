// SPDX-License-Identifier: GPL-2.0
#include "rlimit.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

/*
 * Docker's names (moby's go-units ulimit.go), in its order, after "as":
 * go-units leaves RLIMIT_AS out, so --ulimit refuses it, but config.json
 * may name it (runc sets it) and the state keeps it.
 */
#define FIRST_DOCKER_NAME 1
static const struct {
	const char *name;
	int resource;
} names[] = {
	{ "as", RLIMIT_AS }, { "core", RLIMIT_CORE }, { "cpu", RLIMIT_CPU }, { "data", RLIMIT_DATA },
	{ "fsize", RLIMIT_FSIZE }, { "locks", RLIMIT_LOCKS }, { "memlock", RLIMIT_MEMLOCK },
	{ "msgqueue", RLIMIT_MSGQUEUE }, { "nice", RLIMIT_NICE }, { "nofile", RLIMIT_NOFILE },
	{ "nproc", RLIMIT_NPROC }, { "rss", RLIMIT_RSS }, { "rtprio", RLIMIT_RTPRIO },
	{ "rttime", RLIMIT_RTTIME }, { "sigpending", RLIMIT_SIGPENDING }, { "stack", RLIMIT_STACK },
};

static const char *rlimit_name(int resource)
{
	for (size_t i = 0; i < N_ELEMENTS(names); i++)
		if (names[i].resource == resource)
			return names[i].name;
	return "?";
}

int nslab_rlimit_from_oci(const char *name)
{
	char lower[16];
	size_t i;

	if (strncmp(name, "RLIMIT_", 7) != 0 || strlen(name + 7) >= sizeof(lower))
		return -1;
	for (i = 0; name[7 + i]; i++)
		lower[i] = name[7 + i] >= 'A' && name[7 + i] <= 'Z' ? name[7 + i] - 'A' + 'a' : '#';
	lower[i] = '\0';
	for (i = 0; i < N_ELEMENTS(names); i++)
		if (strcmp(lower, names[i].name) == 0)
			return names[i].resource;
	return -1;
}

/* A value: a number, or -1 for unlimited. */
static int parse_value(const char *s, rlim_t *out)
{
	long long v;

	if (nslab_parse_number(s, -1, LLONG_MAX, &v))
		return -EINVAL;
	*out = v < 0 ? RLIM_INFINITY : (rlim_t)v;
	return 0;
}

/* NAME=SOFT[:HARD] with NAME from names[@first] on. */
static int parse_rlimit(const char *arg, size_t first, struct nslab_rlimit *list, int *n,
			struct nslab_error *e)
{
	const char *eq = strchr(arg, '=');
	char soft[32], *hard;
	struct nslab_rlimit r = { .resource = -1 };
	bool fits;
	int i;

	for (size_t k = first; eq && k < N_ELEMENTS(names); k++)
		if (strlen(names[k].name) == (size_t)(eq - arg) && strncmp(arg, names[k].name, eq - arg) == 0)
			r.resource = names[k].resource;
	if (!eq || r.resource < 0)
		return nslab_bad_input(e, "--ulimit", "'%s' is not NAME=SOFT[:HARD] with NAME one of "
				       "core cpu data fsize locks memlock msgqueue nice nofile nproc rss "
				       "rtprio rttime sigpending stack", arg);
	fits = snprintf(soft, sizeof(soft), "%s", eq + 1) < (int)sizeof(soft);
	hard = strchr(soft, ':');
	if (hard)
		*hard++ = '\0';
	if (!fits || parse_value(soft, &r.soft) || parse_value(hard ? hard : soft, &r.hard))
		return nslab_bad_input(e, "--ulimit", "'%s': values must be numbers (-1: unlimited)", arg);
	if (r.soft > r.hard)
		return nslab_bad_input(e, "--ulimit", "'%s': the soft limit exceeds the hard one", arg);
	for (i = 0; i < *n && list[i].resource != r.resource; i++)
		;
	if (i == *n)
		(*n)++;
	list[i] = r;
	return 0;
}

int nslab_parse_ulimit(const char *arg, struct nslab_rlimit *list, int *n, struct nslab_error *e)
{
	return parse_rlimit(arg, FIRST_DOCKER_NAME, list, n, e);
}

int nslab_parse_kept_rlimit(const char *arg, struct nslab_rlimit *list, int *n)
{
	return parse_rlimit(arg, 0, list, n, NULL);
}

void nslab_rlimit_format(const struct nslab_rlimit *r, char *buf, size_t size)
{
	long long soft = r->soft == RLIM_INFINITY ? -1 : (long long)r->soft;
	long long hard = r->hard == RLIM_INFINITY ? -1 : (long long)r->hard;

	snprintf(buf, size, "%s=%lld:%lld", rlimit_name(r->resource), soft, hard);
}

int nslab_rlimits_apply(const struct nslab_rlimit *list, int n, struct nslab_error *e)
{
	struct rlimit host;

	if (n && nslab_fault("rlimit"))
		return nslab_fail(e, EIO, "rlimit", NULL);
	for (int i = 0; i < n; i++) {
		struct rlimit r = { .rlim_cur = list[i].soft, .rlim_max = list[i].hard };

		if (setrlimit(list[i].resource, &r) == 0)
			continue;
		getrlimit(list[i].resource, &host);
		return nslab_fail(e, errno, "rlimit", "%s: %s%s", rlimit_name(list[i].resource),
				  strerror(errno), errno == EPERM && r.rlim_max > host.rlim_max ?
				  " (a hard limit above the host's)" : "");
	}
	return 0;
}
