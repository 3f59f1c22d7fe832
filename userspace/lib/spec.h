/* SPDX-License-Identifier: GPL-2.0 */
/* A container's specification: parsed from the command line, validated before anything is made. */
#ifndef NSLAB_SPEC_H
#define NSLAB_SPEC_H

#include <limits.h>
#include <stdbool.h>
#include <sys/resource.h>
#include <sys/types.h>

#include "caps.h"
#include "cgroup.h"
#include "ns.h"
#include "filter.h"
#include "hooks.h"
#include "util.h"

/* podman names its containers by their ids, 64 hex digits (hostnames stop at 64 too). */
#define NSLAB_NAME_MAX 64
#define NSLAB_MAX_MAPS 8
#define NSLAB_MAX_ENV 64
#define NSLAB_MAX_GROUPS 32
/* config.json's annotations as compact JSON text, kept in the state: at most this, with the NUL. */
#define NSLAB_ANNOTATIONS_MAX 8192
/* docker stop's grace, in seconds, between the first SIGINT/SIGTERM and the kill. */
#define NSLAB_STOP_TIMEOUT 10
/* Container root maps to this host range when nslab runs as root and no map is given. */
#define NSLAB_DEFAULT_MAP_BASE 100000u
#define NSLAB_DEFAULT_MAP_COUNT 65536u

struct nslab_idmap {
	unsigned inside, outside, count;
};

enum nslab_net_mode { NSLAB_NET_NONE, NSLAB_NET_LOOPBACK, NSLAB_NET_VETH };

#define NSLAB_NET_MAX_ADDRS 4

/* An interface address as given, "198.51.100.2/24" or "2001:db8::2/64". */
struct nslab_net_addr {
	int family;		/* AF_INET or AF_INET6 */
	char text[64];
};

struct nslab_net {
	enum nslab_net_mode mode;
	/* veth: the container's end (eth0) and the host's end (peer=) */
	struct nslab_net_addr addr[NSLAB_NET_MAX_ADDRS], peer[NSLAB_NET_MAX_ADDRS];
	int n_addr, n_peer;
	unsigned mtu;			/* 0: the kernel's default */
	const char *bridge;		/* attach the host end here instead of addressing it */
	char host_if[16];		/* the host end's name, derived from the container's */
};

#define NSLAB_MAX_MOUNTS 16
#define NSLAB_MAX_SYSCTL 32
#define NSLAB_MAX_MASKS 32

/*
 * A mount the user adds (-v, --mount, --tmpfs; config.json's mounts), made
 * in order below the container's root after /dev, before the masks.
 */
struct nslab_mount {
	char type[16];			/* "bind", or the filesystem type of a new mount ("tmpfs") */
	char source[PATH_MAX];		/* bind: an absolute host path; else the filesystem's name */
	char destination[PATH_MAX];	/* absolute, inside the container */
	unsigned attrs;			/* MOUNT_ATTR_RDONLY, _NOSUID, _NODEV, _NOEXEC, atime's */
	bool atime;			/* attrs' MOUNT_ATTR__ATIME part was given (relatime is 0) */
	unsigned long propagation;	/* OCI's MS_SHARED, _SLAVE, _PRIVATE, _UNBINDABLE (| MS_REC), or 0 */
	char data[128];			/* a new filesystem's mount(2) data: "size=N,mode=1777" */
	const char *origin;		/* the option or field it came from, for errors */
	bool no_recurse;		/* a bind of the source's mount alone (OCI "bind") */
	bool copy_up;			/* tmpfs: the image's files at the destination copied in (tmpcopyup) */
};

/* One --ulimit (config.json's rlimits): RLIMIT_* @resource, RLIM_INFINITY for unlimited. */
struct nslab_rlimit {
	int resource;
	rlim_t soft, hard;
};

/*
 * OCI's process object: what runs, as whom, with what.  The container's
 * first process (nslab_spec) and a command `nslab exec` adds
 * (nslab_exec_spec) have these fields alike, so that one is added once for
 * both.
 */
