#!/usr/bin/env python3
"""Benchmark driver for rolehop (issue 11): every figure of the performance targets in one run, same machine.

  bench/bench.py [--bin PATH] [--reps N] [--tiny] [--out FILE]

Each measurement runs once to warm up (page cache, Python bytecode, moto's first request), then --reps times;
the table shows medians. Processes are started, timed (spawn to exit), and their CPU (user+sys) and peak RSS
read by bench/rusage_exec.c, compiled here: a child of this interpreter would carry its ~15 MiB into ru_maxrss.

  (a) the reference chain live against moto on loopback: `rolehop check --output json` vs the AWS CLI v1
      (`aws --profile account_b_role sts get-caller-identity`, empty cache each run) vs boto3 doing the hops
  (b) offline start to exit: `rolehop chain` on the reference scenario
  (c) the generated 10,000-profile config: rolehop's parse + resolve vs botocore's load + chain walk
  (d) SigV4 signatures per CPU-second: `rolehop sigv4 --bench` vs botocore (bench/sigv4_bench.py)
  (e) trust-policy evaluations per second (`rolehop policy bench`)
  (f) stripped release binary size, the dist tarball's size, time to the first drawn TUI frame

--tiny: one repetition, tiny sizes, and nothing that needs moto, the AWS CLI, a compiler or tmux (the test
suite runs it to prove the script works). Needs `swift build` (or --bin) first.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
MIB = 1024 * 1024


# ---------------------------------------------------------------------------------------------------- helpers

RUSAGE_EXEC = None  # path of bench/rusage_exec.c compiled by main(), or None without a C compiler


def build_rusage_exec(tmp):
    """Compiles bench/rusage_exec.c: processes are measured from it, not from this interpreter (see the file)."""
    global RUSAGE_EXEC
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        return
    exe = os.path.join(tmp, "rusage_exec")
    if subprocess.run([cc, "-O2", "-o", exe, os.path.join(HERE, "rusage_exec.c")], capture_output=True).returncode == 0:
        RUSAGE_EXEC = exe


def run(cmd, env=None, cwd=ROOT, stdin=subprocess.DEVNULL):
    """Runs cmd to completion: (wall s, cpu s, peak RSS bytes, exit code, stdout text, stderr text)."""
    if RUSAGE_EXEC is not None:
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err, \
                tempfile.NamedTemporaryFile(mode="r") as figures:
            p = subprocess.run([RUSAGE_EXEC, figures.name] + list(cmd), env=env, cwd=cwd, stdin=stdin, stdout=out,
                               stderr=err)
            wall, cpu, rss_kib = figures.read().split()
            out.seek(0)
            err.seek(0)
            return (float(wall), float(cpu), int(rss_kib) * 1024, p.returncode,
                    out.read().decode(errors="replace"), err.read().decode(errors="replace"))
    # Without a C compiler: measured from here (peak RSS then includes this interpreter's, ~15 MiB).
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        p = subprocess.Popen(cmd, env=env, cwd=cwd, stdin=stdin, stdout=out, stderr=err)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.perf_counter() - start
        p.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        out.seek(0)
        err.seek(0)
        return (wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss * 1024, p.returncode,
                out.read().decode(errors="replace"), err.read().decode(errors="replace"))


def repeat(label, reps, fn):
    """One warm-up call, then reps calls of fn() -> dict of numbers; returns the medians per key."""
    fn()
    samples = [fn() for _ in range(reps)]
    keys = samples[0].keys()
    return {k: statistics.median(s[k] for s in samples) for k in keys}


def python():
    venv = os.path.join(ROOT, ".venv", "bin", "python")
    return venv if os.path.exists(venv) else sys.executable


def has_module(name):
    return subprocess.run([python(), "-c", f"import {name}"], capture_output=True).returncode == 0


def aws_cli():
    venv = os.path.join(ROOT, ".venv", "bin", "aws")
    if os.path.exists(venv):
        return venv
    return shutil.which("aws")


def machine():
    model = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    load = os.getloadavg()
    return {"nproc": os.cpu_count(), "cpu": model, "load": f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"}


def fmt_ms(s):
    return f"{s * 1000:.1f} ms"


def fmt_rate(r):
    return f"{r:,.0f}/s"


class Table:
    def __init__(self):
        self.rows = []
        self.notes = []

    def add(self, section, what, figure, compare="", ratio="", target="", ok=None):
        verdict = "" if ok is None else ("yes" if ok else "NO")
        self.rows.append((section, what, figure, compare, ratio, target, verdict))

    def skip(self, section, what, why):
        self.rows.append((section, what, "skipped", "", "", "", ""))
        self.notes.append(f"({section}) {what}: skipped: {why}")

    HEADER = ("", "measurement", "rolehop", "reference", "ratio", "target", "met")

    def render(self):
        rows = [self.HEADER] + [tuple(str(c) for c in r) for r in self.rows]
        widths = [max(len(r[i]) for r in rows) for i in range(len(self.HEADER))]
        lines = ["| " + " | ".join(r[i].ljust(widths[i]) for i in range(len(r))) + " |" for r in rows]
        lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
        return "\n".join(lines)


# ---------------------------------------------------------------------------------------------------- scenario

def prepare_scenario(out, endpoint):
    r = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "scenario.py"), "prepare", "reference-chained",
                        "--out", out, "--endpoint", endpoint], capture_output=True, text=True, check=True)
    return json.loads(r.stdout.strip().splitlines()[-1])


def scenario_env(sc):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    env.update(sc["env"])
    return env


def start_moto(seed):
    p = subprocess.Popen([python(), os.path.join(ROOT, "Tests", "Servers", "moto_harness.py"), "--seed", seed],
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = p.stdout.readline()
    if not line.startswith("READY "):
        p.kill()
        raise RuntimeError("moto did not start: " + line)
    return p, json.loads(line[6:])["endpoint"]


def sum_total_ms(value):
    """Sum of every `timings.totalMs` in the check JSON (per attempt)."""
    total = 0.0
    if isinstance(value, dict):
        t = value.get("timings")
        if isinstance(t, dict) and isinstance(t.get("totalMs"), (int, float)):
            total += t["totalMs"]
        for k, v in value.items():
            if k != "timings":
                total += sum_total_ms(v)
    elif isinstance(value, list):
        for v in value:
            total += sum_total_ms(v)
    return total


# ---------------------------------------------------------------------------------------------------- sections

def live_chain(t, binary, reps, tmp):
    aws = aws_cli()
    if not has_module("moto.server"):
        t.skip("a", "reference chain against moto", "moto is not installed (make deps)")
        return
    moto, endpoint = start_moto(os.path.join(ROOT, "scenarios", "reference-chained", "seed.json"))
    try:
        sc = prepare_scenario(os.path.join(tmp, "live"), endpoint)
        env = scenario_env(sc)
        token_file = sc["rootfs"] + env["AWS_WEB_IDENTITY_TOKEN_FILE"]
        with open(os.path.join(sc["rootfs"], "root", ".aws", "config")) as f:
            config_text = f.read()
        roles = dict(re.findall(r"\[profile (\S+)\][^\[]*?role_arn\s*=\s*(\S+)", config_text))
        results = {}

        # rolehop check (the integrator's command; skipped until it exists).
        help_run = run([binary, "check", "--help"], env=env)
        if help_run[3] != 0:
            t.skip("a", "rolehop check (live)", "`rolehop check --help` failed: the check command is not in this build")
        else:
            def rolehop_once():
                wall, cpu, rss, code, out, err = run([binary, "check", "--output", "json"] + sc["args"], env=env)
                server = 0.0
                try:
                    server = sum_total_ms(json.loads(out)) / 1000
                except ValueError:
                    pass
                return {"wall": wall, "cpu": cpu, "rss": rss, "server": server, "code": code}
            results["rolehop"] = repeat("rolehop", reps, rolehop_once)

        if aws is None:
            t.skip("a", "aws sts get-caller-identity", "the AWS CLI is not installed (.venv/bin/pip install awscli==1.45.11)")
        else:
            rewritten = config_text.replace(env["AWS_WEB_IDENTITY_TOKEN_FILE"], token_file)

            def aws_once():
                home = tempfile.mkdtemp(dir=tmp)  # empty credential cache every run
                with open(os.path.join(home, "config"), "w") as f:
                    f.write(rewritten)
                e = {"PATH": env["PATH"], "HOME": home, "AWS_CONFIG_FILE": os.path.join(home, "config"),
                     "AWS_SHARED_CREDENTIALS_FILE": os.path.join(home, "credentials"),
                     "AWS_ENDPOINT_URL_STS": endpoint, "AWS_DEFAULT_REGION": env.get("AWS_DEFAULT_REGION", "us-east-1"),
                     "AWS_EC2_METADATA_DISABLED": "true"}
                wall, cpu, rss, code, out, err = run([aws, "--profile", "account_b_role", "sts", "get-caller-identity"],
                                                     env=e)
                if code != 0:
                    raise RuntimeError("aws failed: " + err[-400:])
                shutil.rmtree(home, ignore_errors=True)
                return {"wall": wall, "cpu": cpu, "rss": rss}
            results["aws"] = repeat("aws", reps, aws_once)

        if has_module("boto3"):
            def boto3_once():
                e = {"PATH": env["PATH"], "HOME": tmp, "AWS_ENDPOINT_URL_STS": endpoint,
                     "AWS_DEFAULT_REGION": env.get("AWS_DEFAULT_REGION", "us-east-1"),
                     "AWS_EC2_METADATA_DISABLED": "true", "ROLEHOP_BENCH_TOKEN_FILE": token_file,
                     "ROLEHOP_BENCH_ROLE_A": roles.get("account_a_role", ""),
                     "ROLEHOP_BENCH_ROLE_B": roles.get("account_b_role", "")}
                wall, cpu, rss, code, out, err = run([python(), os.path.join(HERE, "boto3_chain.py")], env=e)
                if code != 0:
                    raise RuntimeError("boto3 script failed: " + err[-400:])
                return {"wall": wall, "cpu": cpu, "rss": rss}
            results["boto3"] = repeat("boto3", reps, boto3_once)

        floor = libcurl_floor(reps, tmp)
        r, a, b = results.get("rolehop"), results.get("aws"), results.get("boto3")
        for name, ref in (("AWS CLI", a), ("boto3", b)):
            if ref:
                t.add("a", f"{name}: wall / CPU / peak RSS", "",
                      f"{fmt_ms(ref['wall'])} / {fmt_ms(ref['cpu'])} / {ref['rss'] / MIB:.1f} MiB")
        if r:
            t.add("a", "rolehop check: wall", fmt_ms(r["wall"]), fmt_ms(a["wall"]) if a else "",
                  f"{a['wall'] / r['wall']:.1f}x" if a else "")
            t.add("a", "rolehop check: CPU (user+sys)", fmt_ms(r["cpu"]), fmt_ms(a["cpu"]) if a else "",
                  f"{a['cpu'] / r['cpu']:.1f}x" if a and r["cpu"] > 0 else "", "<= 1/20 of AWS CLI",
                  (r["cpu"] * 20 <= a["cpu"]) if a else None)
            t.add("a", "rolehop check: peak RSS", f"{r['rss'] / MIB:.1f} MiB",
                  f"{a['rss'] / MIB:.1f} MiB" if a else "", "", "<= 20 MiB", r["rss"] <= 20 * MIB)
            own = r["wall"] - r["server"]
            t.add("a", "rolehop check: wall - server time", fmt_ms(own), "", "", "<= 5 ms",
                  own <= 0.005 if r["server"] > 0 else None)
            if floor:
                t.add("a", "libcurl alone (C program: dlopen + curl_global_init): wall / CPU / peak RSS",
                      f"{fmt_ms(floor['wall'])} / {fmt_ms(floor['cpu'])} / {floor['rss'] / MIB:.1f} MiB")
                t.add("a", "rolehop check: wall - server time - libcurl alone", fmt_ms(own - floor["wall"]))
            if r["server"] == 0:
                t.notes.append("(a) the check JSON carried no timings.totalMs: wall minus server time not computed")
            if r.get("code"):
                t.notes.append(f"(a) rolehop check exited {int(r['code'])} (1 = problems found)")
    finally:
        moto.stdin.close()
        try:
            moto.wait(timeout=10)
        except subprocess.TimeoutExpired:
            moto.kill()


def libcurl_floor(reps, tmp):
    """Wall/CPU/RSS medians of bench/libcurl_floor.c (load libcurl, initialise it, exit); None without cc."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        return None
    exe = os.path.join(tmp, "libcurl_floor")
    if subprocess.run([cc, "-O2", "-o", exe, os.path.join(HERE, "libcurl_floor.c")], capture_output=True).returncode:
        return None

    def once():
        wall, cpu, rss, code, out, err = run([exe])
        if code != 0:
            raise RuntimeError("libcurl_floor failed: " + err[-200:])
        return {"wall": wall, "cpu": cpu, "rss": rss}
    return repeat("libcurl_floor", reps, once)


