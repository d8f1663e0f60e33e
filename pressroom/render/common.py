"""What every renderer shares: styles from the layout, content blocks as flowables,
boxes, the deferred page-furniture canvas and deterministic document settings."""

from __future__ import annotations

import io
from dataclasses import dataclass, field, replace
from typing import Callable

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import BalancedColumns, Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from ..source import model as m
from ..build import prepress
from ..layout.fonts import FontSet
from ..layout.layouts import Layout, require_printable
from ..layout.strings import Strings
from ..source.text import escape, no_breaks
from .tagging import Node, is_tagged, marked, node_of, tag, tagged_canvas

HYPHENATION = {"en": "en_US", "es": "es", "fr": "fr", "de": "de_DE", "pt": "pt_PT", "it": "it_IT"}
NO_HYPHENATION = ("zh", "ja", "ko")  # no hyphens in these scripts, whatever pyphen has
CJK_WRAP = ("zh", "ja", "yue")       # lines break between characters (see tagging: line breaks)


def hyphenation(lang: str) -> str | None:
    """pyphen's dictionary for a language, if it has one (never for Chinese, Japanese, Korean)."""
    primary = lang.split("-")[0].lower()
    if primary in NO_HYPHENATION:
        return None
    if primary in HYPHENATION:
        return HYPHENATION[primary]
    import pyphen
    return pyphen.language_fallback(lang.replace("-", "_"))


def word_wrap(lang: str) -> str | None:
    """ReportLab's wordWrap for a language: 'CJK' where lines break between characters."""
    return "CJK" if lang.split("-")[0].lower() in CJK_WRAP else None


class RenderError(ValueError):
    """Content that cannot be set in the layout; `origin` is where it is written, when known
    (else the message points at the document)."""

    def __init__(self, message: str, origin: m.Origin | None = None):
        super().__init__(message)
        self.origin = origin


def holding(flowable: Flowable, source: m.Origin, what: str, texts=()) -> Flowable:
    """Mark a flowable that cannot break across pages with the content it holds, so that if
    it is taller than a page the message names that content (see misfit.TooTall)."""
    flowable.holds = (source, what, tuple(texts))
    return flowable


@dataclass(frozen=True)
class Context:
    """Everything a renderer reads besides the document itself."""

    layout: Layout
    fonts: FontSet
    strings: Strings
    clinic: m.Clinic
    figures: dict = field(default_factory=dict, compare=False, hash=False)  # name -> artwork.Artwork
    families: object = field(default=None, compare=False, hash=False)  # fonts.Fonts: every family
    help_lines: tuple = ()  # ((lang, markup, FontSet), ...): the free language help lines, if asked for


def color(hex_value: str):
    return colors.HexColor(hex_value)


def mix(ink: str, ground: str, amount: float) -> str:
    """`ink` laid over `ground` at `amount` (0–1), as the opaque "#rrggbb" it prints as."""
    parts = (round(int(ground[i:i + 2], 16) + (int(ink[i:i + 2], 16) - int(ground[i:i + 2], 16)) * amount)
             for i in (1, 3, 5))
    return "#" + "".join(f"{v:02x}" for v in parts)


_STYLES: dict[int, tuple[Context, "Styles"]] = {}  # id(ctx) -> (ctx, its Styles), the newest few


