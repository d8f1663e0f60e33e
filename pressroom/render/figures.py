"""The guide's figures, drawn as vectors in the layout's fonts, colours and words.

Each figure is a Flowable that sizes itself to its column, so one drawing serves a Letter
page and a narrow booklet page: the artwork scales, the labels keep their type size.
ReportLab cannot tag a PDF, so the alt text is written under the drawing as invisible text
(render mode 3, the convention of OCR layers): it is not printed, but text extraction,
search, copy and screen readers of untagged PDFs all read it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from reportlab.lib.colors import Color
from reportlab.platypus import Flowable, Paragraph, Spacer

from .. import model as m
from .common import Context, Styles, color, draw_alt_text, esc, holding, keep_together, mix
from .tagging import is_tagged



def tint(hex_value: str, amount: float) -> Color:
    """The colour mixed with `amount` (0..1) of white: light fills from brand colours."""
    c = color(hex_value)
    return Color(*(v + (1 - v) * amount for v in (c.red, c.green, c.blue)))


@dataclass
class Pen:
    """What a drawing needs: the canvas, the layout's colours and styles, the words."""

    canv: object
    ctx: Context
    styles: Styles

    def c(self, name: str) -> Color:
        return color(self.ctx.layout.colors[name])

    def over(self, name: str, amount: float, ground: str = "primary") -> Color:
        """Colour `name` washed over `ground` by `amount`, as one opaque colour."""
        colors = self.ctx.layout.colors
        return color(mix(colors[name], colors[ground], amount))

    def word(self, key: str) -> str:
        return esc(self.ctx.strings[key])

    def label(self, markup: str, style: str, x: float, top: float, width: float,
              align: int | None = None) -> float:
        """Draw a paragraph whose first line's top is `top`; return its height."""
        st = self.styles[style]
        if align is not None and align != st.alignment:
            st = self.styles.derive(f"align{align}", style, alignment=align)
        p = Paragraph(markup, st)
        _, h = p.wrap(width, 1000)
        p.drawOn(self.canv, x, top - h)
        return h

    def measure(self, markup: str, style: str, width: float) -> float:
        return Paragraph(markup, self.styles[style]).wrap(width, 1000)[1]


# -- the incision: a long cut against a short one ------------------------------------

def _torso(canv, x: float, y: float, w: float, h: float) -> None:
    """A person's back, seen from behind, in the box (x, y, w, h) below the neck."""
    def p(u, v):
        return x + u * w, y + v * h
    path = canv.beginPath()
    path.moveTo(*p(0.40, 1.0))
    for side in (1, -1):
        def q(u, v):
            return p(0.5 + side * (u - 0.5), v)
        if side == -1:
            path.lineTo(*q(0.84, 0.0))
            path.curveTo(*q(0.88, 0.22), *q(0.80, 0.30), *q(0.80, 0.45))
            path.curveTo(*q(0.80, 0.62), *q(0.99, 0.80), *q(0.95, 0.88))
            path.curveTo(*q(0.90, 0.93), *q(0.64, 0.93), *q(0.60, 1.0))
        else:
            path.lineTo(*q(0.60, 1.0))
            path.curveTo(*q(0.64, 0.93), *q(0.90, 0.93), *q(0.95, 0.88))
            path.curveTo(*q(0.99, 0.80), *q(0.80, 0.62), *q(0.80, 0.45))
            path.curveTo(*q(0.80, 0.30), *q(0.88, 0.22), *q(0.84, 0.0))
    path.close()
    canv.drawPath(path, stroke=1, fill=1)


def _cut(pen: Pen, x: float, y0: float, y1: float, stitches: int) -> None:
    canv = pen.canv
    canv.setStrokeColor(pen.c("cut"))
    canv.setLineCap(1)
    canv.setLineWidth(2.4)
    canv.line(x, y0, x, y1)
    canv.setLineWidth(1.1)
    for i in range(stitches):
        yy = y0 + (y1 - y0) * (i + 0.5) / stitches
        canv.line(x - 4, yy, x + 4, yy)


def incision_height(pen: Pen, width: float) -> float:
    return pen.ctx.layout.size("incision_height")


