// SPDX-License-Identifier: GPL-2.0
/* The allowlist's rules: Docker's defaults, --device parsing, the devices.allow form. */
#include "devices.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#define W NSLAB_DEV_WILDCARD

/*
 * runc's AllowedDevices, which every Docker container gets: mknod of any
 * node (a node made is no use unless a rule below allows opening it), null,
 * random, full, tty, zero, urandom, console, the ptys, ptmx.  runc 1.2.0
 * dropped tun (10:200) and later releases put it back for old users' sake;
 * we stay with the stricter list: --device /dev/net/tun allows it.
 */
static const struct nslab_dev_rule defaults[] = {
	{ 'c', W, W, NSLAB_DEV_MKNOD }, { 'b', W, W, NSLAB_DEV_MKNOD },
	{ 'c', 1, 3, NSLAB_DEV_RWM }, { 'c', 1, 8, NSLAB_DEV_RWM }, { 'c', 1, 7, NSLAB_DEV_RWM },
	{ 'c', 5, 0, NSLAB_DEV_RWM }, { 'c', 1, 5, NSLAB_DEV_RWM }, { 'c', 1, 9, NSLAB_DEV_RWM },
	{ 'c', 5, 1, NSLAB_DEV_RWM }, { 'c', 136, W, NSLAB_DEV_RWM }, { 'c', 5, 2, NSLAB_DEV_RWM },
};
#define N_DEFAULTS ((int)N_ELEMENTS(defaults))

/* Docker's validDeviceMode: 1-3 of r, w, m, none twice. */
static bool parse_perms(const char *s, unsigned *access)
{
	static const char letters[] = "mrw";	/* bit 0, 1, 2: NSLAB_DEV_MKNOD, READ, WRITE */

	*access = 0;
	if (!*s)
		return false;
	for (; *s; s++) {
		const char *p = strchr(letters, *s);
		unsigned bit = p ? 1u << (p - letters) : 0;

		if (!bit || (*access & bit))
			return false;
		*access |= bit;
	}
	return true;
}

/* Inside /dev, with no empty, "." or ".." component: the node lands in the container's /dev tmpfs. */
static bool valid_target(const char *path)
{
	const char *p = path + 5;

	if (strncmp(path, "/dev/", 5) != 0)
		return false;
	while (*p) {
		size_t len = strcspn(p, "/");

		if (len == 0 || (len == 1 && p[0] == '.') || (len == 2 && strncmp(p, "..", 2) == 0))
			return false;
		p += len;
		if (*p == '/' && !*++p)
			return false;
	}
	return p != path + 5;
}

/* Splits HOST[:CONTAINER][:PERMS] as docker run does: a second part that is a mode is the mode. */
static int split(const char *arg, struct nslab_device *dev, unsigned *access, struct nslab_error *e)
{
	char buf[384], *parts[4] = { 0 }, *p = buf;
	const char *target;
	unsigned perms;
	int n = 0;

	if (snprintf(buf, sizeof(buf), "%s", arg) >= (int)sizeof(buf))
		return nslab_fail_as(e, NSLAB_ERR_INPUT, ENAMETOOLONG, "--device", "'%.64s...' is too long", arg);
	while (n < 4 && p)
		parts[n++] = strsep(&p, ":");
	*access = NSLAB_DEV_RWM;
	if (n == 2 && parse_perms(parts[1], &perms)) {
		*access = perms;
		parts[1] = NULL;
	}
	if (n == 4 || !*parts[0] || (n == 3 && !parse_perms(parts[2], access)))
		return nslab_bad_input(e, "--device",
				       "'%s' is not HOST[:CONTAINER][:PERMS] (PERMS: 1-3 of r, w, m)", arg);
	target = parts[1] ? parts[1] : parts[0];
	if (snprintf(dev->host, sizeof(dev->host), "%s", parts[0]) >= (int)sizeof(dev->host))
		return nslab_fail_as(e, NSLAB_ERR_INPUT, ENAMETOOLONG, "--device", "%s: path too long", parts[0]);
	if (snprintf(dev->path, sizeof(dev->path), "%s", target) >= (int)sizeof(dev->path))
		return nslab_fail_as(e, NSLAB_ERR_INPUT, ENAMETOOLONG, "--device", "%s: path too long", target);
	return 0;
}

int nslab_device_parse(const char *arg, struct nslab_devices *d, struct nslab_error *e)
{
	struct nslab_device *dev;
	struct stat st;
	unsigned access;
	int ret;

	if (d->n >= NSLAB_MAX_DEVICES)
		return nslab_fail_as(e, NSLAB_ERR_INPUT, E2BIG, "--device", "at most %d devices", NSLAB_MAX_DEVICES);
	dev = &d->dev[d->n];
	ret = split(arg, dev, &access, e);
	if (ret)
		return ret;
	if (stat(dev->host, &st) < 0)
		return nslab_fail_as(e, NSLAB_ERR_INPUT, errno, "--device", "%s: %s", dev->host, strerror(errno));
	if (!S_ISCHR(st.st_mode) && !S_ISBLK(st.st_mode))
		return nslab_fail_as(e, NSLAB_ERR_INPUT, ENODEV, "--device", "%s is not a device node", dev->host);
	if (!valid_target(dev->path))
		return nslab_bad_input(e, "--device", "'%s': the container's path must be below /dev/",
				       dev->path);
	dev->rule = (struct nslab_dev_rule){ S_ISBLK(st.st_mode) ? 'b' : 'c', major(st.st_rdev),
					     minor(st.st_rdev), access };
	d->n++;
	return 0;
}

bool nslab_dev_rule_at(const struct nslab_devices *d, int i, struct nslab_dev_rule *r)
{
	if (i < N_DEFAULTS) {
		*r = defaults[i];
		return true;
	}
	i -= N_DEFAULTS;
	for (int k = 0; k < d->n; k++)
		if (d->dev[k].rule.type && i-- == 0) {
			*r = d->dev[k].rule;
			return true;
		}
	return false;
}

void nslab_dev_rule_format(const struct nslab_dev_rule *r, char *buf, size_t size)
{
	char major[24] = "*", minor[24] = "*";

	if (r->major != W)
		snprintf(major, sizeof(major), "%ld", r->major);
	if (r->minor != W)
		snprintf(minor, sizeof(minor), "%ld", r->minor);
	snprintf(buf, size, "%c %s:%s %s%s%s", r->type, major, minor,
		 r->access & NSLAB_DEV_READ ? "r" : "", r->access & NSLAB_DEV_WRITE ? "w" : "",
		 r->access & NSLAB_DEV_MKNOD ? "m" : "");
}
