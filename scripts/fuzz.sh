#!/usr/bin/env bash
# Builds the libFuzzer harnesses (Fuzz/<Name>/) into .build-fuzz and runs each for a number of seconds.
#
#   scripts/fuzz.sh [SECONDS] [HARNESS...]      (make fuzz SECONDS=600)
#
# JOBS=2 runs two harnesses at a time. Each harness starts from its committed seeds (Fuzz/corpus/<Name>/,
# read only) and grows a working corpus in .build-fuzz/corpus/<Name>/. Crashing inputs land in
# fuzz/artifacts/ (ignored by git): turn each into a named regression test, then delete it.
# The harnesses exist in Package.swift only when ROLEHOP_FUZZ is set, so a normal `swift build` never sees them.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
all=(FuzzConfig FuzzToken FuzzPolicy FuzzXML FuzzRawRequest FuzzBundle FuzzJSON FuzzSnapshot)
if [ $# -gt 0 ]; then harnesses=("$@"); else harnesses=("${all[@]}"); fi
jobs="${JOBS:-1}"
scratch=.build-fuzz
export ROLEHOP_FUZZ=1
for h in "${harnesses[@]}"; do
    nice swift build --scratch-path "$scratch" --sanitize fuzzer -Xswiftc -sanitize=fuzzer,address --product "$h"
done
bin="$(swift build --scratch-path "$scratch" --sanitize fuzzer -Xswiftc -sanitize=fuzzer,address --show-bin-path)"
mkdir -p fuzz/artifacts "$scratch/logs"

run() {
    local h="$1"
    mkdir -p "$scratch/corpus/$h"
    # -timeout: an input taking seconds is a hang worth a report; -rss_limit_mb: ASan doubles memory use.
    nice "$bin/$h" "$scratch/corpus/$h" "Fuzz/corpus/$h" -max_total_time="$seconds" -timeout=10 \
        -rss_limit_mb=3072 -print_final_stats=1 -artifact_prefix="fuzz/artifacts/$h-" >"$scratch/logs/$h.log" 2>&1
}

status=0
running=0
for h in "${harnesses[@]}"; do
    run "$h" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then wait -n || status=1; running=$((running - 1)); fi
done
while [ "$running" -gt 0 ]; do wait -n || status=1; running=$((running - 1)); done

printf '%-16s %12s %8s %8s %s\n' harness executions cov ft result
for h in "${harnesses[@]}"; do
    log="$scratch/logs/$h.log"
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || echo '?')
    last=$(grep -E '^#[0-9]+' "$log" | tail -1)
    cov=$(grep -o 'cov: [0-9]*' <<<"$last" | grep -o '[0-9]*' || echo '?')
    ft=$(grep -o 'ft: [0-9]*' <<<"$last" | grep -o '[0-9]*' || echo '?')
    if grep -q 'ERROR: \|deadly signal\|Test unit written' "$log"; then result="CRASH (see $log)"; else result=ok; fi
    printf '%-16s %12s %8s %8s %s\n' "$h" "$execs" "$cov" "$ft" "$result"
done
exit "$status"
