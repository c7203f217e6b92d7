#!/bin/sh
# Runs libFuzzer targets built by the fuzz preset, one after the other, each
# for SECONDS: run-fuzzers.sh BUILD_DIR SECONDS NAME...
# Each starts from its committed seeds (tests/fuzz/corpus/NAME) and keeps
# what it finds in BUILD_DIR/corpus/NAME, so a later run goes on from there
# without touching the committed corpus. A crash stops the run (exit 1) with
# its input in BUILD_DIR/crashes/NAME/; turn it into a unit test.
set -eu
build=$1
seconds=$2
shift 2
seeds=$(dirname "$0")/../tests/fuzz/corpus
for name in "$@"; do
    mkdir -p "$build/corpus/$name" "$build/crashes/$name"
    echo "fuzz_$name: ${seconds}s"
    if ! "$build/bin/fuzz_$name" -max_total_time="$seconds" -print_final_stats=1 \
        -artifact_prefix="$build/crashes/$name/" "$build/corpus/$name" "$seeds/$name" \
        >"$build/crashes/$name.log" 2>&1; then
        tail -n 40 "$build/crashes/$name.log"
        echo "fuzz_$name found a crash: $build/crashes/$name/" >&2
        exit 1
    fi
    grep -E '^stat::(number_of_executed_units|new_units_added)' "$build/crashes/$name.log" || true
done
