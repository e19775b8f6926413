# SPDX-License-Identifier: GPL-2.0
#
# Turn the runner's nested KTAP (ktap.log) into results: fmt=json gives
# results.json, fmt=junit gives junit.xml, fmt=summary the closing line,
# fmt=counts "group pass fail skip" lines.
# A program may print structured facts (an entropy table, a node list) as
# diagnostic lines "# vas-data: KIND key=value ...": they go to the "data"
# array of results.json, with the group and the test that printed them.
# timing: "GROUP NUM CENTISECONDS" per test and "GROUP prog CS" per
# program; envfile: "key<TAB>value" lines. POSIX awk (busybox runs it).

function trim(s) {
	sub(/^[ \t]+/, "", s)
	sub(/[ \t]+$/, "", s)
	return s
}

# Literal replacement: gsub's treatment of "\\" and "&" in the
# replacement differs between mawk, gawk and busybox awk.
function repl(s, from, to,    out, i) {
	out = ""
	while ((i = index(s, from)) > 0) {
		out = out substr(s, 1, i - 1) to
		s = substr(s, i + length(from))
	}
	return out s
}

function json_str(s) {
	s = repl(s, "\\", "\\\\")
	s = repl(s, "\"", "\\\"")
	s = repl(s, "\t", "\\t")
	s = repl(s, "\r", "\\r")
	s = repl(s, "\n", "\\n")
	gsub(/[[:cntrl:]]/, " ", s)
	return "\"" s "\""
}

function xml_str(s) {
	s = repl(s, "&", "&amp;")
	s = repl(s, "<", "&lt;")
	s = repl(s, ">", "&gt;")
	s = repl(s, "\"", "&quot;")
	gsub(/[\r\t]/, " ", s)
	# Keep newlines (element text), drop other control characters.
	gsub(/[\001-\010\013\014\016-\037]/, " ", s)
	return s
}

function secs(cs) {
	return sprintf("%.2f", cs / 100)
}

# Record one test result of the current group.
function record(name, status, reason, num) {
	sub(/^global\./, "", name)
	n_rec++
	r_group[n_rec] = group
	r_name[n_rec] = group "." name
	r_status[n_rec] = status
	r_reason[n_rec] = reason
	r_dur[n_rec] = ((group SUBSEP num) in dur) ? dur[group, num] : 0
	r_log[n_rec] = (status == "pass" || status == "skip") ? "" : diag
	g_count[group]++
	g_st[group, status]++
	seen++
	pending = ""
	diag = ""
}

# "KIND key=value ..." into one JSON object of the data array.
function data_line(text,    n, w, i, eq, obj, v, t) {
	n = split(text, w, " ")
	if (n < 1)
		return
	t = pending
	sub(/^global\./, "", t)
	obj = "{\"group\": " json_str(group) ", \"test\": " json_str(t == "" ? "" : group "." t) ", \"kind\": " json_str(w[1])
	for (i = 2; i <= n; i++) {
		eq = index(w[i], "=")
		if (!eq)
			continue
		v = substr(w[i], eq + 1)
		if (v !~ /^-?[0-9]+(\.[0-9]+)?$/)
			v = json_str(v)
		obj = obj ", " json_str(substr(w[i], 1, eq - 1)) ": " v
	}
	n_data++
	data[n_data] = obj "}"
}

# A result line of the nested (program's own) KTAP stream.
function inner_result(line,    ok, num, rest, at, name, dir, status, reason) {
	ok = line !~ /^not ok /
	rest = line
	sub(/^(not )?ok /, "", rest)
	num = rest
	sub(/ .*/, "", num)
	rest = substr(rest, length(num) + 1)
	at = index(rest, "#")
	if (at) {
		name = trim(substr(rest, 1, at - 1))
		dir = trim(substr(rest, at + 1))
	} else {
		name = trim(rest)
		dir = ""
	}
	# The 6.1 harness prints "ok N # SKIP reason" without the name.
	if (name == "")
		name = pending
	status = ok ? "pass" : "fail"
	reason = ""
	if (dir ~ /^SKIP/) {
		status = "skip"
		reason = trim(substr(dir, 5))
		if (reason == "")
			reason = "unknown"
	} else if (dir ~ /^XFAIL/) {
		reason = trim(substr(dir, 6))
	} else if (dir ~ /^XPASS/) {
		status = "fail"
		reason = "unexpected pass: " trim(substr(dir, 6))
	} else if (status == "fail") {
		reason = dir != "" ? dir : first_expect
		if (reason == "")
			reason = "failed"
	}
	record(name, status, reason, num)
	first_expect = ""
}

# The program's own result line closes its group.
function close_group(line,    dir, status, reason, missing) {
	dir = ""
	if (index(line, "#"))
		dir = trim(substr(line, index(line, "#") + 1))
	if (dir ~ /^TIMEOUT/)
		status = "timeout"
	else if (line ~ /^not ok /)
		status = "error"
	else
		status = ""
	if (pending != "" && status != "") {
		# Started and never reported: it is the one that hung or crashed.
		record(pending, status, status == "timeout" ? dir : "crashed (" dir ")", -1)
	}
	missing = plan - seen
	if (missing > 0) {
		record("program", status == "" ? "error" : status,
		       missing " of " plan " tests did not run (" (dir == "" ? "no result" : dir) ")", -1)
	} else if (status == "error" && g_st[group, "fail"] + g_st[group, "error"] == 0) {
		record("program", "error", "every test reported, but the program ended with " dir, -1)
	}
	group = ""
}

