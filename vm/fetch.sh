#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# fetch.sh [--refresh] KERNEL CACHE_DIR
#
# Downloads the Debian kernel image and its headers for KERNEL (see
# kernels.conf) with a private apt state, unpacks them under
# CACHE_DIR/KERNEL/<package version>/ and writes CACHE_DIR/KERNEL/kernel.env.
# Once that file exists nothing is downloaded again: the run is pinned to that
# version until --refresh (`make vm-refresh`) resolves the newest again.  Works without root; the host's
# apt state and installed kernels are never touched.
set -eu
# shellcheck source=vm/lib.sh
. "$(dirname "$0")/lib.sh"

refresh=
[ "${1:-}" != --refresh ] || { refresh=1; shift; }
kernel=${1:?usage: fetch.sh [--refresh] KERNEL CACHE_DIR}
cache=${2:?usage: fetch.sh [--refresh] KERNEL CACHE_DIR}
kernel_require "$kernel"
mkdir -p "$cache/$kernel"
cache=$(cd "$cache" && pwd)
envfile=$cache/$kernel/kernel.env
[ -z "$refresh" ] || rm -f "$envfile"

# The headers Makefile includes the common headers by absolute /usr/src path;
# point it at the cache.  Redone on every call so a moved checkout still works.
fix_kdir() {
	sed -i "s|^include .*/usr/src/|include $1/usr/src/|" "$2/Makefile"
}

if [ -f "$envfile" ]; then
	# shellcheck source=/dev/null # written by fetch.sh
	. "$envfile"
	fix_kdir "$ROOT" "$KDIR"
	exit 0
fi

command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null ||
	die "fetch $kernel: needs apt-get and dpkg-deb (a Debian host)"

# Mirror URIs come from this machine's own apt sources: the entries of its
# own release (not -security, -updates), with only the suite changed.  Both
# the deb822 (.sources) and the one-line (.list) formats count.
base=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
[ -n "$base" ] || die "fetch $kernel: no VERSION_CODENAME in /etc/os-release: is this Debian?"
sources=$(
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] && cat "$f"
	done | awk -v base="$base" '
		$1 != "deb" { next }
		{
			signed = ""; i = 2
			if ($2 ~ /^\[/) {
				for (; i <= NF; i++) {
					if ($i ~ /signed-by=/) { signed = $i; sub(/.*signed-by=/, "", signed); sub(/\]$/, "", signed) }
					if ($i ~ /\]$/) { i++; break }
				}
			}
			if ($(i + 1) == base) print $i, signed
		}'
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] && { cat "$f"; echo; }
	done | awk -v base="$base" '
		function flush() {
			if (types ~ /(^| )deb( |$)/ && enabled != "no" && (" " suites " ") ~ (" " base " "))
				for (n = split(uris, u, " "); n > 0; n--) print u[n], signed
			types = uris = suites = signed = enabled = ""
		}
		/^[[:space:]]*$/ { flush(); next }
		/^[[:space:]]*#/ { next }
		{
			key = tolower($1); $1 = ""; sub(/^ +/, "")
			if (key == "types:") types = $0
			else if (key == "uris:") uris = $0
			else if (key == "suites:") suites = $0
			else if (key == "signed-by:") signed = $0
			else if (key == "enabled:") enabled = tolower($0)
		}
		END { flush() }'
)
[ -n "$sources" ] ||
	die "fetch $kernel: no 'deb' source for '$base' in /etc/apt/sources.list{,.d/}: no mirror to take $k_suite from"

apt_dir=$cache/apt/$k_suite
mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial" "$apt_dir/parts"
: > "$apt_dir/status"
echo "$sources" | while read -r uri signed; do
	opt=${signed:+[signed-by=$signed] }
	echo "deb $opt$uri $k_suite main"
done > "$apt_dir/sources.list"

echo "nslab: vm: fetch $kernel: resolving $k_image_meta in $k_suite"
papt apt-get update >"$apt_dir/update.log" 2>&1 || {
	cat "$apt_dir/update.log" >&2
	die "fetch $kernel: apt-get update for $k_suite failed (sources: $apt_dir/sources.list)"
}

