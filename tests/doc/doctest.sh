#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# doctest.sh FILE...
#
# Runs every ```sh block of each FILE as a reader would paste it into a root
# shell at the top of the repository (bash -eu, or sh where there is no bash
# as in the VM guest; `nslab` and `nsbench` being $NSLAB and $NSBENCH, else
# the ones built in build/; a command of its own on each line, since -e does
# not see the failure of an && list's first command), one after the other,
# and says TAP: a block that fails, runs over its time (120 s), shows other
# output than its page says, or leaves a container, or a link or network
# namespace file that it names, behind is not ok.  Blocks fenced otherwise
# (the CLI's synopsis, the two top-level make commands that CI runs itself)
# are shown only.  The VM guest runs docs/lab.md too (vm/suites.conf).
#
# Fences:
#   ```sh                  run it
#   ```sh needs=A,B        run it where A and B hold, else skip it saying why:
#                          module     nscount can be loaded here and is not yet
#                          ip-netns   ip has a netns command (iproute2's; not busybox's)
#   ```output              right after a sh block (blank lines between): what
#                          it prints, stdout and stderr together, compared line
#                          by line.  In it:
#                            <N>    a whole number (-?[0-9]+): an inode, a count
#                            <...>  any text, or none, within one line
#                            ...    alone on a line: any lines, or none
#                          a run of blanks matches any run of blanks, and blanks
#                          at the end of a line are ignored; all else is literal.
# A ```sh fence with anything else after it, an unknown need or an output
# block that follows no sh block is an error of the page: not ok.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "1..0 # SKIP needs root (the examples are a root shell's)"; exit 0; }
work=$(mktemp -d /tmp/nslab-doctest-XXXXXX)
# Searchable by all, as /run is: the containers' mapped root reaches its state through it.
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT
mkdir "$work/bin"
ln -s "${NSLAB:-$top/build/nslab}" "$work/bin/nslab"
ln -s "${NSBENCH:-$top/build/nsbench}" "$work/bin/nsbench"
export PATH="$work/bin:$PATH" NSLAB_STATE_DIR="$work/state"
shell=$(command -v bash || echo sh)

