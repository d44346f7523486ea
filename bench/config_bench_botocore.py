#!/usr/bin/env python3
"""botocore's side of the config benchmark: load a shared config file and walk every profile's chain.

Loads FILE with botocore's own loader (botocore.configloader.load_config: configparser plus the profile map,
what a Session does on first use) and, for every profile, follows source_profile the way AssumeRoleProvider
does (static keys end a chain; web_identity_token_file + role_arn is its own source; a revisit stops). Prints
one JSON line: {"profiles", "importMs", "loadMs", "walkMs", "cpuMs"} (thread CPU time; import measured
separately, since every CLI start pays it).

Usage: config_bench_botocore.py FILE [REPEAT]
"""
import json
import sys
import time

t_import = time.thread_time()
import botocore.configloader  # noqa: E402

import_ms = (time.thread_time() - t_import) * 1000


def walk(profiles, name):
    hops = 0
    seen = set()
    current = name
    while True:
        p = profiles.get(current)
        if p is None or current in seen:
            return hops
        seen.add(current)
        if "role_arn" in p and "web_identity_token_file" in p:
            return hops + 1
        if "role_arn" in p and (current == name or "aws_access_key_id" not in p):
            hops += 1
            if "source_profile" not in p:
                return hops
            current = p["source_profile"]
            continue
        return hops


def once(path):
    t0 = time.thread_time()
    config = botocore.configloader.load_config(path)
    t1 = time.thread_time()
    profiles = config.get("profiles", {})
    total = 0
    for name in profiles:
        total += walk(profiles, name)
    t2 = time.thread_time()
    return len(profiles), total, (t1 - t0) * 1000, (t2 - t1) * 1000


def main():
    path = sys.argv[1]
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    best = None
    for _ in range(repeat):
        r = once(path)
        if best is None or r[2] + r[3] < best[2] + best[3]:
            best = r
    n, hops, load_ms, walk_ms = best
    print(json.dumps({"profiles": n, "hops": hops, "importMs": round(import_ms, 3), "loadMs": round(load_ms, 3),
                      "walkMs": round(walk_ms, 3), "cpuMs": round(load_ms + walk_ms, 3)}))


if __name__ == "__main__":
    main()
