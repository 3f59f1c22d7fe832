#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Checks nsbench against two of issue 8's targets and writes the result as
# Markdown (stdout):
#   stability  the latency matrix run twice in a row: every cell's p50
#              within 10% of the other run's (net within 25%);
#   agreement  the unshare p50 per type within 20% of crosscheck, a minimal
#              loop written apart from nsbench.  Three rounds, each
#              alternating the two type by type, compared median to median,
#              so that a burst of noise from the machine's neighbours lands
#              on both sides.
# The figures are reported, not judged: the exit status says only whether
# the programs ran.
#
# usage: check.sh NSBENCH CROSSCHECK WORKDIR
set -eu
nsbench=$1 crosscheck=$2 work=$3
mkdir -p "$work"

# nsbench exits 1 when a cell failed; its row then says why, and the rest stands.
run_nsbench() {
	"$nsbench" "$@" || [ $? -eq 1 ]
}

# nsbench starts each cell on an idle machine (it waits for the netns teardown
# of the cell before); crosscheck gets the same: every CPU 90% idle for 0.1 s,
# waiting at most 10 s.
settle() {
	for _ in $(seq 100); do
		a=$(grep '^cpu[0-9]' /proc/stat)
		sleep 0.1
		b=$(grep '^cpu[0-9]' /proc/stat)
		printf '%s\n%s\n' "$a" "$b" | awk '
			{ t = 0; for (i = 2; i <= 9; i++) t += $i; idle = $5 + $6 }
			!($1 in t0) { t0[$1] = t; i0[$1] = idle; next }
			t > t0[$1] && 1 - (idle - i0[$1]) / (t - t0[$1]) > 0.10 { busy = 1 }
			END { exit busy }' && return
	done
}

run_nsbench --csv >"$work/matrix1.csv"
run_nsbench --csv >"$work/matrix2.csv"
# Type by type, A B A B: the machine drifts by tens of percent within minutes.
for round in 1 2 3; do
	: >"$work/unshare$round.csv"
	: >"$work/crosscheck$round.txt"
	for type in uts ipc pid mnt net user cgroup time; do
		run_nsbench --ops unshare --types "$type" --samples 300 --csv >>"$work/unshare$round.csv"
		settle
		"$crosscheck" 300 "$type" >>"$work/crosscheck$round.txt"
	done
done

echo "### Stability: the latency matrix, two consecutive runs"
echo
echo "Drift: a cell's second-half p50 against its first half's, within its run (nsbench"
echo "interleaves the cells, so a machine that drifts moves them alike)."
echo
echo "| op | type | p50 run 1 (µs) | p50 run 2 (µs) | difference | target | drift 1 | drift 2 |"
echo "|---|---|---:|---:|---:|---|---:|---:|"
# CSV columns: 7 p50_ns, 21 drift (before the quoted note, so no comma inside).
awk -F, '
	function pct(x) { return x == "" ? "-" : sprintf("%+.0f%%", x * 100) }
	$1 != "latency" { next }
	FNR == NR { first[$2 "," $3] = $7; drift[$2 "," $3] = $21; next }
	($2 "," $3) in first {
		a = first[$2 "," $3]; b = $7
		if (a == "" || b == "") {
			bad++
			printf "| %s | %s | - | - | - | a run failed | - | - |\n", $2, $3
			next
		}
		d = (b - a) / a * 100
		limit = $3 == "net" || $3 == "all" ? 25 : 10
		within = d <= limit && d >= -limit
		bad += !within
		printf "| %s | %s | %.1f | %.1f | %+.1f%% | %s ±%d%% | %s | %s |\n", $2, $3, a / 1000,
		       b / 1000, d, within ? "within" : "**outside**", limit, pct(drift[$2 "," $3]),
		       pct($21)
	}
	END { printf "\n%d cell(s) outside their target.\n\n", bad }
' "$work/matrix1.csv" "$work/matrix2.csv"

echo "### Agreement: nsbench's unshare against crosscheck (median of three rounds)"
echo
echo "| type | nsbench p50 (µs) | crosscheck p50 (µs) | difference | target |"
echo "|---|---:|---:|---:|---|"
awk -F'[, ]' '
	function median3(a, b, c) {
		return a > b ? (b > c ? b : (a > c ? c : a)) : (a > c ? a : (b > c ? c : b))
	}
	FILENAME ~ /(^|\/)unshare[0-9]\.csv$/ && $1 == "latency" && $3 != "none" && $3 != "all" {
		nsb[$3, ++nn[$3]] = $7
		if (!($3 in seen)) { seen[$3] = 1; order[++types] = $3 }
	}
	FILENAME ~ /(^|\/)crosscheck[0-9]\.txt$/ { cc[$1, ++nc[$1]] = $2 == "-" ? 0 : $2 }
	END {
		for (i = 1; i <= types; i++) {
			t = order[i]
			a = median3(nsb[t, 1], nsb[t, 2], nsb[t, 3])
			b = median3(cc[t, 1], cc[t, 2], cc[t, 3])
			if (a == "" || b == "" || a + 0 <= 0 || b + 0 <= 0) {
				bad++
				printf "| %s | - | - | - | a run failed |\n", t
				continue
			}
			d = (a - b) / b * 100
			within = d <= 20 && d >= -20
			bad += !within
			printf "| %s | %.1f | %.1f | %+.1f%% | %s ±20%% |\n", t, a / 1000, b / 1000, d,
			       within ? "within" : "**outside**"
		}
		printf "\n%d type(s) outside the target.\n", bad
	}
' "$work"/unshare1.csv "$work"/unshare2.csv "$work"/unshare3.csv \
  "$work"/crosscheck1.txt "$work"/crosscheck2.txt "$work"/crosscheck3.txt