class Styles:
    """ParagraphStyles built once per layout from its YAML styles."""

    @classmethod
    def of(cls, ctx: Context) -> "Styles":
        """The one Styles of `ctx` in this process: every document rendered with it uses the
        same style objects, so a paragraph they share is parsed once (tagging's memo)."""
        kept = _STYLES.get(id(ctx))
        if kept is None or kept[0] is not ctx:
            if len(_STYLES) >= 64:
                _STYLES.pop(next(iter(_STYLES)))
            kept = _STYLES[id(ctx)] = (ctx, cls(ctx))
        return kept[1]

    def __init__(self, ctx: Context):
        self.ctx = ctx
        self._cache: dict[str, ParagraphStyle] = {}
        self.hyphenation = hyphenation(ctx.strings.lang)
        self.wrap = word_wrap(ctx.strings.lang)

    def __getitem__(self, name: str) -> ParagraphStyle:
        if name not in self._cache:
            s = self.ctx.layout.styles[name]
            self._cache[name] = ParagraphStyle(
                name, fontName=self.ctx.fonts.face(s.font), fontSize=s.size, leading=s.leading,
                textColor=color(s.color), spaceBefore=s.space_before, spaceAfter=s.space_after,
                alignment=s.align, allowWidows=0, allowOrphans=0,
                bulletFontName=self.ctx.fonts.regular,
                keepWithNext=1 if name.startswith(("heading", "title", "chapter", "subheading")) else 0,
                hyphenationLang=(self.hyphenation or "") if s.hyphenate else "",
                embeddedHyphenation=1, uriWasteReduce=0.3,
                **({"wordWrap": self.wrap} if self.wrap else {}),
            )
        return self._cache[name]

    def derive(self, name: str, base: str, **changes) -> ParagraphStyle:
        key = f"{base}/{name}"
        if key not in self._cache:
            self._cache[key] = ParagraphStyle(key, parent=self[base], **changes)
        return self._cache[key]


def para(markup: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(markup, style)


class ListEntry(Flowable):
    """One bullet or numbered item: its label in the margin, its text beside it (tagged LI
    holding Lbl and LBody). It splits as its paragraph does; the label stays with the
    first part, and both parts belong to the same item."""

    def __init__(self, label: str | None, label_style: tuple, body: Paragraph, indent: float,
                 item: Node, space_after: float):
        super().__init__()
        self.label, self.label_style, self.body, self.indent = label, label_style, body, indent
        self.item, self.spaceBefore, self.spaceAfter = item, body.style.spaceBefore, space_after
        tag(self, item)

    def wrap(self, avail_width, avail_height):
        _, self.height = self.body.wrap(avail_width - self.indent, avail_height)
        self.width = avail_width
        return self.width, self.height

    def split(self, avail_width, avail_height):
        parts = self.body.split(avail_width - self.indent, avail_height)
        if len(parts) < 2:
            return []
        return [ListEntry(self.label if i == 0 else None, self.label_style, part, self.indent,
                          self.item, self.spaceAfter if i == len(parts) - 1 else 0)
                for i, part in enumerate(parts)]

    def draw(self):
        lbl, body = self.item.kids
        if self.label:
            font, size, fill = self.label_style
            with marked(self.canv, lbl):
                self.canv.setFont(font, size)
                self.canv.setFillColor(fill)
                self.canv.drawString(0, self.height - size, self.label)
        with marked(self.canv, body):
            self.body.drawOn(self.canv, self.indent, 0)


def list_flowable(items, style: ParagraphStyle, numbered: bool, ctx: Context) -> list[Flowable]:
    """A list as one entry per item, all under one L element."""
    indent = ctx.layout.sizes.get("bullet_indent", 16)
    label_style = (ctx.fonts.bold if numbered else ctx.fonts.regular, style.fontSize,
                   color(ctx.layout.colors.get("primary", "#000000")))
    group = Node("L")
    out = []
    for i, text in enumerate(items, start=1):
        item = group.add("LI")
        item.add("Lbl")
        item.add("LBody")
        space = style.spaceAfter + (4 if i == len(items) else 0)
        out.append(ListEntry(f"{i}." if numbered else "\u2022", label_style, Paragraph(text.markup, style),
                             indent, item, space))
    return out


def box(flowables: list, ctx: Context, fill: str, border: str | None = None,
        bar: str | None = None, width: float | None = None, entries: bool = False) -> Table:
    """A shaded box around flowables; kept whole so it never splits across pages, unless
    `entries` and the layout's `options.box_keep` let it go over a page end between its
    entries (see Box): each flowable, or each list of flowables that stay together."""
    pad = ctx.layout.sizes.get("box_padding", 8)
    rule = ctx.layout.sizes.get("box_rule", 1)
    commands = [
        ("BACKGROUND", (0, 0), (-1, -1), color(ctx.layout.colors[fill])),
        ("LEFTPADDING", (0, 0), (-1, -1), pad + (rule * 2 if bar else 0)),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, -1), ctx.fonts.regular),  # Table's default is Helvetica
    ]
    if border:
        commands.append(("BOX", (0, 0), (-1, -1), rule, color(ctx.layout.colors[border])))
    if bar:
        commands.append(("LINEBEFORE", (0, 0), (0, -1), rule * 3, color(ctx.layout.colors[bar])))
    keep = ctx.layout.options.get("box_keep", 0)
    groups = [f if isinstance(f, list) else [f] for f in flowables]
    flowables = [f for group in groups for f in group]
    if entries and keep:
        below = ctx.layout.options.get("keep_lines", 3) * ctx.layout.styles["body"].leading
        least = ctx.layout.options.get("box_split", 0.0) * ctx.layout.height
        table = Box(groups, commands, (pad * 0.8, pad * 0.6), keep, below, width, least)
    else:
        table = Table([[flowables]], colWidths=[width] if width else None, hAlign="LEFT")
        table.setStyle(TableStyle(commands[:2] + [("TOPPADDING", (0, 0), (-1, -1), pad * 0.8),
                                                  ("BOTTOMPADDING", (0, 0), (-1, -1), pad * 0.6)]
                                  + commands[2:]))
    table.contents = list(flowables)  # for tag_story: a box groups what it holds
    return table


