#!/usr/bin/env bash
# `make bench`: builds the benchmark harness (bench/, crate sdk-bench) in release and runs it.
# Arguments are passed through: --quick (smaller sizes), --only generator|sdk, --spec PATH.
# Not part of `make test`. Takes about 3-5 minutes on 2 cores; prints a Markdown table of ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}"
cargo build --quiet --release -p sdk-bench ${CARGO_BUILD_JOBS:+-j "$CARGO_BUILD_JOBS"}
exec "$CARGO_TARGET_DIR/release/sdk-bench" "$@"
