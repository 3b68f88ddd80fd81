#!/usr/bin/env bash
# The import benchmark: a generated WordPress export of POSTS posts (100,000 by default; Gutenberg
# blocks, 12 authors, 8 categories, 40 tags, one in twenty a draft) imported by the release binary
# into a fresh SQLite data folder, then imported again (nothing changed). Prints posts/s and the
# peak resident memory of each run (GNU time), and the file's size.
#
#   bench/import.sh                  # 100,000 posts: a minute to generate, then the two imports
#   POSTS=10000 bench/import.sh      # a quicker look
#   POSTS=2000 MEDIA=2000 bench/import.sh   # with a photo per post (bench/uploads-generate.py,
#                                           # needs Pillow): images/s through the media library
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres bench/import.sh
#                                    # into PostgreSQL: a database gazette_import_bench is made
#                                    # afresh on that server and dropped at the end
#
# Nothing but local files; the data folder is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

POSTS="${POSTS:-100000}"
MEDIA="${MEDIA:-0}"
WORK="${BENCH_DIR:-/tmp/gazette-import-bench}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-/var/cache/gazette-target}"
BIN="$CARGO_TARGET_DIR/release/gazette"

command -v /usr/bin/time >/dev/null || { echo "needs GNU time (apt-get install time)" >&2; exit 1; }
cargo build --release -p gazette --locked >&2
rm -rf "$WORK" && mkdir -p "$WORK"
trap 'rm -rf "$WORK"' EXIT
FILE="$WORK/export.xml"
python3 bench/wxr-generate.py "$POSTS" >"$FILE"
echo "export: $POSTS posts, $(du -m "$FILE" | cut -f1) MB"
ARGS=()
if [ "$MEDIA" -gt 0 ]; then
    python3 bench/uploads-generate.py "$MEDIA" "$WORK/uploads"
    echo "uploads: $MEDIA photos, $(du -m -s "$WORK/uploads" | cut -f1) MB"
    ARGS+=(--media-dir "$WORK/uploads")
fi
TARGET=(--data-dir "$WORK/data")
if [ -n "${DATABASE_URL:-}" ]; then
    BENCH_URL="${DATABASE_URL%/*}/gazette_import_bench"
    psql "$DATABASE_URL" -qc "DROP DATABASE IF EXISTS gazette_import_bench" -c "CREATE DATABASE gazette_import_bench"
    trap 'psql "$DATABASE_URL" -qc "DROP DATABASE IF EXISTS gazette_import_bench WITH (FORCE)"; rm -rf "$WORK"' EXIT
    TARGET+=(--database-url "$BENCH_URL")
    echo "target: PostgreSQL ($BENCH_URL)"
fi

run() {
    local label="$1"
    /usr/bin/time -f "%e %M" -o "$WORK/time" \
        "$BIN" "${TARGET[@]}" import wordpress "$FILE" "${ARGS[@]}" >"$WORK/report" 2>"$WORK/progress"
    read -r seconds kilobytes <"$WORK/time"
    local rate
    rate=$(python3 -c "print(round($POSTS / $seconds))")
    printf '%-22s %8.1f s  %7s posts/s  peak RSS %5d MB\n' "$label" "$seconds" "$rate" "$((kilobytes / 1024))"
    if [ "$MEDIA" -gt 0 ]; then
        local images
        images=$(grep -E '^  images ' "$WORK/report" | sed -E 's/.*created ([0-9]+).*/\1/' || echo 0)
        echo "    $images images stored: $(python3 -c "print(round(${images:-0} / $seconds, 1))") images/s"
    fi
    grep -E '^  (posts|sections|tags|authors|images) ' "$WORK/report" | sed 's/^/    /'
}

run "first import"
run "again (unchanged)"
if [ -z "${DATABASE_URL:-}" ]; then
    echo "database: $(du -m "$WORK/data/gazette.db" | cut -f1) MB"
fi
