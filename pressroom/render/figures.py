"""Figures: SVG artwork from `layouts/figures/` (see `artwork`), drawn as vectors through
svglib in the layout's colours, with their labels set as real text in the layout's fonts
and the reader's language.

A figure fits its column: drawn at its own size, or smaller where the column is narrower;
labels keep their type size and wrap to their scaled width. In a tagged file the alt text
is the Figure element's /Alt; in an untagged one (press files) it is written under the
drawing as invisible text (render mode 3, the convention of OCR layers).
"""

from __future__ import annotations

import copy
import re
from dataclasses import replace
from functools import lru_cache

from reportlab.platypus import Flowable, Paragraph, Spacer

from ..source import model as m
from ..layout.artwork import Artwork, recolour
from ..layout.fonts import FontSet
from .common import Context, RenderError, Styles, color, draw_alt_text, esc, holding, keep_together, mix
from .tagging import is_tagged


@lru_cache(maxsize=64)
def _drawing(art: Artwork, roles: tuple, colors: tuple, fonts: FontSet | None, ground: str):
    """The artwork as a ReportLab Drawing in these colours (placeholders recoloured), its
    see-through fills mixed with the `ground` it is drawn on into opaque colours: a press
    file (PDF/X-1a) may hold no transparency, and on a flat ground the look is the same.
    `fonts` None: art without text, read once for every language (see drawing_for)."""
    from .logo import read_svg
    drawing = read_svg(recolour(art.svg, dict(roles), dict(colors)), fonts)
    if drawing is None:
        raise RenderError(f"the figure {art.shown} is not an SVG this generator can read; export it "
                          "again as plain SVG")

    def flatten(node) -> None:
        for paint, alpha in (("fillColor", "fillOpacity"), ("strokeColor", "strokeOpacity")):
            amount, colour = getattr(node, alpha, None), getattr(node, paint, None)
            if amount is not None and amount < 1 and colour is not None:
                setattr(node, paint, color(mix("#" + colour.hexval()[2:], ground, amount)))
                setattr(node, alpha, None)
        for child in getattr(node, "contents", ()):
            flatten(child)
    flatten(drawing)
    return drawing


_TEXT = re.compile(rb"<([\w.-]+:)?text[\s>/]")


def drawing_for(art: Artwork, ctx: Context, ground: str | None = None):
    """The drawing in this layout's colours and the document's fonts. Art without text (its
    labels are set apart, as paragraphs) takes only the font it starts in from them, so it
    is read once for every language: a copy sharing its shapes (drawing changes none)."""
    layout = ctx.layout
    roles = tuple(sorted(layout.figure_colors.items()))
    colors = tuple(sorted((role, layout.colors[role]) for role, _ in roles if role in layout.colors))
    ground = ground or layout.colors["paper"]
    if _TEXT.search(art.svg):
        return _drawing(art, roles, colors, ctx.fonts, ground)
    drawing = copy.copy(_drawing(art, roles, colors, None, ground))
    drawing.initialFontName = ctx.fonts.regular  # what read_svg sets: the renderer's starting font
    return drawing


def figure(ctx: Context, name: str, where: m.Origin | None = None) -> Artwork:
    """The artwork drawn for `name` in this layout: the layout's `figures:` may swap it for a
    variant (a narrow column's), and names the covers' art (`cover`)."""
    name = ctx.layout.figures.get(name, name)
    art = ctx.figures.get(name)
    if art is None:
        raise RenderError(f"no figure {name!r} (layouts/figures/{name}.svg) was loaded for this layout", where)
    return art


