#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The report page (index.html) in headless Chromium. The page is made from
# the configs in tests/data/report/ (their ktap.log and env converted as
# the runner does), with mawk and with busybox awk (the same bytes), and
# from each run folder given as an argument (a host run, a --vm run).
# Each page is rendered to PNG and its DOM dumped after load; it fails on
# any console message or page error (the page counts errors in
# data-errors), on a missing section (the matrix, each config's address
# space map in both scales, each config's entropy chart), and on a blank
# or tiny PNG. The check is then run on broken copies of the page (the
# matrix removed, a map removed, a script error) and must reject each.
#
# usage: sh tests/report.sh [RUN_DIR...]
# Environment: CHROMIUM (the browser, default chromium).
set -u

top=$(cd "$(dirname "$0")/.." && pwd)
work=$top/build/check/report
fix=$top/tests/data/report
awkdir=$top/runner
width=1280
height=4000
failed=0

rm -rf "$work"
mkdir -p "$work"

ok() { echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; }

browser=${CHROMIUM:-chromium}
if ! command -v "$browser" > /dev/null; then
	echo "not ok - $browser missing: make check-deps installs chromium"
	exit 1
fi
to=
command -v timeout > /dev/null && to="timeout 120"

# chrome FILE.html ARGS...: headless, own profile, console to stderr.
chrome() {
	page=$1
	shift
	# shellcheck disable=SC2086
	$to "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--no-first-run --user-data-dir="$work/profile" \
		--enable-logging=stderr --v=0 "$@" "file://$page"
}

# attr NAME DOMFILE: the value of data-NAME on <html>, or "".
attr() {
	sed -n "s/^<html[^>]* data-$1=\"\([^\"]*\)\".*/\1/p" "$2" | head -n 1
}

# png_ok PNG: a real screenshot: the window's size, not blank (rows of
# pixels that differ from each other), not tiny. Prints its numbers.
png_ok() {
	python3 - "$1" "$width" "$height" <<'EOF'
import struct, sys, zlib
path, want_w, want_h = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
data = open(path, "rb").read()
if data[:8] != b"\x89PNG\r\n\x1a\n":
    sys.exit("%s: not a PNG" % path)
pos, idat, w, h = 8, b"", 0, 0
while pos < len(data):
    ln, typ = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + ln]
    pos += 12 + ln
    if typ == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
    elif typ == b"IDAT":
        idat += body
raw = zlib.decompress(idat)
stride = w * {0: 1, 2: 3, 4: 2, 6: 4}[ctype] * depth // 8 + 1
# A blank page is a handful of distinct rows; the report has hundreds.
rows = len(set(raw[i * stride:(i + 1) * stride] for i in range(h)))
print("PNG %dx%d, %d bytes, %d distinct rows of pixels" % (w, h, len(data), rows))
bad = []
if (w, h) != (want_w, want_h):
    bad.append("size %dx%d, want %dx%d" % (w, h, want_w, want_h))
if len(data) < 50000:
    bad.append("only %d bytes" % len(data))
if rows < h // 10:
    bad.append("blank: %d distinct rows of %d" % (rows, h))
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
EOF
}

# count_is PATTERN N: the dumped DOM ($base.dom) holds PATTERN N times.
count_is() {
	got=$(grep -o "$1" "$base.dom" | grep -c '')
	[ "$got" = "$2" ] && return 0
	echo "$1: $got, want $2"
	return 1
}

# page_ok HTML CONFIGS MAPS CHARTS [nopng]: render the page and check it.
# CONFIGS: config sections (and matrix rows); MAPS: configs with an
# address space picture (both scales); CHARTS: configs with an entropy
# chart. Prints what is wrong; returns 1 when anything is.
page_ok() {
	html=$1 want_cfg=$2 want_maps=$3 want_charts=$4
	base=${html%.html}
	bad=0
	if [ "${5:-}" != nopng ]; then
		chrome "$html" --window-size="$width,$height" --screenshot="$base.png" \
			> /dev/null 2> "$base.shot.log"
		png_ok "$base.png" || bad=1
	fi
	chrome "$html" --dump-dom > "$base.dom" 2> "$base.dom.log"
	# Any console message: the page prints none on its own.
	cat "$base.shot.log" "$base.dom.log" 2> /dev/null | grep ':CONSOLE' > "$base.console"
	nmsg=$(grep -c '' "$base.console")
	echo "console messages: $nmsg"
	if [ "$nmsg" != 0 ]; then
		sed 's/^/  /' "$base.console"
		bad=1
	fi
	if [ "$(attr ready "$base.dom")" != 1 ]; then
		echo "the page's script did not finish (no data-ready)"
		bad=1
	fi
	errors=$(attr errors "$base.dom")
	if [ -n "$errors" ]; then
		echo "page errors: $errors"
		bad=1
	fi
	# What the page's script counted, and the DOM itself.
	for kv in "configs $want_cfg" "matrix $want_cfg" "maps $want_maps" "charts $want_charts"; do
		# shellcheck disable=SC2086
		set -- $kv
		got=$(attr "$1" "$base.dom")
		if [ "$got" != "$2" ]; then
			echo "data-$1: $got, want $2"
			bad=1
		fi
	done
	grep -q '<section id="matrix"' "$base.dom" ||
		{ echo "no matrix section"; bad=1; }
	count_is '<section class="config"' "$want_cfg" || bad=1
	count_is '<svg class="map map-split"' "$want_maps" || bad=1
	count_is '<svg class="map map-log"' "$want_maps" || bad=1
	count_is '<svg class="entropy"' "$want_charts" || bad=1
	return "$bad"
}

