// SPDX-License-Identifier: GPL-2.0
/*
 * Container networking, docs/conformance.md N3, N4, N6, N7, and the refusal of
 * bad network options (X3).  Addresses come from 198.51.100.32-127 and
 * 2001:db8:5::/48 only, and every packet stays between namespaces of this
 * machine: no test pings an address that only a host route could reach.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <netlink/netlink.h>
#include <netlink/route/link.h>
#include <netlink/route/link/bridge.h>
#include <netlink/route/link/veth.h>

#include "detached.h"
#include "harness.h"
#include "hostprobe.h"
#include "lab.h"
#include "leaks.h"
#include "state.h"

/* A port the echo server listens on inside a netns of its own, where every port is free. */
#define ECHO_PORT "7777"

/* What the tests made on the host, undone by net_cleanup even after a failed assert. */
static char made_link[2][IF_NAMESIZE];
static char made_netns[2][64];

static struct nl_sock *route_socket(void)
{
	struct nl_sock *sk = nl_socket_alloc();

	cr_assert_not_null(sk);
	cr_assert_eq(nl_connect(sk, NETLINK_ROUTE), 0, "rtnetlink socket");
	return sk;
}

static int link_del(const char *name)
{
	struct nl_sock *sk = route_socket();
	struct rtnl_link *link = rtnl_link_alloc();
	int ret;

	cr_assert_not_null(link);
	rtnl_link_set_name(link, name);
	ret = rtnl_link_delete(sk, link);
	rtnl_link_put(link);
	nl_socket_free(sk);
	return ret;
}

static void link_remember(const char *name)
{
	for (size_t i = 0; i < N_ELEMENTS(made_link); i++) {
		if (!made_link[i][0]) {
			snprintf(made_link[i], IF_NAMESIZE, "%s", name);
			return;
		}
	}
	cr_assert_fail("too many host links in one test");
}

/*
 * A bridge on the host, up, made through rtnetlink so that it needs no ip(8)
 * (the VM guest has none).  Skips the test when the kernel has no bridge.
 */
static void bridge_add(const char *name)
{
	struct nl_sock *sk = route_socket();
	struct rtnl_link *orig = rtnl_link_alloc(), *up = rtnl_link_alloc();
	int ret = rtnl_link_bridge_add(sk, name);

	if (ret == -NLE_OPNOTSUPP || ret == -NLE_NODEV) {
		nl_socket_free(sk);
		cr_skip_test("the kernel has no bridge driver: %s", nl_geterror(ret));
	}
	cr_assert_eq(ret, 0, "bridge %s: %s", name, nl_geterror(ret));
	link_remember(name);
	cr_assert(orig && up);
	rtnl_link_set_ifindex(orig, if_nametoindex(name));
	rtnl_link_set_flags(up, IFF_UP);
	ret = rtnl_link_change(sk, orig, up, 0);
	cr_assert_eq(ret, 0, "%s up: %s", name, nl_geterror(ret));
	rtnl_link_put(orig);
	rtnl_link_put(up);
	nl_socket_free(sk);
}

/* `ip netns add`-style namespace names this test made or had nslab persist. */
static void netns_remember(const char *name)
{
	for (size_t i = 0; i < N_ELEMENTS(made_netns); i++) {
		if (!made_netns[i][0]) {
			snprintf(made_netns[i], sizeof(made_netns[i]), "%s", name);
			return;
		}
	}
	cr_assert_fail("too many netns names in one test");
}

static void net_cleanup(void)
{
	detached_cleanup();
	for (size_t i = 0; i < N_ELEMENTS(made_link); i++) {
		if (made_link[i][0])
			link_del(made_link[i]);
		made_link[i][0] = '\0';
	}
	for (size_t i = 0; i < N_ELEMENTS(made_netns); i++) {
		char path[96];

		if (!made_netns[i][0])
			continue;
		/* What `ip netns del` does, without needing ip(8). */
		snprintf(path, sizeof(path), "/run/netns/%s", made_netns[i]);
		umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW);
		unlink(path);
		made_netns[i][0] = '\0';
	}
}

