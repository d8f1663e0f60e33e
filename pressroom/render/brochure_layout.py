"""Tri-fold geometry, read from a brochure layout's `panels:`, `sizes:` and `options:`.

A letter-fold (roll-fold) tri-fold is one landscape sheet printed on both sides and
folded twice. The layout lists each page's panels left to right *as printed*:

    outside page:  [ flap (narrow) | back          | cover         ]
    inside page:   [ inside 1      | inside 2      | inside 3 (narrow) ]

Turning the sheet over left-to-right (duplex "flip on short edge") mirrors it, so the
panel at outside position i is the back of inside position 2 - i: the cover backs
inside 1, the back panel backs inside 2, and the flap backs inside 3. The flap and
inside 3 are therefore one physical panel and must be equally wide, and the folds on
the inside page sit at the mirrored places. To fold: lay the inside face up, fold
inside 3 (the narrow panel) over inside 2 first, then fold inside 1 over it; the cover
is on top, the back panel behind. The fold-in panel is 2–3 mm (1/16–1/8 in) narrower so
it tucks in without buckling against the other fold.

Reading order of the text panels: the flap is seen first, when the cover is opened;
then the inside spread, left to right.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..layout.contrast import BODY, ratio
from ..errors import Problem, Problems, did_you_mean
from ..layout.layouts import Layout, LayoutError, length
from ..source.sources import Map, Seq, load_yaml
from .common import mix

PAGES = ("outside", "inside")
OUTSIDE_ROLES = ("flap", "back", "cover")
_PANEL_KEYS = ("page", "role", "width", "fill", "tint", "white")
SIZES = ("bleed", "slug", "safe", "gutter", "fold_inset", "corner_radius", "band", "band_padding",
         "art", "qr", "logo_height", "accent_bar")
MARK_SIZES = ("mark_offset", "mark_length", "mark_weight")
OPTIONS = {"marks": bool, "links": bool, "min_dpi": int, "grow": "factor", "spread": "lines"}
_EXPECTED = {bool: "true or false", int: "a whole number", "factor": "a number from 1 to 2",
             "lines": "a number of lines from 0 to 5"}
STYLES = ("body", "heading", "band_heading", "list", "note", "cover_kicker", "cover_title", "cover_tagline",
          "cover_contact", "back_name", "contact", "cta", "qr_caption", "small", "draft")
COLORS = ("primary", "accent", "text", "muted", "on_primary", "note_fill", "draft", "paper")
_MM = 72 / 25.4
FLAP_NARROWER = (0.75 * _MM, 6.5 * _MM)  # how much narrower the fold-in panel may be


@dataclass(frozen=True)
class Panel:
    page: str          # outside | inside
    role: str          # flap | back | cover | inside
    index: int         # 0-based position on its page, left to right
    x: float           # left edge, points from the trim's left edge
    width: float
    fill: str | None   # a colour name from the layout's colors
    tint: float = 1.0  # how much of the fill colour over the paper (0.07: a pale wash of the brand)
    planned: bool = False  # `white: planned`: its text stays at the top, the space below is meant

    @property
    def right(self) -> float:
        return self.x + self.width


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    width: float
    height: float

    @property
    def top(self) -> float:
        return self.y + self.height


@dataclass(frozen=True)
class Geometry:
    """Everything positional about one brochure layout, in points from the trim corner."""

    width: float               # trim (paper) size
    height: float
    panels: tuple[Panel, ...]
    sizes: dict
    marks: bool
    links: bool
    min_dpi: int | None
    grow: float = 1.0    # the panels' one body size may grow to this times its size, if every panel fits
    spread: float = 0.0  # space left in a text panel goes between its blocks, up to this many body lines each

    @property
    def bleed(self) -> float:
        return self.sizes["bleed"]

    @property
    def offset(self) -> float:
        """Where the trim starts inside the MediaBox: bleed plus the slug for marks."""
        return self.sizes["bleed"] + self.sizes["slug"]

    @property
    def media(self) -> tuple[float, float]:
        return self.width + 2 * self.offset, self.height + 2 * self.offset

    def page(self, name: str) -> tuple[Panel, ...]:
        return tuple(p for p in self.panels if p.page == name)

    def role(self, name: str) -> Panel:
        return next(p for p in self.panels if p.role == name)

    def folds(self, page: str) -> tuple[float, ...]:
        return tuple(p.x for p in self.page(page)[1:])

    def text_panels(self) -> tuple[Panel, ...]:
        """Where brochure.yaml's panels go, in reading order: the flap, then inside 1–3."""
        return (self.role("flap"),) + self.page("inside")

    def content(self, panel: Panel, margins) -> Rect:
        """The panel's text area: the margins at paper edges, the gutter at folds."""
        last = len(self.page(panel.page)) - 1
        left = margins.left if panel.index == 0 else self.sizes["gutter"]
        right = margins.right if panel.index == last else self.sizes["gutter"]
        return Rect(panel.x + left, margins.bottom, panel.width - left - right,
                    self.height - margins.top - margins.bottom)

    def banded(self, panel: Panel) -> bool:
        """Panels other than the cover carry their heading in a coloured band (if any)."""
        return panel.role != "cover" and self.sizes["band"] > 0

    def band(self, panel: Panel) -> Rect:
        """The band behind a panel's heading: from the top (bleed or safe margin) down."""
        card = self.fill(panel)
        bottom = self.height - self.sizes["band"]
        return Rect(card.x, bottom, card.width, card.top - bottom)

    def heading_area(self, panel: Panel, margins) -> Rect:
        c = self.content(panel, margins)
        bottom = self.height - self.sizes["band"] + self.sizes["band_padding"]
        return Rect(c.x, bottom, c.width, c.top - bottom)

    def body_area(self, panel: Panel, margins) -> Rect:
        """Below the band (and its accent stripe) on banded panels, else the text area."""
        c = self.content(panel, margins)
        if not self.banded(panel):
            return c
        top = self.height - self.sizes["band"] - self.sizes["accent_bar"] - 1.5 * self.sizes["band_padding"]
        return Rect(c.x, c.y, c.width, top - c.y)

    def fill(self, panel: Panel) -> Rect:
        """A panel's background: into the bleed at paper edges when there is one, else
        stopping at the safe margin; `fold_inset` short of each fold."""
        last = len(self.page(panel.page)) - 1
        edge = -self.bleed if self.bleed else self.sizes["safe"]
        inset = self.sizes["fold_inset"]
        left = panel.x + (edge if panel.index == 0 else inset)
        right = panel.right - (edge if panel.index == last else inset)
        return Rect(left, edge, right - left, self.height - 2 * edge)


