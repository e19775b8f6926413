# SPDX-License-Identifier: GPL-2.0
#
# result.txt for LAVA (Linaro test-definitions' "test_case_id result"
# lines): loaded after runner/results.awk with fmt=lava, whose parsing of
# the nested KTAP it reuses. LAVA knows pass, fail, skip and unknown: a
# test that crashed or hung (error, timeout) is a fail. POSIX awk.
END {
	if (fmt != "lava")
		exit
	for (i = 1; i <= n_rec; i++) {
		st = r_status[i]
		if (st != "pass" && st != "skip")
			st = "fail"
		name = "vas." r_name[i]
		gsub(/[^a-zA-Z0-9_.-]/, "_", name)
		print name, st
	}
}
