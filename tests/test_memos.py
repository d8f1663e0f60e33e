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


def _fresh(monkeypatch, *paragraphs: Paragraph) -> bytes:
    """The PDF as made with no shared lines (every paragraph breaks its own)."""
    with monkeypatch.context() as m:
        m.setattr(tagging, "_LINES", {})
        m.setattr(tagging, "_remember_lines", lambda self, key: None)
        return _pdf(*paragraphs)


def _words(entry) -> list:
    """What a remembered break holds, as text, to see that nothing changed it."""
    lines = entry[2]["blPara"].lines
    return [[(type(g).__name__, g.text) for g in line.words] if hasattr(line, "words") else
            [(type(w).__name__, str(w)) for w in line[1]] for line in lines]


def test_a_paragraph_set_again_takes_the_lines_of_the_first_and_sets_the_same(monkeypatch):
    """Documents sharing paragraphs (kind 1: several fragments, hyphenated; kind 0: one)
    set them as each alone, though the lines are shared and split over pages."""
    for text in (TEXT, "Intervertebral discectomy and foraminotomy relieve pressure. " * 12):
        style = _style(9.5)
        alone = _fresh(monkeypatch, Paragraph(text, style))
        assert len(PdfReader(io.BytesIO(alone)).pages) >= 3
        assert _pdf(Paragraph(text, style)) == alone  # seen once: nothing kept
        assert _pdf(Paragraph(text, style)) == alone  # twice: its lines kept
        entries = [e for e in tagging._LINES.values() if e is not None and e[0] is style]
        assert len(entries) == 1
        kept = _words(entries[0])
        assert _pdf(Paragraph(text, style), Paragraph("Between.", style), Paragraph(text, style)) == \
            _fresh(monkeypatch, Paragraph(text, style), Paragraph("Between.", style), Paragraph(text, style))
        assert _words(entries[0]) == kept  # the splits changed their own copies, not the kept lines
        assert _pdf(Paragraph(text, style)) == alone


def test_shared_lines_are_not_broken_again():
    style = _style(8.5)
    first = Paragraph(TEXT, style)
    first.wrap(140, 1000)
    Paragraph(TEXT, style).wrap(140, 1000)
    later = Paragraph(TEXT, style)
    calls = []
    later.breakLines = lambda w: calls.append(w) or Paragraph.breakLines(later, w)
    assert later.wrap(140, 1000)[1] == first.height and later.blPara.lines and not calls
    assert later.wrap(220, 1000)[1] < first.height and calls  # another width breaks afresh
    other = Paragraph(TEXT, copy.copy(style))  # an equal style object: parsed and broken afresh
    other.breakLines = lambda w: calls.append(w) or Paragraph.breakLines(other, w)
    assert other.wrap(140, 1000)[1] == first.height and len(calls) == 2


def test_a_shared_min_width_is_the_paragraphs_own(monkeypatch):
    style = _style(7.5)
    fresh = Paragraph(TEXT, style).minWidth()
    assert fresh > 0
    calls = []
    real = tagging._paragraph._getFragWords
    monkeypatch.setattr(tagging._paragraph, "_getFragWords", lambda *a: calls.append(a) or real(*a))
    assert Paragraph(TEXT, style).minWidth() == fresh and not calls
    assert Paragraph(TEXT, _style(15)).minWidth() > fresh and calls  # another style measures afresh


def _columns_pdf(entries: list[Paragraph]) -> bytes:
    from reportlab.platypus import BalancedColumns
    out = io.BytesIO()
    SimpleDocTemplate(out, pagesize=(300, 200), leftMargin=20, rightMargin=20, topMargin=20,
                      bottomMargin=20, invariant=1).build([BalancedColumns(entries, nCols=2, innerPadding=10)])
    return out.getvalue()


def _entries(hyphenated: bool) -> list[Paragraph]:
    """Glossary-like entries: several fragments (kind 1 lines) and one fragment (kind 0)."""
    style = _style(9) if hyphenated else ParagraphStyle("plain9", fontName="Helvetica", fontSize=9, leading=11)
    words = "Pressure on a nerve root eases as the disc heals and the swelling goes down. " * 3
    return [Paragraph(f"<b>Word {i}</b><br/>{words[:90 + 25 * (i % 5)]}" if i % 2 else words[:120], style)
            for i in range(14)]


def test_a_trial_split_in_balanced_columns_sets_as_with_a_deep_copy(monkeypatch):
    """Balanced columns split a copy of a paragraph to try a height; the cheap copy
    (tagging._para_deepcopy) must give the file a deep copy gives, and never change the
    paragraph it was made from."""
    for hyphenated in (False, True):  # ReportLab splits plain and hyphenated lines differently
        cheap = _columns_pdf(_entries(hyphenated))
        assert len(PdfReader(io.BytesIO(cheap)).pages) >= 2  # the columns ran over a page: splits were tried
        with monkeypatch.context() as m:
            m.delattr(Paragraph, "deepcopy")  # ReportLab's cdeepcopy: copy.deepcopy
            assert _columns_pdf(_entries(hyphenated)) == cheap
        para = _entries(hyphenated)[1]
        para.wrap(120, 1000)
        state = lambda: ([type(f) for f in para.frags],  # a split recasts the hyphenated word it ends on
                         [(line.extraSpace, [w.text for w in line.words]) for line in para.blPara.lines])
        before = state()
        assert para.deepcopy().split(120, para.style.leading * 2.5)  # two lines, the second hyphenated
        assert state() == before
