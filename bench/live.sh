#!/usr/bin/env bash
# The live-push benchmark (bench/LIVE.md): Server-Sent-Event streams held open on one live blog by
# bench/live-load, entries posted through the newsroom, delivery timed per stream.
#
# One node (SQLite, the demo site, server on CPU 0, load generator and wrk on CPU 1):
#   1. wrk on a cached article page without streams and with READERS (10,000) streams open on the
#      demo's live blog, in RUNS alternating pairs; server memory with 0 and READERS streams; the
#      server's CPU while it holds them idle.
#   2. ENTRIES entries posted every INTERVAL s to READERS streams: latency from each posting
#      request's return to each stream's receipt.
# Two nodes (PostgreSQL, nginx in front, nothing pinned), unless TWO_NODES=0 (ONE_NODE=0 skips
# the one-node part):
#   3. READERS streams through nginx (least_conn: half on each node), entries posted on node A
#      directly; memory of both nodes.
#   4. The same streams connected to the nodes directly (half each), to set nginx apart.
#   5. wrk through nginx, without and with READERS streams, as in 1.
#
#   bench/live.sh
#   READERS=2000 ENTRIES=3 RUNS=1 DURATION=5s bench/live.sh       # a quick look
#   GAZETTE_BIN=/path/to/release/gazette bench/live.sh             # skip the release build
#
# Only 127.0.0.1 (and 127.0.0.2.. as source addresses when SOURCES > 1) is used; everything
# started here is stopped on exit, and the PostgreSQL database it creates is dropped.
set -euo pipefail
cd "$(dirname "$0")/.."

READERS="${READERS:-10000}"
ENTRIES="${ENTRIES:-10}"
INTERVAL="${INTERVAL:-3}"
SOURCES="${SOURCES:-1}"
DURATION="${DURATION:-10s}"
RUNS="${RUNS:-3}"
ONE_NODE="${ONE_NODE:-1}"
TWO_NODES="${TWO_NODES:-1}"
PG="${GAZETTE_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
PORT=18180
WORK="$(mktemp -d /tmp/gazette-live-bench.XXXXXX)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/gazette-target}"
BENCH_TARGET="${BENCH_TARGET_DIR:-/var/cache/gazette-bench-target}"
PASSWORD="live-bench-password-1"
EMAIL="editor@example.com"

# Every stream is a file descriptor in the server and in the generator (and two in nginx).
HARD=$(ulimit -Hn)
ulimit -n "$HARD"
NOFILE=$(ulimit -n)
echo "open-file limit: $NOFILE (hard limit $HARD)"
if [ "$NOFILE" != unlimited ] && [ "$NOFILE" -lt $((READERS + 500)) ]; then
    echo "the open-file limit $NOFILE does not fit $READERS streams plus the server's own files;" \
        "raise the hard limit (ulimit -Hn) or lower READERS" >&2
    exit 1
fi
MAX_CONNECTIONS=$((NOFILE - 1000))

need() { command -v "$1" >/dev/null 2>&1; }
if ! need wrk || ! need nginx || ! need taskset || ! need sqlite3; then
    echo "Installing wrk, nginx, sqlite3 from Debian's packages..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk nginx-light \
        util-linux sqlite3 >/dev/null
fi

if [ -n "${GAZETTE_BIN:-}" ]; then
    BIN="$GAZETTE_BIN"
else
    echo "==> release build"
    cargo build --release --locked -p gazette
    BIN="$CARGO_TARGET_DIR/release/gazette"
fi
echo "==> the load generator"
(cd bench/live-load && CARGO_TARGET_DIR="$BENCH_TARGET" cargo build --release --locked -q)
LOAD="$BENCH_TARGET/release/live-load"

PIDS=()
PGDB=""
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [ -n "$PGDB" ]; then
        psql -X -q "$PG" -c "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)" >/dev/null 2>&1 || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

