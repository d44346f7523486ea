#!/usr/bin/env python3
"""Writes the token test data: TEST keys, tokens signed with them at fixed times, JWKS and a manifest.

The signing is done by python `cryptography` (an implementation independent of rolehop's use of the system's
libcrypto), so a token that verifies here and in rolehop was produced and checked by two different codes.
The keys are TEST KEYS made for these tests only; they protect nothing. Run from the repository root:

    python3 Tests/Data/token/generate.py

With `--mint-issuer URL` it writes nothing and prints one RS256 token (key rsa-test-1, issued at T) whose
`iss` is URL, for live tests that serve discovery on loopback.

Existing keys are reused so regenerating keeps the RSA tokens byte-identical (ECDSA signatures are
randomised, so the ES256 token changes on every run).
"""
import base64
import json
import os
import sys

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

HERE = os.path.dirname(os.path.abspath(__file__))

# Fixed times: tokens are issued at T; the tests judge them at NOW = T + 30 minutes.
T = 1795950000  # 2026-11-29T11:00:00Z
NOW = T + 1800
ISSUER = "https://oidc.eks.region-code.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def load_or_make(name, make):
    path = os.path.join(HERE, name)
    if os.path.exists(path):
        with open(path, "rb") as f:
            data = f.read()
        return serialization.load_pem_private_key(data[data.index(b"-----BEGIN"):], password=None)
    key = make()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    with open(path, "wb") as f:
        f.write(b"# TEST KEY for rolehop's token tests only; it protects nothing.\n" + pem)
    return key


RSA_KEY = load_or_make("rsa-test-key.pem", lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048))
RSA_OTHER = load_or_make("rsa-other-test-key.pem", lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048))
EC_KEY = load_or_make("ec-test-key.pem", lambda: ec.generate_private_key(ec.SECP256R1()))


def sign(header, claims, key):
    signing_input = (b64url(json.dumps(header, separators=(",", ":")).encode()) + "." +
                     b64url(json.dumps(claims, separators=(",", ":")).encode())).encode()
    if header["alg"] == "none":
        return signing_input.decode() + "."
    if isinstance(key, rsa.RSAPrivateKey):
        sig = key.sign(signing_input, padding.PKCS1v15(), hashes.SHA256())
    else:
        der = key.sign(signing_input, ec.ECDSA(hashes.SHA256()))
        r, s = decode_dss_signature(der)
        sig = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    return signing_input.decode() + "." + b64url(sig)


def claims(**over):
    c = {
        "aud": ["sts.amazonaws.com"],
        "exp": T + 86400,
        "iat": T,
        "iss": ISSUER,
        "jti": "5a0c5b1e-TEST-4c5b-9a9e-000000000001",
        "kubernetes.io": {
            "namespace": "payments",
            "node": {"name": "ip-192-168-10-20.region-code.compute.internal", "uid": "node-uid-TEST"},
            "pod": {"name": "api-7d9f8b-TEST", "uid": "pod-uid-TEST"},
            "serviceaccount": {"name": "api-sa", "uid": "sa-uid-TEST"},
            "warnafter": T + 3607,
        },
        "nbf": T,
        "sub": "system:serviceaccount:payments:api-sa",
    }
    c.update(over)
    return c


