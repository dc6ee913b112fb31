#!/usr/bin/env bash
# Runs inside the D-Bus session and the X server that scripts/app-e2e sets up: starts
# the demo service and tauri-driver on 127.0.0.1, runs the Selenium suite, stops both.
set -euo pipefail
out=$E2E_OUT
mkdir -p "$out/screenshots" "$out/home"

# A private home for the app's settings, logs and upload state.
export XDG_CONFIG_HOME="$out/home/config"
export XDG_DATA_HOME="$out/home/data"
export XDG_CACHE_HOME="$out/home/cache"

pids=()
cleanup() {
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT

# With the clamd that scripts/test starts, uploads go through a real scan to their final
# state; without one they stop in scan_pending, which the suite then accepts.
scanner=()
if [ -n "${SEALPOST_TEST_CLAMD:-}" ]; then
    scanner=(--clamd "$SEALPOST_TEST_CLAMD")
    export E2E_EXPECT_ACCEPTED=1
fi
"$SERVER_BINARY" demo --data-dir "$out/demo" --listen 127.0.0.1:0 "${scanner[@]}" \
    >"$out/demo.log" 2>"$out/demo-stderr.log" &
pids+=($!)
url=""
for _ in $(seq 1 600); do
    url=$(grep -o 'https://[0-9.]*:[0-9]*' "$out/demo.log" | head -n 1 || true)
    [ -n "$url" ] && break
    sleep 0.2
done
if [ -z "$url" ]; then
    cat "$out/demo-stderr.log" >&2
    echo "the demo service did not print its URL within 120 s" >&2
    exit 1
fi
echo "demo service at $url"
export SEALPOST_SERVER_URL="$url"
export SEALPOST_CA_FILE="$out/demo/tls/ca.pem"
export E2E_CREDENTIALS="$out/demo/demo-credentials.json"

"$TAURI_DRIVER" --port 4444 --native-host 127.0.0.1 >"$out/tauri-driver.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
    if python3 -c 'import socket; socket.create_connection(("127.0.0.1", 4444), 1)' 2>/dev/null; then
        break
    fi
    sleep 0.1
done

"$E2E_PYTHON" "${E2E_SCRIPT_PATH:-$(dirname "$0")/${E2E_SCRIPT:-test_app.py}}"
