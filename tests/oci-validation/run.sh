#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs the OCI runtime conformance suite of opencontainers/runtime-tools
# (its validation/ directory) against one runtime, and summarises it.
#
#   run.sh RUNTIME_TOOLS [RUNTIME]
#
# RUNTIME_TOOLS is a checkout of runtime-tools (it is only read: its vendor/
# tree builds it offline); RUNTIME is the runtime to test (default: nslab
# beside this tree's build, build/nslab).  Needs Go >= 1.21 (GO=, else `go`,
# else Debian's /usr/lib/go-1.2x), root, and a free state root for the
# runtime (nslab honours NSLAB_STATE_DIR).
#
# Writes, under OUT (default build/oci-validation/NAME, NAME the runtime's
# file name):
#   tap/TEST.tap, tap/TEST.err   each test's TAP (stdout) and its stderr
#   tap/TEST.calls               each call of the runtime the test made, with
#                                the runtime's stderr and a failure's status
#   tap/TEST.create-PID.json     the config.json of each create
#   summary.txt                  one line per test: name, PASS/FAIL/SKIP,
#                                and for a failure its first failing assertion
# and prints the summary, closing with "N passed, N failed, N skipped".
# A test passes when it exits 0 and reports no failure (see verdict); it is
# skipped when every assertion it made was a SKIP.  Exits 0 once every test ran,
# whatever they found: the summary is the result.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: $0 RUNTIME_TOOLS [RUNTIME]" >&2; exit 2; }
rt=$(cd "$1" && pwd)
runtime=${2:-$top/build/nslab}
case $runtime in */*) runtime=$(cd "$(dirname "$runtime")" && pwd)/$(basename "$runtime") ;;
	*) runtime=$(command -v "$runtime") || { echo "$0: no runtime '$2'" >&2; exit 2; } ;;
esac
[ -x "$runtime" ] || { echo "$0: $runtime is not executable" >&2; exit 2; }
[ -d "$rt/validation" ] && [ -d "$rt/vendor" ] ||
	{ echo "$0: $rt is not a runtime-tools checkout (no validation/ and vendor/)" >&2; exit 2; }
out=${OUT:-$top/build/oci-validation/$(basename "$runtime")}
bin=$top/build/oci-validation/bin
# Seconds one test may take; the suite's own waits are 10 s per container.
TEST_TIMEOUT=${TEST_TIMEOUT:-300}

find_go() {
	for g in ${GO:-} $(command -v go) /usr/lib/go-1.2[1-9]/bin/go; do
		[ -x "$g" ] || continue
		minor=$("$g" env GOVERSION | sed -n 's/^go1\.\([0-9]*\).*/\1/p')
		[ "${minor:-0}" -ge 21 ] && { echo "$g"; return 0; }
	done
	echo "$0: Go >= 1.21 is needed (Debian 12: apt-get install -t bookworm-backports golang-1.23-go)" >&2
	return 1
}

# runtimetest runs inside the containers, so it is static, as upstream's
# Makefile builds it; the tests themselves are ordinary programs.  `go
# install` rewrites a binary only when its sources changed.
build() {
	go=$(find_go)
	mkdir -p "$bin"
	echo "building the validation suite from $rt into $bin" >&2
	(cd "$rt" && export GOFLAGS=-mod=vendor GOTOOLCHAIN=local CGO_ENABLED=1 GOBIN="$bin" &&
		"$go" install -tags "netgo osusergo" -ldflags "-extldflags -static" ./cmd/runtimetest &&
		"$go" install ./validation/...)
}

