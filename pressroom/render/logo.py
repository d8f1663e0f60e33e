"""The clinic's logo, raster (PNG, JPEG) or vector (SVG), placed the same way everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from io import BytesIO

from ..source import model as m
from ..build import prepress
from ..layout.fonts import FontSet
from .common import RenderError


@dataclass(frozen=True)
class Logo:
    aspect: float                      # width / height
    image: prepress.PlacedImage | None  # a raster logo
    drawing: object | None             # an SVG logo as a ReportLab Drawing (stays vector)


@lru_cache(maxsize=8)
def load_logo(logo: m.Logo, fonts: FontSet, inks=None, background: str = "#ffffff") -> Logo:
    """For press (`inks`), a raster logo is converted to the condition's inks; a vector one
    is converted as it is drawn, by the press canvas's colour setter."""
    if logo.kind == "svg":
        drawing = read_svg(logo.data, fonts)
        if drawing is None:
            raise RenderError(f"the logo {logo.shown} is not an SVG this generator can read; export it "
                              "again or use PNG")
        return Logo(drawing.width / drawing.height, None, drawing)
    image = prepress.place_image(logo.data, inks, background)
    return Logo(image.aspect, image, None)


class _BundledFonts:
    """svglib's font map, answering every lookup with the bundled faces: an SVG can never
    make the renderer search the system for a font (or open a path it names)."""

    def __init__(self, fonts: FontSet):
        self.fonts = fonts

    def find_font(self, name: str, weight: str = "normal", style: str = "normal") -> tuple[str, bool]:
        bold = weight in ("bold", "bolder") or (weight.isdigit() and int(weight) >= 600)
        italic = style in ("italic", "oblique")
        face = {(False, False): "regular", (True, False): "bold", (False, True): "italic",
                (True, True): "bold_italic"}[bold, italic]
        return self.fonts.face(face), True


def read_svg(data: bytes, fonts: FontSet | None):
    """An SVG (checked by `images.check_svg`) as a ReportLab drawing, from bytes, so that
    svglib has no file path to resolve references against. `fonts` None: an SVG without
    text, whose starting font the caller sets."""
    from reportlab.graphics.shapes import Group, String
    from svglib.svglib import svg2rlg  # imported only for SVG logos
    font_map = _BundledFonts(fonts)
    try:
        drawing = svg2rlg(BytesIO(data), font_map=font_map)
    except Exception:  # svglib raises many kinds for a malformed file; all mean "cannot read"
        return None
    if drawing is None or drawing.width <= 0 or drawing.height <= 0:
        return None

    def embed(node) -> None:  # text svglib set in its default font gets the bundled one
        for child in getattr(node, "contents", ()):
            if isinstance(child, String) and child.fontName not in _faces(fonts):
                child.fontName = fonts.regular
            elif isinstance(child, Group):
                embed(child)
    if fonts is not None:
        embed(drawing)
        drawing.initialFontName = fonts.regular  # the renderer's starting state, used before any text
    return drawing


def _faces(fonts: FontSet) -> set[str]:
    return {fonts.regular, fonts.bold, fonts.italic, fonts.bold_italic}


def fit(logo: Logo, max_width: float, max_height: float) -> tuple[float, float]:
    width = min(max_width, max_height * logo.aspect)
    return width, width / logo.aspect


def draw_logo(canv, logo: Logo, x: float, y: float, max_width: float, max_height: float) -> tuple[float, float]:
    """Draw with its lower-left corner at (x, y), as large as fits; returns the size used."""
    width, height = fit(logo, max_width, max_height)
    if logo.drawing is not None:
        from reportlab.graphics import renderPDF
        canv.saveState()
        canv.translate(x, y)
        canv.scale(width / logo.drawing.width, height / logo.drawing.height)
        renderPDF.draw(logo.drawing, canv, 0, 0)
        canv.restoreState()
    else:
        canv.drawImage(logo.image.reader, x, y, width, height, mask=logo.image.mask)
    return width, height
