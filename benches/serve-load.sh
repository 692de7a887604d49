#!/usr/bin/env bash
# Load test of `ims-iam serve` on loopback with wrk (from the distribution's packages): 10 s per
# scenario, 2 threads, 16 connections, keep-alive, nginx-mode checks sent straight to the service.
# Bounded (each wrk run is 10 s; the whole script stops by itself) and stops the server it starts.
#
# Usage: bash benches/serve-load.sh      (builds the release binary first)
set -euo pipefail
cd "$(dirname "$0")/.."

command -v wrk >/dev/null || {
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq wrk >/dev/null
}
cargo build --release --quiet --bin ims-iam
BIN=target/release/ims-iam
PORT=${PORT:-19191}
UUID=0b3b6d4e-8f0a-4c1e-9a57-3c0b8f6f2d11
SERVE_PID=""
trap '[ -n "$SERVE_PID" ] && kill -TERM "$SERVE_PID" 2>/dev/null && wait "$SERVE_PID" 2>/dev/null; true' EXIT

start() { # extra serve options
    "$BIN" serve --principals examples/principals.json --listen "127.0.0.1:$PORT" --watch 0 \
        --log-format json "$@" 2>/dev/null &
    SERVE_PID=$!
    for _ in $(seq 1 50); do
        curl -s -o /dev/null --max-time 1 "http://127.0.0.1:$PORT/healthz" && return 0
        sleep 0.1
    done
    return 1
}
stop() {
    kill -TERM "$SERVE_PID"
    wait "$SERVE_PID" || true
    SERVE_PID=""
}
load() { # name user method uri
    echo "== $1"
    wrk -t2 -c16 -d10s --latency \
        -H "X-Original-Method: $3" -H "X-Original-URI: $4" -H "X-User-Name: $2" \
        "http://127.0.0.1:$PORT/auth"
}

start --no-decision-log
load "allow, no decision log" alice PUT "/v2/images/$UUID/tags/env"
load "deny, no decision log" bob PUT "/v2/images/$UUID/tags/env"
stop
start
load "allow, JSON decision log (to /dev/null)" alice PUT "/v2/images/$UUID/tags/env"
load "deny, JSON decision log (to /dev/null)" bob PUT "/v2/images/$UUID/tags/env"
stop
