"""A procedure leaflet: one sheet, branded band, boxes for notes and when to call."""

from __future__ import annotations

from dataclasses import replace


from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Spacer

from ..source import model as m
from ..source.jargon import glossary_terms_used, texts
from ..source.text import unescape
from ..build.jobs import Job, Personal, Rendered, output_name
from ..layout.layouts import require_counts
from ..memo import remembered
from .common import (Context, press_inks, RenderError, check_edition, Styles, band_middle, box, build_pdf, color,
                     doc_settings, draw_line, page_canvas, esc, furniture_canvas, holding, KeepTail, language_help,
                     para, procedure_flowables, review_line,
                     style_role, tag_story)
from .tagging import Node, marked
from .brochure_parts import site
from .logo import draw_logo, fit, load_logo
from .misfit import CatchesTooTall, Misfit, Misfits, TooTall, explained, words_to_cut
from .prepared import prepared_box, spaced


class _MeasuredDoc(CatchesTooTall, BaseDocTemplate):
    """Bookmarks the title and headings (the PDF outline), and remembers how far down the
    last page the text reached, to size an overflow."""

    used_on_last_page = 0.0
    _marks = 0

    def afterFlowable(self, flowable):
        frame = self.frame
        if frame is not None:
            self.used_on_last_page = frame._y2 - frame._topPadding - frame._y
        level = {"title": 0, "heading": 1}.get(getattr(getattr(flowable, "style", None), "name", None))
        if level is not None and isinstance(flowable, Paragraph):
            self._marks += 1
            key = f"h{self._marks}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.getPlainText(), key, level=level, closed=False)


_ROLES = {"title": "H1", "heading": "H2", "box_heading": "H2", "words_heading": "H2", "prepared_heading": "H2"}


def story(proc: m.Procedure, ctx: Context, styles: Styles, words: list[tuple[str, m.Text]],
          patient=None, width: float = 0.0, slot=None) -> list:
    out = procedure_flowables(proc, ctx, styles, lines=ctx.layout.options.get("keep_lines", 3))
    if patient is not None:  # a personalised copy: the box right under the title
        out[1:1] = prepared_box(patient, ctx, styles, width)
    elif slot is not None:  # the room for a box drawn later (render.overlay)
        out[1:1] = spaced(ctx, slot)
    if words:
        out[-1:-1] = [words_to_know_box(words, ctx, styles), Spacer(1, 8)]
    help_lines = language_help(ctx, styles["language_help"])
    disclaimer = para(esc(ctx.strings["disclaimer"]), styles["disclaimer"])
    if ctx.layout.max_pages:  # a page budget: a page past it is an error, never a leftover
        return out + help_lines + [disclaimer]
    # as many pages as it takes: the disclaimer ends the page of the box before it (or of
    # its last entries), never one of its own
    return out[:-1] + [KeepTail(out[-1], help_lines + [disclaimer])]


def words_to_know_box(words: list[tuple[str, m.Text]], ctx: Context, styles: Styles):
    """The glossary's definitions of the medical terms this leaflet uses."""
    inner = [para(esc(ctx.strings["words_to_know"]), styles["words_heading"])]
    inner += [para(f"<b>{esc(term)}:</b> {definition.markup}", styles["box_body"])
              for term, definition in words]
    source = replace(words[0][1].origin, field="terms")
    return holding(box(inner, ctx, "note_fill", entries=True), source, "the 'Words to know' box",
                   [d for _, d in words])


