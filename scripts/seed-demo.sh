#!/usr/bin/env bash
# The seed's demo, call for call: its Invoke-WebRequest calls translated one to one to curl (same
# methods, ports and bodies, `POST /queue/deq` with no body, and the msg_id acked as a string). Works
# against `make up` and against docker/docker-compose.yml; every answer is checked, and the script
# exits non-zero at the first wrong one.
#   scripts/seed-demo.sh                  (lock 8000-8002, queue 8100-8102, cache 8200-8202 on 127.0.0.1)
#   HOST=10.0.0.5 LOCK_PORTS="8000 8001 8002" QUEUE_PORTS=... CACHE_PORTS=... scripts/seed-demo.sh
set -euo pipefail
HOST=${HOST:-127.0.0.1}
read -r -a LOCK <<<"${LOCK_PORTS:-8000 8001 8002}"
read -r -a QUEUE <<<"${QUEUE_PORTS:-8100 8101 8102}"
read -r -a CACHE <<<"${CACHE_PORTS:-8200 8201 8202}"
command -v curl >/dev/null || { echo "seed-demo needs curl" >&2; exit 1; }
RUN=$(date +%s%N) # fresh keys per run: the clusters may keep data from earlier runs
passed=0

# call METHOD PORT PATH [BODY]: prints the call and its answer; sets STATUS and BODY.
call() {
  local method=$1 port=$2 path=$3 args=(-s -o /tmp/seed-demo.$$ -w '%{http_code}' --max-time 10 -X "$1")
  if [ $# -ge 4 ]; then
    args+=(-H 'Content-Type: application/json' -d "$4")
    echo "\$ curl -X $method http://$HOST:$port$path -H 'Content-Type: application/json' -d '$4'"
  else
    echo "\$ curl -X $method http://$HOST:$port$path"
  fi
  # 503 means "certainly did not happen, retry" (no leader at this moment): retry for up to 20 s, as
  # any client of the service does; the seed's clusters were just as able to be mid-election.
  local deadline=$((SECONDS + 20))
  while true; do
    STATUS=$(curl "${args[@]}" "http://$HOST:$port$path" || echo 000)
    BODY=$(cat /tmp/seed-demo.$$ 2>/dev/null || true)
    rm -f /tmp/seed-demo.$$
    [ "$STATUS" = 503 ] && [ $SECONDS -lt $deadline ] || break
    echo "  503 ${BODY:0:120} (retrying)"
    sleep 0.5
  done
  echo "  $STATUS ${BODY:0:300}"
}

# expect STATUS TEXT...: the last answer had this status and contains every TEXT.
expect() {
  local want=$1; shift
  [ "$STATUS" = "$want" ] || { echo "FAILED: expected HTTP $want, got $STATUS" >&2; exit 1; }
  for text in "$@"; do
    [[ $BODY == *"$text"* ]] || { echo "FAILED: the answer lacks $text" >&2; exit 1; }
  done
  passed=$((passed + 1))
}

# A fresh cluster may still be electing (nine JVMs starting on two cores take a while): wait up to
# LEADER_WAIT_S (120) seconds for each service to have a leader.
await_leader() {
  local port=$1 deadline=$((SECONDS + ${LEADER_WAIT_S:-120}))
  until curl -s --max-time 1 "http://$HOST:$port/health" | grep -q '"leader":"'; do
    [ $SECONDS -lt $deadline ] || { echo "FAILED: no leader seen at :$port within ${LEADER_WAIT_S:-120} s" >&2; exit 1; }
    sleep 0.5
  done
}
# A leader is not yet a cluster that commits: wait until each service answers a linearizable read
# (a ReadIndex round with a quorum, after the new leader's first entry committed), so that the demo's
# first write is not the one that meets a cluster still warming up.
await_serving() {
  local port=$1 path=$2 deadline=$((SECONDS + ${LEADER_WAIT_S:-120}))
  until [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://$HOST:$port$path")" = 200 ]; do
    [ $SECONDS -lt $deadline ] || { echo "FAILED: :$port did not serve $path within ${LEADER_WAIT_S:-120} s" >&2; exit 1; }
    sleep 0.5
  done
}
for p in "${LOCK[0]}" "${QUEUE[0]}" "${CACHE[0]}"; do await_leader "$p"; done
await_serving "${LOCK[0]}" "/lock/status?key=warm-up"
await_serving "${QUEUE[0]}" "/queue/stats?queue=warm-up"
await_serving "${CACHE[0]}" "/cache/directory?key=warm-up"

echo "== health of every node"
for p in "${LOCK[@]}" "${QUEUE[@]}" "${CACHE[@]}"; do
  call GET "$p" /health
  expect 200 '"ok":true'
done

echo; echo "== lock service"
call POST "${LOCK[0]}" /lock/acquire "{\"key\":\"resource-$RUN\",\"mode\":\"X\",\"client_id\":\"client-1\",\"ttl_ms\":30000}"
expect 200 '"granted":true' '"fence":'
call POST "${LOCK[1]}" /lock/acquire "{\"key\":\"resource-$RUN\",\"mode\":\"X\",\"client_id\":\"client-2\"}"
expect 409 '"granted":false'
call POST "${LOCK[2]}" /lock/release "{\"key\":\"resource-$RUN\",\"client_id\":\"client-1\"}"
expect 200 '"released":true'
call POST "${LOCK[1]}" /lock/acquire "{\"key\":\"resource-$RUN\",\"mode\":\"X\",\"client_id\":\"client-2\"}"
expect 200 '"granted":true'
call POST "${LOCK[0]}" /lock/release "{\"key\":\"resource-$RUN\",\"client_id\":\"client-2\"}"
expect 200 '"released":true'

echo; echo "== queue service"
call POST "${QUEUE[0]}" /queue/enq "{\"key\":\"order-$RUN\",\"value\":{\"item\":\"book\",\"qty\":1}}"
expect 200 '"msg_id":'
enqueued=$(sed -n 's/.*"msg_id":\([0-9]*\).*/\1/p' <<<"$BODY")
# The default queue may hold messages of earlier runs: dequeue (no body, as the seed does) and ack
# until ours has come.
for attempt in $(seq 1 50); do
  call POST "${QUEUE[1]}" /queue/deq
  expect 200 '"msg_id":'
  got=$(sed -n 's/.*"msg_id":\([0-9]*\).*/\1/p' <<<"$BODY")
  call POST "${QUEUE[2]}" /queue/ack "{\"msg_id\":\"$got\"}"
  expect 200 '"acked":true'
  [ "$got" != "$enqueued" ] || break
  [ "$attempt" -lt 50 ] || { echo "FAILED: message $enqueued never delivered" >&2; exit 1; }
done

echo; echo "== cache service"
call POST "${CACHE[0]}" /cache/put "{\"key\":\"user-$RUN\",\"val\":{\"name\":\"ada\"}}"
expect 200 '"version":'
call POST "${CACHE[1]}" /cache/get "{\"key\":\"user-$RUN\"}"
expect 200 '"val":{"name":"ada"}'
call POST "${CACHE[2]}" /cache/get "{\"key\":\"user-$RUN\"}"
expect 200 '"val":{"name":"ada"}'

echo; echo "== metrics"
for p in "${LOCK[0]}" "${QUEUE[0]}" "${CACHE[0]}"; do
  call GET "$p" /metrics
  expect 200 'raft_term'
done

echo
echo "seed-demo: $passed passed, 0 failed"
