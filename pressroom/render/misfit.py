"""Text that does not fit a layout, told by its cause.

A renderer that cannot fit something raises Misfits, each naming the content that does not
fit (file, line, field), where, by how much, and how many of that text's own words take that
much room. `explained` then asks whether the clinic is the cause: the document is set again
with the clinic's unusually long fields cut to an ordinary length, and a misfit that goes
away (or whose text holds such a field, put there by a `{{ clinic.* }}` template) is told as
that field's, at its line in clinic.yaml. `told` merges the misfits of every document and
layout, so that one cause is one message.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Callable

from reportlab.platypus import Flowable
from reportlab.platypus.doctemplate import LayoutError

from ..source import model as m
from ..errors import Problem
from .common import Context, RenderError

# The longest each clinic field is expected to be. A misfit while every field is within these
# is the document's own; a longer field is cut to this length to see whether it is the cause.
ORDINARY = {"name": 40, "phone": 20, "after_hours": 20, "emergency": 20, "website": 40, "email": 40,
            "address": 40}
ADDRESS_LINES = 4


@dataclass(frozen=True)
class Misfit:
    """Content that does not fit `where` in one layout."""

    source: m.Origin      # the content that does not fit: file, line, field
    what: str             # "the leaflet", "the 'When to call us' box", "panel 2 'What is MISS?' (…)"
    where: str            # "on 2 pages", "on one page (it cannot break across pages)"
    layout: str
    over: float           # points too tall
    lines: int            # about how many lines of body text that is
    words: int            # words of this text that take that room (0: it has no words of its own)
    hint: str = ""        # more advice, e.g. " or move detail to the guide"
    texts: tuple = field(default=(), compare=False, repr=False)  # the m.Text it holds
    place: str = ""       # a shorter name, the same in every language ("the brochure's inside flap")

    def message(self, group: list["Misfit"]) -> str:
        over = max(f.over for f in group)
        lines, words = max(f.lines for f in group), max(f.words for f in group)
        upto = "up to " if len({round(f.over) for f in group}) > 1 else ""
        advice = f"cut about {words} word{_s(words)}" if words else "shorten it"
        return (f"{self.what} does not fit {self.where} in the {_layouts(group)}: it overflows by {upto}"
                f"{over / 72:.2f} in ({max(1, round(over * 25.4 / 72))} mm, about {lines} line{_s(lines)}); "
                f"{advice}{self.hint}")


@dataclass(frozen=True)
class LongField:
    """A clinic field that makes `what` not fit in one layout."""

    source: m.Origin      # the field's line in clinic.yaml (or a translation's clinic.yaml)
    length: str           # "35 characters", "6 lines"
    advice: str           # "shorten it to at most 20 characters"
    place: str
    layout: str

    def message(self, group: list["LongField"]) -> str:
        places = _and(sorted({f.place for f in group}))
        return f"is too long ({self.length}) for {places} in the {_layouts(group)}; {self.advice}"


class Misfits(RenderError):
    """Everything that does not fit one document in one layout."""

    def __init__(self, misfits):
        self.misfits = tuple(misfits)
        super().__init__("; ".join(f.message([f]) for f in self.misfits))


def told(misfits) -> list[Problem]:
    """One problem per cause (a field, a panel, a document), however many layouts, documents
    and languages it spoils."""
    groups: dict[tuple, list] = defaultdict(list)
    for misfit in misfits:
        groups[(type(misfit).__name__, misfit.source.path, misfit.source.line, misfit.source.field)].append(misfit)
    return [Problem(group[0].source.path, group[0].source.line, group[0].message(group), group[0].source.field)
            for group in groups.values()]


def words_to_cut(texts, over: float, height: float) -> int:
    """The words that fill `over` points, at the density of `texts` set in `height` points;
    never more than the text has."""
    words = sum(len(t.plain.split()) for t in texts)
    if not words or height <= 0:
        return 0
    return min(words, max(1, math.ceil(words * over / height)))


# -- the clinic as a cause ----------------------------------------------------------------------

def explained(render: Callable[[Context], object], ctx: Context):
    """render(ctx); if something does not fit, the misfits the clinic's long fields cause are
    told as theirs."""
    try:
        return render(ctx)
    except Misfits as exc:
        raise Misfits(_blame_clinic(exc.misfits, ctx, render)) from None


def _blame_clinic(misfits: tuple, ctx: Context, render) -> list:
    """Each misfit as it is told: the long clinic fields that cause it, else itself."""
    clinic = ctx.clinic
    long = [name for name in ORDINARY if _too_long(name, getattr(clinic, name))]
    if not long:
        return list(misfits)
    culprits: dict[Misfit, list[str]] = {}
    for misfit in misfits:
        held = [name for name in long if _holds(misfit, getattr(clinic, name))]
        if held:
            culprits[misfit] = held
    left = _misfits_with(render, ctx, long)
    freed = [f for f in misfits if f not in culprits and _gone(f, left)]
    if freed:
        alone = {name: _misfits_with(render, ctx, [name]) for name in long} if len(long) > 1 else {}
        for misfit in freed:
            culprits[misfit] = [name for name in alone if _gone(misfit, alone[name])] or long
    out = [misfit for misfit in misfits if misfit not in culprits]
    for misfit, names in culprits.items():
        out += [_long_field(clinic, name, misfit) for name in names]
    return out


def _too_long(name: str, value) -> bool:
    if isinstance(value, tuple):  # the address
        return len(value) > ADDRESS_LINES or any(len(line) > ORDINARY[name] for line in value)
    return value is not None and len(value) > ORDINARY[name]


def _key(misfit: Misfit) -> tuple:
    return misfit.source, misfit.what, misfit.where


def _gone(misfit: Misfit, left: set | None) -> bool:
    return left is not None and _key(misfit) not in left


def _holds(misfit: Misfit, value) -> bool:
    """The field's text is part of the text that does not fit (a template put it there)."""
    values = value if isinstance(value, tuple) else (value,)
    return any(v and v in t.plain for v in values for t in misfit.texts)


