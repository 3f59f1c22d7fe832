#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Builds the default container root filesystem from Debian's busybox-static:
# one static binary, its applet links, and the few files programs expect.
set -eu
dest=${1:?usage: mkrootfs.sh DIR}
busybox=${BUSYBOX:-/bin/busybox}
if ! applets=$("$busybox" --list-full 2>/dev/null); then
	echo "nslab: rootfs: $busybox is not a working busybox (install busybox-static)" >&2
	exit 1
fi
rm -rf "$dest.tmp"
mkdir -p "$dest.tmp"
probe=${PROBE:+$(realpath "$PROBE")}
cd "$dest.tmp"
mkdir -p bin sbin usr/bin usr/sbin etc root proc sys dev tmp var/tmp run
chmod 1777 tmp var/tmp
chmod 0700 root
cp "$busybox" bin/busybox
for applet in $applets; do
	[ "$applet" = bin/busybox ] && continue
	[ -e "$applet" ] || ln -s /bin/busybox "$applet"
done
# Our probe: reports from inside a container what the tests need to know.
[ -z "$probe" ] || cp "$probe" usr/bin/nslab-probe
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' > etc/passwd
printf 'root:x:0:\ntty:x:5:\nnogroup:x:65534:\n' > etc/group
printf 'hosts: files\n' > etc/nsswitch.conf
printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n' > etc/hosts
cd - >/dev/null
rm -rf "$dest"
mv "$dest.tmp" "$dest"
touch "$dest/.built"
