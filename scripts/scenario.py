#!/usr/bin/env python3
"""Lay out a scenario from scenarios/NAME as a pod's file system, for tests and `make demo SCENARIO=NAME`.

  scenario.py list
  scenario.py prepare NAME --out DIR [--endpoint URL] [--now EPOCH]
  scenario.py serve NAME        start the scenario's peer, print `READY {"endpoint": URL}`, run until stdin closes

`prepare` writes DIR/rootfs (the container's files: /root/.aws/config, /root/.aws/credentials, the projected
service-account token under /var/run/secrets/...), DIR/policies (a --policy-dir), DIR/jwks.json, and prints one
JSON line: {"rootfs", "env", "policyDir", "jwks", "peer", "expect", "args"}. rolehop reads the rootfs through
`--root`; `env` is the container's environment (with ${ENDPOINT} replaced by the peer's URL).

The token is minted here, signed RS256 with scenarios/keys/test-rsa-private.pem (a throwaway test key), its
times relative to --now (default: the current time) so the demo's tokens are valid when it runs.
"""
import argparse
import base64
import json
import os
import shutil
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SCENARIOS = os.path.join(ROOT, "scenarios")
TOKEN_PATH = "/var/run/secrets/eks.amazonaws.com/serviceaccount/token"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def mint(spec, now):
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    claims = json.loads(json.dumps(spec.get("claims", {})))
    for field, offset_key in (("iat", "iatOffset"), ("nbf", "nbfOffset"), ("exp", "expOffset")):
        if offset_key in spec:
            claims[field] = int(now + spec[offset_key])
    if "warnafterOffset" in spec:
        claims.setdefault("kubernetes.io", {})["warnafter"] = int(now + spec["warnafterOffset"])
    header = {"alg": spec.get("alg", "RS256"), "kid": spec.get("kid", "rolehop-test-key-1")}
    signing_input = (b64url(json.dumps(header, separators=(",", ":")).encode()) + "."
                     + b64url(json.dumps(claims, separators=(",", ":")).encode()))
    with open(os.path.join(SCENARIOS, "keys", "test-rsa-private.pem"), "rb") as f:
        key = serialization.load_pem_private_key(f.read(), None)
    sig = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    if spec.get("tamper"):
        # Change the payload after signing: the signature no longer matches.
        parts = signing_input.split(".")
        claims["sub"] = spec["tamper"]
        parts[1] = b64url(json.dumps(claims, separators=(",", ":")).encode())
        signing_input = ".".join(parts)
    return signing_input + "." + b64url(sig)


def subst(value, mapping):
    if isinstance(value, str):
        for k, v in mapping.items():
            value = value.replace("${" + k + "}", v)
        return value
    return value


def prepare(name, out, endpoint, now):
    sdir = os.path.join(SCENARIOS, name)
    with open(os.path.join(sdir, "scenario.json")) as f:
        spec = json.load(f)
    rootfs = os.path.join(out, "rootfs")
    os.makedirs(os.path.join(rootfs, "root", ".aws"), exist_ok=True)
    mapping = {"ENDPOINT": endpoint or "http://127.0.0.1:9"}
    for fname in ("config", "credentials"):
        src = os.path.join(sdir, fname)
        if os.path.exists(src):
            with open(src) as f:
                text = subst(f.read(), mapping)
            with open(os.path.join(rootfs, "root", ".aws", fname), "w") as f:
                f.write(text)
    token_spec = spec.get("token")
    if token_spec is not None:
        path = rootfs + token_spec.get("path", TOKEN_PATH)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(mint(token_spec, now))
        os.chmod(path, int(token_spec.get("mode", "0644"), 8))
    pol_src = os.path.join(sdir, "policies")
    pol_dst = os.path.join(out, "policies")
    if os.path.isdir(pol_src):
        shutil.rmtree(pol_dst, ignore_errors=True)
        shutil.copytree(pol_src, pol_dst)
    jwks = os.path.join(out, "jwks.json")
    shutil.copy(os.path.join(SCENARIOS, "keys", "test-jwks.json"), jwks)
    env = {"HOME": "/root"}
    for k, v in spec.get("env", {}).items():
        env[k] = subst(v, mapping)
    peer = dict(spec.get("peer", {"kind": "none"}))
    for key in ("seed", "script"):
        if key in peer:
            peer[key] = os.path.join(sdir, peer[key])
    args = ["--root", rootfs]
    if os.path.isdir(pol_dst):
        args += ["--policy-dir", pol_dst]
    args += ["--jwks", jwks]
    if spec.get("profile"):
        args += ["--profile", spec["profile"]]
    return {"name": name, "title": spec.get("title", name), "rootfs": rootfs, "env": env,
            "policyDir": pol_dst if os.path.isdir(pol_dst) else None, "jwks": jwks, "peer": peer,
            "expect": spec.get("expect", {}), "args": args}


