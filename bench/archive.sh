#!/usr/bin/env bash
# The archive benchmark: `gazette export` of a generated site of ARTICLES articles (100,000 by
# default, made with `gazette generate` like bench/run.sh), then `gazette restore` of it into a
# fresh SQLite data folder (and into PostgreSQL when DATABASE_URL names a server), and an export
# of the restored site compared byte for byte with the first. GNU time gives wall time and peak
# resident memory of each step.
#
#   bench/archive.sh                                   # 100,000 articles
#   ARTICLES=10000 bench/archive.sh                    # a quicker look
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres bench/archive.sh
#                                  # also restores into a database gazette_archive_bench, made
#                                  # afresh on that server and dropped at the end
#   SITE=/tmp/gazette-million/data-1000000 bench/archive.sh   # an existing data folder instead
#
# Nothing but local files and 127.0.0.1; the work folder is removed at the end (SITE is only read).
set -euo pipefail
cd "$(dirname "$0")/.."

ARTICLES="${ARTICLES:-100000}"
WORK="${BENCH_DIR:-/tmp/gazette-archive-bench}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/gazette-target}"
BIN="$CARGO_TARGET_DIR/release/gazette"

command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
cargo build --release -p gazette --locked >&2
rm -rf "$WORK" && mkdir -p "$WORK"
cleanup() {
    if [ -n "${DATABASE_URL:-}" ]; then
        psql "$DATABASE_URL" -qc "DROP DATABASE IF EXISTS gazette_archive_bench WITH (FORCE)" || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT

SITE="${SITE:-}"
if [ -z "$SITE" ]; then
    SITE="$WORK/site"
    echo "==> generating $ARTICLES articles"
    "$BIN" --data-dir "$SITE" generate --articles "$ARTICLES" >/dev/null
fi

step() {
    local label="$1"
    shift
    /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >"$WORK/out" 2>"$WORK/err" || {
        cat "$WORK/out" "$WORK/err"
        exit 1
    }
    read -r seconds kilobytes <"$WORK/time"
    printf '%-34s %8.1f s  peak RSS %5d MB\n' "$label" "$seconds" "$((kilobytes / 1024))"
}

step "export" "$BIN" --data-dir "$SITE" export --out "$WORK/site.tar"
echo "    $(head -1 "$WORK/out")"
echo "    archive: $(du -m "$WORK/site.tar" | cut -f1) MB; database: $(du -m "$SITE/gazette.db" | cut -f1) MB"
step "restore into SQLite (+ reindex)" "$BIN" --data-dir "$WORK/sqlite" restore "$WORK/site.tar"
grep -E "^(Restored|Indexed)" "$WORK/out" | sed "s/^/    /"
step "export of the restored site" "$BIN" --data-dir "$WORK/sqlite" export --out "$WORK/again.tar"
if cmp -s "$WORK/site.tar" "$WORK/again.tar"; then
    echo "    identical to the first archive"
else
    echo "    DIFFERENT from the first archive" && exit 1
fi
rm -f "$WORK/again.tar"

if [ -n "${DATABASE_URL:-}" ]; then
    url="${DATABASE_URL%/*}/gazette_archive_bench"
    psql "$DATABASE_URL" -qc "DROP DATABASE IF EXISTS gazette_archive_bench" -c "CREATE DATABASE gazette_archive_bench"
    step "restore into PostgreSQL (+ reindex)" "$BIN" --data-dir "$WORK/pg" --database-url "$url" restore "$WORK/site.tar"
    grep -E "^(Restored|Indexed)" "$WORK/out" | sed "s/^/    /"
    step "export from PostgreSQL" "$BIN" --data-dir "$WORK/pg" --database-url "$url" export --out "$WORK/again.tar"
    if cmp -s "$WORK/site.tar" "$WORK/again.tar"; then
        echo "    identical to the first archive"
    else
        echo "    DIFFERENT from the first archive" && exit 1
    fi
fi