/* The host end's documented name: "nsl" and the FNV-1a hash of the container's name. */
static void host_if_of(const char *name, char out[IF_NAMESIZE])
{
	unsigned h = 2166136261u;

	for (const char *c = name; *c; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	snprintf(out, IF_NAMESIZE, "nsl%08x", h);
}

/* host_if of container @name as `nslab ps --json` reports it. */
static void ps_host_if(const char *name, char out[IF_NAMESIZE])
{
	struct run_result r;
	const char *obj, *next, *v;
	char key[96];
	size_t len;

	NSLAB(&r, "ps", "--json");
	cr_assert_eq(r.code, 0, "ps --json: %s", r.err);
	snprintf(key, sizeof(key), "{\"name\":\"%s\"", name);
	obj = strstr(r.out, key);
	cr_assert_not_null(obj, "%s not in ps --json: %s", name, r.out);
	next = strchr(obj + 1, '{');
	v = strstr(obj, "\"host_if\":\"");
	cr_assert(v && (!next || v < next), "no host_if for %s: %s", name, r.out);
	v += strlen("\"host_if\":\"");
	len = strcspn(v, "\"");
	cr_assert(len > 0 && len < IF_NAMESIZE, "host_if of %s: %s", name, r.out);
	memcpy(out, v, len);
	out[len] = '\0';
}

/* Whether a socket in @pid's network namespace listens on TCP @port (IPv4 or IPv6). */
static bool listening(pid_t pid, unsigned port)
{
	static const char *const tables[] = { "tcp", "tcp6" };
	bool found = false;

	for (int t = 0; t < 2 && !found; t++) {
		char path[64], line[512];
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/net/%s", (int)pid, tables[t]);
		f = fopen(path, "re");
		while (f && !found && fgets(line, sizeof(line), f)) {
			unsigned lport, state;

			/* "  0: ADDR:PORT ADDR:PORT ST ...", in hex; 0A is LISTEN. */
			if (sscanf(line, " %*u: %*[0-9A-Fa-f]:%x %*[0-9A-Fa-f]:%*x %x", &lport, &state) == 2)
				found = lport == port && state == 0x0A;
		}
		if (f)
			fclose(f);
	}
	return found;
}

/* Waits (at most 10 s) for a detached echo server to listen: `run -d` returns before it binds. */
static void wait_listening(pid_t pid, unsigned port)
{
	for (int i = 0; i < 500; i++) {
		if (listening(pid, port))
			return;
		nanosleep(&(struct timespec){ .tv_nsec = 20 * 1000 * 1000 }, NULL);
	}
	cr_assert_fail("pid %d does not listen on port %u after 10 s", (int)pid, port);
}

/* Runs the default rootfs's busybox on the host (the VM guest has no other ping). */
static int host_busybox(const char *args)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "%s/bin/busybox %s >/dev/null 2>&1", lab_default_rootfs(), args);
	return host_sh(cmd, NULL, 0);
}

static pid_t supervisor_of(const char *name)
{
	struct nslab_state st;

	cr_assert_eq(nslab_state_read(name, &st), 0, "no state for %s", name);
	cr_assert_gt(st.supervisor, 0);
	return st.supervisor;
}

/*
 * Holds the network namespace of @pid open.  While it is held, the kernel
 * keeps the veth pair however the container ends, so the link is gone only
 * if the runtime deleted it (as it must: a process that nslab exec or
 * nsenter put into the namespace keeps it just the same).
 */
static int hold_netns(pid_t pid)
{
	char path[64];
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	cr_assert_geq(fd, 0, "%s: %s", path, strerror(errno));
	return fd;
}

static void require_iproute2(void)
{
	/* busybox ip (the VM guest's) has no netns subcommand. */
	if (host_sh("ip netns list >/dev/null 2>&1", NULL, 0) != 0)
		cr_skip_test("no iproute2 ip(8) with `ip netns` on this host");
}

