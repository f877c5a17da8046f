#!/usr/bin/env bash
# CI's Docker part (.ci/run), in two steps so that the slow one overlaps the tests:
#   .ci/docker.sh prepare   installs Debian's Docker engine and compose, starts the engine if none runs,
#                           and builds the images without a registry (make docker-images). .ci/run starts
#                           it in the background before make test: it is mostly downloads.
#   .ci/docker.sh run       waits for prepare, starts the clusters with compose, runs the seed's demo
#                           against them (every answer checked), one chaos run with every node a container, and
#                           tears everything down, the engine too if prepare started it.
# If no engine can start on this machine, both say so loudly and the Docker part is skipped (exit 0);
# any other failure fails CI.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "ci-docker: $*"; }
loud() { printf '\n%s\n%s\n%s\n\n' "############################################################" "ci-docker: $*" "############################################################"; }
state=${DSYNC_CI_DOCKER_STATE:-/tmp/dsync-ci-docker}
no_engine="NO DOCKER ENGINE COULD START ON THIS MACHINE: SKIPPING THE DOCKER PART (compose, seed demo, chaos on containers). Logs: /tmp/dsync-dockerd-*.log"

prepare() {
  rm -rf "$state"; mkdir -p "$state"
  trap 'rc=$?; [ -f "$state/done" ] || echo "failed (exit $rc)" >"$state/done"' EXIT
  local need=()
  command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
  command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
  command -v mmdebstrap >/dev/null 2>&1 || need+=(mmdebstrap)
  if [ ${#need[@]} -gt 0 ]; then
    say "installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
  fi

  if ! docker info >/dev/null 2>&1; then
    local driver pid started=""
    for driver in overlay2 vfs; do
      say "starting dockerd (storage driver $driver)"
      # The engine runs at normal priority even when prepare does not (.ci/run starts it at nice 19).
      setsid nice -n "$(( -$(nice) ))" ionice -c 2 -n 4 dockerd --storage-driver="$driver" >"/tmp/dsync-dockerd-$driver.log" 2>&1 &
      pid=$!
      for _ in $(seq 1 60); do
        docker info >/dev/null 2>&1 && break
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.5
      done
      if docker info >/dev/null 2>&1; then started=$pid; break; fi
      kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
      tail -5 "/tmp/dsync-dockerd-$driver.log" || true
    done
    if [ -z "$started" ]; then
      loud "$no_engine"
      echo skip >"$state/done"
      return 0
    fi
    echo "$started" >"$state/engine-pid"
  fi

  local start
  start=$(date +%s)
  make docker-images
  say "images built in $(( $(date +%s) - start )) s"
  echo ok >"$state/done"
}

run() {
  local waited=0
  while [ ! -f "$state/done" ]; do
    [ $waited -ge 1200 ] && { echo "ci-docker: prepare did not finish within 20 minutes" >&2; exit 1; }
    sleep 2; waited=$((waited + 2))
  done
  case "$(cat "$state/done")" in
    skip) loud "$no_engine"; return 0 ;;
    ok) ;;
    *) echo "ci-docker: prepare $(cat "$state/done"); its log is above or in $state/prepare.log" >&2; exit 1 ;;
  esac
  engine=$(cat "$state/engine-pid" 2>/dev/null || true)
  cleanup() {
    make -s compose-down V=1 >/dev/null 2>&1 || true
    docker ps -aq --filter label=dev.dsync.chaos | xargs -r docker rm -f -v >/dev/null 2>&1 || true
    if [ -n "$engine" ]; then
      say "stopping the engine prepare started"
      kill "$engine" 2>/dev/null || true
    fi
  }
  trap cleanup EXIT

  local start
  start=$(date +%s)
  make compose-up
  scripts/seed-demo.sh
  make compose-down V=1
  say "compose up + seed demo + down -v in $(( $(date +%s) - start )) s"

  start=$(date +%s)
  CHAOS_BACKEND=docker CHAOS_RESULTS=chaos-results/docker make chaos WORKLOAD=lock NEMESIS=kill DURATION=20 SEED=1
  say "one chaos run on containers in $(( $(date +%s) - start )) s"
}

case "${1:-}" in
  prepare) prepare ;;
  run) run ;;
  *) echo "usage: .ci/docker.sh prepare|run" >&2; exit 2 ;;
esac