def offline_chain(t, binary, reps, tmp):
    sc = prepare_scenario(os.path.join(tmp, "offline"), "http://127.0.0.1:9")
    env = scenario_env(sc)
    cmd = [binary, "chain", "--root", sc["rootfs"]]

    def once():
        wall, cpu, rss, code, out, err = run(cmd, env=env)
        if code not in (0, 1):
            raise RuntimeError(f"rolehop chain exited {code}: {err[-400:]}")
        return {"wall": wall, "cpu": cpu, "rss": rss}
    r = repeat("chain", reps, once)
    t.add("b", "rolehop chain (reference, offline): wall", fmt_ms(r["wall"]), "", "", "<= 10 ms", r["wall"] <= 0.010)
    t.add("b", "rolehop chain: CPU / peak RSS", f"{fmt_ms(r['cpu'])} / {r['rss'] / MIB:.1f} MiB")


def generate_config(path, n):
    """The shape of ConfigBenchmark.generate (groups of five profiles; see bench/config_bench.sh)."""
    lines = []
    for i in range(n):
        lines.append(f"[profile p{i}]")
        if i % 5 == 0:
            lines += [f"aws_access_key_id = AKIAFAKEEXAMPLE{i}", "aws_secret_access_key = FAKESECRET",
                      "region = eu-west-1"]
        elif i % 5 == 3:
            lines += ["web_identity_token_file = /var/run/secrets/eks.amazonaws.com/serviceaccount/token",
                      f"role_arn = arn:aws:iam::111122223333:role/r{i}"]
        else:
            lines += [f"role_arn = arn:aws:iam::111122223333:role/r{i}", f"source_profile = p{i - 1}",
                      f"role_session_name = s{i}", "region = eu-west-1"]
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


