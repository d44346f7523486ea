#!/usr/bin/env python3
"""Writes algorithms.json: one JWS per algorithm rolehop verifies (RS/PS 256/384/512, ES256/ES384) and the
edges of key import and signature encoding, each with a one-key JWKS and the verdict expected.

The signing is done by python `cryptography` (independent of rolehop's libcrypto glue). Keys are made fresh on
every run and only their public halves are written. Run from the repository root:

    python3 Tests/Data/token/algorithms.py
"""
import base64
import json
import os

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

HERE = os.path.dirname(os.path.abspath(__file__))
HASHES = {"256": hashes.SHA256, "384": hashes.SHA384, "512": hashes.SHA512}
CURVE_NAMES = {"secp256r1": "P-256", "secp384r1": "P-384"}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def int_bytes(n: int, length: int = 0) -> bytes:
    return n.to_bytes(length or (n.bit_length() + 7) // 8, "big")


def rsa_jwk(key, kid):
    nums = key.public_key().public_numbers()
    return {"kty": "RSA", "kid": kid, "n": b64url(int_bytes(nums.n)), "e": b64url(int_bytes(nums.e))}


def ec_jwk(key, kid, crv=None, y_delta=0):
    nums = key.public_key().public_numbers()
    size = (key.curve.key_size + 7) // 8
    return {"kty": "EC", "kid": kid, "crv": crv or CURVE_NAMES[key.curve.name],
            "x": b64url(int_bytes(nums.x, size)), "y": b64url(int_bytes(nums.y + y_delta, size))}


def signing_input(alg, kid, jti=0):
    header = {"alg": alg, "kid": kid, "typ": "JWT"}
    claims = {"iss": "https://issuer.EXAMPLE", "sub": "system:serviceaccount:TEST:alg-" + alg.lower(),
              "aud": ["sts.amazonaws.com"], "jti": "TEST-%d" % jti}
    return (b64url(json.dumps(header, separators=(",", ":")).encode()) + "." +
            b64url(json.dumps(claims, separators=(",", ":")).encode())).encode()


def rsa_sign(key, alg, data, salt=None):
    h = HASHES[alg[2:]]()
    if alg.startswith("PS"):
        pad = padding.PSS(mgf=padding.MGF1(HASHES[alg[2:]]()),
                          salt_length=h.digest_size if salt is None else salt)
    else:
        pad = padding.PKCS1v15()
    return key.sign(data, pad, h)


def ec_raw(key, alg, data, want=None):
    """r || s, fixed width; `want(r, s)` picks among fresh signatures (ECDSA is randomised)."""
    size = (key.curve.key_size + 7) // 8
    for _ in range(20000):
        r, s = decode_dss_signature(key.sign(data, ec.ECDSA(HASHES[alg[2:]]())))
        if want is None or want(r, s, size):
            return int_bytes(r, size) + int_bytes(s, size)
    raise SystemExit("no signature of the wanted shape")


def tamper(token: str) -> str:
    """Changes one character of the payload (the signature no longer covers it)."""
    head, payload, sig = token.split(".")
    i = len(payload) // 2
    payload = payload[:i] + ("A" if payload[i] != "A" else "B") + payload[i + 1:]
    return ".".join([head, payload, sig])


def main():
    rsa2048 = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    rsa4096 = rsa.generate_private_key(public_exponent=65537, key_size=4096)
    rsa1024 = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    p256 = ec.generate_private_key(ec.SECP256R1())
    p384 = ec.generate_private_key(ec.SECP384R1())
    cases = []

    def add(name, alg, jwk, sig_for, verdict, post=None, jti=0):
        data = signing_input(alg, jwk["kid"], jti)
        token = data.decode() + "." + b64url(sig_for(data))
        if post:
            token = post(token)
        cases.append({"name": name, "alg": alg, "jwks": {"keys": [jwk]}, "token": token, "signature": verdict})

    for alg in ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"]:
        jwk = rsa_jwk(rsa2048, "rsa-2048")
        add(alg.lower(), alg, jwk, lambda d, a=alg: rsa_sign(rsa2048, a, d), "valid")
        add(alg.lower() + "-tampered", alg, jwk, lambda d, a=alg: rsa_sign(rsa2048, a, d), "invalid", tamper)
    add("rs256-4096", "RS256", rsa_jwk(rsa4096, "rsa-4096"), lambda d: rsa_sign(rsa4096, "RS256", d), "valid")
    add("rs256-1024-key", "RS256", rsa_jwk(rsa1024, "rsa-1024"), lambda d: rsa_sign(rsa1024, "RS256", d),
        "unusable-key")
    # RFC 7518 §3.5: the PSS salt is as long as the hash; a maximal salt is another signature scheme.
    add("ps256-long-salt", "PS256", rsa_jwk(rsa2048, "rsa-2048"),
        lambda d: rsa_sign(rsa2048, "PS256", d, salt=padding.PSS.MAX_LENGTH), "invalid")
    # The same key signing PKCS #1 v1.5 under a PS256 header, and PSS under RS256.
    add("ps256-header-pkcs1-signature", "PS256", rsa_jwk(rsa2048, "rsa-2048"),
        lambda d: rsa_sign(rsa2048, "RS256", d), "invalid")
    add("rs256-header-pss-signature", "RS256", rsa_jwk(rsa2048, "rsa-2048"),
        lambda d: rsa_sign(rsa2048, "PS256", d), "invalid")
    # A signature whose first byte is zero, given without it: one byte short of the modulus, which JWS
    # (RFC 7518 §3.3: "the same size as the modulus") does not allow, though the number is the right one.
    for alg in ["RS256", "PS256"]:
        # PKCS #1 v1.5 is deterministic (vary the claims); PSS is salted (sign again).
        found = None
        for j in range(1, 100000):
            sig = rsa_sign(rsa2048, alg, signing_input(alg, "rsa-2048", j if alg == "RS256" else 1))
            if sig[0] == 0:
                found = (j if alg == "RS256" else 1, sig)
                break
        jti, sig = found
        add(alg.lower() + "-leading-zero-dropped", alg, rsa_jwk(rsa2048, "rsa-2048"), lambda d, s=sig: s[1:],
            "invalid", jti=jti)
        add(alg.lower() + "-leading-zero-kept", alg, rsa_jwk(rsa2048, "rsa-2048"), lambda d, s=sig: s, "valid",
            jti=jti)

    add("es256", "ES256", ec_jwk(p256, "p-256"), lambda d: ec_raw(p256, "ES256", d), "valid")
    add("es384", "ES384", ec_jwk(p384, "p-384"), lambda d: ec_raw(p384, "ES384", d), "valid")
    add("es256-tampered", "ES256", ec_jwk(p256, "p-256"), lambda d: ec_raw(p256, "ES256", d), "invalid", tamper)
    add("es384-tampered", "ES384", ec_jwk(p384, "p-384"), lambda d: ec_raw(p384, "ES384", d), "invalid", tamper)
    # DER encoding edges of the r || s to ECDSA-Sig-Value conversion: a leading zero byte, a high bit.
    add("es256-short-r", "ES256", ec_jwk(p256, "p-256"),
        lambda d: ec_raw(p256, "ES256", d, lambda r, s, n: r < 1 << (8 * n - 8)), "valid")
    add("es256-high-r-and-s", "ES256", ec_jwk(p256, "p-256"),
        lambda d: ec_raw(p256, "ES256", d, lambda r, s, n: r >> (8 * n - 1) and s >> (8 * n - 1)), "valid")
    add("es384-short-s", "ES384", ec_jwk(p384, "p-384"),
        lambda d: ec_raw(p384, "ES384", d, lambda r, s, n: s < 1 << (8 * n - 8)), "valid")
    # A DER signature where JWS wants r || s.
    add("es256-der-signature", "ES256", ec_jwk(p256, "p-256"),
        lambda d: p256.sign(d, ec.ECDSA(hashes.SHA256())), "invalid")
    # r and s swapped: right length, wrong signature.
    add("es256-swapped", "ES256", ec_jwk(p256, "p-256"),
        lambda d: (lambda raw: raw[32:] + raw[:32])(ec_raw(p256, "ES256", d)), "invalid")
    # Key problems: the wrong curve for the alg, and coordinates off the curve.
    add("es256-p384-key", "ES256", ec_jwk(p384, "p-384"), lambda d: ec_raw(p256, "ES256", d), "unusable-key")
    add("es384-p256-key", "ES384", ec_jwk(p256, "p-256"), lambda d: ec_raw(p384, "ES384", d), "unusable-key")
    add("es256-off-curve", "ES256", ec_jwk(p256, "p-256", y_delta=1), lambda d: ec_raw(p256, "ES256", d),
        "unusable-key")
    add("es256-key-labelled-p384", "ES256", ec_jwk(p256, "p-256", crv="P-384"),
        lambda d: ec_raw(p256, "ES256", d), "unusable-key")

    with open(os.path.join(HERE, "algorithms.json"), "w") as f:
        json.dump({"generator": "Tests/Data/token/algorithms.py", "cases": cases}, f, indent=1)
        f.write("\n")
    print(f"wrote {len(cases)} cases")


if __name__ == "__main__":
    main()
