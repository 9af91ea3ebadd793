#!/usr/bin/env bash
# `make fastapi`: serves the FastAPI application of tests/fastapi on loopback (uvicorn), generates an
# SDK from the OpenAPI 3.1 document the application itself serves, and runs the SDK's tests
# (tests/fastapi/sdk, copied in as extra files) against the application.
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-.venv/bin/python}
out=target/fastapi
rm -rf "$out" && mkdir -p "$out"
cargo build --quiet --release -p openapi-sdkgen

port=$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url="http://127.0.0.1:$port"
"$python" -m uvicorn --app-dir tests/fastapi app:app --host 127.0.0.1 --port "$port" --log-level warning &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT

# The document as served, with where the hand-written SDK tests are (relative to the document).
"$python" - "$url/openapi.json" "$out/openapi.json" <<'PY'
import json, sys, time, urllib.request
for _ in range(100):
    try:
        document = json.load(urllib.request.urlopen(sys.argv[1], timeout=2))
        break
    except OSError:
        time.sleep(0.1)
else:
    sys.exit("the FastAPI application did not answer")
assert document["openapi"].startswith("3.1"), document["openapi"]
document["x-sdk"] = {"extra-files": "../../tests/fastapi/sdk"}
json.dump(document, open(sys.argv[2], "w"), indent=1)
PY

target/release/generator generate --spec "$out/openapi.json" --out "$out/sdk" --crate-name shelter-sdk
printf '\n[workspace]\n' >>"$out/sdk/Cargo.toml"
cp Cargo.lock "$out/sdk/Cargo.lock"
SHELTER_URL="$url" CARGO_TARGET_DIR="$PWD/target/sdk-check-target" RUSTFLAGS="-D warnings" \
  cargo test --quiet --manifest-path "$out/sdk/Cargo.toml" --test fastapi --test examples