def shown(path: Path) -> str:
    """A path as the command line shows it: relative inside the working folder."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        return str(path)
    return str(Path(path).resolve()) if rel.startswith("..") else rel


def locate(paths: tuple[Path, ...], *keys) -> tuple[str, int]:
    """File and line that set `keys` (e.g. "panels", 2, "width"), the last file winning.

    Layouts are merged along `extends:` before they reach a renderer, so the lines are
    found again here, only when there is something to report.
    """
    for path in reversed(paths):
        node = load_yaml(path, shown(path), Problems(), path.parent)
        if not (isinstance(node, Map) and keys and keys[0] in node):
            continue
        line = node.line_of(keys[0])
        for key in keys:
            if isinstance(node, Map) and key in node:
                line, node = node.line_of(key), node[key]
            elif isinstance(node, Seq) and isinstance(key, int) and key < len(node):
                line, node = node.line_of(key), node[key]
            else:
                break
        return shown(path), line
    return shown(paths[-1]), 1


def read_geometry(layout: Layout) -> tuple[Geometry | None, list[Problem]]:
    """Check everything the brochure renderer reads from a layout; report it all."""
    problems: list[Problem] = []

    def err(keys: tuple, message: str) -> None:
        path, line = locate(layout.sources, *keys)
        field = ".".join(str(k) if isinstance(k, str) else f"[{k + 1}]" for k in keys)
        problems.append(Problem(path, line, message, field.replace(".[", "[")))

    panels = _panels(layout, err)
    sized = True
    for key in SIZES + (MARK_SIZES if layout.options.get("marks") else ()):
        if key not in layout.sizes:
            err(("sizes",), f"missing size {key!r}: a brochure layout sets it (with a unit)")
            sized = False
        elif layout.sizes[key] < 0:
            err(("sizes", key), "must not be negative")
    for key, kind in OPTIONS.items():
        value = layout.options.get(key)
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        ok = {bool: isinstance(value, bool), int: isinstance(value, int) and number and value > 0,
              "factor": number and 1 <= value <= 2, "lines": number and 0 <= value <= 5}[kind]
        if value is not None and not ok:
            err(("options", key), f"expected {_EXPECTED[kind]}")
    for key in layout.options:
        if key not in OPTIONS:
            err(("options", key), f"unknown option{did_you_mean(key, OPTIONS)}")
    for name in STYLES:
        style = layout.styles.get(name)
        if style is None:
            err(("styles",), f"missing style {name!r}: the brochure sets its text with it")
        elif style.min_size > style.size:
            err(("styles", name), f"min_size {style.min_size:g}pt is larger than size {style.size:g}pt")
    for name in COLORS:
        if name not in layout.colors:
            err(("colors",), f"missing colour {name!r}")
    if sized:
        _check_sizes(layout, err)
    if problems or panels is None:
        return None, problems
    options = layout.options
    return Geometry(layout.width, layout.height, panels, dict(layout.sizes),
                    bool(options.get("marks", False)), bool(options.get("links", True)),
                    options.get("min_dpi"), float(options.get("grow", 1.0)),
                    float(options.get("spread", 0.0))), problems


def _panels(layout: Layout, err) -> tuple[Panel, ...] | None:
    raw = layout.panels
    if len(raw) != 6:
        err(("panels",), f"a tri-fold has 3 panels on each of its 2 pages, 6 in all; found {len(raw)}")
        return None
    panels, x = [], {"outside": 0.0, "inside": 0.0}
    count = {"outside": 0, "inside": 0}
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            err(("panels", i), "expected {page: ..., role: ..., width: ...}")
            return None
        for key in item:
            if key not in _PANEL_KEYS:
                err(("panels", i, key), f"unknown key{did_you_mean(key, _PANEL_KEYS)}")
        page, role, fill = item.get("page"), item.get("role"), item.get("fill")
        if page not in PAGES:
            err(("panels", i, "page"), f"expected outside or inside, found {page!r}")
            return None
        allowed = OUTSIDE_ROLES if page == "outside" else ("inside",)
        if role not in allowed:
            err(("panels", i, "role"), f"on the {page} page a panel's role is one of {', '.join(allowed)}; "
                f"found {role!r}")
        if fill is not None and fill not in layout.colors:
            err(("panels", i, "fill"), f"no colour {fill!r} in colors{did_you_mean(str(fill), layout.colors)}")
        try:
            width = length(item.get("width"))
        except LayoutError as exc:
            err(("panels", i, "width"), str(exc))
            width = 0.0
        if width <= 0:
            err(("panels", i, "width"), "must be more than zero")
        tint = item.get("tint", 1.0)
        if isinstance(tint, bool) or not isinstance(tint, (int, float)) or not 0 < tint <= 1:
            err(("panels", i, "tint"), f"expected a number above 0 and at most 1, found {tint!r}")
            tint = 1.0
        elif fill in layout.colors and tint < 1:
            _check_tint(layout, fill, float(tint), lambda msg: err(("panels", i, "tint"), msg))
        white = item.get("white")
        if white not in (None, "planned"):
            err(("panels", i, "white"), f"expected planned (the space below its text is meant), found {white!r}")
        panels.append(Panel(page, str(role), count[page], x[page], width, fill, float(tint), white == "planned"))
        x[page] += width
        count[page] += 1
    return _check_panels(tuple(panels), layout, err)


def _check_panels(panels: tuple[Panel, ...], layout: Layout, err) -> tuple[Panel, ...] | None:
    outside = [p for p in panels if p.page == "outside"]
    inside = [p for p in panels if p.page == "inside"]
    if len(outside) != 3 or len(inside) != 3:
        err(("panels",), f"expected 3 outside and 3 inside panels; found {len(outside)} and {len(inside)}")
        return None
    for name, page in (("outside", outside), ("inside", inside)):
        total = sum(p.width for p in page)
        if abs(total - layout.width) > 0.5:
            err(("panels",), f"the {name} panels add up to {_inch(total)} but the paper is "
                f"{_inch(layout.width)} wide")
    roles = [p.role for p in outside]
    if roles[1] != "back" or sorted((roles[0], roles[2])) != ["cover", "flap"]:
        err(("panels",), "a roll fold's outside page is flap | back | cover (or cover | back | flap), "
            f"left to right; found {' | '.join(roles)}")
        return None
    for p in outside:
        twin = inside[2 - p.index]
        if abs(twin.width - p.width) > 0.1:
            err(("panels", 3 + twin.index, "width"), f"inside panel {twin.index + 1} is the back of the "
                f"outside {p.role} panel and must be as wide ({_inch(p.width)}); found {_inch(twin.width)}")
    flap = next(p for p in outside if p.role == "flap")
    low, high = FLAP_NARROWER
    for other in outside:
        if other is not flap and not low <= other.width - flap.width <= high:
            err(("panels", flap.index, "width"), f"the fold-in flap must be 1/16–1/8 in (2–3 mm) narrower "
                f"than the {other.role} panel so it tucks in; it is {_inch(other.width - flap.width)} narrower")
    return panels


def tinted(layout: Layout, panel: Panel) -> str:
    """A panel's fill colour as printed: the named colour, washed over the paper by `tint`."""
    return mix(layout.colors[panel.fill], layout.colors["paper"], panel.tint)


