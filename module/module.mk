# SPDX-License-Identifier: GPL-2.0
#
# The nscount kernel module and its test suite.  Included by the top-level
# Makefile (after vm/vm.mk).
#
#   make module [KDIR=...]   build module/nscount.ko; KDIR defaults to the
#                            running kernel's build dir, else the VM's 6.1 headers
#   make module-vm [KERNEL=6.1]  build it for a VM kernel into $(VM_DIR)/KERNEL/
#                            (vm-run does this before it boots, for NSCOUNT_KO)
#   make module-lint         the kernel's checkpatch.pl --strict on every module file
#   make module-clean        remove the in-tree build products
#
# The tests (tests/module/*.c) build into $(O)/tests/module with test-bins
# and run in the VM guest as root (vm/suites.conf).

VM_DIR   ?= build/vm
VM_CACHE ?= $(VM_DIR)/cache
MODULE_SRCS := $(filter-out %.mod.c,$(wildcard module/*.c)) $(wildcard module/*.h) module/Kbuild
MODULE_HOST_KDIR := /lib/modules/$(shell uname -r)/build
# The kbuild of Debian's 6.12 headers generates BTF with pahole.
MODULE_DEB_PKGS := dwarves libelf1 libssl3 perl xz-utils

MODTEST_SRCS := $(wildcard tests/module/*.c)
MODTEST_BIN  := $(O)/tests/module

.PHONY: module module-vm module-lint module-clean module-deps

module-deps:
	@sh userspace/deps.sh $(MODULE_DEB_PKGS)

# The VM kernel's headers are fetched (once) only when no KDIR is at hand.
module: module-deps
	@kdir='$(KDIR)'; \
	if [ -z "$$kdir" ] && [ -f $(MODULE_HOST_KDIR)/Makefile ]; then kdir=$(MODULE_HOST_KDIR); fi; \
	if [ -z "$$kdir" ]; then \
		sh vm/fetch.sh 6.1 $(VM_CACHE) >&2 && kdir=$$(. $(VM_CACHE)/6.1/kernel.env && echo "$$KDIR"); \
	fi; \
	[ -n "$$kdir" ] || exit 1; \
	echo "nslab: module: building against $$kdir"; \
	$(MAKE) -C "$$kdir" M=$(CURDIR) modules

# A VM kernel's build happens in a tree of its own (symlinks to the sources),
# so kernels do not rebuild each other's objects and `make module` in the
# source tree is left alone; flock keeps two runs for one kernel apart.
MODULE_VM_TREE = build/module/$(KERNEL)

# A kernel whose headers were configured with another major gcc than the
# host's (sid's want gcc-16, bookworm has gcc-12) gets no module: kbuild would
# pass the newer compiler's flags.  The reason goes to nscount.skip instead,
# which the guest's module entry reports as its one skip.
MODULE_VM_OUT = $(VM_DIR)/$(KERNEL)

module-vm: module-deps
	@sh vm/fetch.sh $(KERNEL) $(VM_CACHE) >&2
	@mkdir -p $(MODULE_VM_TREE) $(MODULE_VM_OUT)
	@rm -f $(MODULE_VM_OUT)/nscount.ko $(MODULE_VM_OUT)/nscount.ko.xz $(MODULE_VM_OUT)/nscount.skip
	@find $(MODULE_VM_TREE) -maxdepth 1 -xtype l -delete
	@for f in $(MODULE_SRCS); do ln -sf $(CURDIR)/$$f $(MODULE_VM_TREE)/; done
	@kdir=$$(. $(VM_CACHE)/$(KERNEL)/kernel.env && echo "$$KDIR") && \
	kcc=$$(sed -n 's/^CONFIG_GCC_VERSION=\([0-9]*\)$$/\1/p' "$$kdir/.config") && \
	hcc=$$($(CC) -dumpversion | cut -d. -f1) && \
	if [ "$$(( $${kcc:-0} / 10000 ))" != "$$hcc" ]; then \
		echo "no nscount.ko for $(KERNEL): its headers want $$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\(.*\)"$$/\1/p' "$$kdir/.config"), the host's $(CC) is gcc $$hcc" | \
			tee $(MODULE_VM_OUT)/nscount.skip; \
	else \
		echo "nslab: module: building for $(KERNEL) against $$kdir" && \
		flock $(MODULE_VM_TREE)/.lock $(MAKE) -C "$$kdir" M=$(CURDIR)/$(MODULE_VM_TREE) modules && \
		cp $(MODULE_VM_TREE)/nscount.ko $(MODULE_VM_OUT)/nscount.ko && \
		: compressed as kbuild modules_install does, for the test of loading one && \
		xz --check=crc32 --lzma2=dict=1MiB -c $(MODULE_VM_TREE)/nscount.ko > $(MODULE_VM_OUT)/nscount.ko.xz; \
	fi

vm-run: module-vm

module-lint: module-deps
	@sh module/lint.sh $(VM_CACHE) $(MODULE_SRCS)

module-clean:
	rm -f module/*.o module/*.ko module/*.mod module/*.mod.c module/.*.cmd \
		module/modules.order Module.symvers modules.order .module-common.o .*.cmd

test-bins: $(MODTEST_BIN)

# On a host without module support every test but the one about that message
# skips, naming the reason; the suite runs for real in the VM.
.PHONY: module-test
module-test:
	NSLAB=$(abspath $(NSLAB)) $(MODTEST_BIN) --verbose --jobs 1

# It calls the libkmod code in-process (userspace/kmod), as nslab-kmod does.
$(MODTEST_BIN): $(call obj,$(MODTEST_SRCS) $(HELP_SRCS) $(KMOD_SRCS)) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CR_LIBS) $(KMOD_LIBS)
