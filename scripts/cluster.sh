#!/usr/bin/env bash
# Starts, stops, shows and scales the local demo clusters: three nodes per service on 127.0.0.1 to begin with.
#   scripts/cluster.sh up|down|status      (SERVICES="lock queue cache" by default; data and logs in .run/)
#   scripts/cluster.sh scale SERVICE N     (1 <= N <= 9: nodes join with --join and leave with DELETE /cluster/members)
# Node i of a service listens on the service's base port + i - 1. Every node gets the admin token kept in
# .run/admin-token (made on first use), so that membership changes work; it goes in the environment, not on the
# command line, where any local user could read it.
set -euo pipefail
cd "$(dirname "$0")/.."

SERVICES=${SERVICES:-lock queue cache}
RUN_DIR=${RUN_DIR:-.run}
# Nine JVMs starting at once on a two-core machine under load can take half a minute to elect leaders.
UP_TIMEOUT=${UP_TIMEOUT:-60}
JAR=server/target/server.jar
JAVA_HOME=${JAVA_HOME:-$(.ci/find-jdk)}
JAVA="$JAVA_HOME/bin/java"

base_port() { case $1 in lock) echo 8000;; queue) echo 8100;; cache) echo 8200;; *) echo "unknown service $1" >&2; exit 2;; esac; }

peers_of() { # service -> lock-1=http://127.0.0.1:8000,...
  local s=$1 b; b=$(base_port "$s")
  echo "$s-1=http://127.0.0.1:$b,$s-2=http://127.0.0.1:$((b + 1)),$s-3=http://127.0.0.1:$((b + 2))"
}

MAX_NODES=9

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

