"""Register the bundled TrueType fonts with ReportLab and report what they can draw."""

from __future__ import annotations

from dataclasses import dataclass
from struct import error as struct_error
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from . import limits
from .inputs import Refused, read_bytes

FACES = ("regular", "bold", "italic", "bold_italic")


class FontError(ValueError):
    pass


@dataclass(frozen=True)
class FontSet:
    """The four faces of one family, by their registered ReportLab names."""

    regular: str
    bold: str
    italic: str
    bold_italic: str
    charset: frozenset[int]  # code points every face can draw
    files: tuple[Path, ...]

    def face(self, name: str) -> str:
        return getattr(self, name)


@lru_cache(maxsize=None)
def _register(path: Path, folder: Path) -> tuple[str, frozenset[int]]:
    name = path.stem
    try:
        font = TTFont(name, BytesIO(read_bytes(path, folder, limits.MAX_FONT_BYTES)))
    except Refused as exc:
        raise FontError(f"cannot use font {path.name}: it {exc}") from None
    except (TTFError, OSError, ValueError, KeyError, IndexError, struct_error) as exc:
        raise FontError(f"cannot read font {path.name}: {exc}") from None
    pdfmetrics.registerFont(font)
    return name, frozenset(font.face.charToGlyph)


def load_fontset(folder: Path, faces: dict[str, str]) -> FontSet:
    """Faces map face -> file name inside `folder` (from the layout's `fonts:`)."""
    names, charsets, files = {}, [], []
    for face in FACES:
        path = (folder / faces[face]).resolve()
        if not path.is_file():
            raise FontError(f"font file {faces[face]!r} not found in {folder}")
        names[face], charset = _register(path, folder)
        charsets.append(charset)
        files.append(path)
    family = names["regular"]
    addMapping(family, 0, 0, names["regular"])
    addMapping(family, 1, 0, names["bold"])
    addMapping(family, 0, 1, names["italic"])
    addMapping(family, 1, 1, names["bold_italic"])
    for face in FACES[1:]:  # markup inside a bold heading must stay in the family too
        addMapping(names[face], 0, 0, names[face])
    return FontSet(**names, charset=frozenset.intersection(*charsets), files=tuple(files))