Test(net, N3_same_port_in_two_containers_and_on_the_host, .fini = net_cleanup)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT };
	char name[DETACHED_NAME_MAX], port[8], args[32];
	socklen_t len = sizeof(a);
	struct run_result r;
	int host, off = 0;
	pid_t pid;

	require_root();
	/* A port the host has free right now; then the host holds it (IPv4 and IPv6). */
	host = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	cr_assert_geq(host, 0, "socket: %s", strerror(errno));
	cr_assert_eq(setsockopt(host, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off)), 0);
	cr_assert_eq(bind(host, (struct sockaddr *)&a, sizeof(a)), 0, "bind: %s", strerror(errno));
	cr_assert_eq(listen(host, 1), 0);
	cr_assert_eq(getsockname(host, (struct sockaddr *)&a, &len), 0);
	snprintf(port, sizeof(port), "%u", ntohs(a.sin6_port));

	/* Control: within one netns the port cannot be bound again. */
	snprintf(args, sizeof(args), "tcp-bind %s", port);
	host_probe(&r, args);
	cr_assert_str_eq(r.out, "EADDRINUSE\n", "the host's own port bound twice: %s", r.out);

	/* Container A listens on it (and serves) while the host holds it. */
	pid = DETACHED(name, "n3", "--", "nslab-probe", "tcp-serve", port, "60");
	wait_listening(pid, ntohs(a.sin6_port));
	/* Control: in A's netns, where A holds it, a second bind fails the same way. */
	NSLAB(&r, "exec", name, "--", "nslab-probe", "tcp-bind", port);
	cr_assert_eq(r.code, 0, "exec: %s", r.err);
	cr_assert_str_eq(r.out, "EADDRINUSE\n", "A's port bound twice in A: %s", r.out);

	/* Container B binds it too, while A and the host hold it. */
	NSLAB(&r, "run", "--", "nslab-probe", "tcp-bind", port);
	cr_assert_eq(r.code, 0, "run: %s", r.err);
	cr_assert_str_eq(r.out, "ok\n", "port %s in a second container: %s", port, r.out);

	/* Control: the same container without a net namespace meets the host's socket. */
	NSLAB(&r, "run", "--ns", lab_ns_without("net"), "--", "nslab-probe", "tcp-bind", port);
	cr_assert_eq(r.code, 0, "run: %s", r.err);
	cr_assert_str_eq(r.out, "EADDRINUSE\n", "without a netns: %s", r.out);
	close(host);
}

/* eth0 198.51.100.33 and 2001:db8:5:4::2 inside; .34 and ::1 on the host end. */
#define N4_VETH "veth=198.51.100.33/29,2001:db8:5:4::2/64,peer=198.51.100.34/29,peer=2001:db8:5:4::1/64"
#define N4_PING_HOST \
	"ping -c1 -W3 198.51.100.34 >/dev/null 2>&1 && echo v4; " \
	"ping6 -c1 -W3 2001:db8:5:4::1 >/dev/null 2>&1 && echo v6; true"

