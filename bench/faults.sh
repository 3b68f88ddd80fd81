#!/usr/bin/env bash
# Load and faults at once, on this machine, against 127.0.0.1 only; every process started here
# stops by itself or on exit. Measures what a reader of a cached page sees while the server is
# also under a sign-in burst, slow clients and random query strings, and how much memory that
# costs against the configured cache bound.
#
#   bench/faults.sh                  # release build (bench/run.sh's), 20 s of load
#   GAZETTE_BIN=/path/to/gazette DURATION=10 bench/faults.sh
#   DATABASE=postgres bench/faults.sh   # on a PostgreSQL cluster of its own, then (3) below
#
# Scenarios: (1) random query strings alone: requests/s and memory; (2) everything at once:
# 256 connections on a cached page + a 20-thread sign-in burst + 300 slow POST bodies + random
# query strings; p50/p99 of the cached page and its errors. With DATABASE=postgres: (3) the
# same as (2) with the database stopped (a throwaway cluster made with pg_createcluster on port
# 5499 and dropped on exit, so the machine's own PostgreSQL is never touched).
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
DATABASE="${DATABASE:-sqlite}"
PG_VERSION="$(ls /etc/postgresql 2>/dev/null | sort -n | tail -n1)"
PG_CLUSTER=gazette_faults
PG_PORT=5499
cleanup() {
    [ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null
    wait 2>/dev/null || true
    if [ "$DATABASE" = postgres ]; then
        pg_dropcluster --stop "$PG_VERSION" "$PG_CLUSTER" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

if [ "$DATABASE" = postgres ]; then
    pg_dropcluster --stop "$PG_VERSION" "$PG_CLUSTER" 2>/dev/null || true
    pg_createcluster -q "$PG_VERSION" "$PG_CLUSTER" -p "$PG_PORT" -- --auth=trust >/dev/null
    pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start
    export GAZETTE_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
    # An empty PostgreSQL database gets no demo paper by itself (SQLite's default data folder does).
    "$BIN" --data-dir "$WORK/data" demo >/dev/null
fi

# wrk's readers all come from 127.0.0.1 (288 connections at once); the attackers from 127.0.0.2
# and .3 (bench/faults/attackers.py), each under the per-address limit set here.
# Another server on the port would answer instead and be measured.
if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then
    echo "something already listens on 127.0.0.1:$PORT; stop it first" >&2
    exit 1
fi
printf 'cache_max_mb = %s\nmax_connections_per_address = 400\n' "$CACHE_MB" >"$WORK/gazette.toml"
(cd "$WORK" && exec "$BIN" serve --bind "127.0.0.1:$PORT" --data-dir "$WORK/data") >"$WORK/out.log" 2>"$WORK/err.log" &
SERVER=$!
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.2; done
ARTICLE="$(curl -s "http://127.0.0.1:$PORT/" | grep -o 'href="/[a-z-]*/[a-z0-9-]*"' | sed -n 1p | cut -d'"' -f2)"
URL="http://127.0.0.1:$PORT$ARTICLE"
curl -s -o /dev/null "$URL"

rss() { awk '/VmRSS/ { printf "%d MiB", $2 / 1024 }' "/proc/$SERVER/status"; }
echo "binary: $BIN"
echo "page: $ARTICLE; cache_max_mb = $CACHE_MB; database: $DATABASE"
echo "memory at start: $(rss)"

echo
echo "== (1) random query strings alone, $DURATION s"
wrk -t1 -c32 -d"${DURATION}s" -s bench/faults/random_query.lua "$URL" -- "$ARTICLE" | grep -E "Requests/sec|Non-2xx|Socket errors" || true
echo "memory after: $(rss)"
sleep 5
echo "memory idle 5 s later: $(rss)"


# Everything at once: the attackers, the random query strings and 256 readers of the cached page.
everything_at_once() {
    python3 bench/faults/attackers.py signin "$PORT" "$DURATION" &
    python3 bench/faults/attackers.py slow "$PORT" "$DURATION" 300 &
    wrk -t1 -c32 -d"${DURATION}s" -s bench/faults/random_query.lua "$URL" -- "$ARTICLE" >/dev/null &
    sleep 1
    echo "cached page, 256 connections:"
    wrk -t1 -c256 -d"$((DURATION - 2))s" --latency "$URL" | grep -E "Requests/sec|50%|99%|Non-2xx|Socket errors" || true
    wait $(jobs -p | grep -v "^$SERVER$") 2>/dev/null || true
}

echo
echo "== (2) everything at once, $DURATION s"
everything_at_once
echo "memory after: $(rss)"

if [ "$DATABASE" = postgres ]; then
    echo
    echo "== (3) everything at once with the database stopped, $DURATION s"
    curl -s -o /dev/null "$URL"
    pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" stop -m fast
    echo "database stopped: $(pg_isready -h 127.0.0.1 -p "$PG_PORT" || true)"
    everything_at_once
    echo "a page not in the cache: $(curl -s -o /dev/null -w '%{http_code} in %{time_total} s' "http://127.0.0.1:$PORT/nowhere-$RANDOM")"
    echo "memory after: $(rss)"
fi
