#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# table.sh VM_DIR KERNEL...
#
# The kernel x suite table of `make vm-test-all`, from the summary each run
# left (ktap.awk: one line per suite per VM), then the grand total as
# `N passed, N failed, N skipped`.  A kernel without a summary did not get as
# far as running its guests.
set -eu
dir=$1
shift
for k in "$@"; do
	if [ -s "$dir/$k/summary" ]; then
		sed "s/^/$k /" "$dir/$k/summary"
	else
		echo "$k (none) FAIL 0 1 0"
	fi
done | awk '
	{
		k = $1; s = $2
		if (!(k in seen_k)) { seen_k[k] = 1; kernels[++nk] = k }
		if (!(s in seen_s)) { seen_s[s] = 1; suites[++ns] = s }
		has[k, s] = 1
		if ($3 != "ok") bad[k, s] = 1
		p[k, s] += $4; f[k, s] += $5; sk[k, s] += $6
		tp += $4; tf += $5; tsk += $6
	}
	END {
		printf "\n%-8s", "kernel"
		for (j = 1; j <= ns; j++) printf "  %-20s", suites[j]
		printf "\n"
		for (i = 1; i <= nk; i++) {
			printf "%-8s", kernels[i]
			for (j = 1; j <= ns; j++) {
				k = kernels[i]; s = suites[j]
				if (!((k, s) in has)) c = "-"
				else if ((k, s) in bad) c = "FAIL " f[k, s] "/" p[k, s] + f[k, s]
				else c = "ok " p[k, s]
				if (sk[k, s]) c = c " (" sk[k, s] " skip)"
				printf "  %-20s", c
			}
			printf "\n"
		}
		printf "\n%d passed, %d failed, %d skipped\n", tp, tf, tsk
		exit tf ? 1 : 0
	}'
