#!/usr/bin/env python3
"""Writes the malformed-input corpus (issue 12): config files, tokens, policies, raw requests and bundles that
rolehop must refuse with exit code 2, naming the file, a position and what it expected.

Run from this folder:  python3 make_malformed.py

Each file's defect is built here by hand (and, for bundles, with Python's tarfile/gzip, independent of
rolehop's reader). `manifest.json` lists every file with the 1-based line of the defect for line-based
formats (config, policy, raw request), so the test checks the position rolehop reports against this script's
knowledge of where the defect is, not against rolehop's own output. Tokens and bundles report byte offsets
and are checked for an offset only. Values are fake (EXAMPLE/FAKE/TEST).
"""
import base64
import gzip
import io
import json
import os
import struct
import tarfile
import zlib

MTIME = 1795950269  # 2026-11-29T11:04:29Z
entries = []


def put(kind, name, data, line=None):
    os.makedirs(kind, exist_ok=True)
    path = f"{kind}/{name}"
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    entries.append({"kind": kind, "file": path, "line": line})


# ---- config files (`rolehop chain --config-file F`) ----
ROLE = "role_arn = arn:aws:iam::111122223333:role/EXAMPLE\n"
put("config", "property-before-section.ini", "region = us-east-1\n[default]\n", line=1)
put("config", "line-without-equals.ini", "[default]\nregion us-east-1\n", line=2)
put("config", "empty-key.ini", "[default]\nregion = us-east-1\n= value\n", line=3)
put("config", "unclosed-header.ini", "[default]\nregion = us-east-1\n[profile app\n" + ROLE, line=3)
put("config", "continuation-before-property.ini", "[default]\n  orphan = continuation\n", line=2)
put("config", "continuation-at-start.ini", "  indented = first\n[default]\n", line=1)
put("config", "nul-bytes.ini", b"[default]\nregion = us-east-1\n\x00\x00\x00\x00\n", line=3)
put("config", "binary-garbage.ini", bytes(range(0x80, 0xC0)) + b"\n", line=1)
put("config", "header-only-bracket.ini", "[default]\nregion = us-east-1\n[\n", line=3)
put("config", "colon-instead-of-equals.ini", "[default]\nregion: us-east-1\n", line=2)
put("config", "crlf-missing-equals.ini", "[default]\r\nregion = us-east-1\r\noutput json\r\n", line=3)
put("config", "json-instead-of-ini.ini", '{\n  "region": "us-east-1"\n}\n', line=1)
put("config", "late-property-no-section.ini", "# comment\n; comment\n\nrole_arn = x\n", line=4)

# ---- tokens (`rolehop token F`) ----
def b64(data):
    return base64.urlsafe_b64encode(data if isinstance(data, bytes) else data.encode()).rstrip(b"=").decode()


HDR = b64('{"alg":"RS256","kid":"EXAMPLEKEYID","typ":"JWT"}')
PAY = b64('{"iss":"https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLE","sub":"system:serviceaccount:default:app",'
          '"aud":["sts.amazonaws.com"],"exp":1795953869,"iat":1795950269}')
SIG = b64(b"FAKE-signature-TEST" * 4)
put("token", "empty.jwt", "")
put("token", "whitespace-only.jwt", "   \n\t\n")
put("token", "one-segment.jwt", HDR + "\n")
put("token", "two-segments.jwt", f"{HDR}.{PAY}\n")
put("token", "four-segments.jwt", f"{HDR}.{PAY}.{SIG}.{SIG}\n")
put("token", "bad-base64-header.jwt", f"{HDR[:10]}*{HDR[11:]}.{PAY}.{SIG}\n")
put("token", "bad-base64-payload.jwt", f"{HDR}.{PAY[:20]}!{PAY[21:]}.{SIG}\n")
put("token", "bad-base64-signature.jwt", f"{HDR}.{PAY}.{SIG[:5]}${SIG[6:]}\n")
put("token", "header-not-json.jwt", f"{b64('alg=RS256')}.{PAY}.{SIG}\n")
put("token", "header-json-array.jwt", f"{b64('[1,2,3]')}.{PAY}.{SIG}\n")
def jwt(payload):
    return f"{HDR}.{b64(payload)}.{SIG}\n"


