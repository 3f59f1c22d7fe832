#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# run.sh KERNEL
#
# One kernel, start to verdict: fetch (cached), build the initramfs, boot it
# in VM_SHARDS QEMUs at once, each running its share of the suites, and judge
# their result ports with ktap.awk.  Everything goes to $VM_DIR/KERNEL/:
# console.log and results.tap (all VMs, one after the other), shard<N>/ (each
# VM's own), summary, weights (per-test durations that balance the next run),
# all kept to one run at a time by a lock.  Run from the top of the repo;
# settings come from the environment (vm.mk passes them):
#   VM_DIR VM_CACHE VM_INIT VM_SUITES VM_TIMEOUT VM_ACCEL(auto|kvm|tcg)
#   VM_SHARDS VM_MEM VM_SMP VM_APPEND VM_REPEAT
set -eu
# shellcheck source=vm/lib.sh
. "$(dirname "$0")/lib.sh"

kernel=${1:?usage: run.sh KERNEL}
kernel_require "$kernel"
: "${VM_DIR:=build/vm}" "${VM_CACHE:=$VM_DIR/cache}" "${VM_INIT:=$VM_DIR/init}"
: "${VM_SUITES:=$vmdir/suites.conf}" "${VM_TIMEOUT:=1800}" "${VM_ACCEL:=auto}"
: "${VM_SHARDS:=2}" "${VM_MEM:=1G}" "${VM_SMP:=2}" "${VM_APPEND:=}"
case $VM_SHARDS in
[1-9] | [1-9][0-9]) ;;
*) die "VM_SHARDS must be a number from 1 to 99, not '$VM_SHARDS'" ;;
esac
qemu="qemu-system-x86_64"
command -v "$qemu" >/dev/null || die "$qemu not found (install qemu-system-x86)"

out=$VM_DIR/$kernel
mkdir -p "$out"
exec 9>"$out/lock"
flock -n 9 || die "another vm-test for $kernel is running (it holds $out/lock)"

sh "$vmdir/fetch.sh" "$kernel" "$VM_CACHE"
kenv=$VM_CACHE/$kernel/kernel.env
# shellcheck source=/dev/null # written by fetch.sh
. "$kenv"
# For the module build: `make vm-kdir` and the later `make module` read it.
echo "$KDIR" > "$out/kdir"

start=$(date +%s)
sh "$vmdir/mkinitramfs.sh" "$kenv" "$VM_INIT" "$VM_SUITES" "$VM_SHARDS" "$out/weights" \
	"$out/initramfs.cpio"

pids=
cleanup() {
	# shellcheck disable=SC2086 # a list of pids
	[ -z "$pids" ] || kill $pids 2>/dev/null || true
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM HUP

# boot DIR SECONDS ACCEL CPU EXTRA_APPEND: console.log and results.tap land in
# DIR.  panic=-1 turns a panic into a reboot, -no-reboot that into QEMU's exit.
# DIR/scratch.img, 1 MiB of zeros, is the guest's /dev/vda: a real block
# device for the device allowlist's tests (devices::H12_*) to be kept from.
boot() {
	mkdir -p "$1"
	rm -f "$1/console.log" "$1/results.tap" "$1/scratch.img"
	truncate -s 1M "$1/scratch.img"
	timeout -k 5 "$2" "$qemu" -nodefaults -display none -no-reboot -monitor none \
		-accel "$3" -cpu "$4" -m "$VM_MEM" -smp "$VM_SMP" \
		-kernel "$VMLINUZ" -initrd "$out/initramfs.cpio" \
		-drive file="$1/scratch.img",format=raw,if=virtio \
		-append "console=ttyS0 panic=-1 oops=panic panic_on_warn=1 softlockup_panic=1 $5 $VM_APPEND" \
		-chardev file,id=console,path="$1/console.log" -serial chardev:console \
		-chardev file,id=results,path="$1/results.tap" -serial chardev:results \
		</dev/null &
	pids="$pids $!"
}

# KVM is used only once a guest has been seen to run under it: here it opens
# fine and then fails or hangs the guest.  The verdict is kept per host kernel,
# QEMU and KVM device, so the probe is paid once.
kvm_works() {
	[ -r /dev/kvm ] && [ -w /dev/kvm ] || return 1
	key="$(uname -r) $($qemu --version | head -n1) $(stat -c %i.%Y /dev/kvm)"
	probe=$VM_DIR/kvm-probe
	if [ ! -f "$probe" ] || [ "$(sed -n 2p "$probe")" != "$key" ]; then
		verdict=no
		boot "$out/probe" 20 kvm host nslab.probe
		wait "$!" || true
		pids=
		grep -qx '# nslab-vm: done' "$out/probe/results.tap" 2>/dev/null && verdict=yes
		printf '%s\n%s\n' "$verdict" "$key" > "$probe"
		echo "nslab: vm: KVM probe: $verdict (cached in $probe)"
	fi
	[ "$(sed -n 1p "$probe")" = yes ]
}

# No cx16 under TCG: QEMU 7.2 (bookworm) leaves garbage in the flags after an
# emulated cmpxchg16b (upstream inlined it since), and 6.12's SLUB fast path
# runs into it within seconds: double faults, stray #DB, int3 oopses.  Without
# cx16 the kernel takes its non-cmpxchg16b paths.
tcg_cpu=max,-cx16
# One host thread for all vCPUs: with multi-threaded TCG a vCPU kept running
# code that another had just patched (kprobes arming or disarming while
# nscount loads or unloads: soft lockups at copy_*_ns+0x0, a call to 0 from
# free_ipc; static keys flipping on 6.12 without any module: "Oops: int3" in
# __alloc_pages).  Shards run in parallel instead, one per host core.
case $VM_ACCEL in
kvm) accel=kvm cpu=host ;;
tcg) accel=tcg,thread=single cpu=$tcg_cpu ;;
auto) if kvm_works; then accel=kvm cpu=host; else accel=tcg,thread=single cpu=$tcg_cpu; fi ;;
*) die "VM_ACCEL must be auto, kvm or tcg, not '$VM_ACCEL'" ;;
esac
# What the guests ran on: vm/bench.sh labels TCG's figures as emulated.
echo "$accel" > "$out/accel"

