// SPDX-License-Identifier: GPL-2.0
#include "cli.h"
#include "container.h"
#include "counters.h"
#include "oci.h"
#include "process.h"
#include "rlimit.h"
#include "usermount.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <linux/close_range.h>

static const char run_usage[] =
	"usage: nslab run [OPTIONS] [--] CMD [ARG...]\n"
	"       nslab run [-d] --bundle DIR [-d] ID     (OCI form: DIR/config.json's container)\n"
	"  -b, --bundle DIR      an OCI bundle: the form is chosen by --bundle (or -b) coming\n"
	"                        first, or second after -d; it takes -d and the container's ID\n"
	"  --name N              container name (default: generated)\n"
	"  --ns LIST             namespaces to create: uts,ipc,pid,mnt,net,user,cgroup,time (default\n"
	"                        all); without mnt, CMD runs on the host's root, as under unshare(1)\n"
	"  --rootfs DIR          root filesystem (default: the built-in busybox rootfs)\n"
	"  --no-overlay          bind the rootfs instead of a copy-on-write overlay\n"
	"  --read-only           mount the root read-only\n"
	"  --hostname H          (default: the name)   --domainname D\n"
	"  --user UID[:GID]      user to run CMD as, inside\n"
	"  --uid-map IN:OUT:LEN  --gid-map IN:OUT:LEN   (repeatable; default 0:100000:65536 as root)\n"
	"  --net none|loopback   (default loopback: lo up)\n"
	"  --net veth[=ADDR/PFX,...][,peer=ADDR/PFX,...][,mtu=N]\n"
	"                        a veth pair: eth0 inside, the peer on the host (addressed, or on\n"
	"                        --bridge BR); peer= before each host-end address; IPv4 and IPv6;\n"
	"                        default route via the peer's address of each family\n"
	"  --bridge BR           attach the host end of the veth to an existing bridge\n"
	"  --persist DIR         bind-mount each namespace file to DIR/<type>\n"
	"  --persist TYPE=PATH   bind-mount one, e.g. net=/run/netns/NAME for `ip netns exec NAME`;\n"
	"                        the files outlive the container, with its record, until `nslab rm`\n"
	"  --join TYPE=PATH      enter an existing namespace (user: its maps, CMD its root;\n"
	"                        pid: CMD a new process in it; mnt: its root is CMD's root)\n"
	"  --time-offset monotonic=S,boottime=S\n"
	"  -e, --env KEY=VALUE   set an environment variable for CMD\n"
	"  --env-file FILE       KEY=VALUE lines ('#' comments and blank lines skipped; a bare\n"
	"                        KEY takes our value)\n"
	"  -v, --volume SRC:DST[:ro|rw]   bind the existing absolute host path SRC at DST\n"
	"  --mount type=bind,source=SRC,target=DST[,readonly]\n"
	"  --mount type=tmpfs,target=DST[,tmpfs-size=SIZE][,tmpfs-mode=OCTAL][,readonly]\n"
	"  --tmpfs DST[:size=SIZE,mode=OCTAL,ro,exec]   a tmpfs at DST (nosuid,nodev,noexec,\n"
	"                        mode 1777 unless told)\n"
	"  -w, --workdir DIR     CMD's working directory inside, made if missing\n"
	"  --ulimit NAME=SOFT[:HARD]   a resource limit (nofile, nproc, core, stack...; -1\n"
	"                        unlimited)\n"
	"  --init                run a tiny PID 1 that reaps zombies and forwards signals\n"
	"  --stop-timeout S      SIGINT/SIGTERM are forwarded; a second one, or S seconds after\n"
	"                        the first (default 10), kills the container (exit 130/143)\n"
	"  --memory B  --memory-swap B (memory plus swap, at least --memory)   sizes take k, m, g;\n"
	"                        --memory at least 6m\n"
	"  --pids N  --cpus F  --cpu-weight W (1-10000)  --cpuset LIST  --io-weight W (1-10000)\n"
	"  --cgroup-parent P     the container's cgroup is P/<name> (default nslab)\n"
	"  --device HOST[:CONTAINER][:PERMS]   allow a host device (PERMS of rwm, default rwm)\n"
	"                        beyond Docker's allowlist, and put it at CONTAINER (default HOST)\n"
	"  --cap-add CAP  --cap-drop CAP   change Docker's 14 default capabilities (a name or ALL)\n"
	"  --no-new-privs=false  allow setuid programs to gain privileges (default: no_new_privs on)\n"
	"  --seccomp unconfined|FILE   no filter, or FILE: a Docker/OCI JSON profile, or\n"
	"                        'deny NAME'/'allow NAME' lines\n"
	"  -t, --tty             give CMD a pty of its own (its controlling terminal), relayed\n"
	"                        to ours; with -d its output goes to the log\n"
	"  -i, --interactive     with -t, relay stdin into the pty (our terminal goes raw)\n"
	"                        without -t, stdin is passed as it is either way\n"
	"  -d, --detach          run in the background; print the name.  Its record (status,\n"
	"                        exit code, log) stays after it exits, until `nslab rm`\n"
	"  --rm                  remove everything at exit, --persist files too (the default\n"
	"                        without -d and --persist)\n"
	"  --check-leaks         with nscount loaded: fail unless every namespace made is freed again\n"
	"exit: CMD's status, 128+N if killed by signal N; 125 setup failed, 126 cannot execute, 127 not found\n";

