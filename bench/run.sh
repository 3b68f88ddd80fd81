#!/usr/bin/env bash
# The speed benchmark: Gazette against nginx serving the same article page as a static file, on
# this machine, in the same run. Builds in release mode, generates a site with ARTICLES articles
# (100,000 by default), then runs wrk (one thread, 32 connections) with the server pinned to CPU 0
# and wrk to CPU 1. One client thread, because on one core wrk -t2 measures itself: nginx serves
# 55k requests/s to it and 83-91k to wrk -t1 on the same core (WRK_THREADS=2 shows the old figure).
# Prints requests/s (the median of RUNS runs) and p50/p99 latency per scenario and the
# Gazette/nginx ratio, and writes the table to bench/results/latest.md.
#
#   bench/run.sh                 # full run: a minute or two to generate, then about 4 minutes
#   ARTICLES=10000 DURATION=5s RUNS=1 bench/run.sh   # a quicker look
#   SKIP_BUILD=1 bench/run.sh    # measure the release binary already built
#
# Only 127.0.0.1 is used; every server started here is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

ARTICLES="${ARTICLES:-100000}"
DURATION="${DURATION:-10s}"
RUNS="${RUNS:-3}"
# nginx and Gazette's cached page are compared over more runs: the ratio is what the run is for.
PAIRS="${PAIRS:-7}"
WRK_THREADS="${WRK_THREADS:-1}"
WORK="${BENCH_DIR:-/tmp/gazette-bench}"
GAZETTE_PORT=18080
NGINX_PORT=18081
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/gazette-target}"
BIN="$CARGO_TARGET_DIR/release/gazette"

need() { command -v "$1" >/dev/null 2>&1; }
if ! need wrk || ! need nginx || ! need taskset; then
    echo "Installing wrk and nginx from Debian's packages..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light util-linux >/dev/null
fi

# SKIP_BUILD=1 measures the release binary already built (while other builds would skew the run).
if [ "${SKIP_BUILD:-0}" != 1 ]; then
    echo "==> release build"
    cargo build --release --locked -p gazette
fi

PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

mkdir -p "$WORK"
DATA="$WORK/data-$ARTICLES"
if [ ! -f "$DATA/.generated" ]; then
    echo "==> generating a site with $ARTICLES articles in $DATA"
    rm -rf "$DATA"
    start=$(date +%s)
    "$BIN" generate --data-dir "$DATA" --articles "$ARTICLES"
    echo "generated in $(( $(date +%s) - start )) s"
    start=$(date +%s)
    "$BIN" reindex --data-dir "$DATA"
    echo "search index built in $(( $(date +%s) - start )) s"
    touch "$DATA/.generated"
fi

start_gazette() {
    # Another server on the port would answer the health check and be measured instead.
    if curl -s -o /dev/null "http://127.0.0.1:$GAZETTE_PORT/"; then
        echo "something already listens on 127.0.0.1:$GAZETTE_PORT; stop it first"; exit 1
    fi
    taskset -c 0 "$BIN" serve --data-dir "$DATA" --bind "127.0.0.1:$GAZETTE_PORT" "$@" >"$WORK/gazette.log" 2>&1 &
    GAZETTE_PID=$!
    PIDS+=("$GAZETTE_PID")
    for _ in $(seq 1 100); do
        curl -sf "http://127.0.0.1:$GAZETTE_PORT/healthz" >/dev/null && return 0
        sleep 0.1
    done
    echo "gazette did not start:"; cat "$WORK/gazette.log"; exit 1
}
stop_gazette() { kill -INT "$GAZETTE_PID"; wait "$GAZETTE_PID" 2>/dev/null || true; }

start_gazette
BASE="http://127.0.0.1:$GAZETTE_PORT"
ARTICLE_PATH=$(curl -sf "$BASE/war" | grep -o 'href="/war/[^"]*"' | head -n1 | cut -d'"' -f2)
SEARCH_PATH="/search?q=kharkiv+drones"
ARTICLE_ID=$(curl -sf "$BASE$ARTICLE_PATH" | grep -o 'data-article="[0-9]*"' | head -n1 | grep -o '[0-9]*')
echo "article: $ARTICLE_PATH (id $ARTICLE_ID)"