class Furniture:
    """Band on top, footer below, on every page; page 1 gets the full masthead. Measured
    before any page is set: each piece gets its own column (a line shrinks towards its
    style's min_size, then wraps, a web address on a line of its own), the bands and the
    footer grow to hold what they carry, and the text frame sits between them, so nothing
    overlaps whatever the clinic's name, URL or the title. All of it is artifact, but for
    the document control (review line, DRAFT) on the last page: that is read as `control`'s
    content."""

    def __init__(self, ctx: Context, title: str, review: m.Review, styles: Styles, control: Node | None = None):
        lay, clinic, s = ctx.layout, ctx.clinic, ctx.strings
        self.ctx, self.styles, self.review, self.control = ctx, styles, review, control
        mg = lay.margins
        self.width = lay.width - mg.left - mg.right
        website = site(clinic.website) if clinic.website else None
        # bands: the clinic's name on the left; its numbers (page 1) or the title (later) on the right
        self.logo = None
        logo_w = 0.0
        band = lay.size("band")
        if clinic.logo:  # centred with the text, clear of the unprintable edge
            self.logo_h = min(band * 0.6, (band - lay.size("unprintable")) * 0.8)
            self.logo = load_logo(clinic.logo, ctx.fonts, press_inks(ctx), lay.colors["primary"])
            logo_w = fit(self.logo, self.logo_h * 2.5, self.logo_h)[0] + 8
        masthead, small = _with_min(ctx, styles["masthead"]), _with_min(ctx, styles["masthead_small"])
        left_small = _with_min(ctx, styles.derive("band-left", "masthead_small", alignment=0))
        self.first = _pair([esc(clinic.name)], masthead, [esc(x) for x in (clinic.phone, website) if x], small,
                           self.width - logo_w)
        self.later = _pair([esc(clinic.name)], left_small, [esc(title)], small, self.width)
        edge = lay.size("unprintable")  # text is centred in the band below this (band_middle)
        self.band_first = max(band, self.first.height + edge)
        self.band_later = max(lay.size("band_later"), self.later.height + edge)
        # footer: the page number (and DRAFT) flush right on the first rows, the clinic's
        # contact and the review line flush left beside them, then under them at full width
        fs, ds = _with_min(ctx, styles["footer"]), styles["draft"]
        self.footer_style, self.draft_style = fs, ds
        self.pitch = max(fs.leading, ds.leading if review.is_draft else 0)
        number_w = stringWidth(s.format("page_of", page=88, pages=88), fs.fontName, fs.fontSize)
        right = [number_w] + ([stringWidth(s["draft"], ds.fontName, ds.fontSize)] if review.is_draft else [])
        gap = fs.fontSize * 1.5
        widths = [self.width - w - gap for w in right] + [self.width]
        # the band names the clinic on every page; a layout may leave it out of the footer
        named = clinic.name if lay.options.get("footer_name", True) else None
        self.footer_size, contact, rest = _pack_rows([x for x in (named, clinic.phone, website) if x],
                                                     fs, widths)
        _, review_rows, _ = _pack_rows([review_line(review, s)], fs, rest, self.footer_size)
        self.contact_rows, self.review_rows = contact, review_rows
        rows = max(len(contact) + len(review_rows), len(right))
        self.rule_gap = max(2.0, fs.fontSize * 0.15)  # between the rule and the first line
        self.footer = max(lay.size("footer"), rows * self.pitch + self.rule_gap + 12)

    def __call__(self, canv, page: int, pages: int) -> None:
        lay, s = self.ctx.layout, self.ctx.strings
        mg = lay.margins
        canv.saveState()
        band = self.band_first if page == 1 else self.band_later
        canv.setFillColor(color(lay.colors["primary"]))
        canv.rect(0, lay.height - band, lay.width, band, stroke=0, fill=1)
        canv.setFillColor(color(lay.colors["accent"]))
        canv.rect(0, lay.height - band - 3, lay.width, 3, stroke=0, fill=1)
        middle = band_middle(lay, band)
        left = mg.left
        if page == 1 and self.logo is not None:
            used, _ = draw_logo(canv, self.logo, mg.left, middle - self.logo_h / 2, self.logo_h * 2.5, self.logo_h)
            left += used + 8
        (self.first if page == 1 else self.later).draw(canv, left, lay.width - mg.right, middle)
        # footer
        footer_top = mg.bottom + self.footer - 12
        canv.setStrokeColor(color(lay.colors["rule"]))
        canv.setLineWidth(0.75)
        canv.line(mg.left, footer_top, lay.width - mg.right, footer_top)
        fs, right = self.footer_style, lay.width - mg.right
        row = lambda i: footer_top - self.rule_gap - (i + 1) * self.pitch  # noqa: E731
        size = self.footer_size
        for i, line in enumerate(self.contact_rows):
            _text(canv, line, fs, mg.left, row(i), size=size)
        _text(canv, s.format("page_of", page=page, pages=pages), fs, right, row(0), align_right=True)
        with marked(canv, self.control if page == pages else None):
            for i, line in enumerate(self.review_rows, start=len(self.contact_rows)):
                _text(canv, line, fs, mg.left, row(i), size=size)
            if self.review.is_draft:
                _text(canv, s["draft"], self.draft_style, right, row(1), align_right=True)
        canv.restoreState()


def furniture(ctx: Context, title: str, review: m.Review, styles: Styles, control: Node | None = None) -> Furniture:
    return Furniture(ctx, title, review, styles, control)


