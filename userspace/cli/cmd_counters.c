// SPDX-License-Identifier: GPL-2.0
/* nslab counters [--json] [--watch SEC]: the nscount module's per-type counts. */
#include "cli.h"
#include "counters.h"
#include "json.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define USAGE "nslab counters [--json] [--watch SEC]"

static json_object *latency_json(const struct nslab_ns_counter *t)
{
	json_object *o = json_object_new_object(), *buckets = json_object_new_array();

	if (!o || !buckets) {
		json_object_put(o);
		json_object_put(buckets);
		return NULL;
	}
	json_object_object_add(o, "samples", json_object_new_int64(t->lat_samples));
	json_object_object_add(o, "sum_ns", json_object_new_int64(t->lat_sum_ns));
	json_object_object_add(o, "missed", json_object_new_int64(t->lat_missed));
	for (int b = 0; b < NSCOUNT_LAT_BUCKETS; b++)
		json_object_array_add(buckets, json_object_new_int64(t->lat_hist[b]));
	json_object_object_add(o, "log2_ns_buckets", buckets);
	return o;
}

static json_object *pernet_json(const struct nslab_ns_counter *t)
{
	json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	json_object_object_add(o, "created", json_object_new_int64(t->pernet_created));
	json_object_object_add(o, "destroyed", json_object_new_int64(t->pernet_destroyed));
	json_object_object_add(o, "live", json_object_new_int64(t->pernet_live));
	return o;
}

/* One type's object: the groups the module does not support for it are left out. */
static json_object *type_json(const struct nslab_ns_counter *t)
{
	bool count = !(t->flags & NSCOUNT_F_NO_COUNT), lat = !(t->flags & NSCOUNT_F_NO_LATENCY);
	json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	json_object_object_add(o, "type", json_object_new_string(t->name));
	json_object_object_add(o, "count_supported", json_object_new_boolean(count));
	json_object_object_add(o, "latency_supported", json_object_new_boolean(lat));
	if (count) {
		json_object_object_add(o, "created", json_object_new_int64(t->created));
		json_object_object_add(o, "destroyed", json_object_new_int64(t->destroyed));
		json_object_object_add(o, "live", json_object_new_int64(t->live));
		json_object_object_add(o, "peak", json_object_new_int64(t->peak));
		json_object_object_add(o, "missed", json_object_new_int64(t->missed));
	}
	if (t->has_attempts) {
		json_object_object_add(o, "failed", json_object_new_int64(t->failed));
		json_object_object_add(o, "cloned", json_object_new_int64(t->cloned));
	}
	if (lat)
		json_object_object_add(o, "latency", latency_json(t));
	if (t->has_pernet)
		json_object_object_add(o, "pernet", pernet_json(t));
	return o;
}

static int print_json(const struct nslab_counters *c)
{
	json_object *doc = json_object_new_object(), *types = json_object_new_array();

	if (!doc || !types) {
		json_object_put(doc);
		json_object_put(types);
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < c->n; i++)
		json_object_array_add(types, type_json(&c->type[i]));
	json_object_object_add(doc, "types", types);
	return nslab_json_print(stdout, doc);
}

/* Median of the log2 histogram, as the lower bound of its bucket. */
static unsigned long long median_bucket(const struct nslab_ns_counter *t)
{
	unsigned long long seen = 0;

	for (int b = 0; b < NSCOUNT_LAT_BUCKETS; b++) {
		seen += t->lat_hist[b];
		if (seen * 2 >= t->lat_samples)
			return 1ULL << b;
	}
	return 0;
}

/* The lines under the table: net's absolute count, mnt's two kinds. */
static void print_notes(const struct nslab_counters *c)
{
	const struct nslab_ns_counter *net = nslab_counters_find(c, "net");
	const struct nslab_ns_counter *mnt = nslab_counters_find(c, "mnt");

	if (net && net->has_pernet)
		printf("net pernet (absolute): created %llu destroyed %llu live %lld\n",
		       (unsigned long long)net->pernet_created,
		       (unsigned long long)net->pernet_destroyed, (long long)net->pernet_live);
	if (mnt && mnt->has_attempts && !(mnt->flags & NSCOUNT_F_NO_COUNT))
		printf("mnt created: %llu by clone/unshare, %lld detached mount trees (fsmount, open_tree)\n",
		       (unsigned long long)mnt->cloned, (long long)(mnt->created - mnt->cloned));
	printf("live and peak count from the module's load; frees of ipc, user, net and pid lag.\n"
	       "failed: charged, then the creation failed (not in created or destroyed).\n");
}

static void print_table(const struct nslab_counters *c)
{
	printf("%-7s %10s %10s %8s %8s %7s %8s %11s %11s %7s\n", "type", "created", "destroyed",
	       "live", "peak", "missed", "samples", "mean_ns", "median_ns", "failed");
	for (unsigned int i = 0; i < c->n; i++) {
		const struct nslab_ns_counter *t = &c->type[i];

		printf("%-7s ", t->name);
		if (t->flags & NSCOUNT_F_NO_COUNT)
			printf("%10s %10s %8s %8s %7s ", "unsupp.", "-", "-", "-", "-");
		else
			printf("%10llu %10llu %8lld %8lld %7llu ", (unsigned long long)t->created,
			       (unsigned long long)t->destroyed, (long long)t->live,
			       (long long)t->peak, (unsigned long long)t->missed);
		if (t->flags & NSCOUNT_F_NO_LATENCY)
			printf("%8s %11s %11s", "unsupp.", "-", "-");
		else if (!t->lat_samples)
			printf("%8d %11s %11s", 0, "-", "-");
		else
			printf("%8llu %11llu %10s%llu", (unsigned long long)t->lat_samples,
			       (unsigned long long)(t->lat_sum_ns / t->lat_samples), "~",
			       median_bucket(t));
		if (t->has_attempts)
			printf(" %7llu\n", (unsigned long long)t->failed);
		else
			printf(" %7s\n", "-");
	}
	print_notes(c);
}

int cmd_counters(int argc, char **argv)
{
	struct nslab_counters c;
	struct nslab_error e;
	bool json = false;
	long watch = 0;

	for (int i = 1; i < argc; i++) {
		char *end;

		if (strcmp(argv[i], "--json") == 0) {
			json = true;
		} else if (strcmp(argv[i], "--watch") == 0 && i + 1 < argc) {
			watch = strtol(argv[++i], &end, 10);
			if (*end || watch <= 0 || watch > 86400)
				return cli_fail(NSLAB_ERR_INPUT, 0, "usage", "--watch takes whole seconds, 1 to 86400");
		} else if (strcmp(argv[i], "--help") == 0) {
			printf("usage: %s\n"
			       "per namespace type: created, destroyed, live, peak since the nscount\n"
			       "module was loaded, and in-kernel creation latency (log2 ns buckets)\n", USAGE);
			return CLI_OK;
		} else {
			return cli_fail(NSLAB_ERR_INPUT, 0, "usage", USAGE);
		}
	}
	for (;;) {
		if (nslab_counters_dump(&c, &e))
			return cli_exit(&e);
		if (json) {
			int ret = print_json(&c);

			if (ret)
				return cli_fail(NSLAB_ERR_SYSTEM, -ret, "counters", "%s", strerror(-ret));
		} else {
			if (watch) {
				time_t now = time(NULL);
				char stamp[32];

				strftime(stamp, sizeof(stamp), "%F %T", localtime(&now));
				printf("--- %s\n", stamp);
			}
			print_table(&c);
		}
		fflush(stdout);
		if (!watch)
			return CLI_OK;
		sleep(watch);
	}
}
