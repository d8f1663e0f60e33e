"""The clinic's logo, raster (PNG, JPEG) or vector (SVG), placed the same way everywhere."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .. import prepress
from .common import RenderError


@dataclass(frozen=True)
class Logo:
    aspect: float                      # width / height
    image: prepress.PlacedImage | None  # a raster logo
    drawing: object | None             # an SVG logo as a ReportLab Drawing (stays vector)


def is_vector(path: str) -> bool:
    return path.lower().endswith(".svg")


@lru_cache(maxsize=8)
def load_logo(path: str, press: bool = False, background: str = "#ffffff") -> Logo:
    """For press, a raster logo is converted to CMYK; a vector one is converted as it is
    drawn, by the press canvas's CMYK colour setter."""
    if is_vector(path):
        drawing = read_svg(path)
        if drawing is None:
            raise RenderError(f"the logo {path} is not an SVG this generator can read; export it again "
                              "or use PNG")
        return Logo(drawing.width / drawing.height, None, drawing)
    image = prepress.place_image(path, press, background)
    return Logo(image.aspect, image, None)


def read_svg(path: str):
    from svglib.svglib import svg2rlg  # imported only for SVG logos
    try:
        drawing = svg2rlg(path)
    except Exception:  # svglib raises many kinds for a malformed file; all mean "cannot read"
        return None
    return drawing if drawing is not None and drawing.width > 0 and drawing.height > 0 else None


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