class _Lines:
    """Pieces of text set in one column: on one line joined by ' · ' when they fit at any
    size down to the style's min_size, else each piece on a line of its own (wrapping only
    if a piece is wider than the column at the smallest size)."""

    def __init__(self, pieces: list[str], style, width: float, low: float, align: int = 0):
        self.width = width
        size, one_line, self.natural = _fit(pieces, style, width, low)
        ratio = size / style.fontSize
        self.style = ParagraphStyle(f"{style.name}@{size:g}", parent=style, fontSize=size,
                                    leading=style.leading * ratio, alignment=align)
        self.para = Paragraph((" · " if one_line else "<br/>").join(pieces), self.style)
        _, self.height = self.para.wrap(width, 10_000)

    def draw_top(self, canv, x: float, top: float) -> None:
        self.para.wrap(self.width, 10_000)
        self.para.drawOn(canv, x, top - self.height)


def _fit(pieces: list[str], style, width: float, low: float) -> tuple[float, bool, float]:
    """The size _Lines sets `pieces` at in a column of `width`, whether on one line, and
    how wide its widest line is then."""
    plain = [unescape(p) for p in pieces]
    size = style.fontSize
    joined = " · ".join(plain)
    while stringWidth(joined, style.fontName, size) > width and size - 0.5 >= low:
        size -= 0.5
    one_line = stringWidth(joined, style.fontName, size) <= width
    if not one_line:
        size = style.fontSize
        while max(stringWidth(p, style.fontName, size) for p in plain) > width and size - 0.5 >= low:
            size -= 0.5
    return size, one_line, max(stringWidth(line, style.fontName, size) for line in ([joined] if one_line else plain))


def _natural(pieces: list[str], style) -> float:
    """How wide `pieces` are on one line, as _lines(pieces, style, 10_000).natural, without
    setting a paragraph (a band measures each leaflet's title so)."""
    return _fit(pieces, style, 10_000, style.min_size)[2]


def _lines(pieces: list[str], style, width: float, align: int = 0) -> _Lines:
    """`pieces` in a column of `width`; the layout's min_size of the style is how far it shrinks."""
    return _set_lines(tuple(pieces), style, width, style.min_size, align)


@remembered(512)
def _set_lines(pieces: tuple[str, ...], style, width: float, low: float, align: int) -> _Lines:
    """Fitted once per process: every leaflet of a layout has the same clinic band, and its
    later band differs only by title (a style is one object per layout, see Styles.of).
    Drawing leaves a _Lines as it was, so documents share it."""
    return _Lines(list(pieces), style, width, low, align)


def _with_min(ctx: Context, style: ParagraphStyle) -> ParagraphStyle:
    """The style, knowing how small its layout lets it shrink."""
    style.min_size = ctx.layout.styles[style.name.split("/")[0]].min_size
    return style


def _widest_word(pieces: list[str], style, size: float | None = None) -> float:
    """The widest run without a space (a word, a web address) in `pieces`, at `size`."""
    return max((stringWidth(word, style.fontName, size or style.fontSize)
                for piece in pieces for word in unescape(piece).split()), default=0.0)


class _Pair:
    """Two columns of a band, the left one flush left, the right one flush right, each as
    wide as its text needs (the longer one giving way), never overlapping, and never
    breaking a word or a web address where the other column can wrap between words."""

    def __init__(self, left: list[str], left_style, right: list[str], right_style, width: float):
        gap = max(left_style.fontSize, right_style.fontSize)
        room = width - gap
        want_l, want_r = _natural(left, left_style), _natural(right, right_style)
        if want_l + want_r <= room:
            lw, rw = want_l + 1, room - want_l - 1
        elif want_r <= room * 0.45:
            lw, rw = room - want_r - 1, want_r + 1
        elif want_l <= room * 0.55 and _widest_word(right, right_style, right_style.min_size) <= room - want_l - 1:
            lw, rw = want_l + 1, room - want_l - 1
        elif (need := _widest_word(right, right_style)) <= room - _widest_word(left, left_style, left_style.min_size):
            lw, rw = room - need - 1, need + 1  # the name wraps between words, the address stays whole
        else:
            lw, rw = room * 0.55, room * 0.45
        self.left = _lines(left, left_style, lw)
        self.right = _lines(right, right_style, rw, align=2)
        self.height = max(self.left.height, self.right.height)

    def draw(self, canv, x_left: float, x_right: float, middle: float) -> None:
        self.left.draw_top(canv, x_left, middle + self.left.height / 2)
        self.right.draw_top(canv, x_right - self.right.width, middle + self.right.height / 2)