wait_healthy() { # address log
    for _ in $(seq 1 150); do
        curl -sf -o /dev/null "http://$1/healthz" && return 0
        sleep 0.1
    done
    echo "no server on $1:"; cat "$2"; exit 1
}
rps_of() { echo "$1" | awk '/Requests\/sec/ {print $2}'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# One wrk run; prints it and sets WRK_RPS.
wrk_once() { # label url [taskset cpu list or ""]
    local label="$1" url="$2" cpus="$3" out
    if [ -n "$cpus" ]; then
        out=$(taskset -c "$cpus" wrk -t1 -c32 -d"$DURATION" --latency "$url")
    else
        out=$(wrk -t1 -c32 -d"$DURATION" --latency "$url")
    fi
    WRK_RPS=$(rps_of "$out")
    printf '  wrk %-22s %10s req/s  p50 %-8s p99 %-8s load %s %s\n' "$label" "$WRK_RPS" \
        "$(echo "$out" | awk '$1=="50%" {print $2}')" "$(echo "$out" | awk '$1=="99%" {print $2}')" \
        "$(cut -d' ' -f1 /proc/loadavg)" "$(echo "$out" | awk '/Non-2xx|Socket errors/' | tr '\n' ' ')"
}
cpu_ticks() { # pids...: their user + system time, in clock ticks
    local t=0 pid
    for pid in "$@"; do t=$((t + $(awk '{print $14 + $15}' "/proc/$pid/stat"))); done
    echo "$t"
}
# Throughput of a cached page without and with READERS streams open, in RUNS alternating pairs
# (without, then with), so that the machine's drift falls on both alike; the ratio is the median
# of the pairs' ratios. The first pair also reads the servers' memory, and their CPU over 15 s
# (one heartbeat period) of holding the streams with nothing else to do.
compare_throughput() { # name url cpus live-load-args...
    local name="$1" url="$2" cpus="$3" i without with ratios=() withs=() withouts=() t0
    shift 3
    curl -sf -o /dev/null "$url"
    if [ -n "$cpus" ]; then taskset -c "$cpus" wrk -t1 -c32 -d2s "$url" >/dev/null
    else wrk -t1 -c32 -d2s "$url" >/dev/null; fi
    for i in $(seq 1 "$RUNS"); do
        wrk_once "without streams" "$url" "$cpus"
        without="$WRK_RPS"
        hold_streams "$WORK/hold-$name-$i.txt" "$cpus" "$@"
        grep -E '^(connected|memory)' "$WORK/hold-$name-$i.txt" | sed 's/^/  /' || true
        if [ "$i" = 1 ]; then
            [ "${#NODE_PIDS[@]}" -gt 1 ] && echo "  established streams per node: $(per_node)"
            local proxy=() p0 h0
            [ -n "${NGINX_PID:-}" ] && mapfile -t proxy < <(pgrep -P "$NGINX_PID")
            t0=$(cpu_ticks "${SERVER_PIDS[@]}")
            h0=$(cpu_ticks "$HOLDER")
            p0=$(cpu_ticks "${proxy[@]}")
            sleep 15
            percent() { awk -v t="$1" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.1f%%", 100 * t / hz / 15 }'; }
            echo "  CPU over 15 s holding $READERS idle streams (no requests), in % of one core:" \
                "server(s) $(percent $(( $(cpu_ticks "${SERVER_PIDS[@]}") - t0 ))) (heartbeats and background work)," \
                "live-load $(percent $(( $(cpu_ticks "$HOLDER") - h0 )))${NGINX_PID:+, nginx workers $(percent $(( $(cpu_ticks "${proxy[@]}") - p0 )))}"
        fi
        wrk_once "with $READERS streams" "$url" "$cpus"
        with="$WRK_RPS"
        release_streams
        grep -E '^streams' "$WORK/hold-$name-$i.txt" | sed 's/^/  /' || true
        # Closing 10,000 connections is work too: let it finish before the next run without.
        sleep 5
        withouts+=("$without")
        withs+=("$with")
        ratios+=("$(awk -v w="$with" -v o="$without" 'BEGIN { printf "%.3f", w / o }')")
    done
    echo "cached article page, $name: with $READERS streams / without =" \
        "$(printf '%s\n' "${ratios[@]}" | median | awk '{ printf "%.1f%%", 100 * $1 }')" \
        "(median of the pairs: ${ratios[*]}); medians $(printf '%s\n' "${withs[@]}" | median) req/s with," \
        "$(printf '%s\n' "${withouts[@]}" | median) req/s without"
}

# Holds READERS streams in the background (live-load --entries 0) until stopped; waits until
# every one is connected. Sets HOLDER.
hold_streams() { # out-file cpus live-load-args...
    local out="$1" cpus="$2"; shift 2
    rm -f "$WORK/ready"
    if [ -n "$cpus" ]; then
        taskset -c "$cpus" "$LOAD" --entries 0 --ready-file "$WORK/ready" "$@" >"$out" 2>&1 &
    else
        "$LOAD" --entries 0 --ready-file "$WORK/ready" "$@" >"$out" 2>&1 &
    fi
    HOLDER=$!
    PIDS+=("$HOLDER")
    for _ in $(seq 1 3000); do
        [ -f "$WORK/ready" ] && return 0
        kill -0 "$HOLDER" 2>/dev/null || { cat "$out"; exit 1; }
        sleep 0.1
    done
    echo "the streams did not connect:"; cat "$out"; exit 1
}
release_streams() {
    kill -TERM "$HOLDER"
    wait "$HOLDER" || true
}

echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo)," \
    "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); $(uname -sr)"
