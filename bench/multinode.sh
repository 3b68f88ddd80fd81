#!/usr/bin/env bash
# The multi-node load test: two `gazette serve` nodes (release build) on one fresh PostgreSQL
# database, behind nginx, on 127.0.0.1 only. For DURATION seconds, wrk sends readers (front page,
# sections, articles) and view beacons through nginx while an editor publishes an article every
# INTERVAL seconds through nginx; the editor measures how long each article takes to be served by
# both nodes. Prints throughput, latency, errors and publish-to-visible times; stops by itself.
#
#   GAZETTE_TEST_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test bench/multinode.sh
#   DURATION=30 INTERVAL=3 READERS=32 BEACONS=8 bench/multinode.sh
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/gazette-target}"
DURATION="${DURATION:-30}"
INTERVAL="${INTERVAL:-3}"
READERS="${READERS:-32}"
BEACONS="${BEACONS:-8}"
PG="${GAZETTE_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}"
BIN="$CARGO_TARGET_DIR/release/gazette"

for tool in wrk nginx psql python3; do
    command -v "$tool" >/dev/null || { echo "needs $tool" >&2; exit 1; }
done
echo "==> release build"
cargo build --release --locked -p gazette

NAME="gazette_bench_$$"
ADMIN="${PG%/*}/postgres"
DB="${PG%/*}/$NAME"
WORK="$(mktemp -d /tmp/gazette-multinode-bench.XXXXXX)"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    psql -X -q "$ADMIN" -c "DROP DATABASE IF EXISTS $NAME WITH (FORCE)" >/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

psql -X -q "$ADMIN" -c "CREATE DATABASE $NAME"
"$BIN" init --data-dir "$WORK/setup" --database-url "$DB" >/dev/null
"$BIN" demo --data-dir "$WORK/setup" --database-url "$DB" >/dev/null
echo "multinode-password-1" | "$BIN" user add --email editor@example.com --name "Load Test" \
    --role editor --data-dir "$WORK/setup" --database-url "$DB" >/dev/null

NODES=()
for n in 1 2; do
    mkdir -p "$WORK/node$n"
    GAZETTE_LOG=warn "$BIN" serve --bind 127.0.0.1:0 --data-dir "$WORK/node$n" --database-url "$DB" \
        --no-demo >"$WORK/node$n.out" 2>"$WORK/node$n.log" &
    PIDS+=("$!")
    for _ in $(seq 1 100); do
        grep -q "http://" "$WORK/node$n.out" && break
        sleep 0.1
    done
    NODES+=("$(grep -o '127\.0\.0\.1:[0-9]*' "$WORK/node$n.out" | head -n1)")
done
echo "nodes: ${NODES[*]}"

LB_PORT=$((20000 + $$ % 20000))
cat >"$WORK/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 4096; }
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
        listen 127.0.0.1:$LB_PORT;
        location / {
            proxy_pass http://gazette;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host \$host;
            proxy_set_header X-Forwarded-For \$remote_addr;
        }
    }
}
CONF
nginx -c "$WORK/nginx.conf" -g 'daemon off;' &
PIDS+=("$!")
LB="127.0.0.1:$LB_PORT"
for _ in $(seq 1 50); do curl -fs -o /dev/null "http://$LB/healthz" && break; sleep 0.1; done

# Readers: the front page, every section, and the published articles, picked at random.
psql -X -q -t -A "$DB" -c "SELECT '/'; SELECT '/' || slug FROM sections;
    SELECT '/' || s.slug || '/' || a.slug FROM articles a JOIN sections s ON s.id = a.section_id
    WHERE a.status = 'published'" | grep . >"$WORK/paths"
ARTICLE_ID="$(psql -X -q -t -A "$DB" -c "SELECT min(id) FROM articles WHERE status = 'published'")"
{
    echo "local paths = {"
    sed 's/.*/  "&",/' "$WORK/paths"
    echo "}"
    cat <<'LUA'
math.randomseed(os.time())
request = function()
    return wrk.format("GET", paths[math.random(#paths)], { ["Accept-Encoding"] = "br, gzip" })
end
LUA
} >"$WORK/readers.lua"
cat >"$WORK/beacons.lua" <<'LUA'
local n = 0
request = function()
    n = n + 1
    return wrk.format("POST", nil, { ["User-Agent"] = "Mozilla/5.0 (load test reader " .. n .. ")" }, "")
end
LUA
echo "reader paths: $(wc -l <"$WORK/paths"); beacons to article $ARTICLE_ID"

VIEWS_BEFORE="$(psql -X -q -t -A "$DB" -c "SELECT view_total FROM articles WHERE id = $ARTICLE_ID")"
echo "==> ${DURATION}s: wrk readers -c$READERS, wrk beacons -c$BEACONS, an editor publishing every ${INTERVAL}s"
python3 bench/multinode_publisher.py "$LB" "$DB" "$DURATION" "$INTERVAL" "${NODES[@]}" \
    >"$WORK/publisher.txt" 2>&1 &
PUBLISHER=$!
wrk -t1 -c"$READERS" -d"${DURATION}s" --latency -s "$WORK/readers.lua" "http://$LB" >"$WORK/readers.txt" 2>&1 &
READERS_PID=$!
wrk -t1 -c"$BEACONS" -d"${DURATION}s" --latency -s "$WORK/beacons.lua" "http://$LB/views/$ARTICLE_ID" \
    >"$WORK/beacons.txt" 2>&1 &
BEACONS_PID=$!
wait "$READERS_PID" "$BEACONS_PID" "$PUBLISHER"
sleep 6 # the last view counts reach the database within 5 s
VIEWS_AFTER="$(psql -X -q -t -A "$DB" -c "SELECT view_total FROM articles WHERE id = $ARTICLE_ID")"

summary() { # name file
    local rps p50 p99 non2xx errors
    rps=$(awk '/^Requests\/sec/ { print $2 }' "$2")
    p50=$(awk '$1 == "50%" { print $2 }' "$2")
    p99=$(awk '$1 == "99%" { print $2 }' "$2")
    non2xx=$(awk '/Non-2xx/ { print $NF }' "$2")
    errors=$(awk '/Socket errors/ { print $0 }' "$2")
    echo "$1: ${rps} req/s, p50 ${p50}, p99 ${p99}, non-2xx ${non2xx:-0}${errors:+, $errors}"
}
echo "==> results (2 nodes + nginx + PostgreSQL + wrk + the publisher on $(nproc) cores)"
summary "readers (GET through nginx)" "$WORK/readers.txt"
summary "beacons (POST /views through nginx)" "$WORK/beacons.txt"
cat "$WORK/publisher.txt"
echo "views of article $ARTICLE_ID: $VIEWS_BEFORE -> $VIEWS_AFTER (each beacon has a new user agent, so each counts)"
BEACON_REQS=$(awk '/requests in/ { print $1 }' "$WORK/beacons.txt")
echo "beacon requests answered: $BEACON_REQS; counted: $((VIEWS_AFTER - VIEWS_BEFORE))"
if grep -q . "$WORK/node1.log" "$WORK/node2.log" 2>/dev/null; then
    echo "node warnings:"; cat "$WORK/node1.log" "$WORK/node2.log" | tail -n 10
fi
