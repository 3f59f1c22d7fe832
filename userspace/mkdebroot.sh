#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Builds a small Debian root filesystem from the host's apt sources (apt-get
# download + dpkg -x, no maintainer scripts): bash, coreutils, dpkg and the
# libraries they load.  Its files are owned by root, as in any Debian image,
# which is what the tests of the idmapped root need.  Needs root and apt.
set -eu
dest=$(realpath -m "${1:?usage: mkdebroot.sh DIR}")
pkgs="bash coreutils dpkg libc6 libtinfo6 libacl1 libattr1 libselinux1 libpcre2-8-0
      libgmp10 libbz2-1.0 liblzma5 libmd0 zlib1g libzstd1 libcrypt1 base-files"
rm -rf "$dest.tmp"
mkdir -p "$dest.tmp/debs"
cd "$dest.tmp/debs"
# apt-get download runs as _apt where it can: the directory must be open to it.
chmod 0777 .
apt-get download -q $pkgs >/dev/null
cd ..
for deb in debs/*.deb; do
	dpkg -x "$deb" .
done
rm -rf debs
mkdir -p proc sys dev tmp root var/lib/dpkg/info var/lib/dpkg/updates etc
chmod 1777 tmp
chmod 0700 root
: > var/lib/dpkg/status
: > var/lib/dpkg/available
printf 'root:x:0:0:root:/root:/bin/bash\n' > etc/passwd
printf 'root:x:0:\n' > etc/group
echo debian > etc/hostname
[ -e bin/sh ] || ln -s bash bin/sh
rm -rf "$dest"
mv "$dest.tmp" "$dest"
touch "$dest/.built"
