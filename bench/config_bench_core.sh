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
(cd "$OUT/core" && swiftc -O -wmo -g -module-name ConfigBench -I "$ROOT"/Sources/CLibCrypto -o bench main.swift \
  "$ROOT"/Sources/RoleHopCore/Support/*.swift "$ROOT"/Sources/RoleHopCore/Config/*.swift \
  "$ROOT"/Sources/RoleHopCore/Chain/*.swift)
# glibc returns the freed heap to the kernel when its free top exceeds a threshold that it adjusts by itself
# (twice the largest freed mmap'ed block); whether that happens between iterations depended on the sizes of
# the few largest arrays, and when it did every later iteration page-faulted the heap back in (2,000-4,000
# faults, 5-15 ms of system time counted in the thread CPU time). A fixed threshold keeps the warm iterations
# measuring parse + merge + resolve; the first (cold) iteration still faults, as a single CLI run does.
# The run as glibc would do it by default follows, labelled, so the table can show both.
GLIBC_TUNABLES=glibc.malloc.trim_threshold=1073741824 "$OUT/core/bench"
"$OUT/core/bench" "glibc's default trim threshold"