# The tests, by name: every directory of validation/ but the shared util/.
tests() {
	for d in "$rt"/validation/*/; do
		t=$(basename "$d")
		[ "$t" = util ] || echo "$t"
	done
}

# The suite finds runtimetest and rootfs-ARCH.tar.gz in its working
# directory.  It runs the runtime through run/runtime, which logs each call
# (its arguments, its stderr, a failure's exit status) to tap/TEST.calls: a
# failing test's cause is a runtime's error the suite itself rarely prints.
# Where the suite gives the runtime a file as stderr (create's, which the
# container keeps), the log copies what the runtime wrote there once it has
# exited: a pipe through tee would reach that file only after the suite
# read it.
prepare_rundir() {
	rm -rf "$out"
	mkdir -p "$out/tap" "$out/run"
	cp "$bin/runtimetest" "$out/run/"
	for f in "$rt"/rootfs-*.tar.gz; do ln -s "$f" "$out/run/"; done
	cat >"$out/run/runtime" <<-'EOF'
	#!/bin/bash
	printf '+ runtime %s\n' "$*" >>"$OCI_VALIDATION_LOG"
	if [ "$1" = create ]; then
		b=.; prev=
		for a; do [ "$prev" = --bundle ] && b=$a; prev=$a; done
		keep=${OCI_VALIDATION_LOG%.calls}.create-$$.json
		cp "$b/config.json" "$keep" && echo "  config.json kept as $keep" >>"$OCI_VALIDATION_LOG"
	fi
	err=$(readlink /proc/self/fd/2)
	if [ -f "$err" ]; then
		before=$(stat -c %s "$err")
		"$OCI_VALIDATION_RUNTIME" "$@"
		rc=$?
		tail -c +$((before + 1)) "$err" >>"$OCI_VALIDATION_LOG"
	else
		"$OCI_VALIDATION_RUNTIME" "$@" 2> >(tee -a "$OCI_VALIDATION_LOG" >&2)
		rc=$?
	fi
	[ $rc = 0 ] || echo "= exit $rc" >>"$OCI_VALIDATION_LOG"
	exit $rc
	EOF
	chmod +x "$out/run/runtime"
}

run_one() {
	(cd "$out/run" && export RUNTIME="$out/run/runtime" OCI_VALIDATION_RUNTIME="$runtime" \
		OCI_VALIDATION_LOG="$out/tap/$1.calls" && timeout -k 10 "$TEST_TIMEOUT" "$bin/$1" \
		>"$out/tap/$1.tap" 2>"$out/tap/$1.err" </dev/null) && echo 0 || echo $?
}

# PASS, FAIL or SKIP, then why ($3: first_error's line).  The suite's tests
# say "failed" three ways: a "not ok" (told with the "stderr", else the
# "error", of its YAML diagnostic, where the runtime's own message is), a
# non-zero exit, or, in the hook tests, an "error" diagnostic and no
# assertion at all ("1..0").  A test that asserts nothing and reports no
# error passed: the *_fail tests do that when the runtime refused what it
# had to refuse.
verdict() {
	awk -v rc="$2" -v err="$3" -v limit="$TEST_TIMEOUT" '
		function value(line) {
			sub(/^[^:]*: "/, "", line); sub(/",?$/, "", line); sub(/\\n.*/, "", line)
			return line
		}
		/^not ok/ && !notok { notok = $0; inblock = 1; next }
		/^ok/ { ok++; if (/# *SKIP/) { skip++; if (!why) why = $0 } }
		/^  \.\.\./ { inblock = 0 }
		inblock && /^    "stderr": "/ && !st { st = value($0) }
		inblock && /^    "error": "/ && !er { er = value($0) }
		/^    "error": "/ && !diag { diag = value($0) }
		/^    "stderr": "/ && !gst { gst = value($0) }
		END {
			detail = st ? st : er ? er : err
			if (notok) print "FAIL\t" notok (detail ? " [" detail "]" : "")
			else if (rc == 124) print "FAIL\ttimed out after " limit "s: " err
			else if (rc != 0) print "FAIL\texit " rc ": " err
			else if (!ok && diag) print "FAIL\t" diag (gst ? " [" gst "]" : "")
			else if (ok && ok == skip) { sub(/.*# *SKIP */, "", why); print "SKIP\t" why }
			else if (!ok) print "PASS\tno error reported (this test reports only errors)"
			else print "PASS\t" ok " ok, " skip + 0 " skipped"
		}' "$out/tap/$1.tap"
}

# The first line of a test's stderr that is the runtime's (or the test's)
# own, not one of the suite's wrappers around it; where there is none (a
# bare "exit status N"), the error of the last runtime call that failed.
first_error() {
	line=$(grep -m1 -v -E '^[[:space:]]*$|^failed to (create|start|delete) the container$|^Clean: |^exit status [0-9]+$' "$1.err" ||
		grep -m1 -v '^[[:space:]]*$' "$1.err" || true)
	case $line in
	"" | "exit status "*)
		awk '/^\+ runtime / { call = substr($0, 3); msg = "" }
			/^[^+= ]/ && msg == "" { msg = $0 }
			/^= exit/ { last = call ": " msg }
			END { if (last) print last }' "$1.calls" 2>/dev/null | grep . || echo "$line" ;;
	*) echo "$line" ;;
	esac
}

summarise() {
	awk -F '\t' '{ n[$2]++ } END {
		printf "%d passed, %d failed, %d skipped\n", n["PASS"], n["FAIL"], n["SKIP"] }' \
		"$out/summary.txt"
}

build
prepare_rundir
echo "running $(tests | wc -l) tests against $runtime; TAP in $out/tap" >&2
for t in $(tests); do
	rc=$(run_one "$t")
	line="$t	$(verdict "$t" "$rc" "$(first_error "$out/tap/$t")")"
	echo "$line" >>"$out/summary.txt"
	echo "$line"
done
summarise
