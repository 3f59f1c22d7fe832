// SPDX-License-Identifier: GPL-2.0
#include "uts.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

int nslab_uts_setup(const struct nslab_spec *spec, struct nslab_error *e)
{
	if (!(spec->ns & NSLAB_NS_BIT(NSLAB_NS_UTS)))
		return 0;
	if (nslab_fault("hostname") ||
	    (spec->hostname && sethostname(spec->hostname, strlen(spec->hostname)) < 0))
		return nslab_fail(e, errno, "hostname", NULL);
	if (spec->domainname && setdomainname(spec->domainname, strlen(spec->domainname)) < 0)
		return nslab_fail(e, errno, "domainname", NULL);
	return 0;
}
