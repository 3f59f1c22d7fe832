// SPDX-License-Identifier: GPL-2.0
/*
 * The device allowlist, tried from inside (docs/conformance.md H12): make a node
 * and open it, or open one that is there, and read a byte.  Nothing is
 * written; the node made is removed again.
 */
#include "probe.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* "open=X read=Y": read is "-" when the open failed. */
static void open_read(const char *path)
{
	char byte;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);

	if (fd < 0) {
		printf("open=%s read=-\n", probe_errno_name(errno));
		return;
	}
	printf("open=ok read=%s\n", read(fd, &byte, 1) < 0 ? probe_errno_name(errno) : "ok");
	close(fd);
}

/* mknod-open b|c MAJOR MINOR: "mknod=X open=Y read=Z", the node made in the /dev tmpfs. */
static int probe_mknod_open(int argc, char **argv)
{
	const char *path = "/dev/nslab-probe-node";
	mode_t type;

	if (argc != 4 || (strcmp(argv[1], "b") != 0 && strcmp(argv[1], "c") != 0)) {
		fprintf(stderr, "usage: mknod-open b|c MAJOR MINOR\n");
		return 2;
	}
	type = argv[1][0] == 'b' ? S_IFBLK : S_IFCHR;
	unlink(path);
	if (mknod(path, type | 0600, makedev(probe_number(argv[2]), probe_number(argv[3]))) < 0) {
		printf("mknod=%s open=- read=-\n", probe_errno_name(errno));
		return 0;
	}
	printf("mknod=ok ");
	open_read(path);
	unlink(path);
	return 0;
}
PROBE(mknod_open, "mknod-open", "b|c MAJOR MINOR", probe_mknod_open);

static int probe_open_read(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: open-read PATH\n");
		return 2;
	}
	open_read(argv[1]);
	return 0;
}
PROBE(open_read, "open-read", "PATH", probe_open_read);