put("token", "payload-truncated-json.jwt", jwt('{"iss":"https://oidc.example","sub":'))
put("token", "payload-invalid-utf8.jwt", jwt(b'{"sub":"\xff\xfe"}'))
put("token", "exp-is-string.jwt", jwt('{"iss":"https://x.example","sub":"s","exp":"tomorrow"}'))
put("token", "aud-is-number.jwt", jwt('{"iss":"https://x.example","sub":"s","aud":42}'))
put("token", "space-inside.jwt", f"{HDR}.{PAY[:30]} {PAY[30:]}.{SIG}\n")
put("token", "json-instead-of-jwt.jwt", '{"token": "FAKE-TEST"}\n')

# ---- policies (`rolehop policy eval --policy F --action sts:AssumeRole`) ----
put("policy", "empty.json", "", line=1)
put("policy", "not-json.json", "Version: 2012-10-17\n", line=1)
put("policy", "trailing-comma.json",
    '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"},\n  ]\n}\n',
    line=5)
put("policy", "unterminated-string.json", '{\n  "Version": "2012-10-17,\n  "Statement": []\n}\n', line=2)
put("policy", "bad-escape.json", '{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Al\\low", "Action": "*", "Resource": "*"}]\n}\n', line=3)
put("policy", "missing-statement.json", '{\n  "Version": "2012-10-17"\n}\n', line=1)
put("policy", "statement-is-number.json", '{\n  "Version": "2012-10-17",\n  "Statement": 7\n}\n', line=3)
put("policy", "effect-maybe.json",
    '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Effect": "Maybe",\n      "Action": "sts:AssumeRole",\n      "Resource": "*"\n    }\n  ]\n}\n',
    line=5)
put("policy", "action-and-notaction.json",
    '{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": "sts:AssumeRole",\n    "NotAction": "iam:*",\n    "Resource": "*"\n  }]\n}\n',
    line=3)
put("policy", "condition-not-object.json",
    '{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": "sts:AssumeRole",\n    "Resource": "*",\n    "Condition": "aws:SourceIp"\n  }]\n}\n',
    line=7)
put("policy", "action-is-number.json",
    '{\n  "Version": "2012-10-17",\n  "Statement": [{\n    "Effect": "Allow",\n    "Action": 42,\n    "Resource": "*"\n  }]\n}\n',
    line=5)
put("policy", "invalid-utf8.json", b'{\n  "Version": "2012-10-17",\n  "Statement": [{"Effect": "Allow", "Action": "\xff\xfe", "Resource": "*"}]\n}\n', line=3)
put("policy", "too-deep.json", "[" * 300 + "]" * 300 + "\n", line=1)
put("policy", "two-documents.json", '{"Version": "2012-10-17", "Statement": []}\n{"Version": "2012-10-17"}\n', line=2)
put("policy", "top-level-array.json", '[\n  {"Effect": "Allow", "Action": "*", "Resource": "*"}\n]\n', line=1)

# ---- raw requests (`rolehop sigv4 --request F ...`) ----
put("request", "empty.http", "", line=1)
put("request", "blank-lines-only.http", "\n\n\n", line=1)
put("request", "method-only.http", "GET\nHost: sts.amazonaws.com\n\n", line=1)
put("request", "no-version.http", "GET /\nHost: sts.amazonaws.com\n\n", line=1)
put("request", "header-without-colon.http", "POST / HTTP/1.1\nHost: sts.amazonaws.com\nContent-Type application/x-www-form-urlencoded\n\nAction=GetCallerIdentity", line=3)
put("request", "space-before-colon.http", "POST / HTTP/1.1\nHost : sts.amazonaws.com\n\n", line=2)
put("request", "empty-header-name.http", "POST / HTTP/1.1\nHost: sts.amazonaws.com\n: value\n\n", line=3)
put("request", "fold-before-first-header.http", "POST / HTTP/1.1\n  folded: value\nHost: sts.amazonaws.com\n\n", line=2)
put("request", "nul-in-header.http", b"POST / HTTP/1.1\nHost: sts.amazonaws.com\nX-Test: a\x00b\n\n", line=3)
# A missing header is found where the header block ends (the blank line).
put("request", "missing-host.http", "POST / HTTP/1.1\nContent-Type: text/plain\n\nAction=GetCallerIdentity", line=3)
put("request", "bare-cr-in-header.http", b"POST / HTTP/1.1\nHost: sts.amazonaws.com\nX-Test: a\rb\n\n", line=3)
put("request", "escape-in-folded-header.http", b"POST / HTTP/1.1\nHost: sts.amazonaws.com\nX-Test: a\n  \x1b[31mred\n\n", line=4)
put("request", "http-version-garbage.http", "GET / HTTQ/1.1\nHost: sts.amazonaws.com\n\n", line=1)
put("request", "response-not-request.http", "HTTP/1.1 200 OK\nContent-Type: text/xml\n\n<ok/>", line=1)

