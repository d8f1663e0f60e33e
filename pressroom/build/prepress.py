"""What a print shop's preflight checks: CMYK colour, page boxes, marks, image resolution.

Press output converts every colour as it is set on the canvas (one rule for vector
colours, text and markup links alike) and every image, through the layout's `Inks`
(managed colour, see `inks`), so nothing RGB can reach the file; office output passes
colours through unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO

from functools import lru_cache

from PIL import Image
from reportlab.lib.colors import CMYKColorSep
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from ..errors import Problem, warning
from ..layout.inks import Inks, for_layout

REGISTRATION = CMYKColorSep(1, 1, 1, 1, spotName="All")  # marks print on every plate, spot ones too


def inks_for(layout, brand) -> Inks:
    """The inks a press edition of `layout` prints `brand` with (see `inks`)."""
    return _inks(layout.black, brand, layout.profile, layout.min_tint)


@lru_cache(maxsize=16)
def _inks(black: tuple[str, ...], brand, profile: bytes | None, minimum: float) -> Inks:
    return for_layout({hex_: hex_ for hex_ in black}, black, brand, profile, minimum)


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


def pdfx_canvas(base, pdfx: dict | None):
    """`base`, or a subclass whose files claim the PDF/X standard `pdfx` names."""
    if not pdfx:
        return base
    from ..render.tagging import declare_pdfx

    class PdfxCanvas(base):
        def save(self):
            declare_pdfx(self, pdfx)
            super().save()

    return PdfxCanvas


def new_canvas(buffer, settings: dict, sheet: Sheet, inks: Inks | None, font: str, links: bool = True,
               base=Canvas, pdfx: dict | None = None) -> Canvas:
    """A canvas (of class `base`) with the document settings of `common.doc_settings`, the
    sheet's boxes and, for press (`inks`), every colour set as the ink it prints with.
    `font` (an embedded one) replaces ReportLab's default Helvetica, which would otherwise
    be listed unembedded."""
    maker = pdfx_canvas(base if links else _PrintCanvas, pdfx if inks else None)
    canv = maker(buffer, pagesize=sheet.media, invariant=settings["invariant"], lang=settings["lang"],
                 enforceColorSpace=inks, pageCompression=1, initialFontName=font,
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


@dataclass(frozen=True)
class Marks:
    """Crop marks: how far beyond the trim they start, how long and how heavy they are."""

    offset: float
    length: float
    weight: float


def press_setup(layout) -> tuple[Sheet, Marks]:
    """A press edition's sheet and marks from the layout's sizes (bleed, slug, mark_*),
    refused with every problem named when they are missing or the marks would print
    inside the bleed or off the media."""
    from ..errors import ContentError
    from ..layout.layouts import MissingLayoutValue
    problems = []
    try:
        bleed, slug = layout.size("bleed"), layout.size("slug")
        marks = Marks(layout.size("mark_offset"), layout.size("mark_length"), layout.size("mark_weight"))
    except MissingLayoutValue as exc:
        raise ContentError([Problem(layout.shown, 0, str(exc).split(": ", 1)[1])]) from None
    if bleed <= 0:
        problems.append(Problem(layout.shown, 0, "a press edition needs a bleed (0.125in or 3mm)", "sizes.bleed"))
    if marks.offset < bleed:
        problems.append(Problem(layout.shown, 0, "marks must start outside the bleed (mark_offset ≥ bleed)",
                                "sizes.mark_offset"))
    if marks.offset + marks.length > bleed + slug + 0.01:
        problems.append(Problem(layout.shown, 0, "the slug is too small for the marks: make it at least "
                                "mark_offset + mark_length - bleed", "sizes.slug"))
    if problems:
        raise ContentError(problems)
    return Sheet(layout.width, layout.height, bleed, slug), marks


def press_canvas(sheet: Sheet, marks: Marks, inks: Inks, pdfx: dict | None = None):
    """A canvas class for a document laid out at its trim size (Platypus frames, page
    furniture) that prints it as a press page: the media grows by bleed and slug, the
    origin sits at the trim corner on every page, every colour is CMYK, links are dropped,
    a fill that reaches a trim edge runs on into the bleed (so a band can be trimmed clean)
    and crop marks end each page. With `pdfx` the file claims that PDF/X standard."""

    class PressCanvas(pdfx_canvas(_PrintCanvas, pdfx)):
        def __init__(self, *args, **kwargs):
            kwargs.update(pagesize=sheet.media, enforceColorSpace=inks, trimBox=sheet.trim_box,
                          bleedBox=sheet.bleed_box)
            super().__init__(*args, **kwargs)
            start_page(self, sheet)

        def setPageSize(self, size):  # Platypus sets each page to the trim size
            super().setPageSize(sheet.media)

        def _startPage(self):
            super()._startPage()
            start_page(self, sheet)

        def showPage(self):
            draw_marks(self, sheet, (), marks.offset, marks.length, marks.weight)
            super().showPage()

        def rect(self, x, y, width, height, stroke=1, fill=0):
            if fill and not stroke:
                x, y, width, height = _into_bleed(self._currentMatrix, sheet, x, y, width, height)
            super().rect(x, y, width, height, stroke, fill)

    return PressCanvas


def _into_bleed(matrix, sheet: Sheet, x: float, y: float, width: float, height: float) -> tuple:
    """A filled rectangle (user space) grown by the bleed on each side that lies on the trim."""
    a, b, c, d, e, f = matrix
    if b or c or a <= 0 or d <= 0:
        return x, y, width, height
    if width < 0:
        x, width = x + width, -width
    if height < 0:
        y, height = y + height, -height
    left, bottom = a * x + e - sheet.offset, d * y + f - sheet.offset
    right, top = left + a * width, bottom + d * height
    grow_x, grow_y, near = sheet.bleed / a, sheet.bleed / d, 0.05
    if abs(left) < near:
        x, width = x - grow_x, width + grow_x
    if abs(right - sheet.width) < near:
        width += grow_x
    if abs(bottom) < near:
        y, height = y - grow_y, height + grow_y
    if abs(top - sheet.height) < near:
        height += grow_y
    return x, y, width, height


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


def place_image(data: bytes, inks: Inks | None, background: str) -> PlacedImage:
    """An image as placed: for press (`inks`) flattened and converted to the condition's inks."""
    img = open_image(data)
    aspect = img.width / img.height
    if inks is not None:
        return PlacedImage(ImageReader(inks.image(img, background)), None, aspect)
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
