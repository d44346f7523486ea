#!/usr/bin/env python3
"""Writes vectors.json: SHA-1/256/384/512 and HMAC-SHA-256 known answers from Python's hashlib and hmac (an
implementation independent of rolehop's use of libcrypto), for messages and keys around the block edges.

Message and key bytes follow a rule instead of being listed: byte i of a message of length n is
(i * 31 + n) & 0xFF; byte i of a key is (i * 7 + 1) & 0xFF. Run from the repository root:

    python3 Tests/Data/digest/generate.py
"""
import hashlib
import hmac
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
LENGTHS = [0, 1, 3, 55, 56, 63, 64, 65, 111, 112, 127, 128, 129, 1000, 65537]
KEY_LENGTHS = [0, 1, 20, 32, 63, 64, 65, 131]


def message(n):
    return bytes((i * 31 + n) & 0xFF for i in range(n))


def key(n):
    return bytes((i * 7 + 1) & 0xFF for i in range(n))


def main():
    digests = [{"length": n, **{a: hashlib.new(a, message(n)).hexdigest() for a in ["sha1", "sha256", "sha384", "sha512"]}}
               for n in LENGTHS]
    macs = [{"keyLength": k, "length": n, "hmacSHA256": hmac.new(key(k), message(n), hashlib.sha256).hexdigest()}
            for k in KEY_LENGTHS for n in [0, 1, 64, 200]]
    with open(os.path.join(HERE, "vectors.json"), "w") as f:
        json.dump({"generator": "Tests/Data/digest/generate.py", "digests": digests, "hmac": macs}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
