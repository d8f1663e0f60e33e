"""Logo files, checked before anything decodes or draws them.

A logo is content, and content may be hostile. A raster must be the PNG or JPEG its name
says, small enough to decode, and whole. An SVG must be one self-contained drawing: no
reference to another file, image or URL, no DOCTYPE or entities, no script, and text only
in characters the bundled fonts have (its fonts are always the bundled ones, see
`render.logo`), so the renderer never reads a file or asks the system for a font.
"""

from __future__ import annotations

import re
import warnings
from io import BytesIO

from .. import limits
from .text import missing_glyphs

RASTER = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}
_XLINK_OR_SVG = re.compile(r"^\{[^}]*\}")
_URL = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)
_FORBIDDEN = {"script", "foreignObject", "image", "iframe", "video", "audio", "feImage"}
_TEXT = {"text", "tspan", "textPath"}
_MAX_ELEMENTS = 20_000


class LogoError(ValueError):
    """Why a logo file cannot be used, phrased for the person who supplied it."""


def check_raster(data: bytes, suffix: str) -> tuple[int, int]:
    """(width, height) of a whole, decodable PNG or JPEG matching its suffix."""
    from PIL import Image
    expected = RASTER[suffix]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(BytesIO(data)) as img:  # reads the header only
                found, (width, height) = img.format, img.size
                if found != expected:
                    raise LogoError(f"is a {found} image, not the {expected} its name says; "
                                    "save it as PNG or JPEG with the matching extension")
                if width * height > limits.MAX_IMAGE_PIXELS:
                    raise LogoError(_too_many(f"{width} × {height} pixels"))
                img.load()
    except Image.DecompressionBombError:
        raise LogoError(_too_many("far too many pixels")) from None
    except Image.UnidentifiedImageError:
        raise LogoError(f"is not a {expected} image (is it another kind of file renamed?); "
                        "export the logo again as PNG or JPEG") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        if isinstance(exc, LogoError):
            raise
        raise LogoError("is damaged or cut short and cannot be decoded; export the logo again") from None
    return width, height


def _too_many(what: str) -> str:
    return (f"has {what}; a logo may have at most {limits.MAX_IMAGE_PIXELS:,} pixels "
            "(1,500 px across is plenty for print)")


def check_svg(data: bytes, charset: frozenset[int], what: str = "logo") -> None:
    """Refuse anything in an SVG that would read outside it or draw outside the fonts.
    `what` names the file in messages: a logo, or a figure (layouts/figures/*.svg)."""
    try:
        _check_svg(data, charset)
    except LogoError as exc:
        message = str(exc) if what == "logo" else str(exc).replace(" (give a raster logo as PNG instead)", "")
        raise LogoError(message.replace("a logo", f"a {what}")) from None


def _check_svg(data: bytes, charset: frozenset[int]) -> None:
    import xml.etree.ElementTree as ET
    head = data[:4096].lower()
    if b"<!doctype" in data.lower() or b"<!entity" in head:
        raise LogoError("declares a DOCTYPE or entities; export the SVG again without them "
                        "(plain SVG)")
    if b"<?xml-stylesheet" in data.lower():
        raise LogoError("links a style sheet; a logo must be one self-contained SVG")
    try:
        root = ET.fromstring(data)
    except (ET.ParseError, ValueError):
        raise LogoError("is not a readable SVG file; export it again or use PNG") from None
    if _local(root.tag) != "svg":
        raise LogoError("is not a readable SVG file (its root element is not <svg>); export it again or use PNG")
    for count, element in enumerate(root.iter()):
        if count > _MAX_ELEMENTS:
            raise LogoError(f"has more than {_MAX_ELEMENTS:,} elements; simplify the drawing")
        tag = _local(element.tag) if isinstance(element.tag, str) else ""
        if tag in _FORBIDDEN:
            what = "an embedded picture" if tag in ("image", "feImage") else f"a <{tag}> element"
            raise LogoError(f"contains {what}; a logo must be plain vector shapes and text "
                            "(give a raster logo as PNG instead)")
        for name, value in element.attrib.items():
            if _local(name) == "href" and not value.strip().startswith("#"):
                raise LogoError(f"refers to {value[:80]!r}; a logo must be one self-contained SVG "
                                "with no links to other files or addresses")
            _check_css(value)
        if tag == "style":
            _check_css(element.text or "")
        if tag in _TEXT:
            text = "".join(element.itertext())
            missing = missing_glyphs(text, charset)
            if missing:
                ch = missing[0]
                raise LogoError(f"has text with {ch!r} (U+{ord(ch):04X}), which the bundled fonts "
                                "cannot draw; convert the text to outlines")


def _check_css(value: str) -> None:
    lowered = value.lower()
    if "@import" in lowered or "@font-face" in lowered:
        raise LogoError("loads a style sheet or font; a logo uses the bundled fonts and nothing else")
    for target in _URL.findall(value):
        if not target.startswith("#"):
            raise LogoError(f"refers to url({target[:80]}); a logo must be one self-contained SVG")


def _local(name: str) -> str:
    return _XLINK_OR_SVG.sub("", name)
