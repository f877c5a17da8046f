#!/usr/bin/env bash
# make bench BENCH=cpu: where a lock cycle's CPU goes, in milliseconds of CPU per acquire+release cycle,
# for each node and for the load generator, with the shared comparison's own Python client
# (../shared/bench/dsync_load.py and loadgen.py; 8 clients on distinct keys, as its lock_8 row).
#   scripts/cpu-per-op.sh [TRIALS=3]      (after make build; etcd side by side when etcd is installed)
#   PROFILE=1 also records a JFR profile of the dsync leader over one more window and prints its hot
#   frames per thread (needs python3).
# CPU time is read from /proc (utime+stime): unlike throughput, it hardly moves with what else the host
# runs, so it says how far a server is from a target on a machine whose speed varies from minute to minute.
# On a CPU-bound machine, throughput ratio ~= inverse ratio of total CPU per cycle (nodes + generator).
# Writes bench-results/cpu-per-op.txt. Traffic: 127.0.0.1 only; data in a temp dir.
set -uo pipefail
cd "$(dirname "$0")/.."
TRIALS=${1:-3}
B=$(readlink -m ../shared/bench) # -m: names the path even when it is missing, for the error below
JAVA=${JAVA:-$(.ci/find-jdk)/bin/java}
JAR=server/target/server.jar
[ -f "$JAR" ] || { echo "cpu-per-op: no $JAR: run make build first" >&2; exit 2; }
[ -f "$B/dsync_load.py" ] || { echo "cpu-per-op: needs the shared load generators in $B" >&2; exit 2; }
command -v python3 >/dev/null || { echo "cpu-per-op: needs python3" >&2; exit 2; }
D=$(mktemp -d)
mkdir -p bench-results
OUT=bench-results/cpu-per-op.txt
: >"$OUT"
cleanup() { [ -f "$D/pids" ] && kill $(cat "$D/pids") 2>/dev/null; sleep 1; [ -f "$D/pids" ] && kill -9 $(cat "$D/pids") 2>/dev/null; rm -rf "$D"; }
trap cleanup EXIT
log() { echo "$*" | tee -a "$OUT"; }
ticks() { for pid in $(cat "$D/pids"); do awk '{print $14 + $15}' "/proc/$pid/stat"; done | tr '\n' ' '; }

# One measured window: $1 label, $2 leader pid, then the generator's command. Prints ms of CPU per
# cycle for each node (the leader marked) and the generator, and the cycles per second.
measure() {
  local label=$1 leader=$2; shift 2
  local before after result t
  before=$(ticks)
  TIMEFORMAT="%U %S"
  t=$( { time "$@" >"$D/result.json"; } 2>&1 )
  after=$(ticks)
  python3 - "$label" "$leader" "$before" "$after" "$t" "$(cat "$D/pids" | tr '\n' ' ')" "$(getconf CLK_TCK)" "$D/result.json" <<'PY' | tee -a "$OUT"
import json, sys
label, leader, before, after, t, pids, hz, path = sys.argv[1:]
r = json.load(open(path))
ops = r.get("ops", r.get("ops_ok"))
rate = r.get("ops_s", r.get("throughput_ops_s"))
per = lambda ticks: ticks * 1000.0 / int(hz) / ops
nodes = [per(int(b) - int(a)) for a, b in zip(before.split(), after.split())]
names = ["leader" if p == leader else "follower" for p in pids.split()]
gen = sum(float(x) for x in t.split()) * 1000.0 / ops
lead = sum(n for n, k in zip(nodes, names) if k == "leader")
fol = [n for n, k in zip(nodes, names) if k == "follower"]
print(f"{label:10} {rate:8.1f} cycles/s | ms CPU per cycle: leader {lead:.2f}, followers {' '.join(f'{x:.2f}' for x in fol)},"
      f" generator {gen:.2f}, all {lead + sum(fol) + gen:.2f}")
PY
}

