"""Rebuild the bundled Chinese and Korean fonts (fonts/NotoSansCJK*-*.ttf). Dev-time only.

ReportLab's TTFont refuses CFF outlines, and Noto Sans CJK ships only as CFF (the Debian
package fonts-noto-cjk, as upstream). This converts the Regular and Bold faces of SC, TC
and KR to TrueType outlines (cubic -> quadratic with fontTools' cu2qu, 1 unit error) and
subsets each to a documented character set, so the repository stays small:

  every face:   ASCII, Latin-1, Latin Extended-A, General Punctuation, letterlike symbols,
                arrows, enclosed numbers, geometric shapes, CJK symbols and punctuation,
                kana, fullwidth and halfwidth forms (the printable ranges of _COMMON)
  SC:           every character of the GBK codec (all 20,902 unified ideographs U+4E00-9FA5, so
                traditional forms too)
  TC:           every character of the Big5 codec (13,053 hanzi)
  KR:           every character of the KS X 1001 codec (euc_kr: 2,350 Hangul, 4,888 hanja)
                plus all 11,172 precomposed Hangul syllables (U+AC00-D7A3)

A character outside these sets is refused by the build with its file and line (as any
character no bundled font has); add it with --extra FILE (any text file: every character
in it is kept) and rebuild.

    apt-get download fonts-noto-cjk && dpkg-deb -x fonts-noto-cjk_*.deb /tmp/cjk
    pip install fonttools
    python tools/cjk_fonts.py /tmp/cjk/usr/share/fonts/opentype/noto fonts/

Same input files and fontTools version -> the same output bytes (timestamps are fixed).
"""

from __future__ import annotations

import argparse
import codecs
from pathlib import Path

from fontTools import subset
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTCollection, newTable

FACES = {"SC": "gbk", "TC": "big5", "KR": "euc_kr"}
_COMMON = [(0x20, 0x7E), (0xA0, 0x17F), (0x2000, 0x206F), (0x20A0, 0x20BF), (0x2100, 0x214F),
           (0x2190, 0x21FF), (0x2460, 0x24FF), (0x25A0, 0x25FF), (0x3000, 0x30FF), (0xFF00, 0xFFEF)]
_FIXED_TIME = 0x7C25B080  # 2023-01-01 in the font epoch (1904): no build date in the file


def codec_chars(name: str) -> set[int]:
    """Every character a legacy double-byte codec can encode."""
    out = set()
    for lead in range(0x81, 0xFF):
        for trail in range(0x40, 0xFF):
            try:
                text = bytes((lead, trail)).decode(name)
            except UnicodeDecodeError:
                continue
            if len(text) == 1:
                out.add(ord(text))
    return out


def charset(face: str, extra: str) -> set[int]:
    chars = {c for lo, hi in _COMMON for c in range(lo, hi + 1)} | codec_chars(FACES[face])
    if face == "KR":
        chars |= set(range(0xAC00, 0xD7A4))
    return chars | {ord(c) for c in extra if not c.isspace()}


def to_truetype(font) -> None:
    """Replace the CFF table by glyf/loca (quadratic outlines), as fontTools' otf2ttf does."""
    order = font.getGlyphOrder()
    glyph_set = font.getGlyphSet()
    glyphs = {}
    for name in order:
        pen = TTGlyphPen(glyph_set)
        glyph_set[name].draw(Cu2QuPen(pen, max_err=1.0, reverse_direction=True))
        glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    glyf = font["glyf"] = newTable("glyf")
    glyf.glyphOrder, glyf.glyphs = order, glyphs
    del font["CFF "]
    if "VORG" in font:
        del font["VORG"]
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for key in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, key, 0)
    maxp.maxZones = 1
    font["head"].glyphDataFormat = 0
    post = font["post"]
    post.formatType, post.extraNames, post.mapping = 2.0, [], {}
    post.glyphOrder = order
    font.sfntVersion = "\0\1\0\0"


def build(source: Path, out: Path, face: str, weight: str, extra: str) -> Path:
    collection = TTCollection(source / f"NotoSansCJK-{weight}.ttc")
    font = next(f for f in collection.fonts if f["name"].getDebugName(1) == f"Noto Sans CJK {face}")
    options = subset.Options()
    options.layout_features = []          # ReportLab sets no OpenType features
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG"]
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6]
    options.hinting = False
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=charset(face, extra))
    subsetter.subset(font)
    to_truetype(font)
    font["head"].created = font["head"].modified = _FIXED_TIME
    path = out / f"NotoSansCJK{face.lower()}-{weight}.ttf"
    font.save(path, reorderTables=True)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", type=Path, help="folder with NotoSansCJK-Regular.ttc and -Bold.ttc")
    parser.add_argument("out", type=Path, help="the fonts/ folder")
    parser.add_argument("--extra", type=Path, help="a text file whose characters are kept too")
    parser.add_argument("--faces", default=",".join(FACES), help="which of SC,TC,KR")
    args = parser.parse_args()
    extra = args.extra.read_text(encoding="utf-8") if args.extra else ""
    for face in args.faces.split(","):
        for weight in ("Regular", "Bold"):
            path = build(args.source, args.out, face, weight, extra)
            print(f"{path}: {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
