#!/usr/bin/env python3
"""Writes the policy fixtures of this directory: the reference scenario's policies (Amazon EKS guide
"Authenticate to another account with IRSA") and the broken variants of shared/FAILURES.md.
The expected decisions are not computed here: the tests state them from the IAM documentation's rules."""
import json, urllib.parse

ISS = "oidc.eks.region-code.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
SLIP = "oidc.region-code.eks.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
A, B = "111122223333", "444455556666"
SA = "system:serviceaccount:default:my-service-account"


def w(name, obj):
    open(name, "w").write(json.dumps(obj, indent=2) + "\n")


def webstmt(acct, cond, iss=ISS, action="sts:AssumeRoleWithWebIdentity"):
    s = {"Effect": "Allow", "Principal": {"Federated": f"arn:aws:iam::{acct}:oidc-provider/{iss}"}, "Action": action}
    if cond is not None:
        s["Condition"] = cond
    return s


def doc(*st):
    return {"Version": "2012-10-17", "Statement": list(st)}


w("reference-trust-account-a-role.json", doc(webstmt(A, {})))
w("reference-trust-account-b-role.json", doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:root"},
                                               "Action": "sts:AssumeRole", "Condition": {}}))
w("reference-identity-account-a-role.json", doc({"Effect": "Allow", "Action": "sts:AssumeRole",
                                                  "Resource": f"arn:aws:iam::{B}:role/account-b-role"}))
w("reference-trust-b-own-provider.json", doc(webstmt(B, {"StringEquals": {f"{ISS}:sub": SA, f"{ISS}:aud": "sts.amazonaws.com"}})))
w("trust-a-hardened.json", doc(webstmt(A, {"StringEquals": {f"{ISS}:sub": SA, f"{ISS}:aud": "sts.amazonaws.com"}})))
w("broken-namespace-typo.json", doc(webstmt(A, {"StringEquals": {
    f"{ISS}:sub": "system:serviceaccount:defualt:my-service-account", f"{ISS}:aud": "sts.amazonaws.com"}})))
w("broken-stringequals-wildcard.json", doc(webstmt(A, {"StringEquals": {
    f"{ISS}:sub": "system:serviceaccount:default:*", f"{ISS}:aud": "sts.amazonaws.com"}})))
w("broken-wrong-issuer.json", doc(webstmt(A, {"StringEquals": {f"{SLIP}:sub": SA, f"{SLIP}:aud": "sts.amazonaws.com"}}, iss=SLIP)))
w("broken-missing-provider-account.json", doc(webstmt(A, {"StringEquals": {f"{ISS}:sub": SA}})))
w("broken-aud-typo.json", doc(webstmt(A, {"StringEquals": {f"{ISS}:sub": SA, f"{ISS}:aud": "sts.amazon.com"}})))
w("broken-action-assumerole.json", doc(webstmt(A, {"StringEquals": {f"{ISS}:sub": SA}}, action="sts:AssumeRole")))
w("broken-key-other-issuer.json", doc(webstmt(A, {"StringEquals": {
    "oidc.eks.region-code.amazonaws.com/id/OTHERCLUSTEREXAMPLE:sub": SA}})))
w("broken-notprincipal.json", doc({"Effect": "Allow", "NotPrincipal": {"AWS": f"arn:aws:iam::{A}:role/blocked"},
                                   "Action": "sts:AssumeRole"}))
w("trust-external-id.json", doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:role/account-a-role"},
                                 "Action": "sts:AssumeRole",
                                 "Condition": {"StringEquals": {"sts:ExternalId": "EXAMPLE-external-id"}}}))
w("broken-oversized.json", doc(*[webstmt(A, {"StringEquals": {f"{ISS}:sub": f"system:serviceaccount:team{i}:app{i}",
                                                              f"{ISS}:aud": "sts.amazonaws.com"}}) for i in range(12)]))
enc = urllib.parse.quote(json.dumps(doc(webstmt(A, {"StringEquals": {f"{ISS}:sub": SA}}))), safe="")
open("trust-url-encoded.txt", "w").write(enc + "\n")
w("claims-default-my-service-account.json", {
    "aud": ["sts.amazonaws.com"], "exp": 1800000000, "iat": 1799913600, "iss": "https://" + ISS,
    "kubernetes.io": {"namespace": "default", "serviceaccount": {"name": "my-service-account", "uid": "EXAMPLE-uid"}},
    "nbf": 1799913600, "sub": SA})
w("claims-prod-app.json", {"aud": ["sts.amazonaws.com"], "iss": "https://" + ISS, "sub": "system:serviceaccount:prod:app"})
w("context-multi.json", {"aws:TagKeys": ["CreatedBy", "CreatedAt"], "aws:username": "alice", "s3:max-keys": "10",
                         "aws:SecureTransport": True})
