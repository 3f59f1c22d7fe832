// SPDX-License-Identifier: GPL-2.0
#include "probe.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int probe_sethostname(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: sethostname NAME\n");
		return 2;
	}
	return probe_report(sethostname(argv[1], strlen(argv[1])));
}
PROBE(sethostname, "sethostname", "NAME", probe_sethostname);
