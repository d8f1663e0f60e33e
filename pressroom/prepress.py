"""What a print shop's preflight checks: CMYK colour, page boxes, marks, image resolution.

Press output converts every colour as it is set on the canvas (one rule for vector
colours, text and markup links alike) and every image with Pillow, so nothing RGB can
reach the file; office output passes colours through unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageChops, ImageMath
from reportlab.lib.colors import CMYKColor, toColor
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from .errors import Problem, warning

REGISTRATION = CMYKColor(1, 1, 1, 1)  # marks print on every plate


def cmyk(value) -> CMYKColor:
    """Any colour -> CMYK. Dark near-greys (body text) become black ink alone, so small
    type stays sharp without four plates in register; other colours take black for their
    darkness and C, M, Y for their hue (the usual device conversion, the same for images)."""
    color = toColor(value)
    if isinstance(color, CMYKColor):
        return CMYKColor(color.cyan, color.magenta, color.yellow, color.black, density=color.density)
    r, g, b = color.red, color.green, color.blue
    luminance = 0.299 * r + 0.587 * g + 0.114 * b
    if max(r, g, b) - min(r, g, b) <= 0.12 and luminance < 0.5:
        return CMYKColor(0, 0, 0, round(1 - luminance, 4))
    k = 1 - max(r, g, b)
    if k >= 1:
        return CMYKColor(0, 0, 0, 1)
    return CMYKColor(*(round((1 - v - k) / (1 - k), 4) for v in (r, g, b)), round(k, 4))


@dataclass(frozen=True)
class Sheet:
    """A page's boxes: the trim (finished size), bleed around it, slug for marks."""

    width: float
    height: float
    bleed: float = 0.0
    slug: float = 0.0

    @property
    def offset(self) -> float:
        return self.bleed + self.slug

    @property
    def media(self) -> tuple[float, float]:
        return self.width + 2 * self.offset, self.height + 2 * self.offset

    @property
    def trim_box(self) -> tuple[float, ...]:
        o = self.offset
        return (o, o, o + self.width, o + self.height)

    @property
    def bleed_box(self) -> tuple[float, ...]:
        o, b = self.offset, self.bleed
        return (o - b, o - b, o + self.width + b, o + self.height + b)


class _PrintCanvas(Canvas):
    """A press canvas: link annotations are dropped (preflights refuse them on the page)."""

    def linkURL(self, *args, **kwargs):
        return None

    def linkRect(self, *args, **kwargs):
        return None


def new_canvas(buffer, settings: dict, sheet: Sheet, press: bool, font: str, links: bool = True,
               base=Canvas) -> Canvas:
    """A canvas (of class `base`) with the document settings of `common.doc_settings`, the
    sheet's boxes and, for press, every colour forced to CMYK. `font` (an embedded one)
    replaces ReportLab's default Helvetica, which would otherwise be listed unembedded."""
    maker = base if links else _PrintCanvas
    canv = maker(buffer, pagesize=sheet.media, invariant=settings["invariant"], lang=settings["lang"],
                 enforceColorSpace=cmyk if press else None, pageCompression=1, initialFontName=font,
                 trimBox=sheet.trim_box, bleedBox=sheet.bleed_box)
    canv.setViewerPreference("Duplex", "DuplexFlipShortEdge")  # the sheet turns left to right
    canv.setTitle(settings["title"])
    canv.setAuthor(settings["author"])
    canv.setSubject(settings["subject"])
    canv.setCreator(settings["creator"])
    canv.setProducer(settings["producer"])
    if settings.get("displayDocTitle"):
        canv.setViewerPreference("DisplayDocTitle", "true")
    return canv


def start_page(canv: Canvas, sheet: Sheet) -> None:
    """Put the origin at the trim's lower-left corner for this page."""
    canv.translate(sheet.offset, sheet.offset)


def draw_marks(canv: Canvas, sheet: Sheet, folds: tuple[float, ...], offset: float,
               length: float, weight: float) -> None:
    """Crop marks at the four trim corners and dashed fold marks, all beyond the bleed."""
    w, h = sheet.width, sheet.height
    canv.saveState()
    canv.setStrokeColor(REGISTRATION)
    canv.setLineWidth(weight)
    for x in (0.0, w):
        for y0 in (-offset, h + offset):
            sign = -1 if y0 < 0 else 1
            canv.line(x, y0, x, y0 + sign * length)
    for y in (0.0, h):
        for x0 in (-offset, w + offset):
            sign = -1 if x0 < 0 else 1
            canv.line(x0, y, x0 + sign * length, y)
    canv.setDash(3, 2)
    for x in folds:
        canv.line(x, -offset, x, -offset - length)
        canv.line(x, h + offset, x, h + offset + length)
    canv.restoreState()


@dataclass(frozen=True)
class PlacedImage:
    reader: ImageReader
    mask: str | None       # "auto" keeps a PNG's transparency (office only)
    aspect: float          # width / height


def open_image(data: bytes) -> Image.Image:
    """Bytes already checked by `images.check_raster` (kind, size, whole)."""
    with Image.open(BytesIO(data)) as img:
        img.load()
        return img.copy()


def image_dpi(img: Image.Image, width_pt: float, height_pt: float) -> float:
    """The effective resolution of an image placed at a size, in its weaker direction."""
    return min(img.width / (width_pt / 72), img.height / (height_pt / 72))


def to_cmyk(img: Image.Image, background: str) -> Image.Image:
    """Flatten transparency onto the colour it is printed on, then convert to CMYK the
    way `cmyk` converts a colour, so a logo matches the vector colours around it."""
    rgba = img.convert("RGBA")
    flat = Image.alpha_composite(Image.new("RGBA", rgba.size, background), rgba).convert("RGB")
    r, g, b = flat.split()
    k = ImageChops.invert(ImageChops.lighter(ImageChops.lighter(r, g), b))

    def ink(channel):
        return ImageMath.lambda_eval(
            lambda a: a["convert"]((255 - a["v"] - a["k"]) * 255 / a["max"](255 - a["k"], 1), "L"),
            v=channel, k=k, max=ImageMath.imagemath_max, convert=ImageMath.imagemath_convert)

    return Image.merge("CMYK", [ink(r), ink(g), ink(b), k])


def place_image(data: bytes, press: bool, background: str) -> PlacedImage:
    img = open_image(data)
    aspect = img.width / img.height
    if press:
        return PlacedImage(ImageReader(to_cmyk(img, background)), None, aspect)
    return PlacedImage(ImageReader(BytesIO(data)), "auto", aspect)


def low_resolution(data: bytes, width_pt: float, height_pt: float, min_dpi: int,
                   shown: str, where: str) -> Problem | None:
    """A warning naming the file when an image is below `min_dpi` at its placed size."""
    img = open_image(data)
    dpi = image_dpi(img, width_pt, height_pt)
    if dpi >= min_dpi - 0.5:
        return None
    need_w = round(width_pt / 72 * min_dpi)
    need_h = round(height_pt / 72 * min_dpi)
    return warning(shown, 0, f"{img.width} × {img.height} px is only {dpi:.0f} dpi at its printed size "
                   f"({width_pt / 72:.2f} × {height_pt / 72:.2f} in) in {where}; print shops need "
                   f"{min_dpi} dpi: supply at least {need_w} × {need_h} px")
