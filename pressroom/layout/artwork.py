"""Figures as artwork: `layouts/figures/<name>.svg`, read and checked before anything renders.

A figure is an SVG a designer edits in Inkscape or Illustrator. Three conventions make it
pressroom's:

- **Colours by role.** A colour written as a layout's placeholder for a role
  (`figure_colors:` in the layout, e.g. primary "#1d4e89", accent "#2a7f8f"), or as a tint of
  it (mixed with white), is drawn in that layout colour, or the same tint of it: the
  figure takes the clinic's brand. Every other colour is drawn as written. Write colours
  as hex (`#rrggbb` or `#rgb`).
- **Labels are words, not drawings.** A `<text data-label="fig_open">` element is a
  placeholder: the renderer sets the word `fig_open` from `layouts/strings/<lang>.yaml`
  there, as real text in the layout's fonts, wrapped to `data-width` (in the SVG's units).
  Its `x`, `y` and `text-anchor` place the first line's baseline (start, middle or end);
  `data-style` names the layout style (default `figure_label`); `data-label` may name more
  words (`"fig_fusion fig_fusion_hint"`), set on new lines in the next styles of
  `data-style`; `data-color` names a layout colour for the words.
- **Size.** The SVG's width and height are its size in print. A figure is never drawn
  larger than that in a column, only smaller where the column is narrower; labels keep
  their type size. `preserveAspectRatio="none"` on the root lets decorative art without
  labels stretch to the box a layout gives it (the guide's cover).

A figure passes the same checks as an SVG logo (`images.check_svg`: no references out of
the file, no script, no entities) and is read only through `inputs.read_bytes`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from .. import limits
from ..errors import Problems
from ..source.images import LogoError, check_svg
from ..inputs import Listing, Refused, read_bytes

FOLDER = "figures"
SVG_NS = "http://www.w3.org/2000/svg"
_ANCHOR = {"start": 0, "middle": 1, "end": 2}
_TRANSLATE = re.compile(r"\A\s*translate\(\s*(-?[\d.]+)(?:[\s,]+(-?[\d.]+))?\s*\)\s*\Z")
_NUMBER = re.compile(r"\A\s*(-?\d+(?:\.\d+)?)\s*(px|pt|mm|cm|in)?\s*\Z")
_UNITS = {None: 1.0, "px": 0.75, "pt": 1.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0}
_PAINT = re.compile(r"((?:fill|stroke|stop-color|flood-color|color)\s*(?:=\s*[\"']|:)\s*)"
                    r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")

ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", "http://www.w3.org/1999/xlink")


@dataclass(frozen=True)
class Label:
    """A word (or words) from the strings file, placed in the figure's own units."""

    keys: tuple[str, ...]
    styles: tuple[str, ...]
    color: str | None     # a layout colour name, or None for the style's colour
    x: float
    y: float              # the first line's baseline, from the top
    width: float
    align: int            # 0 start, 1 middle, 2 end


@dataclass(frozen=True)
class Artwork:
    name: str
    shown: str              # layouts/figures/<name>.svg, as messages name it
    path: Path              # an input of every document that draws it
    svg: bytes              # the drawing without its label placeholders
    width: float            # size in print, points
    height: float
    view: tuple[float, float, float, float]   # viewBox: the units labels are placed in
    labels: tuple[Label, ...]
    stretch: bool = False   # preserveAspectRatio="none": may fill any box


class ArtworkError(ValueError):
    """Why a figure file cannot be used, phrased for the designer."""


def figure_names(listing: Listing) -> frozenset[str]:
    """The figures a layouts tree has: `figures/<name>.svg`."""
    return frozenset(Path(rel).stem for rel in listing.children(FOLDER) if rel.endswith(".svg"))


def _length(value: str | None, what: str) -> float:
    match = _NUMBER.match(value or "")
    if not match:
        raise ArtworkError(f"its {what} {value!r} is not a length (write it like 475pt or 6.6in)")
    return float(match.group(1)) * _UNITS[match.group(2)]


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def read_artwork(name: str, shown: str, path: Path, data: bytes, charset: frozenset[int]) -> Artwork:
    """Check one figure file and take its label placeholders out; ArtworkError says why not."""
    try:
        check_svg(data, charset, "figure")
    except LogoError as exc:
        raise ArtworkError(str(exc)) from None
    root = ET.fromstring(data)
    width, height = _length(root.get("width"), "width"), _length(root.get("height"), "height")
    try:
        view = tuple(float(v) for v in re.split(r"[\s,]+", root.get("viewBox", "").strip()))
    except ValueError:
        view = ()
    if not view:
        view = (0.0, 0.0, width, height)
    if len(view) != 4 or view[2] <= 0 or view[3] <= 0 or width <= 0 or height <= 0:
        raise ArtworkError("needs a width, a height and a viewBox of four numbers")
    labels: list[Label] = []

    def walk(node, dx: float, dy: float) -> None:
        for child in list(node):
            moved = child.get("transform")
            cx, cy = dx, dy
            if moved is not None:
                match = _TRANSLATE.match(moved)
                if match is None:
                    if _has_label(child):
                        raise ArtworkError(f"a label sits in an element with transform={moved!r}; "
                                           "labels may only be moved with translate(x, y)")
                    continue
                cx, cy = dx + float(match.group(1)), dy + float(match.group(2) or 0)
            if child.get("data-label") is not None:
                labels.append(_label(child, cx, cy))
                node.remove(child)
                continue
            walk(child, cx, cy)

    walk(root, 0.0, 0.0)
    return Artwork(name, shown, path, ET.tostring(root, encoding="utf-8"), width, height, view,
                   tuple(labels), root.get("preserveAspectRatio", "").strip() == "none")


