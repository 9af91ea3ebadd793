#!/usr/bin/env bash
# Generates an SDK for every real-world spec in ../shared/specs and compiles each one (warnings are
# errors), printing a pass/fail table. Exits non-zero if any spec fails to generate or compile.
set -uo pipefail
cd "$(dirname "$0")/.."
specs_dir=${SPECS_DIR:-../shared/specs}
out=target/corpus
rm -rf "$out" && mkdir -p "$out"
cargo build --quiet --release -p openapi-sdkgen || exit 1
generator=target/release/generator

members=()
declare -A status
for spec in "$specs_dir"/*.yaml "$specs_dir"/*.json; do
  name=$(basename "${spec%.*}")
  crate="corpus-$name"
  if "$generator" generate --spec "$spec" --out "$out/$name" --crate-name "$crate" >"$out/$name.gen.log" 2>&1; then
    members+=("\"$name\"")
    status[$name]=generated
  else
    status[$name]="generate FAILED: $(tail -1 "$out/$name.gen.log")"
  fi
done
printf '[workspace]\nresolver = "2"\nmembers = [%s]\n' "$(IFS=,; echo "${members[*]}")" >"$out/Cargo.toml"

failed=0
export CARGO_TARGET_DIR=${CORPUS_TARGET_DIR:-$PWD/target/sdk-check-target}
cp Cargo.lock "$out/Cargo.lock"
for spec in "$specs_dir"/*.yaml "$specs_dir"/*.json; do
  name=$(basename "${spec%.*}")
  if [ "${status[$name]}" = generated ]; then
    if RUSTFLAGS="-D warnings" cargo build --quiet --manifest-path "$out/Cargo.toml" -p "corpus-$name" --all-targets >"$out/$name.build.log" 2>&1; then
      status[$name]=pass
    else
      status[$name]="compile FAILED (see $out/$name.build.log)"
    fi
  fi
  [ "${status[$name]}" = pass ] || failed=1
done

printf '\n%-32s %s\n' spec result
for spec in "$specs_dir"/*.yaml "$specs_dir"/*.json; do
  name=$(basename "${spec%.*}")
  printf '%-32s %s\n' "$name" "${status[$name]}"
done
exit $failed
