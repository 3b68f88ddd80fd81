#!/usr/bin/env bash
# The browser test: a fresh data folder with the demo paper and two newsroom accounts, the real
# binary serving it, and newsroom.mjs driving headless Chromium against it.
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
"$bin" --data-dir "$data" serve --bind "127.0.0.1:$port" >/dev/null &
server=$!
for _ in $(seq 1 50); do
    (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.2
done
cd "$here"
[ -d node_modules/playwright-core ] || npm install --no-audit --no-fund --silent
GAZETTE_URL="http://127.0.0.1:$port" GAZETTE_PASSWORD="$password" node newsroom.mjs
