// SPDX-License-Identifier: GPL-2.0
/* nslab state ID: runtime-spec's state of a container (oci.c makes the document). */
#include "cli.h"
#include "container.h"
#include "json.h"
#include "oci.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char state_usage[] =
	"usage: nslab state ID\n"
	"  prints the container's OCI state (runtime-spec runtime.md): ociVersion, id, status\n"
	"  (creating, created, running, paused, stopped), pid (0 once stopped), bundle, annotations\n";

int cmd_state(int argc, char **argv)
{
	struct nslab_state st;
	json_object *doc;
	int ret;

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		fputs(state_usage, stdout);
		return CLI_OK;
	}
	if (argc != 2 || argv[1][0] == '-')
		return cli_fail(NSLAB_ERR_INPUT, 0, "usage", "nslab state ID");
	/*
	 * Exit 2 for an unknown ID, as every other command: runc exits 1 for any
	 * error, and its callers (podman, containerd) tell "no such container" by
	 * the message, not the status.
	 */
	ret = cli_find(argv[1], &st, NULL);
	if (ret)
		return ret;
	doc = nslab_oci_state(&st, nslab_container_status(&st));
	if (!doc)
		return cli_fail(NSLAB_ERR_SYSTEM, ENOMEM, "state", NULL);
	puts(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
						 JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(doc);
	return CLI_OK;
}
