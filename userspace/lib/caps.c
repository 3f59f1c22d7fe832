// SPDX-License-Identifier: GPL-2.0
#include "caps.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/capability.h>

static const char *const names[] = {
	"CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID",
	"SETUID", "SETPCAP", "LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST",
	"NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER", "SYS_MODULE", "SYS_RAWIO",
	"SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
	"SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE",
	"AUDIT_CONTROL", "SETFCAP", "MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM",
	"BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF", "CHECKPOINT_RESTORE",
};
#define NAMED_CAPS ((int)N_ELEMENTS(names))

#define BIT(c) (1ULL << (c))

uint64_t nslab_caps_default(void)
{
	return BIT(CAP_CHOWN) | BIT(CAP_DAC_OVERRIDE) | BIT(CAP_FSETID) | BIT(CAP_FOWNER) |
	       BIT(CAP_MKNOD) | BIT(CAP_NET_RAW) | BIT(CAP_SETGID) | BIT(CAP_SETUID) |
	       BIT(CAP_SETFCAP) | BIT(CAP_SETPCAP) | BIT(CAP_NET_BIND_SERVICE) |
	       BIT(CAP_SYS_CHROOT) | BIT(CAP_KILL) | BIT(CAP_AUDIT_WRITE);
}

/*
 * Highest capability this kernel knows (/proc/sys/kernel/cap_last_cap),
 * read once: a start asks three times, and the kernel's answer cannot change.
 */
static int cap_last(void)
{
	static int last = -1;
	char buf[16];

	if (last >= 0)
		return last;
	if (nslab_read_file("/proc/sys/kernel/cap_last_cap", buf, sizeof(buf)) < 0)
		return NAMED_CAPS - 1;
	last = atoi(buf);
	if (last <= 0 || last >= 64)
		last = NAMED_CAPS - 1;
	return last;
}

int nslab_cap_from_name(const char *name)
{
	if (strncasecmp(name, "CAP_", 4) == 0)
		name += 4;
	for (int c = 0; c < NAMED_CAPS; c++)
		if (strcasecmp(name, names[c]) == 0)
			return c;
	return -1;
}

const char *nslab_cap_name(int cap)
{
	return cap >= 0 && cap < NAMED_CAPS ? names[cap] : "?";
}

int nslab_caps_parse(const char *opt, const char *arg, uint64_t *add, uint64_t *drop,
		     struct nslab_error *e)
{
	uint64_t *set = strcmp(opt, "--cap-add") == 0 ? add : drop;
	int cap;

	if (strcasecmp(arg, "ALL") == 0) {
		*set = ~0ULL;
		return 0;
	}
	cap = nslab_cap_from_name(arg);
	if (cap < 0)
		return nslab_bad_input(e, opt, "unknown capability '%s'", arg);
	*set |= BIT(cap);
	return 0;
}

uint64_t nslab_caps_resolve(uint64_t add, uint64_t drop)
{
	/* As moby's caps.TweakCapabilities: --cap-add ALL leaves out what --cap-drop names. */
	if (add == ~0ULL)
		return drop == ~0ULL ? ~0ULL : ~drop;
	return (nslab_caps_default() & ~drop) | add;
}

/* @set less what this kernel does not know and what we do not hold. */
static int held(uint64_t set, uint64_t *out)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { { 0 } };
	int last = cap_last();

	/* ALL means all we hold: a host root may itself lack some (as on this CI's VM). */
	if (syscall(SYS_capget, &hdr, data) < 0)
		return -errno;
	set &= ((uint64_t)data[1].permitted << 32 | data[0].permitted);
	*out = set & (last == 63 ? ~0ULL : BIT(last + 1) - 1);
	return 0;
}

int nslab_caps_bound(uint64_t set)
{
	int last = cap_last();
	int ret = held(set, &set);

	for (int c = 0; c <= last && !ret; c++)
		if (!(set & BIT(c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
			ret = -errno;
	return ret;
}

/* Raises each of @set in the ambient set, which permitted and inheritable already hold. */
static int raise_ambient(uint64_t set)
{
	for (int c = 0; c < 64; c++)
		if ((set & BIT(c)) && prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
			return -errno;
	return 0;
}

int nslab_caps_apply(uint64_t set, uint64_t ambient)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = { { 0 } };
	int ret = held(set, &set);

	if (ret)
		return ret;
	/*
	 * Docker's sets (moby oci.SetCapabilities, since the CVE-2022-24769
	 * fix): root gets @set as permitted and effective, any other uid only
	 * the bounding set, as execve would leave it.  Inheritable stays empty
	 * so that no file's inheritable bits (+i) can raise anything, and the
	 * kernel empties ambient with it (ambient is a subset of inheritable).
	 * The one exception is runc's `exec --cap` for a non-root user: what it
	 * names explicitly is kept across the exec, in every set.
	 */
	if (geteuid() != 0)
		set &= ambient;
	else
		ambient = 0;
	data[0].effective = data[0].permitted = (uint32_t)set;
	data[1].effective = data[1].permitted = (uint32_t)(set >> 32);
	data[0].inheritable = (uint32_t)ambient;
	data[1].inheritable = (uint32_t)(ambient >> 32);
	if (syscall(SYS_capset, &hdr, data) < 0)
		return -errno;
	return raise_ambient(ambient);
}

int nslab_caps_apply_sets(const struct nslab_cap_sets *s)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {
		{ (uint32_t)s->effective, (uint32_t)s->permitted, (uint32_t)s->inheritable },
		{ (uint32_t)(s->effective >> 32), (uint32_t)(s->permitted >> 32),
		  (uint32_t)(s->inheritable >> 32) },
	};

	if (syscall(SYS_capset, &hdr, data) < 0)
		return -errno;
	return raise_ambient(s->ambient);
}
