#!/usr/bin/env bash
# The archive-size benchmark (issue 13): what a site with ARTICLES articles (1,000,000 by default)
# costs to start, to hold in memory and to serve when nothing is cached. Builds in release mode,
# generates the site (`gazette generate`, deterministic) and its search index (`gazette reindex`)
# once per size, then measures with the page cache off (`--no-cache`), the server pinned to CPU 0
# and wrk (one thread) to CPU 1, as bench/run.sh does:
#
# - start-up: from the exec of `gazette serve` to the first 200 from `/` (median of STARTS starts),
#   and the resident memory (VmRSS) 3 s after start-up and again after every measurement;
# - article pages rendered on every request: one article (as bench/run.sh, comparable with
#   bench/RESULTS.md) and PATHS different articles taken from every sitemap file, in a shuffled
#   order, so that the database is read all over the archive, not one hot row;
# - search: a rotation of varied queries, one at a time (the latency a reader sees) and 32 at once;
# - the home page and the RSS feed, rendered on every request;
# - the sitemap index, the pages sitemap, the first and last article sitemap files, the news
#   sitemap, and section, tag and author pages: time to first byte and total of the first fetch,
#   then the median of FETCHES more, each cut off after MAX_FETCH seconds.
#
# Writes the table to bench/results/scale-<ARTICLES>.md.
#
#   bench/scale.sh                                  # 1,000,000: ~8 min to generate, ~8 to index,
#                                                   # 10-25 to measure (slow pages hit MAX_FETCH)
#   ARTICLES=100000 bench/scale.sh                  # the figures it is compared with
#   ARTICLES=10000 DURATION=3s STARTS=1 bench/scale.sh   # a quick look
#
# Only 127.0.0.1 is used; every server started here is stopped on exit. Every step is bounded
# (wrk runs DURATION, a fetch MAX_FETCH, start-up gives up after 10 minutes).
set -euo pipefail
cd "$(dirname "$0")/.."

ARTICLES="${ARTICLES:-1000000}"
DURATION="${DURATION:-10s}"
STARTS="${STARTS:-3}"
FETCHES="${FETCHES:-5}"
MAX_FETCH="${MAX_FETCH:-120}"
PATHS="${PATHS:-20000}"
WORK="${BENCH_DIR:-/tmp/gazette-scale}"
PORT="${PORT:-18090}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/gazette-target}"
BIN="$CARGO_TARGET_DIR/release/gazette"
BASE="http://127.0.0.1:$PORT"

if ! command -v wrk >/dev/null 2>&1 || ! command -v taskset >/dev/null 2>&1; then
    echo "Installing wrk from Debian's packages..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk util-linux >/dev/null
fi

echo "==> release build"
cargo build --release --locked -p gazette

SERVER_PID=""
cleanup() {
    if [ -n "$SERVER_PID" ]; then kill -INT "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
}
trap cleanup EXIT

mkdir -p "$WORK"
DATA="$WORK/data-$ARTICLES"
# Each step leaves a mark, so that a run stopped during the (long) reindex resumes there.
if [ ! -f "$DATA/.generated" ]; then
    echo "==> generating a site with $ARTICLES articles in $DATA"
    rm -rf "$DATA"
    start=$(date +%s.%N)
    "$BIN" generate --data-dir "$DATA" --articles "$ARTICLES"
    awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "generate %.0f s", b - a }' >"$DATA/.generated"
fi
if [ ! -f "$DATA/.indexed" ]; then
    echo "==> building the search index"
    start=$(date +%s.%N)
    "$BIN" reindex --data-dir "$DATA"
    awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "reindex %.0f s", b - a }' >"$DATA/.indexed"
fi
GENERATION="$(cat "$DATA/.generated"), $(cat "$DATA/.indexed")"

