#!/usr/bin/env python3
"""Start moto's server on a free loopback port, seed it, print one READY line, and run until stdin closes.

Used by the Swift test support (MotoServer) and by `make demo`. The seed file describes accounts, IAM OIDC
providers, roles with trust policies and inline policies, and users; see reference-seed.json.

Output: one line `READY {"port": N, "endpoint": "http://127.0.0.1:N", "users": {...}}` on stdout. User access
keys are moto's own (generated at run time, never committed). With --auth, request authentication is switched on
after seeding (moto then verifies SigV4 signatures and identity policies).
"""
import argparse
import json
import os
import sys
import threading
import urllib.request

os.environ.setdefault("MOTO_ALLOW_NONEXISTENT_REGION", "true")
# moto reads its settings at import time; authentication is switched on through its API after seeding.
os.environ.pop("INITIAL_NO_AUTH_ACTION_COUNT", None)

import boto3  # noqa: E402
from moto.server import ThreadedMotoServer  # noqa: E402


def client(service, endpoint, account):
    c = boto3.client(
        service,
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="AKIAIOSFODNN7EXAMPLE",
        aws_secret_access_key="harness-secret-not-real",
    )

    def add_account(request, **_):
        request.headers["x-moto-account-id"] = account

    c.meta.events.register("before-send.*", add_account)
    return c


def seed(endpoint, spec):
    users_out = {}
    for account, acc in spec.get("accounts", {}).items():
        iam = client("iam", endpoint, account)
        for p in acc.get("oidcProviders", []):
            iam.create_open_id_connect_provider(
                Url=p["url"], ClientIDList=p.get("clientIds", ["sts.amazonaws.com"]),
                ThumbprintList=p.get("thumbprints", ["9e99a48a9960b14926bb7f3b02e22da2b0ab7280"]))
        for r in acc.get("roles", []):
            iam.create_role(RoleName=r["name"], AssumeRolePolicyDocument=json.dumps(r["trust"]),
                            MaxSessionDuration=r.get("maxSessionDuration", 3600),
                            Path=r.get("path", "/"))
            for name, doc in r.get("inlinePolicies", {}).items():
                iam.put_role_policy(RoleName=r["name"], PolicyName=name, PolicyDocument=json.dumps(doc))
        for u in acc.get("users", []):
            iam.create_user(UserName=u["name"])
            for name, doc in u.get("inlinePolicies", {}).items():
                iam.put_user_policy(UserName=u["name"], PolicyName=name, PolicyDocument=json.dumps(doc))
            key = iam.create_access_key(UserName=u["name"])["AccessKey"]
            users_out[f"{account}/{u['name']}"] = {
                "accessKeyId": key["AccessKeyId"], "secretAccessKey": key["SecretAccessKey"]}
    return users_out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", default=os.path.join(os.path.dirname(__file__), "reference-seed.json"))
    ap.add_argument("--auth", action="store_true", help="verify signatures and policies after seeding")
    ap.add_argument("--port", type=int, default=0)
    args = ap.parse_args()
    with open(args.seed) as f:
        spec = json.load(f)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=args.port, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://127.0.0.1:{port}"
    users = seed(endpoint, spec)
    if args.auth:
        # The count must travel as a raw body: with urllib's default form content type Flask moves the body
        # into request.form and moto reads an empty request.data (HTTP 500, float('')).
        req = urllib.request.Request(endpoint + "/moto-api/reset-auth", data=b"0", method="POST",
                                     headers={"Content-Type": "text/plain"})
        urllib.request.urlopen(req, timeout=10).read()
    print("READY " + json.dumps({"port": port, "endpoint": endpoint, "users": users}), flush=True)
    # Run until the parent closes our stdin (or dies, which closes it too).
    try:
        sys.stdin.read()
    except KeyboardInterrupt:
        pass
    server.stop()


if __name__ == "__main__":
    main()
