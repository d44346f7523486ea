#!/usr/bin/env python3
"""Writes surface.tsv: every command path of a rolehop binary with the option and argument labels its --help lists.

surface.tsv was generated from the binary of commit a8c9ffe, whose command line was swift-argument-parser's, so
the tests compare rolehop's own parser against the library's reading of the same declarations:

    python3 Tests/Data/cli/surface.py /path/to/old/rolehop > Tests/Data/cli/surface.tsv
"""
import re
import subprocess
import sys

PATHS = ["", "tui", "check", "chain", "token", "trust", "policy", "policy eval", "policy bench", "sigv4", "probe",
         "pod", "bundle", "open", "explore"]


# `-o, --output <output>`, `--offline`, `<path>`, `eval`: the label ends where its help starts (after one
# space or several).
LABEL = re.compile(r"(-\w, )?--[\w-]+( <[^>]+>)?|<[^>]+>|\S+")


def labels(text):
    """The labels of the ARGUMENTS, OPTIONS and SUBCOMMANDS sections: `--profile <profile>`, `<path>`, `eval`."""
    out, section = [], None
    for line in text.splitlines():
        if line.endswith(":") and not line.startswith(" "):
            section = line[:-1]
            continue
        if section in ("ARGUMENTS", "OPTIONS", "SUBCOMMANDS") and line.startswith("  ") and not line.startswith("   "):
            m = LABEL.match(line[2:])
            if m and not line[2:].startswith("See "):
                out.append((section, m.group(0)))
    return out


def main():
    binary = sys.argv[1]
    for path in PATHS:
        words = path.split()
        r = subprocess.run([binary] + words + ["--help"], capture_output=True, text=True, check=True)
        for section, label in labels(r.stdout):
            print(f"{path}\t{section}\t{label}")


main()
