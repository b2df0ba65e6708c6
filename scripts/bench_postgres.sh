#!/usr/bin/env bash
# PostgresStore against psql's \copy, in one run on this machine.
#
#   eval "$(bash .ci/postgres.sh start)"
#   bash scripts/bench_postgres.sh [ROWS] [RUNS]
#   bash .ci/postgres.sh stop
#
# Times, alternating, RUNS times each (medians reported):
#   copy    \copy of the generated file into a table of text columns with
#           plain (non-unique) indexes on its email and phone columns;
#   import  the example program importing the same file into a fresh
#           `customers` table (--store postgres://…);
#   again   the same import again into that table (all unchanged).
# Set NO_BUILD=1 to use the binaries already built. CARGO_TARGET_DIR is
# honoured.
set -euo pipefail
cd "$(dirname "$0")/.."

rows=${1:-100000}
runs=${2:-5}
url=${INTAKE_PG_URL:?start a server first: eval "\$(bash .ci/postgres.sh start)"}
file=${BENCH_FILE:-/tmp/intake-bench-$rows.csv}
target=${CARGO_TARGET_DIR:-target}

# NO_BUILD=1: use the binaries already built (with at least --features
# postgres).
if [[ -z ${NO_BUILD:-} ]]; then
  cargo build --release --features postgres --example import --example generate >&2
fi
[[ -f $file ]] || "$target"/release/examples/generate --rows "$rows" --seed 7 "$file" >&2

header=$(head -1 "$file")
columns=$(tr ',' '\n' <<<"$header" | awk '{printf "%sc%d text", (NR>1?", ":""), NR}')
# The file's email and phone columns (Mail and Mobile in generated files).
email=$(tr ',' '\n' <<<"$header" | grep -n -i -m1 'mail' | cut -d: -f1)
phone=$(tr ',' '\n' <<<"$header" | grep -n -i -m1 -E 'mobile|phone' | cut -d: -f1)

now() { date +%s.%N; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

copy_times=() import_times=() again_times=()
for run in $(seq "$runs"); do
  psql "$url" -qc "DROP TABLE IF EXISTS bench_copy; CREATE TABLE bench_copy ($columns);
    CREATE INDEX ON bench_copy (c$email); CREATE INDEX ON bench_copy (c$phone);" >/dev/null
  t0=$(now)
  psql "$url" -qc "\\copy bench_copy FROM '$file' CSV HEADER" >/dev/null
  t1=$(now)
  copy_times+=("$(echo "$t1 - $t0" | bc)")

  # A fresh table, and a fresh journal beside it.
  psql "$url" -qc "DROP TABLE IF EXISTS customers, intake_journal, intake_imports" >/dev/null
  t0=$(now)
  "$target"/release/examples/import --store "$url" "$file" >/dev/null
  t1=$(now)
  import_times+=("$(echo "$t1 - $t0" | bc)")

  t0=$(now)
  "$target"/release/examples/import --store "$url" "$file" >/dev/null
  t1=$(now)
  again_times+=("$(echo "$t1 - $t0" | bc)")
  echo "run $run: copy ${copy_times[-1]} s, import ${import_times[-1]} s, again ${again_times[-1]} s" >&2
done

copy=$(printf '%s\n' "${copy_times[@]}" | median)
import=$(printf '%s\n' "${import_times[@]}" | median)
again=$(printf '%s\n' "${again_times[@]}" | median)
echo "rows $rows, medians of $runs: \\copy $copy s, import $import s, import again $again s"
echo "import at $(echo "scale=1; 100 * $copy / $import" | bc)% of \\copy; again at $(echo "scale=1; 100 * $copy / $again" | bc)% of \\copy"
