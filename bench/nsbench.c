// SPDX-License-Identifier: GPL-2.0
/*
 * nsbench: what each namespace operation costs, how it scales with parallel
 * creators and with what already exists, what the kernel says it spent
 * (nscount), and how a whole nslab container start compares with its peers.
 * See `nsbench --help` and docs/design.md.
 */
#include "bench_int.h"
#include "counters.h"
#include "process.h"
#include "version.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

/* nsbench's one way to report an error (the library's struct, as nslab's CLI). */
static void nsb_error(const struct nslab_error *e)
{
	fprintf(stderr, "nsbench: %s: %s\n", e->what, e->why);
}

static __attribute__((noreturn)) void nsb_exit(const struct nslab_error *e)
{
	nsb_error(e);
	exit(nslab_manage_failure_code(e));
}

__attribute__((format(printf, 2, 3), noreturn)) void usage_error(const char *what,
								 const char *fmt, ...)
{
	struct nslab_error e;
	va_list ap;

	va_start(ap, fmt);
	nslab_vfail(&e, NSLAB_ERR_INPUT, EINVAL, what, fmt, ap);
	va_end(ap);
	nsb_exit(&e);
}

__attribute__((noreturn)) void die(const char *what)
{
	struct nslab_error e;

	nslab_fail(&e, errno, what, NULL);
	nsb_exit(&e);
}

struct nsb_row *add_row(struct rows *rows, enum nsb_kind kind, const char *op,
			const char *what, long param)
{
	if (rows->n == rows->cap) {
		rows->cap = rows->cap ? 2 * rows->cap : 64;
		rows->v = realloc(rows->v, rows->cap * sizeof(*rows->v));
		if (!rows->v)
			die("realloc");
	}
	nsb_row_init(&rows->v[rows->n], kind, op, what, param);
	return &rows->v[rows->n++];
}

/* An errno as a row's note: unprivileged EPERM is expected, anything else is a failure. */
void row_error(struct rows *rows, struct nsb_row *r, int err)
{
	if (err == EPERM && geteuid()) {
		snprintf(r->note, sizeof(r->note), "EPERM: needs root");
		return;
	}
	snprintf(r->note, sizeof(r->note), "error: %s", strerror(err));
	r->failed = rows->failed = true;
}

static const char usage_text[] =
"usage: nsbench [OPTIONS]\n"
"What namespace operations cost (latency matrix, the default), how creation scales\n"
"with parallel creators and with what already exists, and whole container starts.\n"
"\n"
"  -o, --ops LIST        unshare,clone,lifecycle,setns,pidfd (default: all)\n"
"  -t, --types LIST      uts,ipc,pid,mnt,net,user,cgroup,time,all (default: all of them)\n"
"  -n, --samples N       samples per cell (default: as many as fit in --time)\n"
"  -T, --time S          seconds per cell (default 1)\n"
"      --rounds N        the matrix takes each op's cells in N rounds, interleaved\n"
"                        (A B C C B A ...; default 8): drift lands on every cell alike\n"
"      --cpu N           pin nsbench and every child to CPU N\n"
"  -w, --workers LIST    throughput with 1..64 parallel creators, e.g. 1,2,4\n"
"                        (op lifecycle unless --ops is given)\n"
"      --population[=mnt,net]  unshare cost against 10..5000 mounts in the parent\n"
"                        mount ns (a private one of nsbench's) and 0..1000 live netns\n"
"      --compare         start a whole container (all namespaces, --rootfs, /bin/true)\n"
"                        with nslab, nslab run in its OCI form (a bundle from nslab spec)\n"
"                        and each installed peer: unshare(1), bwrap, runc, crun, taking\n"
"                        turns; wall and CPU time, ratios to nslab, issue 18's targets;\n"
"                        then 8 parallel creators of nslab run: starts per second\n"
"      --nslab PATH      the nslab binary (default $NSLAB, else build/nslab)\n"
"      --rootfs DIR      the root filesystem for --compare (default: nslab's, build/rootfs)\n"
"      --matrix          the latency matrix too, when --workers/--population/--compare\n"
"                        is given\n"
"      --json, --csv     machine-readable output (nanoseconds) instead of the table (µs)\n"
"      --plot FILE       draw the curves with gnuplot into FILE (ending in .svg or .png)\n"
"      --report DIR      also write DIR/report.json, report.md and report.svg\n"
"      --quick           smoke run: 10 samples a cell, short levels, 3 peer rounds\n"
"  -h, --help\n"
"      --version         print the version\n"
"\n"
"The drift column: the p50 of a cell's second half of samples against its first half's,\n"
"in % of its p50; the matrix interleaves its cells so that they drift alike.\n"
"Each op's \"none\" row is the same op without a namespace (unshare(0); clone3 without\n"
"flags, the fork baseline; setns into our own uts ns) and is subtracted in p50-base.\n"
"Each cell starts once the machine is idle (at most 10 s): the kernel frees namespaces\n"
"after their last user, so one cell's teardown would otherwise run under the next.\n"
"As root every type runs; unprivileged, only user (and what a user ns permits).\n"
"Exit: 0 ok, 1 a cell failed (see its note), 2 bad usage.\n";