Test(net, N4_veth_ping_and_tcp_between_host_and_container, .fini = net_cleanup)
{
	char name[DETACHED_NAME_MAX];
	struct run_result r;
	pid_t pid;

	require_root();
	pid = DETACHED(name, "n4", "--net", N4_VETH, "--", "nslab-probe", "tcp-serve", ECHO_PORT, "60");
	wait_listening(pid, atoi(ECHO_PORT));

	/* Host to container: ping and a TCP echo, each family. */
	cr_assert_eq(host_busybox("ping -c1 -W3 198.51.100.33"), 0, "host cannot ping the container");
	cr_assert_eq(host_busybox("ping6 -c1 -W3 2001:db8:5:4::2"), 0, "host cannot ping6 the container");
	host_probe(&r, "tcp-echo 198.51.100.33 " ECHO_PORT " over-ipv4");
	cr_assert_str_eq(r.out, "ok reply=over-ipv4\n");
	host_probe(&r, "tcp-echo 2001:db8:5:4::2 " ECHO_PORT " over-ipv6");
	cr_assert_str_eq(r.out, "ok reply=over-ipv6\n");

	/* Container to host, through the veth's host end. */
	NSLAB(&r, "exec", name, "--", "sh", "-c", N4_PING_HOST);
	cr_assert_eq(r.code, 0, "exec: %s", r.err);
	cr_assert_str_eq(r.out, "v4\nv6\n", "container cannot ping the host end: %s", r.out);

	/* Control: the same pings from a container without the veth reach nothing. */
	NSLAB(&r, "run", "--", "sh", "-c", N4_PING_HOST);
	cr_assert_eq(r.code, 0, "run: %s", r.err);
	cr_assert_str_eq(r.out, "", "a container without a veth reached the host end: %s", r.out);
}

/*
 * Container B asks A (198.51.100.49) for a ping and a TCP echo.  Neither end
 * of either veth has a host address, so only a bridge between the host ends
 * connects them: whether the host forwards IP does not matter.
 */
#define N4_REACH_A \
	"ping -c1 -W3 198.51.100.49 >/dev/null 2>&1 && echo ping; " \
	"nslab-probe tcp-echo 198.51.100.49 " ECHO_PORT " bridged"

Test(net, N4_two_containers_reach_each_other_only_over_a_bridge, .fini = net_cleanup)
{
	char a[DETACHED_NAME_MAX], br[IF_NAMESIZE];
	struct run_result r;
	pid_t pid;

	require_root();
	snprintf(br, sizeof(br), "nsltbr%d", (int)getpid() % 100000);
	bridge_add(br);
	pid = DETACHED(a, "n4a", "--net", "veth=198.51.100.49/28", "--bridge", br, "--",
		       "nslab-probe", "tcp-serve", ECHO_PORT, "60");
	wait_listening(pid, atoi(ECHO_PORT));
	NSLAB(&r, "run", "--net", "veth=198.51.100.50/28", "--bridge", br, "--", "sh", "-c", N4_REACH_A);
	cr_assert_eq(r.code, 0, "run: %s", r.err);
	cr_assert_str_eq(r.out, "ping\nok reply=bridged\n", "over the bridge: %s", r.out);

	/* Control: the same two containers, same addresses, without the bridge. */
	NSLAB(&r, "rm", "-f", a);
	cr_assert_eq(r.code, 0, "rm -f %s: %s", a, r.err);
	pid = DETACHED(a, "n4c", "--net", "veth=198.51.100.49/28", "--",
		       "nslab-probe", "tcp-serve", ECHO_PORT, "60");
	wait_listening(pid, atoi(ECHO_PORT));
	NSLAB(&r, "run", "--net", "veth=198.51.100.50/28", "--", "sh", "-c", N4_REACH_A);
	cr_assert_eq(r.code, 0, "run: %s", r.err);
	cr_assert(r.out[0] == 'E' && !strstr(r.out, "ok"),
		  "two containers without a bridge reached each other: %s", r.out);
}

#define N6_VETH "veth=198.51.100.65/30,peer=198.51.100.66/30"

/*
 * Starts a detached container with a veth, checks that ps --json names its
 * host end as documented and that the host has that link, holds its netns
 * (see hold_netns), lets @end finish the container, and asserts that the
 * link is gone and the host is as before.
 */
