#!/usr/bin/env bash
# bench/catalog: load N objects into a fresh catalog and measure the store
# next to raw SQLite with the same durability (a key-value table, and the
# catalog's own schema), then startup time and RSS.
#
# Usage: bench/catalog/run.sh [N] [GROW] [DIR]
#   N (default 1000000) objects are loaded through the store and measured;
#   then the catalog is grown with SQL to GROW (default 10000000; 0 skips
#   it) and measured again. DIR (default a new directory under /tmp) must be
#   on the disk to measure, with room for about 2.2 KB per object.
set -euo pipefail

count=${1:-1000000}
grow=${2:-10000000}
root=$(cd "$(dirname "$0")/../.." && pwd)
bench=$root/build/bin/catalog_bench
[ -x "$bench" ] || { echo "bench: build first (make build)" >&2; exit 1; }
dir=${3:-$(mktemp -d /tmp/kiod-bench-catalog.XXXXXX)}
mkdir -p "$dir"
trap 'rm -rf "$dir"' EXIT

echo "# catalog bench, $count objects, $(nproc) CPUs, $(df -h "$dir" | awk 'NR==2 {print $1}')"
"$bench" load "$dir" "$count"
"$bench" measure "$dir" "$count"
# A fresh process, so that startup reads nothing the load left in memory
# (the page cache aside).
"$bench" startup "$dir"
echo "catalog_file_mib $(( $(stat -c %s "$dir/model-store.db") / 1048576 ))"
"$bench" raw "$dir" "$count"
rm -f "$dir/raw.db"
"$bench" raw-schema "$dir" "$count"
rm -f "$dir"/raw-schema.db*
if [ "$grow" -gt "$count" ]; then
    echo "# grown to $grow objects with SQL (catalog_bench grow), measured through the store"
    "$bench" grow "$dir" "$count" "$grow"
    "$bench" measure "$dir" "$grow" "$count"
    "$bench" startup "$dir"
    echo "catalog_file_mib $(( $(stat -c %s "$dir/model-store.db") / 1048576 ))"
fi