def draw_incision(pen: Pen, width: float, height: float) -> None:
    canv, half = pen.canv, width / 2
    label_h = max(pen.measure(pen.word(k), "figure_label", half - 12) for k in ("fig_open", "fig_miss"))
    cut_h = max(pen.measure(pen.word(k), "figure_label", half - 12)
                for k in ("fig_open_cut", "fig_miss_cut"))
    body_h = height - label_h - cut_h - 20
    tw = min(half * 0.62, body_h / 1.45)
    th = tw * 1.2
    head = tw * 0.15
    for i, (name, cut_word) in enumerate((("fig_open", "fig_open_cut"), ("fig_miss", "fig_miss_cut"))):
        x0 = i * half
        pen.label(pen.word(name), "figure_label", x0 + 6, height, half - 12, align=1)
        bottom = cut_h + 10
        tx = x0 + (half - tw) / 2
        canv.setFillColor(tint(pen.ctx.layout.colors["primary"], 0.88))
        canv.setStrokeColor(pen.c("primary"))
        canv.setLineWidth(1.2)
        _torso(canv, tx, bottom, tw, th)
        canv.rect(tx + tw * 0.43, bottom + th - 1, tw * 0.14, head * 0.5, stroke=0, fill=1)
        canv.circle(tx + tw / 2, bottom + th + head * 1.35, head, stroke=1, fill=1)
        canv.setStrokeColor(pen.c("muted"))
        canv.setLineWidth(0.8)
        canv.setDash(1.5, 3)
        canv.line(tx + tw / 2, bottom + th * 0.08, tx + tw / 2, bottom + th * 0.96)
        canv.setDash()
        if i == 0:
            y0, y1, cx, stitches = bottom + th * 0.22, bottom + th * 0.66, tx + tw / 2, 9
        else:
            y0, y1, cx, stitches = bottom + th * 0.36, bottom + th * 0.43, tx + tw * 0.57, 1
        _cut(pen, cx, y0, y1, stitches)
        # a dimension bracket beside the cut ties it to its measure below
        bx = cx + tw * 0.14
        canv.setStrokeColor(pen.c("cut"))
        canv.setLineWidth(0.8)
        canv.line(bx, y0, bx, y1)
        canv.line(bx - 3, y0, bx + 3, y0)
        canv.line(bx - 3, y1, bx + 3, y1)
        pen.label(f'<font color="{pen.ctx.layout.colors["cut"]}">{pen.word(cut_word)}</font>',
                  "figure_label", x0 + 6, cut_h + 2, half - 12, align=1)
    canv.setStrokeColor(pen.c("rule"))
    canv.setLineWidth(0.75)
    canv.line(half, cut_h, half, height - label_h - 4)


# -- the spine: where each procedure acts --------------------------------------------

_LEVELS = 6
_BODY_W, _BODY_H, _DISC_H, _CANAL, _ART_W, _ART_H = 58.0, 34.0, 13.0, 15.0, 150.0, 290.0