admin_token() {
  mkdir -p "$RUN_DIR"
  if [ ! -s "$RUN_DIR/admin-token" ]; then
    (umask 077; head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$RUN_DIR/admin-token")
  fi
  cat "$RUN_DIR/admin-token"
}

# Starts node i of service s unless it runs: a founder (i <= 3) with --peers, any other with --join
# (the port of a live member to ask; a node restarted on its data ignores it and uses its log).
start_node() {
  local s=$1 i=$2 join_port=${3:-} b; b=$(base_port "$s")
  local id="$s-$i" port=$((b + i - 1)) pid="$RUN_DIR/pids/$s-$i.pid" membership
  if alive "$pid"; then echo "$id already running (pid $(cat "$pid"))"; return; fi
  if [ "$i" -le 3 ]; then
    membership=(--peers "$(peers_of "$s")")
  else
    membership=(--join "http://127.0.0.1:${join_port:-$b}" --advertise-url "http://127.0.0.1:$port")
  fi
  # shellcheck disable=SC2046 # the archive flag is one word or none
  # AsyncDeflationInterval=0: the JVM's monitor-deflation thread looks for idle monitors once a minute instead of
  # every 250 ms; those wake-ups were about 5 % of an idle node's CPU (see NodeJvm).
  # The nodes start cold (WARM_UP=false): warming nine JVMs' JIT at once on two cores takes about a minute, and a
  # demo gains nothing from it. WARM_UP=true make up turns it on (dev.dsync.node.WarmUp).
  WARM_UP=${WARM_UP:-false} ADMIN_TOKEN=$(admin_token) nohup "$JAVA" -Xmx256m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError -XX:+UnlockDiagnosticVMOptions -XX:AsyncDeflationInterval=0 $( [ -f "${JAR%.jar}.jsa" ] && echo "-XX:SharedArchiveFile=${JAR%.jar}.jsa" ) -jar "$JAR" --service "$s" --id "$id" --port "$port" \
    "${membership[@]}" --data-dir "$RUN_DIR/data/$id" >>"$RUN_DIR/logs/$id.log" 2>&1 &
  echo $! >"$pid"
}

# The nodes of s to start: the founders of a fresh cluster, else every node that has a data directory.
nodes_to_start() {
  local s=$1 i found=""
  for i in $(seq 1 $MAX_NODES); do
    [ -d "$RUN_DIR/data/$s-$i" ] && found="$found $i"
  done
  echo "${found:-1 2 3}"
}

any_live_port() {
  local s=$1 b i; b=$(base_port "$s")
  for i in $(seq 0 $((MAX_NODES - 1))); do
    if health $((b + i)) | grep -q '"ok":true'; then echo $((b + i)); return; fi
  done
  echo "no live $s node to ask" >&2
  exit 1
}

health() { curl -s --max-time 1 "http://127.0.0.1:$1/health" || true; }

up() {
  [ -f "$JAR" ] || { echo "no $JAR: run 'make build' first" >&2; exit 1; }
  mkdir -p "$RUN_DIR/logs" "$RUN_DIR/pids"
  for s in $SERVICES; do
    for i in $(nodes_to_start "$s"); do
      start_node "$s" "$i"
    done
  done
  for s in $SERVICES; do
    local b leader="" deadline=$((SECONDS + UP_TIMEOUT)); b=$(base_port "$s")
    while [ -z "$leader" ] && [ $SECONDS -lt $deadline ]; do
      for i in $(nodes_to_start "$s"); do
        alive "$RUN_DIR/pids/$s-$i.pid" && continue
        echo "$s-$i exited while starting; last lines of $RUN_DIR/logs/$s-$i.log:" >&2
        tail -5 "$RUN_DIR/logs/$s-$i.log" >&2
        exit 1
      done
      for i in $(nodes_to_start "$s"); do
        leader=$(health $((b + i - 1)) | sed -n 's/.*"role":2.*"leader":"\([^"]*\)".*/\1/p')
        [ -n "$leader" ] && break
      done
      [ -n "$leader" ] || sleep 0.2
    done
    if [ -z "$leader" ]; then echo "$s cluster has no leader after $UP_TIMEOUT s (UP_TIMEOUT); see $RUN_DIR/logs/" >&2; exit 1; fi
    echo "$s cluster up: nodes $(nodes_to_start "$s" | tr -s ' ' | sed 's/^ //') on ports from $b; leader $leader"
  done
}

down() {
  for f in "$RUN_DIR"/pids/*.pid; do
    [ -e "$f" ] || continue
    if alive "$f"; then kill -TERM "$(cat "$f")"; fi
  done
  local deadline=$((SECONDS + 10))
  for f in "$RUN_DIR"/pids/*.pid; do
    [ -e "$f" ] || continue
    while alive "$f" && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
    if alive "$f"; then kill -KILL "$(cat "$f")"; fi
    echo "stopped $(basename "$f" .pid)"
    rm -f "$f"
  done
}

status() {
  for s in $SERVICES; do
    local b; b=$(base_port "$s")
    for i in $(seq 0 $((MAX_NODES - 1))); do
      local h; h=$(health $((b + i)))
      # Nodes beyond the founders only while they run or have data.
      if [ $i -ge 3 ] && [ -z "$h" ] && [ ! -d "$RUN_DIR/data/$s-$((i + 1))" ]; then continue; fi
      echo "$s-$((i + 1)) :$((b + i))  ${h:-down}"
    done
  done
}

# The ids in GET /cluster/members of s, one per line.
members_of() {
  curl -s --max-time 5 "http://127.0.0.1:$(any_live_port "$1")/cluster/members" | grep -o '"id":"[^"]*"' | cut -d'"' -f4
}

scale() {
  local s=$1 n=$2 b deadline
  case $s in lock|queue|cache) ;; *) echo "SERVICE must be lock, queue or cache, not '$s'" >&2; exit 2;; esac
  b=$(base_port "$s")
  case $n in ''|*[!0-9]*) echo "N must be a number from 1 to $MAX_NODES, not '$n'" >&2; exit 2;; esac
  if [ "$n" -lt 1 ] || [ "$n" -gt $MAX_NODES ]; then echo "N must be from 1 to $MAX_NODES, not $n" >&2; exit 2; fi
  [ -f "$JAR" ] || { echo "no $JAR: run 'make build' first" >&2; exit 1; }
  mkdir -p "$RUN_DIR/logs" "$RUN_DIR/pids" "$RUN_DIR/removed"
  local members count i
  members=$(members_of "$s"); count=$(echo "$members" | grep -c . || true)
  # Grow: the lowest free numbers join (a joining node with the admin token asks to be added itself).
  for i in $(seq 1 $MAX_NODES); do
    [ "$count" -lt "$n" ] || break
    echo "$members" | grep -qx "$s-$i" && continue
    echo "adding $s-$i on port $((b + i - 1))"
    start_node "$s" "$i" "$(any_live_port "$s")"
    deadline=$((SECONDS + 60))
    until curl -s --max-time 2 "http://127.0.0.1:$(any_live_port "$s")/cluster/members" \
        | grep -q "\"id\":\"$s-$i\",[^}]*\"role\":\"voter\""; do
      if [ $SECONDS -ge $deadline ]; then echo "$s-$i did not become a voter within 60 s; see $RUN_DIR/logs/$s-$i.log" >&2; exit 1; fi
      alive "$RUN_DIR/pids/$s-$i.pid" || { echo "$s-$i exited; see $RUN_DIR/logs/$s-$i.log" >&2; exit 1; }
      sleep 0.2
    done
    count=$((count + 1))
  done
  # Shrink: the highest numbers leave (the leader too: it hands over first), then stop; their data is set aside.
  for i in $(seq $MAX_NODES -1 1); do
    [ "$count" -gt "$n" ] || break
    echo "$members" | grep -qx "$s-$i" || continue
    echo "removing $s-$i"
    local answer
    answer=$(curl -s --max-time 30 -w ' %{http_code}' -X DELETE -H "Authorization: Bearer $(admin_token)" \
      "http://127.0.0.1:$(any_live_port "$s")/cluster/members/$s-$i")
    case $answer in *' 200') ;; *) echo "removing $s-$i failed: $answer" >&2; exit 1;; esac
    if alive "$RUN_DIR/pids/$s-$i.pid"; then kill -TERM "$(cat "$RUN_DIR/pids/$s-$i.pid")"; fi
    rm -f "$RUN_DIR/pids/$s-$i.pid"
    [ -d "$RUN_DIR/data/$s-$i" ] && mv "$RUN_DIR/data/$s-$i" "$RUN_DIR/removed/$s-$i.$(date +%s)"
    count=$((count - 1))
  done
  echo "$s members: $(members_of "$s" | tr '\n' ' ')"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  scale) scale "${2:-}" "${3:-}" ;;
  *) echo "usage: $0 up|down|status|scale SERVICE N" >&2; exit 2 ;;
esac
