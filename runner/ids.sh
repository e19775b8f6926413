# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=sh
# Sourced by run_tests.sh and mutate/run.sh: test ids. An id is the
# group, then the harness's name of the test, whose "global." (a plain
# TEST) becomes the group name: split.user_top_matches_task_size_rule,
# oom.memcg.kmsg_names_the_victim.

# test_id GROUP: the harness's names on stdin, as ids on stdout.
test_id() {
	sed -e "s/^global\./$1./" -e "t" -e "s/^/$1./"
}

# harness_filters GROUP ID...: the harness arguments ("-r NAME") that run
# only these tests of GROUP (ids of other groups are left out). The
# kselftest harness of 6.12 and later knows -r; an older one ignores it
# and runs every test of the group.
harness_filters() {
	hf_group=$1
	shift
	for hf_id in "$@"; do
		case $hf_id in
		"$hf_group".*) ;;
		*) continue ;;
		esac
		hf_id=${hf_id#"$hf_group".}
		case $hf_id in
		*.*) printf ' -r %s' "$hf_id" ;;
		*) printf ' -r global.%s' "$hf_id" ;;
		esac
	done
}
