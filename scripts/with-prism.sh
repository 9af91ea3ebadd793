#!/usr/bin/env bash
# Usage: scripts/with-prism.sh SPEC COMMAND...
# Starts Prism mocking SPEC on a free loopback port, waits until it answers, runs COMMAND with
# MOCK_SERVER_URL set, and always stops Prism (by its PID) afterwards. Exits with COMMAND's status.
set -euo pipefail
spec=$1; shift
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
log=$(mktemp)
# Its own process group, so stopping it also stops the node process the launcher starts.
setsid node_modules/.bin/prism mock -h 127.0.0.1 -p "$port" "$spec" >"$log" 2>&1 &
pid=$!
trap 'kill -- "-$pid" 2>/dev/null || kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 1 120); do
  if curl -s -o /dev/null "http://127.0.0.1:$port/"; then break; fi
  if ! kill -0 "$pid" 2>/dev/null; then echo "prism exited:"; cat "$log"; exit 1; fi
  sleep 0.5
done
curl -s -o /dev/null "http://127.0.0.1:$port/" || { echo "prism did not start:"; cat "$log"; exit 1; }
MOCK_SERVER_URL="http://127.0.0.1:$port" "$@"
