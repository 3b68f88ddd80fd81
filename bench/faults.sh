#!/usr/bin/env bash
# Load and faults at once, on this machine, against 127.0.0.1 only; every process started here
# stops by itself or on exit. Measures what a reader of a cached page sees while the server is
# also under a sign-in burst, slow clients and random query strings, and how much memory that
# costs against the configured cache bound.
#
#   bench/faults.sh                  # release build (bench/run.sh's), 20 s of load
#   GAZETTE_BIN=/path/to/gazette DURATION=10 bench/faults.sh
#
# Scenarios: (1) random query strings alone: requests/s and memory; (2) everything at once:
# 256 connections on a cached page + a 20-thread sign-in burst + 300 slow POST bodies + random
# query strings; p50/p99 of the cached page and its errors.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION="${DURATION:-20}"
PORT=18090
CACHE_MB="${CACHE_MB:-64}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/gazette-target}"
BIN="${GAZETTE_BIN:-$CARGO_TARGET_DIR/release/gazette}"
WORK="$(mktemp -d)"

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
[ -x "$BIN" ] || cargo build --release --locked -p gazette

SERVER=""
cleanup() { [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT

# wrk's readers all come from 127.0.0.1 (288 connections at once); the attackers from 127.0.0.2
# and .3 (bench/faults/attackers.py), each under the per-address limit set here.
printf 'cache_max_mb = %s\nmax_connections_per_address = 400\n' "$CACHE_MB" >"$WORK/gazette.toml"
(cd "$WORK" && exec "$BIN" serve --bind "127.0.0.1:$PORT" --data-dir "$WORK/data") >"$WORK/out.log" 2>"$WORK/err.log" &
SERVER=$!
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
ARTICLE="$(curl -s "http://127.0.0.1:$PORT/" | grep -o 'href="/[a-z-]*/[a-z0-9-]*"' | head -1 | cut -d'"' -f2)"
URL="http://127.0.0.1:$PORT$ARTICLE"
curl -s -o /dev/null "$URL"

rss() { awk '/VmRSS/ { printf "%d MiB", $2 / 1024 }' "/proc/$SERVER/status"; }
echo "binary: $BIN"
echo "page: $ARTICLE; cache_max_mb = $CACHE_MB"
echo "memory at start: $(rss)"

echo
echo "== (1) random query strings alone, $DURATION s"
wrk -t1 -c32 -d"${DURATION}s" -s bench/faults/random_query.lua "$URL" -- "$ARTICLE" | grep -E "Requests/sec|Non-2xx|Socket errors" || true
echo "memory after: $(rss)"
sleep 5
echo "memory idle 5 s later: $(rss)"

echo
echo "== (2) everything at once, $DURATION s"
python3 bench/faults/attackers.py signin "$PORT" "$DURATION" &
python3 bench/faults/attackers.py slow "$PORT" "$DURATION" 300 &
wrk -t1 -c32 -d"${DURATION}s" -s bench/faults/random_query.lua "$URL" -- "$ARTICLE" >/dev/null &
sleep 1
echo "cached page, 256 connections:"
wrk -t1 -c256 -d"$((DURATION - 2))s" --latency "$URL" | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors" || true
wait $(jobs -p | grep -v "^$SERVER$") 2>/dev/null || true
echo "memory after: $(rss)"