enum {
	OPT_NAME = 256, OPT_NS, OPT_ROOTFS, OPT_NO_OVERLAY, OPT_READ_ONLY, OPT_HOSTNAME,
	OPT_DOMAINNAME, OPT_USER, OPT_UID_MAP, OPT_GID_MAP, OPT_NET, OPT_PERSIST, OPT_JOIN,
	OPT_TIME_OFFSET, OPT_INIT, OPT_HELP, OPT_LIMIT, OPT_CGROUP_PARENT, OPT_BRIDGE, OPT_CAP,
	OPT_NO_NEW_PRIVS, OPT_SECCOMP, OPT_CHECK_LEAKS, OPT_DEVICE, OPT_STOP_TIMEOUT, OPT_RM,
	OPT_MOUNT, OPT_TMPFS, OPT_ENV_FILE, OPT_ULIMIT,
};

static const struct option run_options[] = {
	{ "name", required_argument, NULL, OPT_NAME },
	{ "ns", required_argument, NULL, OPT_NS },
	{ "rootfs", required_argument, NULL, OPT_ROOTFS },
	{ "no-overlay", no_argument, NULL, OPT_NO_OVERLAY },
	{ "read-only", no_argument, NULL, OPT_READ_ONLY },
	{ "hostname", required_argument, NULL, OPT_HOSTNAME },
	{ "domainname", required_argument, NULL, OPT_DOMAINNAME },
	{ "user", required_argument, NULL, OPT_USER },
	{ "uid-map", required_argument, NULL, OPT_UID_MAP },
	{ "gid-map", required_argument, NULL, OPT_GID_MAP },
	{ "net", required_argument, NULL, OPT_NET },
	{ "bridge", required_argument, NULL, OPT_BRIDGE },
	{ "cap-add", required_argument, NULL, OPT_CAP },
	{ "cap-drop", required_argument, NULL, OPT_CAP },
	{ "no-new-privs", optional_argument, NULL, OPT_NO_NEW_PRIVS },
	{ "seccomp", required_argument, NULL, OPT_SECCOMP },
	{ "check-leaks", no_argument, NULL, OPT_CHECK_LEAKS },
	{ "persist", required_argument, NULL, OPT_PERSIST },
	{ "join", required_argument, NULL, OPT_JOIN },
	{ "time-offset", required_argument, NULL, OPT_TIME_OFFSET },
	{ "env", required_argument, NULL, 'e' },
	{ "env-file", required_argument, NULL, OPT_ENV_FILE },
	{ "volume", required_argument, NULL, 'v' },
	{ "mount", required_argument, NULL, OPT_MOUNT },
	{ "tmpfs", required_argument, NULL, OPT_TMPFS },
	{ "workdir", required_argument, NULL, 'w' },
	{ "ulimit", required_argument, NULL, OPT_ULIMIT },
	{ "init", no_argument, NULL, OPT_INIT },
	{ "stop-timeout", required_argument, NULL, OPT_STOP_TIMEOUT },
	{ "detach", no_argument, NULL, 'd' },
	{ "rm", no_argument, NULL, OPT_RM },
	{ "tty", no_argument, NULL, 't' },
	{ "interactive", no_argument, NULL, 'i' },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "memory", required_argument, NULL, OPT_LIMIT },
	{ "memory-swap", required_argument, NULL, OPT_LIMIT },
	{ "pids", required_argument, NULL, OPT_LIMIT },
	{ "cpus", required_argument, NULL, OPT_LIMIT },
	{ "cpu-weight", required_argument, NULL, OPT_LIMIT },
	{ "cpuset", required_argument, NULL, OPT_LIMIT },
	{ "io-weight", required_argument, NULL, OPT_LIMIT },
	{ "cgroup-parent", required_argument, NULL, OPT_CGROUP_PARENT },
	{ "device", required_argument, NULL, OPT_DEVICE },
	{ NULL, 0, NULL, 0 },
};