def serve(name):
    """Start the peer the scenario names (moto, the scripted server, a black hole, or none) on loopback."""
    import socket
    import subprocess
    import threading
    sdir = os.path.join(SCENARIOS, name)
    with open(os.path.join(sdir, "scenario.json")) as f:
        peer = json.load(f).get("peer", {"kind": "none"})
    kind = peer.get("kind", "none")
    python = sys.executable
    child = None
    holders = []
    if kind == "moto":
        args = [python, os.path.join(ROOT, "Tests", "Servers", "moto_harness.py"),
                "--seed", os.path.join(sdir, peer.get("seed", "seed.json"))]
        if peer.get("auth"):
            args.append("--auth")
        child = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    elif kind == "scripted":
        args = [python, os.path.join(ROOT, "Tests", "Servers", "scripted_server.py"),
                "--script", os.path.join(sdir, peer.get("script", "script.json"))]
        child = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    if child is not None:
        line = child.stdout.readline()
        if not line.startswith("READY "):
            print("scenario: peer did not start", file=sys.stderr)
            sys.exit(1)
        port = json.loads(line[6:])["port"]
        endpoint = f"http://127.0.0.1:{port}"
    elif kind == "blackhole":
        # A listener whose accept queue is full: connections hang like an unroutable STS endpoint.
        lst = socket.socket()
        lst.bind(("127.0.0.1", 0))
        lst.listen(0)
        port = lst.getsockname()[1]
        holders.append(lst)
        for _ in range(32):
            c = socket.socket()
            c.setblocking(False)
            try:
                c.connect(("127.0.0.1", port))
            except BlockingIOError:
                pass
            holders.append(c)
            import select
            _, w, _ = select.select([], [c], [], 0.3)
            if not w:
                break
        endpoint = f"http://127.0.0.1:{port}"
    else:
        endpoint = "http://127.0.0.1:9"
    print("READY " + json.dumps({"endpoint": endpoint, "kind": kind}), flush=True)
    try:
        sys.stdin.read()
    except KeyboardInterrupt:
        pass
    if child is not None:
        child.stdin.close()
        try:
            child.wait(timeout=5)
        except subprocess.TimeoutExpired:
            child.kill()


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("list")
    p = sub.add_parser("prepare")
    p.add_argument("name")
    p.add_argument("--out", required=True)
    p.add_argument("--endpoint")
    p.add_argument("--now", type=float, default=None)
    sv = sub.add_parser("serve")
    sv.add_argument("name")
    a = ap.parse_args()
    if a.cmd == "serve":
        serve(a.name)
        return
    if a.cmd == "list":
        for n in sorted(os.listdir(SCENARIOS)):
            if os.path.exists(os.path.join(SCENARIOS, n, "scenario.json")):
                with open(os.path.join(SCENARIOS, n, "scenario.json")) as f:
                    print(f"{n}\t{json.load(f).get('title', '')}")
        return
    now = a.now if a.now is not None else time.time()
    print(json.dumps(prepare(a.name, a.out, a.endpoint, now)))


if __name__ == "__main__":
    main()
