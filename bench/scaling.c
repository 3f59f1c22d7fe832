// SPDX-License-Identifier: GPL-2.0
/*
 * How creation scales: with parallel creators (--workers), and with what
 * already exists (--population): mounts in the parent mount ns, live netns.
 */
#include "bench_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>

#define SCALE_CAP (1u << 16)

/* --- scaling: parallel creators ------------------------------------------ */

struct scale_shared {
	size_t n[NSB_MAX_WORKERS];
	uint64_t window[NSB_MAX_WORKERS];
	int err[NSB_MAX_WORKERS];
	double v[];			/* SCALE_CAP samples per worker */
};

/* @w workers run @c at once, released together; one row with their total rate. */
static void scale_cell(const struct cell *c, long w, const struct opts *o, struct rows *rows)
{
	size_t len = sizeof(struct scale_shared) + (size_t)w * SCALE_CAP * sizeof(double);
	struct scale_shared *sh = map_shared(len);
	struct nsb_row *r = add_row(rows, NSB_K_SCALING, nsb_op_names[c->op],
				    nsb_type_names[c->type], w);
	pid_t pid[NSB_MAX_WORKERS];
	size_t total = 0;
	int go[2], err = 0;
	long i;
	char b;

	if (pipe(go))
		die("pipe");
	for (i = 0; i < w; i++) {
		pid[i] = clone3_flags(0);
		if (pid[i] == 0) {
			close(go[1]);
			slot_map();
			/* EOF on the pipe releases every worker at once. */
			if (read(go[0], &b, 1) < 0)
				_exit(1);
			sh->err[i] = run_cell(c, o, sh->v + i * SCALE_CAP, SCALE_CAP, &sh->n[i],
					      &sh->window[i]);
			_exit(0);
		}
		if (pid[i] < 0)
			die("clone3 (worker)");
	}
	close(go[0]);
	close(go[1]);
	r->tput = 0;
	for (i = 0; i < w; i++) {
		int e = reap(pid[i], NULL);

		err = err ? err : e ? e : sh->err[i];
		if (e || sh->err[i] || !sh->window[i])
			continue;
		/* Each worker's own rate: their measured windows differ a little. */
		r->tput += (double)sh->n[i] * NS_PER_S / (double)sh->window[i];
		memmove(sh->v + total, sh->v + i * SCALE_CAP, sh->n[i] * sizeof(double));
		total += sh->n[i];
	}
	if (err) {
		r->tput = -1;
		row_error(rows, r, err);
	} else {
		nsb_stats_compute(sh->v, total, &r->st);
	}
	munmap(sh, len);
}

void run_scaling(const struct opts *o, struct rows *rows)
{
	/* Creators by default: a creation each, with its exit and reap. */
	unsigned ops = o->ops_given ? o->ops : 1u << NSB_LIFECYCLE;
	struct target tg;
	unsigned i;
	size_t k;
	int op;

	target_open(&tg);
	for (op = 0; op < NSB_NOPS; op++)
		for (i = 0; i < N_ELEMENTS(matrix_order); i++) {
			struct cell c = { .op = op, .type = matrix_order[i], .tg = &tg };

			if (!(ops & (1u << op)) ||
			    (c.type != NSB_NONE && !(o->types & (1u << c.type))))
				continue;
			for (k = 0; k < o->nworkers; k++) {
				settle(o);
				scale_cell(&c, o->workers[k], o, rows);
			}
		}
	target_close(&tg);
}

/* --- population: creation cost against what already exists --------------- */

static const long pop_levels[2][4] = { { 10, 100, 1000, 5000 }, { 0, 10, 100, 1000 } };

static size_t levels_of(enum nsb_type t, const struct opts *o, const long **lv)
{
	*lv = pop_levels[t == NSB_NET];
	return o->quick ? 2 : 4;
}

static size_t count_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	size_t n = 0;
	int ch;

	if (!f)
		return 0;
	while ((ch = fgetc(f)) != EOF)
		n += ch == '\n';
	fclose(f);
	return n;
}

/* One population row: unshare(@type) with what the caller set up around it. */
static void pop_cell(enum nsb_type type, const struct opts *o, struct nsb_row *r, double *v)
{
	struct cell c = { .op = NSB_UNSHARE, .type = type };
	uint64_t window;
	size_t n;
	int err;

	settle(o);
	err = run_cell(&c, o, v, CELL_CAP, &n, &window);
	if (err) {
		snprintf(r->note, sizeof(r->note), "error: %s", strerror(err));
		r->failed = true;
	} else {
		nsb_stats_compute(v, n, &r->st);
	}
}