static int parse_name(struct nslab_spec *spec, const char *arg, struct nslab_error *e)
{
	if (strlen(arg) > NSLAB_NAME_MAX)
		return nslab_bad_input(e, "--name", "'%.16s...' is %zu characters long, at most %d",
				  arg, strlen(arg), NSLAB_NAME_MAX);
	if (!nslab_name_valid(arg))
		return nslab_bad_input(e, "--name",
				  "'%s' must be 1-%d of [A-Za-z0-9_.-], starting alphanumeric",
				  arg, NSLAB_NAME_MAX);
	strcpy(spec->name, arg);
	return 0;
}

static int parse_stop_timeout(struct nslab_spec *spec, const char *arg, struct nslab_error *e)
{
	long long s;

	if (nslab_parse_number(arg, 0, 86400, &s))
		return nslab_bad_input(e, "--stop-timeout", "'%s' is not a number of seconds (0-86400)",
				  arg);
	spec->stop_timeout = s;
	return 0;
}

/* The command's surroundings: its mounts, working directory, environment file, limits. */
static int parse_process_option(struct nslab_spec *spec, int opt, const char *arg,
				struct nslab_error *e)
{
	switch (opt) {
	case OPT_ENV_FILE: return nslab_env_file(arg, spec->env, &spec->n_env, e);
	case 'v': return nslab_parse_volume(arg, spec->mounts, &spec->n_mounts, e);
	case OPT_MOUNT: return nslab_parse_mount(arg, spec->mounts, &spec->n_mounts, e);
	case OPT_TMPFS: return nslab_parse_tmpfs(arg, spec->mounts, &spec->n_mounts, e);
	case 'w': spec->workdir = arg; return 0;
	case OPT_ULIMIT: return nslab_parse_ulimit(arg, spec->rlimits, &spec->n_rlimits, e);
	}
	return nslab_bad_input(e, "usage", "bad option");
}

static int parse_option(struct nslab_spec *spec, int opt, int index, char *arg,
			struct nslab_error *e)
{
	char name[32];
	const char *bad;

	switch (opt) {
	case OPT_LIMIT:
		snprintf(name, sizeof(name), "--%s", run_options[index].name);
		return nslab_parse_limit(&spec->limits, name, arg, e);
	case OPT_CGROUP_PARENT: spec->cgroup_parent = arg; return 0;
	case OPT_DEVICE: return nslab_device_parse(arg, &spec->devices, e);
	case OPT_CAP:
		snprintf(name, sizeof(name), "--%s", run_options[index].name);
		return nslab_caps_parse(name, arg, &spec->cap_add, &spec->cap_drop, e);
	case OPT_NO_NEW_PRIVS:
		if (!arg || strcmp(arg, "true") == 0)
			spec->no_new_privs = true;
		else if (strcmp(arg, "false") == 0)
			spec->no_new_privs = false;
		else
			return nslab_bad_input(e, "--no-new-privs", "'%s' is not true or false", arg);
		return 0;
	case OPT_SECCOMP: return nslab_seccomp_parse(arg, &spec->seccomp, e);
	case OPT_NAME: return parse_name(spec, arg, e);
	case OPT_NS:
		if (nslab_ns_parse_list(arg, &spec->ns, &bad))
			return nslab_bad_input(e, "--ns", "unknown namespace '%s' (uts ipc pid mnt net user cgroup time)", bad);
		/* Any subset but none: an empty list is more likely an unset variable than a wish. */
		if (!spec->ns)
			return nslab_bad_input(e, "--ns", "an empty list: name at least one of uts ipc pid mnt net user cgroup time");
		return 0;
	case OPT_ROOTFS: spec->rootfs = arg; return 0;
	case OPT_NO_OVERLAY: spec->overlay = false; return 0;
	case OPT_READ_ONLY: spec->read_only = true; return 0;
	case OPT_HOSTNAME: spec->hostname = arg; return 0;
	case OPT_DOMAINNAME: spec->domainname = arg; return 0;
	case OPT_USER:
		spec->user_set = true;
		return nslab_parse_user(arg, &spec->uid, &spec->gid, e);
	case OPT_UID_MAP: return nslab_parse_idmap(arg, spec->uid_map, &spec->n_uid_map, e, "--uid-map");
	case OPT_GID_MAP: return nslab_parse_idmap(arg, spec->gid_map, &spec->n_gid_map, e, "--gid-map");
	case OPT_NET: return nslab_parse_net(arg, &spec->net, e);
	case OPT_BRIDGE: spec->net.bridge = arg; return 0;
	case OPT_PERSIST: return nslab_parse_persist(arg, spec, e);
	case OPT_JOIN: return nslab_parse_join(arg, spec->join, e);
	case OPT_TIME_OFFSET: return nslab_parse_time_offsets(arg, spec->time_offset, e);
	case OPT_INIT: spec->init = true; return 0;
	case OPT_STOP_TIMEOUT: return parse_stop_timeout(spec, arg, e);
	case 'd': spec->detach = true; return 0;
	case OPT_RM: spec->remove = true; return 0;
	case 't': spec->tty = true; return 0;
	case 'i': spec->interactive = true; return 0;
	case 'e': return nslab_env_add(spec->env, &spec->n_env, arg, e);
	}
	return parse_process_option(spec, opt, arg, e);
}

