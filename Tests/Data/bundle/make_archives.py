#!/usr/bin/env python3
"""Writes hostile and foreign archives for the bundle reader's refusal tests, with Python's tarfile, gzip and
zipfile modules (an implementation independent of rolehop's writer). Run from this folder:

    python3 make_archives.py

Every archive is deterministic (fixed mtime, gzip header mtime 0) so re-running gives the same bytes.
"""
import gzip
import io
import json
import tarfile
import zipfile

MTIME = 1795950269  # 2026-11-29T11:04:29Z


def manifest(files):
    return json.dumps({
        "schemaVersion": 1, "rolehopVersion": "0.1.0", "createdAt": "2026-11-29T11:04:29Z", "os": "linux",
        "osRelease": None, "arch": "x86_64", "uid": 0, "gid": 0,
        "container": {"cgroup": "0::/", "kubernetesServiceAccount": False, "eksServiceAccount": False},
        "term": "xterm", "files": [{"name": n, "size": len(b)} for n, b in files],
    }).encode()


def member(name, data=b"", kind=tarfile.REGTYPE, linkname=""):
    info = tarfile.TarInfo(name)
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    info.mtime = MTIME
    info.mode = 0o600
    info.type = kind
    info.linkname = linkname
    return info, (io.BytesIO(data) if kind == tarfile.REGTYPE else None)


def tar_bytes(members, fmt=tarfile.USTAR_FORMAT):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=fmt) as t:
        for info, data in members:
            t.addfile(info, data)
    return buf.getvalue()


def gz(data):
    return gzip.compress(data, compresslevel=9, mtime=0)


def write(name, data):
    with open(name, "wb") as f:
        f.write(data)


report = b'{"ok": true}\n'
good_files = [("report.json", report)]
def good():
    return [member("manifest.json", manifest(good_files)), member("report.json", report)]

# A valid bundle written by another implementation: the reader must accept it.
write("python-bundle.tar.gz", gz(tar_bytes(good())))
# Path traversal, absolute names, links, devices, fifos.
write("traversal.tar.gz", gz(tar_bytes(good() + [member("../evil.txt", b"x")])))
write("traversal-inner.tar.gz", gz(tar_bytes(good() + [member("config/../../evil.txt", b"x")])))
write("absolute.tar.gz", gz(tar_bytes(good() + [member("/etc/evil", b"x")])))
write("symlink.tar.gz", gz(tar_bytes(good() + [member("config/link", kind=tarfile.SYMTYPE, linkname="/etc/shadow")])))
write("hardlink.tar.gz", gz(tar_bytes(good() + [member("config/hard", kind=tarfile.LNKTYPE, linkname="report.json")])))
write("chardev.tar.gz", gz(tar_bytes(good() + [member("dev/null", kind=tarfile.CHRTYPE)])))
write("fifo.tar.gz", gz(tar_bytes(good() + [member("pipe", kind=tarfile.FIFOTYPE)])))
# A pax header (Python's default format writes one for a long name).
write("pax.tar.gz", gz(tar_bytes(good() + [member("x" * 120, b"x")], fmt=tarfile.PAX_FORMAT)))
# A name that would drive the terminal if printed raw (clear screen, set title).
write("escape-name.tar.gz", gz(tar_bytes(good() + [member("x\x1b[2J\x1b]0;owned\x07", b"x")])))
# Duplicate names.
write("duplicate.tar.gz", gz(tar_bytes(good() + [member("report.json", report)])))
# An unknown schema version.
future = json.loads(manifest(good_files))
future["schemaVersion"] = 2
write("future-schema.tar.gz", gz(tar_bytes([member("manifest.json", json.dumps(future).encode()),
                                            member("report.json", report)])))
# A tar.gz without a manifest (somebody's other archive).
write("no-manifest.tar.gz", gz(tar_bytes([member("notes.txt", b"hello\n")])))
# Foreign formats.
write("plain.tar", tar_bytes(good()))
zbuf = io.BytesIO()
with zipfile.ZipFile(zbuf, "w") as z:
    z.writestr(zipfile.ZipInfo("manifest.json", date_time=(2026, 11, 29, 11, 4, 28)), manifest(good_files))
write("bundle.zip", zbuf.getvalue())
write("random.bin", bytes((i * 7919 + 13) % 251 for i in range(4096)))
# A gzip bomb: 64 MiB of zeros in one entry compresses to about 64 KiB.
bomb = tar_bytes([member("manifest.json", manifest([])), member("zeros", b"\0" * (64 << 20))])
write("bomb.tar.gz", gz(bomb))
# An entry just over the 4 MiB per-entry cap, and many entries adding up past 16 MiB.
write("big-entry.tar.gz", gz(tar_bytes([member("manifest.json", manifest([])), member("big", b"a" * ((4 << 20) + 1))])))
write("big-total.tar.gz", gz(tar_bytes([member("manifest.json", manifest([]))]
                                       + [member("part%d" % i, b"b" * (3 << 20)) for i in range(6)])))
