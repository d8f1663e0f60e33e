"""A press file's preflight summary, read back from the PDF bytes: page boxes, inks, total
ink coverage, image resolutions and fonts, with warnings where the print condition's limits
(`preflight:` in the layout) are broken.

Total ink is exact without a renderer: press files paint opaque colours with no overprint,
so every point of a page shows the last colour painted there, and the highest total of any
colour set in a content stream (pages and form XObjects) or any pixel of an image is the
highest total of the render. Registration (the `All` separation of the marks) is no ink.
"""

from __future__ import annotations

import math

from PIL import Image, ImageMath
from pypdf import PdfReader

from ..errors import warning
from .contentstream import Reader

_SAMPLE = 256  # images are sampled at most this many pixels along their longer side
_COLOURS = {b"k", b"K", b"g", b"G", b"rg", b"RG", b"sc", b"SC", b"cs", b"CS", b"scn", b"SCN"}
_PLACING = Reader(_COLOURS | {b"q", b"Q", b"cm", b"Do"})
_COLOURING = Reader(_COLOURS)  # a stream that draws no XObject: where it is placed does not matter


def _boxes(reader: PdfReader) -> dict:
    pages = [{name: [round(float(v), 2) for v in page[f"/{name}"]] for name in ("MediaBox", "TrimBox", "BleedBox")
              if f"/{name}" in page} for page in reader.pages]
    if pages and all(p == pages[0] for p in pages):
        return {"all pages": pages[0]}
    return {f"page {i}": p for i, p in enumerate(pages, start=1)}


class _Scan:
    def __init__(self):
        self.inks: set[str] = set()
        self.max_ink = 0.0
        self.worst: tuple | None = None   # the colour with the highest total
        self.images: list[dict] = []
        self.fonts: set[str] = set()
        self.rgb = False
        self.faint: set[float] = set()     # ink values between 0 and 5 %

    def colour(self, values: tuple[float, ...], spot: str | None = None) -> None:
        if spot == "All":
            return
        if spot:
            self.inks.add(spot)
            total = values[0] * 100
        else:
            self.inks.update(n for n, v in zip("CMYK", values) if v > 0)
            total = sum(values) * 100
        self.faint.update(v for v in values if 0 < v < 0.05 - 1e-9)
        if total > self.max_ink + 1e-9:
            self.max_ink, self.worst = total, (spot or tuple(round(v * 100, 1) for v in values))

    def stream(self, data: bytes, resources, matrix, reader, seen) -> None:
        resources = resources.get_object() if resources is not None else {}
        spaces = resources.get("/ColorSpace", {})
        spaces = spaces.get_object() if spaces else {}
        xobjects = resources.get("/XObject", {})
        xobjects = xobjects.get_object() if xobjects else {}
        for font in (resources.get("/Font") or {}).values():
            self.fonts.add(str(font.get_object().get("/BaseFont", "")).lstrip("/"))
        stack, ctm, current = [], matrix, {}
        for op, operands in (_PLACING if xobjects and b"Do" in data else _COLOURING).operations(data):
            if op == b"q":
                stack.append(ctm)
            elif op == b"Q":
                if stack:
                    ctm = stack.pop()
            elif op == b"cm":
                ctm = _multiply([float(v) for v in operands], ctm)
            elif op in (b"k", b"K"):
                self.colour(tuple(float(v) for v in operands))
            elif op in (b"g", b"G"):
                self.colour((0.0, 0.0, 0.0, 1 - float(operands[0])))
            elif op in (b"rg", b"RG", b"sc", b"SC"):
                if len(operands) == 3:
                    self.rgb = True
            elif op in (b"cs", b"CS"):
                current["fill" if op == b"cs" else "stroke"] = _separation(spaces.get(operands[0]))
            elif op in (b"scn", b"SCN"):
                spot = current.get("fill" if op == b"scn" else "stroke")
                if spot and operands:
                    self.colour((float(operands[0]),), spot)
            elif op == b"Do":
                self.xobject(xobjects.get(operands[0]), ctm, reader, seen)

    def xobject(self, ref, ctm, reader, seen) -> None:
        if ref is None:
            return
        obj = ref.get_object()
        subtype = obj.get("/Subtype")
        if subtype == "/Form":
            matrix = [float(v) for v in obj.get("/Matrix", [1, 0, 0, 1, 0, 0])]
            key = getattr(ref, "idnum", id(obj))
            if key not in seen:  # each form's colours once; a form drawn twice adds nothing new
                seen.add(key)
                self.stream(obj.get_data(), obj.get("/Resources"), _multiply(matrix, ctm), reader, seen)
        elif subtype == "/Image":
            self.image(obj, ctm)

    def image(self, obj, ctm) -> None:
        width, height = int(obj["/Width"]), int(obj["/Height"])
        placed_w, placed_h = math.hypot(ctm[0], ctm[1]), math.hypot(ctm[2], ctm[3])
        ppi = min(width / (placed_w / 72), height / (placed_h / 72)) if placed_w and placed_h else 0.0
        space = str(obj.get("/ColorSpace"))
        entry = {"pixels": [width, height], "placed_in": [round(placed_w / 72, 2), round(placed_h / 72, 2)],
                 "ppi": round(ppi), "colour_space": space.lstrip("/")}
        self.images.append(entry)
        if space != "/DeviceCMYK":
            self.rgb = self.rgb or space in ("/DeviceRGB", "/CalRGB")
            return
        img = obj.decode_as_image()
        if img is None or img.mode != "CMYK":
            return
        img.thumbnail((_SAMPLE, _SAMPLE), Image.Resampling.NEAREST)
        c, m, y, k = img.split()
        total = ImageMath.lambda_eval(lambda a: a["c"] + a["m"] + a["y"] + a["k"], c=c, m=m, y=y, k=k)
        high = total.getextrema()[1] / 255 * 100
        for channel in (c, m, y, k):
            hist = channel.histogram()
            if any(hist[1:13]):
                self.faint.add(0.01)
        self.inks.update(n for n, ch in zip("CMYK", (c, m, y, k)) if ch.getextrema()[1] > 0)
        if high > self.max_ink + 1e-9:
            self.max_ink, self.worst = high, "an image"


