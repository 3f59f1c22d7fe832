#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# doctest.sh FILE...
#
# Runs every ```sh block of each FILE as a reader would paste it into a root
# shell (bash -eu, `nslab` being the one built here; a command of its own on
# each line, since -e does not see the failure of an && list's first
# command), one after the other,
# and says TAP: a block that fails, runs over its time, or leaves a link, a
# network namespace file or a container behind is not ok.  Blocks fenced
# otherwise (the CLI's synopsis, output shown, the two top-level make
# commands that CI runs itself) are shown only.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "1..0 # SKIP needs root (the examples are a root shell's)"; exit 0; }
work=$(mktemp -d /tmp/nslab-doctest-XXXXXX)
# Searchable by all, as /run is: the containers' mapped root reaches its state through it.
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
export PATH="$top/build:$PATH" NSLAB_STATE_DIR="$work/state"

# Writes FILE's sh blocks to $work/block.N, and "N FILE:LINE" lines to $work/index.
awk -v dir="$work" '
	FNR == 1 { inblock = 0 }
	/^```sh$/ { n++; inblock = 1; print n, FILENAME ":" FNR > (dir "/index"); next }
	/^```/ { inblock = 0; next }
	inblock { print > (dir "/block." n) }
' "$@"
[ -s "$work/index" ] || { echo "1..0 # SKIP no sh block in $*"; exit 0; }

# What a block must leave as it found: links, network namespace files, containers.
host_state() {
	ip -o link show | awk -F': ' '{ print $2 }' | sort
	ls /run/netns 2>/dev/null | sort
	ls "$NSLAB_STATE_DIR" 2>/dev/null
}

echo "1..$(wc -l < "$work/index")"
status=0
while read -r n where; do
	host_state > "$work/before"
	(cd "$work" && timeout 120 bash -eu "$work/block.$n") > "$work/out" 2>&1
	rc=$?
	host_state > "$work/after"
	if [ "$rc" -ne 0 ]; then
		echo "not ok $n $where # exit $rc"
	elif ! cmp -s "$work/before" "$work/after"; then
		echo "not ok $n $where # left behind: $(diff "$work/before" "$work/after" | sed -n 's/^> //p' | tr '\n' ' ')"
		rc=1
	else
		echo "ok $n $where"
	fi
	[ "$rc" -eq 0 ] || { status=1; sed 's/^/# /' "$work/out"; }
done < "$work/index"
exit "$status"