class _Anatomy:
    """A lumbar spine from the side, front to the left, in its own units (150 x 290)."""

    def __init__(self, pen: Pen, x: float, y: float, scale: float):
        self.pen, self.x, self.y, self.s = pen, x, y, scale

    def at(self, u: float, v: float) -> tuple[float, float]:
        return self.x + u * self.s, self.y + v * self.s

    def level(self, i: int) -> tuple[float, float]:
        """Left edge of vertebra i's body and its vertical centre (gentle lordosis)."""
        top = _ART_H - 14 - _BODY_H / 2
        return 16 - 9 * math.sin(math.pi * i / (_LEVELS - 1)), top - i * (_BODY_H + _DISC_H)

    def draw(self) -> dict[str, tuple[float, float]]:
        c, pen = self.pen.canv, self.pen
        c.saveState()
        c.translate(self.x, self.y)
        c.scale(self.s, self.s)
        c.setLineJoin(1)
        anchors = {}
        # the nerve runs behind the bodies, in the canal, top to bottom
        points = [(self.level(i)[0] + _BODY_W + _CANAL / 2, self.level(i)[1]) for i in range(_LEVELS)]
        (x1, y1), (x2, y2) = points[1], points[2]
        points.insert(2, ((x1 + x2) / 2 + 4, (y1 + y2) / 2))  # pushed back by the herniated disc
        path = c.beginPath()
        path.moveTo(points[0][0], _ART_H)
        for xx, yy in points:
            path.lineTo(xx, yy)
        path.lineTo(points[-1][0], 0)
        c.setStrokeColor(pen.c("nerve"))
        c.setLineWidth(7)
        c.setLineCap(1)
        c.drawPath(path, stroke=1, fill=0)
        anchors["nerve"] = (points[0][0], _ART_H - 4)
        for i in range(_LEVELS):
            self._vertebra(i, anchors)
        for i in range(_LEVELS - 1):
            self._disc(i, anchors)
        self._fusion(anchors)
        c.restoreState()
        return {k: self.at(*v) for k, v in anchors.items()}

    def _bone(self) -> None:
        c = self.pen.canv
        c.setFillColor(self.pen.c("bone"))
        c.setStrokeColor(self.pen.c("bone_line"))
        c.setLineWidth(1.1)

    def _vertebra(self, i: int, anchors: dict) -> None:
        c, pen = self.pen.canv, self.pen
        bx, yc = self.level(i)
        ax = bx + _BODY_W + _CANAL
        # posterior arch: pedicle, lamina and spinous process
        self._bone()
        c.rect(bx + _BODY_W - 2, yc + 3, _CANAL + 4, 10, stroke=1, fill=1)
        arch = [(0, 15), (14, 13), (46, 3), (53, -5), (49, -13), (15, -9), (0, -15)]
        if i == 0:  # decompression: the lamina, shown lightened where it is trimmed
            c.setFillColor(tint(pen.ctx.layout.colors["accent"], 0.55))
            c.setStrokeColor(pen.c("accent"))
            c.setLineWidth(1.4)
            anchors["decompression"] = (ax + 18, yc + 6)
        p = c.beginPath()
        p.moveTo(ax + arch[0][0], yc + arch[0][1])
        for u, v in arch[1:]:
            p.lineTo(ax + u, yc + v)
        p.close()
        c.drawPath(p, stroke=1, fill=1)
        if i == 0:
            c.setDash(2, 2)
            c.line(ax + 3, yc + 11, ax + 3, yc - 11)
            c.setDash()
        # the body
        self._bone()
        if i == _LEVELS - 1:  # kyphoplasty: a collapsed body, filled with cement
            h = _BODY_H
            p = c.beginPath()
            p.moveTo(bx, yc - h / 2)
            p.lineTo(bx + _BODY_W, yc - h / 2)
            p.lineTo(bx + _BODY_W, yc + h / 2 - 3)
            p.lineTo(bx, yc + h / 2 - 14)
            p.close()
            c.drawPath(p, stroke=1, fill=1)
            c.setFillColor(pen.c("cement"))
            c.ellipse(bx + 10, yc - h / 2 + 6, bx + _BODY_W - 10, yc + h / 2 - 12, stroke=0, fill=1)
            c.setFillColor(pen.c("bone"))
            for k in range(9):
                c.circle(bx + 16 + (k * 7) % 28, yc - 8 + (k * 5) % 12, 1.1, stroke=0, fill=1)
            anchors["kyphoplasty"] = (bx + 20, yc - 2)
        else:
            c.roundRect(bx, yc - _BODY_H / 2, _BODY_W, _BODY_H, 5, stroke=1, fill=1)

    def _disc(self, i: int, anchors: dict) -> None:
        c, pen = self.pen.canv, self.pen
        (bx0, y0), (bx1, y1) = self.level(i), self.level(i + 1)
        top, bottom = y0 - _BODY_H / 2 - 1, y1 + _BODY_H / 2 + 1
        left = (bx0 + bx1) / 2 + 2
        c.setFillColor(pen.c("disc"))
        c.setStrokeColor(pen.c("bone_line"))
        c.setLineWidth(0.8)
        if i == 3:  # fusion: the disc space packed with bone graft
            c.setFillColor(pen.c("bone"))
            c.rect(left, bottom, _BODY_W - 4, top - bottom, stroke=1, fill=1)
            c.setFillColor(pen.c("bone_line"))
            for k in range(8):
                c.circle(left + 5 + k * 6.5, (top + bottom) / 2 + (2 if k % 2 else -2), 1.2, stroke=0, fill=1)
            return
        c.roundRect(left, bottom, _BODY_W - 4, top - bottom, 3, stroke=1, fill=1)
        if i == 0:
            anchors["disc"] = (left + 3, (top + bottom) / 2)
        if i == 1:  # discectomy: disc material bulging back onto the nerve
            mid = (top + bottom) / 2
            x = left + _BODY_W - 4
            p = c.beginPath()
            p.moveTo(x - 1, top - 1)
            p.curveTo(x + 8, top + 1, x + 15, mid + 5, x + 13, mid)
            p.curveTo(x + 12, mid - 6, x + 6, bottom - 1, x - 1, bottom + 1)
            p.close()
            c.setFillColor(pen.c("cut"))
            c.setStrokeColor(pen.c("cut"))
            c.drawPath(p, stroke=1, fill=1)
            anchors["discectomy"] = (x + 12, mid)

    def _fusion(self, anchors: dict) -> None:
        """Screws through vertebrae 4 and 5, joined by a rod behind them."""
        c, pen = self.pen.canv, self.pen
        heads = []
        for i in (3, 4):
            bx, yc = self.level(i)
            head = (bx + _BODY_W + _CANAL + 22, yc + 4)
            c.setStrokeColor(pen.c("hardware"))
            c.setLineWidth(3.2)
            c.setLineCap(1)
            c.line(bx + 14, yc + 6, *head)
            heads.append(head)
        c.setLineWidth(4)
        c.line(heads[0][0] + 1, heads[0][1] + 8, heads[1][0] + 1, heads[1][1] - 8)
        c.setFillColor(pen.c("hardware"))
        for hx, hy in heads:
            c.circle(hx + 1, hy, 4, stroke=0, fill=1)
        anchors["fusion"] = (heads[0][0] + 3, (heads[0][1] + heads[1][1]) / 2)


