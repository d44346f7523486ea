#!/bin/sh
# Measures ConfigBenchmark.run (parse + merge + resolve of every profile, no process start, no rendering)
# in an optimized build without touching Package.swift: compiles a throwaway main.swift together with the
# core sources it needs (Support, Config, Chain) with -O -wmo, as a release build would.
# Usage: bench/config_bench_core.sh [N]
set -eu
N=${1:-10000}
OUT=bench/out
mkdir -p "$OUT/core"
ITER=${ITER:-9}
cat > "$OUT/core/main.swift" <<SWIFT
// As rolehop's main does, unless the run is labelled (the comparison run with glibc's own heap settings).
if CommandLine.arguments.count < 2 { HeapSettings.keepFreedHeap() }
var best = 1e9
var profiles = 0
for _ in 0..<$ITER {
    let r = ConfigBenchmark.run(profileCount: $N)
    if r.seconds < best { best = r.seconds }
    profiles = r.profiles
}
let label = CommandLine.arguments.count > 1 ? " (" + CommandLine.arguments[1] + ")" : ""
print("ConfigBenchmark.run(profileCount: $N): \(profiles) profiles, best of $ITER\(label): \(best * 1000) ms")
SWIFT
# Compiled inside $OUT/core so swiftc's side files (ConfigBench-1.swiftmodule, ...) stay out of the tree.
ROOT=$(pwd)
(cd "$OUT/core" && swiftc -O -wmo -g -module-name ConfigBench -I "$ROOT"/Sources/CLibCrypto -I "$ROOT"/Sources/CMalloc -o bench main.swift \
  "$ROOT"/Sources/RoleHopCore/Support/*.swift "$ROOT"/Sources/RoleHopCore/Config/*.swift \
  "$ROOT"/Sources/RoleHopCore/Chain/*.swift)
# The first run sets the heap up as rolehop's main does (HeapSettings.keepFreedHeap: a fixed trim threshold, so
# warm iterations do not page-fault a heap glibc trimmed after the previous one; see its comment); the second,
# labelled, keeps glibc's own settings, so the table can show both.
"$OUT/core/bench"
"$OUT/core/bench" "glibc's default trim threshold"