def _has_label(node) -> bool:
    return any(el.get("data-label") is not None for el in node.iter())


def _label(el, dx: float, dy: float) -> Label:
    if _local(el.tag) != "text":
        raise ArtworkError(f"data-label belongs on a <text> element, not <{_local(el.tag)}>")
    keys = tuple(el.get("data-label", "").split())
    styles = tuple(el.get("data-style", "figure_label").split())
    if not keys:
        raise ArtworkError("a <text> has an empty data-label; name a word of layouts/strings, like fig_open")
    styles = styles + (styles[-1] if len(styles) > 1 else "figure_hint",) * (len(keys) - len(styles))
    try:
        x, y = float(el.get("x", "0")) + dx, float(el.get("y", "0")) + dy
        width = float(el.get("data-width", "0"))
    except ValueError:
        raise ArtworkError(f"the label {' '.join(keys)} has an x, y or data-width that is not a number") from None
    if width <= 0:
        raise ArtworkError(f"the label {' '.join(keys)} needs data-width: how wide its words may run, "
                           "in the SVG's units")
    anchor = el.get("text-anchor", "start")
    if anchor not in _ANCHOR:
        raise ArtworkError(f"the label {' '.join(keys)} has text-anchor={anchor!r}; use start, middle or end")
    return Label(keys, styles, el.get("data-color"), x, y, width, _ANCHOR[anchor])


def load_artworks(listing: Listing, shown_root: str, names, charset: frozenset[int], words: dict,
                  problems: Problems) -> dict[str, Artwork]:
    """The named figures of a layouts tree, each checked; every problem names its file."""
    out: dict[str, Artwork] = {}
    for name in sorted(names):
        rel = f"{FOLDER}/{name}.svg"
        shown = f"{shown_root.rstrip('/')}/{rel}"
        if not listing.has(rel):
            problems.add(shown, 0, f"missing: the figure {name!r} needs this file")
            continue
        path = listing.path(rel)
        try:
            art = read_artwork(name, shown, path, read_bytes(path, listing.root, limits.MAX_IMAGE_BYTES), charset)
        except Refused as exc:
            problems.add(shown, 0, f"cannot be read: {exc}")
            continue
        except ArtworkError as exc:
            problems.add(shown, 0, f"{exc}")
            continue
        for label in art.labels:
            for key in label.keys:
                if key not in words:
                    problems.add(shown, 0, f"the label {key!r} is not a word of {shown_root}/strings/en.yaml; "
                                 "add it there (and to each language) or fix the data-label")
        out[name] = art
    return out


# -- colours ------------------------------------------------------------------------------

def _rgb(hex_value: str) -> tuple[int, int, int]:
    h = hex_value.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    return int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16)


def _tint_of(colour: tuple[int, int, int], base: tuple[int, int, int]) -> float | None:
    """t when colour is base mixed with t of white (to within rounding), else None."""
    room = [255 - b for b in base]
    total = sum(r * r for r in room)
    if total == 0:
        return None
    t = sum((c - b) * r for c, b, r in zip(colour, base, room)) / total
    if not -0.001 <= t <= 1.001:
        return None
    if all(abs(b + r * t - c) <= 1.0 for c, b, r in zip(colour, base, room)):
        return min(max(t, 0.0), 1.0)
    return None


def recolour(svg: bytes, roles: dict[str, str], colors: dict[str, str]) -> bytes:
    """Each placeholder colour (roles: layout colour name -> placeholder), and each tint of
    one, drawn in that layout colour or the same tint of it."""
    pairs = [(_rgb(placeholder), _rgb(colors[role])) for role, placeholder in sorted(roles.items())
             if role in colors]
    if not pairs:
        return svg

    def swap(match: re.Match) -> str:
        colour = _rgb(match.group(2))
        for base, target in pairs:
            t = _tint_of(colour, base)
            if t is not None and t < 1.0:
                return match.group(1) + "#" + "".join(f"{round(v + (255 - v) * t):02x}" for v in target)
        return match.group(0)

    return _PAINT.sub(swap, svg.decode("utf-8")).encode("utf-8")