echo "readers $READERS, entries $ENTRIES every ${INTERVAL}s, source addresses $SOURCES," \
    "wrk -t1 -c32 -d$DURATION, $RUNS pairs without/with streams"

# ------------------------------------------------------------------ one node, SQLite
if [ "$ONE_NODE" = 1 ]; then
echo
echo "==> one node (SQLite, demo site; server on CPU 0, live-load and wrk on CPU 1)"
DATA="$WORK/data"
"$BIN" init --data-dir "$DATA" >/dev/null
"$BIN" demo --data-dir "$DATA" >/dev/null
echo "$PASSWORD" | "$BIN" user add --email "$EMAIL" --name "Live Bench" --role editor \
    --data-dir "$DATA" >/dev/null
BLOG=$(sqlite3 "$DATA/gazette.db" "SELECT article_id FROM live_blogs ORDER BY article_id LIMIT 1")
if curl -s -o /dev/null "http://127.0.0.1:$PORT/"; then
    echo "something already listens on 127.0.0.1:$PORT; stop it first"; exit 1
fi
GAZETTE_MAX_CONNECTIONS=$MAX_CONNECTIONS GAZETTE_MAX_CONNECTIONS_PER_ADDRESS=0 GAZETTE_LOG=warn \
    taskset -c 0 "$BIN" serve --data-dir "$DATA" --bind "127.0.0.1:$PORT" --no-demo \
    >"$WORK/serve.out" 2>"$WORK/serve.log" &
SERVER=$!
PIDS+=("$SERVER")
wait_healthy "127.0.0.1:$PORT" "$WORK/serve.log"
BASE="http://127.0.0.1:$PORT"
ARTICLE_PATH=$(curl -sf "$BASE/war" | grep -o 'href="/war/[^"]*"' | head -n1 | cut -d'"' -f2)
echo "live blog: article $BLOG; article page for wrk: $ARTICLE_PATH"

# Memory and throughput first, on a server that has held no streams yet.
echo "--> cached article page: without streams and with $READERS streams open, $RUNS alternating pairs"
curl -sf -o /dev/null "$BASE/live/updates.json?blog=$BLOG"
SERVER_PIDS=("$SERVER")
NODE_PIDS=()
NGINX_PID=""
# The demo's blog has ended: --start-coverage makes it live, so every stream follows it.
compare_throughput one-node "$BASE$ARTICLE_PATH" 1 --addr "127.0.0.1:$PORT" --blog "$BLOG" \
    --connections "$READERS" --sources "$SOURCES" --server-pid "$SERVER" --start-coverage \
    --email "$EMAIL" --password "$PASSWORD"

echo "--> delivery: $READERS streams, $ENTRIES entries posted every ${INTERVAL}s"
taskset -c 1 "$LOAD" --addr "127.0.0.1:$PORT" --blog "$BLOG" --connections "$READERS" \
    --sources "$SOURCES" --entries "$ENTRIES" --interval "$INTERVAL" --email "$EMAIL" \
    --password "$PASSWORD" --start-coverage --server-pid "$SERVER" | tee "$WORK/one-node.txt"
kill -INT "$SERVER"
wait "$SERVER" 2>/dev/null || true
if grep -q . "$WORK/serve.log"; then echo "server warnings:"; tail -n 5 "$WORK/serve.log"; fi

fi
[ "$TWO_NODES" = 1 ] || exit 0

# ------------------------------------------------------------------ two nodes, PostgreSQL, nginx
echo
echo "==> two nodes (PostgreSQL, nginx in front; nothing pinned)"
PGDB="gazette_live_bench_$$"
psql -X -q "$PG" -c "CREATE DATABASE $PGDB"
DB="${PG%/*}/$PGDB"
"$BIN" init --data-dir "$WORK/setup" --database-url "$DB" >/dev/null
"$BIN" demo --data-dir "$WORK/setup" --database-url "$DB" >/dev/null
echo "$PASSWORD" | "$BIN" user add --email "$EMAIL" --name "Live Bench" --role editor \
    --data-dir "$WORK/setup" --database-url "$DB" >/dev/null
BLOG=$(psql -X -q -t -A "$DB" -c "SELECT article_id FROM live_blogs ORDER BY article_id LIMIT 1")
NODES=() NODE_PIDS=()
for n in 1 2; do
    mkdir -p "$WORK/node$n"
    GAZETTE_MAX_CONNECTIONS=$MAX_CONNECTIONS GAZETTE_MAX_CONNECTIONS_PER_ADDRESS=0 GAZETTE_LOG=warn \
        "$BIN" serve --bind "127.0.0.1:$((PORT + n))" --data-dir "$WORK/node$n" --database-url "$DB" \
        --no-demo >"$WORK/node$n.out" 2>"$WORK/node$n.log" &
    PIDS+=("$!")
    NODE_PIDS+=("$!")
    NODES+=("127.0.0.1:$((PORT + n))")
    wait_healthy "127.0.0.1:$((PORT + n))" "$WORK/node$n.log"
