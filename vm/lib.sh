# SPDX-License-Identifier: GPL-2.0
# Shared by the vm/ scripts (sourced, POSIX sh).

die() {
	echo "nslab: vm: $*" >&2
	exit 1
}

vmdir=$(cd "$(dirname "$0")" && pwd)

known_kernels() {
	awk '!/^[[:space:]]*(#|$)/ { printf "%s%s", sep, $1; sep = " " }' "$vmdir/kernels.conf"
}

# Sets k_suite and k_image_meta for kernel $1.
kernel_lookup() {
	# shellcheck disable=SC2046 # two words wanted
	set -- $(awk -v k="$1" '!/^[[:space:]]*#/ && $1 == k { print $2, $3 }' "$vmdir/kernels.conf")
	[ $# -eq 2 ] || return 1
	# shellcheck disable=SC2034 # used by the scripts that source this
	k_suite=$1 k_image_meta=$2
}

# A typo must not silently boot the default: fail naming the known ones.
kernel_require() {
	kernel_lookup "$1" || {
		echo "nslab: vm: unknown KERNEL '$1'; known: $(known_kernels)" >&2
		exit 2
	}
}

# papt apt-get|apt-cache ARGS...: apt against the private state in $apt_dir
# (fetch.sh lays it out), never the host's.  Also used by module/lint.sh.
# shellcheck disable=SC2154 # apt_dir is the caller's
papt() {
	cmd=$1
	shift
	"$cmd" -q \
		-o Dir::State="$apt_dir" -o Dir::State::status="$apt_dir/status" \
		-o Dir::Cache="$apt_dir" -o Dir::Etc::SourceList="$apt_dir/sources.list" \
		-o Dir::Etc::SourceParts="$apt_dir/parts" \
		-o Dir::Etc::PreferencesParts="$apt_dir/parts" \
		-o Dir::Etc::Preferences="$apt_dir/preferences" \
		-o APT::Architecture=amd64 -o APT::Architectures=amd64 \
		-o APT::Sandbox::User="$(id -un)" "$@"
}
