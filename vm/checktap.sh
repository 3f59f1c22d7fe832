#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# checktap.sh CHECKMATRIX NSLAB TAP RUNTIME...
#
# The check-matrix entry of vm/suites.conf: `make check-matrix` in the guest,
# on cgroup v2.  CHECKMATRIX (userspace/checkmatrix.sh) runs `NSLAB check`
# for nslab (its OCI path), nslab-run (its CLI) and each RUNTIME into
# /tmp/check-matrix; its matrix.md and matrix.json go to the console log, and
# TAP goes to TAP:
#   - nslab's checks, a result each for both of its paths: a check nslab
#     fails fails the entry;
#   - a result per other runtime with its verdicts counted: its fails are its
#     verdicts, not the entry's; it fails only when nslab check could not
#     judge it at all (no document: the runtime did not start, nslab broke);
#   - the matrix and every other runtime's failed checks as comments.
# Exits 1 when any result is "not ok".
set -u
matrix=${1:?usage: checktap.sh CHECKMATRIX NSLAB TAP RUNTIME...}
nslab=${2:?} tap=${3:?}
shift 3
out=/tmp/check-matrix
rm -rf "$out"
sh "$matrix" "$nslab" "$out" nslab nslab-run "$@"
echo "== $out/matrix.json"
cat "$out/matrix.json" 2>/dev/null

# "id TAB verdict TAB detail" for each check of a document ('#' dropped from
# the detail: in TAP it would start a directive).
checks() {
	sed -n 's/^ *"\(id\|verdict\|detail\)" *: *"\(.*\)",\{0,1\}$/\2/p' "$1" | tr -d '#' | paste - - -
}

# A document that judged at least one check, else why not.
judged() {
	[ -s "$out/$1.json" ] && grep -q '"verdict"' "$out/$1.json" && return 0
	echo "not judged: $(tr '\n' ' ' <"$out/$1.err" 2>/dev/null)"
	return 1
}

# own RT N: a result per check of nslab's path RT, numbered from N + 1.
own_results() {
	why=$(judged "$1") || { echo "not ok $(($2 + 1)) $1 # $why"; return; }
	checks "$out/$1.json" | awk -F '\t' -v rt="$1" -v n="$2" '{
		if ($2 == "pass") print "ok " n + NR " " rt "::" $1
		else if ($2 == "fail") print "not ok " n + NR " " rt "::" $1 " # fail: " $3
		else print "ok " n + NR " " rt "::" $1 " # SKIP " $2 ": " $3 }'
}

nslab_results() {
	own_results nslab 0 >"$out/own.tap"
	own_results nslab-run "$(grep -c '^\(not \)\{0,1\}ok ' "$out/own.tap")" >>"$out/own.tap"
	cat "$out/own.tap"
}

# runtime N: its result line, then its failed checks as comments.
runtime_result() {
	why=$(judged "$1") || { echo "not ok $2 $1 # $why"; return; }
	counts=$(checks "$out/$1.json" | cut -f 2 | sort | uniq -c | awk '{ printf "%s%s %s", s, $1, $2; s = ", " }')
	echo "ok $2 $1 # its verdicts: $counts"
	sed -n 's/^ *"version" *: *"\(.*\)",\{0,1\}$/# \1/p' "$out/$1.json"
	checks "$out/$1.json" | awk -F '\t' -v rt="$1" '$2 == "fail" { print "# " rt " fails " $1 ": " $3 }'
}

nslab_results >"$out/nslab.tap"
n=$(grep -c '^\(not \)\{0,1\}ok ' "$out/nslab.tap")
{
	echo "# nslab check, kernel $(uname -r), /sys/fs/cgroup: $(awk '$2 == "/sys/fs/cgroup" { print $3 }' /proc/mounts)"
	sed 's/^/# /' "$out/matrix.md"
	cat "$out/nslab.tap"
	for rt in "$@"; do
		n=$((n + 1))
		runtime_result "$rt" "$n"
	done
	echo "1..$n"
} >"$tap"
! grep -q '^not ok ' "$tap"
