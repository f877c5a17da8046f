#!/usr/bin/env bash
# The README's curl demo, run against the clusters that 'make up' started.
set -euo pipefail
L=http://127.0.0.1:8000
show() { echo; echo "\$ $*"; "$@" -w '   [HTTP %{http_code}]'; echo; }
command -v curl >/dev/null || { echo "demo needs curl" >&2; exit 1; }
curl -sf --max-time 2 $L/health >/dev/null || { echo "no lock node on :8000; run 'make up' first" >&2; exit 1; }

echo "== locks (any node may be called; followers forward to the leader)"
show curl -s $L/health
show curl -s -X POST $L/lock/acquire -d '{"key":"printer","mode":"X","client_id":"alice","ttl_ms":30000}'
show curl -s -X POST http://127.0.0.1:8001/lock/acquire -d '{"key":"printer","mode":"S","client_id":"bob"}'
show curl -s "$L/lock/status?key=printer"
show curl -s -X POST $L/lock/renew -d '{"client_id":"alice"}'
show curl -s -X POST $L/lock/release -d '{"key":"printer","client_id":"alice"}'
show curl -s -X POST $L/lock/acquire -d '{"key":"printer","mode":"S","client_id":"bob","wait_ms":1000}'
show curl -s -X POST $L/lock/release -d '{"key":"printer","client_id":"bob"}'
show curl -s -X POST $L/lock/acquire -d '{"key":"printer","mode":"Z","client_id":"bob"}'
