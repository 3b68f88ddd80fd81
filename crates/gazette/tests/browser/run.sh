#!/usr/bin/env bash
# The browser test: a fresh data folder with the demo paper and three newsroom accounts, the real
# binary serving it, and headless Chromium driving it: newsroom.mjs (write, review, publish),
# live.mjs (a live blog and the breaking banner reaching an open page), editions.mjs (both
# editions through the switcher, screenshotted and checked at two widths) and xss.mjs (script
# injection through every stored field, on every page that shows one).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../../.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
cd "$root"
cargo build -p gazette --locked -q
bin="$target/debug/gazette"
data="$(mktemp -d)"
port=$((20000 + RANDOM % 20000))
password="browser test password"
trap 'kill "$server" 2>/dev/null || true; rm -rf "$data"' EXIT
export GAZETTE_LOG=warn
"$bin" --data-dir "$data" demo >/dev/null
echo "$password" | "$bin" --data-dir "$data" user add --email writer@dispatch.test --name "Writer Test" --role contributor >/dev/null
echo "$password" | "$bin" --data-dir "$data" user add --email editor@dispatch.test --name "Desk Editor" --role editor >/dev/null
echo "$password" | "$bin" --data-dir "$data" user add --email admin@dispatch.test --name "Site Admin" --role admin >/dev/null
"$bin" --data-dir "$data" serve --bind "127.0.0.1:$port" >/dev/null &
server=$!
for _ in $(seq 1 50); do
    (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.2
done
cd "$here"
[ -d node_modules/playwright-core ] || npm install --no-audit --no-fund --silent
export GAZETTE_URL="http://127.0.0.1:$port" GAZETTE_PASSWORD="$password"
status=0
[ -n "${ONLY_XSS:-}" ] || node newsroom.mjs || status=1
[ -n "${ONLY_XSS:-}" ] || node live.mjs || status=1
[ -n "${ONLY_XSS:-}" ] || node editions.mjs || status=1
# After the newsroom test: it fills the site's settings and names with payloads.
node xss.mjs || status=1
exit "$status"