def spine_height(pen: Pen, width: float) -> float:
    return pen.ctx.layout.size("spine_height")


def draw_spine(pen: Pen, width: float, height: float) -> None:
    art_w = min(pen.ctx.layout.size("spine_width"), width * 0.42)
    scale = min(art_w / _ART_W, (height - 24) / _ART_H)
    art_w = _ART_W * scale
    col = (width - art_w) / 2 - 10
    x = (width - art_w) / 2
    anatomy = _Anatomy(pen, x, 24 + (height - 24 - _ART_H * scale) / 2, scale)
    anchors = anatomy.draw()
    right = [("decompression", True), ("discectomy", True), ("fusion", True)]
    left = [("nerve", False), ("disc", False), ("kyphoplasty", True)]
    for side, items in ((-1, left), (1, right)):
        labels = [_callout(pen, name, procedure, col) for name, procedure in items]
        tops, floor = [], height
        for (markup, style, h), (name, _) in zip(labels, items):  # top down, each below the last
            tops.append(min(floor, anchors[name][1] + pen.styles[style].leading / 2 + 2))
            floor = tops[-1] - h - 8
        ceiling = 26  # then bottom up, clear of the Front/Back row
        for i in reversed(range(len(tops))):
            tops[i] = max(tops[i], ceiling + labels[i][2])
            ceiling = tops[i] + 8
        lx = x - 10 - col if side < 0 else x + art_w + 10
        for (markup, style, h), top, (name, _) in zip(labels, tops, items):
            pen.label(markup, style, lx, top, col, align=2 if side < 0 else 0)
            _leader(pen, (x - 6 if side < 0 else x + art_w + 6), top - pen.styles[style].leading / 2 - 1,
                    *anchors[name])
    _orientation(pen, x, art_w)


def _callout(pen: Pen, name: str, procedure: bool, width: float) -> tuple[str, str, float]:
    """A procedure's name over what it does, or a plain anatomical word; with its height."""
    key = f"fig_{name}"
    if procedure:
        markup = (f"{pen.word(key)}<br/>"
                  f'<font name="{pen.styles["figure_hint"].fontName}" '
                  f'color="{pen.ctx.layout.colors["muted"]}">{pen.word(key + "_hint")}</font>')
        style = "figure_label"
    else:
        markup, style = pen.word(key), "figure_part"
    return markup, style, pen.measure(markup, style, width)