/*
 * Runs in a child with its own private mount namespace and a tmpfs on /tmp,
 * so the mounts it piles up never reach the host and go with the child.
 */
static void pop_mnt_child(const struct opts *o, const long *lv, size_t nl, struct nsb_row *out,
			  double *v)
{
	char path[32];
	size_t i, inherited;
	long have = 0;

	for (i = 0; i < nl; i++)
		nsb_row_init(&out[i], NSB_K_POPULATION, "unshare", "mnt", lv[i]);
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("nsbench", "/tmp", "tmpfs", 0, "size=4m")) {
		for (i = 0; i < nl; i++) {
			snprintf(out[i].note, sizeof(out[i].note), "error: private /tmp: %s",
				 strerror(errno));
			out[i].failed = true;
		}
		return;
	}
	inherited = count_lines("/proc/self/mountinfo");
	for (i = 0; i < nl; i++) {
		while (have < lv[i]) {
			snprintf(path, sizeof(path), "/tmp/%ld", have);
			if (mkdir(path, 0700) || mount(path, path, NULL, MS_BIND, NULL))
				break;
			have++;
		}
		if (have < lv[i]) {
			snprintf(out[i].note, sizeof(out[i].note), "error: mount %s: %s", path,
				 strerror(errno));
			out[i].failed = true;
			continue;
		}
		pop_cell(NSB_MNT, o, &out[i], v);
		if (!out[i].failed)
			snprintf(out[i].note, sizeof(out[i].note), "+%zu inherited mounts", inherited);
	}
}

/* Holds netns alive by fd, adding more on each request: levels arrive on @cmd, counts go back on @ack. */
static void net_holder(int cmd, int ack)
{
	struct rlimit rl;
	long want, have = 0;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	while (read(cmd, &want, sizeof(want)) == sizeof(want)) {
		while (have < want) {
			if (unshare(CLONE_NEWNET) || open("/proc/self/ns/net", O_RDONLY) < 0) {
				have = -errno;
				break;
			}
			have++;
		}
		if (write(ack, &have, sizeof(have)) != sizeof(have) || have < 0)
			break;
	}
}

static void run_pop_net(const struct opts *o, struct rows *rows, double *v)
{
	const long *lv;
	size_t i, nl = levels_of(NSB_NET, o, &lv);
	int cmd[2], ack[2];
	pid_t pid;
	long have;

	if (pipe(cmd) || pipe(ack))
		die("pipe");
	pid = clone3_flags(0);
	if (pid == 0) {
		close(cmd[1]);
		close(ack[0]);
		net_holder(cmd[0], ack[1]);
		_exit(0);
	}
	if (pid < 0)
		die("clone3 (netns holder)");
	close(cmd[0]);
	close(ack[1]);
	for (i = 0; i < nl; i++) {
		struct nsb_row *r = add_row(rows, NSB_K_POPULATION, "unshare", "net", lv[i]);

		if (write(cmd[1], &lv[i], sizeof(lv[i])) != sizeof(lv[i]) ||
		    read(ack[0], &have, sizeof(have)) != sizeof(have))
			have = -EPIPE;
		if (have < 0) {
			row_error(rows, r, (int)-have);
			break;
		}
		pop_cell(NSB_NET, o, r, v);
		rows->failed |= r->failed;
	}
	close(cmd[1]);
	close(ack[0]);
	reap(pid, NULL);
}

void run_population(const struct opts *o, struct rows *rows)
{
	double *v = map_shared(CELL_CAP * sizeof(*v));

	if (o->pop_types & (1u << NSB_MNT)) {
		const long *lv;
		size_t i, nl = levels_of(NSB_MNT, o, &lv);
		struct nsb_row *out = map_shared(nl * sizeof(*out));
		pid_t pid = clone3_flags(0);
		int err;

		if (pid == 0) {
			pop_mnt_child(o, lv, nl, out, v);
			_exit(0);
		}
		err = pid < 0 ? errno : reap(pid, NULL);
		for (i = 0; i < nl; i++) {
			struct nsb_row *r = add_row(rows, NSB_K_POPULATION, "unshare", "mnt", lv[i]);

			if (err)
				row_error(rows, r, err);
			else
				*r = out[i];
			rows->failed |= r->failed;
		}
		munmap(out, nl * sizeof(*out));
	}
	if (o->pop_types & (1u << NSB_NET))
		run_pop_net(o, rows, v);
	munmap(v, CELL_CAP * sizeof(*v));
}