# ---- the page from the fixture configs ----
run=$work/fixture
cfgs=
for d in "$fix"/*/; do
	c=$(basename "$d")
	mkdir -p "$run/$c"
	awk -v fmt=json -v timing=/dev/null -v envfile="$d/env" -f "$awkdir/results.awk" \
		"$d/ktap.log" > "$run/$c/results.json"
	cfgs="$cfgs $c"
done
# One config that did not finish: listed, with no picture.
cfgs="$cfgs unfinished"
n=$(echo "$cfgs" | wc -w)
# shellcheck disable=SC2086
awk -v dir="$run" -v run_id=fixture -v host=fixture -f "$awkdir/report.awk" \
	$cfgs > "$run/index.html"
if command -v busybox > /dev/null; then
	# shellcheck disable=SC2086
	busybox awk -v dir="$run" -v run_id=fixture -v host=fixture \
		-f "$awkdir/report.awk" $cfgs > "$run/index-busybox.html"
	if cmp -s "$run/index.html" "$run/index-busybox.html"; then
		ok "report.busybox_awk_writes_the_same_page"
	else
		not_ok "report.busybox_awk_writes_the_same_page"
		diff "$run/index.html" "$run/index-busybox.html" | head -n 10
	fi
fi
if page_ok "$run/index.html" "$n" $((n - 1)) $((n - 1)) > "$run/check.log"; then
	ok "report.fixture_page_renders_clean ($(echo "$cfgs" | sed 's/^ //'))"
else
	not_ok "report.fixture_page_renders_clean"
fi
sed 's/^/# /' "$run/check.log"
# The page says why a picture lacks something, and that 32-bit has no hole.
if grep -q 'not shown: the kernel_layout group skipped: vas_probe module unavailable' "$run/index.html" &&
	grep -q 'ERROR: no results' "$run/index.html" &&
	grep -q 'no hole, the kernel owns everything from 0xc0000000 up' "$run/index.html"; then
	ok "report.fixture_page_explains_missing_parts"
else
	not_ok "report.fixture_page_explains_missing_parts"
fi

# ---- the check rejects broken pages ----
# broken NAME: the check must reject $work/NAME.html; says why it did.
broken() {
	if page_ok "$work/$1.html" "$n" $((n - 1)) $((n - 1)) nopng > "$work/$1.log"; then
		not_ok "report.check_rejects_$1"
		sed 's/^/# /' "$work/$1.log"
	else
		ok "report.check_rejects_$1 ($(grep -v -e '^console messages: 0$' -e '^  ' "$work/$1.log" |
			tr '\n' ';' | sed 's/;$//; s/;/; /g'))"
	fi
}
awk '/^<section id="matrix">/ { skip = 1 } !skip { print } skip && /^<\/section>/ { skip = 0 }' \
	"$run/index.html" > "$work/no_matrix.html"
broken no_matrix
awk '/^<svg class="map map-split"/ && !done { skip = 1 } !skip { print } skip && /^<\/svg>/ { skip = 0; done = 1 }' \
	"$run/index.html" > "$work/no_map.html"
broken no_map
awk '/^<svg class="entropy"/ && !done { skip = 1 } !skip { print } skip && /^<\/svg>/ { skip = 0; done = 1 }' \
	"$run/index.html" > "$work/no_chart.html"
broken no_chart
sed 's|</main>|<script>vasReportNoSuchFunction()</script></main>|' "$run/index.html" > "$work/script_error.html"
broken script_error
sed 's|</main>|<script>console.error("vas: broken")</script></main>|' "$run/index.html" > "$work/console_error.html"
broken console_error

# ---- pages of real runs ----
for rd in "$@"; do
	if [ ! -d "$rd" ]; then
		echo "# $rd: no such run, not checked"
		continue
	fi
	rd=$(cd "$rd" && pwd -P)
	name=run-$(basename "$rd")
	if [ ! -f "$rd/index.html" ]; then
		not_ok "report.$name.has_index_html"
		continue
	fi
	cp "$rd/index.html" "$work/$name.html"
	# One config per results.json; an entropy chart where aslr ran.
	nc=0 ne=0
	for j in "$rd/results.json" "$rd"/*/results.json; do
		[ -f "$j" ] || continue
		nc=$((nc + 1))
		grep -q '"kind": "entropy"' "$j" && ne=$((ne + 1))
	done
	if page_ok "$work/$name.html" "$nc" "$nc" "$ne" > "$work/$name.log"; then
		ok "report.$name.renders_clean ($nc configs)"
	else
		not_ok "report.$name.renders_clean"
	fi
	sed 's/^/# /' "$work/$name.log"
done

[ "$failed" = 0 ]
