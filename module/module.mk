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

module-vm: module-deps
	@sh vm/fetch.sh $(KERNEL) $(VM_CACHE) >&2
	@mkdir -p $(MODULE_VM_TREE)
	@find $(MODULE_VM_TREE) -maxdepth 1 -xtype l -delete
	@for f in $(MODULE_SRCS); do ln -sf $(CURDIR)/$$f $(MODULE_VM_TREE)/; done
	@kdir=$$(. $(VM_CACHE)/$(KERNEL)/kernel.env && echo "$$KDIR") && \
	echo "nslab: module: building for $(KERNEL) against $$kdir" && \
	flock $(MODULE_VM_TREE)/.lock $(MAKE) -C "$$kdir" M=$(CURDIR)/$(MODULE_VM_TREE) modules
	@mkdir -p $(VM_DIR)/$(KERNEL)
	cp $(MODULE_VM_TREE)/nscount.ko $(VM_DIR)/$(KERNEL)/nscount.ko
	@# compressed as kbuild's modules_install does, for the test of loading one
	xz --check=crc32 --lzma2=dict=1MiB -c $(MODULE_VM_TREE)/nscount.ko > $(VM_DIR)/$(KERNEL)/nscount.ko.xz

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
