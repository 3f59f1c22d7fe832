# SPDX-License-Identifier: GPL-2.0
#
# nsbench (bench/).  Included by the top-level Makefile.
#
#   make                 builds $(O)/nsbench beside nslab (static, like nslab)
#   make bench           a standard run: build/bench/report.{json,md,svg}, and
#                        build/bench/check.md: nsbench's stability and its
#                        agreement with crosscheck (bench/check.sh)
#
# The statistics, parsers and report writers (libc, json-c) are also linked
# into the unit tests (tests/unit/nsbench_test.c).

NSBENCH        := $(O)/nsbench
CROSSCHECK     := $(O)/crosscheck
NSBENCH_LIB    := bench/stats.c bench/report.c
NSBENCH_SRCS   := bench/nsbench.c bench/ops.c bench/kview.c bench/scaling.c bench/peers.c \
                  bench/plot.c $(NSBENCH_LIB)
BENCH_DIR      := build/bench

.PHONY: bench

bins: $(NSBENCH) $(CROSSCHECK)

# Same link as nslab's, for the same reason (libnl's NSS warnings dropped);
# libnl-genl is there for the nscount counters.
$(NSBENCH): $(call obj,$(NSBENCH_SRCS)) $(LIB)
	$(call link-nslab,-lm)

# Apart from nsbench on purpose: it checks nsbench, so it shares none of its code.
$(CROSSCHECK): $(call obj,bench/crosscheck.c)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^

$(UNIT_BIN): $(call obj,$(NSBENCH_LIB))
$(UNIT_BIN): CR_LIBS += -lm

bench: bins rootfs
	@sh userspace/deps.sh gnuplot-nox runc crun bubblewrap
	@mkdir -p $(BENCH_DIR)
	$(NSBENCH) --matrix --workers 1,2,4 --population --compare --nslab $(NSLAB) \
		--report $(BENCH_DIR)
	sh bench/check.sh $(NSBENCH) $(CROSSCHECK) $(BENCH_DIR)/check >$(BENCH_DIR)/check.md
	@cat $(BENCH_DIR)/check.md
