# SPDX-License-Identifier: GPL-2.0
#
# index.html of a run: the results matrix (config x group), and for each
# config a picture of its virtual address space on a log scale (the user
# regions of a test process's maps, the kernel regions the vas_probe
# module reports, the non-canonical hole) and a chart of the ASLR entropy
# measured per region. One self-contained file: inline CSS and SVG, no
# network. The picture needs no script; the one small script at the end
# only records what the page holds (data-* attributes of <html>) for the
# project's own check.
#
#   awk -v dir=RUN_DIR -v run_id=ID -v host=NAME -f report.awk CFG...
#
# Each CFG is a folder under RUN_DIR ("." for a host run) holding the
# config's results.json, whose "data" array carries the vas-data lines:
#   va_geometry   user_top, va_bits, hole_start, hole_last, kernel_start
#   kernel_layout arch, levels, va_bits, task_size, page_offset...
#   region        side=user|kernel name start last (last: the last byte)
#   address       side=kernel name addr
#   entropy       mode region observed_bits expected_bits source
# A config without results.json is listed as an error. Everything is done
# in BEGIN: the arguments are folders, never read as input. POSIX awk
# (busybox awk and mawk run it): addresses are handled as hex strings,
# exact, and as doubles only for positions on the log scale.

# ---- text ----