static void n6_check(const char *tag, void (*end)(const char *name, pid_t pid, const char *host_if),
		     const char *what)
{
	char name[DETACHED_NAME_MAX], host_if[IF_NAMESIZE], want[IF_NAMESIZE];
	struct leak_snapshot before;
	pid_t pid;
	int held;

	require_root();
	leak_take(&before);
	pid = DETACHED(name, tag, "--net", N6_VETH, "--", "sleep", "60");
	ps_host_if(name, host_if);
	host_if_of(name, want);
	cr_assert_str_eq(host_if, want, "host end of %s", name);
	/* Control: while it runs, the link is on the host, where assert_unchanged looks. */
	cr_assert_gt(if_nametoindex(host_if), 0, "%s not on the host while %s runs", host_if, name);
	held = hold_netns(pid);
	end(name, pid, host_if);
	cr_assert_eq(if_nametoindex(host_if), 0, "%s left on the host after %s", host_if, what);
	close(held);
	assert_unchanged(&before, what);
	leak_free(&before);
}

/*
 * The command ends (killed from the host: as PID 1 it ignores SIGTERM); the
 * supervisor tears down and keeps the record, which then holds no link: the
 * exit itself removed it.  Removing the record leaves the host as before.
 */
static void end_by_exit(const char *name, pid_t pid, const char *host_if)
{
	pid_t sup = supervisor_of(name);
	struct nslab_state st;

	cr_assert_eq(kill(pid, SIGKILL), 0);
	cr_assert(wait_exit(sup, 10000), "supervisor of %s still there 10 s after its command died", name);
	cr_assert_eq(if_nametoindex(host_if), 0, "%s left on the host after the exit", host_if);
	detached_wait_exited(name, &st);
	cr_assert_str_eq(st.host_if, "", "the exited record still names a link");
	detached_rm_exited(name);
}

static void end_by_rm_force(const char *name, pid_t pid, const char *host_if)
{
	struct run_result r;

	(void)pid;
	(void)host_if;
	NSLAB(&r, "rm", "-f", name);
	cr_assert_eq(r.code, 0, "rm -f: %s", r.err);
}

static void end_by_supervisor_kill_and_rm(const char *name, pid_t pid, const char *host_if)
{
	pid_t sup = supervisor_of(name);
	struct run_result r;

	(void)pid;
	cr_assert_eq(kill(sup, SIGKILL), 0);
	cr_assert(wait_exit(sup, 10000), "supervisor survived SIGKILL");
	/* Control: no teardown ran, so the link is still there: what rm must clean. */
	cr_assert_gt(if_nametoindex(host_if), 0, "%s vanished without teardown", host_if);
	NSLAB(&r, "rm", name);
	cr_assert_eq(r.code, 0, "rm after the supervisor's SIGKILL: %s", r.err);
}

Test(net, N6_veth_gone_after_exit, .fini = net_cleanup)
{
	n6_check("n6x", end_by_exit, "the container exited");
}

Test(net, N6_veth_gone_after_rm_force, .fini = net_cleanup)
{
	n6_check("n6r", end_by_rm_force, "rm -f");
}

Test(net, N6_veth_gone_after_supervisor_sigkill_and_rm, .fini = net_cleanup)
{
	n6_check("n6k", end_by_supervisor_kill_and_rm, "rm after the supervisor's SIGKILL");
}

Test(net, N6_failed_start_leaves_no_veth)
{
	/* Before the pair is made, and after (its host end is addressed, the container's not yet). */
	static const char *const faults[] = { "NSLAB_FAULT=veth", "NSLAB_FAULT=veth-config" };
	char name[DETACHED_NAME_MAX], host_if[IF_NAMESIZE];
	struct leak_snapshot before;
	struct run_result r;
	const char *const argv[] = { "run", "--name", name, "--net", N6_VETH, "--", "true", NULL };

	require_root();
	snprintf(name, sizeof(name), "n6f-%d", (int)getpid());
	host_if_of(name, host_if);
	leak_take(&before);
	for (size_t i = 0; i < N_ELEMENTS(faults); i++) {
		nslab_run_env(&r, (const char *const[]){ faults[i], NULL }, argv);
		assert_one_error(&r, 125, "net", faults[i]);
		cr_assert_eq(if_nametoindex(host_if), 0, "%s: %s left on the host", faults[i], host_if);
		assert_unchanged(&before, faults[i]);
	}
	/* Control: without the fault the same command starts. */
	nslab_run_argv(&r, argv);
	cr_assert_eq(r.code, 0, "without a fault: %s", r.err);
	leak_free(&before);
}