# ---- bundles (the core BundleReader; `rolehop open` is not on main yet) ----
def manifest(files):
    return json.dumps({
        "schemaVersion": 1, "rolehopVersion": "0.1.0", "createdAt": "2026-11-29T11:04:29Z", "os": "linux",
        "osRelease": None, "arch": "x86_64", "uid": 0, "gid": 0,
        "container": {"cgroup": "0::/", "kubernetesServiceAccount": False, "eksServiceAccount": False},
        "term": "xterm", "files": [{"name": n, "size": len(b)} for n, b in files],
    }).encode()


def tar_bytes(members):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), MTIME, 0o600
            t.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def gz(data):
    return gzip.compress(data, compresslevel=9, mtime=0)


report = b'{"ok": true}\n'
good_tar = tar_bytes([("manifest.json", manifest([("report.json", report)])), ("report.json", report)])
good = gz(good_tar)
put("bundle", "empty.tar.gz", b"")
put("bundle", "truncated-gzip.tar.gz", good[: len(good) // 2])
put("bundle", "bad-gzip-magic.tar.gz", b"\x1f\x8c" + good[2:])
put("bundle", "bad-crc.tar.gz", good[:-8] + struct.pack("<I", (zlib.crc32(good_tar) ^ 1) & 0xFFFFFFFF) + good[-4:])
put("bundle", "bad-isize.tar.gz", good[:-4] + struct.pack("<I", len(good_tar) + 512))
corrupt_header = bytearray(good_tar)
corrupt_header[100] ^= 0x01  # mode field of the first header: its checksum no longer matches
put("bundle", "tar-header-checksum.tar.gz", gz(bytes(corrupt_header)))
put("bundle", "tar-truncated-entry.tar.gz", gz(good_tar[:700]))
bad_size = bytearray(good_tar)
bad_size[124:136] = b"77777777777\x00"  # size field (8 GiB) far beyond the stream
chk = sum(bad_size[:148]) + 8 * 32 + sum(bad_size[156:512])
bad_size[148:156] = b"%06o\x00 " % chk
put("bundle", "tar-size-beyond-end.tar.gz", gz(bytes(bad_size)))
put("bundle", "manifest-not-json.tar.gz", gz(tar_bytes([("manifest.json", b"{schemaVersion: 1,"), ("report.json", report)])))
put("bundle", "manifest-wrong-types.tar.gz",
    gz(tar_bytes([("manifest.json", b'{"schemaVersion": "one", "files": {}}'), ("report.json", report)])))
put("bundle", "gzip-of-garbage.tar.gz", gz(b"this is not a tar archive, just text" * 20))
not_octal = bytearray(good_tar)
not_octal[124:136] = b"0000000009\x00\x00"
chk = sum(not_octal[:148]) + 8 * 32 + sum(not_octal[156:512])
not_octal[148:156] = b"%06o\x00 " % chk
put("bundle", "tar-size-not-octal.tar.gz", gz(bytes(not_octal)))
put("bundle", "trailing-garbage.tar.gz", good + b"FAKE-trailing-bytes")

with open("manifest.json", "w") as f:
    json.dump(entries, f, indent=1)
    f.write("\n")
print(len(entries), "files")