dsync_up() {
  local peers="" p=19000
  for i in 1 2 3; do peers="$peers${peers:+,}lock-$i=http://127.0.0.1:$((p + i - 1))"; done
  for i in 1 2 3; do
    "$JAVA" -jar "$JAR" --service lock --id lock-$i --port $((p + i - 1)) --peers "$peers" --data-dir "$D/lock-$i" >"$D/lock-$i.log" 2>&1 &
    echo $! >>"$D/pids"
  done
  for _ in $(seq 150); do
    for i in 1 2 3; do
      curl -s 127.0.0.1:$((p + i - 1))/health | grep -q '"role":2' && { echo "$((p + i - 1)) $i"; return; }
    done
    sleep 0.2
  done
}

etcd_up() {
  local cl="e1=http://127.0.0.1:2380,e2=http://127.0.0.1:22380,e3=http://127.0.0.1:32380"
  for m in "e1 2379 2380" "e2 22379 22380" "e3 32379 32380"; do
    set -- $m
    etcd --name $1 --data-dir "$D/etcd/$1" --listen-client-urls http://127.0.0.1:$2 --advertise-client-urls http://127.0.0.1:$2 \
      --listen-peer-urls http://127.0.0.1:$3 --initial-advertise-peer-urls http://127.0.0.1:$3 --initial-cluster "$cl" \
      --initial-cluster-token cpu --initial-cluster-state new --log-level warn --logger zap >"$D/$1.log" 2>&1 &
    echo $! >>"$D/pids"
  done
  for _ in $(seq 100); do
    local i=0
    for p in 2379 22379 32379; do
      i=$((i + 1))
      curl -s -X POST 127.0.0.1:$p/v3/maintenance/status -d '{}' | python3 -c 'import json,sys; s=json.load(sys.stdin); sys.exit(0 if s.get("leader")==s["header"]["member_id"] else 1)' 2>/dev/null && { echo "$p $i"; return; }
    done
    sleep 0.2
  done
}

nth_pid() { sed -n "$1p" "$D/pids"; }

down() { cleanup; D=$(mktemp -d); }

log "cpu-per-op: $(date -u +%FT%TZ), commit $(git rev-parse --short=12 HEAD 2>/dev/null), $(nproc) cores, $TRIALS trials"
log "lock acquire+release, 8 clients on distinct keys (dsync_load.py lockcycle / loadgen.py lock), 3 nodes each, fsync on"
read -r LP LI <<<"$(dsync_up)"
[ -n "$LP" ] || { echo "cpu-per-op: no dsync leader within 30 s" >&2; exit 1; }
LPID=$(nth_pid "$LI")
gen() { python3 "$B/dsync_load.py" --port "$LP" --mode lockcycle --clients 8 --ops 3000 --max-seconds 15 --lock-keys distinct; }
gen >/dev/null # the JIT's first compilations: not measured
for t in $(seq "$TRIALS"); do measure "dsync" "$LPID" gen; done
if [ "${PROFILE:-0}" = 1 ]; then
  JFR_FILE=$(pwd)/bench-results/cpu-per-op-leader.jfr
  "$(dirname "$JAVA")/jcmd" "$LPID" JFR.start name=cpu settings=profile jdk.ExecutionSample#period=2ms filename="$JFR_FILE" >/dev/null
  gen >/dev/null
  "$(dirname "$JAVA")/jcmd" "$LPID" JFR.stop name=cpu >/dev/null
  "$(dirname "$JAVA")/jfr" print --json --stack-depth 64 --events jdk.ExecutionSample "$JFR_FILE" | python3 scripts/jfr-hot.py | tee -a "$OUT"
fi
down
if command -v etcd >/dev/null; then
  read -r EP EI <<<"$(etcd_up)"
  [ -n "$EP" ] || { echo "cpu-per-op: no etcd leader within 20 s" >&2; exit 1; }
  EPID=$(nth_pid "$EI")
  egen() { python3 "$B/loadgen.py" --port "$EP" --mode lock --clients 8 --ops 3000 --max-seconds 15 --lock-keys distinct --label cpu; }
  egen >/dev/null
  for t in $(seq "$TRIALS"); do measure "etcd" "$EPID" egen; done
else
  log "(etcd is not installed: apt-get install etcd-server etcd-client for the side-by-side rows)"
fi
log "written to $OUT"
