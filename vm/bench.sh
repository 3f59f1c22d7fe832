#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# bench.sh VM_DIR KERNEL...
#
# The table of `make vm-bench`: nsbench's latency matrix from each kernel's
# guest (the CSV it printed, which the init relayed into results.tap as
# comments), op by op and type by type, kernel beside kernel.  Each figure
# is a ratio to the same run's baseline of the same op (the "none" row:
# fork for clone and lifecycle, unshare(0), setns into our own uts ns):
# under TCG every time is emulated, and even under KVM two guests' absolute
# times need not be comparable.  The kernel column is nscount's in-kernel
# creation time over the same baseline, where the module loaded.
# Writes VM_DIR/bench.md (and VM_DIR/bench.svg when gnuplot is installed)
# and prints the table; fails if a kernel left no matrix.
set -eu
dir=$1
shift
rc=0
: >"$dir/bench.csv"
for k in "$@"; do
	# "tcg,thread=single": the accelerator alone, the CSV keeps its columns.
	accel=$(cut -d, -f1 "$dir/$k/accel" 2>/dev/null || echo unknown)
	# The nsbench entry's relayed lines: "    # <csv line>".
	if ! awk -v k="$k" -v accel="$accel" '
		/^# suite: / { in_bench = ($3 == "nsbench"); next }
		in_bench && /^    # (latency|teardown),/ { sub(/^    # /, ""); print k "," accel "," $0; n++ }
		END { exit n ? 0 : 1 }' "$dir/$k/results.tap" >>"$dir/bench.csv" 2>/dev/null; then
		echo "nslab: vm-bench: $k: no nsbench matrix in $dir/$k/results.tap (see its console.log)" >&2
		rc=1
	fi
done

# bench.csv: kernel,accel,kind,op,type,param,n,min,p50,...; p50 is $9, kernel_ns $17, drift $23.
awk -F, -v kernels="$*" '
	function ratio(x, b) { return x == "" || b == "" || b + 0 <= 0 ? "-" : sprintf("%.2f", x / b) }
	function pct(x) { return x == "" ? "-" : sprintf("%+.0f%%", x * 100) }
	$3 != "latency" { next }
	{
		key = $4 "," $5
		if (!(key in seen)) { seen[key] = 1; order[++n] = key }
		p50[$1, key] = $9; kern[$1, key] = $17; drift[$1, key] = $23; accel[$1] = $2
		if ($5 == "none") base[$1, $4] = $9
	}
	END {
		nk = split(kernels, ks, " ")
		print "# nsbench in the guest kernels\n"
		print "Ratios to the same run'"'"'s baseline of the same op (its \"none\" row), never absolute"
		print "times; kernel = nscount'"'"'s in-kernel creation time over that baseline (\"-\": the"
		print "module did not load); drift = the cell'"'"'s second-half p50 against its first half'"'"'s.\n"
		for (i = 1; i <= nk; i++) {
			a = accel[ks[i]]
			printf "- %s: %s\n", ks[i], a == "" ? "no result" : \
			       a ~ /^tcg/ ? "TCG, every figure EMULATED" : a
		}
		printf "\n| op | type |"
		for (i = 1; i <= nk; i++) printf " %s p50/base | %s kernel/base | %s drift |", ks[i], ks[i], ks[i]
		printf "\n|---|---|"
		for (i = 1; i <= nk; i++) printf "---:|---:|---:|"
		printf "\n"
		for (j = 1; j <= n; j++) {
			split(order[j], f, ",")
			printf "| %s | %s |", f[1], f[2]
			for (i = 1; i <= nk; i++) {
				b = base[ks[i], f[1]]
				printf " %s | %s | %s |", ratio(p50[ks[i], order[j]], b), \
				       ratio(kern[ks[i], order[j]], b), pct(drift[ks[i], order[j]])
			}
			printf "\n"
		}
	}' "$dir/bench.csv" >"$dir/bench.md"
cat "$dir/bench.md"

# The plot: one panel per op, types along x, a bar per kernel; a data file per
# op with a column of ratios per kernel.
command -v gnuplot >/dev/null || exit "$rc"
ops="unshare clone lifecycle setns pidfd"
for op in $ops; do
	awk -F, -v op="$op" -v kernels="$*" '
		$3 != "latency" || $4 != op { next }
		$5 == "none" { base[$1] = $9; next }
		{ if (!($5 in seen)) { seen[$5] = 1; order[++n] = $5 } p50[$1, $5] = $9 }
		END {
			nk = split(kernels, ks, " ")
			for (j = 1; j <= n; j++) {
				printf "%s", order[j]
				for (i = 1; i <= nk; i++) {
					b = base[ks[i]]; x = p50[ks[i], order[j]]
					printf " %s", x == "" || b + 0 <= 0 ? "NaN" : x / b
				}
				printf "\n"
			}
		}' "$dir/bench.csv" >"$dir/bench-$op.dat"
	# An op no kernel measured gets no panel.
	if [ -s "$dir/bench-$op.dat" ]; then plotted="${plotted:-} $op"; else rm -f "$dir/bench-$op.dat"; fi
done
[ -n "${plotted:-}" ] || exit "$rc"
{
	printf "set terminal svg size 1000,%d\nset output '%s'\n" $((300 * $(echo $plotted | wc -w))) "$dir/bench.svg"
	printf "set multiplot layout %d,1 title \"p50 over the same run's baseline of the op, per kernel%s\"\n" \
		"$(echo $plotted | wc -w)" "$(grep -q ',tcg' "$dir/bench.csv" && echo ' (TCG: emulated)')"
	printf "set style data histograms\nset style histogram clustered\nset style fill solid 0.8\n"
	# Log ratios: a net namespace costs thousands of baselines, a setns about one.
	printf "set grid ytics\nset key top left\nset logscale y\n"
	for op in $plotted; do
		printf "set title '%s'\nplot '%s' using 2:xtic(1) title '%s'" "$op" "$dir/bench-$op.dat" "$1"
		col=3
		for k in $(echo "$@" | cut -d' ' -f2-); do
			[ "$k" = "$1" ] && continue
			printf ", '' using %d title '%s'" "$col" "$k"
			col=$((col + 1))
		done
		printf "\n"
	done
	printf "unset multiplot\n"
} | gnuplot || { echo "nslab: vm-bench: gnuplot failed to draw $dir/bench.svg" >&2; rc=1; }
exit "$rc"