def _separation(space) -> str | None:
    space = space.get_object() if space is not None else None
    if isinstance(space, list) and len(space) >= 2 and space[0] == "/Separation":
        return str(space[1]).lstrip("/")
    return None


def _multiply(a: list[float], b: list[float]) -> list[float]:
    """a × b for PDF matrices [a b c d e f]."""
    return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
            a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3],
            a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5]]


def scan(data: bytes) -> _Scan:
    from io import BytesIO
    reader = PdfReader(BytesIO(data))
    result, seen = _Scan(), set()
    for page in reader.pages:
        content = page.get_contents()  # (several streams joined as pypdf joins them)
        if content is not None:
            result.stream(content.get_data(), page.get("/Resources"), [1, 0, 0, 1, 0, 0], reader, seen)
    result.boxes = _boxes(reader)
    return result


def preflight(data: bytes, layout, clinic, at: tuple[str, int], estimated: bool) -> tuple[dict, list]:
    """(the summary, its warnings) for one press file. An over-limit brand ink is located at
    its line of clinic.yaml, a low-resolution image at the clinic's logo file (the only image),
    anything else at `at`, the layout's `preflight:` line."""
    brand, logo = clinic.brand, clinic.logo
    s = scan(data)
    names = {"C": "cyan", "M": "magenta", "Y": "yellow", "K": "black"}
    summary = {
        "boxes": s.boxes,
        "inks": [names[n] for n in "CMYK" if n in s.inks] + sorted(n for n in s.inks if n not in names),
        "max_ink": round(s.max_ink, 1), "ink_limit": layout.max_ink,
        "images": s.images,
        "fonts": sorted(f for f in s.fonts if f),
        "colour": "estimated (no profile: device formula)" if estimated else
                  f"managed ({layout.pdfx.get('profile')}, relative colorimetric)" if layout.pdfx else "managed",
    }
    problems = []
    if s.max_ink > layout.max_ink + 0.5:  # 8-bit image values may add up to a hair over
        what = f"{s.worst}" if isinstance(s.worst, str) else f"C{s.worst[0]:g} M{s.worst[1]:g} Y{s.worst[2]:g} K{s.worst[3]:g}" \
            if isinstance(s.worst, tuple) and len(s.worst) == 4 else str(s.worst)
        where = at
        for role, ink in brand.inks:
            if isinstance(s.worst, tuple) and tuple(round(v, 1) for v in ink.cmyk) == s.worst and ink.origin:
                where = (ink.origin.path, ink.origin.line)
        problems.append(warning(*where, f"total ink {s.max_ink:.0f} % ({what}) is above the {layout.max_ink:g} % "
                                f"the print condition allows (preflight.max_ink in {layout.shown}); lower the "
                                "colour's inks so they add up to at most that"))
    for image in s.images:
        if layout.min_ppi and image["ppi"] < layout.min_ppi - 0.5:
            where = (logo.shown, 0) if logo is not None else at  # the file to replace
            problems.append(warning(*where, f"{image['pixels'][0]} × {image['pixels'][1]} px is only {image['ppi']} "
                                    f"ppi at its placed size ({image['placed_in'][0]:.2f} × {image['placed_in'][1]:.2f} "
                                    f"in) in layout {layout.name}; print shops need {layout.min_ppi} ppi "
                                    f"(preflight.min_ppi)"))
    summary["warnings"] = [p.message for p in problems]
    return summary, problems
