"""Layouts as data: `layouts/*.yaml`, merged along `extends:`, resolved against a clinic.

Units are written in the value ("12mm", "0.5in", "11pt"); colours may name the clinic's
brand (`brand.primary`); styles inherit with `parent:`. Nothing geometric lives in code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from .contrast import BODY, LARGE, nearest_passing, ratio
from ..errors import ContentError, Problem, Problems, did_you_mean
from ..source.model import Brand
from ..source.sources import Map, load_yaml

_UNIT = re.compile(r"\A\s*(-?\d+(?:\.\d+)?)\s*(pt|mm|cm|in)\s*\Z")
_PER = {"pt": 1.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0}
PAPERS = {  # width x height in points, portrait
    "letter": (612.0, 792.0), "a4": (595.2756, 841.8898), "a5": (419.5276, 595.2756),
    "half-letter": (396.0, 612.0), "legal": (612.0, 1008.0), "tabloid": (792.0, 1224.0),
}
_TOP_KEYS = {"extends", "abstract", "kind", "paper", "orientation", "edition", "max_pages",
             "margins", "sizes", "fonts", "colors", "styles", "panels", "description",
             "impose_on", "color_mode", "options", "contrast", "proofs", "figures",
             "figure_colors", "press", "pdfx", "inks", "preflight", "hyphenate"}
_STYLE_KEYS = {"parent", "font", "size", "leading", "color", "space_before", "space_after",
               "align", "min_size", "hyphenate"}
_FONT_FACES = ("regular", "bold", "italic", "bold_italic")
_ALIGN = {"left": 0, "center": 1, "right": 2, "justify": 4}


PDFX_STANDARDS = ("PDF/X-1a:2003",)  # see render/tagging.py's PDF/X section


class LayoutError(ValueError):
    pass


class MissingLayoutValue(LayoutError):
    """A renderer asked the layout for a size, colour or style it does not define."""


class _Named(dict):
    """A layout table (sizes, colors, styles) whose missing entries are a clear error
    naming the layout file, not a KeyError from deep inside a renderer."""

    def __init__(self, values: dict, where: str, section: str):
        super().__init__(values)
        self.where, self.section = where, section

    def __missing__(self, key):
        raise MissingLayoutValue(f"layout {self.where}: {self.section}.{key} is missing; "
                                 f"add it (or extend a layout that has it)")


def length(value) -> float:
    """'12mm' -> points. Bare numbers are refused: a unit is part of the value."""
    if isinstance(value, (int, float)) and value == 0:
        return 0.0
    match = _UNIT.match(str(value)) if isinstance(value, str) else None
    if not match:
        raise LayoutError(f"expected a length with a unit (pt, mm, cm, in), found {value!r}")
    return float(match[1]) * _PER[match[2]]


@dataclass(frozen=True)
class Style:
    name: str
    font: str        # registered ReportLab font name
    size: float
    leading: float
    color: str
    space_before: float
    space_after: float
    align: int
    hyphenate: bool = False
    min_size: float = 0.0  # smallest size a fitting step may shrink to (brochure panels)


@dataclass(frozen=True)
class Margins:
    top: float
    right: float
    bottom: float
    left: float


@dataclass(frozen=True)
class Layout:
    name: str
    kind: str
    paper: str
    edition: str
    width: float
    height: float
    margins: Margins
    max_pages: int | None
    sizes: dict
    colors: dict
    styles: dict
    fonts: dict       # face -> font file name
    panels: tuple     # brochure only: raw panel specs, read by its renderer
    sources: tuple[Path, ...]
    impose_on: str | None = None   # booklet editions: the sheet paper of the imposed file
    shown: str = ""                # the layout file as shown in messages
    color_mode: str = "rgb"        # "cmyk" for press output
    options: dict = field(default_factory=dict)  # kind-specific settings, checked by the renderer
    proof_dpi: int = 100           # resolution of the page proofs (`proofs: {dpi: N}`)
    figures: dict = field(default_factory=dict)        # place -> figure name (the covers' art)
    figure_colors: dict = field(default_factory=dict)  # layout colour -> its placeholder in figure SVGs
    press: bool = False            # also build a press edition (see `press_edition`)
    pdfx: dict | None = None       # press files: {standard, condition, info[, profile]} (see tagging.declare_pdfx)
    black: tuple = ()              # press files: "#rrggbb" printed as 100 % K (`inks.black`: names or hex)
    min_tint: float = 0.0          # press files: no ink below this fraction (`inks.min_tint`)
    max_ink: float = 400.0         # press files: the condition's total ink limit, per cent (`preflight.max_ink`)
    min_ppi: int = 0               # press files: images below this at their placed size are warned about
    profile: bytes | None = field(default=None, repr=False)  # pdfx.profile's bytes, read by build.pipeline.plan

    def size(self, name: str) -> float:
        return self.sizes[name]  # a missing one raises MissingLayoutValue (see _Named)


@dataclass(frozen=True)
class LayoutSpec:
    """A layout merged along its `extends:` chain, not yet tied to a clinic."""

    name: str
    data: dict
    lines: dict       # top-level key -> (file shown, line) where that key was last set
    shown: str
    sources: tuple[Path, ...]

    def where(self, key: str) -> tuple[str, int]:
        """The file and line that set `key` (it may be a layout this one extends)."""
        return self.lines.get(key, (self.shown, 1))


def _merge(base: dict, over: dict) -> dict:
    out = dict(base)
    for key, value in over.items():
        out[key] = _merge(out[key], value) if isinstance(value, dict) and isinstance(out.get(key), dict) else value
    return out


def load_layouts(folder: Path, shown_root: str, problems: Problems) -> dict[str, LayoutSpec]:
    raw: dict[str, tuple[Map, str, Path]] = {}
    for path in sorted(folder.glob("*.yaml")):
        shown = f"{shown_root.rstrip('/')}/{path.name}"
        data = load_yaml(path, shown, problems, folder)
        if data is None:
            continue
        if not isinstance(data, Map):
            problems.add(shown, 1, "a layout must be a mapping of keys")
            continue
        for key in data:
            if key not in _TOP_KEYS:
                problems.add(shown, data.line_of(key), f"unknown key{did_you_mean(key, _TOP_KEYS)}", key)
        raw[path.stem] = (data, shown, path)

    specs: dict[str, LayoutSpec] = {}

    def resolve(name: str, chain: tuple[str, ...]) -> LayoutSpec | None:
        if name in specs:
            return specs[name]
        data, shown, path = raw[name]
        parent = data.get("extends")
        if parent is None:
            spec = LayoutSpec(name, dict(data), {k: (shown, data.line_of(k)) for k in data}, shown, (path,))
        else:
            if parent not in raw:
                problems.add(shown, data.line_of("extends"), f"no layout {parent!r} in {shown_root}", "extends")
                return None
            if parent in chain:
                problems.add(shown, data.line_of("extends"), "layouts extend each other in a loop", "extends")
                return None
            base = resolve(parent, chain + (name,))
            if base is None:
                return None
            merged = _merge(base.data, {k: v for k, v in data.items() if k not in ("abstract",)})
            merged.pop("extends", None)
            merged["abstract"] = data.get("abstract", False)
            spec = LayoutSpec(name, merged, {**base.lines, **{k: (shown, data.line_of(k)) for k in data}},
                              shown, base.sources + (path,))
        specs[name] = spec
        return spec

    for name in raw:
        resolve(name, ())
    return {n: s for n, s in specs.items()}


def resolve_layout(spec: LayoutSpec, brand: Brand, problems: Problems) -> Layout | None:
    """Turn a merged spec into typed geometry and styles for one clinic's brand."""
    d, before = spec.data, len(problems.items)

    def err(key: str, message: str) -> None:
        problems.add(*spec.where(key.split(".")[0]), message, key)

    def get_length(key: str, value) -> float:
        try:
            return length(value)
        except LayoutError as exc:
            err(key, str(exc))
            return 0.0

    paper = d.get("paper", "letter")
    if isinstance(paper, str) and paper in PAPERS:
        width, height = PAPERS[paper]
    else:
        err("paper", f"unknown paper {paper!r}; use one of {', '.join(PAPERS)}")
        width, height = PAPERS["letter"]
    orientation = d.get("orientation", "portrait")
    if orientation not in ("portrait", "landscape"):
        err("orientation", f"expected portrait or landscape, found {orientation!r}")
    if orientation == "landscape":
        width, height = height, width
    margins_raw = d.get("margins") or {}
    margins = Margins(*(get_length(f"margins.{side}", margins_raw.get(side, "0.75in"))
                        for side in ("top", "right", "bottom", "left")))
    if min(margins.top, margins.right, margins.bottom, margins.left) < 0:
        err("margins", "margins cannot be negative")
    if width - margins.left - margins.right < 144 or height - margins.top - margins.bottom < 144:
        err("margins", f"the margins leave less than 2 in of the {paper} page for text")
    sizes = {k: get_length(f"sizes.{k}", v) for k, v in (d.get("sizes") or {}).items()}

    colors = {}
    for key, value in (d.get("colors") or {}).items():
        if value in ("brand.primary", "brand.accent"):
            value = getattr(brand, value.split(".")[1])
        if not (isinstance(value, str) and re.fullmatch(r"#[0-9a-fA-F]{6}", value)):
            err(f"colors.{key}", f"expected \"#rrggbb\" or brand.primary / brand.accent, found {value!r}")
            value = "#000000"
        colors[key] = value.lower()

    fonts = d.get("fonts") or {}
    for face in _FONT_FACES:
        if not isinstance(fonts.get(face), str):
            err(f"fonts.{face}", "missing: name the font file for this face (in fonts/)")

    styles: dict[str, Style] = {}
    raw_styles = d.get("styles") or {}
    hyphenate = d.get("hyphenate", False)  # the default of every style that does not say
    if not isinstance(hyphenate, bool):
        err("hyphenate", f"expected true or false, found {hyphenate!r}")
        hyphenate = False

    def style(name: str, chain: tuple[str, ...] = ()) -> dict:
        entry = raw_styles.get(name)
        if not isinstance(entry, dict):
            err(f"styles.{name}", "no such style")
            return {}
        for key in entry:
            if key not in _STYLE_KEYS:
                err(f"styles.{name}.{key}", f"unknown style key; allowed: {', '.join(sorted(_STYLE_KEYS))}")
        parent = entry.get("parent")
        if parent is None:
            return dict(entry)
        if parent in chain:
            err(f"styles.{name}.parent", "styles inherit from each other in a loop")
            return dict(entry)
        return {**style(parent, chain + (name,)), **{k: v for k, v in entry.items() if k != "parent"}}

    for name in raw_styles:
        s = style(name)
        face = s.get("font", "regular")
        if face not in _FONT_FACES:
            err(f"styles.{name}.font", f"expected one of {', '.join(_FONT_FACES)}")
            face = "regular"
        color = s.get("color", "text")
        if color not in colors:
            err(f"styles.{name}.color", f"no colour {color!r} in colors")
        size = get_length(f"styles.{name}.size", s.get("size", "11pt"))
        if size < 4:
            err(f"styles.{name}.size", f"{size:g} pt is too small to print; use 4pt or more")
        styles[name] = Style(
            name=name, font=face, size=size,
            leading=get_length(f"styles.{name}.leading", s["leading"]) if "leading" in s else size * 1.3,
            color=colors.get(color, "#000000"),
            space_before=get_length(f"styles.{name}.space_before", s.get("space_before", 0)),
            space_after=get_length(f"styles.{name}.space_after", s.get("space_after", 0)),
            align=_ALIGN.get(s.get("align", "left"), 0),
            hyphenate=bool(s.get("hyphenate", hyphenate)),
            min_size=get_length(f"styles.{name}.min_size", s["min_size"]) if "min_size" in s else size,
        )
    max_pages = d.get("max_pages")
    if max_pages is not None and (not isinstance(max_pages, int) or max_pages < 1):
        err("max_pages", "expected a whole number of pages")
        max_pages = None
    _check_contrast(d.get("contrast") or [], colors, d.get("colors") or {}, brand, err, problems)
    impose_on = d.get("impose_on")
    if impose_on is not None and impose_on not in PAPERS:
        err("impose_on", f"unknown paper {impose_on!r}; use one of {', '.join(PAPERS)}")
    if d.get("color_mode", "rgb") not in ("rgb", "cmyk"):
        err("color_mode", "expected rgb or cmyk")
    proofs = d.get("proofs") or {}
    proof_dpi = proofs.get("dpi", 100) if isinstance(proofs, dict) else None
    if isinstance(proofs, dict):
        for key in proofs:
            if key != "dpi":
                err(f"proofs.{key}", "unknown key; allowed: dpi")
    if isinstance(proof_dpi, bool) or not isinstance(proof_dpi, int) or not 24 <= proof_dpi <= 600:
        err("proofs.dpi" if isinstance(proofs, dict) else "proofs",
            "expected a resolution in dots per inch, a whole number from 24 to 600 (like {dpi: 100})")
    figures = d.get("figures") or {}
    if not isinstance(figures, dict) or not all(
            isinstance(v, str) and re.fullmatch(r"[a-z0-9][a-z0-9-]*", v) for v in figures.values()):
        err("figures", "expected a mapping of place: figure name (a file in layouts/figures/ without .svg)")
        figures = {}
    figure_colors = d.get("figure_colors") or {}
    if not isinstance(figure_colors, dict):
        err("figure_colors", "expected a mapping of layout colour: placeholder \"#rrggbb\" used in figure SVGs")
        figure_colors = {}
    for role, placeholder in figure_colors.items():
        if role not in colors:
            err(f"figure_colors.{role}", f"no colour {role!r} in colors")
        if not (isinstance(placeholder, str) and re.fullmatch(r"#[0-9a-fA-F]{6}", placeholder)):
            err(f"figure_colors.{role}", f"expected a placeholder colour \"#rrggbb\", found {placeholder!r}")
    pdfx = d.get("pdfx")
    if pdfx is not None and not (isinstance(pdfx, dict) and {"standard", "condition", "info"} <= set(pdfx)
                                 <= {"standard", "condition", "info", "profile"}
                                 and pdfx["standard"] in PDFX_STANDARDS
                                 and all(isinstance(v, str) and v for v in pdfx.values())):
        err("pdfx", f"expected {{standard: {' or '.join(PDFX_STANDARDS)}, condition: a registered "
            "characterization (FOGRA39, CGATS TR 006), info: its description, profile: the condition's "
            "CMYK profile in the layouts folder (optional, like profiles/FOGRA39L_coated.icc)}")
    black, min_tint = _inks(d.get("inks"), colors, err)
    max_ink, min_ppi = _preflight(d.get("preflight"), err)
    if not isinstance(d.get("press", False), bool):
        err("press", "expected true or false")
    elif d.get("press") and (d.get("kind") not in ("leaflet", "guide") or d.get("color_mode") == "cmyk"):
        err("press", "only an office leaflet or guide layout makes a press edition of itself; "
            "a brochure's press edition is a layout of its own")
    if len(problems.items) > before:
        return None
    return Layout(
        name=spec.name, kind=str(d.get("kind", "")), paper=str(paper), edition=str(d.get("edition", "standard")),
        width=width, height=height, margins=margins, max_pages=max_pages,
        sizes=_Named(sizes, spec.shown, "sizes"), colors=_Named(colors, spec.shown, "colors"),
        styles=_Named(styles, spec.shown, "styles"), fonts={f: fonts[f] for f in _FONT_FACES},
        panels=tuple(d.get("panels") or ()), sources=spec.sources,
        impose_on=d.get("impose_on"), color_mode=str(d.get("color_mode", "rgb")),
        options=dict(d.get("options") or {}), shown=spec.shown, proof_dpi=proof_dpi,
        figures=dict(figures), figure_colors={k: v.lower() for k, v in figure_colors.items()},
        press=bool(d.get("press", False)), pdfx=dict(pdfx) if isinstance(pdfx, dict) else None,
        black=black, min_tint=min_tint, max_ink=max_ink, min_ppi=min_ppi,
    )