#define NSLAB_PROCESS_FIELDS								\
	char *const *argv;								\
	char *env[NSLAB_MAX_ENV + 1];	/* KEY=VALUE, NULL-terminated */		\
	int n_env;									\
	bool env_exact;		/* env is all of it: none of nslab's PATH, HOME, HOSTNAME, TERM */ \
	const char *workdir;	/* -w: cwd inside (made if missing); exec: NULL for the container's */ \
	bool tty;		/* -t: a pty of its own */				\
	bool interactive;	/* -i: with -t, stdin is relayed into the pty */	\
	bool user_set;									\
	uid_t uid;									\
	gid_t gid;									\
	gid_t groups[NSLAB_MAX_GROUPS];	/* supplementary (OCI additionalGids), with user_set */ \
	int n_groups;									\
	bool no_new_privs;								\
	bool cap_sets_given;	/* OCI: the other four sets exactly as cap_sets says */ \
	struct nslab_cap_sets cap_sets;							\
	struct nslab_rlimit rlimits[RLIM_NLIMITS];					\
	int n_rlimits;									\
	int umask;		/* OCI process.user.umask, or -1: nslab's own */	\
	bool oom_score_set;								\
	int oom_score_adj;	/* OCI process.oomScoreAdj, written by the host */	\
	unsigned short console_rows, console_cols;	/* OCI process.consoleSize; 0: unset */

struct nslab_process {
	NSLAB_PROCESS_FIELDS
};

/*
 * The process fields in a struct, each one a member of it and, over the
 * same bytes, all of them the struct nslab_process @name (as Linux's
 * struct_group_tagged): used one by one, copied whole.
 */
#define NSLAB_PROCESS_GROUP(name) union {						\
		struct { NSLAB_PROCESS_FIELDS };					\
		struct nslab_process name;						\
	}

enum nslab_clock { NSLAB_CLOCK_MONOTONIC, NSLAB_CLOCK_BOOTTIME, NSLAB_CLOCK_COUNT };

struct nslab_spec {
	char name[NSLAB_NAME_MAX + 1];
	unsigned ns;			/* namespaces to create (bit mask) */
	const char *join[NSLAB_NS_COUNT];	/* namespaces to enter instead */
	const char *rootfs;
	bool overlay;
	bool read_only;
	unsigned long root_propagation;	/* OCI rootfsPropagation: MS_* (| MS_REC) for / at the end, or 0 */
	bool init;
	bool detach;
	bool remove;			/* --rm: nothing kept at exit */
	int stop_timeout;		/* seconds from the first SIGINT/SIGTERM to the kill */
	const char *hostname;
	const char *domainname;
	struct nslab_idmap uid_map[NSLAB_MAX_MAPS];
	struct nslab_idmap gid_map[NSLAB_MAX_MAPS];
	int n_uid_map, n_gid_map;
	/*
	 * The root is mounted idmapped with the user namespace, so that the
	 * container's root owns what the host's root owns in the image: set by
	 * nslab_spec_finish for root with nslab's default maps.  Where the
	 * filesystem cannot be idmapped, the root is mounted unmapped instead.
	 */
	bool idmap_root;
	/* Not root and a map beyond the caller's own ids: newuidmap/newgidmap write it. */
	bool map_helpers;
	struct nslab_net net;
	const char *persist_dir;	/* each new namespace to DIR/<type> */
	const char *persist_path[NSLAB_NS_COUNT];	/* or one type to an exact path */
	long long time_offset[NSLAB_CLOCK_COUNT];	/* seconds */
	struct nslab_limits limits;
	struct nslab_devices devices;	/* --device: allowed beyond Docker's defaults */
	uint64_t cap_add, cap_drop;	/* as given */
	uint64_t caps;			/* resolved: Docker's default set, drops, then adds */
	NSLAB_PROCESS_GROUP(process);	/* its first process; no_new_privs default on */
	struct nslab_seccomp seccomp;
	const char *cgroup_parent;	/* below each hierarchy's root; default "nslab" */
	const char *cgroup_leaf;	/* OCI cgroupsPath's last part; NULL: the container's name */
	int n_mounts;			/* of mounts[], at the end */
	/*
	 * OCI create: no supervisor; the first process waits on the exec fifo
	 * for `nslab start` and create leaves it to the caller's subreaper.
	 */
	bool oci_create;
	const char *bundle;		/* the OCI bundle's absolute path, or NULL */
	const char *pid_file;		/* --pid-file: the first process's host pid, once set up */
	const char *console_socket;	/* --console-socket: where the pty's master goes (-t) */
	int preserve_fds;		/* --preserve-fds N: fds 3..3+N-1 reach the command */
	const char *sysctl[NSLAB_MAX_SYSCTL][2];	/* OCI linux.sysctl: key, value */
	int n_sysctl;
	/* OCI maskedPaths and readonlyPaths beyond Docker's, which nslab applies always. */
	const char *masked_extra[NSLAB_MAX_MASKS], *read_only_extra[NSLAB_MAX_MASKS];
	int n_masked_extra, n_read_only_extra;
	/* OCI: config.json's annotations (JSON text) and hooks. */
	const char *annotations;
	const struct nslab_hooks *hooks;
	/*
	 * Last, and left unzeroed by nslab_spec_init: at 8 KiB each, the
	 * worst case is 33 pages that a start would fault in only to zero
	 * them.  The entries below n_mounts are whole (each is zeroed as it
	 * is added); nothing reads past them.
	 */
	struct nslab_mount mounts[NSLAB_MAX_MOUNTS];
};

