#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# selftest.sh: doctest.sh must be able to fail.  Runs it on fixtures/: every
# block of match.md must be ok (or skipped), every block of mismatch.md (output
# that differs, a bad fence or need, a network namespace left behind) not ok,
# and a page with an output block after no sh block must fail as a whole.
# Says TAP.
set -u
dir=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" -eq 0 ] || { echo "1..0 # SKIP needs root (doctest.sh does)"; exit 0; }
out=$(mktemp /tmp/nslab-doctest-self-XXXXXX)
trap 'rm -f "$out"' EXIT
# No nscount file anywhere: a block that needs the module is skipped.
export NSCOUNT_KO=/nonexistent/nscount.ko
status=0

# Says ok or not ok for check N, named NAME, that COND... holds.
check() {
	n=$1 name=$2
	shift 2
	if "$@"; then
		echo "ok $n $name"
	else
		echo "not ok $n $name"
		sed 's/^/# /' "$out"
		status=1
	fi
}
counts() { grep -c "^$1 [0-9]" "$out"; }
blocks() { grep -c '^```sh' "$dir/fixtures/$1"; }

echo "1..3"
sh "$dir/doctest.sh" "$dir/fixtures/match.md" > "$out" 2>&1
rc=$?
check 1 "matching output passes, a need that fails skips" \
	test "$rc" -eq 0 -a "$(counts ok)" -eq "$(blocks match.md)" -a "$(grep -c '# SKIP needs module' "$out")" -eq 1
sh "$dir/doctest.sh" "$dir/fixtures/mismatch.md" > "$out" 2>&1
rc=$?
ip netns del doctest-selftest-left
check 2 "each mismatch, unknown need, bad fence and leftover fails" \
	test "$rc" -ne 0 -a "$(counts 'not ok')" -eq "$(blocks mismatch.md)" -a "$(counts ok)" -eq 0
sh "$dir/doctest.sh" "$dir/fixtures/orphan.md" > "$out" 2>&1
rc=$?
check 3 "an output block after no sh block fails the page" \
	test "$rc" -ne 0 -a "$(grep -c '^not ok' "$out")" -ge 1
exit "$status"
