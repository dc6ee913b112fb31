# Sourced by the service scan scripts: builds `sealpost-server`, starts `demo` in a
# throwaway data directory on a free 127.0.0.1 port and stops it on exit.
# Sets DEMO_DIR, DEMO_PORT and DEMO_URL. When DEMO_CONFIG_EXTRA contains TOML sections,
# the data directory gets a sealpost.toml with the demo's paths plus those sections.
# With KEEP_DEMO_DIR=1 the directory and its logs stay for inspection.

demo_target_dir=$(cargo metadata --format-version 1 --no-deps --locked \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')
cargo build -p sealpost-server --locked --quiet
demo_bin="$demo_target_dir/debug/sealpost-server"

DEMO_DIR=$(mktemp -d /tmp/sealpost-demo.XXXXXX)
if [ -n "${DEMO_CONFIG_EXTRA:-}" ]; then
    mkdir -p "$DEMO_DIR/data"
    cat >"$DEMO_DIR/data/sealpost.toml" <<TOML
database_url = "sqlite://$DEMO_DIR/data/sealpost.db"
[tls]
cert = "$DEMO_DIR/data/tls/server.pem"
key = "$DEMO_DIR/data/tls/server-key.pem"
$DEMO_CONFIG_EXTRA
TOML
fi
"$demo_bin" demo --data-dir "$DEMO_DIR/data" --listen 127.0.0.1:0 >"$DEMO_DIR/stdout.log" 2>"$DEMO_DIR/stderr.log" &
demo_pid=$!

stop_demo() {
    kill -TERM "$demo_pid" 2>/dev/null || true
    wait "$demo_pid" 2>/dev/null || true
    if [ "${KEEP_DEMO_DIR:-0}" = 1 ]; then
        echo "demo data and logs kept in $DEMO_DIR"
    else
        rm -rf "$DEMO_DIR"
    fi
}
trap stop_demo EXIT

# Seeding hashes six passwords at full Argon2id cost; a debug build needs some seconds.
DEMO_URL=""
for _ in $(seq 1 600); do
    DEMO_URL=$(grep -o 'https://[0-9.]*:[0-9]*' "$DEMO_DIR/stdout.log" | head -n 1 || true)
    [ -n "$DEMO_URL" ] && break
    if ! kill -0 "$demo_pid" 2>/dev/null; then
        cat "$DEMO_DIR/stderr.log" >&2
        echo "the demo service exited before it was ready" >&2
        exit 1
    fi
    sleep 0.2
done
if [ -z "$DEMO_URL" ]; then
    echo "the demo service did not start within 120 s" >&2
    exit 1
fi
DEMO_PORT=${DEMO_URL##*:}
echo "demo service at $DEMO_URL"