function esc(s) {
	gsub(/&/, "\\&amp;", s)
	gsub(/</, "\\&lt;", s)
	gsub(/>/, "\\&gt;", s)
	gsub(/"/, "\\&quot;", s)
	return s
}

function ident(s) {
	gsub(/[^A-Za-z0-9_-]/, "_", s)
	return s
}

# The "key": value pairs of one line of results.json into o (strings
# unescaped); returns how many.
function parse_obj(s, o,    n, i, c, k, v, cnt, isval) {
	split("", o)
	n = length(s)
	i = 1
	k = ""
	cnt = 0
	isval = 0
	while (i <= n) {
		c = substr(s, i, 1)
		if (c == "\"") {
			v = ""
			i++
			while (i <= n) {
				c = substr(s, i, 1)
				if (c == "\"")
					break
				if (c == "\\") {
					i++
					c = substr(s, i, 1)
					if (c == "n")
						c = "\n"
					else if (c == "t")
						c = "\t"
					else if (c == "r")
						c = "\r"
				}
				v = v c
				i++
			}
			i++
			if (isval) {
				o[k] = v
				cnt++
				isval = 0
			} else {
				k = v
			}
		} else if (c == ":") {
			isval = 1
			i++
		} else if (isval && c ~ /[-0-9a-z]/) {
			v = ""
			while (i <= n && !index(",} ]", c = substr(s, i, 1))) {
				v = v c
				i++
			}
			o[k] = v
			cnt++
			isval = 0
		} else {
			i++
		}
	}
	return cnt
}

# ---- hex addresses: exact as two 32-bit halves ----

function hexnorm(h,    s) {
	s = tolower(h)
	sub(/^0x/, "", s)
	if (s !~ /^[0-9a-f]+$/)
		s = "0"
	while (length(s) < 16)
		s = "0" s
	return substr(s, length(s) - 15)
}

function hexnum(s,    i, v) {
	v = 0
	for (i = 1; i <= length(s); i++)
		v = v * 16 + index("0123456789abcdef", substr(s, i, 1)) - 1
	return v
}

function hi32(h) {
	return hexnum(substr(hexnorm(h), 1, 8))
}

function lo32(h) {
	return hexnum(substr(hexnorm(h), 9, 8))
}

# The address as a double (positions only).
function addr(h) {
	return hi32(h) * 4294967296 + lo32(h)
}

# Bytes from a to b inclusive (b >= a).
function span(a, b) {
	return (hi32(b) - hi32(a)) * 4294967296 + (lo32(b) - lo32(a)) + 1
}

# 2^bits - a, the distance of a from the top of the address space.
function from_top(a, bits) {
	if (bits <= 32)
		return 4294967296 - lo32(a)
	return (4294967295 - hi32(a)) * 4294967296 + (4294967296 - lo32(a))
}

# "0x" and the digits without leading zeros: 8 or 16 of them for
# addresses of the upper half, as the kernel documents them.
function hexs(h,    s) {
	s = hexnorm(h)
	sub(/^0+/, "", s)
	return "0x" (s == "" ? "0" : s)
}

# 2^k and 2^bits - 2^k as hex (12 <= k < bits).
function pow2hex(k,    s, i) {
	s = substr("1248", k % 4 + 1, 1)
	for (i = 0; i < int(k / 4); i++)
		s = s "0"
	return "0x" s
}

function top_minus_pow2hex(k, bits,    s, i, n) {
	s = ""
	n = bits / 4
	for (i = 0; i < int(k / 4); i++)
		s = s "0"
	s = substr("fec8", k % 4 + 1, 1) s
	while (length(s) < n)
		s = "f" s
	return "0x" s
}

# log2 by halving and squaring: some busybox builds have awk without
# math functions (no log()).
function log2(x,    n, i, f, b) {
	if (x < 1)
		return 0
	n = 0
	while (x >= 2) {
		x /= 2
		n++
	}
	f = 0
	b = 0.5
	for (i = 0; i < 24; i++) {
		x *= x
		if (x >= 2) {
			x /= 2
			f += b
		}
		b /= 2
	}
	return n + f
}

# A size in bytes with its binary unit: "132 KiB", "1.5 GiB".
function human(b,    u, i) {
	split("B KiB MiB GiB TiB PiB EiB", u, " ")
	for (i = 1; i < 7 && b >= 1024; i++)
		b /= 1024
	if (b == int(b))
		return sprintf("%d %s", b, u[i])
	return sprintf(b < 10 ? "%.2f %s" : "%.1f %s", b, u[i])
}

# ---- reading one config ----

function read_config(ci, path,    f, line, o, sect, g, st, key, n, j, r) {
	f = path "/results.json"
	C_ok[ci] = 0
	sect = ""
	while ((getline line < f) > 0) {
		C_ok[ci] = 1
		if (line ~ /^  "environment": \{/) {
			sect = "env"
			continue
		} else if (line ~ /^  "tests": \[/) {
			sect = "tests"
			continue
		} else if (line ~ /^  "data": \[/) {
			sect = "data"
			continue
		} else if (line ~ /^  }/ || substr(line, 1, 3) == "  ]") {
			sect = ""
			continue
		}
		if (sect == "" || !parse_obj(line, o))
			continue
		if (sect == "env") {
			for (key in o)
				E[ci, key] = o[key]
		} else if (sect == "tests") {
			g = o["group"]
			st = o["status"]
			if (!(g in G_seen)) {
				G_seen[g] = 1
				G[++NG] = g
			}
			T[ci, g, st]++
			T[ci, st]++
			if (st != "pass" && st != "skip")
				FAILS[ci, ++NFAIL[ci]] = o["name"] " (" st "): " o["reason"]
			if (st == "skip") {
				SKIPS[ci, ++NS[ci]] = o["name"] ": " o["reason"]
				if (g == "kernel_layout" && KL_SKIP[ci] == "")
					KL_SKIP[ci] = o["reason"]
			}
			if (g == "kernel_layout")
				KL_RAN[ci] = 1
		} else if (o["kind"] == "region") {
			n = ++NR_[ci]
			R_side[ci, n] = o["side"]
			R_name[ci, n] = o["name"]
			R_start[ci, n] = o["start"]
			R_last[ci, n] = o["last"]
			R_lines[ci, n] = o["lines"]
		} else if (o["kind"] == "address") {
			n = ++NA[ci]
			A_name[ci, n] = o["name"]
			A_addr[ci, n] = o["addr"]
		} else if (o["kind"] == "va_geometry") {
			for (key in o)
				GEO[ci, key] = o[key]
		} else if (o["kind"] == "kernel_layout") {
			for (key in o)
				KL[ci, key] = o[key]
		} else if (o["kind"] == "entropy") {
			r = o["region"]
			if (!((ci, "r", r) in ENT_seen)) {
				ENT_seen[ci, "r", r] = 1
				ER[ci, ++NER[ci]] = r
			}
			if (!((ci, "m", o["mode"]) in ENT_seen)) {
				ENT_seen[ci, "m", o["mode"]] = 1
				EM[ci, ++NEM[ci]] = o["mode"]
			}
			j = ci SUBSEP r SUBSEP o["mode"]
			E_obs[j] = o["observed_bits"]
			E_exp[j] = o["expected_bits"]
			E_src[j] = o["source"]
		}
	}
	close(f)
}

# The geometry of a config: bits of the address space, the user top, the
# hole (64-bit) and the start of the kernel half, from the split group's
# va_geometry line, else from the environment.
function geometry(ci,    vb) {
	X_bits = GEO[ci, "long_bits"] + 0
	if (!X_bits)
		X_bits = E[ci, "task_bits"] + 0
	if ((ci, "long_bits") in KL && KL[ci, "long_bits"] + 0 > X_bits)
		X_bits = KL[ci, "long_bits"] + 0
	if (X_bits != 32)
		X_bits = 64
	X_top = GEO[ci, "user_top"]
	if (X_top == "")
		X_top = E[ci, "user_top"]
	if (X_top == "" || X_top == "0")
		X_top = (ci, "task_size") in KL ? KL[ci, "task_size"] : ""
	vb = GEO[ci, "va_bits"] + 0
	if (!vb)
		vb = E[ci, "user_va_bits"] + 0
	X_va = vb
	X_hole = 0
	if ((ci, "hole_start") in GEO) {
		X_hole = 1
		X_hole_start = GEO[ci, "hole_start"]
		X_hole_last = GEO[ci, "hole_last"]
		X_kstart = GEO[ci, "kernel_start"]
	} else if (X_bits == 64 && vb > 31 && vb < 63 &&
		   E[ci, "arch"] ~ /^(x86_64|aarch64)$/) {
		X_hole = 1
		X_hole_start = pow2hex(vb)
		X_hole_last = hex_minus_one(top_minus_pow2hex(vb, 64))
		X_kstart = top_minus_pow2hex(vb, 64)
	} else {
		X_kstart = GEO[ci, "kernel_start"]
		if (X_kstart == "")
			X_kstart = X_top
	}
	return X_top != "" && X_kstart != ""
}

function hex_minus_one(h,    s, i, d) {
	s = hexnorm(h)
	for (i = 16; i >= 1; i--) {
		d = index("0123456789abcdef", substr(s, i, 1)) - 1
		if (d > 0) {
			s = substr(s, 1, i - 1) substr("0123456789abcdef", d, 1) substr(s, i + 1)
			break
		}
		s = substr(s, 1, i - 1) "f" substr(s, i + 1)
	}
	return "0x" s
}

# ---- the address space picture ----
# Two scales. "split": the user half upward from 2^12 by log2(address),
# the kernel half downward from the top by log2(2^bits - address), the
# hole (or the user/kernel boundary) between them: every region of both
# halves gets room. "log": log2(address) from 2^12 to 2^bits, the whole
# space on one axis, where the kernel half shrinks to the top line.

function pos(a, view,    d, lg) {
	if (view == "log") {
		lg = log2(addr(a))
		if (lg < 12)
			lg = 12
		return M_bot - (lg - 12) * M_ppb
	}
	if (hexnorm(a) < hexnorm(X_kstart)) {
		if (X_hole && hexnorm(a) >= hexnorm(X_hole_start))
			return M_ubot - M_uh - M_band / 2
		lg = log2(addr(a))
		if (lg < 12)
			lg = 12
		return M_ubot - (lg - 12) * M_ppb
	}
	d = from_top(a, X_bits)
	lg = log2(d)
	if (lg < 12)
		lg = 12
	return M_top + (lg - 12) * M_ppb
}

# The position of the end of [a, last]: last + 1, which may be 2^bits.
function pos_end(last, view,    d, lg, n) {
	n = hexnorm(last)
	if (view == "log") {
		lg = log2(addr(last) + 1)
		if (lg < 12)
			lg = 12
		return M_bot - (lg - 12) * M_ppb
	}
	if (n < hexnorm(X_kstart) && !(X_hole && n >= hexnorm(X_hole_start)))
		return M_ubot - (log2(addr(last) + 1) - 12) * M_ppb
	if (X_hole && n >= hexnorm(X_hole_start) && n <= hexnorm(X_hole_last))
		return pos(last, view)
	d = from_top(last, X_bits) - 1
	lg = log2(d)
	if (lg < 12)
		lg = 12
	return M_top + (lg - 12) * M_ppb
}

function region_color(side, name) {
	if (side == "kernel") {
		if (name == "direct_map") return "#f28e2b"
		if (name == "vmalloc") return "#e15759"
		if (name == "modules") return "#ff9da7"
		if (name == "vmemmap") return "#edc948"
		if (name == "kernel_image") return "#d37295"
		if (name == "fixmap") return "#a07e6a"
		if (name == "pkmap") return "#b6992d"
		return "#79706e"
	}
	if (name == "exe") return "#4e79a7"
	if (name == "anon" || name == "anon_shared") return "#59a14f"
	if (name == "[heap]") return "#8cd17d"
	if (name == "[stack]") return "#b07aa1"
	if (name ~ /^\[/) return "#9c755f"
	return "#76b7b2"
}

# One label of the picture: ideal position, text, colour.
function add_label(key, y0, y1, name, range, size, color, kind, tip) {
	NL++
	L_key[NL] = hexnorm(key)
	L_y0[NL] = y0
	L_y1[NL] = y1
	L_name[NL] = name
	L_range[NL] = range
	L_size[NL] = size
	L_color[NL] = color
	L_kind[NL] = kind
	L_tip[NL] = tip
}

# Lay the labels out top to bottom near their blocks, without overlap:
# in the order of their addresses, highest first (both scales put higher
# addresses higher; on the log scale neighbours share a pixel).
function place_labels(top, bottom,    i, j, t, order, y) {
	for (i = 1; i <= NL; i++)
		order[i] = i
	for (i = 2; i <= NL; i++)
		for (j = i; j > 1 && L_key[order[j]] > L_key[order[j - 1]]; j--) {
			t = order[j]
			order[j] = order[j - 1]
			order[j - 1] = t
		}
	y = top
	for (i = 1; i <= NL; i++) {
		t = order[i]
		L_pos[t] = (L_y0[t] + L_y1[t]) / 2
		if (L_pos[t] < y)
			L_pos[t] = y
		y = L_pos[t] + M_row
	}
	y = bottom
	for (i = NL; i >= 1; i--) {
		t = order[i]
		if (L_pos[t] > y)
			L_pos[t] = y
		y = L_pos[t] - M_row
	}
}

function draw_map(ci, view,    i, n, y0, y1, yy, h, c, tip, k, a, lab, kreason, ax, x0, x1) {
	NL = 0
	x0 = 204
	x1 = 258
	printf "<svg class=\"map map-%s\" role=\"img\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" data-config=\"%s\">\n",
	       view, M_w, M_h, M_w, M_h, esc(C_name[ci])
	printf "<title>%s: the virtual address space, %s</title>\n", esc(C_name[ci]),
	       view == "log" ? "log2(address)" : "user half by log2(address), kernel half by log2(distance from the top)"
	# Backgrounds: the user half, the hole, the kernel half.
	if (view == "log") {
		y0 = pos(X_top, view)
		printf "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" class=\"bg-user\"/>\n", x0, y0, x1 - x0, M_bot - y0
		if (X_hole) {
			y1 = pos(X_kstart, view)
			printf "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"url(#hatch)\" class=\"hole\"/>\n", x0, y1, x1 - x0, y0 - y1
		} else {
			y1 = y0
		}
		printf "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" class=\"bg-kernel\"/>\n", x0, M_top - 2, x1 - x0, y1 - M_top + 2
		for (k = 12; k <= X_bits; k += 4) {
			yy = M_bot - (k - 12) * M_ppb
			printf "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"tick\"/>", x0 - 6, x0, yy, yy
			printf "<text x=\"%d\" y=\"%.1f\" class=\"axis\">%s</text>\n", x0 - 9, yy + 3,
			       k == X_bits ? "2^" k " (top)" : pow2hex(k) " · 2^" k
		}
	} else {
		printf "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" class=\"bg-user\"/>\n", x0, M_ubot - M_uh, x1 - x0, M_uh
		printf "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" class=\"bg-kernel\"/>\n", x0, M_top, x1 - x0, M_kh
		if (X_hole) {
			printf "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"url(#hatch)\" class=\"hole\"/>\n", x0, M_top + M_kh, x1 - x0, M_band
		} else {
			printf "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"boundary\"/>\n", x0 - 10, x1 + 10, M_top + M_kh + M_band / 2, M_top + M_kh + M_band / 2
		}
		for (k = 12; k <= X_uhi + 0.001; k += 4) {
			yy = M_ubot - (k - 12) * M_ppb
			printf "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"tick\"/>", x0 - 6, x0, yy, yy
			printf "<text x=\"%d\" y=\"%.1f\" class=\"axis\">%s · 2^%d</text>\n", x0 - 9, yy + 3, pow2hex(k), k
		}
		for (k = 12; k <= X_khi + 0.001; k += 4) {
			yy = M_top + (k - 12) * M_ppb
			printf "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"tick\"/>", x0 - 6, x0, yy, yy
			printf "<text x=\"%d\" y=\"%.1f\" class=\"axis\">%s · top−2^%d</text>\n", x0 - 9, yy + 3, top_minus_pow2hex(k, X_bits), k
		}
		printf "<text x=\"%d\" y=\"%.1f\" class=\"half\">user</text>\n", (x0 + x1) / 2, M_ubot + 13
		printf "<text x=\"%d\" y=\"%.1f\" class=\"half\">kernel</text>\n", (x0 + x1) / 2, M_top - 5
	}
	if (view == "log")
		printf "<text x=\"%d\" y=\"%.1f\" class=\"half\">address 0</text>\n", (x0 + x1) / 2, M_bot + 13

	# Blocks and their labels.
	for (i = 1; i <= NR_[ci]; i++) {
		y0 = pos(R_start[ci, i], view)
		y1 = pos_end(R_last[ci, i], view)
		if (y1 > y0) {
			yy = y0
			y0 = y1
			y1 = yy
		}
		c = region_color(R_side[ci, i], R_name[ci, i])
		n = span(R_start[ci, i], R_last[ci, i])
		tip = R_name[ci, i] " (" R_side[ci, i] "): " hexs(R_start[ci, i]) "–" hexs(R_last[ci, i]) ", " human(n)
		if (R_lines[ci, i] != "")
			tip = tip ", " R_lines[ci, i] " maps line" (R_lines[ci, i] == 1 ? "" : "s")
		add_label(R_start[ci, i], y0, y1, R_name[ci, i], hexs(R_start[ci, i]) "–" hexs(R_last[ci, i]), human(n), c, R_side[ci, i], tip)
	}
	for (i = 1; i <= NA[ci]; i++) {
		y0 = pos(A_addr[ci, i], view)
		add_label(A_addr[ci, i], y0, y0, A_name[ci, i], hexs(A_addr[ci, i]), "", "#333", "point", A_name[ci, i] ": " hexs(A_addr[ci, i]))
	}
	if (X_hole) {
		if (view == "log") {
			y0 = pos(X_kstart, view)
			y1 = pos(X_hole_start, view)
		} else {
			y0 = M_top + M_kh
			y1 = y0 + M_band
		}
		add_label(X_hole_start, y0, y1, "non-canonical hole", hexs(X_hole_start) "–" hexs(X_hole_last),
			  "2^64−2^" (X_va + 1), "url(#hatch)", "hole",
			  "no page table translates these addresses: every access faults")
	}
	y0 = pos(X_top, view)
	add_label(X_top, y0, y0, "user top (TASK_SIZE)", hexs(X_top), "", "#1f3b63", "mark",
		  "the end of the user address space, probed with MAP_FIXED_NOREPLACE")
	if ((ci, "page_offset") in KL) {
		y0 = pos(KL[ci, "page_offset"], view)
		add_label(KL[ci, "page_offset"], y0, y0, "PAGE_OFFSET", hexs(KL[ci, "page_offset"]), "", "#7a3a00", "mark",
			  "the start of the direct (linear) map of physical memory")
	}
	place_labels(M_top, M_bot)
	for (i = 1; i <= NL; i++) {
		printf "<g class=\"r %s\"><title>%s</title>", L_kind[i], esc(L_tip[i])
		if (L_kind[i] == "mark") {
			printf "<line x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\" class=\"mark\" stroke=\"%s\"/>", x0 - 4, x1 + 4, L_y0[i], L_y0[i], L_color[i]
		} else if (L_kind[i] == "point") {
			printf "<circle cx=\"%d\" cy=\"%.1f\" r=\"3\" fill=\"%s\"/>", (x0 + x1) / 2, L_y0[i], L_color[i]
		} else if (L_kind[i] != "hole") {
			h = L_y1[i] - L_y0[i]
			printf "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" fill=\"%s\" class=\"blk\"/>",
			       x0 + 2, h < 2 ? (L_y0[i] + L_y1[i]) / 2 - 1 : L_y0[i], x1 - x0 - 4, h < 2 ? 2 : h, L_color[i]
		}
		yy = (L_y0[i] + L_y1[i]) / 2
		printf "<path d=\"M%d %.1fH%dL%d %.1fH%d\" class=\"leader\"/>", x1, yy, x1 + 14, M_lx - 14, L_pos[i], M_lx - 4
		printf "<rect x=\"%d\" y=\"%.1f\" width=\"10\" height=\"10\" fill=\"%s\" class=\"sw\"/>", M_lx, L_pos[i] - 5, L_color[i]
		printf "<text x=\"%d\" y=\"%.1f\" class=\"name\">%s</text>", M_lx + 15, L_pos[i] + 4, esc(L_name[i])
		printf "<text x=\"%d\" y=\"%.1f\" class=\"range\">%s</text>", M_lx + 170, L_pos[i] + 4, esc(L_range[i])
		printf "<text x=\"%d\" y=\"%.1f\" class=\"size\">%s</text>", M_w - 6, L_pos[i] + 4, esc(L_size[i])
		print "</g>"
	}
	if (!NKR[ci]) {
		kreason = C_kreason[ci]
		if (view == "log") {
			yy = M_top + 14
		} else {
			yy = M_top + M_kh / 2
		}
		printf "<text x=\"%d\" y=\"%.1f\" class=\"nokernel\" transform=\"rotate(-90 %d %.1f)\">no kernel regions</text>\n",
		       (x0 + x1) / 2 + 4, yy, (x0 + x1) / 2 + 4, yy
	}
	print "</svg>"
}

function map_section(ci,    i, nk, nu, n) {
	nk = nu = 0
	for (i = 1; i <= NR_[ci]; i++)
		if (R_side[ci, i] == "kernel")
			nk++
		else
			nu++
	NKR[ci] = nk
	if (KL_RAN[ci] && KL_SKIP[ci] != "")
		C_kreason[ci] = "the kernel_layout group skipped: " KL_SKIP[ci]
	else if (KL_RAN[ci])
		C_kreason[ci] = "the kernel_layout group printed no regions"
	else
		C_kreason[ci] = "the kernel_layout group did not run"
	print "<div class=\"vasmap\">"
	print "<h3>Address space</h3>"
	if (!geometry(ci)) {
		print "<p class=\"note nodata\">No address space picture: the run reported neither the split group's geometry nor the environment's user top.</p>"
		print "</div>"
		return
	}
	# Sizes: rows of labels, the axis of each half in pixels per bit.
	M_w = 1000
	M_row = 15
	M_lx = 400
	n = nu + nk + NA[ci] + 3
	M_top = 24
	M_h = n * M_row + 60
	if (M_h < 680)
		M_h = 680
	M_bot = M_h - 24
	M_band = X_hole ? 46 : 14
	if (X_hole) {
		X_uhi = X_va
		X_khi = X_va
	} else {
		X_uhi = log2(addr(X_kstart))
		X_khi = log2(from_top(X_kstart, X_bits))
	}
	M_ppb = (M_bot - M_top - M_band) / ((X_uhi - 12) + (X_khi - 12))
	M_uh = (X_uhi - 12) * M_ppb
	M_kh = (X_khi - 12) * M_ppb
	M_ubot = M_bot
	draw_map(ci, "split")
	M_ppb = (M_bot - M_top) / (X_bits - 12)
	draw_map(ci, "log")
	printf "<p class=\"caption\">User regions: the maps of a test process (maps group)"
	if (!nu)
		printf " — <b class=\"missing\">none reported</b> (the maps group did not run or print them)"
	printf ". Kernel regions: the vas_probe module's layout (kernel_layout group)"
	if (!nk)
		printf " — <b class=\"missing\">not shown: %s</b>", esc(C_kreason[ci])
	printf ". "
	if (X_hole)
		printf "The non-canonical hole spans %s–%s. ", hexs(X_hole_start), hexs(X_hole_last)
	else
		printf "A %d-bit address space: no hole, the kernel owns everything from %s up. ", X_bits, hexs(X_kstart)
	print "Each block is drawn at log2 of its address (the kernel half, in the default scale, at log2 of its distance from the top of the address space); its extent on the axis is not its size: the labels give start, last byte and size. Hover for details.</p>"
	print "</div>"
}

# ---- the entropy chart ----

# One colour per randomize_va_space mode, the same in every chart.
function mode_color(m) {
	if (m == "0") return "#bab0ac"
	if (m == "1") return "#4e79a7"
	if (m == "2") return "#f28e2b"
	return "#59a14f"
}

function mode_label(m) {
	if (m == "2+ADDR_NO_RANDOMIZE")
		return "randomize_va_space=2, ADDR_NO_RANDOMIZE"
	return "randomize_va_space=" m
}

function entropy_section(ci,    i, j, k, r, m, key, max, w, x0, bar, rowh, h, y, yy, v, ex, lx, ns, quiet, show, slot) {
	print "<div class=\"entropy-sec\">"
	print "<h3>ASLR entropy per region</h3>"
	if (!NER[ci]) {
		print "<p class=\"note nodata\">No ASLR entropy: the aslr group did not run (or printed no table).</p>"
		print "</div>"
		return
	}
	max = 8
	for (i = 1; i <= NER[ci]; i++)
		for (j = 1; j <= NEM[ci]; j++) {
			key = ci SUBSEP ER[ci, i] SUBSEP EM[ci, j]
			if (E_obs[key] + 0 > max)
				max = E_obs[key] + 0
			if (E_exp[key] + 0 > max)
				max = E_exp[key] + 0
		}
	max = int((max + 3.999) / 4) * 4
	# A mode where nothing varies and nothing should: one line, no bars.
	ns = 0
	quiet = ""
	for (j = 1; j <= NEM[ci]; j++) {
		show[j] = 0
		for (i = 1; i <= NER[ci]; i++) {
			key = ci SUBSEP ER[ci, i] SUBSEP EM[ci, j]
			if (E_obs[key] + 0 > 0 || E_exp[key] + 0 > 0)
				show[j] = 1
		}
		if (show[j])
			slot[j] = ++ns
		else
			quiet = quiet (quiet == "" ? "" : "; ") mode_label(EM[ci, j])
	}
	x0 = 150
	w = 640
	bar = 7
	rowh = (ns ? ns : 1) * bar + 10
	h = 40 + NER[ci] * rowh + 24
	printf "<svg class=\"entropy\" role=\"img\" viewBox=\"0 0 %d %d\" width=\"%d\" height=\"%d\" data-config=\"%s\">\n",
	       x0 + w + 160, h, x0 + w + 160, h, esc(C_name[ci])
	printf "<title>%s: ASLR entropy in bits per region and randomize_va_space mode</title>\n", esc(C_name[ci])
	lx = x0
	for (j = 1; j <= NEM[ci]; j++) {
		if (!show[j])
			continue
		printf "<rect x=\"%d\" y=\"6\" width=\"10\" height=\"10\" fill=\"%s\"/><text x=\"%d\" y=\"15\" class=\"legend\">%s</text>\n",
		       lx, mode_color(EM[ci, j]), lx + 14, esc(mode_label(EM[ci, j]))
		lx += 14 + 6.6 * length(mode_label(EM[ci, j])) + 18
	}
	printf "<line x1=\"%d\" x2=\"%d\" y1=\"5\" y2=\"17\" class=\"expect\"/><text x=\"%d\" y=\"15\" class=\"legend\">expected</text>\n", lx, lx, lx + 5
	for (k = 0; k <= max; k += 4) {
		yy = x0 + k * w / max
		printf "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"28\" y2=\"%d\" class=\"grid\"/><text x=\"%.1f\" y=\"%d\" class=\"axis-x\">%d</text>\n",
		       yy, yy, h - 20, yy, h - 8, k
	}
	printf "<text x=\"%d\" y=\"%d\" class=\"axis-x\">bits</text>\n", x0 + w + 24, h - 8
	y = 34
	for (i = 1; i <= NER[ci]; i++) {
		r = ER[ci, i]
		printf "<g class=\"er\"><text x=\"%d\" y=\"%.1f\" class=\"rname\">%s</text>\n", x0 - 8, y + ns * bar / 2 + 4, esc(r)
		for (j = 1; j <= NEM[ci]; j++) {
			m = EM[ci, j]
			key = ci SUBSEP r SUBSEP m
			if (!show[j] || !(key in E_obs))
				continue
			v = E_obs[key] + 0
			ex = E_exp[key] + 0
			yy = y + (slot[j] - 1) * bar
			printf "<rect x=\"%d\" y=\"%.1f\" width=\"%.1f\" height=\"%d\" fill=\"%s\"><title>%s, %s: observed %s bits, expected %s (%s)</title></rect>",
			       x0, yy, v * w / max + (v > 0 ? 0 : 1), bar - 1, mode_color(m), esc(r), esc(mode_label(m)),
			       E_obs[key], (ex >= 0 ? ex : "none"), esc(E_src[key])
			if (ex >= 0)
				printf "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%.1f\" y2=\"%.1f\" class=\"expect\"/>", x0 + ex * w / max, x0 + ex * w / max, yy - 1, yy + bar
			printf "<text x=\"%.1f\" y=\"%.1f\" class=\"val\">%s</text>\n", x0 + (v > ex ? v : ex) * w / max + 4, yy + bar - 1,
			       E_obs[key] (ex >= 0 ? " / " ex : "")
		}
		print "</g>"
		y += rowh
	}
	print "</svg>"
	if (quiet != "")
		printf "<p class=\"caption\">Not drawn: %s — no region varies, none should (0 bits).</p>\n", esc(quiet)
	printf "<p class=\"caption\">Observed bits: log2 of the spread of %s samples per mode, in units of the region's alignment; expected: the kernel's rule (vm.mmap_rnd_bits, the stack mask, the brk range), the number after the slash. Sources per bar on hover.</p>\n",
	       E[ci, "samples"] != "" ? esc(E[ci, "samples"]) : "the"
	print "</div>"
}

# ---- the page ----

function matrix(    i, j, g, p, f, s, cls, tp, tf, ts) {
	print "<section id=\"matrix\">"
	print "<h2>Results: config × group</h2>"
	print "<table class=\"matrix\"><thead><tr><th>config</th>"
	for (j = 1; j <= NG; j++)
		printf "<th>%s</th>", esc(G[j])
	print "<th>total</th></tr></thead><tbody>"
	for (i = 1; i <= NC; i++) {
		printf "<tr class=\"cfg\"><th><a href=\"#cfg-%s\">%s</a></th>", ident(C_name[i]), esc(C_label[i])
		if (!C_ok[i]) {
			printf "<td class=\"fail\" colspan=\"%d\">ERROR: no results (the config did not finish)</td></tr>\n", NG + 1
			continue
		}
		for (j = 1; j <= NG; j++) {
			g = G[j]
			p = T[i, g, "pass"] + 0
			f = T[i, g, "fail"] + T[i, g, "error"] + T[i, g, "timeout"]
			s = T[i, g, "skip"] + 0
			if (p + f + s == 0) {
				print "<td class=\"none\">not run</td>"
				continue
			}
			cls = f ? "fail" : (s ? "skip" : "pass")
			printf "<td class=\"%s\" title=\"%s: %d pass, %d fail, %d skip\">%d pass%s%s</td>", cls, esc(C_name[i] " " g), p, f, s, p,
			       f ? ", <b>" f " fail</b>" : "", s ? ", " s " skip" : ""
		}
		tp = T[i, "pass"] + 0
		tf = T[i, "fail"] + T[i, "error"] + T[i, "timeout"]
		ts = T[i, "skip"] + 0
		printf "<td class=\"%s total\">%d pass%s, %d skip</td></tr>\n", tf ? "fail" : "pass", tp, tf ? ", <b>" tf " fail</b>" : ", 0 fail", ts
	}
	print "</tbody></table>"
	print "<p class=\"caption\">Fail counts include errors and timeouts. A config's name leads to its address space and entropy chart.</p>"
	print "</section>"
}

function facts(ci,    lv, s) {
	s = ""
	if (E[ci, "kernel"] != "")
		s = s "<span><b>kernel</b> " esc(E[ci, "kernel"]) "</span>"
	if (E[ci, "arch"] != "")
		s = s "<span><b>arch</b> " esc(E[ci, "arch"]) "</span>"
	if (E[ci, "page_size"] != "")
		s = s "<span><b>page</b> " human(E[ci, "page_size"] + 0) "</span>"
	if (E[ci, "user_va_bits"] != "")
		s = s "<span><b>user VA</b> " esc(E[ci, "user_va_bits"]) " bits</span>"
	lv = KL[ci, "levels"]
	if (lv != "")
		s = s "<span><b>page tables</b> " esc(lv) " levels</span>"
	if (E[ci, "user_top"] != "")
		s = s "<span><b>user top</b> " esc(E[ci, "user_top"]) "</span>"
	if ((ci, "task_size") in KL)
		s = s "<span><b>module</b> loaded</span>"
	return s
}

function config_section(ci,    i) {
	printf "<section class=\"config\" id=\"cfg-%s\" data-config=\"%s\">\n", ident(C_name[ci]), esc(C_name[ci])
	printf "<h2>%s</h2>\n", esc(C_label[ci])
	if (!C_ok[ci]) {
		print "<p class=\"note nodata\">No results: the config did not finish (see its console.log).</p>"
		print "</section>"
		return
	}
	printf "<p class=\"facts\">%s</p>\n", facts(ci)
	if (E[ci, "cmdline"] != "")
		printf "<p class=\"cmdline\"><b>command line</b> <code>%s</code></p>\n", esc(E[ci, "cmdline"])
	if (NFAIL[ci]) {
		print "<div class=\"failures\"><h3>Not passing</h3><ul>"
		for (i = 1; i <= NFAIL[ci]; i++)
			printf "<li>%s</li>\n", esc(FAILS[ci, i])
		print "</ul></div>"
	}
	if (NS[ci]) {
		printf "<details class=\"skips\"><summary>%d skipped, with their reasons</summary><ul>\n", NS[ci]
		for (i = 1; i <= NS[ci]; i++)
			printf "<li>%s</li>\n", esc(SKIPS[ci, i])
		print "</ul></details>"
	}
	map_section(ci)
	entropy_section(ci)
	print "</section>"
}

function style() {
	print "<style>"
	print "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0;color:#1d1d1f;background:#fafafa}"
	print "header,main,footer{max-width:1200px;margin:0 auto;padding:0 20px}"
	print "h1{font-size:22px;margin:18px 0 4px}h2{font-size:18px;margin:28px 0 6px;border-bottom:1px solid #ddd;padding-bottom:3px}h3{font-size:15px;margin:16px 0 4px}"
	print "section{background:#fff;border:1px solid #e3e3e3;border-radius:6px;padding:4px 16px 12px;margin:16px 0}"
	print "table.matrix{border-collapse:collapse;font-size:12px;width:100%}table.matrix th,table.matrix td{border:1px solid #ddd;padding:3px 5px;text-align:left;white-space:nowrap}"
	print "td.pass{background:#e3f4e1}td.skip{background:#f3f7d9}td.fail{background:#fbd5d5}td.none{color:#999}td.total{font-weight:600}"
	print ".facts span{display:inline-block;margin-right:16px}.cmdline code{font-size:12px;word-break:break-all}"
	print ".note,.caption{color:#555;font-size:12.5px}.missing{color:#a33}.nodata{padding:8px;background:#fff6e5;border-left:3px solid #e8a33d}"
	print ".failures li{color:#a00}.skips{font-size:12.5px;color:#555}"
	print "svg{display:block;max-width:100%;height:auto;font-family:system-ui,sans-serif}"
	print "svg .axis{font:10px ui-monospace,monospace;fill:#555;text-anchor:end}svg .tick{stroke:#888}"
	print "svg .half{font-size:11px;fill:#555;text-anchor:middle}svg .bg-user{fill:#e8eef8}svg .bg-kernel{fill:#fbeee0}"
	print "svg .boundary{stroke:#333;stroke-dasharray:4 3}svg .mark{stroke-width:1.5;stroke-dasharray:3 2}"
	print "svg .leader{fill:none;stroke:#aaa;stroke-width:.8}svg .name{font-size:12px;font-weight:600}"
	print "svg .range{font:11px ui-monospace,monospace;fill:#333}svg .size{font-size:11px;fill:#333;text-anchor:end}"
	print "svg .nokernel{font-size:11px;fill:#a33;text-anchor:middle}svg .sw{stroke:#0003}"
	print "svg g.r:hover .leader{stroke:#000;stroke-width:1.5}svg g.r:hover text{fill:#000;text-decoration:underline}svg g.r:hover .blk{stroke:#000}"
	print "svg .grid{stroke:#eee}svg .axis-x{font-size:10px;fill:#555;text-anchor:middle}svg .rname{font-size:12px;text-anchor:end}"
	print "svg .val{font-size:9px;fill:#444}svg .expect{stroke:#000;stroke-width:2}svg .legend{font-size:11px}"
	print "input.scale{position:absolute;opacity:0}.toggle label{border:1px solid #bbb;border-radius:4px;padding:2px 8px;cursor:pointer;margin-left:4px;background:#fff}"
	print "#scale-split:checked~header label[for=scale-split],#scale-log:checked~header label[for=scale-log]{background:#1d4f91;color:#fff;border-color:#1d4f91}"
	print ".map-log{display:none}#scale-log:checked~main .map-log{display:block}#scale-log:checked~main .map-split{display:none}"
	print "footer{color:#777;font-size:12px;padding:10px 20px 30px}"
	print "</style>"
}

BEGIN {
	NC = 0
	NG = 0
	for (a = 1; a < ARGC; a++) {
		NC++
		name = ARGV[a]
		path = name == "." ? dir : dir "/" name
		read_config(NC, path)
		cfg = E[NC, "config"]
		if (name == ".") {
			C_name[NC] = cfg != "" ? cfg : "host"
			C_label[NC] = C_name[NC] (host != "" ? " (" host ")" : "")
		} else {
			C_name[NC] = name
			C_label[NC] = name
		}
	}
	ARGC = 1
	tp = tf = ts = 0
	for (i = 1; i <= NC; i++) {
		tp += T[i, "pass"]
		tf += T[i, "fail"] + T[i, "error"] + T[i, "timeout"] + (C_ok[i] ? 0 : 1)
		ts += T[i, "skip"]
	}
	print "<!DOCTYPE html>"
	print "<html lang=\"en\"><head><meta charset=\"utf-8\">"
	printf "<title>vas %s</title>\n", esc(run_id)
	print "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
	# Counts every error the page raises (script errors, failed loads).
	print "<script>window.addEventListener(\"error\",function(){var d=document.documentElement;d.setAttribute(\"data-errors\",+(d.getAttribute(\"data-errors\")||0)+1)},true)</script>"
	style()
	print "</head><body>"
	print "<input type=\"radio\" class=\"scale\" name=\"scale\" id=\"scale-split\" checked><input type=\"radio\" class=\"scale\" name=\"scale\" id=\"scale-log\">"
	print "<header>"
	printf "<h1>vas: the virtual address space, run %s</h1>\n", esc(run_id)
	printf "<p>%d config%s: %d passed, %d failed, %d skipped.</p>\n", NC, NC == 1 ? "" : "s", tp, tf, ts
	print "<p class=\"toggle\">Address scale: <label for=\"scale-split\">user half up from 0, kernel half down from the top (log2)</label><label for=\"scale-log\">log2(address)</label></p>"
	print "</header><main>"
	print "<svg width=\"0\" height=\"0\" style=\"position:absolute\"><defs><pattern id=\"hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#eee\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#999\" stroke-width=\"2\"/></pattern></defs></svg>"
	matrix()
	for (i = 1; i <= NC; i++)
		config_section(i)
	print "</main>"
	print "<footer>Written by the vas runner from each config's results.json (the vas-data lines of the split, maps, kernel_layout and aslr groups).</footer>"
	# What the page holds, for the project's own check.
	print "<script>(function(){var d=document.documentElement,s=document.querySelectorAll(\"section.config\"),m=0,e=0,i;for(i=0;i<s.length;i++){if(s[i].querySelector(\"svg.map-split\")&&s[i].querySelector(\"svg.map-log\"))m++;if(s[i].querySelector(\"svg.entropy\"))e++}d.setAttribute(\"data-configs\",s.length);d.setAttribute(\"data-maps\",m);d.setAttribute(\"data-charts\",e);d.setAttribute(\"data-matrix\",document.querySelectorAll(\"#matrix tr.cfg\").length);d.setAttribute(\"data-ready\",\"1\")})()</script>"
	print "</body></html>"
	exit 0
}
