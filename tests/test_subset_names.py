"""Font subsets a press can tell apart: the six-letter tag comes from the subset's content."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader
from reportlab.pdfgen.canvas import Canvas

from conftest import REPO
from pressroom.layout.fonts import load_fontset
import pressroom.render.tagging  # noqa: F401  (names subsets by content)

FACES = {"regular": "AtkinsonHyperlegible-Regular.ttf", "bold": "AtkinsonHyperlegible-Bold.ttf",
         "italic": "AtkinsonHyperlegible-Italic.ttf", "bold_italic": "AtkinsonHyperlegible-BoldItalic.ttf"}


def base_fonts(data: bytes) -> list[str]:
    names = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            names.add(str(font.get_object()["/BaseFont"]))
    return sorted(names)


def pdf_with(*lines: str) -> bytes:
    font = load_fontset(REPO / "fonts", FACES).regular
    buffer = io.BytesIO()
    canv = Canvas(buffer, invariant=1, initialFontName=font)
    canv.setFont(font, 12)
    for i, line in enumerate(lines):
        canv.drawString(72, 700 - 20 * i, line)
    canv.save()
    return buffer.getvalue()


def test_different_subsets_of_one_font_get_different_tags():
    # more than 256 characters in one font: ReportLab makes several subsets in one file
    many = "".join(chr(c) for c in range(0x20, 0x17F) if chr(c).isprintable())
    names = base_fonts(pdf_with("Discectomy ± 2 °C", many))
    assert len(names) >= 2
    tags = [n.lstrip("/").split("+")[0] for n in names]
    assert all(re.fullmatch(r"[A-Z]{6}", t) for t in tags) and len(set(tags)) == len(tags)
    assert "AAAAAA" not in tags
    assert base_fonts(pdf_with("Kyphoplasty ± 2 °C")) != base_fonts(pdf_with("Discectomy € 2 °C"))


def test_a_rebuild_keeps_the_tag():
    assert base_fonts(pdf_with("Spinal fusion · 38.3 °C")) == base_fonts(pdf_with("Spinal fusion · 38.3 °C"))


def test_no_built_file_uses_numbered_subset_names(built):
    for path in sorted(built.rglob("*.pdf"))[:8]:
        assert not any(n.startswith("/AAAAA") for n in base_fonts(path.read_bytes())), path