class Box(Table):
    """A shaded box whose entries (a heading, a list item, a paragraph: one row each) may go
    over a page end between entries, never inside one: each part keeps the box's tint,
    frame and padding, and holds at least `keep` entries, so no part is a lone heading or a
    lone last line; the first part holds `below` points of entries under the heading (the
    lines a heading keeps on its page). A box of fewer than twice `keep` entries stays whole,
    and so does one with less than `least` points left on the page: a small gap at a page
    foot reads better than a box cut short (the layout's options.box_split, of the page)."""

    def __init__(self, entries: list[list], commands: list, pad: tuple[float, float], keep: int,
                 below: float, width: float | None = None, least: float = 0.0):
        self.entries, self.commands, self.pad, self.keep = list(entries), commands, pad, keep
        self.below, self.least = below, least
        self.gaps = [a[-1].getSpaceAfter() + b[0].getSpaceBefore() for a, b in zip(entries, entries[1:])]
        super().__init__([[e] for e in entries], colWidths=[width] if width else None, hAlign="LEFT")
        self.box_width = width
        top, bottom = pad
        rows = [("TOPPADDING", (0, 0), (-1, 0), top), ("BOTTOMPADDING", (0, -1), (-1, -1), bottom)]
        rows += [("TOPPADDING", (0, i), (-1, i), 0) for i in range(1, len(entries))]
        rows += [("BOTTOMPADDING", (0, i), (-1, i), gap) for i, gap in enumerate(self.gaps)]
        self.setStyle(TableStyle(commands + rows))

    def split(self, avail_width, avail_height, rest: int = 0):
        """At the last entry that fits, leaving at least `keep` (or `rest`) entries over."""
        n = len(self.entries)
        if n < 2 * self.keep or avail_height < self.least:
            return []
        self.wrap(avail_width, avail_height)
        heights = self._rowHeights
        fits = [k for k in range(self.keep, n - max(self.keep, rest) + 1)
                if sum(heights[:k]) - self.gaps[k - 1] + self.pad[1] <= avail_height
                and sum(heights[1:k]) - self.gaps[k - 1] >= self.below]
        if not fits:
            return []
        k = fits[-1]
        parts = [Box(self.entries[:k], self.commands, self.pad, self.keep, 0, self.box_width, self.least),
                 Box(self.entries[k:], self.commands, self.pad, self.keep, 0, self.box_width, self.least)]
        for part in parts:
            part.holds = getattr(self, "holds", None)
        return parts


def style_role(roles: dict[str, str]) -> Callable[[Paragraph], str]:
    """A paragraph's structure role from its style's name (derived styles count as their base)."""
    return lambda p: roles.get(p.style.name.split("/")[0].split("@")[0], "P")


