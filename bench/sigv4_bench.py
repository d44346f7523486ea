#!/usr/bin/env python3
"""Signs the same STS AssumeRole POST as `rolehop sigv4 --bench` with botocore and prints signatures per second.

Each iteration builds a fresh AWSRequest and calls SigV4Auth.add_auth, as botocore does for every API call
(its signing-key derivation is not cached, which is part of what is being compared).
"""
import sys
import time

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

BODY = (b"Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A444455556666"
        b"%3Arole%2Faccount-b-role&RoleSessionName=rolehop-bench")
CREDS = Credentials("ASIAEXAMPLEBENCH0001", "bench-secret-EXAMPLE-not-real", "bench-session-token-EXAMPLE-not-real")


def sign_once(auth):
    req = AWSRequest(method="POST", url="https://sts.us-east-1.amazonaws.com/", data=BODY,
                     headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"})
    auth.add_auth(req)
    return req.headers["Authorization"]


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
    auth = SigV4Auth(CREDS, "sts", "us-east-1")
    for _ in range(min(1000, n)):
        sign_once(auth)
    start, cpu_start = time.perf_counter(), time.thread_time()
    for _ in range(n):
        sign_once(auth)
    elapsed, cpu = time.perf_counter() - start, time.thread_time() - cpu_start
    print(f"botocore SigV4Auth: {n / elapsed:.0f} signatures/s wall, {n / cpu:.0f} per CPU-second ({n} iterations)")


if __name__ == "__main__":
    main()