# What the server costs doing nothing: its background work (change-log polling, the scheduler,
# lease renewals, view flushes) over 10 quiet seconds, in % of one core.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$GAZETTE_PID/stat"; }
sleep 2
IDLE_START=$(cpu_ticks)
sleep 10
IDLE_CPU=$(awk -v t="$(( $(cpu_ticks) - IDLE_START ))" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f", 100 * t / hz / 10 }')
echo "idle: ${IDLE_CPU}% of a core over 10 s"

# nginx serves the very bytes Gazette serves for that page.
NGINX_ROOT="$WORK/nginx"
mkdir -p "$NGINX_ROOT/www" "$NGINX_ROOT/tmp"
curl -sf "$BASE$ARTICLE_PATH" -o "$NGINX_ROOT/www/article.html"
cat >"$NGINX_ROOT/nginx.conf" <<CONF
worker_processes 1;
pid $NGINX_ROOT/nginx.pid;
error_log $NGINX_ROOT/error.log;
events { worker_connections 1024; }
http {
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_requests 100000;
    client_body_temp_path $NGINX_ROOT/tmp; proxy_temp_path $NGINX_ROOT/tmp;
    fastcgi_temp_path $NGINX_ROOT/tmp; uwsgi_temp_path $NGINX_ROOT/tmp; scgi_temp_path $NGINX_ROOT/tmp;
    types { text/html html; }
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $NGINX_ROOT/www;
    }
}
CONF
taskset -c 0 nginx -c "$NGINX_ROOT/nginx.conf" -g 'daemon off;' &
PIDS+=($!)
sleep 0.5
curl -sf "http://127.0.0.1:$NGINX_PORT/article.html" >/dev/null

cat >"$WORK/beacon.lua" <<'LUA'
-- Every request a different reader (address), so each one is counted.
counter = 0
request = function()
    counter = counter + 1
    local headers = { ["User-Agent"] = "Mozilla/5.0 (X11; Linux x86_64) Chrome/156.0 Safari/537.36",
                      ["X-Forwarded-For"] = "10." .. (counter % 250) .. "." .. (math.floor(counter / 250) % 250) .. ".1" }
    return wrk.format("POST", wrk.path, headers, "")
end
LUA

RESULTS=()
# Each scenario: a 2-second warm-up (connections, caches, allocator), then RUNS runs of DURATION;
# the run with the median requests/s is reported, with every run's figure beside it. This machine
# is virtualised and its speed drifts by 10% or more from one minute to the next, so one run can
# say more about its neighbours than about the server.
warm_up() { # url [extra wrk args...]
    local url="$1"; shift
    curl -sf -o /dev/null "$url" -X "$( [ "${1:-}" = "-s" ] && echo POST || echo GET)" || true
    taskset -c 1 wrk -t"$WRK_THREADS" -c32 -d2s "$@" "$url" >/dev/null
}
wrk_run() { # url [extra wrk args...]
    local url="$1"; shift
    taskset -c 1 wrk -t"$WRK_THREADS" -c32 -d"$DURATION" --latency "$@" "$url"
}
rps_of() { echo "$1" | awk '/Requests\/sec/ {print $2}'; }
# Prints and records the median of the runs given as wrk outputs.
summarise() { # name output...
    local name="$1"; shift
    local outs=("$@") all="" median
    for out in "${outs[@]}"; do all="$all $(rps_of "$out" | awk '{printf "%.0f", $1}')"; done
    median=$(for i in "${!outs[@]}"; do echo "$(rps_of "${outs[$i]}") $i"; done \
        | sort -n | awk -v n="${#outs[@]}" 'NR == int((n + 1) / 2) {print $2}')
    local out="${outs[$median]}"
    local rps p50 p99 errors
    rps=$(rps_of "$out")
    p50=$(echo "$out" | awk '$1=="50%" {print $2}')
    p99=$(echo "$out" | awk '$1=="99%" {print $2}')
    errors=$(echo "$out" | awk '/Non-2xx|Socket errors/ {print}' | tr '\n' ' ')
    printf '%-34s %12s req/s   p50 %-9s p99 %-9s runs:%s %s\n' "$name" "$rps" "$p50" "$p99" "$all" "$errors"
    RESULTS+=("| $name | $rps | $p50 | $p99 |$all |")
}
measure() { # name url [extra wrk args...]
    local name="$1"; shift
    warm_up "$@"
    local outs=()
    for _ in $(seq 1 "$RUNS"); do outs+=("$(wrk_run "$@")"); done
    summarise "$name" "${outs[@]}"
}

