// SPDX-License-Identifier: GPL-2.0
/* Network interfaces as the container's network namespace shows them. */
#include "probe.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* "ok NAME=up|down ..." for every interface, asked through the kernel rather than sysfs. */
static int probe_links(int argc, char **argv)
{
	struct if_nameindex *ifs = if_nameindex();
	int sk = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	(void)argc;
	(void)argv;
	if (!ifs || sk < 0)
		return probe_report(-1);
	printf("ok");
	for (struct if_nameindex *i = ifs; i->if_index; i++) {
		struct ifreq req = { 0 };

		snprintf(req.ifr_name, sizeof(req.ifr_name), "%s", i->if_name);
		if (ioctl(sk, SIOCGIFFLAGS, &req) < 0)
			printf(" %s=%s", i->if_name, probe_errno_name(errno));
		else
			printf(" %s=%s", i->if_name, req.ifr_flags & IFF_UP ? "up" : "down");
	}
	putchar('\n');
	if_freenameindex(ifs);
	close(sk);
	return 0;
}
PROBE(links, "links", "", probe_links);
