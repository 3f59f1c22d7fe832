/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The runtimes `nslab check` judges, behind one adapter each: nslab itself,
 * any OCI runtime (runc, crun, a path) through a generated bundle, bwrap and
 * util-linux's unshare through their flags, podman and docker through an image
 * of the probe rootfs and their `run` flags.  Each runs nslab-probe with the
 * namespaces asked for, as far as the runtime can express them.
 */
#ifndef NSLAB_CHECKRT_H
#define NSLAB_CHECKRT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "util.h"

enum nslab_rt_kind {
	NSLAB_RT_NSLAB_RUN,	/* "nslab-run": nslab's own CLI, `nslab run --ns LIST` */
	NSLAB_RT_OCI,		/* "nslab" (its OCI path) and any other OCI runtime: a bundle */
	NSLAB_RT_BWRAP, NSLAB_RT_UNSHARE,
	NSLAB_RT_ENGINE,	/* podman or docker: a container engine with an image store */
};

struct nslab_runtime {
	char name[64];		/* the runtime's file name: "runc", "bwrap", "podman+runc" */
	char path[PATH_MAX];	/* the binary run */
	enum nslab_rt_kind kind;
	char version[128];	/* the first line of its --version */
	char rootfs[PATH_MAX];	/* holds usr/bin/nslab-probe */
	unsigned can;		/* namespace types it can create */
	unsigned always;	/* namespace types it creates whether asked or not */
	unsigned ns;		/* namespace types asked for (within @can) */
	char cannot[192];	/* why the types outside @can are not */
	char oci_version[32];	/* OCI: the newest runtime-spec version it knows */
	char engine_oci[64];	/* engine: the OCI runtime asked of it ("runc"), "" for its own */
	char image[64];		/* engine: the probe rootfs's image, "nslab-probe:<hash>" */
	char no_limits[64];	/* why it sets no cgroup limits, "" when it does */
	/*
	 * Its containers are a daemon's children (docker's), not the checker's:
	 * a namespace they share is the daemon's, never the checker's stand-in.
	 */
	bool daemon;
};

/*
 * A check's cgroup limits (0: none of that kind), which each adapter turns
 * into its runtime's form: nslab's --memory and --pids, an OCI bundle's
 * linux.resources.
 */
struct nslab_rt_limits {
	unsigned memory_mib;	/* memory, and memory with swap where the host swaps */
	unsigned pids;
};

/* What one run of a command printed, and how it ended. */
struct nslab_rt_output {
	int status;		/* exit code, 128+N when killed by signal N, -1 if not run */
	char out[16384];	/* runc features prints some 6 KiB */
	char err[1024];
};

/*
 * Opens runtime @name: "nslab" (this binary), "bwrap", "unshare",
 * "podman[+OCI]" or "docker[+OCI]" (the engine running OCI runtime OCI, by
 * default its configured one), or any other name or path (an OCI runtime); a
 * name without '/' is looked up in PATH, and the kind told by its file name.
 * An engine must answer `info` (INPUT error if not: docker's client answers
 * without its daemon), and gets the image of @rootfs, imported unless it
 * holds it already.  @ns_list (NULL: all) is the
 * comma-separated --ns list; types the runtime cannot create are dropped
 * from it and named in @cannot.  @rootfs: where nslab-probe lives.  0, or
 * -errno with @e (INPUT for an unknown type or a runtime not found).
 */
int nslab_runtime_open(struct nslab_runtime *rt, const char *name, const char *ns_list,
		       const char *rootfs, struct nslab_error *e);

/*
 * Runs `nslab-probe @args...` (NULL-terminated) in a container of @rt,
 * under the limits @lim (NULL: none; only where @rt->no_limits is ""),
 * waiting at most a minute (then its process group is killed).  With a
 * terminal @tty (-1: none, stdin is the checker's), the runtime starts as a
 * user's shell starts it: the leader of a new session whose controlling
 * terminal @tty is, @tty its stdin (stdout and stderr stay @o's pipes).
 * Its output in @o; 0, or -errno if it could not be started or timed out.
 */
int nslab_runtime_probe(const struct nslab_runtime *rt, const struct nslab_rt_limits *lim, int tty,
			const char *const args[], struct nslab_rt_output *o);
/* The same probe from @rt's rootfs run on the host: in the checker's own namespaces, on @tty alike. */
int nslab_runtime_host_probe(const struct nslab_runtime *rt, int tty, const char *const args[],
			     struct nslab_rt_output *o);

#endif