def tag_story(flowables, parent: Node, role: Callable[[Paragraph], str]) -> None:
    """Give every flowable of a story its structure element under `parent`, in story order
    (the reading order). Paragraphs take `role`; a box becomes a Sect (with a heading) or
    a Div holding its own flowables; a drawing with alternative text becomes a Figure;
    lists and anything already tagged are attached as they are; spacers and rules stay
    artifacts."""
    for f in flowables:
        node = node_of(f)
        if node is not None:
            top = node
            while top.parent is not None:
                top = top.parent
            if top is not parent and top.role != "Document" and top not in parent.kids:
                top.parent = parent
                parent.kids.append(top)
        elif isinstance(f, Paragraph):
            tag(f, parent.add(role(f)))
        elif getattr(f, "alt", None):  # a drawing with alternative text
            tag(f, parent.add("Figure", alt=f.alt))
        elif isinstance(f, (KeepTogether, BalancedColumns)):  # kept groups, columns
            tag_story(f.contents, parent, role)
        elif isinstance(f, Table) and hasattr(f, "contents"):  # a box
            first = f.contents[0] if f.contents else None
            heading = isinstance(first, Paragraph) and role(first).startswith("H")
            tag(f, parent.add("Sect" if heading else "Div"))
            tag_story(f.contents, node_of(f), role)


def language_help(ctx: Context, style: ParagraphStyle) -> list[Flowable]:
    """"Free language help is available. Call …" in each language the content offers (the
    document's own first), each line in its language's font, wrapped as that language
    wraps, and read as a paragraph in its language (/Lang); a Div holds them."""
    if not ctx.help_lines:
        return []
    group = Node("Div")
    out: list[Flowable] = [Spacer(1, 4)]
    ordered = sorted(ctx.help_lines, key=lambda line: line[0] != ctx.strings.lang)
    for lang, markup, fontset in ordered:
        changes = {"fontName": fontset.regular}
        if word_wrap(lang):
            changes["wordWrap"] = word_wrap(lang)
        line_style = ParagraphStyle(f"{style.name}@help-{lang}", parent=style, **changes)
        out.append(tag(Paragraph(markup, line_style), group.add("P", lang=lang)))
    return out


