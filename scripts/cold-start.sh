#!/usr/bin/env bash
# make bench BENCH=coldstart: how fast a just-started cluster answers, second by second, until its JVMs
# have compiled their hot code. Starts three fresh queue nodes exactly as ../shared/bench/compare-etcd.sh
# does (bare java -jar: each node re-executes itself with its own JVM options, dev.dsync.node.NodeJvm;
# JAVA_OPTS="..." starts them with these instead, e.g. "-XX:+UseG1GC" for the JVM's defaults), then
# runs wrk in back-to-back segments against the leader: enqueue with 64 connections, then (on another
# fresh cluster) with 1. The nodes warm their JIT before they listen (the node's default, --warm-up);
# WARM_UP=false in the environment shows a node that starts cold.
#   scripts/cold-start.sh [SEGMENT_S=5] [SEGMENTS=8] [JAVA_OPTS="-XX:+UseG1GC"] [WARM_UP=false]
# Needs wrk (apt-get install wrk). Prints one line a segment and writes bench-results/cold-start.txt.
# Why: the side-by-side script measures the first 10-20 s of three fresh JVMs on two cores, where the
# interpreter and the JIT compilers, not the server's design, set the pace; this shows how much.
set -euo pipefail
cd "$(dirname "$0")/.."
SEGMENT_S=${SEGMENT_S:-5}
SEGMENTS=${SEGMENTS:-8}
JAVA_OPTS=${JAVA_OPTS:-}
JAVA=${JAVA:-$(.ci/find-jdk)/bin/java}
JAR=server/target/server.jar
ENQ=$(mktemp --suffix=.lua)
command -v wrk >/dev/null || { echo "cold-start: needs wrk (apt-get install wrk)" >&2; exit 2; }
[ -f "$JAR" ] || { echo "cold-start: no $JAR; run make build first" >&2; exit 2; }
cat >"$ENQ" <<'LUA'
local value = string.rep("v", 128)
local n = 0
wrk.method = "POST"
wrk.path = "/queue/enq"
wrk.headers["Content-Type"] = "application/json"
request = function()
  n = n + 1
  return wrk.format(nil, nil, nil, '{"key":"k' .. (n % 1600) .. '","value":"' .. value .. '"}')
end
LUA
DIR=$(mktemp -d)
PIDS=()
stop_nodes() {
  if [ ${#PIDS[@]} -gt 0 ]; then
    kill "${PIDS[@]}" 2>/dev/null || true
    wait "${PIDS[@]}" 2>/dev/null || true
  fi
  PIDS=()
  rm -rf "${DIR:?}"/q*
}
trap 'stop_nodes; rm -rf "$DIR" "$ENQ"' EXIT

# Starts three fresh nodes on 19150-19152 (in this shell, so that PIDS keeps them).
start_nodes() {
  local peers="" i
  for i in 1 2 3; do peers="$peers${peers:+,}q$i=http://127.0.0.1:$((19149 + i))"; done
  for i in 1 2 3; do
    # shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
    "$JAVA" $JAVA_OPTS -jar "$JAR" --service queue --id "q$i" --port $((19149 + i)) --peers "$peers" \
      --data-dir "$DIR/q$i" >"$DIR/q$i.log" 2>&1 &
    PIDS+=($!)
  done
}

# Prints the leader's port once one of the nodes reports it leads.
await_leader() {
  local port
  for _ in $(seq 300); do
    for port in 19150 19151 19152; do
      if curl -s "127.0.0.1:$port/health" | grep -q '"role":2'; then echo "$port"; return; fi
    done
    sleep 0.1
  done
  echo "cold-start: no leader within 30 s" >&2
  exit 1
}

mkdir -p bench-results
out=bench-results/cold-start.txt
echo "cold start of three queue nodes (java -jar ${JAVA_OPTS:-with default flags}), wrk segments of $SEGMENT_S s from the first leader" | tee "$out"
for conns in 64 1; do
  for port in 19150 19151 19152; do
    if curl -s -o /dev/null "127.0.0.1:$port/health"; then echo "cold-start: port $port is taken; stop what runs there" >&2; exit 2; fi
  done
  started=$(date +%s%N)
  start_nodes
  leader=$(await_leader)
  echo "enqueue, $conns connection(s); leader after $(( ($(date +%s%N) - started) / 1000000 )) ms" | tee -a "$out"
  for s in $(seq "$SEGMENTS"); do
    wrk -t1 -c"$conns" -d"${SEGMENT_S}s" --latency -s "$ENQ" "http://127.0.0.1:$leader" |
      awk -v s="$s" -v len="$SEGMENT_S" '/Requests\/sec/{r=$2} /^ +50%/{p=$2} /^ +99%/{q=$2}
        END{printf "  %3d-%3d s: %9s/s  p50 %8s  p99 %8s\n", (s-1)*len, s*len, r, p, q}' | tee -a "$out"
  done
  stop_nodes
done