/* How it ended, when that is worth a line: the OOM killer, with the limit it enforced, or a stop. */
static int finish(struct nslab_container *c)
{
	struct nslab_exit_status x = nslab_container_wait(c);
	long long limit = c->spec->limits.memory;
	char why[64] = "";

	if (limit >= 0)
		snprintf(why, sizeof(why), " (memory limit %lld MiB)", limit >> 20);
	if (x.oom_killed)
		fprintf(stderr, "nslab: %s: killed by the OOM killer%s\n", c->spec->name, why);
	if (x.stopped_by)
		fprintf(stderr, "nslab: %s: did not stop on SIG%s: killed\n", c->spec->name,
			sigabbrev_np(x.stopped_by));
	nslab_container_exit(c, x.code);
	return x.code;
}

/*
 * -d: a forked supervisor starts the container in its own session and
 * reports success or the failing step back; the caller prints the name.
 */
static int run_detached(struct nslab_spec *spec)
{
	struct nslab_report r;
	struct nslab_container c;
	int ready[2];
	pid_t pid;
	ssize_t n;

	if (pipe2(ready, O_CLOEXEC) < 0)
		return cli_fail_run(NSLAB_ERR_SYSTEM, errno, "detach", "pipe: %s", strerror(errno));
	pid = fork();
	if (pid < 0)
		return cli_fail_run(NSLAB_ERR_SYSTEM, errno, "detach", "fork: %s", strerror(errno));
	if (pid > 0) {
		close(ready[1]);
		n = nslab_read_all(ready[0], &r, sizeof(r));
		close(ready[0]);
		if (n != sizeof(r))
			return cli_fail_run(NSLAB_ERR_SYSTEM, EPIPE, "detach", "the supervisor died during setup");
		if (!r.ready)
			return cli_exit_run(&r.error);
		printf("%s\n", spec->name);
		return 0;
	}
	close(ready[0]);
	setsid();
	r = (struct nslab_report){ .ready = 1 };
	if (nslab_container_start(&c, spec, &r.error) < 0) {
		r.ready = 0;
		nslab_write_all(ready[1], &r, sizeof(r));
		_exit(nslab_failure_code(&r.error));
	}
	nslab_write_all(ready[1], &r, sizeof(r));
	close(ready[1]);
	_exit(finish(&c));
}

/* --check-leaks wants every namespace of the run freed again by its end. */
static int leak_check_begin(const struct nslab_spec *spec, struct nslab_counters *before,
			    struct nslab_error *e)
{
	if (spec->detach)
		return nslab_bad_input(e, "--check-leaks", "not with --detach");
	if (nslab_spec_keeps_record(spec))
		return nslab_bad_input(e, "--check-leaks",
				       "persisted namespaces outlive the run: add --rm");
	return nslab_counters_snapshot(before, e);
}

