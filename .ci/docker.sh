#!/usr/bin/env bash
# CI's Docker part (.ci/run): installs Debian's Docker engine and compose, starts the engine if none
# runs, builds the images without a registry (make docker-images), starts the clusters with compose and
# runs the seed's demo and the README demo against them, runs one chaos run with every node a container,
# and tears everything down. If the engine cannot start on this machine, it says so loudly and skips
# the Docker part only (exit 0); any other failure fails CI.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { echo "ci-docker: $*"; }
loud() { printf '\n%s\n%s\n%s\n\n' "############################################################" "ci-docker: $*" "############################################################"; }

need=()
command -v dockerd >/dev/null 2>&1 || need+=(docker.io)
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
command -v mmdebstrap >/dev/null 2>&1 || need+=(mmdebstrap)
if [ ${#need[@]} -gt 0 ]; then
  say "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

started_engine=""
if ! docker info >/dev/null 2>&1; then
  for driver in overlay2 vfs; do
    say "starting dockerd (storage driver $driver)"
    dockerd --storage-driver="$driver" >"/tmp/dsync-dockerd-$driver.log" 2>&1 &
    pid=$!
    for _ in $(seq 1 60); do
      docker info >/dev/null 2>&1 && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    if docker info >/dev/null 2>&1; then started_engine=$pid; break; fi
    kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true
    tail -5 "/tmp/dsync-dockerd-$driver.log" || true
  done
  if [ -z "$started_engine" ]; then
    loud "NO DOCKER ENGINE COULD START ON THIS MACHINE: SKIPPING THE DOCKER PART (compose, seed demo, chaos on containers). Logs: /tmp/dsync-dockerd-*.log"
    exit 0
  fi
fi

cleanup() {
  make -s compose-down V=1 >/dev/null 2>&1 || true
  docker ps -aq --filter label=dev.dsync.chaos | xargs -r docker rm -f -v >/dev/null 2>&1 || true
  if [ -n "$started_engine" ]; then
    say "stopping the engine this script started"
    kill "$started_engine" 2>/dev/null || true
    wait "$started_engine" 2>/dev/null || true
  fi
}
trap cleanup EXIT

start=$(date +%s)
make docker-images
say "images built in $(( $(date +%s) - start )) s"

start=$(date +%s)
make compose-up
scripts/seed-demo.sh
make -s demo >/tmp/dsync-compose-demo.log
make compose-down V=1
say "compose up + seed demo + demo + down -v in $(( $(date +%s) - start )) s"

start=$(date +%s)
CHAOS_BACKEND=docker CHAOS_RESULTS=chaos-results/docker make chaos WORKLOAD=lock NEMESIS=kill DURATION=20 SEED=1
say "one chaos run on containers in $(( $(date +%s) - start )) s"