def _percent(value) -> float | None:
    """'5%' -> 5.0; anything else None."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*%\s*", value) if isinstance(value, str) else None
    return float(match[1]) if match else None


def _inks(block, colors: dict, err) -> tuple[tuple[str, ...], float]:
    """`inks: {black: [colour names], min_tint: 5%}`: how a press file's colours print."""
    if block is None:
        return (), 0.0
    if not isinstance(block, dict) or set(block) - {"black", "min_tint"}:
        err("inks", "expected {black: [colour names printed as 100 % K], min_tint: the faintest ink, like 5%}")
        return (), 0.0
    black = block.get("black") or []
    if not isinstance(black, list) or not all(isinstance(n, str) for n in black):
        err("inks.black", "expected a list of colour names from colors: or \"#rrggbb\", like [text, muted]")
        black = []
    for name in black:
        if name not in colors and not re.fullmatch(r"#[0-9a-f]{6}", name):
            err("inks.black", f"no colour {name!r} in colors{did_you_mean(name, colors)}")
    tint = _percent(block.get("min_tint", "0%"))
    if tint is None or tint > 20:
        err("inks.min_tint", f"expected a percentage up to 20%, like 5%, found {block.get('min_tint')!r}")
        tint = 0.0
    return tuple(colors.get(n, n) for n in black if n in colors or n.startswith("#")), tint / 100


