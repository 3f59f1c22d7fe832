#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Installs the Debian packages named on the command line that are missing.
# As root it runs apt-get; otherwise it prints the exact command and fails.
# With --check first it only names the missing ones, and fails if there are any.
set -eu
check=
if [ "${1:-}" = --check ]; then
	check=1
	shift
fi
missing=
for pkg in "$@"; do
	status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
	[ "$status" = "install ok installed" ] || missing="$missing $pkg"
done
[ -n "$missing" ] || exit 0
if [ -n "$check" ]; then
	echo "nslab: build: missing Debian packages:$missing (run 'make deps' as root)" >&2
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "nslab: deps: missing Debian packages; run: sudo apt-get install$missing" >&2
	exit 1
fi
echo "nslab: deps: installing$missing"
# Other apt runs (another checkout's `make deps`) wait for the lock, not fail.
apt-get -o DPkg::Lock::Timeout=300 update -qq
DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends $missing
