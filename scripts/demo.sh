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

queue_demo() {
  K="order-$(date +%s)" # a fresh key per run: a key's messages are delivered one at a time, in order
  echo; echo "== queue (enqueue and dequeue are both committed through Raft; call any node)"
  show curl -s -X POST $Q/queue/enq -d "{\"key\":\"$K\",\"value\":{\"item\":\"book\",\"qty\":1}}"
  show curl -s -X POST http://127.0.0.1:8101/queue/enq -d "{\"key\":\"$K\",\"value\":{\"item\":\"pen\",\"qty\":2}}"
  echo; echo "\$ curl -s -X POST $Q/queue/deq -d '{\"consumer_id\":\"worker-1\"}'"
  first=$(curl -s -X POST $Q/queue/deq -d '{"consumer_id":"worker-1"}')
  echo "$first"
  id=$(echo "$first" | sed -n 's/.*"msg_id":\([0-9]*\).*/\1/p')
  echo "# the key's second message waits until the first is acked:"
  show curl -s -X POST http://127.0.0.1:8102/queue/deq -d '{"consumer_id":"worker-2"}'
  show curl -s -X POST $Q/queue/ack -d "{\"msg_id\":${id:-0}}"
  show curl -s -X POST $Q/queue/ack -d "{\"msg_id\":${id:-0}}"
  echo; echo "\$ curl -s -X POST $Q/queue/deq -d '{\"consumer_id\":\"worker-2\",\"wait_ms\":1000}'"
  second=$(curl -s -X POST $Q/queue/deq -d '{"consumer_id":"worker-2","wait_ms":1000}')
  echo "$second"
  id2=$(echo "$second" | sed -n 's/.*"msg_id":\([0-9]*\).*/\1/p')
  receipt2=$(echo "$second" | sed -n 's/.*"receipt":"\([^"]*\)".*/\1/p')
  show curl -s -X POST $Q/queue/ack -d "{\"msg_id\":${id2:-0},\"receipt\":\"$receipt2\"}"
  show curl -s "$Q/queue/stats?queue=default"
  show curl -s -X POST $Q/queue/enq -d '{"key":"x"}'
}

cache_demo() {
  CK="user-$(date +%s)" # a fresh key per run
  echo; echo "== cache (writes go through Raft; each node keeps MESI-coherent copies and serves hits from memory)"
  echo "# put at cache-1: cache-1 becomes the key's only holder, in M"
  show curl -s -X POST $C/cache/put -d "{\"key\":\"$CK\",\"val\":{\"name\":\"ada\",\"visits\":1}}"
  echo "# get at cache-2: a miss; cache-2 reads from the leader and installs a copy (S: cache-1 drops from M to S)"
  show curl -s -X POST http://127.0.0.1:8201/cache/get -d "{\"key\":\"$CK\"}"
  sleep 0.2 # the node serves a new copy once its next read lease (renewed every 100 ms) covers it
  echo "# get at cache-2 again: a hit, served from cache-2's own copy with no network"
  show curl -s -X POST http://127.0.0.1:8201/cache/get -d "{\"key\":\"$CK\"}"
  show curl -s "$C/cache/directory?key=$CK"
  echo "# cas at cache-3: cache-3 becomes the only holder (M); the other copies are invalidated before it answers"
  show curl -s -X POST http://127.0.0.1:8202/cache/cas -d "{\"key\":\"$CK\",\"expected\":{\"name\":\"ada\",\"visits\":1},\"val\":{\"name\":\"ada\",\"visits\":2}}"
  show curl -s "$C/cache/directory?key=$CK"
  show curl -s -X POST http://127.0.0.1:8201/cache/get -d "{\"key\":\"$CK\"}"
  echo "# a cas that expects an old value is refused with the current one"
  show curl -s -X POST $C/cache/cas -d "{\"key\":\"$CK\",\"expected\":{\"name\":\"ada\",\"visits\":1},\"val\":0}"
  show curl -s "http://127.0.0.1:8201/cache/state?key=$CK"
  show curl -s -X POST $C/cache/del -d "{\"key\":\"$CK\"}"
  show curl -s -X POST http://127.0.0.1:8202/cache/get -d "{\"key\":\"$CK\"}"
  show curl -s -X POST $C/cache/put -d "{\"key\":\"$CK\",\"val\":null}"
}

Q=http://127.0.0.1:8100
if curl -sf --max-time 2 $Q/health >/dev/null; then queue_demo; else echo; echo "(no queue node on :8100; skipping the queue demo)"; fi
C=http://127.0.0.1:8200
if curl -sf --max-time 2 $C/health >/dev/null; then cache_demo; else echo; echo "(no cache node on :8200; skipping the cache demo)"; fi