def _preflight(block, err) -> tuple[float, int]:
    """`preflight: {max_ink: 300%, min_ppi: 300}`: what a press file's summary warns about."""
    if block is None:
        return 400.0, 0
    if not isinstance(block, dict) or set(block) - {"max_ink", "min_ppi"}:
        err("preflight", "expected {max_ink: the condition's total ink limit, like 300%, min_ppi: 300}")
        return 400.0, 0
    limit = _percent(block.get("max_ink", "400%"))
    if limit is None or not 100 <= limit <= 400:
        err("preflight.max_ink", f"expected a total ink limit from 100% to 400%, like 300%, found "
            f"{block.get('max_ink')!r}")
        limit = 400.0
    ppi = block.get("min_ppi", 0)
    if isinstance(ppi, bool) or not isinstance(ppi, int) or not 0 <= ppi <= 2400:
        err("preflight.min_ppi", f"expected a whole number of pixels per inch, like 300, found {ppi!r}")
        ppi = 0
    return limit, ppi


def press_edition(layout: Layout) -> Layout:
    """The print-shop twin of an office layout (`press: true`): the same pages in CMYK,
    with the bleed and marks of its `sizes` (see prepress.press_setup)."""
    return replace(layout, color_mode="cmyk", press=False)


def _check_contrast(pairs, colors: dict, raw_colors: dict, brand: Brand, err, problems) -> None:
    """Every text/background pair the layout declares must meet WCAG AA for its size.

    A failing brand colour is reported at the clinic's brand line, with a passing shade of
    that colour, since the brand is what the clinic can change.
    """
    for pair in pairs:
        if not isinstance(pair, dict) or set(pair) - {"text", "bg", "size"} or \
                pair.get("text") not in colors or pair.get("bg") not in colors:
            err("contrast", f"expected {{text: <colour name>, bg: <colour name>, size: body|large}} "
                f"naming colours in colors:, found {pair!r}")
            continue
        minimum = LARGE if pair.get("size") == "large" else BODY
        fg, bg = colors[pair["text"]], colors[pair["bg"]]
        got = ratio(fg, bg)
        if got + 1e-9 >= minimum:
            continue
        what = (f"{pair['text']} {fg} on {pair['bg']} {bg} has contrast {got:.2f}:1, below the "
                f"{minimum}:1 WCAG AA needs for {pair.get('size', 'body')} text")
        from_brand = [k for k in (pair["bg"], pair["text"]) if str(raw_colors.get(k)).startswith("brand.")]
        if from_brand and brand.origin:
            key = from_brand[0]
            field = str(raw_colors[key])
            other = bg if key == pair["text"] else fg
            fix = nearest_passing(colors[key], other, minimum)
            problems.add(brand.origin.path, brand.origin.line, f"{colors[key]}: {what}"
                         + (f"; nearest passing shade: {fix}" if fix else ""), field)
        else:
            fix = nearest_passing(fg, bg, minimum)
            err("contrast", what + (f"; nearest passing shade of {pair['text']}: {fix}" if fix else ""))


