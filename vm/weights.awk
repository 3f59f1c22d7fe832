# SPDX-License-Identifier: GPL-2.0
# awk -f weights.awk OLD_WEIGHTS RESULTS.tap...
#
# Per-test durations for balancing the next run over VMs (plan.awk): "entry
# test seconds", test being Criterion's suite/test (the sum over its
# parameters) or "-" for a whole cmd entry.  What ran now replaces what ran
# before; the rest is kept.
FILENAME == ARGV[1] { old[$1 " " $2] = $3; next }
/^# suite: / { entry = $3; next }
# Criterion: "ok - suite::test  (1.23s)"; each test also pays a process start.
/^    (not )?ok - [^ ]+::[^ ]+ .*\([0-9.]+s\)/ {
	name = $0
	sub(/^    (not )?ok - /, "", name)
	t = name
	sub(/ .*/, "", name)
	sub(/::/, "/", name)
	sub(/.*\(/, "", t)
	new[entry " " name] += t + 0.3
	next
}
# Any entry's own line: "ok 4 smoke-run # 0.4 s".
/^ok [0-9]+ [^ ]+ # [0-9.]+ s$/ { new[$3 " -"] = $(NF - 1) }
END {
	for (k in old)
		if (!(k in new))
			new[k] = old[k]
	for (k in new)
		printf "%s %.1f\n", k, new[k]
}
