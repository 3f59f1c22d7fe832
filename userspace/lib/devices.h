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
#include <sys/types.h>

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

/* How a device reaches the container. */
enum nslab_device_kind {
	NSLAB_DEVICE_BIND,	/* --device: the host's node @host, bound at @path */
	/*
	 * OCI linux.devices: a node made at @path; where a user namespace may
	 * not mknod, the host's node of that number, bound
	 */
	NSLAB_DEVICE_NODE,
	NSLAB_DEVICE_RULE,	/* OCI linux.resources.devices: an allow rule alone */
};

/* One --device or OCI device, and its rule (type 0: none, a fifo's). */
struct nslab_device {
	enum nslab_device_kind kind;
	char host[128];
	char path[128];
	struct nslab_dev_rule rule;
	mode_t mode;		/* NODE: S_IF* type and permissions */
	uid_t uid;		/* NODE: its owner, inside */
	gid_t gid;
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
 * device's that has one), into @r; false once @i is past the last.
 */
bool nslab_dev_rule_at(const struct nslab_devices *d, int i, struct nslab_dev_rule *r);

/* The rule as a devices.allow line, "c 136:* rwm". */
void nslab_dev_rule_format(const struct nslab_dev_rule *r, char *buf, size_t size);

#endif