def _pair(left, left_style, right, right_style, width) -> _Pair:
    return _Pair(left, left_style, right, right_style, width)


def _text(canv, text: str, style, x: float, y: float, align_right: bool = False, size: float | None = None) -> None:
    """One plain line of page furniture, placed where a one-line Paragraph at y would be
    (at `size` when it was shrunk to fit)."""
    size = size or style.fontSize
    canv.setFont(style.fontName, size)
    canv.setFillColor(style.textColor)
    draw_line(canv, text, style.fontName, size, x, y + style.leading - style.fontSize, align_right)


def _pack_rows(pieces: list[str], style, widths: list[float], size: float | None = None):
    """`pieces` joined by ' · ' on rows as wide as `widths` (the last one repeating): at the
    largest size down to the style's min_size at which no piece is wider than its row, else
    at min_size with a piece broken (see _split). Returns the size, the rows, and the widths
    of the rows after them."""
    sizes = [size] if size else _sizes(style)
    for at in sizes:
        rows, broken = _rows(pieces, style.fontName, at, widths)
        if not broken or at == sizes[-1]:
            return at, rows, widths[len(rows):] or widths[-1:]
    raise AssertionError("no sizes")


def _sizes(style) -> list[float]:
    """The style's size, then half a point smaller at a time down to its min_size."""
    out, size = [], style.fontSize
    while size >= style.min_size - 1e-6:
        out.append(size)
        size -= 0.5
    return out or [style.fontSize]


def _rows(pieces: list[str], font: str, size: float, widths: list[float]) -> tuple[list[str], bool]:
    def room(i: int) -> float:
        return widths[min(i, len(widths) - 1)]

    rows: list[str] = []
    broken = False
    for piece in pieces:
        if rows and stringWidth(rows[-1] + " · " + piece, font, size) <= room(len(rows) - 1):
            rows[-1] += " · " + piece
            continue
        text = piece
        width = stringWidth(text, font, size)
        if width > room(len(rows)) and width <= room(len(rows) + 1):
            rows.append("")  # beside DRAFT the row is narrow: the piece goes whole to the wider one below
        while stringWidth(text, font, size) > room(len(rows)):
            head, text = _split(text, font, size, room(len(rows)))
            rows.append(head)
            broken = True
        rows.append(text)
    return rows, broken


def _split(text: str, font: str, size: float, width: float) -> tuple[str, str]:
    """The longest head of `text` that fits `width`, broken after / . @ - in a web or e-mail
    address (nothing added: it is copied as printed) or at a space in words; the first
    such break when none fits; a cut as a last resort."""
    if " " in text.strip():
        breaks = [i for i, ch in enumerate(text) if ch == " "]
        cut = [(text[:i], text[i + 1:]) for i in breaks]
    else:
        start = text.find("://") + 3 if "://" in text else 0
        cut = [(text[:i + 1], text[i + 1:]) for i in range(start + 1, len(text) - 1) if text[i] in "/.@-"]
    fitting = [c for c in cut if stringWidth(c[0], font, size) <= width]
    if fitting:
        return fitting[-1]
    if cut:
        return cut[0]
    n = max(1, max((i for i in range(1, len(text)) if stringWidth(text[:i], font, size) <= width), default=1))
    return text[:n], text[n:]


def page_templates(furn: Furniture, suffix: str = "", pagesize: bool = False) -> list[PageTemplate]:
    """Page 1 under the full band, later pages under the thin one, both above the footer, as
    tall as `furn` measured them. `suffix` names them apart when several copies share a
    document; `pagesize` sets each template's paper (copies of Letter and A4 leaflets may
    share one)."""
    lay = furn.ctx.layout
    mg = lay.margins
    gap = lay.size("band_gap")
    frame_w = lay.width - mg.left - mg.right
    size = (lay.width, lay.height) if pagesize else None

    def frame(band: float, fid: str) -> Frame:
        top = lay.height - band - gap
        bottom = mg.bottom + furn.footer
        return Frame(mg.left, bottom, frame_w, top - bottom, id=fid, leftPadding=0, rightPadding=0,
                     topPadding=0, bottomPadding=0)

    return [PageTemplate(f"first{suffix}", [frame(furn.band_first, "first")],
                         autoNextPageTemplate=f"later{suffix}", pagesize=size),
            PageTemplate(f"later{suffix}", [frame(furn.band_later, "later")], pagesize=size)]