def draw_art(canv, art: Artwork, ctx: Context, styles: Styles | None, x: float, y: float,
             width: float, height: float, ground: str | None = None, spare: float = 0.0) -> None:
    """Draw the artwork into the box at (x, y), on a `ground` colour (the paper's unless
    given): scaled to fit it and centred, or, for art marked preserveAspectRatio="none",
    stretched to fill it. Labels may reach `spare` points beyond the box on either side."""
    from reportlab.graphics import renderPDF
    drawing = drawing_for(art, ctx, ground)
    if art.stretch and not art.labels:
        sx, sy = width / art.width, height / art.height
    else:
        sx = sy = min(width / art.width, height / art.height)
    dw, dh = art.width * sx, art.height * sy
    left, bottom = x + (width - dw) / 2, y + (height - dh) / 2
    canv.saveState()
    canv.translate(left, bottom)
    canv.scale(dw / drawing.width, dh / drawing.height)
    renderPDF.draw(drawing, canv, 0, 0)
    canv.restoreState()
    if art.labels:
        if styles is None:
            raise RenderError(f"the figure {art.shown} has labels, which this place cannot set")
        draw_labels(canv, art, ctx, styles, left, bottom, sx, spare + (width - dw) / 2)


def draw_labels(canv, art: Artwork, ctx: Context, styles, left: float, bottom: float, scale: float,
                spare: float = 0.0) -> None:
    for top, h, px, para in placed_labels(art, ctx, styles, left, bottom, scale, spare):
        para.drawOn(canv, px, top - h)


def placed_labels(art: Artwork, ctx: Context, styles, left: float, bottom: float, scale: float,
                  spare: float = 0.0) -> list:
    """Each label's words as a paragraph, its first baseline where the placeholder's is:
    (top, height, x, paragraph). Labels stacked in one column (same x and alignment) never
    overlap: one whose words run longer than the designer's (a translation) pushes the ones
    below it down. A drawing scaled down for a narrow column scales its labels' widths, not
    their type: a label narrower than the layout's `figure_label_min` widens away from its
    anchor (into the room beside the drawing, `spare` on each side, never past it), so it
    reads as a phrase rather than a word a line."""
    ux, uy = art.width / art.view[2], art.height / art.view[3]
    top_of_art = bottom + art.height * scale
    least = ctx.layout.sizes.get("figure_label_min", 0.0)
    lo, hi = left - spare, left + art.width * scale + spare
    placed = []
    for label in art.labels:
        style = styles[label.styles[0]]
        if label.align != style.alignment:
            style = styles.derive(f"align{label.align}", label.styles[0], alignment=label.align)
        width = label.width * ux * scale
        anchor = left + (label.x - art.view[0]) * ux * scale
        if width < least:  # start-aligned grows right, end-aligned left, centred both ways
            room = (hi - anchor, 2 * min(anchor - lo, hi - anchor), anchor - lo)[label.align]
            if label.align == 1:  # never into the half-way line to a label beside it
                room = min([room] + [abs(other.x - label.x) * ux * scale for other in art.labels
                                     if other is not label and abs(other.y - label.y) < 1])
            width = max(width, min(least, room))
        para = Paragraph(label_markup(label, ctx, styles), style)
        _, h = para.wrap(width, 1000)
        px = anchor - (0, width / 2, width)[label.align]
        top = top_of_art - (label.y - art.view[1]) * uy * scale + style.fontSize
        if top >= top_of_art - 1:  # a label along the drawing's top edge wraps upward, clear of it
            top += max(0.0, h - style.leading)
        placed.append([(label.align, round(label.x, 1)), top, h, px, para])
    floor: dict = {}
    for item in sorted(placed, key=lambda p: (p[0], -p[1])):
        column, top, h = item[0], item[1], item[2]
        if column in floor and top > floor[column]:
            item[1] = top = floor[column]
        floor[column] = top - h - 2
    return [tuple(item[1:]) for item in placed]


def label_overhang(art: Artwork, ctx: Context, styles, scale: float, width: float = 0.0) -> tuple[float, float]:
    """How far the labels reach above and below the drawing at this scale, centred in a box
    `width` wide: a label that wraps to more lines than the designer's (a long translation,
    a narrow column) runs past the art, and the figure's box grows by as much, so the
    caption below moves down."""
    if not art.labels or styles is None:
        return 0.0, 0.0
    placed = placed_labels(art, ctx, styles, 0.0, 0.0, scale, max(0.0, width - art.width * scale) / 2)
    height = art.height * scale
    return (max(0.0, max(top for top, _, _, _ in placed) - height),
            max(0.0, -min(top - h for top, h, _, _ in placed)))


