"""A procedure leaflet: one sheet, branded band, boxes for notes and when to call."""

from __future__ import annotations

from dataclasses import replace

from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Spacer

from .. import model as m
from ..jargon import glossary_terms_used, texts
from ..jobs import Job, Personal, Rendered, output_name
from ..layout import require_counts
from .common import (Context, RenderError, check_edition, Styles, draw_line, band_middle, box, build_pdf, color, doc_settings,
                     page_canvas, esc, furniture_canvas, holding, language_help, para, procedure_flowables, review_line,
                     style_role, tag_story)
from .tagging import Node, marked
from .logo import draw_logo, load_logo
from .misfit import CatchesTooTall, Misfit, Misfits, TooTall, explained, words_to_cut
from .prepared import prepared_box


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
          patient=None, width: float = 0.0) -> list:
    out = procedure_flowables(proc, ctx, styles)
    if patient is not None:  # a personalised copy: the box right under the title
        out[1:1] = prepared_box(patient, ctx, styles, width)
    if words:
        out[-1:-1] = [words_to_know_box(words, ctx, styles), Spacer(1, 8)]
    return out + language_help(ctx, styles["language_help"]) + [para(esc(ctx.strings["disclaimer"]),
                                                                      styles["disclaimer"])]


def words_to_know_box(words: list[tuple[str, m.Text]], ctx: Context, styles: Styles):
    """The glossary's definitions of the medical terms this leaflet uses."""
    inner = [para(esc(ctx.strings["words_to_know"]), styles["words_heading"])]
    inner += [para(f"<b>{esc(term)}:</b> {definition.markup}", styles["box_body"])
              for term, definition in words]
    source = replace(words[0][1].origin, field="terms")
    return holding(box(inner, ctx, "note_fill"), source, "the 'Words to know' box", [d for _, d in words])


def furniture(ctx: Context, title: str, review: m.Review, styles: Styles, control: Node | None = None):
    """Band on top, footer below, on every page; page 1 gets the full masthead. All of it is
    artifact, but for the document control (review line, DRAFT) on the last page: that is
    read as `control`'s content."""
    lay, clinic, s = ctx.layout, ctx.clinic, ctx.strings
    mg = lay.margins

    def draw(canv, page: int, pages: int) -> None:
        canv.saveState()
        band = lay.size("band") if page == 1 else lay.size("band_later")
        canv.setFillColor(color(lay.colors["primary"]))
        canv.rect(0, lay.height - band, lay.width, band, stroke=0, fill=1)
        canv.setFillColor(color(lay.colors["accent"]))
        canv.rect(0, lay.height - band - 3, lay.width, 3, stroke=0, fill=1)
        text_left, middle = mg.left, band_middle(lay, band)
        if page == 1 and clinic.logo:  # centred with the text, clear of the unprintable edge
            logo_h = min(band * 0.6, (band - lay.size("unprintable")) * 0.8)
            logo = load_logo(clinic.logo, ctx.fonts, lay.color_mode == "cmyk", lay.colors["primary"])
            used, _ = draw_logo(canv, logo, mg.left, middle - logo_h / 2, logo_h * 2.5, logo_h)
            text_left += used + 8
        width = lay.width - text_left - mg.right
        name = styles["masthead"] if page == 1 else styles.derive("band-left", "masthead_small", alignment=0)
        _place(canv, Paragraph(esc(clinic.name), name), text_left, middle, width * 0.55)
        website = clinic.website.split("://")[-1] if clinic.website else None
        right_text = " · ".join(x for x in (clinic.phone, website) if x) if page == 1 else title
        _place(canv, Paragraph(esc(right_text), styles["masthead_small"]),
               lay.width - mg.right - width * 0.45, middle, width * 0.45)
        # footer
        footer_top = mg.bottom + lay.size("footer") - 12
        canv.setStrokeColor(color(lay.colors["rule"]))
        canv.setLineWidth(0.75)
        canv.line(mg.left, footer_top, lay.width - mg.right, footer_top)
        fs, right = styles["footer"], lay.width - mg.right
        first, second = footer_top - fs.leading - 2, footer_top - 2 * fs.leading - 2
        contact = " · ".join(x for x in (clinic.name, clinic.phone, clinic.website) if x)
        label = s.format("page_of", page=page, pages=pages)
        room = right - mg.left - canv.stringWidth(label, fs.fontName, fs.fontSize) - 12
        if canv.stringWidth(contact, fs.fontName, fs.fontSize) > room:  # wider scripts, larger print
            contact = " · ".join(x for x in (clinic.name, clinic.phone) if x)  # the masthead has the website
        _text(canv, contact, fs, mg.left, first)
        _text(canv, label, fs, right, first, align_right=True)
        with marked(canv, control if page == pages else None):
            _text(canv, review_line(review, s), fs, mg.left, second)
            if review.is_draft:
                _text(canv, s["draft"], styles["draft"], right, second, align_right=True)
        canv.restoreState()

    return draw


