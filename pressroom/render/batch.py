"""Tomorrow's list as one document: every patient's personalised leaflet, each starting on
an odd page (the front of a new sheet) for duplex printing.

The copies are set in one ReportLab document rather than merged afterwards, so the fonts
are embedded once and the file stays small; each copy keeps its own page templates (its
paper and edition), its page furniture ("Page 1 of 3" counts its own pages) and its
outline entries. A copy that ends on a front page gets a blank back.
"""

from __future__ import annotations

import io
from bisect import bisect_right
from dataclasses import dataclass, field

from reportlab.platypus.doctemplate import ActionFlowable

from ..source import model as m
from .common import Context, RenderError, Styles, doc_settings, furniture_canvas, page_canvas, style_role, tag_story
from .leaflet import _ROLES, _MeasuredDoc, furniture, page_templates, story
from .tagging import Node
from .misfit import TooTall


@dataclass(frozen=True)
class Part:
    """One copy: a leaflet in its layout, for one patient (hidden from repr)."""

    proc: m.Procedure
    ctx: Context
    words: tuple
    patient: object = field(repr=False)


class CopyTooLong(RenderError):
    """Copy `index` of a list does not fit its page budget; the message names no patient."""

    def __init__(self, index: int, message: str):
        super().__init__(message)
        self.index = index


class _NextCopy(ActionFlowable):
    """Ends the last copy's last page, adds a blank back when it ended on a front page, and
    starts the next copy on its own first-page template."""

    def __init__(self, index: int, state: dict):
        super().__init__()
        self.index, self.state = index, state

    def apply(self, doc):
        template = f"first{self.index}"
        doc.handle_nextPageTemplate(template)
        doc.handle_pageBreak()
        if doc.page % 2 == 1:  # the last copy ended on a front: its back stays blank
            doc.clean_hanging()
            self.state["blanks"].add(doc.page)
            doc.handle_nextPageTemplate(template)
            doc.handle_pageBreak()
        self.state["starts"].append(doc.page + 1)
        self.state["current"] = self.index


def render_batch(parts: list[Part]) -> tuple[bytes, list[int], int]:
    """The PDF of every copy, each copy's page count (blank backs not counted) and the
    document's."""
    state = {"starts": [1], "blanks": set(), "current": 0}
    root = Node("Document")  # each copy a Part in its own language
    styles_of: dict[int, Styles] = {}
    flowables: list = []
    draws = []
    templates = []
    for index, part in enumerate(parts):
        ctx, lay = part.ctx, part.ctx.layout
        styles = styles_of.setdefault(id(ctx), Styles(ctx))
        furn = furniture(ctx, part.proc.title.plain, part.proc.review, styles)
        templates += page_templates(furn, str(index), pagesize=True)
        draws.append(furn)
        if index:
            flowables.append(_NextCopy(index, state))
        width = lay.width - lay.margins.left - lay.margins.right
        copy = story(part.proc, ctx, styles, list(part.words), part.patient, width)
        tag_story(copy, root.add("Part", lang=ctx.strings.lang), style_role(_ROLES))
        flowables += copy

    def draw(canv, page: int, total: int) -> None:
        if page in state["blanks"]:
            return
        starts = state["starts"]
        index = bisect_right(starts, page) - 1
        draws[index](canv, page - starts[index] + 1, _count(starts, state["blanks"], index, total))

    first = parts[0].ctx
    settings = doc_settings(first, "Personalised copies", "")  # each Part says its own language
    buffer = io.BytesIO()
    doc = _MeasuredDoc(buffer, **settings)
    doc.addPageTemplates(templates)
    try:
        doc.build(flowables, canvasmaker=furniture_canvas(draw, page_canvas(first, root, "Personalised copies")))
    except TooTall:
        raise CopyTooLong(state["current"], "the 'Prepared for' box is taller than a page: shorten the note") from None
    total = doc.page
    counts = [_count(state["starts"], state["blanks"], i, total) for i in range(len(parts))]
    for index, (part, pages) in enumerate(zip(parts, counts)):
        budget = part.ctx.layout.max_pages
        if budget and pages > budget + 1:
            raise CopyTooLong(index, f"with the 'Prepared for' box this leaflet needs {pages} pages, more "
                              f"than the {budget + 1} a copy may have: shorten the note or the place")
    return buffer.getvalue(), counts, total


def _count(starts: list[int], blanks: set[int], index: int, total: int) -> int:
    end = starts[index + 1] if index + 1 < len(starts) else total + 1
    return end - starts[index] - (1 if end - 1 in blanks else 0)
