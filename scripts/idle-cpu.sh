#!/usr/bin/env bash
# make bench BENCH=idle: the CPU an idle cluster costs. Starts the nine nodes of `make up` (or uses them
# if they already run), lets the JIT settle, then reads each node's CPU time from /proc over a window:
#   scripts/idle-cpu.sh [WARMUP_S=90] [WINDOW_S=60] [TRIALS=3]
# Prints each trial (per node and in all, as % of one core), then the medians, and writes
# bench-results/idle-cpu.txt. Target (issue 12): at most 1 % of a core per node, 10 % for all nine.
set -euo pipefail
cd "$(dirname "$0")/.."
WARMUP_S=${WARMUP_S:-90}
WINDOW_S=${WINDOW_S:-60}
TRIALS=${TRIALS:-3}
RUN_DIR=${RUN_DIR:-.run}
export RUN_DIR
started_here=false
if ! ls "$RUN_DIR"/pids/*.pid >/dev/null 2>&1; then
  scripts/cluster.sh up
  started_here=true
fi
trap '$started_here && scripts/cluster.sh down >/dev/null' EXIT
ticks=$(getconf CLK_TCK)

cpu_ticks() { # pid -> utime+stime of the whole process, in clock ticks
  awk '{print $14 + $15}' "/proc/$1/stat"
}

echo "idle-cpu: warming up for $WARMUP_S s (the JIT keeps compiling for a minute or two after start)"
sleep "$WARMUP_S"
mkdir -p bench-results
out=bench-results/idle-cpu.txt
: >"$out"
totals=()
for trial in $(seq 1 "$TRIALS"); do
  declare -A before=()
  for f in "$RUN_DIR"/pids/*.pid; do before[$f]=$(cpu_ticks "$(cat "$f")"); done
  sleep "$WINDOW_S"
  line="trial $trial:"
  sum=0
  for f in "$RUN_DIR"/pids/*.pid; do
    used=$(( $(cpu_ticks "$(cat "$f")") - before[$f] ))
    sum=$((sum + used))
    line+=" $(basename "$f" .pid) $(awk -v u="$used" -v t="$ticks" -v w="$WINDOW_S" 'BEGIN{printf "%.2f%%", 100*u/t/w}')"
  done
  total=$(awk -v u="$sum" -v t="$ticks" -v w="$WINDOW_S" 'BEGIN{printf "%.2f", 100*u/t/w}')
  totals+=("$total")
  echo "$line; all nodes $total% of one core" | tee -a "$out"
done
median=$(printf '%s\n' "${totals[@]}" | sort -n | awk '{a[NR]=$1} END{print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}')
nodes=$(ls "$RUN_DIR"/pids/*.pid | wc -l)
echo "idle CPU, median of $TRIALS windows of $WINDOW_S s: $median% of one core for $nodes nodes ($(awk -v m="$median" -v n="$nodes" 'BEGIN{printf "%.2f", m/n}')% per node)" | tee -a "$out"
