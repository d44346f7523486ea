#!/usr/bin/env python3
"""The reference chain's hops with boto3, for bench/bench.py: AssumeRoleWithWebIdentity into account A's role
with the projected token, AssumeRole into account B's role with those credentials, GetCallerIdentity as B.

Reads the scenario's environment: AWS_ENDPOINT_URL_STS (moto on loopback), AWS_DEFAULT_REGION, and
ROLEHOP_BENCH_TOKEN_FILE / ROLEHOP_BENCH_ROLE_A / ROLEHOP_BENCH_ROLE_B (set by bench.py from the scenario).
Prints the final ARN.
"""
import os

import boto3


def main():
    endpoint = os.environ["AWS_ENDPOINT_URL_STS"]
    region = os.environ.get("AWS_DEFAULT_REGION", "us-east-1")
    with open(os.environ["ROLEHOP_BENCH_TOKEN_FILE"]) as f:
        token = f.read().strip()
    session = boto3.session.Session()
    sts = session.client("sts", region_name=region, endpoint_url=endpoint)
    a = sts.assume_role_with_web_identity(RoleArn=os.environ["ROLEHOP_BENCH_ROLE_A"], RoleSessionName="bench-a",
                                          WebIdentityToken=token)["Credentials"]
    sts_a = session.client("sts", region_name=region, endpoint_url=endpoint, aws_access_key_id=a["AccessKeyId"],
                           aws_secret_access_key=a["SecretAccessKey"], aws_session_token=a["SessionToken"])
    b = sts_a.assume_role(RoleArn=os.environ["ROLEHOP_BENCH_ROLE_B"], RoleSessionName="bench-b")["Credentials"]
    sts_b = session.client("sts", region_name=region, endpoint_url=endpoint, aws_access_key_id=b["AccessKeyId"],
                           aws_secret_access_key=b["SecretAccessKey"], aws_session_token=b["SessionToken"])
    print(sts_b.get_caller_identity()["Arn"])


if __name__ == "__main__":
    main()
