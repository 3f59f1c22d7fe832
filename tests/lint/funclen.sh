#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Lists every function of the library and the CLI whose body (from the line
# of its opening brace to the line of its closing one) is longer than
# MAX lines, and fails if there is one: the project keeps functions small.
# Kernel style makes this exact: a function's braces alone on their lines at
# column 0, nothing else's.
MAX=${FUNCLEN_MAX:-60}
cd "$(dirname "$0")/../.." || exit 2
awk -v max="$MAX" '
	FNR == 1 { sig = "" }
	/^[A-Za-z_].*\(/ { sig = $0 }
	/^\{$/ { start = FNR; name = sig }
	/^\}$/ && start {
		len = FNR - start + 1
		if (len > max) {
			gsub(/__attribute__\(\([^)]*\)\)/, "", name)
			sub(/\(.*/, "", name)
			n = split(name, w, /[ *]+/)
			printf "%s:%d: %s: %d lines (at most %d)\n", FILENAME, start, w[n], len, max
			bad = 1
		}
		start = 0
	}
	END { exit bad }
' userspace/lib/*.c userspace/cli/*.c
