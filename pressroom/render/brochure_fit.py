"""Fitting text into a fixed panel: every style shrinks together, none below its min_size.

A panel is a column: flowables stacked from the top, and an optional foot stacked at the
bottom. Space between flowables collapses the way a ReportLab Frame does it, so what is
measured is what is drawn. Text that still does not fit is reported, never clipped.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from typing import Callable

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas

from ..layout.layouts import Layout
from ..memo import remembered
from .common import Styles

_STEP = 0.025   # shrink 2.5% at a time: small enough to keep the largest size that fits
_TALL = 100_000
_MEASURE = Canvas(io.BytesIO())  # some flowables (lists) need a canvas to measure; never saved


@remembered(256)
def _styles_at(styles: tuple, fonts, lang: str, scale: float, aliases: tuple) -> dict[str, ParagraphStyle]:
    """The one set of style objects (filled as they are asked for) for these layout styles,
    fonts, language and scale in this process. A brochure's office and press editions fit
    the same panels through the same scales: sharing the style objects, they share the
    parsed paragraphs too (tagging's memo is per markup and style object)."""
    return {}


class ScaledStyles:
    """The layout's styles at one fitting scale; remembers which styles a panel used."""

    def __init__(self, base: Styles, layout: Layout, scale: float, aliases: dict | None = None):
        self.base, self.layout, self.scale = base, layout, scale
        self.aliases = aliases or {}  # a style read under another name
        self.used: set[str] = set()
        self._cache = _styles_at(tuple(sorted(layout.styles.items())), base.ctx.fonts, base.ctx.strings.lang,
                                 scale, tuple(sorted(self.aliases.items())))

    def size(self, name: str) -> float:
        style = self.layout.styles[self.aliases.get(name, name)]
        return max(style.min_size, style.size * self.scale)

    def __getitem__(self, name: str) -> ParagraphStyle:
        name = self.aliases.get(name, name)
        self.used.add(name)
        if name not in self._cache:
            style = self.layout.styles[name]
            r = self.size(name) / style.size
            self._cache[name] = ParagraphStyle(
                f"{name}@{self.scale:.3f}", parent=self.base[name], fontSize=style.size * r,
                leading=style.leading * r, spaceBefore=style.space_before * r,
                spaceAfter=style.space_after * r)
        return self._cache[name]

    def derive(self, name: str, base: str, **changes) -> ParagraphStyle:
        key = f"{base}/{name}"
        if key not in self._cache:
            self._cache[key] = ParagraphStyle(f"{key}@{self.scale:.3f}", parent=self[base], **changes)
        return self._cache[key]

    @property
    def at_minimum(self) -> bool:
        return all(self.layout.styles[n].size * self.scale <= self.layout.styles[n].min_size + 1e-6
                   for n in self.used)


def block_start(flowable):
    """Mark a flowable that opens a block of a panel's text: spread space may go above it."""
    flowable.opens_block = True
    return flowable


def _walk(flowables: list, width: float, canv, place: Callable | None = None, extra: tuple = ()) -> float:
    """Stack flowables downwards from 0, `extra[i]` more above the i-th block after the
    first; return the height used (last space after excluded)."""
    y, after, block = 0.0, 0.0, 0
    for i, flowable in enumerate(flowables):
        if i:
            y += after + max(flowable.getSpaceBefore() - after, 0)
            if getattr(flowable, "opens_block", False):
                y += extra[block] if block < len(extra) else 0
                block += 1
        _, h = flowable.wrapOn(canv, width, _TALL)
        y += h
        if place:
            place(flowable, y)
        after = flowable.getSpaceAfter()
    return y


def stack_height(flowables: list, width: float) -> float:
    return _walk(flowables, width, _MEASURE)


def draw_stack(canv, flowables: list, x: float, top: float, width: float, extra: tuple = ()) -> float:
    """Draw flowables downwards from `top`; return the bottom of the last one."""
    return top - _walk(flowables, width, canv, lambda f, y: f.drawOn(canv, x, top - y), extra)


@dataclass
class Column:
    """A fitted panel region: `top` stacks down from the top, `foot` sits on the bottom,
    `middle` is centred in the space left between them."""

    top: list
    middle: list
    foot: list
    styles: ScaledStyles
    overflow: float  # points past the region's height; 0 when it fits
    extra: tuple = ()  # more space above each block of `top` after the first (see spread)


def _need(parts: tuple[list, list, list], width: float, gap: float) -> float:
    heights = [stack_height(part, width) for part in parts if part]
    return sum(heights) + gap * max(0, len(heights) - 1)


class Fitter:
    """One region's search for the largest scale at which its column fits. What it built and
    measured at a scale it keeps, so a search from another start (the panels' common scale,
    see brochure.compose) takes a scale it tried already instead of setting it again."""

    def __init__(self, build: Callable[[ScaledStyles], tuple[list, list, list]], base: Styles, layout: Layout,
                 width: float, height: float, gap: float, aliases: dict | None = None):
        self.build, self.base, self.layout, self.aliases = build, base, layout, aliases
        self.width, self.height, self.gap = width, height, gap
        self._tried: dict[float, tuple[Column, bool]] = {}

    def at(self, scale: float) -> tuple[Column, bool]:
        """The column at `scale`, and whether a search stops there (it fits, or cannot shrink)."""
        if scale not in self._tried:
            styles = ScaledStyles(self.base, self.layout, scale, self.aliases)
            parts = self.build(styles)
            need = _need(parts, self.width, self.gap)
            stop = need <= self.height + 0.01 or styles.at_minimum or scale <= _STEP
            self._tried[scale] = Column(*parts, styles, max(0.0, need - self.height)), stop
        return self._tried[scale]

    def fit(self, start: float = 1.0) -> Column:
        """The largest scale from `start` down, in steps of _STEP, at which the column fits, or
        the smallest one and its overflow."""
        scale = start
        while True:
            column, stop = self.at(scale)
            if stop:
                return column
            scale -= _STEP


def spread(column: Column, width: float, height: float, gap: float, most: float) -> Column:
    """A short panel set out over its height: the room its text leaves goes between the
    blocks of its top stack, up to `most` points each; what is still left stays below the
    text, which hangs from the panel's top line. (Pushing the last block down to the foot
    tore a short panel's text into two halves with a hole between them.)"""
    blocks = sum(1 for f in column.top[1:] if getattr(f, "opens_block", False))
    free = height - _need((column.top, column.middle, column.foot), width, gap)
    if not blocks or free <= 0 or column.middle:
        return column
    return replace(column, extra=(min(most, free / blocks),) * blocks)


def draw_column(canv, column: Column, x: float, y: float, width: float, height: float) -> None:
    top = y + height
    used = _walk(column.top, width, _MEASURE, extra=column.extra)
    draw_stack(canv, column.top, x, top, width, column.extra)
    foot = stack_height(column.foot, width)
    draw_stack(canv, column.foot, x, y + foot, width)
    if column.middle:
        middle = stack_height(column.middle, width)
        free = height - used - foot - middle
        draw_stack(canv, column.middle, x, top - used - free / 2, width)