Test(net, N6_many_runs_leave_the_link_list_unchanged, .timeout = 900)
{
	const char *env = getenv("NSLAB_STRESS_RUNS");
	int runs = env ? atoi(env) : 200;
	struct leak_snapshot before;
	struct run_result r;

	require_root();
	cr_assert_gt(runs, 0, "NSLAB_STRESS_RUNS=%s", env);
	leak_take(&before);
	for (int i = 0; i < runs; i++) {
		NSLAB(&r, "run", "--net", N6_VETH, "--", "true");
		cr_assert_eq(r.code, 0, "run %d of %d: %s", i + 1, runs, r.err);
	}
	assert_unchanged(&before, "runs with --net veth");
	leak_free(&before);
}

Test(net, N7_persisted_netns_usable_by_ip_netns_exec_and_nsenter, .fini = net_cleanup)
{
	char name[DETACHED_NAME_MAX], ns[64], persist[96], cmd[256], out[4096];
	struct leak_snapshot before;
	pid_t pid, sup;

	require_root();
	require_iproute2();
	if (host_sh("command -v nsenter >/dev/null", NULL, 0) != 0)
		cr_skip_test("no nsenter(1) on this host");
	snprintf(ns, sizeof(ns), "nslab-n7p-%d", (int)getpid());
	snprintf(persist, sizeof(persist), "net=/run/netns/%s", ns);
	leak_take(&before);
	netns_remember(ns);
	pid = DETACHED(name, "n7p", "--net", "veth=198.51.100.81/30", "--persist", persist, "--",
		       "sleep", "60");
	sup = supervisor_of(name);

	cr_assert_eq(host_sh("ip netns list", out, sizeof(out)), 0);
	cr_assert_not_null(strstr(out, ns), "ip netns list lacks %s: %s", ns, out);
	snprintf(cmd, sizeof(cmd), "ip netns exec %s ip -o addr show dev eth0", ns);
	cr_assert_eq(host_sh(cmd, out, sizeof(out)), 0, "%s failed", cmd);
	cr_assert_not_null(strstr(out, "198.51.100.81/30"), "%s: %s", cmd, out);
	snprintf(cmd, sizeof(cmd), "nsenter --net=/run/netns/%s ip -o addr show dev eth0", ns);
	cr_assert_eq(host_sh(cmd, out, sizeof(out)), 0, "%s failed", cmd);
	cr_assert_not_null(strstr(out, "198.51.100.81/30"), "%s: %s", cmd, out);
	/* Control: the same look from the host's netns does not find the container's address. */
	cr_assert_eq(host_sh("ip -o addr", out, sizeof(out)), 0);
	cr_assert_null(strstr(out, "198.51.100.81/"), "the host has the container's address: %s", out);

	/*
	 * The container exits: its ns file stays with its record, as `ip netns
	 * add` makes one, and still enters the namespace (its veth went with the
	 * container: lo is left).
	 */
	cr_assert_eq(kill(pid, SIGKILL), 0);
	cr_assert(wait_exit(sup, 10000), "supervisor of %s still there after its command died", name);
	cr_assert_eq(host_sh("ip netns list", out, sizeof(out)), 0);
	cr_assert_not_null(strstr(out, ns), "ip netns list lost %s at the exit: %s", ns, out);
	snprintf(cmd, sizeof(cmd), "ip netns exec %s ip -o link show", ns);
	cr_assert_eq(host_sh(cmd, out, sizeof(out)), 0, "%s failed after the exit", cmd);
	cr_assert_not_null(strstr(out, ": lo:"), "%s: %s", cmd, out);
	cr_assert_null(strstr(out, "eth0"), "the veth outlived the container: %s", out);

	/* nslab rm removes it: ip netns neither lists nor enters it any more. */
	detached_rm_exited(name);
	cr_assert_eq(host_sh("ip netns list", out, sizeof(out)), 0);
	cr_assert_null(strstr(out, ns), "ip netns list still has %s after rm: %s", ns, out);
	snprintf(cmd, sizeof(cmd), "ip netns exec %s true 2>/dev/null", ns);
	cr_assert_neq(host_sh(cmd, NULL, 0), 0, "%s still works after rm", cmd);
	assert_unchanged(&before, "container with a persisted netns exited and removed");
	leak_free(&before);
}

