#!/usr/bin/env bash
# SqliteStore against the sqlite3 shell (issue 20, point 7): the same CSV
# file imported by `.import` into a table of the same columns and unique
# indexes, and by the import example into a fresh SQLite file, then again
# into that file (all or nearly all unchanged). Prints the median of RUNS
# runs of each, and the import's speed as a share of the shell's.
#
#   scripts/bench_sqlite.sh [FILE] [RUNS]
#
# FILE defaults to /tmp/gen100k.csv, written first when missing with
#   cargo run --release --example generate -- --rows 100000 --seed 7 FILE
# RUNS defaults to 5. Needs the sqlite3 shell (apt-get install -y sqlite3).
# Set NO_BUILD=1 to use the binaries already built. CARGO_TARGET_DIR is
# honoured. Also timed, to tell the store's share from the engine's:
# --dry-run (no store at all: the rows are validated and decided against
# an empty in-memory store, nothing kept) and an import into memory
# (MemoryStore).
set -euo pipefail

FILE=${1:-/tmp/gen100k.csv}
RUNS=${2:-5}
cd "$(dirname "$0")/.."
TARGET=${CARGO_TARGET_DIR:-target}
IMPORT="$TARGET/release/examples/import"
GENERATE="$TARGET/release/examples/generate"

command -v sqlite3 >/dev/null || {
    echo "the sqlite3 shell is missing: apt-get install -y sqlite3" >&2
    exit 2
}
if [ -z "${NO_BUILD:-}" ]; then
    cargo build --quiet --release --features sqlite --example import --example generate
fi
if [ ! -f "$FILE" ]; then
    "$GENERATE" --rows 100000 --seed 7 "$FILE"
fi

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
DB="$WORK/customers.db"

# The table for the shell: the file's 14 columns under the default
# table's names (rowid as the id), and the same two unique indexes.
cat >"$WORK/schema.sql" <<'SQL'
CREATE TABLE customers (
    first_name TEXT, last_name TEXT, email TEXT, phone TEXT, company TEXT,
    street1 TEXT, street2 TEXT, city TEXT, state TEXT, postal_code TEXT,
    country TEXT, birthday TEXT, reference_id TEXT, other TEXT
);
CREATE UNIQUE INDEX customers_email ON customers (email);
CREATE UNIQUE INDEX customers_phone ON customers (phone);
SQL

# The same rows with empty cells as NULL (as the store writes them, so
# that they do not collide in the unique indexes), through a staging table:
# in one transaction, and committed every 1000 rows in WAL mode, as the
# store commits each batch of the importer (the cost of SQLite alone for
# the store's pattern, without any validation).
COLUMNS="first_name, last_name, email, phone, company, street1, street2, city, state, postal_code, country, birthday, reference_id, other"
NULLIFS=$(echo "$COLUMNS" | sed -E "s/([a-z_0-9]+)/NULLIF(\1, '')/g")
staged() {
    local every=$1
    echo "PRAGMA temp_store = MEMORY;"
    if [ "$every" -gt 0 ]; then
        echo "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;"
        echo "PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 10000;"
    fi
    echo "CREATE TEMP TABLE staging AS SELECT * FROM customers WHERE 0;"
    echo ".mode csv"
    echo ".import --skip 1 $FILE staging"
    if [ "$every" -gt 0 ]; then
        for start in $(seq 0 "$every" "$(wc -l <"$FILE")"); do
            echo "INSERT OR IGNORE INTO customers SELECT $NULLIFS FROM staging WHERE rowid > $start AND rowid <= $((start + every));"
        done
    else
        echo "INSERT OR IGNORE INTO customers SELECT $NULLIFS FROM staging;"
    fi
}
staged 0 >"$WORK/staged.sql"
staged 1000 >"$WORK/batched.sql"

fresh() { rm -f "$DB" "$DB-wal" "$DB-shm" "$DB-journal"; }

