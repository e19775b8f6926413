# SPDX-License-Identifier: GPL-2.0
#
# kcidb.json: the run in KCIDB I/O schema v5 (the format KernelCI's
# common database takes). Loaded after results.awk, whose parsing it
# reuses (records r_*, groups, data, environment), with fmt=kcidb:
#
#   awk -v fmt=kcidb -v timing=T -v envfile=E -v origin=O -v build_id=B \
#       -v log_url=U -f results.awk -f kcidb.awk ktap.log
#
# origin    the submitting CI system's KCIDB origin (default "vas")
# build_id  the KCIDB id of the kernel build the lab already reported:
#           the tests then refer to it, and no checkout or build is
#           written; without it, a checkout and a build describing the
#           running kernel are written, with ids made from the run id
# log_url   where the lab publishes ktap.log, if anywhere
#
# One test per result, path kselftest.vas.<group>.<test>; one per group
# (kselftest.vas.<group>) and one for the suite (kselftest.vas) with the
# worst status below them and their counts in misc. A test's misc holds
# the runner's status and reason and the vas-data records it printed
# (the aslr group's entropy table, ...).
# POSIX awk (busybox runs it).

# A number for JSON: values from the environment file may be anything.
# The fields every test node starts with: id, build, origin, path, status,
# duration, and the run's start time and log when known.
function kc_node(id, path, status, dur) {
	printf "    {\"id\": %s, \"build_id\": %s, \"origin\": %s, \"path\": %s, \"status\": %s, \"duration\": %s",
	       json_str(id), json_str(build_id), json_str(origin), json_str(path), json_str(status), dur
	if (started != "")
		printf ", \"start_time\": %s", json_str(started)
	if (log_url != "")
		printf ", \"log_url\": %s", json_str(log_url)
}

function kc_num(v) {
	return v ~ /^-?[0-9]+(\.[0-9]+)?$/ ? v : json_str(v)
}

# KCIDB statuses, in its priority order (FAIL highest).
function kc_status(st) {
	if (st == "pass")
		return "PASS"
	if (st == "skip")
		return "SKIP"
	if (st == "fail")
		return "FAIL"
	return "ERROR"		# error, timeout
}

function kc_rank(s) {
	return s == "FAIL" ? 5 : s == "ERROR" ? 4 : s == "PASS" ? 2 : 1
}

# ISO 8601 from the run id (YYYYmmdd-HHMMSS-PID, UTC), or "".
function kc_time(id) {
	if (id !~ /^[0-9]+-[0-9]+/ || length(id) < 15)
		return ""
	return substr(id, 1, 4) "-" substr(id, 5, 2) "-" substr(id, 7, 2) "T" \
	       substr(id, 10, 2) ":" substr(id, 12, 2) ":" substr(id, 14, 2) "+00:00"
}

# Path segments are [a-zA-Z0-9_-]: anything else becomes "_".
function kc_seg(s) {
	gsub(/[^a-zA-Z0-9_.-]/, "_", s)
	return s
}

# The data records a test printed (vas-data lines), as a JSON array.
function kc_data(name,    i, out, key) {
	out = ""
	key = "\"test\": " json_str(name) ","
	for (i = 1; i <= n_data; i++)
		if (index(data[i], key))
			out = out (out == "" ? "" : ", ") data[i]
	return "[" out "]"
}

# Text fields of KCIDB may not hold NUL; log_excerpt is capped at 16 KiB.
function kc_excerpt(s) {
	if (length(s) > 16384)
		s = substr(s, length(s) - 16383)
	return json_str(s)
}

