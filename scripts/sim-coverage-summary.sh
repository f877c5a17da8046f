#!/usr/bin/env bash
# One line: line coverage of server/src/main by the simulation alone, outside the adapter classes
# (server/adapters.txt), from the JaCoCo CSV that `make sim-coverage` writes.
set -euo pipefail
csv=${1:-server/target/sim-coverage/jacoco.csv}
adapters=${2:-server/adapters.txt}
[ -f "$csv" ] || { echo "no $csv: run make sim-coverage" >&2; exit 1; }
awk -F, -v adapters="$adapters" '
  BEGIN { while ((getline line < adapters) > 0) { if (line ~ /^[ \t]*(#|$)/) continue; split(line, f, /[ \t]+/); skip[f[1]] = 1 } }
  NR == 1 { next }
  { cls = $2 "." $3; sub(/\..*$/, "", $3); top = $2 "." $3;   # nested classes count with their top-level class
    missed = $8; covered = $9; allMissed += missed; allCovered += covered
    if (top in skip) { adMissed += missed; adCovered += covered; next }
    missed_by[top] += missed; m += missed; c += covered }
  END {
    printf "sim coverage: %.1f%% of %d lines outside the adapters (%d of %d lines overall, %.1f%%; adapters %d lines)\n",
      100 * c / (m + c), m + c, allCovered, allMissed + allCovered, 100 * allCovered / (allMissed + allCovered), adMissed + adCovered
  }' "$csv"
