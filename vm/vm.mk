# SPDX-License-Identifier: GPL-2.0
#
# `make vm-test`: boot real Debian kernels under QEMU and run the suites
# inside (see vm/README.md).  Included by the top-level Makefile.
#
#   make vm-test [KERNEL=6.1]      one kernel: KTAP results + summary line
#   make vm-test-all               every kernel in vm/kernels.conf, then a
#                                  kernel x suite table
#   make vm-fetch [KERNEL=...]     download/unpack the kernel and headers only
#   make -s vm-kdir [KERNEL=...]   print the headers dir to build modules with
#   make vm-refresh [KERNEL=...]   forget the cached kernel, fetch the newest
#   make vm-bench                  nsbench's latency matrix in every kernel's guest
#                                  (vm/bench.conf), one table of ratios to each
#                                  run's baseline: $(VM_BENCH_DIR)/bench.md (.svg)
#
# Knobs: REPEAT (each suite N times), VM_TIMEOUT (s, whole guest run), VM_ACCEL=auto|kvm|tcg, VM_SHARDS
# (VMs booted at once, the suites' tests spread over them), VM_MEM, VM_SMP,
# VM_APPEND (extra kernel cmdline), VM_SUITES (another suites.conf),
# VM_DIR (output), VM_CACHE (downloaded kernels; point it outside build/ to
# keep them across `make clean`).

KERNEL     ?= $(firstword $(VM_KERNELS))
VM_KERNELS := $(shell awk '!/^[[:space:]]*(\#|$$)/ { print $$1 }' vm/kernels.conf)
VM_DIR     ?= build/vm
VM_CACHE   ?= $(VM_DIR)/cache
VM_INIT    := $(VM_DIR)/init
VM_SUITES  ?= vm/suites.conf
VM_TIMEOUT ?= 1800
VM_ACCEL   ?= auto
# One VM per core, up to 4: TCG runs a guest's serial suites on one core.
VM_SHARDS  ?= $(shell n=$$(nproc 2>/dev/null || echo 1); [ $$n -gt 4 ] && n=4; echo $$n)
VM_SHARDS  := $(VM_SHARDS)
VM_MEM     ?= 1G
VM_SMP     ?= 2
VM_APPEND  ?=
# Each Criterion suite this many times in the guest (REPEAT=20: a hunt for flaky checks).
REPEAT     ?= 1

# Host packages only the VM harness needs: QEMU, the image tools, static
# glibc for the init, what the Debian kbuild binaries run against, and the
# runtimes the guests' check-matrix entry judges (shipped from the host).
VM_DEB_PKGS := qemu-system-x86 cpio kmod xz-utils busybox-static libc6-dev \
               dwarves libelf1 libssl3 util-linux coreutils runc crun bubblewrap

VM_ENV = VM_DIR=$(VM_DIR) VM_CACHE=$(VM_CACHE) VM_INIT=$(VM_INIT) \
         VM_SUITES=$(VM_SUITES) VM_TIMEOUT=$(VM_TIMEOUT) VM_ACCEL=$(VM_ACCEL) \
         VM_SHARDS=$(VM_SHARDS) VM_MEM=$(VM_MEM) VM_SMP=$(VM_SMP) \
         VM_APPEND='$(VM_APPEND)' VM_REPEAT=$(REPEAT)

.PHONY: vm-bench vm-test vm-test-all vm-deps vm-artifacts vm-run vm-fetch vm-kdir vm-refresh

# Steps in recipes, not prerequisites: under -j, two apt-gets or a run before
# its binaries exist would race.
vm-test: deps
	@sh userspace/deps.sh $(VM_DEB_PKGS)
	$(MAKE) vm-artifacts
	@$(MAKE) --no-print-directory vm-run

vm-test-all: deps
	@sh userspace/deps.sh $(VM_DEB_PKGS)
	$(MAKE) vm-artifacts
	@rc=0; for k in $(VM_KERNELS); do \
		$(MAKE) --no-print-directory vm-run KERNEL=$$k || rc=1; \
	done; \
	sh vm/table.sh $(VM_DIR) $(VM_KERNELS) || rc=1; \
	exit $$rc

# The release binaries (not the fault-injection build), one VM at a time so
# that the guest has the host core to itself as far as we are concerned; a
# directory of its own, the downloaded kernels shared.
VM_BENCH_DIR ?= build/vm-bench

vm-bench: deps
	@sh userspace/deps.sh $(VM_DEB_PKGS) gnuplot-nox
	$(MAKE) bins rootfs
	@rc=0; for k in $(VM_KERNELS); do \
		$(MAKE) --no-print-directory vm-run KERNEL=$$k VM_DIR=$(VM_BENCH_DIR) \
			VM_CACHE=$(VM_CACHE) VM_SUITES=vm/bench.conf VM_SHARDS=1 || rc=1; \
	done; \
	sh vm/bench.sh $(VM_BENCH_DIR) $(VM_KERNELS) || rc=1; \
	exit $$rc

vm-deps:
	@sh userspace/deps.sh $(VM_DEB_PKGS)

vm-artifacts:
	$(MAKE) O=build/test VARIANT_CFLAGS=-DNSLAB_FAULT_INJECTION test-bins
	$(MAKE) rootfs
	$(MAKE) $(VM_INIT)

# Boots what is already built: the quick loop while working on vm/ itself.
vm-run: $(VM_INIT)
	@$(VM_ENV) sh vm/run.sh $(KERNEL)

$(VM_INIT): vm/init.c
	@mkdir -p $(dir $@)
	$(CC) -static -O2 -std=gnu11 -Wall -Wextra -Werror -o $@ $<

vm-fetch:
	@sh vm/fetch.sh $(KERNEL) $(VM_CACHE)

vm-kdir:
	@sh vm/fetch.sh $(KERNEL) $(VM_CACHE) >&2
	@. $(VM_CACHE)/$(KERNEL)/kernel.env && echo "$$KDIR"

vm-refresh:
	@sh vm/fetch.sh --refresh $(KERNEL) $(VM_CACHE)
