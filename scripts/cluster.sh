#!/usr/bin/env bash
# Starts, stops and shows the local demo clusters: three nodes per service on 127.0.0.1.
#   scripts/cluster.sh up|down|status      (SERVICES="lock queue cache" by default; data and logs in .run/)
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

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

health() { curl -s --max-time 1 "http://127.0.0.1:$1/health" || true; }

up() {
  [ -f "$JAR" ] || { echo "no $JAR: run 'make build' first" >&2; exit 1; }
  mkdir -p "$RUN_DIR/logs" "$RUN_DIR/pids"
  for s in $SERVICES; do
    local b; b=$(base_port "$s")
    for i in 1 2 3; do
      local id="$s-$i" port=$((b + i - 1)) pid="$RUN_DIR/pids/$s-$i.pid"
      if alive "$pid"; then echo "$id already running (pid $(cat "$pid"))"; continue; fi
      # shellcheck disable=SC2046 # the archive flag is one word or none
      nohup "$JAVA" -Xmx256m -XX:+UseSerialGC -XX:+ExitOnOutOfMemoryError $( [ -f "${JAR%.jar}.jsa" ] && echo "-XX:SharedArchiveFile=${JAR%.jar}.jsa" ) -jar "$JAR" --service "$s" --id "$id" --port "$port" \
        --peers "$(peers_of "$s")" --data-dir "$RUN_DIR/data/$id" >"$RUN_DIR/logs/$id.log" 2>&1 &
      echo $! >"$pid"
    done
  done
  for s in $SERVICES; do
    local b leader="" deadline=$((SECONDS + UP_TIMEOUT)); b=$(base_port "$s")
    while [ -z "$leader" ] && [ $SECONDS -lt $deadline ]; do
      for i in 1 2 3; do
        alive "$RUN_DIR/pids/$s-$i.pid" && continue
        echo "$s-$i exited while starting; last lines of $RUN_DIR/logs/$s-$i.log:" >&2
        tail -5 "$RUN_DIR/logs/$s-$i.log" >&2
        exit 1
      done
      for i in 0 1 2; do
        leader=$(health $((b + i)) | sed -n 's/.*"role":2.*"leader":"\([^"]*\)".*/\1/p')
        [ -n "$leader" ] && break
      done
      [ -n "$leader" ] || sleep 0.2
    done
    if [ -z "$leader" ]; then echo "$s cluster has no leader after $UP_TIMEOUT s (UP_TIMEOUT); see $RUN_DIR/logs/" >&2; exit 1; fi
    echo "$s cluster up on ports $b-$((b + 2)); leader $leader"
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
    for i in 0 1 2; do
      local h; h=$(health $((b + i)))
      echo "$s-$((i + 1)) :$((b + i))  ${h:-down}"
    done
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