# Writes FILE's sh blocks to $work/block.N, the output shown after block N to
# $work/expect.N, and "N FILE:LINE NEEDS" lines to $work/index ("-": none,
# "!": the fence is malformed).
awk -v dir="$work" '
	FNR == 1 { state = ""; last = 0 }
	state != "" && /^```$/ { last = state == "sh" ? n : 0; state = ""; next }
	state == "sh" { print > (dir "/block." n); next }
	state == "out" { print > (dir "/expect." last); next }
	state != "" { next }
	/^```sh/ {
		n++; state = "sh"; needs = "!"
		if ($0 == "```sh") needs = "-"
		else if ($0 ~ /^```sh needs=[a-z0-9-]+(,[a-z0-9-]+)*$/) needs = substr($0, 13)
		print n, FILENAME ":" FNR, needs > (dir "/index")
		printf "" > (dir "/block." n)
		next
	}
	/^```output$/ {
		state = "out"
		if (!last) { print FILENAME ":" FNR ": an output block after no sh block" > "/dev/stderr"; bad = 1 }
		else printf "" > (dir "/expect." last)
		next
	}
	/^```/ { state = "shown"; last = 0; next }
	NF { last = 0 }
	END { exit bad }
' "$@" || { echo "not ok 0 $* # malformed page"; exit 1; }
[ -s "$work/index" ] || { echo "1..0 # SKIP no sh block in $*"; exit 0; }

# Prints why NEED does not hold here; nothing when it does.
lacks() {
	case $1 in
	module)
		if [ ! -e /proc/modules ]; then
			echo "this kernel cannot load modules"
		elif grep -q '^nscount ' /proc/modules; then
			echo "nscount is loaded already (the block loads and unloads it itself)"
		elif ! nslab module status | grep -q ', this kernel$'; then
			echo "no nscount.ko built for this kernel (make module, or NSCOUNT_KO=PATH)"
		fi ;;
	ip-netns) ip netns list > /dev/null 2>&1 || echo "this ip has no netns command (iproute2's has)" ;;
	*) echo "unknown need '$1'"; return 1 ;;
	esac
}

# Exits 0 when the output file on stdin matches the shown output EXPECT, by
# the rules above: m[i, j] says whether shown lines i.. match lines j.. .
matches() {
	awk -v ef="$1" '
		function lit(s,   out, c, i) {
			for (i = 1; i <= length(s); i++) {
				c = substr(s, i, 1)
				if (c == " " || c == "\t") {
					while (substr(s, i + 1, 1) ~ /[ \t]/) i++
					out = out "[ \t]+"
					continue
				}
				if (index("\\^$.[]|()*+?{}", c)) c = "\\" c
				out = out c
			}
			return out
		}
		function pattern(s,   out) {
			out = ""
			while (match(s, /<N>|<\.\.\.>/)) {
				out = out lit(substr(s, 1, RSTART - 1)) (RLENGTH == 3 ? "-?[0-9]+" : ".*")
				s = substr(s, RSTART + RLENGTH)
			}
			return "^" out lit(s) "$"
		}
		BEGIN { while ((getline l < ef) > 0) { sub(/[ \t]+$/, "", l); e[++ne] = l } }
		{ sub(/[ \t]+$/, ""); a[++na] = $0 }
		END {
			m[ne + 1, na + 1] = 1
			for (i = ne; i >= 1; i--) {
				re = e[i] == "..." ? "" : pattern(e[i])
				for (j = na + 1; j >= 1; j--)
					if (e[i] == "...") m[i, j] = m[i + 1, j] || (j <= na && m[i, j + 1])
					else m[i, j] = j <= na && a[j] ~ re && m[i + 1, j + 1]
			}
			exit !m[1, 1]
		}'
}

# What a block must not add to: links, network namespace files, containers.
host_state() {
	ip -o link show | awk -F': ' '{ sub(/@.*/, "", $2); print "link", $2 }'
	ls /run/netns 2>/dev/null | sed 's/^/netns /'
	ls "$NSLAB_STATE_DIR" 2>/dev/null | sed 's/^/container /'
}

# Prints what block N added (host_state's lines in AFTER that are not in
# BEFORE): every container, as NSLAB_STATE_DIR is ours alone, but only the
# links and network namespace files the block names, since other work on this
# machine makes and removes its own meanwhile (a container's veth goes with
# its record, which is counted).
added() {
	awk -v block="$work/block.$1" '
		# Whether the block has NAME as a word of its own.
		function named(name,   t, i) {
			for (t = text; (i = index(t, name)) > 0; t = substr(t, i + length(name)))
				if (substr(t, i - 1, 1) !~ /[A-Za-z0-9_.-]/ &&
				    substr(t, i + length(name), 1) !~ /[A-Za-z0-9_.-]/)
					return 1
			return 0
		}
		BEGIN { while ((getline l < block) > 0) text = text "\n" l "\n" }
		NR == FNR { seen[$0] = 1; next }
		!seen[$0] && $2 != "" && ($1 == "container" || named($2)) { print $2 }
	' "$work/before" "$work/after"
}

# Runs block N and says its TAP line; 0 when it is ok or skipped.
run_block() {
	n=$1 where=$2 needs=$3 why=
	if [ "$needs" = "!" ]; then
		echo "not ok $n $where # the fence is malformed (\`\`\`sh or \`\`\`sh needs=A,B)"
		return 1
	fi
	for need in $(echo "$needs" | tr ',' ' ' | sed 's/^-$//'); do
		why=$(lacks "$need") || { echo "not ok $n $where # $why"; return 1; }
		[ -z "$why" ] || { echo "ok $n $where # SKIP needs $need: $why"; return 0; }
	done
	host_state > "$work/before"
	(cd "$top" && timeout 120 "$shell" -eu "$work/block.$n") < /dev/null > "$work/out" 2>&1
	rc=$?
	host_state > "$work/after"
	if [ "$rc" -ne 0 ]; then
		echo "not ok $n $where # exit $rc"
	elif left=$(added "$n") && [ -n "$left" ]; then
		echo "not ok $n $where # left behind: $(echo "$left" | tr '\n' ' ')"
	elif [ -e "$work/expect.$n" ] && ! matches "$work/expect.$n" < "$work/out"; then
		echo "not ok $n $where # output differs from the page's (shown, then printed):"
		diff -u "$work/expect.$n" "$work/out" | sed 's/^/# /'
		return 1
	else
		echo "ok $n $where"
		return 0
	fi
	sed 's/^/# /' "$work/out"
	return 1
}

echo "1..$(wc -l < "$work/index")"
status=0
while read -r n where needs; do
	run_block "$n" "$where" "$needs" || status=1
done < "$work/index"
exit "$status"