def _check_tint(layout: Layout, fill: str, tint: float, err) -> None:
    """Text and links are set on tinted panels: they must stay readable (WCAG AA)."""
    probe = Panel("outside", "flap", 0, 0.0, 1.0, fill, tint)
    background = tinted(layout, probe)
    for name in ("text", "primary"):
        got = ratio(layout.colors[name], background)
        if got < BODY:
            err(f"{name} text on this {tint:g} tint of {fill} ({background}) has contrast {got:.2f}:1, "
                f"below the {BODY}:1 WCAG AA needs; use a lighter tint")


def _check_sizes(layout: Layout, err) -> None:
    s, m = layout.sizes, layout.margins
    for side in ("top", "right", "bottom", "left"):
        if getattr(m, side) < s["safe"]:
            err(("margins",), f"the {side} margin ({_inch(getattr(m, side))}) is inside the safe margin "
                f"({_inch(s['safe'])}); text there may be cut off or not print")
    if s["band"] and s["band"] < m.top + 2 * s["band_padding"]:
        err(("sizes", "band"), "the band must reach below the top margin by twice band_padding "
            "to hold a heading")
    if s["gutter"] <= s["fold_inset"]:
        err(("sizes", "gutter"), "the gutter (text from a fold) must be larger than fold_inset")
    if layout.options.get("marks"):
        if s["mark_offset"] < s["bleed"]:
            err(("sizes", "mark_offset"), "marks must start outside the bleed (mark_offset ≥ bleed)")
        if s["mark_offset"] + s["mark_length"] > s["bleed"] + s["slug"] + 0.01:
            err(("sizes", "slug"), "the slug is too small for the marks: make it at least "
                f"mark_offset + mark_length - bleed ({_inch(s['mark_offset'] + s['mark_length'] - s['bleed'])})")


def _inch(points: float) -> str:
    return f"{points / 72:.4g} in ({points / _MM:.3g} mm)"
