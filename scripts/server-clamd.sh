# Sourced by scripts/test: starts a private clamd on a Unix socket under /tmp with a
# signature database built here (no download: freshclam needs the internet), exports
# SEALPOST_TEST_CLAMD=unix:SOCKET for the service tests, and stops clamd on exit.
#
# The database contains two body signatures: the standard EICAR test string, named
# Eicar-Test-Signature, and the ASCII marker SEALPOST-CLAMD-TEST-MARKER, named
# Sealpost-Test-Marker. StreamMaxLength is 10M so that a test can exceed it cheaply.

clamd_bin=$(command -v clamd || echo /usr/sbin/clamd)
if [ ! -x "$clamd_bin" ]; then
    echo "clamd not found; run scripts/setup (Debian package clamav-daemon)" >&2
    exit 1
fi

CLAMD_DIR=$(mktemp -d /tmp/sealpost-clamd.XXXXXX)
mkdir -p "$CLAMD_DIR/db"
python3 - "$CLAMD_DIR/db/sealpost-test.ndb" <<'PY'
import sys
# The EICAR string is assembled from two halves so that this script itself does not
# match a virus scanner's EICAR signature.
eicar = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-" + "STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
marker = "SEALPOST-CLAMD-TEST-MARKER"
with open(sys.argv[1], "w") as out:
    out.write(f"Eicar-Test-Signature:0:*:{eicar.encode().hex()}\n")
    out.write(f"Sealpost-Test-Marker:0:*:{marker.encode().hex()}\n")
PY
cat >"$CLAMD_DIR/clamd.conf" <<CONF
LocalSocket $CLAMD_DIR/clamd.sock
DatabaseDirectory $CLAMD_DIR/db
Foreground yes
LogFile $CLAMD_DIR/clamd.log
StreamMaxLength 10M
User $(id -un)
CONF

"$clamd_bin" -c "$CLAMD_DIR/clamd.conf" >"$CLAMD_DIR/stdout.log" 2>&1 &
CLAMD_PID=$!
stop_clamd() {
    kill "$CLAMD_PID" 2>/dev/null || true
    wait "$CLAMD_PID" 2>/dev/null || true
    rm -rf "$CLAMD_DIR"
}
trap stop_clamd EXIT

for _ in $(seq 1 100); do
    [ -S "$CLAMD_DIR/clamd.sock" ] && break
    if ! kill -0 "$CLAMD_PID" 2>/dev/null; then
        echo "clamd exited at start:" >&2
        cat "$CLAMD_DIR/clamd.log" "$CLAMD_DIR/stdout.log" >&2 || true
        exit 1
    fi
    sleep 0.1
done
if [ ! -S "$CLAMD_DIR/clamd.sock" ]; then
    echo "clamd did not open its socket within 10 seconds" >&2
    exit 1
fi
export SEALPOST_TEST_CLAMD="unix:$CLAMD_DIR/clamd.sock"