# Runs the command, adding its wall-clock seconds to the list named $1 and
# its CPU seconds (user + system, every thread) to the list named $1_cpu.
timed() {
    local list=$1
    shift
    /usr/bin/time -f "%e %U %S" -o "$WORK/time" "$@" >/dev/null 2>&1 || true
    read -r wall user sys <"$WORK/time"
    printf -v "$list" '%s %s' "${!list}" "$wall"
    local cpu_list="${list}_cpu"
    printf -v "$cpu_list" '%s %.2f' "${!cpu_list}" "$(echo "$user + $sys" | bc)"
}

median() { echo "$1" | tr ' ' '\n' | sed '/^$/d' | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
last() { echo "$1" | awk '{ print $NF }'; }

names=(shell staged batched store again dry memory)
for name in "${names[@]}"; do printf -v "$name" '%s' ""; printf -v "${name}_cpu" '%s' ""; done
for run in $(seq "$RUNS"); do
    fresh
    sqlite3 "$DB" <"$WORK/schema.sql"
    # Rows whose email or phone is taken (repeats, and the empty text the
    # shell writes for an empty cell) fail, as they would for the store.
    timed shell sqlite3 "$DB" -cmd ".mode csv" ".import --skip 1 $FILE customers"
    shell_rows=$(sqlite3 "$DB" "SELECT count(*) FROM customers")
    fresh
    sqlite3 "$DB" <"$WORK/schema.sql"
    timed staged sqlite3 "$DB" -init "$WORK/staged.sql" ".quit"
    staged_rows=$(sqlite3 "$DB" "SELECT count(*) FROM customers")
    fresh
    sqlite3 "$DB" <"$WORK/schema.sql"
    timed batched sqlite3 "$DB" -init "$WORK/batched.sql" ".quit"

    fresh
    timed store "$IMPORT" --store "$DB" "$FILE"
    store_rows=$(sqlite3 "$DB" "SELECT count(*) FROM customers")
    timed again "$IMPORT" --store "$DB" "$FILE"

    timed dry "$IMPORT" --dry-run "$FILE"
    timed memory "$IMPORT" "$FILE"
    echo "run $run (wall s): shell $(last "$shell"), store $(last "$store")," \
        "again $(last "$again"), dry run $(last "$dry"), memory $(last "$memory")" >&2
done
fresh
"$IMPORT" --store "$DB" "$FILE" | head -1 >"$WORK/first"
"$IMPORT" --store "$DB" "$FILE" | head -1 >"$WORK/again"

share() { echo "scale=0; 100 * $1 / $2" | bc; }
shell_wall=$(median "$shell")
shell_cpu=$(median "$shell_cpu")

echo
echo "$FILE ($(wc -c <"$FILE") bytes), median of $RUNS runs, sqlite3 $(sqlite3 --version | cut -d' ' -f1), $(nproc) cores"
echo
echo "| what | wall | speed vs shell (wall) | CPU (user+sys) | speed vs shell (CPU) |"
echo "|---|---:|---:|---:|---:|"
row() {
    local label=$1 name=$2
    local list=${!name} cpu_list
    cpu_list="${name}_cpu"
    local wall cpu
    wall=$(median "$list")
    cpu=$(median "${!cpu_list}")
    echo "| $label | ${wall} s | $(share "$shell_wall" "$wall")% | ${cpu} s | $(share "$shell_cpu" "$cpu")% |"
}
row "(a) sqlite3 \`.import\` ($shell_rows rows kept)" shell
row "(a1) sqlite3, empty cells as NULL, one transaction ($staged_rows rows)" staged
row "(a2) the same committed every 1000 rows, WAL (the store's pattern)" batched
row "(b) import --store, fresh file ($store_rows customers)" store
row "(c) import --store again, same file" again
row "import --dry-run (no store)" dry
row "import into memory (MemoryStore)" memory
echo
echo "(b) $(cat "$WORK/first")"
echo "(c) $(cat "$WORK/again")"
printf "The store's own share of (b): %.2f s wall over the import into memory.\n" "$(echo "$(median "$store") - $(median "$memory")" | bc)"