def _place(canv, paragraph: Paragraph, x: float, middle_y: float, width: float) -> None:
    _, h = paragraph.wrap(width, 200)
    paragraph.drawOn(canv, x, middle_y - h / 2)


def _text(canv, text: str, style, x: float, y: float, align_right: bool = False) -> None:
    """One plain line of page furniture, placed where a one-line Paragraph at y would be."""
    canv.setFont(style.fontName, style.fontSize)
    canv.setFillColor(style.textColor)
    draw_line(canv, text, style.fontName, style.fontSize, x, y + style.leading - style.fontSize, align_right)


def page_templates(lay, suffix: str = "", pagesize: bool = False) -> list[PageTemplate]:
    """Page 1 under the full band, later pages under the thin one. `suffix` names them apart
    when several copies share a document; `pagesize` sets each template's paper (copies of
    Letter and A4 leaflets may share one)."""
    mg = lay.margins
    gap, footer = lay.size("band_gap"), lay.size("footer")
    frame_w = lay.width - mg.left - mg.right
    size = (lay.width, lay.height) if pagesize else None

    def frame(band: float, fid: str) -> Frame:
        top = lay.height - band - gap
        bottom = mg.bottom + footer
        return Frame(mg.left, bottom, frame_w, top - bottom, id=fid, leftPadding=0, rightPadding=0,
                     topPadding=0, bottomPadding=0)

    return [PageTemplate(f"first{suffix}", [frame(lay.size("band"), "first")],
                         autoNextPageTemplate=f"later{suffix}", pagesize=size),
            PageTemplate(f"later{suffix}", [frame(lay.size("band_later"), "later")], pagesize=size)]


def render_leaflet(proc: m.Procedure, ctx: Context, words: list[tuple[str, m.Text]] = (),
                   patient=None) -> Rendered:
    """The leaflet; with a `patient`, a personalised copy (in memory like every render) whose
    "Prepared for" box may take it one page past the layout's budget."""
    lay = ctx.layout
    styles = Styles(ctx)
    mg = lay.margins
    frame_w = lay.width - mg.left - mg.right
    first, later = page_templates(lay)

    pages: list[int] = []
    content = story(proc, ctx, styles, list(words), patient, frame_w)
    root = Node("Document")
    tag_story(content, root, style_role(_ROLES))
    draw = furniture(ctx, proc.title.plain, proc.review, styles, root.add("P"))

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
        if patient is not None:
            raise RenderError("the 'Prepared for' box is taller than a page: shorten the note") from None
        raise Misfits([exc.misfit(lay, proc.origin, body.leading)]) from None
    total = pages[0] if pages else 0
    if patient is not None:
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


def _part(proc: m.Procedure, ctx: Context, words, patient):
    from .batch import Part
    return Part(proc, ctx, words, patient)


def jobs(cat: m.Catalogue, layout, ctx: Context, inputs: tuple) -> list[Job]:
    """A leaflet per procedure in this language and layout."""
    require_counts(layout, {"words_to_know": 4})
    check_edition(layout, {"band": "masthead", "band_later": "masthead_small"})
    limit = layout.options.get("words_to_know", 4)
    glossary = tuple(cat.files.get("glossary", ()))
    out = []
    for proc in cat.procedures:
        words = tuple(glossary_terms_used(proc, cat.glossary, limit, cat.lang))
        out.append(Job(
            path=output_name(cat.lang, "leaflet", layout, proc.slug), kind="leaflet",
            lang=cat.lang, title=proc.title.plain, layout=layout, source=proc.origin,
            inputs=inputs + tuple(cat.files[f"procedure:{proc.slug}"]) + glossary,
            render=lambda proc=proc, words=words: explained(lambda c: render_leaflet(proc, c, words), ctx),
            personal=Personal(lambda patient, proc=proc, words=words: render_leaflet(proc, ctx, words, patient),
                              lambda patient, proc=proc, words=words: _part(proc, ctx, words, patient),
                              ctx.fonts.charset, proc.slug, layout.max_pages)))
    return out
