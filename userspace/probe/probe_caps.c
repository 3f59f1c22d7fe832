// SPDX-License-Identifier: GPL-2.0
/* The capability sets of the probe itself, read from the kernel rather than /proc. */
#include "probe.h"

#include <linux/capability.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* "ok eff=HEX prm=HEX bnd=HEX" */
static int probe_caps(int argc, char **argv)
{
	struct __user_cap_header_struct head = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	uint64_t bnd = 0;

	(void)argc;
	(void)argv;
	if (syscall(SYS_capget, &head, data) < 0)
		return probe_report(-1);
	for (int cap = 0; cap < 64 && prctl(PR_CAPBSET_READ, cap) >= 0; cap++)
		if (prctl(PR_CAPBSET_READ, cap) == 1)
			bnd |= 1ULL << cap;
	printf("ok eff=%llx prm=%llx bnd=%llx\n",
	       (unsigned long long)data[0].effective | (unsigned long long)data[1].effective << 32,
	       (unsigned long long)data[0].permitted | (unsigned long long)data[1].permitted << 32,
	       (unsigned long long)bnd);
	return 0;
}
PROBE(caps, "caps", "", probe_caps);