def require_counts(layout: Layout, counts: dict[str, int]) -> None:
    """Whole-number options a renderer reads, checked before anything is rendered."""
    problems = []
    for name, default in counts.items():
        value = layout.options.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            problems.append(Problem(layout.shown, 0, f"expected a whole number, found {value!r}",
                                    f"options.{name}"))
    if problems:
        raise ContentError(problems)


def require_printable(layout: Layout, names: dict[str, str]) -> None:
    """Refuse an office layout that puts text where a desktop printer cannot print: a
    margin narrower than `sizes.unprintable`, or a band (size name -> the style set in it)
    whose part below the unprintable edge cannot hold a line of its text. Press files are
    trimmed, so only office ones are checked."""
    if layout.color_mode == "cmyk":
        return
    try:
        edge = layout.size("unprintable")
        bands = [(layout.size(k), layout.styles[v]) for k, v in names.items()]
    except MissingLayoutValue as exc:
        raise ContentError([Problem(layout.shown, 0, str(exc).split(": ", 1)[1])]) from None
    problems = []
    for side in ("top", "right", "bottom", "left"):
        if getattr(layout.margins, side) < edge - 0.01:
            problems.append(Problem(layout.shown, 0, f"the {side} margin is {getattr(layout.margins, side) / 72:.3g} in, "
                                    f"inside the {edge / 72:.3g} in a desktop printer cannot print; widen it",
                                    f"margins.{side}"))
    for (size, style_name), (band, style) in zip(names.items(), bands):
        room, need = band - edge, style.leading
        if room < need - 0.01:
            problems.append(Problem(layout.shown, 0, f"the band is {band / 72:.3g} in: below the "
                                    f"{edge / 72:.3g} in a desktop printer cannot print it has {room:.1f} pt for "
                                    f"its {need:g} pt line of {style_name}; make it at least "
                                    f"{(edge + need) / 72:.3g} in", f"sizes.{size}"))
    if problems:
        raise ContentError(problems)