def draw_line(canv, text: str, font: str, size: float, x: float, baseline: float,
              align_right: bool = False) -> None:
    """One plain line of page furniture, the canvas set to `font` already: drawn as it is
    when that face has every letter, else run by run, each word in a family that has its
    letters (fonts.runs), as paragraphs are."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from ..layout import fonts
    if fonts.covers(font, text):
        (canv.drawRightString if align_right else canv.drawString)(x, baseline, text)
        return
    runs = fonts.runs(font, text)
    if align_right:
        x -= sum(stringWidth(piece, face, size) for face, piece in runs)
    for face, piece in runs:
        canv.setFont(face, size)
        canv.drawString(x, baseline, piece)
        x += stringWidth(piece, face, size)
    canv.setFont(font, size)


def keep_together(flowables: list) -> KeepTogether:
    """Flowables kept on one page, remembering them for tag_story."""
    kept = KeepTogether(flowables)
    kept.contents = list(flowables)
    return kept


def block_flowables(block: m.Block, styles: Styles, ctx: Context,
                    figure: Callable[[m.Figure], list] | None = None) -> list[Flowable]:
    if isinstance(block, m.Paragraph):
        return [para(block.text.markup, styles["body"])]
    if isinstance(block, (m.Bullets, m.Steps)):
        return list_flowable(block.items, styles["list"], isinstance(block, m.Steps), ctx)
    if isinstance(block, m.Note):
        note = box([para(block.text.markup, styles["note"])], ctx, "note_fill", bar="accent")
        return [Spacer(1, 4), holding(note, block.text.origin, "this note", (block.text,)), Spacer(1, 8)]
    if isinstance(block, m.Figure):
        return figure(block) if figure else []
    raise TypeError(block)


class Heading(Paragraph):
    """A heading that never ends a page, nor ends it with only a line or two under it: it
    asks for room for the start of what follows (`room_below` of it: a paragraph's or a
    list's first lines, a box or figure whole) and moves to the next page when there is
    none. ReportLab's keepWithNext would bind a heading to the whole of one paragraph and
    never to a list or a box, so headings do not use it."""

    def __init__(self, markup: str, style: ParagraphStyle, room_below: float, follow: list | None = None):
        super().__init__(markup, style)
        self.room_below, self.follow = room_below, follow or []
        if follow is not None:
            self.keepWithNext = 0

    def needed(self, avail_width: float) -> float:
        """The room the heading needs below it on its page."""
        if not self.follow:
            return self.room_below
        return first_room(self.follow, avail_width, self.room_below)

    def wrap(self, avail_width, avail_height):
        width, height = super().wrap(avail_width, avail_height)
        if height + self.style.spaceAfter + self.needed(avail_width) > avail_height:
            return width, avail_height + 1  # "does not fit": the frame tries to split, and split says no
        return width, height

    def split(self, avail_width, avail_height):
        return []


def first_room(flowables: list, width: float, want: float) -> float:
    """The height the opening of `flowables` takes: `want` of text that splits by lines
    (paragraphs, list items of four lines or more; never less than one of them can leave on
    a page, two lines), anything else whole (boxes, figures, kept groups, short items, which
    neither widows nor orphans let split)."""
    used, left = 0.0, want
    for f in flowables:
        if left <= 0:
            break
        if isinstance(f, KeepTogether):
            inner = getattr(f, "contents", None) or []
            take = first_room(inner, width, left) if isinstance(f, KeepTail) else _whole(inner, width)
        else:
            _, h = f.wrap(width, 1e6)
            space = f.getSpaceBefore() if used else 0
            lines = getattr(getattr(f, "style", None), "leading", None) or getattr(
                getattr(getattr(f, "body", None), "style", None), "leading", None)
            splits = lines and isinstance(f, (Paragraph, ListEntry)) and h >= 4 * lines - 0.5  # no split leaves one line
            take = space + (min(h, max(left, 2 * lines)) if splits else h)
            take += f.getSpaceAfter() if take >= h + space else 0
        used += take
        left -= take
    return used


def _whole(flowables: list, width: float) -> float:
    return sum(f.wrap(width, 1e6)[1] + f.getSpaceBefore() + f.getSpaceAfter() for f in flowables)


class KeepTail(KeepTogether):
    """A block and the closing tip after it, so the tip never opens a page alone: when they
    do not fit, the block splits as it would (a paragraph or list item, by lines) and its
    last part goes over with the tip; a block that cannot split goes over whole."""

    def __init__(self, lead: Flowable, tail: list):
        super().__init__([lead] + tail)
        self.lead, self.tail = lead, tail
        self.contents = [lead] + tail  # for tag_story

    def split(self, avail_width, avail_height):
        self.wrap(avail_width, avail_height)
        if self._H <= avail_height:
            return [self.lead] + self.tail
        _, lead_h = self.lead.wrap(avail_width, avail_height)
        room = min(avail_height, lead_h - 1)
        if isinstance(self.lead, Box):  # two thirds of the box at least go over with the tail: no thin last page
            parts = self.lead.split(avail_width, room, rest=-(-2 * len(self.lead.entries) // 3))
        else:
            parts = self.lead.split(avail_width, room)
        if len(parts) < 2:
            return super().split(avail_width, avail_height)  # over to the next page, whole
        return parts[:-1] + [keep_together(parts[-1:] + self.tail)]


def section_flowables(section: m.Section, styles: Styles, ctx: Context,
                      heading_style: str = "heading", figure=None, lines: int | None = None) -> list[Flowable]:
    """A section. With `lines`, its heading is kept with the first `lines` lines (or the
    first block) under it, and its closing tip (a note ending it) with the lines before
    it; without, the heading has one line of room (and keepWithNext to a paragraph)."""
    body: list[Flowable] = []
    for i, block in enumerate(section.body):
        flowables = block_flowables(block, styles, ctx, figure)
        if lines and i and i == len(section.body) - 1 and isinstance(block, m.Note) and body:
            flowables = [KeepTail(body.pop(), flowables)]
        body.extend(flowables)
    room = styles["body"].leading * (lines or 1)
    heading = Heading(section.heading.markup, styles[heading_style], room, body if lines else None)
    if not lines and section.body and not isinstance(section.body[0], m.Paragraph):
        heading.keepWithNext = 0  # ReportLab cannot keep it with a list or box: room_below does
    return [holding(heading, section.heading.origin, "this heading", (section.heading,))] + body


def no_lone_word(markup: str) -> str:
    """Markup whose last two words are joined by a no-break space, so that a heading or a
    call to action never ends on a line holding one word. Tags are left alone."""
    import re
    words = list(re.finditer(r" (?=[^ <>]*(?:<[^>]*>[^ <>]*)*$)", markup))
    return markup if not words else markup[:words[-1].start()] + "\u00a0" + markup[words[-1].end():]


def esc(text: str) -> str:
    """Plain words (names, phone numbers) made safe inside ReportLab markup, with no line
    break inside a number or between a number and its unit (text.no_breaks)."""
    return escape(no_breaks(text))


def when_to_call_box(items: tuple[m.Text, ...], ctx: Context, styles: Styles, source: m.Origin):
    """The 'When to call us' box: warning signs, then the clinic's numbers."""
    s, clinic = ctx.strings, ctx.clinic
    inner = [para(esc(s["when_to_call"]), styles["box_heading"])]
    if items:
        inner.extend(list_flowable(items, styles["box_body"], False, ctx))
    contact = [s.phrase("call_us", clinic.phone, bold=True)]
    if clinic.after_hours:
        contact.append(s.phrase("after_hours", clinic.after_hours, bold=True))
    inner.append([para(" · ".join(contact), styles["box_body"]),  # one entry: the numbers stay together
                  para(f"<b>{s.phrase('emergency', clinic.emergency)}</b>", styles["box_body"])])
    where = replace(items[0].origin, field="when_to_call") if items else source
    return holding(box(inner, ctx, "call_fill", border="call_border", entries=True), where,
                   "the 'When to call us' box", items)


def procedure_flowables(proc: m.Procedure, ctx: Context, styles: Styles,
                        title_style: str = "title", figure=None, lines: int | None = None) -> list[Flowable]:
    """A procedure's own text, set once for its leaflet and for its guide chapter."""
    out = [para(proc.title.markup, styles[title_style]),
           para(proc.summary.markup, styles["summary"])]
    if proc.treats:
        out.append(para(f"<b>{esc(ctx.strings['treats'])}</b> " + " · ".join(t.markup for t in proc.treats),
                        styles["treats"]))
    for section in proc.sections:
        out.extend(section_flowables(section, styles, ctx, figure=figure, lines=lines))
    out.append(Spacer(1, 6))
    out.append(when_to_call_box(proc.when_to_call, ctx, styles, proc.origin))
    return out


def draw_alt_text(canv, alt: str, style: ParagraphStyle, width: float, top: float) -> None:
    """Alternative text for a drawing, as text render mode 3: invisible in print, yet
    extracted, searched and read aloud with the page (ReportLab cannot tag a PDF)."""
    text = canv.beginText()
    text.setTextRenderMode(3)
    text.setFont(style.fontName, style.fontSize, style.leading)
    text.setTextOrigin(0, top - style.fontSize)
    glued = no_breaks(alt).replace("\u00a0", "\x00")  # simpleSplit breaks at no-break spaces too
    for line in simpleSplit(glued, style.fontName, style.fontSize, max(width, style.fontSize * 8)):
        text.textLine(line.replace("\x00", " "))
    canv.drawText(text)


class WithAlt(Flowable):
    """Any drawing flowable plus its alternative text (see draw_alt_text)."""

    def __init__(self, inner: Flowable, alt: str, style: ParagraphStyle):
        super().__init__()
        self.inner, self.alt, self.style = inner, alt, style

    def wrap(self, avail_width, avail_height):
        self.width, self.height = self.inner.wrap(avail_width, avail_height)
        return self.width, self.height

    def draw(self):
        self.inner.drawOn(self.canv, 0, 0)
        if not is_tagged(self.canv):  # a tagged file carries the text as the Figure's /Alt
            draw_alt_text(self.canv, self.alt, self.style, self.width, self.height)


def furniture_canvas(draw: Callable[[Canvas, int, int], None], base=Canvas):
    """A Canvas class (on `base`) that draws page furniture once the page count is known.

    Pages are held until `save`, so footers can say "Page 1 of 2" in one pass.
    Bookmarks are held with their page too: a held page has no PDF page object yet,
    so bookmarking it at once would point every outline entry at page 1.
    """

    class FurnitureCanvas(base):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._held: list[dict] = []
            self._marks: list[tuple[str, dict]] = []

        def bookmarkPage(self, key, **kwargs):
            self._marks.append((key, kwargs))

        def showPage(self):
            self._held.append(dict(self.__dict__))
            self._marks = []
            self._startPage()

        def save(self):
            total = len(self._held)
            for number, state in enumerate(self._held, start=1):
                self.__dict__.update(state)
                for key, kwargs in self._marks:
                    base.bookmarkPage(self, key, **kwargs)
                draw(self, number, total)
                base.showPage(self)
            base.save(self)

    return FurnitureCanvas


def document_canvas(ctx: Context, root: Node, title: str):
    """The canvas a document is drawn on: tagged (PDF/UA) for everything a reader may get on
    screen; a press layout's file is for a press, so it stays untagged."""
    if ctx.layout.color_mode == "cmyk":
        return Canvas
    return tagged_canvas(Canvas, root, ctx.strings.lang, title)


def band_middle(layout: Layout, band: float) -> float:
    """Where a line set in a top band is centred: in the band's part below the sheet's
    unprintable edge, so a desktop printer prints it whole (see layout.require_printable)."""
    return layout.height - (band + layout.size("unprintable")) / 2


def check_edition(layout: Layout, bands: dict[str, str]) -> None:
    """At plan time: an office layout keeps its text (and `bands`, size -> style set in
    it) printable on a desktop printer; a press edition has a bleed and room for marks."""
    if layout.color_mode == "cmyk":
        prepress.press_setup(layout)
    else:
        require_printable(layout, bands)


def page_canvas(ctx: Context, root: Node, title: str):
    """The canvas for a document Platypus sets at its trim size: `document_canvas`, or for
    a press edition the press canvas (bleed, crop marks, boxes, CMYK; untagged)."""
    if ctx.layout.color_mode == "cmyk":
        return prepress.press_canvas(*prepress.press_setup(ctx.layout), press_inks(ctx), ctx.layout.pdfx)
    return document_canvas(ctx, root, title)


def press_inks(ctx: Context):
    """The inks of a press edition (`prepress.inks_for`), or None for an office file."""
    if ctx.layout.color_mode != "cmyk":
        return None
    return prepress.inks_for(ctx.layout, ctx.clinic.brand)


def doc_settings(ctx: Context, title: str, subject: str) -> dict:
    """Metadata and determinism settings shared by every document."""
    return dict(
        title=title, author=ctx.clinic.name, subject=subject, creator="pressroom",
        producer="pressroom (ReportLab)", invariant=1, lang=ctx.strings.lang,
        displayDocTitle=True, pagesize=(ctx.layout.width, ctx.layout.height),
        initialFontName=ctx.fonts.regular,  # else ReportLab references an unembedded Helvetica
        duplex="DuplexFlipLongEdge",  # portrait pages back to back, as office printers expect
    )


def review_line(review: m.Review, strings: Strings) -> str:
    parts = [review.doc_id, strings.format("version", version=review.version)]
    if review.reviewed_on:
        parts.append(strings.format("reviewed", date=strings.date(review.reviewed_on)))
    return " · ".join(parts)


def build_pdf(doc_factory, story: list) -> tuple[bytes, object]:
    buffer = io.BytesIO()
    doc = doc_factory(buffer)
    doc.build(story, canvasmaker=doc.canvasmaker)
    return buffer.getvalue(), doc
