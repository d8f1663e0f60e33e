"""The full MISS guide: a patient book made from guide.yaml, the procedures and the glossary.

Platypus sets the pages in two passes (multiBuild) so the contents can name page numbers;
the page furniture is drawn once the page count is known (common.furniture_canvas).
Where chapters begin, how pages are padded and whether there is a back cover are layout
options, so the booklet editions differ from Letter and A4 only in data. A booklet is
rendered once and shared by its page-order job and its imposed job.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from functools import lru_cache

from reportlab.platypus import (ActionFlowable, BalancedColumns, BaseDocTemplate, Flowable, Frame, NextPageTemplate,
                                PageBreak, PageTemplate, Paragraph, Spacer)

from ..memo import remembered
from ..source import model as m
from ..build.jobs import Job, Rendered, output_name
from ..layout.layouts import PAPERS
from .common import (Context, press_inks, check_edition, Heading, RenderError, Styles, band_middle, box, color, doc_settings,
                     page_canvas, esc,
                     furniture_canvas, holding, tag_story,
                     keep_together, para, procedure_flowables, review_line, section_flowables)
from .tagging import (Contents, Node, dry_run, first_on_page, fits_below, is_dry, marked, page_started,
                      placed_on_page, room_left)
from .misfit import CatchesTooTall, Misfits, TooTall, explained
from .logo import draw_logo, load_logo
from .figures import draw_art, figure, figure_flowables

_STARTS = ("run_on", "new_page", "odd_page")
_OPTIONS = {"chapter_start": _STARTS, "subchapter_start": _STARTS, "chapter_room": "fraction",
            "keep_lines": "count", "notes_pages": "count", "pad_to": "count",
            "back_cover": "flag", "answer_lines": "count", "glossary_columns": "count",
            "box_keep": "count", "box_split": "fraction"}


def _check_option(layout, key: str, value) -> None:
    kind = _OPTIONS.get(key)
    if kind is None:
        expected = f"a known option ({', '.join(_OPTIONS)})"
    elif kind == "flag":
        expected = None if isinstance(value, bool) else "true or false"
    elif kind == "count":
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 1
        expected = None if ok else "a whole number of at least 1"
    elif kind == "fraction":
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value < 1
        expected = None if ok else "a fraction of the page from 0 to 0.99"
    else:
        expected = None if value in kind else " or ".join(kind)
    if expected:
        raise RenderError(f"layout {layout.name}: options.{key}: expected {expected}, found {value!r}")


@dataclass(frozen=True)
class Book:
    """The layout's options for how the pages of a book are made up."""

    start: str             # chapters: run_on, new_page, odd_page (a right-hand page)
    sub_start: str         # the procedure chapters nested in a section
    chapter_room: float    # run_on: a chapter that would have less of the page left turns it
    keep_lines: int        # a heading keeps this many lines (or the first block) under it
    notes_pages: int       # the deliberate Notes pages at the end (2: a spread)
    pad_to: int            # the page count is a multiple of this (booklets: 4)
    back_cover: bool
    answer_lines: int
    glossary_columns: int

    @classmethod
    def from_layout(cls, layout) -> "Book":
        opts = layout.options
        for key, value in opts.items():
            _check_option(layout, key, value)
        start = opts.get("chapter_start", "new_page")
        return cls(start=start, sub_start=opts.get("subchapter_start", start),
                   chapter_room=opts.get("chapter_room", 0.0), keep_lines=opts.get("keep_lines", 3),
                   notes_pages=opts.get("notes_pages", 1), pad_to=opts.get("pad_to", 1),
                   back_cover=opts.get("back_cover", False), answer_lines=opts.get("answer_lines", 2),
                   glossary_columns=opts.get("glossary_columns", 1))

    def notes_count(self, used: int) -> int:
        """The Notes pages after `used` pages: the deliberate ones, plus the fewest more
        (0 to pad_to - 1) that make the pages, back cover included, fill whole sheets."""
        return self.notes_pages + (-(used + self.notes_pages + self.back_cover) % self.pad_to)


@dataclass(frozen=True)
class Mark:
    """A chapter heading's place in the running header, the contents and the outline."""

    title: str   # plain text
    key: str
    level: int
    in_toc: bool = True


