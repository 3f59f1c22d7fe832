#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# lint.sh CACHE FILE...
#
# Runs the kernel's own checkpatch.pl --strict on the module's files.  The
# script and the data files it reads come from Debian's linux-source-6.1,
# fetched with the VM harness's private apt state (vm/lib.sh) and unpacked
# once into CACHE/checkpatch.  Fails on any error; warnings are shown.
set -eu
# shellcheck source=vm/lib.sh
. "$(dirname "$0")/../vm/lib.sh"
# lib.sh takes the vm/ directory from $0, which is ours.
vmdir=$(cd "$(dirname "$0")/../vm" && pwd)

cache=${1:?usage: lint.sh CACHE FILE...}
shift
src=linux-source-6.1
dir=$cache/checkpatch
files="scripts/checkpatch.pl scripts/spelling.txt scripts/const_structs.checkpatch"

if [ ! -f "$dir/checkpatch.pl" ]; then
	# The 6.1 kernel's fetch lays out the private apt state of its suite.
	sh "$vmdir/fetch.sh" 6.1 "$cache" >&2
	kernel_lookup 6.1
	apt_dir=$(cd "$cache" && pwd)/apt/$k_suite
	rm -rf "$dir.tmp"
	mkdir -p "$dir.tmp"
	echo "nslab: lint: downloading $src for checkpatch.pl" >&2
	if ! (cd "$dir.tmp" && papt apt-get download "$src" >/dev/null 2>&1); then
		# Lists older than the mirror name files it no longer has.
		papt apt-get update >"$apt_dir/update.log" 2>&1 ||
			die "lint: apt-get update for $k_suite failed (see $apt_dir/update.log)"
		(cd "$dir.tmp" && papt apt-get download "$src" >/dev/null) ||
			die "lint: apt-get download $src failed"
	fi
	members=
	for f in $files; do
		members="$members $src/$f"
	done
	# shellcheck disable=SC2086 # a list of archive members
	dpkg-deb --fsys-tarfile "$dir.tmp"/"$src"_*.deb |
		tar -xO "./usr/src/$src.tar.xz" | xz -dc |
		tar -x -C "$dir.tmp" $members ||
		die "lint: cannot extract checkpatch.pl from $src"
	rm -rf "$dir"
	mkdir -p "$dir"
	for f in $files; do
		mv "$dir.tmp/$src/$f" "$dir/"
	done
	rm -rf "$dir.tmp"
fi

status=0
for f in "$@"; do
	out=$(perl "$dir/checkpatch.pl" --no-tree --strict --show-types -f "$f" 2>&1) || true
	errors=$(echo "$out" | awk '/^total:/ { print $2 }')
	case $errors in
	0) ;;
	'') echo "$out"; echo "nslab: lint: $f: checkpatch.pl gave no verdict" >&2; status=1; continue ;;
	*) status=1 ;;
	esac
	echo "$out" | grep -q '^total: 0 errors, 0 warnings, 0 checks' ||
		echo "$out" | sed -n '/^\(ERROR\|WARNING\|CHECK\):/,/^$/p'
	echo "$f: $(echo "$out" | grep '^total:')"
done
exit $status