/* Which netns the container is in, and the links it sees there. */
#define N7_LOOK "nslab-probe ns-ids; nslab-probe links"

Test(net, N7_ip_netns_add_is_joinable, .fini = net_cleanup)
{
	char ns[64], path[96], cmd[256], id[64];
	struct run_result r;
	const char *v;
	struct stat st;

	require_root();
	require_iproute2();
	snprintf(ns, sizeof(ns), "nslab-n7j-%d", (int)getpid());
	snprintf(path, sizeof(path), "/run/netns/%s", ns);
	netns_remember(ns);
	/* A veth pair, not a dummy: every kernel that runs nslab has veth. */
	snprintf(cmd, sizeof(cmd), "ip netns add %s && ip -n %s link add n7j0 type veth peer name n7j1",
		 ns, ns);
	cr_assert_eq(host_sh(cmd, NULL, 0), 0, "%s failed", cmd);
	cr_assert_eq(stat(path, &st), 0, "%s: %s", path, strerror(errno));
	snprintf(id, sizeof(id), "%lu:%lu", (unsigned long)st.st_dev, (unsigned long)st.st_ino);

	snprintf(cmd, sizeof(cmd), "net=%s", path);
	NSLAB(&r, "run", "--join", cmd, "--", "sh", "-c", N7_LOOK);
	cr_assert_eq(r.code, 0, "run --join %s: %s", cmd, r.err);
	v = lab_value(r.out, "net");
	cr_assert(v && strcmp(v, id) == 0, "not in %s (%s): %s", ns, id, r.out);
	cr_assert_not_null(lab_value(r.out, "n7j0"), "n7j0 of %s not seen: %s", ns, r.out);
	cr_assert_not_null(lab_value(r.out, "n7j1"), "n7j1 of %s not seen: %s", ns, r.out);

	/* Control: a container with a netns of its own sees neither, nor does the host have them. */
	NSLAB(&r, "run", "--", "sh", "-c", N7_LOOK);
	cr_assert_eq(r.code, 0, "run: %s", r.err);
	v = lab_value(r.out, "net");
	cr_assert(v && strcmp(v, id) != 0, "a fresh container is in %s: %s", ns, r.out);
	cr_assert_null(lab_value(r.out, "n7j0"), "%s", r.out);
	cr_assert_eq(if_nametoindex("n7j0"), 0, "n7j0 is on the host");

	/* Joining borrowed the netns: it outlives the container, links and all. */
	snprintf(cmd, sizeof(cmd), "ip -n %s link show n7j0", ns);
	cr_assert_eq(host_sh(cmd, NULL, 0), 0, "%s gone after the joining container exited", ns);
}

/* Refused before anything is made: exit 125, one line naming the option, host unchanged. */
static void assert_refused(const char *const argv[], const char *step, const char *what)
{
	struct leak_snapshot before;
	struct run_result r;

	leak_take(&before);
	nslab_run_argv(&r, argv);
	assert_one_error(&r, 125, step, what);
	assert_unchanged(&before, what);
	leak_free(&before);
}