class _Marker(Flowable):
    """Takes no room; GuideDoc swaps it for page breaks and notes pages as the page needs."""

    def wrap(self, avail_width, avail_height):
        return 0, 0

    def draw(self):
        pass


class ChapterStart(_Marker):
    """Where a chapter begins; `fresh`: always on a page of its own (the front matter)."""

    def __init__(self, level: int = 0, fresh: bool = False):
        super().__init__()
        self.level, self.fresh = level, fresh


class MoreNotes(_Marker):
    """After the Notes heading and its lines: as many Notes pages as Book.notes_count
    decides (the heading's own page is one of them when the heading opened it)."""


class WritingLines(Flowable):
    """Ruled lines to write on: `count` of them, or as many as fill the rest of the frame."""

    def __init__(self, gap: float, rule_color: str, count: int | None = None):
        super().__init__()
        self.gap, self.rule_color, self.count = gap, rule_color, count

    def wrap(self, avail_width, avail_height):
        self.lines = self.count or max(0, int(avail_height // self.gap))
        self.width, self.height = avail_width, self.lines * self.gap
        return self.width, self.height

    def draw(self):
        self.canv.setStrokeColor(color(self.rule_color))
        self.canv.setLineWidth(0.6)
        for i in range(1, self.lines + 1):
            y = self.height - i * self.gap
            self.canv.line(0, y, self.width, y)


class GuideDoc(CatchesTooTall, BaseDocTemplate):
    """Platypus with chapter breaks, page padding, contents, outline and running headers."""

    def __init__(self, buffer, book: Book, filler, **kwargs):
        super().__init__(buffer, **kwargs)
        self.book, self.filler = book, filler
        self.running: dict[int, str] = {}
        self.bare: set[int] = set()   # cover pages: no band, no footer
        self.opens_page = True        # whether the last chapter began at the top of a page
        self.page_top = None          # the first flowable set on the current page

    def beforeDocument(self):
        self.running, self.bare = {}, set()
        self.floated: set[int] = set()  # figures whose text went first (ids: the story is kept between passes)

    def filterFlowables(self, flowables):
        """Swap a marker for the breaks it needs, now that the page number is known; let
        the text after a figure that has no room left on the page go first."""
        self._float(flowables)
        marker = flowables[0]
        if isinstance(marker, ChapterStart):
            flowables[0:1] = [None] + self._chapter_break(marker)
        elif isinstance(marker, MoreNotes):
            flowables[0:1] = [None] + self._more_notes()

    def _float(self, flowables: list) -> None:
        """A figure (with its caption) that does not fit below the text on its page floats, as
        in books: what follows it is set first, one flowable at a time, until the figure fits
        or a new page begins, where it stands at the top, rather than leave the page's foot
        blank. It never passes another figure (they keep their order) nor the end of the
        book's text (the notes, the back cover)."""
        if not page_started(self) and len(flowables) > 1 and id(flowables[1]) in self.floated:
            flowables[0], flowables[1] = flowables[1], flowables[0]  # the page's top is the figure's
            return
        while len(flowables) > 1 and getattr(flowables[0], "floats", False) and page_started(self):
            follower = flowables[1]
            if getattr(follower, "floats", False) or isinstance(follower, (MoreNotes, ActionFlowable, PageBreak)):
                return
            if fits_below(self.frame, flowables[0], self.canv):
                return
            self.floated.add(id(flowables[0]))
            flowables[0], flowables[1] = follower, flowables[0]

    def _chapter_break(self, marker: ChapterStart) -> list:
        """A chapter runs on unless less than `chapter_room` of the page is left (run_on),
        or opens a new page (new_page), a right-hand one after a notes page (odd_page)."""
        start = self.book.sub_start if marker.level else self.book.start
        if not page_started(self):
            out, page = [], self.page
        elif start == "run_on" and not marker.fresh and \
                room_left(self.frame) >= self.book.chapter_room:
            return []
        else:
            out, page = [PageBreak()], self.page + 1
        if start == "odd_page" and page % 2 == 0:
            out += self.filler() + [PageBreak()]
        return out

    def _more_notes(self) -> list:
        """Whole Notes pages, as many as Book.notes_count says. Notes that ran on below the
        last chapter fill the rest of its page, and the whole pages follow; on a left-hand
        page, that page opens the Notes spread (it faces the next), as a page they open does."""
        opens_spread = self.book.notes_pages > 1 and self.page % 2 == 0
        more = self.book.notes_count(self.page - 1) - 1 if self.opens_page or opens_spread \
            else self.book.notes_count(self.page)
        out: list = []
        for _ in range(more):
            out += [PageBreak()] + self.filler()
        return out

    def afterFlowable(self, flowable):
        if first_on_page(self):
            self.page_top = flowable
        running = getattr(flowable, "_running", None)
        if running:  # a page's header names the chapter open at its top, as in books
            at_top = self.page_top is flowable or (
                getattr(self.page_top, "_kicker", False) and placed_on_page(self) == 2)
            self.running[self.page if at_top else self.page + 1] = running
        mark: Mark | None = getattr(flowable, "_mark", None)
        if mark is None:
            return
        self.opens_page = first_on_page(self)
        self.canv.bookmarkPage(mark.key)
        self.canv.addOutlineEntry(mark.title, mark.key, level=mark.level, closed=False)
        if mark.in_toc:
            self.notify("TOCEntry", (mark.level, esc(mark.title), self.page, mark.key))

    def running_title(self, page: int) -> str:
        starts = [p for p in self.running if p <= page]
        return self.running[max(starts)] if starts else ""


def _marked(flowable, mark: Mark | None = None, running: str | None = None):
    """Tag a heading for GuideDoc.afterFlowable: outline/contents entry, running header."""
    flowable._mark, flowable._running = mark, running
    return flowable


class GuideBook:
    """Builds the story of one guide in one language and layout."""

    def __init__(self, cat: m.Catalogue, ctx: Context):
        self.cat, self.guide, self.ctx = cat, cat.guide, ctx
        self.s, self.lay = ctx.strings, ctx.layout
        self.book = Book.from_layout(ctx.layout)
        self.styles = Styles(ctx)
        self.figures = 0
        self.chapters = 0
        sub = self.styles.derive("indented", "toc_sub", leftIndent=self.lay.size("toc_indent"))
        self.root = Node("Document")
        self.toc = Contents(Node("TOC"), levelStyles=[self.styles["toc"], sub], dotsMinLevel=0,
                                   tableStyle=[("FONT", (0, 0), (-1, -1), ctx.fonts.regular),  # not Helvetica
                                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                               ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                                               ("TOPPADDING", (0, 0), (-1, -1), 0),
                                               ("BOTTOMPADDING", (0, 0), (-1, -1), 0)])

    # pieces -----------------------------------------------------------------------
    def figure(self, fig: m.Figure) -> list:
        self.figures += 1
        return figure_flowables(fig, self.figures, self.ctx, self.styles)

    def mark(self, title: str, level: int = 0, in_toc: bool = True) -> Mark:
        self.chapters += 1
        mark = Mark(title, f"ch{self.chapters}", level, in_toc)
        if in_toc:
            self.toc.addEntry(level, esc(title), 0, mark.key)  # sizes the first pass right
        return mark

    def chapter(self, markup: str, plain: str, level: int = 0, in_toc: bool = True,
                fresh: bool = False, room: float | None = None) -> list:
        """A chapter's start and heading; with `room`, the heading asks for that much room
        below it instead of being bound to what follows (keepWithNext would move a whole
        block of columns or writing lines with it)."""
        style = self.styles["chapter"]
        heading = para(markup, style) if room is None else Heading(markup, style, room, [])
        return [ChapterStart(fresh=fresh), _marked(heading, self.mark(plain, level, in_toc), plain)]

    def lines(self, count: int | None = None) -> WritingLines:
        return WritingLines(self.lay.size("rule_gap"), self.lay.colors["rule"], count)

    def filler(self) -> list:
        """A notes page: fills a left-hand page before a chapter, or pads the booklet."""
        word = self.s["notes"]
        return [_marked(para(esc(word), self.styles["chapter"]), running=word), self.lines()]

    # chapters ---------------------------------------------------------------------
    def tagged_story(self) -> list:
        """The story with its structure: the cover's words, the chapters in order, then the
        back cover's words (covers are drawn as page furniture, yet they are read)."""
        root = self.root
        self.cover_nodes = [root.add("H1"), root.add("P"), root.add("P"), root.add("P")]
        story = self.story()
        tag_story(story, root, _role)
        # the back cover: its heading, the contact lines, then the review line and disclaimer
        self.back_nodes = [root.add("H2")] + [root.add("P") for _ in range(2 + len(self.contact_lines()))]
        return story

    def story(self) -> list:
        out: list = [Spacer(1, 1), NextPageTemplate("page"), PageBreak()]
        out += self.about()
        out += self.chapter(esc(self.s["contents"]), self.s["contents"], in_toc=False, fresh=True)
        out += [self.toc, Spacer(1, self.styles["chapter"].leading)]  # air before a chapter run on below it
        for i, section in enumerate(self.guide.sections):
            out += self.section(section)  # runs on below the contents, as chapters do
        if self.cat.glossary and self.cat.glossary.terms:
            out += self.glossary()
        out += self.questions()
        out += self.chapter(esc(self.s["notes"]), self.s["notes"], room=self.lay.size("rule_gap") * 4)
        out += [self.lines(), MoreNotes()]
        if self.book.back_cover:
            out += [NextPageTemplate("back"), PageBreak(), Spacer(1, 1)]
        return out

    def about(self) -> list:
        """The inside cover: how to use the guide, the disclaimer, who to call, doc control."""
        s, st, clinic, review = self.s, self.styles, self.ctx.clinic, self.guide.review
        title = s["about_guide"]
        out = [_marked(para(esc(title), st["chapter"]), self.mark(title, 0, in_toc=False), title),
               para(esc(s["guide_use"]), st["body"]),
               para(esc(s["disclaimer_guide"]), st["disclaimer"]), Spacer(1, 10)]
        contact = box([para(esc(s["contact_us"]), st["box_title"])]
                      + [para(line, st["box_body"]) for line in self.contact_lines()],
                      self.ctx, "note_fill", bar="accent")
        out.append(holding(contact, clinic.origin, "the contact box on the guide's first page"))
        control = [review_line(review, s)]
        if review.reviewed_by:
            control.append(s.format("reviewed_by", name=review.reviewed_by))
        if review.next_review:
            control.append(s.format("next_review", date=s.date(review.next_review)))
        out += [Spacer(1, 10), para(esc(" · ".join(control)), st["small"])]
        if review.is_draft:
            out.append(para(f'<font color="{self.lay.colors["draft"]}"><b>{esc(s["draft"])}</b></font>',
                            st["small"]))
        return out

    def contact_lines(self) -> list[str]:
        s, clinic = self.s, self.ctx.clinic
        lines = [f"<b>{esc(clinic.name)}</b>"] + [esc(a) for a in clinic.address if a]
        phones = [s.phrase("phone_line", clinic.phone, bold=True)]
        if clinic.after_hours:
            phones.append(s.phrase("after_hours", clinic.after_hours, bold=True))
        lines.append(" · ".join(phones))
        # the website and the e-mail address each on a line of its own: joined, a long
        # address had to break inside itself ("care@…example. / org") on narrow pages
        lines += [esc(x) for x in (clinic.website, clinic.email) if x]
        lines.append(f"<b>{s.phrase('emergency', clinic.emergency)}</b>")
        return lines

    def section(self, section: m.Section, fresh: bool = False) -> list:
        placed = self.placed(section)
        heading, lines = section.heading, self.book.keep_lines
        out: list = []
        if section.body or not placed:
            out += [ChapterStart(fresh=fresh)] + section_flowables(
                section, self.styles, self.ctx, "chapter", figure=self.figure, lines=lines)
            _marked(out[1], self.mark(heading.plain), heading.plain)
            section_mark = None
        else:  # no text of its own: its heading opens the first procedure's page
            section_mark = self.mark(heading.plain)
        for proc in placed:
            body = procedure_flowables(proc, self.ctx, self.styles, "chapter", figure=self.figure, lines=lines)
            kicker = _marked(para(heading.markup, self.styles["chapter_kicker"]), section_mark)
            kicker._kicker = True  # above its chapter's heading: a page it opens is that chapter's
            _marked(body[0], self.mark(proc.title.plain, level=1), proc.title.plain)
            out += [ChapterStart(level=0 if section_mark else 1, fresh=fresh and section_mark is not None),
                    kicker] + body
            section_mark = None
        return out

    def placed(self, section: m.Section) -> tuple[m.Procedure, ...]:
        return placed_procedures(self.cat, section.procedures)

    def glossary(self) -> list:
        title, st = self.s["words_to_know"], self.styles
        definition = st.derive("indented", "definition", leftIndent=self.lay.size("term_indent"))
        columns = self.book.glossary_columns
        if columns == 1:
            return self.chapter(esc(title), title) + [
                keep_together([para(esc(term), st["term"]), para(text.markup, definition)])
                for term, text in self.cat.glossary.terms]
        # in columns, each entry is one paragraph (the word on its first line, the definition
        # indented under it): balanced columns split paragraphs by lines, not kept groups
        indent, word = self.lay.size("term_indent"), st["term"]
        entry = st.derive("entry", "definition", leftIndent=indent, firstLineIndent=-indent,
                          spaceBefore=word.spaceBefore)
        colour = self.lay.styles["term"].color
        entries = [para(f'<font name="{word.fontName}" color="{colour}">{esc(term)}</font><br/>{text.markup}',
                        entry) for term, text in self.cat.glossary.terms]
        room = st["body"].leading * self.book.keep_lines * 2  # the first lines of the first entries
        return self.chapter(esc(title), title, room=room) + [
            glossary_columns(entries, columns, self.lay.size("column_gap"))]

    def questions(self) -> list:
        title, st = self.s["questions"], self.styles
        out = self.chapter(esc(title), title) + [para(esc(self.s["questions_intro"]), st["body"])]
        for i, question in enumerate(self.s["questions_list"], start=1):
            number = f'<font color="{self.lay.colors["primary"]}">{i}.</font>'
            out.append(keep_together([para(f"{number}\u2002{esc(question)}", st["question"]),
                                     self.lines(self.book.answer_lines)]))
        return out


def glossary_columns(entries: list, count: int, gap: float) -> BalancedColumns:
    """Entries set in `count` balanced columns that may run over pages (read column by column)."""
    columns = BalancedColumns(entries, nCols=count, innerPadding=gap, leftPadding=0, rightPadding=0,
                              topPadding=0, bottomPadding=0)
    columns.contents = list(entries)  # for tag_story
    return columns


def _role(p: Paragraph) -> str:
    """Chapters are H1, procedure chapters H2, their sections and boxes H3."""
    mark, name = getattr(p, "_mark", None), p.style.name.split("/")[0]
    if name in ("chapter", "chapter_kicker") and mark is not None:
        return "H1" if mark.level == 0 else "H2"
    return {"chapter": "H1", "heading": "H3", "box_heading": "H3", "box_title": "H2"}.get(name, "P")


def _nth(nodes, index: int):
    return nodes[index] if index < len(nodes) else None


def placed_procedures(cat: m.Catalogue, slugs: tuple[str, ...]) -> tuple[m.Procedure, ...]:
    """`procedures: all` places every procedure in catalogue order; a list, in its order."""
    if slugs == ("*",):
        return cat.procedures
    by_slug = {p.slug: p for p in cat.procedures}
    return tuple(by_slug[s] for s in slugs if s in by_slug)


# -- pages ---------------------------------------------------------------------------------

class Furniture:
    """Covers, running-header band and footer, in the leaflet's visual language."""

    def __init__(self, gb: GuideBook):
        self.gb, self.ctx, self.lay, self.s = gb, gb.ctx, gb.lay, gb.s
        self.styles, self.clinic, self.review = gb.styles, gb.ctx.clinic, gb.guide.review
        self.mirrored = gb.lay.edition == "booklet"  # page numbers on the outer edge

    @staticmethod
    def text(canv, markup: str, style, x: float, top: float, width: float, node: Node | None = None) -> float:
        """Draw a paragraph whose top is at `top` (as `node`'s content, if given); return its height."""
        p = Paragraph(markup, style)
        _, h = p.wrap(width, 1000)
        with marked(canv, node):
            p.drawOn(canv, x, top - h)
        return h

    def bar(self, canv, y: float, height: float, stripe: float, stripe_below: bool) -> None:
        lay = self.lay
        canv.setFillColor(color(lay.colors["primary"]))
        canv.rect(0, y, lay.width, height, stroke=0, fill=1)
        canv.setFillColor(color(lay.colors["accent"]))
        canv.rect(0, y - stripe if stripe_below else y + height, lay.width, stripe, stroke=0, fill=1)

    def page(self, canv, doc: GuideDoc, number: int, total: int) -> None:
        if number in doc.bare:
            return
        lay, mg, st = self.lay, self.lay.margins, self.styles
        canv.saveState()
        band = lay.size("band")
        self.bar(canv, lay.height - band, band, 3, stripe_below=True)
        width = lay.width - mg.left - mg.right
        style = st["running"]
        top = band_middle(lay, band) + style.leading / 2
        self.text(canv, f"<b>{esc(self.clinic.name)}</b>", style, mg.left, top, width * 0.5)
        self.text(canv, esc(doc.running_title(number) or self.gb.guide.title.plain),
                  st.derive("right", "running", alignment=2), mg.left + width * 0.5, top, width * 0.5)
        self.footer(canv, number, total)
        canv.restoreState()

    def footer(self, canv, number: int, total: int) -> None:
        lay, mg, st, s, clinic = self.lay, self.lay.margins, self.styles, self.s, self.clinic
        width = lay.width - mg.left - mg.right
        top = mg.bottom + lay.size("footer") - 16
        canv.setStrokeColor(color(lay.colors["rule"]))
        canv.setLineWidth(0.75)
        canv.line(mg.left, top, lay.width - mg.right, top)
        outer = 2 if not self.mirrored or number % 2 else 0   # alignment of the page number
        inner = 2 - outer
        fs = st["footer"]
        label = s.format("page_of", page=number, pages=total)
        page_w = canv.stringWidth(label, self.ctx.fonts.bold, fs.fontSize) + 12
        text_x = mg.left if outer else mg.left + page_w
        top -= 5
        self.text(canv, f"<b>{esc(label)}</b>", st.derive(f"a{outer}", "footer", alignment=outer),
                  mg.left, top, width)
        website = clinic.website.split("://")[-1] if clinic.website else None
        contact = " · ".join(x for x in (clinic.name, clinic.phone, website) if x)
        if canv.stringWidth(contact, fs.fontName, fs.fontSize) > width - page_w:
            contact = " · ".join((clinic.name, clinic.phone))  # the covers carry the website
        in_style = st.derive(f"a{inner}", "footer", alignment=inner)
        top -= self.text(canv, esc(contact), in_style, text_x, top, width - page_w)
        self.text(canv, esc(review_line(self.review, s)), in_style, text_x, top, width - page_w)
        if self.review.is_draft:
            self.text(canv, esc(s["draft"]), st.derive(f"draft{outer}", "draft", alignment=outer),
                      mg.left, top, width)

    def cover(self, canv, doc: GuideDoc) -> None:
        """Title on the brand colour with a drawn spine; the clinic at the foot of the page."""
        doc.bare.add(doc.page)
        if is_dry(canv):
            return
        lay, st, clinic = self.lay, self.styles, self.clinic
        pad, band, art = lay.size("cover_pad"), lay.size("cover_band"), lay.size("cover_art")
        canv.saveState()
        self.bar(canv, lay.height - band, band, 6, stripe_below=True)
        if lay.figures.get("cover"):  # the layout's cover art, from layouts/figures/
            draw_art(canv, figure(self.ctx, lay.figures["cover"]), self.ctx, st, lay.width - pad - art,
                     lay.height - band + pad * 0.5, art, band - pad * 1.3, ground=lay.colors["primary"])
        text_w = lay.width - 2 * pad - art - pad * 0.3
        if self.review.is_draft:
            self.draft_badge(canv, pad, lay.height - pad * 0.8 - st["cover_label"].leading)
        guide = self.gb.guide
        blocks = [(guide.title.markup, st["cover_title"])]
        if guide.subtitle:
            blocks.append((guide.subtitle.markup, st["cover_subtitle"]))
        y = lay.height - band + pad * 0.8
        for (markup, style), node in reversed(list(zip(blocks, self.gb.cover_nodes))):
            p = Paragraph(markup, style)
            _, h = p.wrap(text_w, band)
            with marked(canv, node):
                p.drawOn(canv, pad, y)
            y += h + 10
        lines = [(esc(clinic.name), st["cover_clinic"])]
        web = clinic.website.split("://")[-1] if clinic.website else None
        lines.append((esc(" · ".join(x for x in (clinic.phone, web) if x)), st["cover_contact"]))
        width = lay.width - 2 * pad
        height = sum(Paragraph(m_, s_).wrap(width, 400)[1] for m_, s_ in lines)
        self.contact_block(canv, pad, pad + height, width, lines, self.gb.cover_nodes[2:])
        canv.setFillColor(color(lay.colors["accent"]))
        canv.rect(pad, pad + height + 14, min(width, art), 3, stroke=0, fill=1)
        canv.restoreState()

    def contact_block(self, canv, x: float, top: float, width: float, lines, nodes=()) -> float:
        """The clinic's logo (if any) beside its name and numbers (each line `nodes`' content);
        returns the height used."""
        clinic, start = self.clinic, top
        if clinic.logo:
            size = self.styles["cover_clinic"].leading * 2.2
            logo = load_logo(clinic.logo, self.ctx.fonts, press_inks(self.ctx), self.lay.colors["paper"])
            used, _ = draw_logo(canv, logo, x, top - size, size * 2, size)
            x, width = x + used + 12, width - used - 12
        for i, (markup, style) in enumerate(lines):
            top -= self.text(canv, markup, style, x, top, width, _nth(nodes, i)) + 2
        return start - top

    def draft_badge(self, canv, x: float, y: float) -> None:
        style = self.styles["cover_label"]
        text = self.s["draft"]
        w = canv.stringWidth(text, style.fontName, style.fontSize) + 16
        canv.setFillColor(color(self.lay.colors["draft"]))
        canv.roundRect(x, y - 5, w, style.leading + 6, 3, stroke=0, fill=1)
        canv.setFillColor(color(self.lay.colors["on_primary"]))
        canv.setFont(style.fontName, style.fontSize)
        canv.drawString(x + 8, y + 1, text)

    def back(self, canv, doc: GuideDoc) -> None:
        """The back cover: who to call, the disclaimer and document control."""
        doc.bare.add(doc.page)
        if is_dry(canv):
            return
        lay, st, s = self.lay, self.styles, self.s
        pad = lay.size("cover_pad")
        width = lay.width - 2 * pad
        canv.saveState()
        strip = lay.size("band") * 1.5
        self.bar(canv, 0, strip, 4, stripe_below=False)
        top = lay.height - pad
        nodes = self.gb.back_nodes
        top -= self.text(canv, esc(s["contact_us"]), st["heading"], pad, top, width, _nth(nodes, 0)) + 8
        lines = [(esc(self.clinic.name), st["cover_clinic"])] + [
            (line, st["cover_contact"]) for line in self.gb.contact_lines()[1:]]
        self.contact_block(canv, pad, top, width, lines, nodes[1:1 + len(lines)])
        bottom = strip + pad * 0.7
        for (markup, style), node in zip(((esc(review_line(self.review, s)), st["small"]),
                                          (esc(s["disclaimer_guide"]), st["disclaimer"])),
                                         nodes[1 + len(lines):]):
            p = Paragraph(markup, style)
            _, h = p.wrap(width, 400)
            with marked(canv, node):
                p.drawOn(canv, pad, bottom)
            bottom += h + 8
        if self.review.is_draft:
            self.draft_badge(canv, pad, bottom + 6)
        canv.restoreState()


def render_guide(cat: m.Catalogue, ctx: Context) -> Rendered:
    gb = GuideBook(cat, ctx)
    furniture = Furniture(gb)
    lay, mg = ctx.layout, ctx.layout.margins
    top = lay.height - lay.size("band") - lay.size("band_gap")
    bottom = mg.bottom + lay.size("footer")
    body = Frame(mg.left, bottom, lay.width - mg.left - mg.right, top - bottom, id="body",
                 leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    whole = Frame(0, 0, lay.width, lay.height, id="whole")
    guide = cat.guide
    subject = guide.subtitle.plain if guide.subtitle else guide.title.plain
    buffer = io.BytesIO()
    doc = GuideDoc(buffer, gb.book, gb.filler, **doc_settings(ctx, guide.title.plain, subject),
                   leftMargin=mg.left, rightMargin=mg.right, topMargin=mg.top, bottomMargin=mg.bottom)
    doc.addPageTemplates([PageTemplate("cover", [whole], onPage=furniture.cover),
                          PageTemplate("page", [body]),
                          PageTemplate("back", [whole], onPage=furniture.back)])
    pages: list[int] = []

    def draw(canv, number: int, total: int) -> None:
        pages[:] = [total]
        furniture.page(canv, doc, number, total)

    story = gb.tagged_story()
    canvasmaker = furniture_canvas(draw, page_canvas(ctx, gb.root, guide.title.plain))

    passes: list[int] = []
    found = _found_pages((cat.lang, lay.name, gb.toc.entries()))
    if found:
        gb.toc.foresee(found[0])
    dry_first = gb.toc.first_pass_thrown_away()

    class GuideCanvas(canvasmaker):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            passes.append(1)
            dry_run(self, dry_first and len(passes) == 1)  # that pass only finds page numbers
            self.showOutline()

    try:
        doc.multiBuild(story, canvasmaker=GuideCanvas)
        if dry_first and len(passes) < 2:  # cannot be (see first_pass_thrown_away): never save blank pages
            raise RuntimeError("the guide's first pass, drawn dry, was kept")
    except TooTall as exc:
        raise Misfits([exc.misfit(lay, guide.origin, gb.styles["body"].leading)]) from None
    found[:] = [gb.toc.entries()]
    return Rendered(buffer.getvalue(), pages[0] if pages else 0)


@remembered(64)
def _found_pages(book: tuple) -> list:
    """The contents' pages a book's last pass found (by language, layout and contents
    entries), kept for its press twin: the same pages in CMYK, so its first pass is set
    with them, is drawn, and is kept when it finds those very pages. That is the page
    multiBuild's second pass would make: a contents entry's number is drawn after its line
    and moves nothing, so every pass finds the same pages, whatever pages it was set with;
    any other guess costs a pass, never a different file."""
    return []


# -- jobs ----------------------------------------------------------------------------------

def jobs(cat: m.Catalogue, layout, ctx: Context, inputs: tuple) -> list[Job]:
    """The guide in this layout; a booklet edition also yields its imposed print file."""
    if cat.guide is None:
        return []
    check_edition(layout, {"band": "running"})
    procedures: list[m.Procedure] = []
    for section in cat.guide.sections:
        procedures += [p for p in placed_procedures(cat, section.procedures) if p not in procedures]
    inputs = inputs + tuple(cat.files["guide"]) + tuple(cat.files.get("glossary", ())) + tuple(
        path for p in procedures for path in cat.files[f"procedure:{p.slug}"])
    render = lru_cache(maxsize=None)(lambda: explained(lambda c: render_guide(cat, c), ctx))  # both booklet jobs
    title = cat.guide.title.plain
    booklet = layout.edition == "booklet"
    group = f"guide:{cat.lang}:{layout.name}"  # with its press twin, which takes its pages (_found_pages)
    out = [Job(path=output_name(cat.lang, "guide", layout), kind="guide-booklet" if booklet else "guide",
               lang=cat.lang, title=title, layout=layout, source=cat.guide.origin, inputs=inputs,
               render=render, group=group)]
    if booklet and layout.impose_on and layout.color_mode != "cmyk":  # the 2-up file is an office file
        h, w = PAPERS[layout.impose_on]  # landscape sheet: the long side across
        sheet = replace(layout, paper=layout.impose_on, width=max(w, h), height=min(w, h))

        def render_imposed() -> Rendered:
            from ..build.impose import impose  # pypdf (and its crypto) only in a process that imposes
            pages = render()
            return Rendered(impose(pages.data, sheet.width, sheet.height), pages.pages // 2)

        out.append(Job(path=output_name(cat.lang, "guide-imposed", layout, paper=layout.impose_on),
                       kind="guide-imposed", lang=cat.lang, title=title, layout=sheet,
                       source=cat.guide.origin, inputs=inputs, render=render_imposed, group=group))
    return out