static bool is_bundle_opt(const char *arg)
{
	return strcmp(arg, "-b") == 0 || strcmp(arg, "--bundle") == 0 ||
	       strncmp(arg, "--bundle=", 9) == 0;
}

/* The OCI form: --bundle first, or second after -d (nslab's own form never starts so). */
static bool bundle_form(int argc, char **argv)
{
	bool detach = argc > 1 && (strcmp(argv[1], "-d") == 0 || strcmp(argv[1], "--detach") == 0);

	return (argc > 1 && is_bundle_opt(argv[1])) || (detach && argc > 2 && is_bundle_opt(argv[2]));
}

/* Starts the container @spec describes, in the foreground or detached, and waits (foreground). */
static int start_spec(struct nslab_spec *spec)
{
	struct nslab_error e = { 0 };
	struct nslab_container c;

	if (nslab_spec_finish(spec, &e))
		return cli_exit_run(&e);
	close_range(3, ~0U, 0);
	if (spec->detach)
		return run_detached(spec);
	if (nslab_container_start(&c, spec, &e) < 0)
		return cli_exit_run(&e);
	return finish(&c);
}

/* nslab run --bundle DIR [-d] ID: config.json's container, through the same spec and start. */
static int run_bundle(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' }, { "detach", no_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 },
	};
	char bundle[PATH_MAX];
	struct nslab_spec spec;
	struct nslab_oci oci = { 0 };
	const char *dir = NULL;
	int opt, code;

	nslab_spec_init(&spec);
	while ((opt = getopt_long(argc, argv, "+:b:d", opts, NULL)) != -1) {
		if (opt == ':' || opt == '?')
			return cli_fail_run(NSLAB_ERR_INPUT, 0, "usage", "bad option '%s' (the OCI form takes "
					    "--bundle DIR, -d and ID)", argv[optind - 1]);
		if (opt == 'd')
			spec.detach = true;
		else
			dir = optarg;
	}
	if (optind != argc - 1)
		return cli_fail_run(NSLAB_ERR_INPUT, 0, "usage", "nslab run --bundle DIR [-d] ID: one ID");
	code = cli_load_bundle(dir, argv[optind], &spec, &oci, bundle);
	if (!code)
		code = start_spec(&spec);
	nslab_oci_free(&oci);
	return code;
}

int cmd_run(int argc, char **argv)
{
	struct nslab_error e = { 0 };
	struct nslab_counters before;
	struct nslab_container c;
	struct nslab_spec spec;
	bool check_leaks = false;
	int opt, index, code;

	opterr = 0;
	optind = 1;
	if (bundle_form(argc, argv))
		return run_bundle(argc, argv);
	nslab_spec_init(&spec);
	/* ':' first: a missing value is told apart from an unknown option. */
	while ((opt = getopt_long(argc, argv, "+:de:tiv:w:", run_options, &index)) != -1) {
		if (opt == OPT_HELP) {
			fputs(run_usage, stdout);
			return 0;
		}
		if (opt == OPT_CHECK_LEAKS) {
			check_leaks = true;
			continue;
		}
		if (opt == ':')
			return cli_fail_run(NSLAB_ERR_INPUT, 0, "usage", "%s needs a value", argv[optind - 1]);
		if (opt == '?')
			return cli_fail_run(NSLAB_ERR_INPUT, 0, "usage", "bad option '%s' (try 'nslab run --help')",
					    argv[optind - 1]);
		if (parse_option(&spec, opt, index, optarg, &e))
			return cli_exit_run(&e);
	}
	spec.argv = argv + optind;
	if (nslab_spec_finish(&spec, &e))
		return cli_exit_run(&e);
	if (check_leaks && leak_check_begin(&spec, &before, &e))
		return cli_exit_run(&e);
	/*
	 * The container gets 0-2 only, and the supervisor needs none of the
	 * caller's other fds: held for the container's life, a pipe would keep
	 * `nslab run -d ... | cat` waiting and a lock (flock) taken.
	 */
	close_range(3, ~0U, 0);
	if (spec.detach)
		return run_detached(&spec);
	if (nslab_container_start(&c, &spec, &e) < 0)
		return cli_exit_run(&e);
	code = finish(&c);
	/* Lagging frees (net, ipc, user on a workqueue; pid after RCU) get a bounded wait. */
	if (check_leaks && nslab_counters_wait_baseline(&before, 10000, NULL, &e)) {
		cli_error(&e);
		return code ? code : nslab_failure_code(&e);
	}
	return code;
}