# The first versioned linux-image-*/linux-headers-*/linux-kbuild-* dependency
# of a package: the meta packages depend on exactly one.
dep() {
	papt apt-cache depends --no-recommends --no-suggests --no-conflicts \
		--no-breaks --no-replaces --no-enhances "$1" 2>/dev/null |
		awk -v pat="$2" '$1 ~ /Depends:$/ && $2 ~ pat { print $2; exit }'
}
pkgver() {
	papt apt-cache show --no-all-versions "$1" 2>/dev/null | awk '/^Version:/ { print $2; exit }'
}

image=$(dep "$k_image_meta" '^linux-image-[0-9]')
[ -n "$image" ] || die "fetch $kernel: $k_image_meta not found in $k_suite"
version=$(pkgver "$image")
kver=${image#linux-image-}
# Since trixie the image package holds nothing itself: the kernel, its
# modules and its System.map/config come in linux-{binary,modules,base}-KVER,
# which it depends on.  Bookworm's image depends on no package of its KVER.
parts=$(papt apt-cache depends --no-recommends --no-suggests --no-conflicts \
	--no-breaks --no-replaces --no-enhances "$image" 2>/dev/null |
	awk -v k="-$kver" '$1 ~ /Depends:$/ && $2 ~ /^linux-/ &&
		substr($2, length($2) - length(k) + 1) == k { print $2 }' | sort -u | xargs)
headers=linux-headers-$kver
[ "$(pkgver "$headers")" = "$version" ] ||
	die "fetch $kernel: $headers $version not found in $k_suite"
common=$(dep "$headers" '^linux-headers-.*-common$')
kbuild=$(dep "$headers" '^linux-kbuild-')
[ -n "$common" ] && [ -n "$kbuild" ] ||
	die "fetch $kernel: cannot resolve the common headers and kbuild packages of $headers"

dest=$cache/$kernel/$version
rm -rf "$dest.tmp"
mkdir -p "$dest.tmp/debs"
echo "nslab: vm: fetch $kernel: downloading $image $version, ${parts:+$parts, }$headers, $common, $kbuild"
# shellcheck disable=SC2086 # $parts is a list of package names
(cd "$dest.tmp/debs" && papt apt-get download "$image" $parts "$headers" "$common" "$kbuild") ||
	die "fetch $kernel: apt-get download of $image $version and its headers failed"
for deb in "$dest.tmp"/debs/*.deb; do
	dpkg-deb -x "$deb" "$dest.tmp" || die "fetch $kernel: cannot unpack $deb"
done
rm -rf "$dest.tmp/debs" "$dest"
mv "$dest.tmp" "$dest"

# The same merged-/usr view as the host: since trixie the modules (and
# the kernel) are under usr/lib/modules/KVER only; depmod -b and
# mkinitramfs.sh look in lib/modules.
[ -e "$dest/lib" ] || [ ! -d "$dest/usr/lib/modules" ] || ln -s usr/lib "$dest/lib"
kdir=$dest/usr/src/$headers
vmlinuz=$dest/boot/vmlinuz-$kver
[ -f "$vmlinuz" ] || vmlinuz=$dest/lib/modules/$kver/vmlinuz
[ -f "$vmlinuz" ] && [ -f "$kdir/Makefile" ] && [ -d "$dest/lib/modules/$kver" ] ||
	die "fetch $kernel: $image $version does not have the expected layout"
fix_kdir "$dest" "$kdir"
cat > "$envfile.tmp" <<EOF
KERNEL=$kernel
PKG=$image
PKGVER=$version
KVER=$kver
ROOT=$dest
VMLINUZ=$vmlinuz
KDIR=$kdir
EOF
mv "$envfile.tmp" "$envfile"
for old in "$cache/$kernel"/*/; do
	[ "${old%/}" = "$dest" ] || rm -rf "$old"
done
echo "nslab: vm: fetch $kernel: $image $version cached in $dest"
