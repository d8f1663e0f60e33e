"""A job: one PDF to make. Renderers say which jobs a layout kind yields; `build` runs them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..layout.layouts import Layout
from ..source.model import Origin


@dataclass(frozen=True)
class Rendered:
    data: bytes
    pages: int
    warnings: tuple = ()  # Problems (errors.warning), e.g. a logo below 300 dpi; printed by the build
    preflight: dict | None = None  # a press file's preflight summary (see preflight.py), in the manifest


@dataclass(frozen=True)
class Personal:
    """How a document makes a personalised copy (leaflets): `render(patient)` gives the PDF
    with its "Prepared for" box, in memory; `part(patient)` is that copy as one part of a
    list (render.batch); `charset` is what its fonts can draw."""

    render: Callable[..., Rendered]
    part: Callable[..., object]
    charset: frozenset
    slug: str
    max_pages: int | None


@dataclass(frozen=True)
class Job:
    path: str                   # relative to the output folder, posix
    kind: str                   # leaflet, guide, guide-booklet, brochure, ...
    lang: str
    title: str
    layout: Layout
    source: Origin              # where errors about this document point
    inputs: tuple[Path, ...]    # every file the PDF depends on
    render: Callable[[], Rendered]
    group: str | None = None    # jobs sharing a render (a booklet and its imposed file) run together
    personal: Personal | None = None  # a leaflet: personalised copies (the print desk)


def output_name(lang: str, kind: str, layout: Layout, slug: str | None = None,
                paper: str | None = None) -> str:
    """`<lang>/<paper>/<kind>[-<slug>][-<edition>].pdf` — predictable for staff and scripts."""
    edition = edition_name(layout)
    stem = "-".join(x for x in (kind, slug, None if edition == "standard" else edition) if x)
    return f"{lang}/{paper or layout.paper}/{stem}.pdf"


def edition_name(layout: Layout) -> str:
    """The layout's edition, marked `-press` for the press twin of an office layout."""
    if layout.color_mode == "cmyk" and layout.edition != "press":
        return "press" if layout.edition == "standard" else f"{layout.edition}-press"
    return layout.edition