def _leader(pen: Pen, x0: float, y0: float, x1: float, y1: float) -> None:
    c = pen.canv
    c.setStrokeColor(pen.c("text"))
    c.setLineWidth(0.7)
    c.line(x0, y0, x1, y1)
    c.setFillColor(pen.c("text"))
    c.circle(x1, y1, 1.8, stroke=0, fill=1)


def _orientation(pen: Pen, x: float, art_w: float) -> None:
    """'Front' and 'Back' under the drawing, with arrows pointing outwards."""
    c = pen.canv
    style = "figure_part"
    c.setStrokeColor(pen.c("muted"))
    c.setFillColor(pen.c("muted"))
    c.setLineWidth(0.8)
    y = 7
    for word, sign in (("fig_front", -1), ("fig_back", 1)):
        markup = pen.word(word)
        w = min(art_w / 2 - 14, 90)
        tx = x + art_w / 2 + (8 + 10 if sign > 0 else -8 - 10 - w)
        pen.label(markup, style, tx, y + 7, w, align=0 if sign > 0 else 2)
        ax = x + art_w / 2 + sign * 6
        c.line(x + art_w / 2, y + 1, ax + sign * 6, y + 1)
        p = c.beginPath()
        tip = ax + sign * 10
        p.moveTo(tip, y + 1)
        p.lineTo(tip - sign * 5, y + 4)
        p.lineTo(tip - sign * 5, y - 2)
        p.close()
        c.drawPath(p, stroke=0, fill=1)


# -- the advantages: six icons --------------------------------------------------------

_ADVANTAGES = ("tissue", "pain", "recovery", "infection", "scar", "blood")


def _grid(pen: Pen, width: float) -> tuple[int, float, float, list[float]]:
    cols = 3 if width >= 380 else 2
    cell = width / cols
    d = min(pen.ctx.layout.size("icon"), cell * 0.55)
    rows = [max(pen.measure(pen.word(f"fig_adv_{n}"), "figure_label", cell - 8)
                for n in _ADVANTAGES[r * cols:(r + 1) * cols])
            for r in range(math.ceil(len(_ADVANTAGES) / cols))]
    return cols, cell, d, rows


def advantages_height(pen: Pen, width: float) -> float:
    _, _, d, rows = _grid(pen, width)
    return sum(d + 6 + h + 12 for h in rows)


def draw_advantages(pen: Pen, width: float, height: float) -> None:
    cols, cell, d, rows = _grid(pen, width)
    top = height
    for r, label_h in enumerate(rows):
        for k, name in enumerate(_ADVANTAGES[r * cols:(r + 1) * cols]):
            cx = cell * (k + 0.5)
            cy = top - d / 2
            pen.canv.setFillColor(pen.c("figure_fill"))
            pen.canv.circle(cx, cy, d / 2, stroke=0, fill=1)
            ICONS[name](pen, cx, cy, d / 2)
            pen.label(pen.word(f"fig_adv_{name}"), "figure_label", cx - cell / 2 + 4, top - d - 6,
                      cell - 8, align=1)
        top -= d + 6 + label_h + 12


def _stroke(pen: Pen, r: float, name: str = "primary", width: float = 0.08) -> None:
    pen.canv.setStrokeColor(pen.c(name))
    pen.canv.setLineWidth(r * width)
    pen.canv.setLineCap(1)
    pen.canv.setLineJoin(1)


def _icon_tissue(pen: Pen, cx: float, cy: float, r: float) -> None:
    c = pen.canv
    _stroke(pen, r, width=0.07)
    for dy in (-0.34, 0, 0.34):
        p = c.beginPath()
        p.moveTo(cx - 0.6 * r, cy + dy * r)
        p.curveTo(cx - 0.3 * r, cy + (dy + 0.12) * r, cx - 0.1 * r, cy + (dy - 0.12) * r, cx, cy + dy * r)
        p.curveTo(cx + 0.1 * r, cy + (dy + 0.12) * r, cx + 0.3 * r, cy + (dy - 0.12) * r, cx + 0.6 * r, cy + dy * r)
        c.drawPath(p, stroke=1, fill=0)
    c.setFillColor(pen.c("accent"))
    c.setStrokeColor(pen.c("figure_fill"))
    c.setLineWidth(r * 0.08)
    c.roundRect(cx - 0.12 * r, cy - 0.62 * r, 0.24 * r, 1.24 * r, 0.08 * r, stroke=1, fill=1)


