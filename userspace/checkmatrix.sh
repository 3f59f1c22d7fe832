#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make check-matrix: `nslab check --json` for each runtime, gathered into
# OUT/matrix.json (an array of their documents) and OUT/matrix.md (runtimes
# x check families: fail when any check of the family failed, else pass when
# one passed, else n/a or skip).  A runtime that is not installed is a row
# saying so.  usage: checkmatrix.sh NSLAB OUT RUNTIME...
set -u
nslab=$1 out=$2
shift 2
mkdir -p "$out"

# The verdict of each family of a document, "family verdict" a line, in order.
families() {
	sed -n 's/^ *"\(family\|verdict\)" *: *"\([^"]*\)".*/\2/p' "$1" | paste - - |
	awk '{ if (!($1 in v)) { order[n++] = $1; v[$1] = $2 }
	       else if ($2 == "fail" || (v[$1] != "fail" && $2 == "pass")) v[$1] = $2 }
	     END { for (i = 0; i < n; i++) print order[i], v[order[i]] }'
}

header= rows= sep='['
printf '' >"$out/matrix.json"
for rt in "$@"; do
	doc=$out/$rt.json
	if ! "$nslab" check --runtime "$rt" --json >"$doc" 2>"$out/$rt.err" && [ ! -s "$doc" ]; then
		rows="$rows| $rt | $(tr '\n' ' ' <"$out/$rt.err")|
"
		continue
	fi
	printf '%s\n' "$sep" >>"$out/matrix.json" && cat "$doc" >>"$out/matrix.json" && sep=,
	[ -n "$header" ] || header=$(families "$doc" | awk '{ printf " %s |", $1 }')
	rows="$rows| $rt |$(families "$doc" | awk '{ printf " %s |", $2 }')
"
done
[ "$sep" = , ] && echo ']' >>"$out/matrix.json"
{
	echo "| runtime |$header"
	echo "| --- |$(echo "$header" | sed 's/[^|]*|/ --- |/g')"
	printf '%s' "$rows"
} >"$out/matrix.md"
cat "$out/matrix.md"
echo "(per check: $out/RUNTIME.json, all: $out/matrix.json)"