def core_config_bench(n, tiny):
    """ConfigBenchmark.run in an -O -wmo build (bench/config_bench_core.sh); best of 9, CPU ms; None if skipped."""
    if tiny or shutil.which("swiftc") is None:
        return None
    r = subprocess.run(["sh", os.path.join(HERE, "config_bench_core.sh"), str(n)], cwd=ROOT, capture_output=True,
                       text=True)
    m = re.search(r"best of 9: ([0-9.]+) ms", r.stdout)
    d = re.search(r"best of 9 \(glibc's default trim threshold\): ([0-9.]+) ms", r.stdout)
    return (float(m.group(1)) / 1000, float(d.group(1)) / 1000 if d else None) if m else None


def config_bench(t, binary, reps, tmp, tiny):
    n = 200 if tiny else 10000
    path = os.path.join(tmp, f"config-{n}")
    generate_config(path, n)

    def boto_once():
        r = subprocess.run([python(), os.path.join(HERE, "config_bench_botocore.py"), path], capture_output=True,
                           text=True, check=True)
        d = json.loads(r.stdout)
        return {"cpu": d["cpuMs"] / 1000, "imp": d["importMs"] / 1000}
    boto = repeat("botocore", reps, boto_once) if has_module("botocore") else None

    env = {"PATH": os.environ.get("PATH", ""), "HOME": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true"}

    def rolehop_once():
        wall, cpu, rss, code, out, err = run([binary, "chain", "--config-file", path, "--credentials-file",
                                              "/nonexistent", "--all-profiles", "--output", "text"], env=env)
        return {"wall": wall, "cpu": cpu, "rss": rss}
    e2e = repeat("chain --all-profiles", reps, rolehop_once)

    core = core_config_bench(n, tiny)
    if boto is None:
        t.notes.append("(c) botocore is not installed: no reference figure")
    ref = f"{fmt_ms(boto['cpu'])} (+{fmt_ms(boto['imp'])} import)" if boto else ""
    if core is not None:
        core, default_trim = core
        t.add("c", f"{n} profiles: parse + resolve every chain (CPU)", fmt_ms(core), ref,
              f"{boto['cpu'] / core:.1f}x" if boto else "", ">= 20x botocore",
              boto["cpu"] >= 20 * core if boto else None)
        if default_trim is not None:
            t.add("c", f"{n} profiles: the same with glibc's default trim threshold", fmt_ms(default_trim), ref,
                  f"{boto['cpu'] / default_trim:.1f}x" if boto else "")
            t.notes.append("(c) the target row sets the heap up as rolehop's main does (HeapSettings.keepFreedHeap: "
                           "a fixed glibc trim threshold); with glibc's own, whether warm iterations re-fault a "
                           "trimmed heap depends on the sizes of the largest arrays: the row below it")
    else:
        t.skip("c", f"{n} profiles: ConfigBenchmark.run", "tiny mode or no swiftc (it compiles bench/config_bench_core.sh)")
    t.add("c", f"{n} profiles: rolehop chain --all-profiles (process, text output): CPU", fmt_ms(e2e["cpu"]), ref,
          f"{boto['cpu'] / e2e['cpu']:.1f}x" if boto and e2e["cpu"] > 0 else "")


def sigv4_bench(t, binary, tiny):
    n_ours, n_boto = (2000, 200) if tiny else (2_000_000, 50_000)
    w, c, rss, code, out, err = run([binary, "sigv4", "--bench", str(n_ours)])
    m = re.search(r"(\d+) per CPU-second", out)
    b = subprocess.run([python(), os.path.join(HERE, "sigv4_bench.py"), str(n_boto)], capture_output=True, text=True)
    mb = re.search(r"(\d+) per CPU-second", b.stdout)
    if m and not mb:
        ours = int(m.group(1))
        t.add("d", "SigV4 signatures per CPU-second", fmt_rate(ours), "", "", ">= 20x botocore")
        t.notes.append("(d) botocore's side did not run: " + b.stderr.strip()[-100:])
        return
    if not m:
        t.skip("d", "SigV4 signatures per CPU-second", f"could not read the output ({out.strip()[:80]} / {b.stderr[-80:]})")
        return
    ours, boto = int(m.group(1)), int(mb.group(1))
    t.add("d", "SigV4 signatures per CPU-second", fmt_rate(ours), fmt_rate(boto), f"{ours / boto:.1f}x",
          ">= 20x botocore", ours >= 20 * boto)


def policy_bench(t, binary, tiny):
    n = 20000 if tiny else 3_000_000
    w, c, rss, code, out, err = run([binary, "policy", "bench", "--iterations", str(n)])
    m = re.search(r"(\d+) evaluations/s", out)
    if not m:
        t.skip("e", "trust-policy evaluations/s", f"could not read the output: {(out + err).strip()[:100]}")
        return
    rate = int(m.group(1))
    t.add("e", "20-statement trust policy evaluations", fmt_rate(rate), "", "", ">= 500,000/s", rate >= 500_000)


def sizes_and_tui(t, binary, reps, tiny, tmp):
    release = os.path.join(ROOT, ".build", "release", "rolehop")
    if os.path.exists(release):
        stripped = os.path.join(tmp, "rolehop-stripped")
        shutil.copy(release, stripped)
        if shutil.which("strip"):
            subprocess.run(["strip", stripped], check=False)
        size = os.path.getsize(stripped)
        t.add("f", "release binary, stripped (--static-swift-stdlib)", f"{size / MIB:.1f} MiB", "", "", "<= 20 MB",
              size <= 20_000_000)
    else:
        t.skip("f", "release binary size", "no .build/release/rolehop (scripts/bench.sh builds it)")
    tarball = os.path.join(ROOT, "dist", "rolehop-linux-x86_64.tar.gz")
    if os.path.exists(tarball):
        size = os.path.getsize(tarball)
        t.add("f", "dist/rolehop-linux-x86_64.tar.gz", f"{size / MIB:.1f} MiB", "", "", "<= 15 MB", size <= 15_000_000)
    else:
        t.skip("f", "dist tarball size", "dist/rolehop-linux-x86_64.tar.gz does not exist (scripts/dist.sh)")

    snapshot = next((p for p in (os.path.join(ROOT, "Tests", "Data", "tui", "reference.json"),
                                 os.path.join(ROOT, "Tests", "Data", "tui", "fixtures", "reference.json"))
                     if os.path.exists(p)), None)
    if tiny or shutil.which("tmux") is None or snapshot is None:
        t.skip("f", "time to first TUI frame", "tiny mode, no tmux or no snapshot fixture")
        return
    # A private tmux server with an idle keeper session: killing a measured session must not stop the server
    # (a new session started while the last one's server shuts down fails with "server exited unexpectedly").
    tmux = ["tmux", "-L", f"rolehop-bench-{os.getpid()}"]
    times = []
    try:
        subprocess.run(tmux + ["new-session", "-d", "-s", "keeper", "sleep 3600"], check=True)
        for i in range(reps + 1):
            session = f"tui-{i}"
            start = time.perf_counter()
            subprocess.run(tmux + ["new-session", "-d", "-s", session, "-x", "100", "-y", "30",
                                   f"{binary} tui --snapshot {snapshot}"], check=True)
            seen = None
            while time.perf_counter() - start < 10:
                pane = subprocess.run(tmux + ["capture-pane", "-p", "-t", session], capture_output=True,
                                      text=True).stdout
                lines = pane.splitlines()
                if len(lines) > 1 and "rolehop" in lines[0] and "Chain" in lines[1]:
                    seen = time.perf_counter() - start
                    break
                time.sleep(0.002)
            subprocess.run(tmux + ["kill-session", "-t", session], capture_output=True)
            if seen is not None and i > 0:
                times.append(seen)
    except subprocess.CalledProcessError as e:
        t.notes.append(f"(f) tmux failed: {e}")
    finally:
        subprocess.run(tmux + ["kill-server"], capture_output=True)
    if times:
        t.add("f", "time to first TUI frame (tmux, polled)", fmt_ms(statistics.median(times)))
        t.notes.append("(f) the TUI figure includes tmux start-up and 2 ms polling of capture-pane")
    else:
        t.skip("f", "time to first TUI frame", "the header did not appear within 10 s")


# ---------------------------------------------------------------------------------------------------- main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", help="rolehop binary (default: .build/release/rolehop, else .build/debug/rolehop)")
    ap.add_argument("--reps", type=int, default=None, help="repetitions after the warm-up (default 9, tiny 1)")
    ap.add_argument("--tiny", action="store_true", help="1 repetition, tiny sizes, skip moto/AWS CLI/compiler/tmux")
    ap.add_argument("--out", default=None, help="results file (default bench/RESULTS.md; tiny: none)")
    args = ap.parse_args()
    reps = args.reps or (1 if args.tiny else 9)
    binary = args.bin
    if binary is None:
        for cand in (".build/release/rolehop", ".build/debug/rolehop"):
            if os.path.exists(os.path.join(ROOT, cand)):
                binary = os.path.join(ROOT, cand)
                break
    if binary is None or not os.path.exists(binary):
        print("bench: no rolehop binary (swift build first, or --bin)", file=sys.stderr)
        return 2
    binary = os.path.abspath(binary)
    m = machine()
    started = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    t = Table()
    with tempfile.TemporaryDirectory(prefix="rolehop-bench-") as tmp:
        build_rusage_exec(tmp)
        if RUSAGE_EXEC is None:
            t.notes.append("no C compiler: processes measured from Python; peak RSS includes the driver's ~15 MiB")
        if args.tiny:
            t.skip("a", "reference chain against moto", "tiny mode")
        else:
            live_chain(t, binary, reps, tmp)
        offline_chain(t, binary, reps, tmp)
        config_bench(t, binary, reps, tmp, args.tiny)
        sigv4_bench(t, binary, args.tiny)
        policy_bench(t, binary, args.tiny)
        sizes_and_tui(t, binary, reps, args.tiny, tmp)

    build = "release" if "/release/" in binary else ("debug" if "/debug/" in binary else "given")
    head = (f"rolehop benchmarks, {started}: {m['nproc']} CPUs, {m['cpu']}, load average at start {m['load']}; "
            f"binary {os.path.relpath(binary, ROOT)} ({build}); medians of {reps} runs after a warm-up")
    table = t.render()
    print(head)
    print()
    print(table)
    for n in t.notes:
        print("- " + n)
    out = args.out or (None if args.tiny else os.path.join(HERE, "RESULTS.md"))
    if out:
        with open(out, "w") as f:
            f.write("# Benchmark results\n\nWritten by `bench/bench.py` (`make bench`); do not edit by hand.\n\n")
            f.write(f"- Machine: {m['nproc']} CPUs, {m['cpu']}\n- Load average at start: {m['load']}\n")
            f.write(f"- Run: {started}, binary `{os.path.relpath(binary, ROOT)}` ({build}), medians of {reps} runs "
                    "after one warm-up run\n\n")
            f.write(table + "\n\n")
            for n in t.notes:
                f.write("- " + n + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
