# SPDX-License-Identifier: GPL-2.0
# sort -k3,3rn <weighted items> | awk -v shards=N -f plan.awk
#
# Spreads the work over N VMs: longest first, each item to the least loaded
# VM (LPT, within 4/3 of the best).  An item is "entry test seconds"; test is
# a Criterion suite/test, or "-" for an entry that cannot be split.  Prints
# "shard entry test", shards counted from 1.
{
	best = 1
	for (i = 2; i <= shards; i++)
		if (load[i] < load[best]) best = i
	load[best] += $3
	print best, $1, $2
}
