"""The save path's memos (issue 17) change no output: a stream compressed from the memo is
the very bytes zlib makes, a file saved with a warm memo is the file saved with a cold one,
and nothing of a patient's is kept (memo.private)."""

from __future__ import annotations

import io
import zlib
from pathlib import Path

from pypdf import PdfReader
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate

from pressroom.memo import private
from pressroom.render import tagging

FONT = Path(__file__).resolve().parent.parent / "fonts" / "AtkinsonHyperlegible-Regular.ttf"


def _memo() -> tuple:
    return dict(tagging._DEFLATED), dict(tagging._SEEN)


def test_a_stream_compressed_again_is_what_zlib_makes_and_is_kept_on_its_second_sighting():
    data = b"BT /F1 12 Tf (remembered once seen twice) Tj ET\n" * 40
    flate = pdfdoc.PDFZCompress
    first = flate.encode(data)
    assert first == zlib.compress(data)
    assert not any(packed == first for packed in tagging._DEFLATED.values())  # seen once: only noted
    assert flate.encode(data) == first and first in tagging._DEFLATED.values()  # seen again: kept
    assert flate.encode(data.decode()) == first  # ReportLab hands a CMap over as text


def test_nothing_is_noted_or_kept_in_private_but_what_is_known_answers():
    known = b"a font subset every leaflet embeds" * 50
    pdfdoc.PDFZCompress.encode(known), pdfdoc.PDFZCompress.encode(known)
    before = _memo()
    patient = b"Zdzyxwvut Lestpatient-Fake, Suite 210" * 20
    with private():
        for _ in range(3):
            assert pdfdoc.PDFZCompress.encode(patient) == zlib.compress(patient)
        assert pdfdoc.PDFZCompress.encode(known) == zlib.compress(known)
    assert _memo() == before


def _pdf(text: str) -> bytes:
    if "memo-atkinson" not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont("memo-atkinson", str(FONT)))
    out = io.BytesIO()
    style = ParagraphStyle("memo", fontName="memo-atkinson", fontSize=10, leading=12)
    SimpleDocTemplate(out, pagesize=(300, 200), leftMargin=10, rightMargin=10, invariant=1).build([Paragraph(text, style)])
    return out.getvalue()


def test_a_file_saved_with_a_warm_memo_is_the_file_saved_with_a_cold_one(monkeypatch):
    text = "The same words embed the same font subset in every file."
    monkeypatch.setattr(tagging, "_DEFLATED", {})
    monkeypatch.setattr(tagging, "_SEEN", {})
    cold = _pdf(text)
    assert _pdf(text) == cold and len(tagging._DEFLATED) >= 2  # the subset and its ToUnicode map
    hits = dict(tagging._DEFLATED)
    assert _pdf(text) == cold and tagging._DEFLATED == hits
    assert "The same words embed" in PdfReader(io.BytesIO(cold)).pages[0].extract_text()
    assert _pdf(text + " More.") != cold


def test_lines_are_coded_as_reportlab_codes_them():
    """tagging's split (a translate table kept beside the font's codes) gives what ReportLab's
    own splitString gives, line after line, as new letters take codes, a no-break space
    is set as a space, and letters past the first 256 open a second subset."""
    import random
    font = TTFont("SplitProbe", str(FONT))
    pdfmetrics.registerFont(font)
    letters = [chr(c) for c in font.face.charToGlyph if c > 32][:300] + ["\u00a0", " ", "\u4e00"]
    rng = random.Random(5)
    ours, theirs = pdfdoc.PDFDocument(), pdfdoc.PDFDocument()
    fast = 0
    for n in range(3000):
        pool = letters[:20 + n // 8]  # a few new letters at a time, as a document's lines bring them
        line = "".join(rng.choice(pool) for _ in range(rng.randint(1, 40)))
        known = all(ord(c) in font.state[ours].assignments for c in line.replace("\u00a0", " ")) \
            if ours in font.state else False
        assert tagging._split_string(font, line, ours) == tagging._ttf_split_string(font, line, theirs)
        fast += known
    assert font.state[ours].assignments == font.state[theirs].assignments
    assert len(font.state[ours].subsets) > 1 and fast > 1000