def _icon_pain(pen: Pen, cx: float, cy: float, r: float) -> None:
    c = pen.canv
    oy, rr = cy - 0.22 * r, 0.6 * r
    for start, colour in ((180, "accent"), (120, "rule"), (60, "rule")):
        _stroke(pen, r, colour, 0.14)
        c.setLineCap(0)
        c.arc(cx - rr, oy - rr, cx + rr, oy + rr, start - 58, 56)
    _stroke(pen, r, "primary", 0.08)
    angle = math.radians(155)
    c.line(cx, oy, cx + 0.5 * r * math.cos(angle), oy + 0.5 * r * math.sin(angle))
    c.setFillColor(pen.c("primary"))
    c.circle(cx, oy, 0.09 * r, stroke=0, fill=1)


def _icon_recovery(pen: Pen, cx: float, cy: float, r: float) -> None:
    c = pen.canv
    ox = cx + 0.12 * r
    _stroke(pen, r, width=0.08)
    c.circle(ox, cy, 0.42 * r, stroke=1, fill=0)
    c.line(ox, cy, ox, cy + 0.28 * r)
    c.line(ox, cy, ox + 0.2 * r, cy - 0.1 * r)
    _stroke(pen, r, "accent", 0.08)
    for dy, length in ((0.22, 0.22), (0, 0.3), (-0.22, 0.22)):
        c.line(ox - 0.52 * r - length * r, cy + dy * r, ox - 0.52 * r, cy + dy * r)


def _icon_infection(pen: Pen, cx: float, cy: float, r: float) -> None:
    c = pen.canv
    p = c.beginPath()
    p.moveTo(cx, cy + 0.58 * r)
    p.curveTo(cx + 0.2 * r, cy + 0.48 * r, cx + 0.36 * r, cy + 0.46 * r, cx + 0.46 * r, cy + 0.46 * r)
    p.curveTo(cx + 0.46 * r, cy - 0.1 * r, cx + 0.3 * r, cy - 0.42 * r, cx, cy - 0.6 * r)
    p.curveTo(cx - 0.3 * r, cy - 0.42 * r, cx - 0.46 * r, cy - 0.1 * r, cx - 0.46 * r, cy + 0.46 * r)
    p.curveTo(cx - 0.36 * r, cy + 0.46 * r, cx - 0.2 * r, cy + 0.48 * r, cx, cy + 0.58 * r)
    p.close()
    c.setFillColor(pen.c("primary"))
    c.drawPath(p, stroke=0, fill=1)
    _stroke(pen, r, "on_primary", 0.1)
    p = c.beginPath()
    p.moveTo(cx - 0.2 * r, cy)
    p.lineTo(cx - 0.04 * r, cy - 0.17 * r)
    p.lineTo(cx + 0.22 * r, cy + 0.17 * r)
    c.drawPath(p, stroke=1, fill=0)


def _icon_scar(pen: Pen, cx: float, cy: float, r: float) -> None:
    c = pen.canv
    c.setFillColor(pen.c("on_primary"))
    _stroke(pen, r, "rule", 0.04)
    c.roundRect(cx - 0.55 * r, cy - 0.32 * r, 1.1 * r, 0.64 * r, 0.16 * r, stroke=1, fill=1)
    _stroke(pen, r, "cut", 0.08)
    c.line(cx - 0.2 * r, cy, cx + 0.2 * r, cy)
    _stroke(pen, r, "cut", 0.04)
    for dx in (-0.12, 0, 0.12):
        c.line(cx + dx * r, cy - 0.1 * r, cx + dx * r, cy + 0.1 * r)