Test(net, X3_malformed_address_or_prefix_refused)
{
	static const char *const bad[] = {
		"veth=198.51.100.300/24",	/* not an address */
		"veth=198.51.100.97",		/* no prefix */
		"veth=198.51.100.97/33",	/* prefix too long for IPv4 */
		"veth=198.51.100.97/x",
		"veth=198.51.100.97/24x",
		"veth=2001:db8:5::1/129",	/* prefix too long for IPv6 */
		"veth=2001:db8:5::g/64",
		"veth=198.51.100.97/30,peer=198.51.100.98",
		"veth=198.51.100.97/30,mtu=10",
		"veth=198.51.100.97/30,,",
		"vethx",
	};
	char name[DETACHED_NAME_MAX];
	struct run_result r;

	require_root();
	snprintf(name, sizeof(name), "x3n-%d", (int)getpid());
	for (size_t i = 0; i < N_ELEMENTS(bad); i++)
		assert_refused((const char *const[]){ "run", "--name", name, "--net", bad[i], "--", "true", NULL },
			       "--net", bad[i]);
	/* Control: a well-formed one of each kind runs, and gets what it asked for. */
	NSLAB(&r, "run", "--name", name, "--net",
	      "veth=198.51.100.97/30,2001:db8:5:9::2/64,peer=198.51.100.98/30,peer=2001:db8:5:9::1/64,mtu=1400",
	      "--", "cat", "/sys/class/net/eth0/mtu");
	cr_assert_eq(r.code, 0, "well-formed --net refused: %s", r.err);
	cr_assert_str_eq(r.out, "1400\n");
}

Test(net, X3_interface_name_clash_refused, .fini = net_cleanup)
{
	char name[DETACHED_NAME_MAX], clash[IF_NAMESIZE], peer[IF_NAMESIZE];
	const char *const argv[] = { "run", "--name", name, "--net", N6_VETH, "--", "true", NULL };
	struct nl_sock *sk;
	struct run_result r;
	unsigned index;
	int ret;

	require_root();
	/* The host end this container would get is taken by a link of ours. */
	snprintf(name, sizeof(name), "x3c-%d", (int)getpid());
	host_if_of(name, clash);
	snprintf(peer, sizeof(peer), "nsltx%d", (int)getpid() % 100000);
	sk = route_socket();
	ret = rtnl_link_veth_add(sk, clash, peer, getpid());
	nl_socket_free(sk);
	cr_assert_eq(ret, 0, "veth %s: %s", clash, nl_geterror(ret));
	link_remember(clash);
	index = if_nametoindex(clash);

	assert_refused(argv, "--net", "interface name clash");
	cr_assert_eq(if_nametoindex(clash), index, "the clashing link %s was touched", clash);

	/* Control: with the link gone the same command starts. */
	cr_assert_eq(link_del(clash), 0);
	nslab_run_argv(&r, argv);
	cr_assert_eq(r.code, 0, "without the clash: %s", r.err);
}

Test(net, X3_missing_bridge_refused, .fini = net_cleanup)
{
	char missing[IF_NAMESIZE];
	struct run_result r;

	require_root();
	snprintf(missing, sizeof(missing), "nsltnb%d", (int)getpid() % 100000);
	assert_refused((const char *const[]){ "run", "--net", "veth=198.51.100.97/30", "--bridge", missing,
					      "--", "true", NULL }, "--bridge", "missing bridge");
	/* An interface that is no bridge is refused the same way. */
	assert_refused((const char *const[]){ "run", "--net", "veth=198.51.100.97/30", "--bridge", "lo",
					      "--", "true", NULL }, "--bridge", "lo as the bridge");

	bridge_add(missing);
	/* Addresses for the host end are refused too: on a bridge, the bridge carries them. */
	assert_refused((const char *const[]){ "run", "--net", "veth=198.51.100.97/30,peer=198.51.100.98/30",
					      "--bridge", missing, "--", "true", NULL }, "--bridge",
		       "host-end address with a bridge");
	/* Control: with a bridge of that name the same command starts. */
	NSLAB(&r, "run", "--net", "veth=198.51.100.97/30", "--bridge", missing, "--", "true");
	cr_assert_eq(r.code, 0, "with bridge %s: %s", missing, r.err);
}