def label_markup(label, ctx: Context, styles) -> str:
    words = ctx.strings
    parts = [esc(words[label.keys[0]])]
    for key, style_name in zip(label.keys[1:], label.styles[1:]):
        st = styles[style_name]
        colour = "#" + st.textColor.hexval()[2:]
        parts.append(f'<font name="{st.fontName}" color="{colour}">{esc(words[key])}</font>')
    markup = "<br/>".join(parts)
    if label.color:
        markup = f'<font color="{ctx.layout.colors[label.color]}">{markup}</font>'
    return markup


class FigureArt(Flowable):
    """One figure across the width it is given, with its alt text as invisible text beneath.

    In a column (box_height None) it is drawn at its own size or smaller; in a box of a
    given height (a cover) it is scaled to fit `fill` of that height."""

    def __init__(self, art: Artwork, alt: str, ctx: Context, styles, box_height: float | None = None,
                 fill: float = 1.0, alt_style=None):
        super().__init__()
        self.art, self.alt, self.ctx, self.styles = art, alt, ctx, styles
        self.box_height, self.fill = box_height, fill
        self.alt_style = alt_style

    def _fit(self, width: float) -> tuple[float, float, float]:
        """(scale, the labels' overhang above, below) across `width`; a panel is measured
        again and again at one width while it is fitted and drawn, so the answer is kept."""
        kept = self.__dict__.get("_fitted")
        if kept is None or kept[0] != width:
            scale, over = self._scale(width)
            kept = self._fitted = width, (scale, *(over or label_overhang(self.art, self.ctx, self.styles,
                                                                          scale, width)))
        return kept[1]

    def _scale(self, width: float) -> tuple[float, tuple | None]:
        """The drawing's scale, and the labels' overhang at it if that was measured."""
        if self.box_height is None:
            return min(1.0, width / self.art.width), None
        scale = min(width / self.art.width, self.box_height * self.fill / self.art.height)
        for _ in range(8):  # the labels' overhang comes out of the box too; smaller, they wrap more
            above, below = label_overhang(self.art, self.ctx, self.styles, scale, width)
            fitted = max(0.0, self.box_height * self.fill - above - below) / self.art.height
            if fitted >= scale - 1e-3:
                return scale, (above, below)
            scale = fitted
        return scale, None

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        self.scale, self.above, self.below = self._fit(avail_width)
        drawn = self.art.height * self.scale + self.above + self.below
        self.height = self.box_height if self.box_height is not None else drawn
        return self.width, self.height

    def draw(self):
        scale = self.scale
        dw, dh = self.art.width * scale, self.art.height * scale
        # the drawing and its labels' overhang, centred as one in the box
        y = (self.height - dh - self.above - self.below) / 2 + self.below
        draw_art(self.canv, self.art, self.ctx, self.styles, (self.width - dw) / 2, y, dw, dh,
                 spare=(self.width - dw) / 2)
        if self.alt and not is_tagged(self.canv):  # a tagged file carries it as the Figure's /Alt
            draw_alt_text(self.canv, self.alt, self.alt_style or self.styles["body"], self.width, self.height)


def figure_flowables(fig: m.Figure, number: int, ctx: Context, styles: Styles) -> list:
    """The drawing and its caption, kept on one page: 'Figure N: caption'. Marked as
    floating: where a book's page has no room for it, the text after it fills the page."""
    s = ctx.strings
    caption = Paragraph(f"<b>{esc(s['figure'])} {number}:</b> {fig.caption.markup}", styles["caption"])
    where = replace(fig.caption.origin, field=fig.caption.origin.field.removesuffix(".caption"))
    art = holding(FigureArt(figure(ctx, fig.name, where), fig.alt, ctx, styles), where, "this figure")
    kept = keep_together([Spacer(1, ctx.layout.size("figure_gap")), art, caption])
    kept.floats = True  # a book may set the text after it first (GuideDoc: to the next page's top)
    return [kept]