echo "nslab: vm: booting $PKG $PKGVER in $VM_SHARDS VM(s) ($accel, timeout ${VM_TIMEOUT}s), console: $out/shard*/console.log"
shard_dirs=
i=1
while [ "$i" -le "$VM_SHARDS" ]; do
	boot "$out/shard$i" "$VM_TIMEOUT" "$accel" "$cpu" "nslab.shard=$i/$VM_SHARDS"
	shard_dirs="$shard_dirs $out/shard$i"
	i=$((i + 1))
done
qemu_pids=$pids
# Progress: the inits' own lines, live, until the last VM is gone.
set --
for pid in $qemu_pids; do
	set -- "$@" --pid="$pid"
done
for d in $shard_dirs; do
	touch "$d/console.log"
	set -- "$@" "$d/console.log"
done
tail -q -n +1 -F "$@" 2>/dev/null | grep --line-buffered '^nslab-vm' &
pids="$pids $!"
status=0
for pid in $qemu_pids; do
	wait "$pid" || { rc=$?; [ "$rc" -ne 124 ] && [ "$rc" -ne 137 ] || status=$rc; }
done
wait
pids=
elapsed=$(($(date +%s) - start))

: > "$out/results.tap"
: > "$out/console.log"
for d in $shard_dirs; do
	# An empty file is no document to ktap.awk (its FNR == 1 never comes):
	# a guest that hung before its init would go unjudged, not failed.
	[ -s "$d/results.tap" ] || echo "# nslab-vm: $d wrote nothing: the kernel never ran the init" > "$d/results.tap"
	cat "$d/results.tap" >> "$out/results.tap"
	echo "=== $d/console.log" >> "$out/console.log"
	cat "$d/console.log" >> "$out/console.log"
done

echo
echo "=== $kernel: $PKG $PKGVER, $VM_SHARDS VM(s), $accel, ${elapsed}s (image build + boot + suites)"
rm -f "$out/summary"
verdict=0
# shellcheck disable=SC2046 # a list of files
awk -v kernel="$kernel" -v summary="$out/summary" -f "$vmdir/ktap.awk" \
	$(for d in $shard_dirs; do echo "$d/results.tap"; done) >"$out/report" || verdict=1
# Durations for the next run's balance; the old ones stand for tests that
# did not run this time.
[ -f "$out/weights" ] || : > "$out/weights"
awk -f "$vmdir/weights.awk" "$out/weights" "$out/results.tap" > "$out/weights.tmp" &&
	mv "$out/weights.tmp" "$out/weights"
# A VM that did not finish tells why on its console only.
for d in $shard_dirs; do
	grep -qx '# nslab-vm: done' "$d/results.tap" && continue
	echo "--- last console lines ($d/console.log):"
	tail -n 40 "$d/console.log" 2>/dev/null || true
	echo "---"
done
[ "$status" -eq 0 ] || echo "nslab: vm: $kernel: QEMU killed after ${VM_TIMEOUT}s (VM_TIMEOUT)"
cat "$out/report"
exit "$verdict"