def rsa_jwk(key, kid):
    n = key.public_key().public_numbers()
    return {"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256",
            "n": b64url(n.n.to_bytes((n.n.bit_length() + 7) // 8, "big")),
            "e": b64url(n.e.to_bytes((n.e.bit_length() + 7) // 8, "big"))}


def ec_jwk(key, kid):
    n = key.public_key().public_numbers()
    return {"kty": "EC", "kid": kid, "use": "sig", "alg": "ES256", "crv": "P-256",
            "x": b64url(n.x.to_bytes(32, "big")), "y": b64url(n.y.to_bytes(32, "big"))}


RS = {"alg": "RS256", "kid": "rsa-test-1"}

if len(sys.argv) == 3 and sys.argv[1] == "--mint-issuer":
    print(sign(RS, claims(iss=sys.argv[2]), RSA_KEY))
    sys.exit(0)
ES = {"alg": "ES256", "kid": "ec-test-1"}

tokens = {}
tokens["valid-rs256"] = (sign(RS, claims(), RSA_KEY), {"signature": "valid", "findings": []})
tokens["valid-es256"] = (sign(ES, claims(), EC_KEY), {"signature": "valid", "findings": []})
good = sign(RS, claims(), RSA_KEY)
h, p, s = good.split(".")
tampered_payload = b64url(json.dumps(claims(sub="system:serviceaccount:kube-system:admin"), separators=(",", ":")).encode())
tokens["tampered-payload"] = (h + "." + tampered_payload + "." + s,
                              {"signature": "invalid", "findings": ["token.subject-mismatch"]})
tokens["wrong-key"] = (sign(RS, claims(), RSA_OTHER), {"signature": "invalid", "findings": []})
tokens["unknown-kid"] = (sign({"alg": "RS256", "kid": "rotated-away-TEST"}, claims(), RSA_KEY),
                         {"signature": "unknown-kid", "findings": []})
tokens["alg-none"] = (sign({"alg": "none"}, claims(), None), {"signature": "alg-none", "findings": ["token.alg-none"]})
tokens["expired"] = (sign(RS, claims(iat=NOW - 2 * 86400, nbf=NOW - 2 * 86400, exp=NOW - 86400,
                                     **{"kubernetes.io": dict(claims()["kubernetes.io"], warnafter=NOW - 2 * 86400 + 3607)}),
                          RSA_KEY), {"signature": "valid", "findings": ["token.expired"]})
tokens["future"] = (sign(RS, claims(iat=NOW + 600, nbf=NOW + 600, exp=NOW + 600 + 86400,
                                    **{"kubernetes.io": dict(claims()["kubernetes.io"], warnafter=NOW + 600 + 3607)}),
                         RSA_KEY), {"signature": "valid", "findings": ["token.not-yet-valid", "token.issued-in-future"]})
tokens["stale"] = (sign(RS, claims(iat=NOW - 7200, nbf=NOW - 7200, exp=NOW - 7200 + 86400,
                                   **{"kubernetes.io": dict(claims()["kubernetes.io"], warnafter=NOW - 7200 + 3607)}),
                        RSA_KEY), {"signature": "valid", "findings": ["token.stale"]})
tokens["wrong-audience"] = (sign(RS, claims(aud="sts.amazon.com"), RSA_KEY),
                            {"signature": "valid", "findings": ["token.audience"]})
tokens["odd-subject"] = (sign(RS, claims(sub="payments-api"), RSA_KEY),
                         {"signature": "valid", "findings": ["token.subject"]})
tokens["other-issuer"] = (sign(RS, claims(iss="https://issuer.example.test/cluster-a"), RSA_KEY),
                          {"signature": "valid", "findings": ["token.issuer-not-eks"]})

manifest = {"issuer": ISSUER, "T": T, "now": NOW, "tokens": {}}

# A TEST certificate chain (leaf, then the CA on top) and the SHA-1 thumbprint of the top certificate as
# python `cryptography` computes it, the value an IAM OIDC provider would store.
import datetime
from cryptography import x509
from cryptography.x509.oid import NameOID


def make_cert(subject_cn, issuer_cn, subject_key, issuer_key, ca):
    b = (x509.CertificateBuilder()
         .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject_cn)]))
         .issuer_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer_cn)]))
         .public_key(subject_key.public_key())
         .serial_number(1000 + len(subject_cn))
         .not_valid_before(datetime.datetime.fromtimestamp(T - 86400, datetime.timezone.utc))
         .not_valid_after(datetime.datetime.fromtimestamp(T + 365 * 86400, datetime.timezone.utc))
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    return b.sign(issuer_key, hashes.SHA256())


ca_cert = make_cert("rolehop TEST root CA", "rolehop TEST root CA", EC_KEY, EC_KEY, True)
leaf_cert = make_cert("oidc.eks.region-code.amazonaws.com TEST", "rolehop TEST root CA", RSA_OTHER, EC_KEY, False)
with open(os.path.join(HERE, "test-chain.pem"), "wb") as f:
    f.write(leaf_cert.public_bytes(serialization.Encoding.PEM) + ca_cert.public_bytes(serialization.Encoding.PEM))
manifest["chain"] = {"file": "test-chain.pem", "topThumbprint": ca_cert.fingerprint(hashes.SHA1()).hex(),
                     "leafThumbprint": leaf_cert.fingerprint(hashes.SHA1()).hex()}
for name, (tok, expect) in tokens.items():
    with open(os.path.join(HERE, name + ".jwt"), "w") as f:
        f.write(tok + "\n")
    header = json.loads(base64.urlsafe_b64decode(tok.split(".")[0] + "=="))
    payload = json.loads(base64.urlsafe_b64decode(tok.split(".")[1] + "=="))
    sig_len = len(base64.urlsafe_b64decode(tok.split(".")[2] + "==")) if tok.split(".")[2] else 0
    manifest["tokens"][name] = dict(expect, header=header, payload=payload, signatureLength=sig_len)

jwks = {"keys": [rsa_jwk(RSA_KEY, "rsa-test-1"), ec_jwk(EC_KEY, "ec-test-1")]}
with open(os.path.join(HERE, "jwks.json"), "w") as f:
    json.dump(jwks, f, indent=2)
    f.write("\n")
with open(os.path.join(HERE, "manifest.json"), "w") as f:
    json.dump(manifest, f, indent=2)
    f.write("\n")
print("wrote", len(tokens), "tokens")
