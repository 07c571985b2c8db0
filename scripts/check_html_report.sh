#!/usr/bin/env bash
# Renders a `factx eval` HTML report with headless Chromium and checks that a screenshot
# comes out (a PNG, and not a blank page).
#   usage: scripts/check_html_report.sh REPORT.html [OUT.png]   (needs: apt-get install -y chromium)
set -euo pipefail
report=${1:?usage: scripts/check_html_report.sh REPORT.html [OUT.png]}
out=${2:-${report%.html}.png}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
    echo "no chromium found (apt-get install -y chromium)" >&2
    exit 2
fi
rm -f "$out"
# --no-sandbox: Chromium refuses to run as root otherwise; the page is local and has no script.
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --window-size=1400,1800 --screenshot="$out" "file://$(realpath "$report")" >/dev/null 2>&1 || true
if [ ! -s "$out" ] || [ "$(head -c 8 "$out" | od -An -tx1 | tr -d ' \n')" != "89504e470d0a1a0a" ]; then
    echo "FAIL: no screenshot produced for $report" >&2
    exit 1
fi
# A blank white page compresses to a few KB; tables and highlighted text do not.
size=$(stat -c %s "$out")
if [ "$size" -lt 20000 ]; then
    echo "FAIL: screenshot $out is only $size bytes: page looks blank" >&2
    exit 1
fi
echo "ok: $out ($size bytes)"