def _icon_blood(pen: Pen, cx: float, cy: float, r: float) -> None:
    c = pen.canv
    p = c.beginPath()
    p.moveTo(cx, cy + 0.6 * r)
    p.curveTo(cx + 0.1 * r, cy + 0.3 * r, cx + 0.42 * r, cy + 0.05 * r, cx + 0.42 * r, cy - 0.2 * r)
    p.curveTo(cx + 0.42 * r, cy - 0.44 * r, cx + 0.22 * r, cy - 0.6 * r, cx, cy - 0.6 * r)
    p.curveTo(cx - 0.22 * r, cy - 0.6 * r, cx - 0.42 * r, cy - 0.44 * r, cx - 0.42 * r, cy - 0.2 * r)
    p.curveTo(cx - 0.42 * r, cy + 0.05 * r, cx - 0.1 * r, cy + 0.3 * r, cx, cy + 0.6 * r)
    p.close()
    c.setFillColor(pen.c("blood"))
    c.drawPath(p, stroke=0, fill=1)
    _stroke(pen, r, "on_primary", 0.1)
    c.line(cx - 0.18 * r, cy - 0.22 * r, cx + 0.18 * r, cy - 0.22 * r)


ICONS = {"tissue": _icon_tissue, "pain": _icon_pain, "recovery": _icon_recovery,
         "infection": _icon_infection, "scar": _icon_scar, "blood": _icon_blood}
DRAWINGS = {"incision": (incision_height, draw_incision), "spine": (spine_height, draw_spine),
            "advantages": (advantages_height, draw_advantages)}


# -- the cover's decoration -------------------------------------------------------------

def draw_cover_art(pen: Pen, x: float, y: float, width: float, height: float) -> None:
    """A stylised spine in light strokes on the cover's coloured block, its washes mixed
    as opaque colours so press files need no transparency (PDF/X-1a)."""
    c = pen.canv
    n = 9
    pitch = height / n
    c.saveState()
    for i in range(n):
        t = i / (n - 1)
        cx = x + width * 0.42 + width * 0.12 * math.sin(math.pi * 1.6 * t - 0.5)
        cy = y + height - pitch * (i + 0.5)
        w = width * (0.30 + 0.14 * t)
        c.setFillColor(pen.over("on_primary", 0.22 + 0.1 * t))
        c.roundRect(cx - w / 2, cy - pitch * 0.3, w, pitch * 0.6, pitch * 0.16, stroke=0, fill=1)
        c.setFillColor(pen.over("on_primary", 0.14 + 0.06 * t))  # the arch and spinous process, pointing back
        p = c.beginPath()
        p.moveTo(cx + w / 2 + pitch * 0.12, cy + pitch * 0.22)
        p.lineTo(cx + w / 2 + w * 0.75, cy - pitch * 0.05)
        p.lineTo(cx + w / 2 + w * 0.7, cy - pitch * 0.32)
        p.lineTo(cx + w / 2 + pitch * 0.12, cy - pitch * 0.2)
        p.close()
        c.drawPath(p, stroke=0, fill=1)
        if i < n - 1:
            c.setFillColor(pen.over("accent", 0.7))
            c.roundRect(cx - w * 0.4, cy - pitch * 0.46, w * 0.8, pitch * 0.1, pitch * 0.05, stroke=0, fill=1)
    c.restoreState()


# -- flowables --------------------------------------------------------------------------

class FigureArt(Flowable):
    """One drawing at the column's width, with its alt text as invisible text beneath."""

    def __init__(self, name: str, alt: str, ctx: Context, styles: Styles):
        super().__init__()
        self.name, self.alt, self.ctx, self.styles = name, alt, ctx, styles

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        self.height = DRAWINGS[self.name][0](Pen(None, self.ctx, self.styles), avail_width)
        return self.width, self.height

    def draw(self):
        pen = Pen(self.canv, self.ctx, self.styles)
        self.canv.saveState()
        DRAWINGS[self.name][1](pen, self.width, self.height)
        self.canv.restoreState()
        if not is_tagged(self.canv):  # a tagged file carries the text as the Figure's /Alt
            draw_alt_text(self.canv, self.alt, self.styles["body"], self.width, self.height)


def figure_flowables(fig: m.Figure, number: int, ctx: Context, styles: Styles) -> list:
    """The drawing and its caption, kept on one page: 'Figure N: caption'."""
    s = ctx.strings
    caption = Paragraph(f"<b>{esc(s['figure'])} {number}:</b> {fig.caption.markup}", styles["caption"])
    where = replace(fig.caption.origin, field=fig.caption.origin.field.removesuffix(".caption"))
    art = holding(FigureArt(fig.name, fig.alt, ctx, styles), where, "this figure")
    return [Spacer(1, ctx.layout.size("figure_gap")), keep_together([art, caption])]
