#!/usr/bin/env bash
# `make bench`: builds the benchmark harness (bench/, crate sdk-bench) in release and runs it.
# Arguments are passed through: --quick (smaller sizes), --only generator|sdk|compile, --spec PATH.
# `compile` is scripts/bench_compile.py (the `cargo check` cost of generated crates, against yardsticks).
# Not part of `make test`. Takes about 3-5 minutes on 2 cores; prints a Markdown table of ratios.
#
# Two builds: the generator turns on serde_json's `preserve_order`, which changes the SDK's types, so
# the SDK rows come from a build without the generator (the SDK as users build it).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
jobs=(${CARGO_BUILD_JOBS:+-j "$CARGO_BUILD_JOBS"})
bin="$CARGO_TARGET_DIR/release"
cargo build --quiet --release -p sdk-bench --no-default-features "${jobs[@]}"
cp "$bin/sdk-bench" "$bin/sdk-bench-sdk-only"
cargo build --quiet --release -p sdk-bench "${jobs[@]}"

only=""
previous=""
for arg in "$@"; do
    if [ "$previous" = "--only" ]; then only="$arg"; fi
    previous="$arg"
done
case "$only" in
    compile) exec python3 scripts/bench_compile.py "$@" ;;
    generator) exec "$bin/sdk-bench" "$@" ;;
    sdk) exec "$bin/sdk-bench-sdk-only" "$@" ;;
    "")
        "$bin/sdk-bench" --only generator "$@"
        "$bin/sdk-bench-sdk-only" --only sdk "$@"
        exec python3 scripts/bench_compile.py "$@"
        ;;
    *) exec "$bin/sdk-bench" "$@" ;;
esac
