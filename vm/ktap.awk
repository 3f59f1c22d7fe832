# SPDX-License-Identifier: GPL-2.0
# awk -f ktap.awk -v kernel=NAME -v summary=FILE results.tap...
#
# Judges what the guests' inits wrote to their result ports, one file per VM:
# top-level KTAP, one result per suite, each suite's own TAP nested 4 spaces
# in (Criterion's TAP has no test numbers and a YAML block after failures).
# Prints the results, every failure by name and `N passed, N failed, N
# skipped`; exits 0 only when nothing failed and every VM reported all it
# planned and its end marker.
# Writes one line per suite to FILE (name status passed failed skipped) for
# the kernel x suite table of `make vm-test-all`, and a "guest" line for
# failures of the run itself.

function fail(why) {
	failed++
	failures[++nfail] = why
}

# A suite's name comes after its nested results: hold its failures till then.
function fail_nested(why) {
	failed++
	pending[++npending] = why
}

function name_pending(name,    i) {
	for (i = 1; i <= npending; i++)
		failures[++nfail] = name ": " pending[i]
	npending = 0
}

# A test line's description: drop "ok N -", Criterion's "(0.12s)" and the
# directive.
function describe(line) {
	sub(/^[[:space:]]*(not )?ok[[:space:]]*[0-9]*[[:space:]]*(-[[:space:]]*)?/, "", line)
	sub(/[[:space:]]*#.*/, "", line)
	sub(/[[:space:]]*\([0-9.]+s\)[[:space:]]*$/, "", line)
	return line
}

function is_skip(line) {
	return line ~ /#[[:space:]]*[Ss][Kk][Ii][Pp]/
}

function close_suite(line, name, ok,    why) {
	ok = line !~ /^not ok/
	name_pending(name)
	running = ""
	if (!s_results) {
		# No nested results (a cmd entry, or a suite that died before
		# writing its TAP): the top-level line is the result.
		if (!ok) {
			why = line
			sub(/^[^#]*#[[:space:]]*/, "", why)
			fail(name ": " why)
			s_failed++
		} else if (is_skip(line)) {
			skipped++; s_skipped++
		} else {
			passed++; s_passed++
		}
	} else {
		if (s_plan >= 0 && s_plan != s_results) {
			fail(name ": planned " s_plan " tests, reported " s_results)
			s_failed++
		}
		if (!ok && !s_failed) {
			why = line
			sub(/^[^#]*#[[:space:]]*/, "", why)
			fail(name ": " why)
			s_failed++
		}
	}
	if (summary != "")
		printf "%s %s %d %d %d\n", name, (ok && !s_failed) ? "ok" : "FAIL",
			s_passed, s_failed, s_skipped > summary
	reported++
	s_plan = -1; s_results = s_passed = s_failed = s_skipped = 0; in_yaml = 0
}

# The checks on one VM's document as a whole.
function end_doc(    where) {
	where = shard != "" ? "shard " shard ": " : ""
	if (running != "") {
		name_pending(running)
		fail(running ": did not finish")
	}
	if (plan < 0) {
		fail(where "the guest reported no plan: it did not start (see the console)"); infra++
	} else if (reported != plan) {
		fail(where "the guest reported " reported " of " plan " suites"); infra++
	}
	if (!marker) {
		fail(where "no end marker: the guest panicked, hung or its init died (see the console)"); infra++
	}
}

function start_doc() {
	plan = -1; s_plan = -1; reported = marker = 0; running = shard = ""
	s_results = s_passed = s_failed = s_skipped = 0; in_yaml = 0
}

FNR == 1 {
	if (NR > 1)
		end_doc()
	start_doc()
}

{ print }

/^# shard: / { shard = $3; next }
/^# suite: / { running = $3; next }
/^Bail out!/ { fail("guest bailed out: " substr($0, 11)); infra++; next }
$0 == "# nslab-vm: done" { marker = 1; next }
/^1\.\.[0-9]+/ { plan = substr($1, 4) + 0; next }
/^(not )?ok [0-9]+ / { close_suite($0, $1 == "not" ? $4 : $3); next }

# Nested: the current suite's own TAP.
/^    / {
	line = substr($0, 5)
	if (in_yaml) {
		if (line ~ /^  \.\.\.[[:space:]]*$/) in_yaml = 0
		next
	}
	if (line ~ /^  ---[[:space:]]*$/) { in_yaml = 1; next }
	if (line ~ /^1\.\.[0-9]+/) { s_plan = substr(line, 4) + 0; next }
	if (line ~ /^(not )?ok([[:space:]]|$)/) {
		s_results++
		if (line ~ /^not ok/ && !is_skip(line)) {
			fail_nested(describe(line))
			s_failed++
		} else if (is_skip(line)) {
			skipped++; s_skipped++
		} else {
			passed++; s_passed++
		}
	}
}

END {
	if (NR == 0)
		start_doc()
	end_doc()
	if (summary != "" && infra)
		printf "guest FAIL 0 %d 0\n", infra > summary
	print ""
	for (i = 1; i <= nfail; i++)
		printf "FAIL [%s] %s\n", kernel, failures[i]
	printf "%d passed, %d failed, %d skipped\n", passed, failed, skipped
	exit failed ? 1 : 0
}
