/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The devices a container may use: Docker's default allowlist (runc's
 * AllowedDevices) plus one rule per --device.  Enforced by the cgroup
 * drivers: v1 through devices.deny/devices.allow, v2 through a
 * BPF_PROG_TYPE_CGROUP_DEVICE program generated from the rules.
 */
#ifndef NSLAB_DEVICES_H
#define NSLAB_DEVICES_H

#include <stdbool.h>
#include <stddef.h>

#include "util.h"

/* Access bits, the values of BPF_DEVCG_ACC_* so that the BPF program uses them as they are. */
#define NSLAB_DEV_MKNOD 1u
#define NSLAB_DEV_READ 2u
#define NSLAB_DEV_WRITE 4u
#define NSLAB_DEV_RWM (NSLAB_DEV_MKNOD | NSLAB_DEV_READ | NSLAB_DEV_WRITE)
#define NSLAB_DEV_WILDCARD (-1L)
#define NSLAB_MAX_DEVICES 16

/* One allow rule, as a devices.allow line: "c 1:3 rwm", "b *:* m". */
struct nslab_dev_rule {
	char type;		/* 'c' or 'b' */
	long major, minor;	/* NSLAB_DEV_WILDCARD for '*' */
	unsigned access;	/* NSLAB_DEV_* bits */
};

/* One --device: the host's node, bind-mounted at @path inside, and its rule. */
struct nslab_device {
	char host[128];
	char path[128];
	struct nslab_dev_rule rule;
};

struct nslab_devices {
	struct nslab_device dev[NSLAB_MAX_DEVICES];
	int n;
};

/*
 * --device HOST[:CONTAINER][:PERMS], as docker run parses it: CONTAINER
 * defaults to HOST and must be below /dev/, PERMS is a non-empty subset of
 * "rwm" (default rwm).  HOST must be a character or block device node.
 * Touches nothing; -EINVAL or -errno with @e naming --device.
 */
int nslab_device_parse(const char *arg, struct nslab_devices *d, struct nslab_error *e);

/*
 * Rule @i of the container's allowlist (Docker's defaults, then each
 * --device), into @r; false once @i is past the last.
 */
bool nslab_dev_rule_at(const struct nslab_devices *d, int i, struct nslab_dev_rule *r);

/* The rule as a devices.allow line, "c 136:* rwm". */
void nslab_dev_rule_format(const struct nslab_dev_rule *r, char *buf, size_t size);

#endif