done
LB="127.0.0.1:$((PORT + 10))"
# Two workers, so that each holds half the streams: every stream is two descriptors in nginx
# (reader and node), and one worker could not hold 2 x READERS under the open-file limit.
cat >"$WORK/nginx.conf" <<CONF
worker_processes 2;
worker_rlimit_nofile $NOFILE;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections $((NOFILE - 100)); }
http {
    access_log off;
    client_body_temp_path $WORK/nginx-body;
    proxy_temp_path $WORK/nginx-proxy;
    upstream gazette {
        least_conn;
        server ${NODES[0]};
        server ${NODES[1]};
        keepalive 64;
        keepalive_timeout 5s;  # under Gazette's 10 s idle limit
    }
    server {
        listen $LB reuseport;
        location / {
            proxy_pass http://gazette;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$host;
            proxy_set_header X-Forwarded-For \$remote_addr;
        }
        # The push stream: no buffering, and held far longer than the 15 s heartbeat.
        location /live/stream {
            proxy_pass http://gazette;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$host;
            proxy_set_header X-Forwarded-For \$remote_addr;
            proxy_buffering off;
            proxy_cache off;
            proxy_read_timeout 1h;
            proxy_send_timeout 1h;
        }
    }
}
CONF
nginx -c "$WORK/nginx.conf" -g 'daemon off;' &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
wait_healthy "$LB" "$WORK/nginx-error.log"
echo "nodes: A ${NODES[0]} (pid ${NODE_PIDS[0]}), B ${NODES[1]} (pid ${NODE_PIDS[1]}); nginx $LB; live blog: article $BLOG"
# Streams per node, counted by the kernel: established connections to each node's port.
per_node() {
    for n in 0 1; do
        printf '%s %s  ' "${NODES[$n]}" \
            "$(ss -Htn state established "( sport = :${NODES[$n]##*:} )" | wc -l)"
    done
    echo
}

echo "--> delivery through nginx: $READERS streams, $ENTRIES entries posted on node A"
"$LOAD" --addr "$LB" --post-addr "${NODES[0]}" --blog "$BLOG" --connections "$READERS" \
    --sources "$SOURCES" --entries "$ENTRIES" --interval "$INTERVAL" --email "$EMAIL" \
    --password "$PASSWORD" --start-coverage --server-pid "${NODE_PIDS[0]}" \
    --server-pid "${NODE_PIDS[1]}" --ready-file "$WORK/ready-two" >"$WORK/two-nodes.txt" 2>&1 &
DELIVERY=$!
PIDS+=("$DELIVERY")
for _ in $(seq 1 3000); do
    [ -f "$WORK/ready-two" ] && break
    kill -0 "$DELIVERY" 2>/dev/null || break
    sleep 0.1
done
sleep 1
echo "  established streams per node: $(per_node)"
wait "$DELIVERY" || { cat "$WORK/two-nodes.txt"; exit 1; }
cat "$WORK/two-nodes.txt"

echo "--> delivery, nginx set apart: $((READERS / 2)) streams straight to each node, posted on node A"
"$LOAD" --stream-addr "${NODES[0]}" --stream-addr "${NODES[1]}" --addr "${NODES[0]}" \
    --blog "$BLOG" --connections "$READERS" --sources "$SOURCES" --entries "$ENTRIES" \
    --interval "$INTERVAL" --email "$EMAIL" --password "$PASSWORD" --quiet | tee "$WORK/two-direct.txt"

echo "--> cached article page through nginx: without streams and with $READERS streams, $RUNS alternating pairs"
ARTICLE_PATH=$(curl -sf "http://$LB/war" | grep -o 'href="/war/[^"]*"' | head -n1 | cut -d'"' -f2)
SERVER_PIDS=("${NODE_PIDS[@]}")
compare_throughput two-nodes "http://$LB$ARTICLE_PATH" "" --addr "$LB" --blog "$BLOG" \
    --connections "$READERS" --sources "$SOURCES" --server-pid "${NODE_PIDS[0]}" \
    --server-pid "${NODE_PIDS[1]}"
if grep -q . "$WORK/node1.log" "$WORK/node2.log" "$WORK/nginx-error.log" 2>/dev/null; then
    echo "node and nginx warnings:"
    tail -n 5 "$WORK/node1.log" "$WORK/node2.log" "$WORK/nginx-error.log"
fi