def render_leaflet(proc: m.Procedure, ctx: Context, words: list[tuple[str, m.Text]] = (),
                   patient=None, slot=None) -> Rendered:
    """The leaflet; with a `patient`, a personalised copy (in memory like every render) whose
    "Prepared for" box may take it one page past the layout's budget; with a `slot` (a
    flowable as tall as a box), the same copy with room kept for the box (render.overlay)."""
    lay = ctx.layout
    styles = Styles.of(ctx)
    mg = lay.margins
    frame_w = lay.width - mg.left - mg.right

    pages: list[int] = []
    content = story(proc, ctx, styles, list(words), patient, frame_w, slot)
    personal = patient is not None or slot is not None
    root = Node("Document")
    tag_story(content, root, style_role(_ROLES))
    draw = furniture(ctx, proc.title.plain, proc.review, styles, root.add("P"))
    first, later = page_templates(draw)

    def counting_draw(canv, page, total):
        pages[:] = [total]
        draw(canv, page, total)

    def factory(buffer):
        doc = _MeasuredDoc(buffer, **doc_settings(ctx, proc.title.plain, proc.summary.plain),
                           leftMargin=mg.left, rightMargin=mg.right, topMargin=mg.top,
                           bottomMargin=mg.bottom)
        doc.addPageTemplates([first, later])
        doc.canvasmaker = furniture_canvas(counting_draw, page_canvas(ctx, root, proc.title.plain))
        return doc

    body = styles["body"]
    try:
        data, doc = build_pdf(factory, content)
    except TooTall as exc:
        if personal:
            raise RenderError("the 'Prepared for' box is taller than a page: shorten the note") from None
        raise Misfits([exc.misfit(lay, proc.origin, body.leading)]) from None
    total = pages[0] if pages else 0
    if personal:
        if lay.max_pages and total > lay.max_pages + 1:
            raise RenderError(f"with the 'Prepared for' box this leaflet needs {total} pages, more than "
                              f"the {lay.max_pages + 1} a copy may have: shorten the note or the place")
        return Rendered(data, total)
    if lay.max_pages and total > lay.max_pages:
        later_h = later.frames[0]._height
        over = (total - lay.max_pages - 1) * later_h + doc.used_on_last_page
        height = first.frames[0]._height + (total - 2) * later_h + doc.used_on_last_page
        own = texts(proc)
        raise Misfits([Misfit(proc.origin, "the leaflet", f"on {lay.max_pages} pages", lay.name, over,
                              max(1, round(over / body.leading)), words_to_cut(own, over, height),
                              " or move detail to the guide", tuple(own))])
    return Rendered(data, total)


def render_copy(proc: m.Procedure, ctx: Context, words, patient) -> Rendered:
    from .overlay import render_copy as overlay_copy
    return overlay_copy(proc, ctx, words, patient)


def _part(proc: m.Procedure, ctx: Context, words, patient):
    from .batch import Part
    return Part(proc, ctx, words, patient)


def jobs(cat: m.Catalogue, layout, ctx: Context, inputs: tuple) -> list[Job]:
    """A leaflet per procedure in this language and layout."""
    require_counts(layout, {"words_to_know": 4, "keep_lines": 3, "box_keep": 0})
    check_edition(layout, {"band": "masthead", "band_later": "masthead_small"})
    limit = layout.options.get("words_to_know", 4)
    glossary = tuple(cat.files.get("glossary", ()))
    out = []

    def words(proc: m.Procedure) -> tuple:
        """Found when rendering (in a worker), not while planning: cached per procedure."""
        return tuple(glossary_terms_used(proc, cat.glossary, limit, cat.lang))

    for proc in cat.procedures:
        out.append(Job(
            path=output_name(cat.lang, "leaflet", layout, proc.slug), kind="leaflet",
            lang=cat.lang, title=proc.title.plain, layout=layout, source=proc.origin,
            inputs=inputs + tuple(cat.files[f"procedure:{proc.slug}"]) + glossary,
            render=lambda proc=proc: explained(lambda c: render_leaflet(proc, c, words(proc)), ctx),
            personal=Personal(lambda patient, proc=proc: render_copy(proc, ctx, lambda: words(proc), patient),
                              lambda patient, proc=proc: _part(proc, ctx, words(proc), patient),
                              ctx.fonts.charset, proc.slug, layout.max_pages)))
    return out