END {
	if (fmt != "kcidb")
		exit
	if (origin == "")
		origin = "vas"
	for (i = 1; i <= n_env; i++)
		env[env_k[i]] = env_v[i]
	run = ("run_id" in env) ? env["run_id"] : "run"
	config = ("config" in env) ? env["config"] : "host"
	arch = ("arch" in env) ? env["arch"] : ""
	kernel = ("kernel" in env) ? env["kernel"] : ""
	started = kc_time(run)
	prefix = origin ":" run ":" config
	own_build = build_id == ""
	if (own_build)
		build_id = prefix

	# The environment: the config name and arch first, then every fact.
	envjs = "{\"comment\": " json_str("vas " config " on " arch ", kernel " kernel) ", \"misc\": {"
	envjs = envjs "\"config\": " json_str(config) ", \"arch\": " json_str(arch)
	for (i = 1; i <= n_env; i++)
		if (env_k[i] != "config" && env_k[i] != "arch")
			envjs = envjs ", " json_str(env_k[i]) ": " kc_num(env_v[i])
	envjs = envjs "}}"

	print "{"
	print "  \"version\": {\"major\": 5, \"minor\": 3},"
	if (own_build) {
		print "  \"checkouts\": ["
		printf "    {\"id\": %s, \"origin\": %s, \"comment\": %s, \"valid\": true%s}\n",
		       json_str(prefix), json_str(origin),
		       json_str("the running kernel, " kernel),
		       started == "" ? "" : ", \"start_time\": " json_str(started)
		print "  ],"
		print "  \"builds\": ["
		printf "    {\"id\": %s, \"checkout_id\": %s, \"origin\": %s, \"comment\": %s, \"architecture\": %s, \"config_name\": %s, \"misc\": {\"kernel\": %s}}\n",
		       json_str(build_id), json_str(prefix), json_str(origin),
		       json_str("kernel " kernel), json_str(kc_seg(arch)),
		       json_str(config), json_str(kernel)
		print "  ],"
	}
	print "  \"tests\": ["
	# The suite: its worst status and the counts of the whole run.
	worst = "SKIP"
	total = 0
	for (i = 1; i <= n_rec; i++) {
		if (kc_rank(kc_status(r_status[i])) > kc_rank(worst))
			worst = kc_status(r_status[i])
		cnt[r_status[i]]++
	}
	for (gi = 1; gi <= n_groups; gi++)
		total += g_dur[groups[gi]]
	kc_node(prefix, "kselftest.vas", worst, secs(total))
	printf ", \"environment\": %s", envjs
	printf ", \"misc\": {\"groups\": %d, \"tests\": %d, \"passed\": %d, \"failed\": %d, \"errors\": %d, \"skipped\": %d}}",
	       n_groups, n_rec, cnt["pass"], cnt["fail"], cnt["error"] + cnt["timeout"], cnt["skip"]
	n_out = 1
	for (gi = 1; gi <= n_groups; gi++) {
		g = groups[gi]
		worst = "SKIP"
		for (i = 1; i <= n_rec; i++)
			if (r_group[i] == g && kc_rank(kc_status(r_status[i])) > kc_rank(worst))
				worst = kc_status(r_status[i])
		if (n_out++)
			print ","
		kc_node(prefix ":" g, "kselftest.vas." kc_seg(g), worst, secs(g_dur[g] + 0))
		printf ", \"environment\": %s", envjs
		printf ", \"misc\": {\"tests\": %d, \"passed\": %d, \"failed\": %d, \"errors\": %d, \"skipped\": %d}}",
		       g_count[g], g_st[g, "pass"], g_st[g, "fail"],
		       g_st[g, "error"] + g_st[g, "timeout"], g_st[g, "skip"]
		for (i = 1; i <= n_rec; i++) {
			if (r_group[i] != g)
				continue
			print ","
			kc_node(prefix ":" r_name[i], "kselftest.vas." kc_seg(r_name[i]),
				kc_status(r_status[i]), secs(r_dur[i]))
			if (r_log[i] != "")
				printf ", \"log_excerpt\": %s", kc_excerpt(r_log[i])
			else if (r_reason[i] != "")
				printf ", \"log_excerpt\": %s", json_str(r_reason[i])
			printf ", \"environment\": %s", envjs
			printf ", \"misc\": {\"status\": %s, \"reason\": %s, \"data\": %s}}",
			       json_str(r_status[i]), json_str(r_reason[i]), kc_data(r_name[i])
		}
	}
	print ""
	print "  ]"
	print "}"
}
