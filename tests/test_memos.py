"""The speed memos (issue 17) change no output: a paragraph parsed, measured or fitted once
and reused sets exactly as one made afresh, however the first was split and drawn."""

from __future__ import annotations

import copy
import io

from pypdf import PdfReader
from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Paragraph, SimpleDocTemplate

from pressroom.render import tagging

TEXT = "<b>Intervertebral</b> discectomy and <i>foraminotomy</i> relieve pressure. " * 12


def _style(size: float = 10) -> ParagraphStyle:
    return ParagraphStyle(f"memo{size}", fontName="Helvetica", fontSize=size, leading=size * 1.2,
                          hyphenationLang="en_US", embeddedHyphenation=1)


def _pdf(*paragraphs: Paragraph) -> bytes:
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=(180, 160), leftMargin=20, rightMargin=20, topMargin=20,
                      bottomMargin=20, invariant=1).build(list(paragraphs))
    return out.getvalue()


def test_a_remembered_parse_sets_as_a_fresh_one_after_the_first_was_split_and_drawn():
    style = _style()
    first = _pdf(Paragraph(TEXT, style))  # parsed, then broken, split over pages, drawn
    assert len(PdfReader(io.BytesIO(first)).pages) >= 3
    assert any(hit[0] is style for hit in tagging._PARSED.values())
    reused = Paragraph(TEXT, style)
    assert reused.frags and not any(a is b for a, b in zip(reused.frags, Paragraph(TEXT, style).frags))
    assert _pdf(reused) == first
    assert _pdf(Paragraph(TEXT, copy.copy(style))) == first  # another style object parses afresh
    assert _pdf(Paragraph(TEXT, _style(12))) != first        # and a different style sets differently


def test_a_paragraph_measured_at_another_width_breaks_again():
    para = Paragraph(TEXT, _style())
    narrow = para.wrap(120, 1000)[1]
    wide = para.wrap(300, 1000)[1]
    assert wide < narrow
    assert para.wrap(300, 1000)[1] == wide and para.height == wide  # measured again: remembered
    assert para.wrap(120, 1000)[1] == narrow == Paragraph(TEXT, _style()).wrap(120, 1000)[1]
    assert len(para.blPara.lines) * para.style.leading == narrow