def _misfits_with(render, ctx: Context, names: list[str]) -> set | None:
    """The misfits left (by key) when the named fields are cut to their ordinary length; None
    when it then fails some other way (which explains nothing)."""
    clinic = ctx.clinic
    cut = {}
    for name in names:
        value = getattr(clinic, name)
        limit = ORDINARY[name]
        cut[name] = (tuple(line[:limit] for line in value[:ADDRESS_LINES]) if isinstance(value, tuple)
                     else value[:limit])
    try:
        render(replace(ctx, clinic=replace(clinic, **cut)))
    except Misfits as exc:
        return {_key(f) for f in exc.misfits}
    except RenderError:
        return None
    return set()


def _long_field(clinic: m.Clinic, name: str, misfit: Misfit) -> LongField:
    value, limit = getattr(clinic, name), ORDINARY[name]
    if isinstance(value, tuple):
        longest = max(len(line) for line in value) if value else 0
        length = f"{len(value)} lines" if len(value) > ADDRESS_LINES else f"a line of {longest} characters"
        advice = f"keep it to at most {ADDRESS_LINES} lines of at most {limit} characters"
    else:
        length, advice = f"{len(value)} characters", f"shorten it to at most {limit} characters"
    return LongField(clinic.origin_of(name), length, advice, misfit.place or misfit.what, misfit.layout)


# -- flowables taller than a page -----------------------------------------------------------------

class TooTall(Exception):
    """A flowable no page of the layout can hold (ReportLab's LayoutError, caught with the
    flowable it was about)."""

    def __init__(self, flowable, width: float, height: float):
        super().__init__("too tall")
        self.flowable, self.width, self.height = flowable, width, height

    def misfit(self, layout, fallback: m.Origin, leading: float) -> Misfit:
        tagged = [f for f in _walk(self.flowable) if getattr(f, "holds", None)]
        heights = {id(f): f.wrap(self.width, self.height)[1] for f in tagged}
        if tagged:
            flowable = max(tagged, key=lambda f: heights[id(f)])
            source, what, texts = flowable.holds
            tall = heights[id(flowable)]
        else:
            source, what, texts = fallback, "a part of this document", ()
            tall = self.flowable.wrap(self.width, self.height)[1] if self.flowable is not None else self.height
        over = max(tall - self.height, 1.0)
        return Misfit(source, what, "on one page (it cannot break across pages)",
                      layout.name, over, max(1, round(over / leading)), words_to_cut(texts, over, tall),
                      texts=texts)


def _walk(flowable):
    """A flowable and everything inside it (kept-together groups, lists, table cells)."""
    if not isinstance(flowable, Flowable):
        return
    yield flowable
    children = list(getattr(flowable, "_content", None) or getattr(flowable, "_flowables", None) or [])
    for row in getattr(flowable, "_cellvalues", None) or []:
        for cell in row:
            children.extend(cell if isinstance(cell, (list, tuple)) else [cell])
    for child in children:
        yield from _walk(child)


class CatchesTooTall:
    """Mixin for a DocTemplate: a flowable no frame can hold raises TooTall with it."""

    def handle_flowable(self, flowables):
        current = flowables[0] if flowables else None
        try:
            super().handle_flowable(flowables)
        except LayoutError:
            frame = self.frame
            raise TooTall(current, frame._aW, frame._height - frame._topPadding - frame._bottomPadding) from None


def _layouts(group) -> str:
    names = sorted({f.layout for f in group})
    return f"{_and(names)} layout{_s(len(names))}"


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _s(count: int) -> str:
    return "" if count == 1 else "s"
