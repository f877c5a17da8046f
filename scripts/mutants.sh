#!/usr/bin/env bash
# make mutants: the bench's own test. Each scripts/mutants/<id>.patch is a deliberately broken server,
# applied to a temporary copy of the tracked files (never to the working tree), then run through the
# bench's stages until one catches it:
#   sim    the deterministic simulation (make sim SEEDS=$SIM_SEEDS), caught = a failing seed
#   chaos  the chaos runs of the mutant's workload under each nemesis of the default matrix, caught =
#          a run that is not valid
#   tests  every unit and integration test (the simulation cut to one seed), caught = a failing test
# A mutant whose effect a client can observe ("Observable: yes" in its header) goes to chaos first:
# the chaos matrix alone must catch it. Others go sim, tests, chaos. STAGES="sim chaos tests" forces
# one order for every mutant; ONLY=<id> runs one mutant. Results: mutants-results/table.md.
set -uo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

only=${ONLY:-}
stages_forced=${STAGES:-}
sim_seeds=${SIM_SEEDS:-2000}
duration=${DURATION:-20}
seed=${SEED:-1}
# The default matrix's nemeses, read from ChaosOptions so the two never disagree.
nemeses=${NEMESES:-$(sed -n 's/.*DEFAULT_NEMESES = List.of(\(.*\));.*/\1/p' chaos-tests/src/main/java/dev/dsync/chaos/run/ChaosOptions.java | tr -d '",')}
[ -n "$nemeses" ] || nemeses="partition kill pause latency mixed"
results="$repo/mutants-results"
mkdir -p "$results"
table="$results/table.md"

patches=()
for p in scripts/mutants/*.patch; do
  id=$(basename "$p" .patch)
  if [ -z "$only" ] || [ "$only" = "$id" ]; then patches+=("$p"); fi
done
if [ ${#patches[@]} -eq 0 ]; then
  echo "mutants: no mutant named '$only' (see scripts/mutants/)" >&2
  exit 2
fi

header() { sed -n "s/^$2: *//p" "$1" | head -1; }

# Copies the tracked files as they are in the working tree, so uncommitted edits count too.
fresh_copy() {
  local dir
  dir=$(mktemp -d /tmp/dsync-mutant-XXXXXX)
  git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$dir"
  echo "$dir"
}

run_sim() { # dir log -> prints "sim seed N" when caught
  (cd "$1" && make sim SEEDS="$sim_seeds") >"$2" 2>&1 && return 1
  local s
  s=$(sed -n 's/.*SIMULATION FAILED at seed \([0-9]*\).*/\1/p' "$2" | head -1)
  if [ -n "$s" ]; then echo "sim seed $s"; else echo "sim (build or test error, see log)"; fi
}

run_chaos() { # dir log workload
  local n
  for n in $nemeses; do
    if ! (cd "$1" && make chaos WORKLOAD="$3" NEMESIS="$n" DURATION="$duration" SEED="$seed") >>"$2" 2>&1; then
      # Only a verdict is a catch: a build that failed (say, its CDS training run) judged nothing. Besides
      # invalid, a run fails when the replicas diverged or never caught up, or when a valid history's
      # cluster never served again after the final heal: no correct server does either.
      local verdict
      verdict=$(sed -n "s/^.*== $3\/$n seed [0-9]*: \([a-z-]*\), ok .*/\1/p" "$2" | tail -1)
      if [ "$verdict" = invalid ]; then echo "chaos $3/$n"
      elif [ "$verdict" = valid ]; then echo "chaos $3/$n (no recovery after the heal)"
      elif [ -n "$verdict" ]; then echo "chaos $3/$n ($verdict)"
      # A missing prerequisite (the bench names its install command) judged nothing either.
      elif grep -q "== $3/$n seed [0-9]*: the run could not complete.*apt-get install" "$2"; then
        echo "NO VERDICT: chaos $3/$n needs a package: $(grep -o 'apt-get install[^()]*' "$2" | tail -1)"
      elif grep -q "== $3/$n seed [0-9]*: the run could not complete" "$2"; then echo "chaos $3/$n (run error)"
      else echo "NO VERDICT: chaos $3/$n failed before judging (see log)"; fi
      return 0
    fi
  done
  return 1
}

run_tests() { # dir log
  (cd "$1" && JAVA_HOME=$(.ci/find-jdk) ./mvnw -q -B verify -Dsim.seeds=1) >"$2" 2>&1 && return 1
  local failed
  failed=$(grep -lE '(FAILURE|ERROR)!' "$1"/*/target/surefire-reports/*.txt "$1"/*/target/failsafe-reports/*.txt 2>/dev/null \
    | head -1 | xargs -r basename | sed 's/\.txt$//')
  echo "test ${failed:-(build error, see log)}"
}

{
  echo "| mutant | area | observable | caught by | seconds |"
  echo "|---|---|---|---|---|"
} >"$table"
missed=0
for p in "${patches[@]}"; do
  id=$(basename "$p" .patch)
  area=$(header "$p" Area)
  workload=$(header "$p" Workload)
  observable=$(header "$p" Observable)
  if [ -n "$stages_forced" ]; then order=$stages_forced
  elif [ "$observable" = yes ]; then order="chaos sim tests"
  else order="sim tests chaos"; fi
  dir=$(fresh_copy)
  log="$results/$id.log"
  # run_chaos appends each nemesis's run to $log.chaos and reads the verdict back from it: an earlier
  # invocation's lines must not be there, or its "invalid" would count as this mutant's catch.
  : >"$log"; : >"$log.chaos"
  echo "== mutant $id ($area, workload $workload, observable $observable): $order"
  if ! patch -s -d "$dir" -p1 <"$p" >>"$log" 2>&1; then
    echo "   the patch no longer applies: update scripts/mutants/$id.patch (see $log)"
    echo "| $id | $area | $observable | PATCH DOES NOT APPLY | |" >>"$table"
    missed=$((missed + 1)); rm -rf "$dir"; continue
  fi
  started=$(date +%s)
  caught=""
  for stage in $order; do
    case $stage in
      sim) caught=$(run_sim "$dir" "$log.sim") ;;
      chaos) caught=$(run_chaos "$dir" "$log.chaos" "$workload") ;;
      tests) caught=$(run_tests "$dir" "$log.tests") ;;
      *) echo "mutants: unknown stage $stage" >&2; exit 2 ;;
    esac
    [ -n "$caught" ] && break
  done
  took=$(( $(date +%s) - started ))
  if [ -z "$caught" ]; then
    caught="NOT CAUGHT"
    missed=$((missed + 1))
  elif [[ $caught == "NO VERDICT"* ]]; then
    missed=$((missed + 1))
  fi
  echo "   $id: $caught after $took s"
  echo "| $id | $area | $observable | $caught | $took |" >>"$table"
  if [ -d "$dir/chaos-results" ]; then rm -rf "$results/$id-chaos"; cp -r "$dir/chaos-results" "$results/$id-chaos"; fi
  rm -rf "$dir"
done
echo
cat "$table"
echo
echo "$(( ${#patches[@]} - missed )) of ${#patches[@]} mutants caught; logs in $results/"
[ "$missed" -eq 0 ]
