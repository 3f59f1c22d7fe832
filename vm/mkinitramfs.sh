#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# mkinitramfs.sh KERNEL_ENV INIT SUITES_CONF SHARDS WEIGHTS OUT
#
# Builds the guest's initramfs (a plain newc cpio: compressed, the emulated
# kernel would spend every boot unpacking it) from
#   INIT         our static init (vm/init.c)
#   busybox      the host's busybox-static, for sh and the usual applets
#   kmod         with its shared libraries, as modprobe/insmod/lsmod
#   modules      modules.conf and their dependencies from the cached kernel,
#                decompressed here so any modprobe loads them, then depmod
#   SUITES_CONF  every artifact that exists, at its host absolute path (so
#                paths compiled into the binaries hold) with its ldd closure
# and what each of the SHARDS VMs runs: /etc/nslab-vm/suites.<shard>, and for
# a Criterion entry split over VMs, /etc/nslab-vm/tests.<shard>/<entry> with
# its share of suite/test names.  WEIGHTS holds "entry test seconds" from
# earlier runs (a missing file is fine).
# Run from the top of the repo.
set -eu
# shellcheck source=vm/lib.sh
. "$(dirname "$0")/lib.sh"

kenv=${1:?usage: mkinitramfs.sh KERNEL_ENV INIT SUITES_CONF SHARDS WEIGHTS OUT}
init=${2:?} conf=${3:?} shards=${4:?} weights=${5:?} out=${6:?}
repeat=${VM_REPEAT:-1}
case $repeat in
[1-9] | [1-9][0-9]) ;;
*) die "VM_REPEAT must be a number from 1 to 99, not '$repeat'" ;;
esac
# shellcheck source=/dev/null # written by fetch.sh
. "$kenv"
top=$(pwd)
stage=$out.d
rm -rf "$stage"
mkdir -p "$stage/usr/bin" "$stage/usr/sbin" "$stage/usr/lib" "$stage/usr/lib64" \
	"$stage/etc/nslab-vm" "$stage/root" "$stage/proc" "$stage/sys" "$stage/dev" \
	"$stage/run" "$stage/tmp" "$stage/newroot"
# Same merged-/usr layout as the host, so ldd's paths are valid as they are.
for d in bin sbin lib lib64; do
	if [ -L "/$d" ]; then
		ln -s "$(readlink "/$d")" "$stage/$d"
	else
		mkdir -p "$stage/$d"
	fi
done

# Copies FILE to the same path in the image, with every library it needs.
ship() {
	mkdir -p "$stage$(dirname "$1")"
	cp -L "$1" "$stage$1"
	ldd "$1" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' |
		while read -r lib; do
			[ -e "$stage$lib" ] && continue
			mkdir -p "$stage$(dirname "$lib")"
			cp -L "$lib" "$stage$lib"
		done
}

cp "$init" "$stage/init"

kmod=$(command -v kmod) || die "kmod not found (install kmod)"
ship "$kmod"
for tool in modprobe insmod rmmod lsmod modinfo depmod; do
	ln -s "$kmod" "$stage/usr/sbin/$tool"
done

entries=$(sed -e '/^[[:space:]]*#/d' -e '/^[[:space:]]*$/d' "$conf")
work=$out.plan
rm -rf "$work"
mkdir -p "$work"
: > "$work/entries"
: > "$work/items"
# printf, not echo: dash's echo would turn a command's "\n" into a line break.
printf '%s\n' "$entries" | while read -r name kind need timeout artifact cmd; do
	artifact=$(echo "$artifact" | sed "s|@KERNEL@|$KERNEL|g")
	case $artifact in /*) path=$artifact ;; *) path=$top/$artifact ;; esac
	if [ ! -e "$path" ]; then
		[ "$need" = optional ] || die "$name: required artifact $artifact is missing"
		echo "nslab: vm: skipping $name: $artifact not built"
		continue
	fi
	if [ -d "$path" ]; then
		mkdir -p "$stage$(dirname "$path")"
		cp -a "$path" "$stage$path"
	else
		ship "$path"
	fi
	case $kind in
	env) echo "$name=$path" >> "$stage/etc/nslab-vm/env" ;;
	criterion)
		# One item per test: suite/test, as Criterion's --filter takes it.
		"$path" --list 2>/dev/null | awk '
			/^[^ ].*: [0-9]+ tests?$/ { suite = $1; sub(/:$/, "", suite); next }
			NF && suite != "" { print suite "/" $NF }' > "$work/list" ||
			die "$name: $artifact --list failed"
		[ -s "$work/list" ] || die "$name: $artifact --list names no test"
		# VM_REPEAT: the suite again as NAME-2, NAME-3, ... (a hunt for flaky checks).
		r=1
		while [ "$r" -le "$repeat" ]; do
			e=$name
			[ "$r" -eq 1 ] || e="$name-$r"
			sed "s|^|$e |" "$work/list" >> "$work/items"
			printf '%s\t%s\t%s\t%s\t%s\n' "$e" "$kind" "$timeout" "$path" "$cmd" >> "$work/entries"
			r=$((r + 1))
		done ;;
	cmd | tap)
		echo "$name -" >> "$work/items"
		printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$kind" "$timeout" "$path" "$cmd" >> "$work/entries" ;;
	*) die "$conf: $name: unknown kind '$kind'" ;;
	esac
done
[ -s "$work/entries" ] || die "$conf: nothing to run"

# Durations: this kernel's last run's, else vm/weights.default (a run's,
# committed: a fresh clone's plan would otherwise count every test alike, and
# give one VM the unsplit module suite on top of its share); unknown ones 1 s
# a test, 10 s an entry.  Whole suites are spread, "suite/*": Criterion's
# --filter breaks (an assertion in its extglob matcher) on a pattern of some
# 4 KiB, which a list of single tests reaches.
[ -f "$weights" ] || weights=$vmdir/weights.default
{ [ -f "$weights" ] && sed 's/^/w /' "$weights"; sed 's/^/i /' "$work/items"; } |
	awk '$1 == "w" { w[$2 " " $3] = $4; next }
		{ k = $2 " " $3; print k, (k in w) ? w[k] : ($3 == "-" ? 10 : 1) }' |
	awk '{ t = $2; sub(/\/.*/, "/*", t); k = $1 " " t; s[k] += $3 }
		END { for (k in s) print k, s[k] }' |
	sort -k3,3rn | awk -v shards="$shards" -f "$vmdir/plan.awk" > "$work/plan"