BEGIN {
	while ((getline l < timing) > 0) {
		split(l, f, " ")
		if (f[2] == "prog")
			g_dur[f[1]] = f[3]
		else
			dur[f[1], f[2]] = f[3]
	}
	n_env = 0
	while ((getline l < envfile) > 0) {
		t = index(l, "\t")
		if (!t)
			continue
		n_env++
		env_k[n_env] = substr(l, 1, t - 1)
		env_v[n_env] = substr(l, t + 1)
	}
	n_rec = 0
	n_data = 0
	n_groups = 0
	group = ""
}

/^# selftests: vas: / {
	group = $4
	# A group may come in several blocks (the VM runner's own checks).
	if (!(group in g_count)) {
		groups[++n_groups] = group
		g_count[group] = 0
	}
	pending = ""
	diag = ""
	first_expect = ""
	plan = 0
	seen = 0
	next
}

/^(not )?ok [0-9]+ selftests: vas: / {
	if (group != "")
		close_group($0)
	next
}

group != "" && /^# / {
	line = substr($0, 3)
	if (line ~ /^#  RUN /) {
		split(line, w, " ")
		pending = w[3]
		diag = ""
		first_expect = ""
	} else if (line ~ /^1\.\.[0-9]+/) {
		plan = substr(line, 4) + 0
	} else if (line ~ /^(not )?ok [0-9]+/) {
		inner_result(line)
	} else if (line ~ /^# vas-data: /) {
		data_line(substr(line, 13))
	} else if (pending != "" && line ~ /^# /) {
		d = substr(line, 3)
		if (d ~ /^ +(OK|FAIL) +/)
			next
		diag = diag (diag == "" ? "" : "\n") d
		if (first_expect == "" && d ~ /Expected /)
			first_expect = d
	}
	next
}

END {
	passed = failed = skipped = n_fail = n_err = 0
	for (i = 1; i <= n_rec; i++) {
		if (r_status[i] == "pass")
			passed++
		else if (r_status[i] == "skip")
			skipped++
		else if (r_status[i] == "fail")
			n_fail++
		else
			n_err++
	}
	failed = n_fail + n_err
	if (fmt == "counts") {
		for (i = 1; i <= n_groups; i++) {
			g = groups[i]
			printf "%s %d %d %d\n", g, g_st[g, "pass"], g_st[g, "fail"] + g_st[g, "error"] + g_st[g, "timeout"], g_st[g, "skip"]
		}
	} else if (fmt == "summary") {
		printf "vas: %d passed, %d failed, %d skipped\n", passed, failed, skipped
	} else if (fmt == "json") {
		print "{"
		print "  \"suite\": \"vas\","
		print "  \"environment\": {"
		for (i = 1; i <= n_env; i++)
			printf "    %s: %s%s\n", json_str(env_k[i]), json_str(env_v[i]), i < n_env ? "," : ""
		print "  },"
		printf "  \"summary\": {\"passed\": %d, \"failed\": %d, \"skipped\": %d, \"total\": %d},\n", passed, failed, skipped, n_rec
		print "  \"tests\": ["
		for (i = 1; i <= n_rec; i++) {
			printf "    {\"group\": %s, \"name\": %s, \"status\": %s, \"reason\": %s, \"duration\": %s",
			       json_str(r_group[i]), json_str(r_name[i]), json_str(r_status[i]),
			       json_str(r_reason[i]), secs(r_dur[i])
			if (r_log[i] != "")
				printf ", \"log\": %s", json_str(r_log[i])
			printf "}%s\n", i < n_rec ? "," : ""
		}
		print "  ],"
		print "  \"data\": ["
		for (i = 1; i <= n_data; i++)
			printf "    %s%s\n", data[i], i < n_data ? "," : ""
		print "  ]"
		print "}"
	} else if (fmt == "junit") {
		print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
		total_time = 0
		for (i = 1; i <= n_groups; i++)
			total_time += g_dur[groups[i]]
		printf "<testsuites name=\"vas\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%s\">\n",
		       n_rec, n_fail, n_err, skipped, secs(total_time)
		for (i = 1; i <= n_groups; i++) {
			g = groups[i]
			gf = g_st[g, "fail"] + 0
			ge = g_st[g, "error"] + g_st[g, "timeout"]
			printf "  <testsuite name=\"%s\" tests=\"%d\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%s\">\n",
			       xml_str(g), g_count[g], gf, ge, g_st[g, "skip"] + 0, secs(g_dur[g])
			print "    <properties>"
			for (j = 1; j <= n_env; j++)
				printf "      <property name=\"%s\" value=\"%s\"/>\n", xml_str(env_k[j]), xml_str(env_v[j])
			print "    </properties>"
			for (j = 1; j <= n_rec; j++) {
				if (r_group[j] != g)
					continue
				printf "    <testcase classname=\"vas.%s\" name=\"%s\" time=\"%s\"", xml_str(g), xml_str(r_name[j]), secs(r_dur[j])
				st = r_status[j]
				if (st == "pass") {
					print "/>"
					continue
				}
				print ">"
				if (st == "skip")
					printf "      <skipped message=\"%s\"/>\n", xml_str(r_reason[j])
				else if (st == "fail")
					printf "      <failure message=\"%s\" type=\"fail\">%s</failure>\n", xml_str(r_reason[j]), xml_str(r_log[j])
				else
					printf "      <error message=\"%s\" type=\"%s\">%s</error>\n", xml_str(r_reason[j]), st, xml_str(r_log[j])
				print "    </testcase>"
			}
			print "  </testsuite>"
		}
		print "</testsuites>"
	}
}