# Sizes: the database with its write-ahead log, and the search index.
size_mb() { { du -smc "$@" 2>/dev/null || true; } | awk 'END {print $1}'; }
DB_MB=$(size_mb "$DATA"/*.db "$DATA"/*.db-wal)
INDEX_MB=$(size_mb "$DATA"/search*)

rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$SERVER_PID/status"; }
anon_kb() { awk '/RssAnon/ {print $2}' "/proc/$SERVER_PID/status"; }

# Starts the server; STARTED_MS is the milliseconds from its exec to the first 200 from `/`.
start_server() {
    if curl -s -o /dev/null "$BASE/healthz"; then
        echo "something already listens on 127.0.0.1:$PORT; stop it first" >&2; exit 1
    fi
    local t0 now
    t0=$(date +%s%N)
    taskset -c 0 "$BIN" serve --data-dir "$DATA" --bind "127.0.0.1:$PORT" --no-demo --no-cache \
        >"$WORK/gazette.log" 2>&1 &
    SERVER_PID=$!
    # Polled every 5 ms, for at most 10 minutes: the answer's own time is part of start-up.
    for _ in $(seq 1 120000); do
        if [ "$(curl -s -o /dev/null --max-time 60 -w '%{http_code}' "$BASE/")" = 200 ]; then
            now=$(date +%s%N)
            STARTED_MS=$(( (now - t0) / 1000000 ))
            return 0
        fi
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then break; fi
        sleep 0.005
    done
    echo "gazette did not start:" >&2; cat "$WORK/gazette.log" >&2; exit 1
}
stop_server() { kill -INT "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=""; }

# Uncached here means Gazette's page cache is off, not the operating system's: the files are read
# once first, so that the run does not measure this VM's disk (40 MB/s; at 1,000,000 articles the
# database is 5 GB). WARM=0 skips it, to see what a cold start costs.
if [ "${WARM:-1}" = 1 ]; then
    echo "==> reading the database and the search index once"
    cat "$DATA"/gazette.db* "$DATA"/search/* >/dev/null
fi
# Migrations (a new index on a large archive takes a while, once) are not start-up.
"$BIN" init --data-dir "$DATA"
echo "==> start-up, $STARTS times"
START_MS=()
for i in $(seq 1 "$STARTS"); do
    start_server
    START_MS+=("$STARTED_MS")
    echo "start $i: ${START_MS[-1]} ms"
    [ "$i" -lt "$STARTS" ] && stop_server
done
START_MEDIAN=$(printf '%s\n' "${START_MS[@]}" | sort -n | awk -v n="$STARTS" 'NR == int((n + 1) / 2)')
# The server's background jobs (search follower, top articles, page cache's change follower) run
# their first round just after start; memory is read once they have.
sleep 3
RSS_START_KB=$(rss_kb)
ANON_START_KB=$(anon_kb)

# Article addresses from every sitemap file, in a fixed shuffled order.
echo "==> collecting $PATHS article addresses from the sitemaps"
# The sitemap index's first fetch after start-up is timed on its own: nothing of it is in memory.
SITEMAP_FIRST=$(curl -s --max-time "$MAX_FETCH" -o "$WORK/sitemap.xml" -w '%{time_total}' "$BASE/sitemap.xml" \
    | awk '{printf "%.0f ms", $1 * 1000}' || true)
echo "sitemap index, first fetch: $SITEMAP_FIRST"
SITEMAP_FILES=$(grep -o '/sitemaps/articles/[0-9]*\.xml' "$WORK/sitemap.xml" || true)
LAST_SITEMAP=$(echo "$SITEMAP_FILES" | tail -n1)
FILE_COUNT=$(echo "$SITEMAP_FILES" | grep -c . || true)
PER_FILE=$(( PATHS / (FILE_COUNT > 0 ? FILE_COUNT : 1) + 1 ))
: >"$WORK/paths.txt"
for f in $SITEMAP_FILES; do
    curl -sf --max-time "$MAX_FETCH" "$BASE$f" | grep -o '<loc>[^<]*</loc>' | sed -e 's|<loc>http://[^/]*||' -e 's|</loc>||' \
        | awk -v every="$(( ARTICLES / PATHS > 0 ? ARTICLES / PATHS : 1 ))" -v max="$PER_FILE" \
            '(NR - 1) % every == 0 && n++ < max' >>"$WORK/paths.txt"
done
shuf --random-source=<(yes) -o "$WORK/paths.txt" "$WORK/paths.txt"
echo "$(wc -l <"$WORK/paths.txt") addresses"
ONE_ARTICLE=$(head -n1 "$WORK/paths.txt")

# Varied searches: common and rare words, several words, a phrase, a typo, a synonym, filters,
# newest first and a later page.
cat >"$WORK/queries.txt" <<'Q'
/search?q=kharkiv+drones
/search?q=grain
/search?q=winter+repairs
/search?q=%22power+grid+upgrades%22
/search?q=negotiatons
/search?q=Kiev
/search?q=deminers+odesa
/search?q=museum+curators+heritage
/search?q=bridge+reconstruction&sort=newest
/search?q=volunteers&section=business
/search?q=budget&page=5
/search?q=officials+said+the+region
/search?q=teachers+underground+classrooms
/search?q=aid+package&lang=en
/search?q=sumy
/search?q=zaporizhzhia+power
Q

# wrk reports p50/p75/p90/p99; this script adds p95 and rotates through a list of addresses.
lua_for() { # file with one path per line, or "" for wrk's own URL
    local list="$1" out="$WORK/rotate-$(basename "${list:-none}").lua"
    cat >"$out" <<LUA
local paths, n = {}, 0
local list = "$list"
if list ~= "" then for line in io.lines(list) do paths[#paths + 1] = line end end
request = function()
    if #paths == 0 then return wrk.format("GET", wrk.path) end
    n = n % #paths + 1
    return wrk.format("GET", paths[n])
end
done = function(summary, latency, requests)
    io.write(string.format("PCT %.2f %.2f %.2f\n", latency:percentile(50) / 1000,
        latency:percentile(95) / 1000, latency:percentile(99) / 1000))
end
LUA
    echo "$out"
}

ROWS=()
wrk_measure() { # name connections list url
    local name="$1" conns="$2" list="$3" url="$4" lua out rps pct errors
    lua=$(lua_for "$list")
    taskset -c 1 wrk -t1 -c"$conns" -d2s -s "$lua" "$url" >/dev/null
    out=$(taskset -c 1 wrk -t1 -c"$conns" -d"$DURATION" -s "$lua" "$url")
    rps=$(echo "$out" | awk '/Requests\/sec/ {printf "%.0f", $2}')
    pct=$(echo "$out" | awk '/^PCT/ {printf "%s ms | %s ms | %s ms", $2, $3, $4}')
    errors=$(echo "$out" | awk '/Non-2xx|Socket errors/' | tr '\n' ' ')
    printf '%-52s %8s req/s  p50/p95/p99 %s %s (RSS %s MB)\n' "$name" "$rps" "$pct" "$errors" "$(( $(rss_kb) / 1024 ))"
    ROWS+=("| $name | $rps | $pct | ${errors:-none} | $(( $(rss_kb) / 1024 )) MB |")
}

FETCH_ROWS=()
# One fetch, then FETCHES more: the first may read from disk what the others find in memory.
fetch_measure() { # name path
    local name="$1" path="$2" first rest
    first=$(curl -s -o /dev/null --max-time "$MAX_FETCH" \
        -w '%{http_code} %{size_download} %{time_starttransfer} %{time_total}' "$BASE$path" || true)
    rest=$(for _ in $(seq 1 "$FETCHES"); do
        curl -s -o /dev/null --max-time "$MAX_FETCH" -w '%{time_starttransfer} %{time_total}\n' "$BASE$path" || true
    done | sort -n | awk -v n="$FETCHES" 'NR == int((n + 1) / 2) {printf "%.1f ms | %.1f ms", $1 * 1000, $2 * 1000}')
    first=$(echo "$first" | awk '{printf "%s | %s | %.1f ms | %.1f ms", $1, $2, $3 * 1000, $4 * 1000}')
    printf '%-52s %s | %s (RSS %s MB)\n' "$name" "$first" "$rest" "$(( $(rss_kb) / 1024 ))"
    FETCH_ROWS+=("| $name | $first | $rest | $(( $(rss_kb) / 1024 )) MB |")
}

echo "==> wrk -t1, $DURATION after a 2 s warm-up, nothing cached (server on CPU 0, wrk on CPU 1)"
wrk_measure "article page, one article (-c32)" 32 "" "$BASE$ONE_ARTICLE"
wrk_measure "article pages, $(wc -l <"$WORK/paths.txt") articles in turn (-c32)" 32 "$WORK/paths.txt" "$BASE/"
wrk_measure "search, 16 queries in turn, one at a time (-c1)" 1 "$WORK/queries.txt" "$BASE/"
wrk_measure "search, 16 queries in turn (-c32)" 32 "$WORK/queries.txt" "$BASE/"
wrk_measure "home page (-c32)" 32 "" "$BASE/"
wrk_measure "RSS feed /feeds/rss.xml (-c32)" 32 "" "$BASE/feeds/rss.xml"

echo "==> single fetches: the first, then the median of $FETCHES (at most ${MAX_FETCH} s each)"
fetch_measure "sitemap index /sitemap.xml" /sitemap.xml
fetch_measure "/sitemaps/pages.xml" /sitemaps/pages.xml
fetch_measure "first article sitemap /sitemaps/articles/1.xml" /sitemaps/articles/1.xml
fetch_measure "last article sitemap ${LAST_SITEMAP}" "$LAST_SITEMAP"
fetch_measure "/sitemaps/news.xml" /sitemaps/news.xml
fetch_measure "home page /" /
fetch_measure "RSS feed /feeds/rss.xml" /feeds/rss.xml
fetch_measure "one article" "$ONE_ARTICLE"
# The lists are not in the issue's list, but they count and sort what grows with the archive.
ARTICLE_HTML=$(curl -s "$BASE$ONE_ARTICLE")
SECTION_PATH=$(echo "$ONE_ARTICLE" | cut -d/ -f2)
TAG_PATH=$(echo "$ARTICLE_HTML" | grep -o 'href="/tags/[^"]*"' | awk "NR == 1" | cut -d'"' -f2)
AUTHOR_PATH=$(echo "$ARTICLE_HTML" | grep -o 'href="/authors/[^"]*"' | awk "NR == 1" | cut -d'"' -f2)
fetch_measure "section page /$SECTION_PATH" "/$SECTION_PATH"
fetch_measure "section page /$SECTION_PATH?page=100" "/$SECTION_PATH?page=100"
fetch_measure "tag page $TAG_PATH" "$TAG_PATH"
fetch_measure "author page $AUTHOR_PATH" "$AUTHOR_PATH"
fetch_measure "search /search?q=kharkiv+drones" "/search?q=kharkiv+drones"

RSS_END_KB=$(rss_kb)
ANON_END_KB=$(anon_kb)
stop_server

mkdir -p bench/results
OUT="bench/results/scale-$ARTICLES.md"
{
    echo "# Archive of $ARTICLES articles, $(date -u +%Y-%m-%dT%H:%MZ)"
    echo
    echo "\`ARTICLES=$ARTICLES bench/scale.sh\` on commit $(git rev-parse --short HEAD)."
    echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'). SQLite, \`gazette serve --no-cache\` (every page rendered), server on CPU 0, \`wrk -t1\` on CPU 1, $DURATION after a 2 s warm-up."
    echo
    echo "- Generation: $GENERATION. Database $DB_MB MB, search index $INDEX_MB MB."
    echo "- Sitemap index, first fetch after start-up: $SITEMAP_FIRST."
    echo "- Start-up (exec to the first 200 from \`/\`): **$START_MEDIAN ms** (median of: ${START_MS[*]} ms)."
    echo "- Resident memory: $((RSS_START_KB / 1024)) MB 3 s after start-up ($((ANON_START_KB / 1024)) MB anonymous); $((RSS_END_KB / 1024)) MB after the measurements ($((ANON_END_KB / 1024)) MB anonymous, the rest mapped files: the search index and SQLite's)."
    echo
    echo "| under load | requests/s | p50 | p95 | p99 | errors | RSS after |"
    echo "|---|---:|---:|---:|---:|---|---:|"
    printf '%s\n' "${ROWS[@]}"
    echo
    echo "| one request at a time | status | bytes | first fetch: first byte | total | then (median of $FETCHES): first byte | total | RSS after |"
    echo "|---|---|---:|---:|---:|---:|---:|---:|"
    printf '%s\n' "${FETCH_ROWS[@]}"
} >"$OUT"
echo "written to $OUT"
