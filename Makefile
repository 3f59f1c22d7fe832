# SPDX-License-Identifier: GPL-2.0
#
# nslab top-level build.  Variants share this file and differ only in the
# output directory O and the extra flags:
#   build/        release build (make, make install)
#   build/test/   fault injection compiled in (make test, make vm-test)
#   build/asan/   fault injection + AddressSanitizer/UBSan (make asan-test)

O        ?= build
ROOTFS   := build/rootfs
# A small Debian image (bash, coreutils, dpkg) for the tests of the idmapped root.
DEB_ROOTFS := build/debian-rootfs
CC       ?= cc
PREFIX   ?= /usr/local
LIBEXEC  := $(PREFIX)/libexec/nslab

PKGS     := libnl-3.0 libnl-route-3.0 libnl-genl-3.0 libseccomp json-c libkmod criterion
OPTFLAGS ?= -O2 -g
# Every C program of the tree (nslab, the probe, nsbench, the suites) builds with these.
WARNINGS := -Wall -Wextra -Wshadow -Wmissing-prototypes -Werror
# -Wformat-truncation cannot see the bounds we enforce on path parts (a cgroup
# mount point and a container's cgroup path are each capped at 1 KiB), so it
# is off; paths that could otherwise truncate are checked where they are built.
CFLAGS   += $(OPTFLAGS) -std=gnu11 $(WARNINGS) -Wno-format-truncation -D_GNU_SOURCE \
            -Iuserspace/lib -Iuserspace/kmod -Imodule -Itests/helpers \
            -DNSLAB_DEFAULT_ROOTFS='"$(abspath $(ROOTFS))"' \
            -DNSLAB_DEBIAN_ROOTFS='"$(abspath $(DEB_ROOTFS))"' \
            -DNSLAB_MKDEBROOT='"$(abspath userspace/mkdebroot.sh)"' \
            -DNSLAB_LIBEXEC_DIR='"$(LIBEXEC)"' \
            $(VARIANT_CFLAGS)
LDFLAGS  += -Wl,--as-needed $(VARIANT_LDFLAGS)

# Debian packages the build, the tests and the VM harness need.  `make deps`
# installs the missing ones as root and names them otherwise.
DEB_PKGS := gcc make pkg-config libcriterion-dev libnl-3-dev libnl-route-3-dev \
            libnl-genl-3-dev libseccomp-dev libjson-c-dev busybox-static iproute2 util-linux \
            libcap2-bin golang-github-containers-common scdoc man-db uidmap libkmod-dev \
            bubblewrap runc podman

