#!/usr/bin/env bash
# The import benchmark: a generated WordPress export of POSTS posts (100,000 by default; Gutenberg
# blocks, 12 authors, 8 categories, 40 tags, one in twenty a draft) imported by the release binary
# into a fresh SQLite data folder, then imported again (nothing changed). Prints posts/s and the
# peak resident memory of each run (GNU time), and the file's size.
#
#   bench/import.sh                  # 100,000 posts: a minute to generate, then the two imports
#   POSTS=10000 bench/import.sh      # a quicker look
#
# Nothing but local files; the data folder is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

POSTS="${POSTS:-100000}"
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

run() {
    local label="$1"
    /usr/bin/time -f "%e %M" -o "$WORK/time" \
        "$BIN" --data-dir "$WORK/data" import wordpress "$FILE" >"$WORK/report" 2>"$WORK/progress"
    read -r seconds kilobytes <"$WORK/time"
    local rate
    rate=$(python3 -c "print(round($POSTS / $seconds))")
    printf '%-22s %8.1f s  %7s posts/s  peak RSS %5d MB\n' "$label" "$seconds" "$rate" "$((kilobytes / 1024))"
    grep -E '^  (posts|sections|tags|authors) ' "$WORK/report" | sed 's/^/    /'
}

run "first import"
run "again (unchanged)"
echo "database: $(du -m "$WORK/data/gazette.db" | cut -f1) MB"