/* Defaults: all namespaces, overlay on the built-in rootfs, loopback network. */
void nslab_spec_init(struct nslab_spec *spec);

/* Parsers for single options; each returns 0 or -EINVAL with @e naming the problem. */
int nslab_parse_idmap(const char *arg, struct nslab_idmap *map, int *n, struct nslab_error *e, const char *opt);
int nslab_parse_user(const char *arg, uid_t *uid, gid_t *gid, struct nslab_error *e);
int nslab_parse_time_offsets(const char *arg, long long offs[NSLAB_CLOCK_COUNT], struct nslab_error *e);
int nslab_parse_join(const char *arg, const char *join[NSLAB_NS_COUNT], struct nslab_error *e);
/* none | loopback | veth[=ADDR/PFX][,peer=ADDR/PFX][,mtu=N]... (addresses repeatable, v4 and v6) */
int nslab_parse_net(const char *arg, struct nslab_net *net, struct nslab_error *e);
/* DIR, or TYPE=PATH (e.g. net=/run/netns/web for `ip netns exec web`). */
int nslab_parse_persist(const char *arg, struct nslab_spec *spec, struct nslab_error *e);
/* Where namespace @t of the container is to be persisted, or NULL (@buf holds DIR/<type>). */
const char *nslab_persist_target(const struct nslab_spec *spec, int t, char *buf, size_t size);
bool nslab_name_valid(const char *name);
/*
 * Whether the container's record (state.json, log, persisted ns files) is
 * kept after its exit until `nslab rm`: detached, or holding persisted
 * namespaces (else their files would go with it), and not --rm.
 */
bool nslab_spec_keeps_record(const struct nslab_spec *spec);
/*
 * Whether the container has a mount namespace of its own (mnt created, not
 * joined), and so a root of its own: rootfs, overlay, /proc, /sys, /dev,
 * masks, pivot.  Without one the command runs on the root it finds.
 */
bool nslab_spec_own_root(const struct nslab_spec *spec);
/* Whether the container is in a user namespace other than the host's: created or joined. */
bool nslab_spec_userns(const struct nslab_spec *spec);
/* Whether @id has a mapping among the @n ranges of @map. */
bool nslab_id_mapped(const struct nslab_idmap *map, int n, unsigned id);

/*
 * Checks the whole spec and fills in the defaults that depend on the caller
 * (generated name, default id maps).  No side effect on the system but a
 * new file in the seccomp program cache (nslab_seccomp_check).
 */
int nslab_spec_finish(struct nslab_spec *spec, struct nslab_error *e);

#endif