static char report_svg[PATH_MAX];

static void parse_args(int argc, char **argv, struct opts *o)
{
	enum { O_CPU = 256, O_POP, O_COMPARE, O_NSLAB, O_ROOTFS, O_MATRIX, O_JSON, O_CSV, O_PLOT,
	       O_QUICK, O_REPORT, O_VERSION, O_ROUNDS };
	static const struct option longopts[] = {
		{ "ops", required_argument, NULL, 'o' },
		{ "types", required_argument, NULL, 't' },
		{ "samples", required_argument, NULL, 'n' },
		{ "time", required_argument, NULL, 'T' },
		{ "rounds", required_argument, NULL, O_ROUNDS },
		{ "cpu", required_argument, NULL, O_CPU },
		{ "workers", required_argument, NULL, 'w' },
		{ "population", optional_argument, NULL, O_POP },
		{ "compare", no_argument, NULL, O_COMPARE },
		{ "nslab", required_argument, NULL, O_NSLAB },
		{ "rootfs", required_argument, NULL, O_ROOTFS },
		{ "matrix", no_argument, NULL, O_MATRIX },
		{ "json", no_argument, NULL, O_JSON },
		{ "csv", no_argument, NULL, O_CSV },
		{ "plot", required_argument, NULL, O_PLOT },
		{ "quick", no_argument, NULL, O_QUICK },
		{ "report", required_argument, NULL, O_REPORT },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, O_VERSION },
		{ NULL, 0, NULL, 0 },
	};
	char why[256], buf[PATH_MAX];
	bool time_given = false;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int c;

	*o = (struct opts){ .types = (1u << NSB_NONE) - 1, .ops = (1u << NSB_NOPS) - 1,
			    .time = 1.0, .cpu = -1, .rounds = 8, .rootfs = NSLAB_DEFAULT_ROOTFS };
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:t:n:T:w:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			if (nsb_parse_ops(optarg, &o->ops, why, sizeof(why)))
				usage_error("--ops", "%s", why);
			o->ops_given = true;
			break;
		case 't':
			if (nsb_parse_types(optarg, &o->types, why, sizeof(why)))
				usage_error("--types", "%s", why);
			break;
		case 'n':
			if (nsb_parse_long(optarg, 1, 1000000, &o->samples, why, sizeof(why)))
				usage_error("--samples", "%s", why);
			break;
		case 'T':
			if (nsb_parse_seconds(optarg, &o->time, why, sizeof(why)))
				usage_error("--time", "%s", why);
			time_given = true;
			break;
		case O_ROUNDS:
			if (nsb_parse_long(optarg, 1, 1000, &o->rounds, why, sizeof(why)))
				usage_error("--rounds", "%s", why);
			break;
		case O_CPU:
			if (nsb_parse_long(optarg, 0, cpus - 1, &o->cpu, why, sizeof(why)))
				usage_error("--cpu", "%s", why);
			break;
		case 'w':
			if (nsb_parse_long_list(optarg, 1, NSB_MAX_WORKERS, o->workers, &o->nworkers,
						why, sizeof(why)))
				usage_error("--workers", "%s", why);
			break;
		case O_POP:
			if (nsb_parse_types(optarg ? optarg : "mnt,net", &o->pop_types, why, sizeof(why)))
				usage_error("--population", "%s", why);
			if (o->pop_types & ~((1u << NSB_MNT) | (1u << NSB_NET)))
				usage_error("--population", "only mnt and net (allowed: mnt,net)");
			break;
		case O_COMPARE:
			o->compare = true;
			break;
		case O_NSLAB:
			o->nslab = optarg;
			break;
		case O_ROOTFS:
			o->rootfs = optarg;
			break;
		case O_MATRIX:
			o->matrix = true;
			break;
		case O_JSON:
			o->fmt = FMT_JSON;
			break;
		case O_CSV:
			o->fmt = FMT_CSV;
			break;
		case O_PLOT:
			o->plot = optarg;
			break;
		case O_QUICK:
			o->quick = true;
			break;
		case O_REPORT:
			o->report = optarg;
			break;
		case 'h':
			fputs(usage_text, stdout);
			exit(0);
		case O_VERSION:
			printf("nsbench version %s\n", NSLAB_VERSION);
			exit(0);
		case ':':
			usage_error(argv[optind - 1], "needs a value (see --help)");
		default:
			usage_error(argv[optind - 1], "unknown option (see --help)");
		}
	}
	if (optind < argc)
		usage_error(argv[optind], "unexpected argument (see --help)");
	if (o->report && snprintf(report_svg, sizeof(report_svg), "%s/report.svg", o->report) >=
			 (int)sizeof(report_svg))
		usage_error("--report", "path too long");
	if (o->report && access(o->report, W_OK))
		usage_error("--report", "%s: %s", o->report, strerror(errno));
	if (o->report && !o->plot)
		o->plot = report_svg;
	if (o->plot) {
		size_t len = strlen(o->plot);

		if (len < 5 || (strcmp(o->plot + len - 4, ".svg") && strcmp(o->plot + len - 4, ".png")))
			usage_error("--plot", "'%s' must end in .svg or .png", o->plot);
		if (strchr(o->plot, '\''))
			usage_error("--plot", "a file name without quotes, please");
		if (!find_prog("gnuplot", buf, sizeof(buf)))
			usage_error("--plot", "gnuplot not installed: apt-get install gnuplot-nox");
	}
	if (o->quick && !o->samples)
		o->samples = 10;
	if (o->quick && !time_given)
		o->time = 0.05;
	o->matrix |= !o->nworkers && !o->pop_types && !o->compare;
}