i=1
while [ "$i" -le "$shards" ]; do
	: > "$stage/etc/nslab-vm/suites.$i"
	while IFS="$(printf '\t')" read -r name kind timeout path cmd; do
		mine=$(awk -v s="$i" -v e="$name" '$1 == s && $2 == e { print $3 }' "$work/plan")
		[ -n "$mine" ] || continue
		tests=-
		if [ "$mine" != - ] && [ "$(echo "$mine" | wc -l)" -ne \
			"$(grep "^$name " "$work/items" | sed 's|/.*||' | sort -u | wc -l)" ]; then
			tests=/etc/nslab-vm/tests.$i/$name
			mkdir -p "$stage$(dirname "$tests")"
			echo "$mine" > "$stage$tests"
		fi
		printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$kind" "$timeout" "$path" "$tests" "$cmd" \
			>> "$stage/etc/nslab-vm/suites.$i"
	done < "$work/entries"
	i=$((i + 1))
done
rm -rf "$work"

busybox=${BUSYBOX:-/bin/busybox}
applets=$("$busybox" --list-full 2>/dev/null) || die "$busybox is not a working busybox (install busybox-static)"
cp "$busybox" "$stage/usr/bin/busybox"
for applet in $applets; do
	[ -e "$stage/$applet" ] || [ -L "$stage/$applet" ] || ln -s /usr/bin/busybox "$stage/$applet"
done

# Kernel modules.  The cache tree gets its own modules.dep once, so modprobe
# can name the dependencies; the guest's tree gets one for its subset.
mods=$(sed -e 's/#.*//' "$(dirname "$0")/modules.conf" | xargs)
moddir=lib/modules/$KVER
[ -f "$ROOT/$moddir/modules.dep" ] || depmod -b "$ROOT" "$KVER"
mkdir -p "$stage/usr/$moddir"
for f in modules.order modules.builtin modules.builtin.modinfo; do
	cp "$ROOT/$moddir/$f" "$stage/usr/$moddir/"
done
# shellcheck disable=SC2086 # the module names are words
modprobe -d "$ROOT" -S "$KVER" --show-depends -a $mods |
	awk '$1 == "insmod" { print $2 }' | while read -r ko; do
		rel=${ko#"$ROOT/"}
		dst=$stage/usr/$rel
		mkdir -p "$(dirname "$dst")"
		case $ko in
		*.xz) xz -dc "$ko" > "${dst%.xz}" ;;
		*.zst) zstd -qdc "$ko" > "${dst%.zst}" ;;
		*.gz) gzip -dc "$ko" > "${dst%.gz}" ;;
		*) cp "$ko" "$dst" ;;
		esac
	done
depmod -b "$stage/usr" "$KVER"
echo "$mods" | tr ' ' '\n' > "$stage/etc/nslab-vm/modules"

printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
	> "$stage/etc/passwd"
printf 'root:x:0:\ntty:x:5:\nnogroup:x:65534:\n' > "$stage/etc/group"
printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n' > "$stage/etc/hosts"

(cd "$stage" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) > "$out.tmp"
mv "$out.tmp" "$out"
rm -rf "$stage"
