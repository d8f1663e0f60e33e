"""Managed colour: which inks each colour of a press file prints with.

Three sources, in this order: a brand colour the clinic gives in CMYK (or as a spot colour)
prints exactly so; the layout's text colours (`inks.black`) print as black ink alone; every
other colour, and every raster image, is converted by LittleCMS (Pillow's ImageCms) from
sRGB into the print condition's profile (`pdfx.profile`), relative colorimetric. Without a
profile the old device formula is used, and the preflight says those colours are estimated.
Last, no ink is left between 0 and `inks.min_tint` (5 %): a plate that faint drops out.
"""

from __future__ import annotations

from functools import lru_cache
from io import BytesIO

from PIL import Image, ImageChops, ImageCms, ImageMath
from reportlab.lib.colors import CMYKColor, CMYKColorSep, toColor

from ..source import model as m

INTENT = ImageCms.Intent.RELATIVE_COLORIMETRIC  # paper white is white; in-gamut colours kept


@lru_cache(maxsize=4)
def _transforms(profile: bytes):
    """(sRGB -> CMYK, CMYK -> sRGB) through `profile`, built once per profile."""
    cmyk = ImageCms.ImageCmsProfile(BytesIO(profile))
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    return (ImageCms.buildTransform(srgb, cmyk, "RGB", "CMYK", renderingIntent=INTENT),
            ImageCms.buildTransform(cmyk, srgb, "CMYK", "RGB", renderingIntent=INTENT))


def profile_check(profile: bytes) -> str | None:
    """Why `profile` cannot convert into a print condition, or None."""
    try:
        _transforms(profile)
    except (OSError, ImageCms.PyCMSError, ValueError):
        return "is not an ICC profile LittleCMS can read"
    if ImageCms.ImageCmsProfile(BytesIO(profile)).profile.xcolor_space.strip() != "CMYK":
        return "is not a CMYK output profile"
    return None


def rgb_to_cmyk(rgb: tuple[int, int, int], profile: bytes | None) -> tuple[float, float, float, float]:
    """One sRGB colour (0-255) as ink fractions (0-1), unrounded to the floor."""
    if profile is None:
        return _formula(*(v / 255 for v in rgb))
    pixel = ImageCms.applyTransform(Image.new("RGB", (1, 1), tuple(rgb)), _transforms(profile)[0])
    return tuple(round(v / 255, 4) for v in pixel.getpixel((0, 0)))


def cmyk_to_rgb(cmyk: tuple[float, ...], profile: bytes | None) -> str:
    """Ink fractions as the "#rrggbb" they look like on screen (office files)."""
    if profile is None:
        c, mg, y, k = cmyk
        rgb = tuple(round(255 * (1 - v) * (1 - k)) for v in (c, mg, y))
    else:
        ink = Image.new("CMYK", (1, 1), tuple(round(v * 255) for v in cmyk))
        rgb = ImageCms.applyTransform(ink, _transforms(profile)[1]).getpixel((0, 0))
    return "#" + "".join(f"{v:02x}" for v in rgb)


def _formula(r: float, g: float, b: float) -> tuple[float, float, float, float]:
    """The device formula, for a press layout with no profile (an estimate)."""
    k = 1 - max(r, g, b)
    if k >= 1:
        return (0.0, 0.0, 0.0, 1.0)
    return tuple(round((1 - v - k) / (1 - k), 4) for v in (r, g, b)) + (round(k, 4),)


def floor(values: tuple[float, ...], minimum: float) -> tuple[float, ...]:
    """No ink between 0 and `minimum`. A faint ink is dropped where 0 is nearer and another
    ink keeps the colour visible, else raised to `minimum`; a colour made only of faint inks
    keeps its strongest at `minimum` (a pale panel tint must not vanish from the sheet)."""
    values = list(values)
    if minimum <= 0 or not any(values):
        return tuple(values)
    if max(values) < minimum:
        strongest = values.index(max(values))
        values = [minimum if i == strongest else v for i, v in enumerate(values)]
    return tuple(0.0 if 0 < v < minimum / 2 else minimum if 0 < v < minimum else v for v in values)


class Inks:
    """The press canvas's colour setter (`enforceColorSpace`) and image converter for one
    layout and brand. `given` maps "#rrggbb" to the ink it prints as."""

    def __init__(self, given: dict[str, CMYKColor], profile: bytes | None, minimum: float):
        self.given, self.profile, self.minimum = given, profile, minimum
        self._cache: dict[tuple, CMYKColor] = {}

    @property
    def estimated(self) -> bool:
        return self.profile is None

    def __call__(self, value) -> CMYKColor:
        color = toColor(value)
        if isinstance(color, CMYKColor):  # already ink (registration, a given colour)
            return color
        rgb = tuple(round(v * 255) for v in (color.red, color.green, color.blue))
        key = "#" + "".join(f"{v:02x}" for v in rgb)
        if key in self.given:
            return self.given[key]
        if rgb not in self._cache:
            self._cache[rgb] = CMYKColor(*floor(rgb_to_cmyk(rgb, self.profile), self.minimum))
        return self._cache[rgb]

    def image(self, img: Image.Image, background: str) -> Image.Image:
        """Flatten transparency onto the colour it is printed on, then convert to the
        condition's inks like the vector colours around it, each ink floored pixel by pixel
        (0 where nearer, else the minimum: a single pixel need not stay visible)."""
        rgba = img.convert("RGBA")
        flat = Image.alpha_composite(Image.new("RGBA", rgba.size, background), rgba).convert("RGB")
        if self.profile is not None:
            out = ImageCms.applyTransform(flat, _transforms(self.profile)[0])
        else:
            out = _formula_image(flat)
        low = round(self.minimum * 255 + 0.4999)  # the smallest 8-bit value at or above the floor
        lut = [0 if 0 < v < low / 2 else low if 0 < v < low else v for v in range(256)]
        return out.point(lut * 4)


def _formula_image(flat: Image.Image) -> Image.Image:
    r, g, b = flat.split()
    k = ImageChops.invert(ImageChops.lighter(ImageChops.lighter(r, g), b))

    def ink(channel):
        return ImageMath.lambda_eval(
            lambda a: a["convert"]((255 - a["v"] - a["k"]) * 255 / a["max"](255 - a["k"], 1), "L"),
            v=channel, k=k, max=ImageMath.imagemath_max, convert=ImageMath.imagemath_convert)

    return Image.merge("CMYK", [ink(r), ink(g), ink(b), k])


def brand_ink(ink: m.Ink) -> CMYKColor:
    """A brand colour given in CMYK: exactly those inks, or a Separation of its spot colour
    with them as the alternate."""
    c, mg, y, k = (v / 100 for v in ink.cmyk)
    if ink.spot:
        return CMYKColorSep(c, mg, y, k, spotName=ink.spot)
    return CMYKColor(c, mg, y, k)


def for_layout(colors: dict[str, str], black: tuple[str, ...], brand: m.Brand, profile: bytes | None,
               minimum: float) -> Inks:
    """The inks of a press layout: its `black` colour names print as 100 % K, the brand's
    given inks as given (they win where a colour is both)."""
    given = {colors[name]: CMYKColor(0, 0, 0, 1) for name in black}
    for role, ink in brand.inks:
        given[getattr(brand, role)] = brand_ink(ink)
    return Inks(given, profile, minimum)