static void read_cpu_model(char *buf, size_t len)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	char line[256];
	char *p;

	snprintf(buf, len, "unknown cpu");
	while (f && fgets(line, sizeof(line), f)) {
		if (strncmp(line, "model name", 10) || !(p = strchr(line, ':')))
			continue;
		p += 1 + strspn(p + 1, " \t");
		p[strcspn(p, "\n")] = 0;
		snprintf(buf, len, "%s", p);
		break;
	}
	if (f)
		fclose(f);
}

static FILE *report_file(const char *dir, const char *name)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		die(path);
	return f;
}

static void json_or_die(FILE *f, const struct nsb_meta *m, const struct rows *rows, const char *what)
{
	int ret = nsb_write_json(f, m, rows->v, rows->n);

	if (ret) {
		errno = -ret;
		die(what);
	}
}

/* The JSON and a Markdown page around the table, the plot beside them. */
static void write_report(const char *dir, const struct nsb_meta *m, const struct rows *rows)
{
	FILE *f = report_file(dir, "report.json");

	json_or_die(f, m, rows, "report.json");
	if (fclose(f))
		die("report.json");
	f = report_file(dir, "report.md");
	fputs("# nsbench report\n\nNumbers from one run on one machine: noisy, compare within a run.\n\n"
	      "```\n", f);
	nsb_write_table(f, m, rows->v, rows->n);
	fputs("```\n\n![scaling and population](report.svg)\n", f);
	if (fclose(f))
		die("report.md");
}

int main(int argc, char **argv)
{
	struct nslab_counters probe;
	struct rows rows = { 0 };
	struct utsname u;
	struct kview kv = { .loaded = true };
	struct nsb_meta m = {
		.method = "unshare/setns/pidfd: a fresh clone3() worker per sample, only the "
			  "syscall timed (the worker's first-touch page faults taken before the "
			  "clock starts); clone: clone3() to the child's first instruction "
			  "(its timestamp through shared memory); lifecycle: clone3() + exit + "
			  "waitpid; none: the same op without a namespace",
	};
	char kernel[128], cpu[128];
	struct nslab_error e;
	struct opts o;

	parse_args(argc, argv, &o);
	setvbuf(stdout, NULL, _IOFBF, 0);
	uname(&u);
	snprintf(kernel, sizeof(kernel), "Linux %s %s", u.release, u.machine);
	read_cpu_model(cpu, sizeof(cpu));
	m.kernel = kernel;
	m.machine = cpu;
	m.cpus = (int)sysconf(_SC_NPROCESSORS_ONLN);
	m.pinned_cpu = (int)o.cpu;
	m.root = geteuid() == 0;
	if (o.cpu >= 0) {
		cpu_set_t set;

		CPU_ZERO(&set);
		CPU_SET(o.cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set))
			die("--cpu");
	}
	slot_map();
	timer_overhead(&m);
	if (counters_read(&kv, &probe))
		snprintf(kv.why, sizeof(kv.why), "nscount loaded: kernel column = mean in-kernel creation time");
	m.nscount = kv.why;

	if (o.matrix) {
		run_matrix(&o, &kv, &rows);
		if (o.types & ((1u << NSB_NET) | (1u << NSB_ALL)))
			run_teardown(&kv, &o, &rows);
	}
	if (o.nworkers)
		run_scaling(&o, &rows);
	if (o.pop_types)
		run_population(&o, &rows);
	if (o.compare)
		run_compare(&o, &rows);

	if (o.fmt == FMT_JSON)
		json_or_die(stdout, &m, &rows, "--json");
	else if (o.fmt == FMT_CSV)
		nsb_write_csv(stdout, rows.v, rows.n);
	else
		nsb_write_table(stdout, &m, rows.v, rows.n);
	fflush(stdout);
	if (o.report)
		write_report(o.report, &m, &rows);
	if (o.plot && plot(o.plot, rows.v, rows.n)) {
		nslab_fail(&e, 0, "--plot", "gnuplot failed to draw %s", o.plot);
		nsb_error(&e);
		rows.failed = true;
	}
	free(rows.v);
	return rows.failed ? 1 : 0;
}