LIB_SRCS   := $(wildcard userspace/lib/*.c)
CLI_SRCS   := $(wildcard userspace/cli/*.c)
PROBE_SRCS := $(wildcard userspace/probe/*.c)
UNIT_SRCS  := $(wildcard tests/unit/*.c)
CONF_SRCS  := $(wildcard tests/conformance/*.c)
HELP_SRCS  := $(wildcard tests/helpers/*.c)

obj = $(patsubst %.c,$(O)/obj/%.o,$(1))

LIB        := $(O)/libnslab.a
NSLAB      := $(O)/nslab
# `nslab module`'s work through libkmod, in a helper of its own: Debian ships
# no static libkmod.  nslab execs it from its own directory, else $(LIBEXEC).
KMOD_SRCS  := $(filter-out %/nslab-kmod.c,$(wildcard userspace/kmod/*.c))
NSLAB_KMOD := $(O)/nslab-kmod
# The probe is built once, static, and shipped inside the default rootfs.
PROBE_BIN  := build/nslab-probe
UNIT_BIN   := $(O)/tests/unit
CONF_BIN   := $(O)/tests/conformance

PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs libnl-3.0 libnl-route-3.0 libnl-genl-3.0 libseccomp json-c 2>/dev/null)
# nslab itself links statically: the supervisor of every container stays
# near 1 MiB of RSS (2.3 MiB with shared libnl and libc), starts without the
# dynamic loader, and ships into a VM guest as one file.  Sanitizer builds
# cannot be static and set STATIC=.
STATIC    ?= -static
NSLAB_LIBS = $(if $(STATIC),$(STATIC) $(shell pkg-config --static --libs libnl-route-3.0 libnl-genl-3.0 libseccomp json-c 2>/dev/null),$(PKG_LIBS))
CR_LIBS    = $(shell pkg-config --libs criterion 2>/dev/null)
KMOD_LIBS  = $(shell pkg-config --libs libkmod 2>/dev/null)

# The man pages (scdoc) and the bash completion do not depend on the variant:
# like the rootfs they are made once, in build/.  Both take the release from
# version.h and the capability names from caps.c's table, which stay the one
# place each is written.
MAN_DIR    := build/man
MAN_PAGES  := $(patsubst docs/man/%.scd,$(MAN_DIR)/%,$(wildcard docs/man/*.scd))
COMPLETION := build/completions/nslab.bash
VERSION    := $(shell sed -n 's/.*define NSLAB_VERSION "\(.*\)"/\1/p' userspace/lib/version.h)
CAP_NAMES  := $(shell sed -n '/names\[\] = {/,/^};/p' userspace/lib/caps.c | grep -o '"[A-Z_]*"' | tr -d '"')
empty      :=
space      := $(empty) $(empty)
comma      := ,
# $(call fill,SEPARATOR) writes $< to stdout with @VERSION@ and @CAPS@ (joined by SEPARATOR) filled in.
fill = sed -e 's/@VERSION@/$(VERSION)/g' -e 's/@CAPS@/$(subst $(space),$(1),$(strip $(CAP_NAMES)))/g' $<

.PHONY: all bins test-bins deps check-deps test doc-test lint-test asan-test unit-test conformance-test check-matrix \
        oci-validation rootfs debian-rootfs man install clean
.DELETE_ON_ERROR:

all: bins rootfs man

man: $(MAN_PAGES) $(COMPLETION)

$(MAN_DIR)/%: docs/man/%.scd userspace/lib/version.h userspace/lib/caps.c | check-deps
	@mkdir -p $(dir $@)
	$(call fill,$(comma)$(space)) | scdoc >$@

$(COMPLETION): completions/nslab.bash.in userspace/lib/version.h userspace/lib/caps.c
	@mkdir -p $(dir $@)
	$(call fill,$(space)) >$@

bins: $(NSLAB) $(NSLAB_KMOD)

test-bins: bins $(UNIT_BIN) $(CONF_BIN)

rootfs: $(ROOTFS)/.built

$(ROOTFS)/.built: userspace/mkrootfs.sh $(PROBE_BIN)
	PROBE=$(PROBE_BIN) sh userspace/mkrootfs.sh $(ROOTFS)

# Built by the tests on first use as well (they skip where apt cannot download).
debian-rootfs: $(DEB_ROOTFS)/.built

$(DEB_ROOTFS)/.built: userspace/mkdebroot.sh
	sh userspace/mkdebroot.sh $(DEB_ROOTFS)

# It links no library: of userspace/lib it takes two headers, N_ELEMENTS and the namespace table.
$(PROBE_BIN): $(PROBE_SRCS) userspace/probe/probe.h userspace/lib/util.h userspace/lib/ns.h
	@mkdir -p $(dir $@)
	$(CC) -O2 -g -std=gnu11 $(WARNINGS) -D_GNU_SOURCE -Iuserspace/lib -static -o $@ $(PROBE_SRCS)

# A fresh machine fails here, naming what to install, rather than at the first missing header.
$(O)/obj/%.o: %.c | check-deps
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -MMD -MP -c -o $@ $<

$(LIB): $(call obj,$(LIB_SRCS))
	@mkdir -p $(dir $@)
	rm -f $@ && $(AR) rcs $@ $^

# glibc's linker warns that libnl's name lookups (getaddrinfo, getprotobyname)
# need NSS at run time; nslab never calls them, so those lines are dropped.
# $(call link-nslab,EXTRA_LIBS) links $@ from $^ as nslab is linked.
link-nslab = $(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(NSLAB_LIBS) $(1) 2>$@.ld; status=$$?; \
	grep -v -e 'statically linked applications requires' -e 'libnl-3.a(.*): in function' $@.ld >&2; \
	rm -f $@.ld; exit $$status

$(NSLAB): $(call obj,$(CLI_SRCS)) $(LIB)
	$(call link-nslab)

$(NSLAB_KMOD): $(call obj,userspace/kmod/nslab-kmod.c userspace/cli/error.c $(KMOD_SRCS)) $(LIB)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(KMOD_LIBS)

$(UNIT_BIN): $(call obj,$(UNIT_SRCS) $(HELP_SRCS)) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CR_LIBS)

$(CONF_BIN): $(call obj,$(CONF_SRCS) $(HELP_SRCS)) $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CR_LIBS)

deps:
	@sh userspace/deps.sh $(DEB_PKGS)

check-deps:
	@sh userspace/deps.sh --check $(DEB_PKGS)

# The suites run against the fault-injection build; NSLAB tells them which
# binary to drive.  --verbose lists every test by name (the check IDs) and
# every skip with its reason.  Conformance tests are serial: several of them
# compare the host's global state (mountinfo, /run/nslab) before and after a run.
test: deps lint-test all
	$(MAKE) O=build/test VARIANT_CFLAGS=-DNSLAB_FAULT_INJECTION test-bins
	$(MAKE) O=build/test unit-test conformance-test module-test doc-test

# AddressSanitizer and UBSan, without LeakSanitizer: a process that has
# entered another user namespace (nslab exec) cannot stop its own threads
# for the leak scan, and LeakSanitizer then spins for ever at exit.
asan-test: deps rootfs man
	$(MAKE) O=build/asan STATIC= OPTFLAGS='-O1 -g -fno-omit-frame-pointer' \
		VARIANT_CFLAGS='-DNSLAB_FAULT_INJECTION -fsanitize=address,undefined -fno-sanitize-recover=all' \
		VARIANT_LDFLAGS='-fsanitize=address,undefined' test-bins
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		$(MAKE) O=build/asan unit-test conformance-test module-test

unit-test:
	NSLAB=$(abspath $(NSLAB)) $(UNIT_BIN) --verbose --jobs 2

# No function of the library or the CLI over 60 lines (tests/lint/funclen.sh).
lint-test:
	sh tests/lint/funclen.sh

# Every ```sh block of the README and docs/, run as a reader would, its output
# checked against the page's (tests/doc/doctest.sh); first the runner's own
# test, that it fails on output that differs.
doc-test:
	sh tests/doc/selftest.sh
	NSLAB=$(abspath $(NSLAB)) NSBENCH=$(abspath $(NSBENCH)) \
		sh tests/doc/doctest.sh README.md $(wildcard docs/*.md)

conformance-test:
	NSLAB=$(abspath $(NSLAB)) $(CONF_BIN) --verbose --jobs 1

# runtime-tools' validation suite, the OCI runtime conformance tests, against
# RUNTIME (default: this build's nslab); RUNTIME_TOOLS is a checkout of
# opencontainers/runtime-tools, built offline from its vendor/ tree.  Not part
# of `make test`: it needs that checkout and Go >= 1.21.
oci-validation:
	@test -n "$(RUNTIME_TOOLS)" || { echo 'usage: make oci-validation RUNTIME_TOOLS=DIR [RUNTIME=path]' >&2; exit 2; }
	$(if $(RUNTIME),,$(MAKE) bins)
	sh tests/oci-validation/run.sh $(RUNTIME_TOOLS) $(or $(RUNTIME),$(abspath $(NSLAB)))

# nslab check's verdicts for each runtime of this host, by check family:
# build/check-matrix/matrix.md and matrix.json (root: the runtimes need it).
# The engines where installed: podman on its own OCI runtime and on runc,
# docker (its row says so when no daemon answers).
CHECK_RUNTIMES ?= nslab nslab-run runc bwrap unshare $(if $(shell command -v podman),podman podman+runc) \
		  $(if $(shell command -v docker),docker)
check-matrix: bins rootfs
	sh userspace/checkmatrix.sh $(abspath $(NSLAB)) build/check-matrix $(CHECK_RUNTIMES)

install: all
	install -D -m 0755 $(NSLAB) $(DESTDIR)$(PREFIX)/bin/nslab
	install -D -m 0755 $(NSLAB_KMOD) $(DESTDIR)$(LIBEXEC)/nslab-kmod
	install -D -m 0755 $(NSBENCH) $(DESTDIR)$(PREFIX)/bin/nsbench
	install -d $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 0644 $(MAN_PAGES) $(DESTDIR)$(PREFIX)/share/man/man1
	install -D -m 0644 $(COMPLETION) $(DESTDIR)$(PREFIX)/share/bash-completion/completions/nslab

clean:
	rm -rf build

-include vm/vm.mk
-include module/module.mk
-include bench/bench.mk
-include $(shell find $(O)/obj -name '*.d' 2>/dev/null)
