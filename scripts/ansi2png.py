#!/usr/bin/env python3
"""Render a tmux `capture-pane -e -p` dump (text with SGR escapes) to a PNG, one cell per character.

Usage: ansi2png.py IN.ans OUT.png COLS ROWS
Needs Pillow and the DejaVu fonts (Debian fonts-dejavu-core).
"""
import re
import sys
import unicodedata

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
SIZE = 14
MONO = ImageFont.truetype(FONT_DIR + "DejaVuSansMono.ttf", SIZE)
MONO_BOLD = ImageFont.truetype(FONT_DIR + "DejaVuSansMono-Bold.ttf", SIZE)
# Dingbats, geometric shapes and braille (the spinner) are missing from the mono face; the proportional face has them.
SYMBOLS = ImageFont.truetype(FONT_DIR + "DejaVuSans.ttf", SIZE)

BG = (30, 30, 30)
FG = (212, 212, 212)
BASE = [(0, 0, 0), (205, 49, 49), (13, 188, 121), (229, 229, 16), (36, 114, 200), (188, 63, 188), (17, 168, 205), (229, 229, 229)]
BRIGHT = [(102, 102, 102), (241, 76, 76), (35, 209, 139), (245, 245, 67), (59, 142, 234), (214, 112, 214), (41, 184, 219), (255, 255, 255)]


def color256(n):
    if n < 8:
        return BASE[n]
    if n < 16:
        return BRIGHT[n - 8]
    if n < 232:
        n -= 16
        steps = [0, 95, 135, 175, 215, 255]
        return (steps[n // 36], steps[(n // 6) % 6], steps[n % 6])
    v = 8 + (n - 232) * 10
    return (v, v, v)


def parse(text, cols, rows):
    grid = [[(" ", None, None, False, False, False, False) for _ in range(cols)] for _ in range(rows)]
    for y, line in enumerate(text.split("\n")[:rows]):
        fg, bg, bold, dim, under, rev = None, None, False, False, False, False
        x = 0
        for token in re.split(r"(\x1b\[[0-9;]*m)", line):
            if token.startswith("\x1b["):
                codes = [int(c) if c else 0 for c in token[2:-1].split(";")]
                i = 0
                while i < len(codes):
                    c = codes[i]
                    if c == 0:
                        fg, bg, bold, dim, under, rev = None, None, False, False, False, False
                    elif c == 1: bold = True
                    elif c == 2: dim = True
                    elif c == 4: under = True
                    elif c == 7: rev = True
                    elif c == 22: bold = dim = False
                    elif c == 24: under = False
                    elif c == 27: rev = False
                    elif 30 <= c <= 37: fg = BASE[c - 30]
                    elif c == 39: fg = None
                    elif 40 <= c <= 47: bg = BASE[c - 40]
                    elif c == 49: bg = None
                    elif 90 <= c <= 97: fg = BRIGHT[c - 90]
                    elif 100 <= c <= 107: bg = BRIGHT[c - 100]
                    elif c in (38, 48) and i + 2 < len(codes) and codes[i + 1] == 5:
                        col = color256(codes[i + 2])
                        fg, bg = (col, bg) if c == 38 else (fg, col)
                        i += 2
                    elif c in (38, 48) and i + 4 < len(codes) and codes[i + 1] == 2:
                        col = tuple(codes[i + 2:i + 5])
                        fg, bg = (col, bg) if c == 38 else (fg, col)
                        i += 4
                    i += 1
                continue
            for ch in token:
                if x >= cols:
                    break
                grid[y][x] = (ch, fg, bg, bold, dim, under, rev)
                wide = unicodedata.east_asian_width(ch) in ("W", "F")
                x += 2 if wide else 1
    return grid


def render(grid, cols, rows, out):
    cw = round(MONO.getlength("M"))
    ch_h = SIZE + 4
    pad = 8
    img = Image.new("RGB", (cols * cw + 2 * pad, rows * ch_h + 2 * pad), BG)
    draw = ImageDraw.Draw(img)
    for y, row in enumerate(grid):
        for x, (ch, fg, bg, bold, dim, under, rev) in enumerate(row):
            f = fg or FG
            b = bg or BG
            if rev:
                f, b = b, f
            if dim and not rev:
                f = tuple((v + bb) // 2 for v, bb in zip(f, b))
            px, py = pad + x * cw, pad + y * ch_h
            if b != BG:
                draw.rectangle([px, py, px + cw - 1, py + ch_h - 1], fill=b)
            if ch != " ":
                cp = ord(ch)
                font = SYMBOLS if 0x2700 <= cp <= 0x27BF or 0x25A0 <= cp <= 0x25FF or 0x2800 <= cp <= 0x28FF else (MONO_BOLD if bold else MONO)
                draw.text((px, py + 1), ch, font=font, fill=f)
            if under:
                draw.line([px, py + ch_h - 2, px + cw - 1, py + ch_h - 2], fill=f)
    img = img.quantize(colors=48)
    img.save(out, optimize=True)


def main():
    src, out, cols, rows = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    with open(src, encoding="utf-8") as fh:
        text = fh.read()
    render(parse(text, cols, rows), cols, rows, out)


if __name__ == "__main__":
    main()