echo "==> wrk -t$WRK_THREADS -c32 -d$DURATION, median of $RUNS runs ($PAIRS for nginx and the cached page; server on CPU 0, wrk on CPU 1)"
# nginx and Gazette's cached page run alternately, so that the machine's drift from one minute to
# the next falls on both alike; the ratio is the median of the ratios of each adjacent pair.
NGINX_URL="http://127.0.0.1:$NGINX_PORT/article.html"
warm_up "$NGINX_URL"
warm_up "$BASE$ARTICLE_PATH"
NGINX_OUTS=() GAZETTE_OUTS=() PAIR_RATIOS=()
for _ in $(seq 1 "$PAIRS"); do
    NGINX_OUTS+=("$(wrk_run "$NGINX_URL")")
    GAZETTE_OUTS+=("$(wrk_run "$BASE$ARTICLE_PATH")")
    PAIR_RATIOS+=("$(awk -v g="$(rps_of "${GAZETTE_OUTS[-1]}")" -v n="$(rps_of "${NGINX_OUTS[-1]}")" 'BEGIN { printf "%.2f", g / n }')")
done
summarise "nginx: static article page" "${NGINX_OUTS[@]}"
summarise "gazette: cached article page" "${GAZETTE_OUTS[@]}"
RATIO=$(printf '%s\n' "${PAIR_RATIOS[@]}" | sort -n | awk -v n="$PAIRS" 'NR == int((n + 1) / 2) {print}')
measure "gazette: home page (cached)" "$BASE/"
# The Content API, cached and served like pages: the article list and one article.
measure "gazette: Content API article list (cached)" "$BASE/api/v1/articles"
measure "gazette: Content API one article (cached)" "$BASE/api/v1/articles/$ARTICLE_ID"
# Memory with every article page, list and the home page's data loaded, before search maps its
# index files in.
RSS_KB=$(awk '/VmRSS/ {print $2}' "/proc/$GAZETTE_PID/status")
measure "gazette: search query" "$BASE$SEARCH_PATH"
measure "gazette: view beacon" "$BASE/views/$ARTICLE_ID" -s "$WORK/beacon.lua"
RSS_AFTER_KB=$(awk '/VmRSS/ {print $2}' "/proc/$GAZETTE_PID/status")
ANON_AFTER_KB=$(awk '/RssAnon/ {print $2}' "/proc/$GAZETTE_PID/status")
stop_gazette

start_gazette --no-cache
measure "gazette: article render, no cache" "$BASE$ARTICLE_PATH"
stop_gazette

echo
echo "cached article page: Gazette/nginx = ${RATIO}x (median of the alternating pairs: ${PAIR_RATIOS[*]})"
echo "idle server: ${IDLE_CPU}% of one core"
echo "resident memory: $((RSS_KB / 1024)) MB after the page runs; $((RSS_AFTER_KB / 1024)) MB after search and beacons, of which $((ANON_AFTER_KB / 1024)) MB is the process's own (the rest is the search index's files, mapped and shared with the OS page cache)"

mkdir -p bench/results
{
    echo "# Benchmark run $(date -u +%Y-%m-%dT%H:%MZ)"
    echo
    echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')."
    echo "Site: $ARTICLES generated articles plus the demo, SQLite. wrk -t$WRK_THREADS -c32 -d$DURATION, the median of $RUNS runs ($PAIRS alternating pairs for nginx and the cached page) after a 2 s warm-up; server on CPU 0, wrk on CPU 1."
    echo
    echo "| scenario | requests/s (median run) | p50 | p99 | every run |"
    echo "|---|---|---|---|---|"
    printf '%s\n' "${RESULTS[@]}"
    echo
    echo "Cached article page, Gazette/nginx: **${RATIO}x** (the median of ${PAIRS} alternating nginx/Gazette pairs: ${PAIR_RATIOS[*]})."
    echo "Idle server (background work only): ${IDLE_CPU}% of one core over 10 s."
    echo "Resident memory: $((RSS_KB / 1024)) MB after the page runs; $((RSS_AFTER_KB / 1024)) MB after search and beacons, of which $((ANON_AFTER_KB / 1024)) MB anonymous (the rest is the search index's mapped files)."
} > bench/results/latest.md
echo "written to bench/results/latest.md"
