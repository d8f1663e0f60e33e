"""Register the bundled TrueType fonts with ReportLab and report what they can draw.

A layout names one main family and, under `fonts.fallbacks`, the families for the scripts
it lacks (Vietnamese and Cyrillic in Noto Sans, Chinese and Korean in Noto Sans CJK). A
family is read and registered only when some text needs it: the CJK files are large, and
an English build never opens them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from struct import error as struct_error
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from .. import limits
from ..inputs import Refused, read_bytes

FACES = ("regular", "bold", "italic", "bold_italic")
UPRIGHT = {"italic": "regular", "bold_italic": "bold"}  # a family without italics (CJK) sets them upright


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
    all_files: tuple[Path, ...] = field(default=(), compare=False)  # with every fallback family's

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
    charset = frozenset(font.face.charToGlyph)
    charset = _CHARSETS[name] = next((c for c in _CHARSETS.values() if c == charset), charset)  # bold = regular
    return name, charset


def _paths(folder: Path, faces: dict, upright: bool) -> dict[str, Path]:
    out = {}
    for face in FACES:
        name = faces.get(face) or (faces.get(UPRIGHT[face]) if upright and face in UPRIGHT else None)
        if not isinstance(name, str):
            raise FontError(f"fonts: name the file of the {face} face (in fonts/)")
        path = (folder / name).resolve()
        if not path.is_file():
            raise FontError(f"font file {name!r} not found in {folder}")
        out[face] = path
    return out


def _load(paths: dict[str, Path], folder: Path) -> FontSet:
    fontset = _load_faces(tuple(paths[face] for face in FACES), folder)
    # ReportLab's family mapping is global: mapped again on every load, as another layout
    # naming the same regular face with other faces may have mapped it since
    family = fontset.regular
    addMapping(family, 0, 0, fontset.regular)
    addMapping(family, 1, 0, fontset.bold)
    addMapping(family, 0, 1, fontset.italic)
    addMapping(family, 1, 1, fontset.bold_italic)
    for face in FACES[1:]:  # markup inside a bold heading must stay in the family too
        addMapping(fontset.face(face), 0, 0, fontset.face(face))
    return fontset


@lru_cache(maxsize=None)
def _load_faces(files: tuple[Path, ...], folder: Path) -> FontSet:
    """One FontSet per family however many layouts name it: a CJK family's character set
    alone is 2 MB."""
    paths = dict(zip(FACES, files))
    names, charsets = {}, []
    for face in FACES:
        names[face], charset = _register(paths[face], folder)
        charsets.append(charset)
    same = all(c == charsets[0] for c in charsets)  # one set, not a copy (2 MB for a CJK family)
    return FontSet(**names, charset=charsets[0] if same else frozenset.intersection(*charsets),
                   files=tuple(dict.fromkeys(paths[f] for f in FACES)))


def load_fontset(folder: Path, faces: dict[str, str]) -> FontSet:
    """Faces map face -> file name inside `folder` (from the layout's `fonts:`)."""
    return _load(_paths(folder, faces, upright=False), folder)


class Family:
    """One configured family, registered on first use; `languages` it is chosen first for."""

    def __init__(self, folder: Path, paths: dict[str, Path], languages: tuple[str, ...]):
        self.folder, self.paths, self.languages = folder, paths, languages
        self._set: FontSet | None = None

    @property
    def loaded(self) -> bool:
        return self._set is not None

    def load(self) -> FontSet:
        if self._set is None:
            self._set = _load(self.paths, self.folder)
            for face in FACES:
                _FACES.setdefault(self._set.face(face), (self._fonts, face))
        return self._set

    def serves(self, lang: str) -> int:
        """How closely it names `lang`: the length of its longest tag that is `lang` or a
        prefix of it (zh-Hant-TW is served by zh-Hant before zh), 0 if none."""
        lang = lang.lower()
        return max((len(tag) for tag in self.languages
                    if lang == tag.lower() or lang.startswith(tag.lower() + "-")), default=0)


# registered face name -> (the layout fonts it belongs to, which face it is), for fallback runs
_FACES: dict[str, tuple["Fonts", str]] = {}


class Fonts:
    """A layout's families: the main one, then its fallbacks, in the layout's order."""

    def __init__(self, families: list[Family]):
        self.families = families
        for family in families:
            family._fonts = self
        self.main = families[0].load()

    def __contains__(self, code: int) -> bool:
        """Some family draws this character (loading fallbacks only as far as needed)."""
        return any(code in family.load().charset for family in self.families)

    def files(self) -> tuple[Path, ...]:
        return tuple(dict.fromkeys(p for f in self.families for p in f.paths.values()))

    def order(self, lang: str) -> list[Family]:
        """Families for a language: those naming it, then the rest in the layout's order."""
        return sorted(self.families, key=lambda f: -f.serves(lang))

    def base(self, lang: str, text: str) -> FontSet:
        """The family a language's documents are set in: the first (see `order`) that draws
        every letter of `text` (the language's own fixed words), else the main family."""
        codes = {ord(c) for c in text if not c.isspace()}
        for family in self.order(lang):
            if not family.languages or family.serves(lang):  # never by what happens to be loaded
                fontset = family.load()
                if codes <= fontset.charset:
                    return _with_files(fontset, self.files())
        return _with_files(self.main, self.files())


def _with_files(fontset: FontSet, files: tuple[Path, ...]) -> FontSet:
    return FontSet(fontset.regular, fontset.bold, fontset.italic, fontset.bold_italic, fontset.charset,
                   fontset.files, files)


def load_fonts(folder: Path, config: dict) -> Fonts:
    """The layout's `fonts:` (the main family's four faces, `fallbacks:` a list of
    families, each with `languages:` it serves first); the main family is loaded now."""
    if not isinstance(config, dict):
        raise FontError("fonts: expected the four faces of a family")
    families = [Family(folder, _paths(folder, config, upright=False), ())]
    fallbacks = config.get("fallbacks") or []
    if not isinstance(fallbacks, list):
        raise FontError("fonts.fallbacks: expected a list of families")
    for i, spec in enumerate(fallbacks, start=1):
        if not isinstance(spec, dict):
            raise FontError(f"fonts.fallbacks[{i}]: expected regular:, bold: (italic:, bold_italic:, languages:)")
        langs = spec.get("languages") or []
        if not (isinstance(langs, list) and all(isinstance(x, str) for x in langs)):
            raise FontError(f"fonts.fallbacks[{i}].languages: expected a list of language tags")
        families.append(Family(folder, _paths(folder, spec, upright=True), tuple(langs)))
    return Fonts(families)


# -- runs of text the current face cannot draw -------------------------------------------

_WORDS = re.compile(r"\S+|\s+")
_CJK = re.compile(r"([\u1100-\u11ff\u2e80-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\uff00-\uffef]+)")


def covers(name: str, text: str) -> bool:
    """The registered face `name` draws every character of `text` (unknown faces: yes)."""
    if name not in _FACES:
        return True
    charset = _charset(name)
    return all(ord(c) in charset or c.isspace() for c in text)


_CHARSETS: dict[str, frozenset[int]] = {}  # registered face name -> the characters it draws


def _charset(name: str) -> frozenset[int]:
    if name not in _CHARSETS:  # a face registered elsewhere (ReportLab's own)
        _CHARSETS[name] = frozenset(pdfmetrics.getFont(name).face.charToGlyph)
    return _CHARSETS[name]


def runs(name: str, text: str) -> list[tuple[str, str]]:
    """`text` in face `name` as (face, text) runs: a word the face lacks a letter of is set
    whole in the first family (the layout's order) that has all its letters, in the same
    face (bold stays bold); failing that, its CJK and other parts are tried apart, then
    single characters. Nothing drawn by no family is left to the content checks."""
    entry = _FACES.get(name)
    if entry is None:
        return [(name, text)]
    fonts, face = entry
    out: list[tuple[str, str]] = []

    def add(font: str, piece: str) -> None:
        if out and out[-1][0] == font:
            out[-1] = (font, out[-1][1] + piece)
        else:
            out.append((font, piece))

    def other(piece: str) -> str | None:
        for family in fonts.families:  # loaded already, by the content checks (Fonts.__contains__)
            fontset = family.load()
            if all(ord(c) in fontset.charset for c in piece):
                return fontset.face(face)
        return None

    for word in _WORDS.findall(text):
        if word.isspace() or covers(name, word):
            add(name, word)
            continue
        font = other(word)
        if font is not None:
            add(font, word)
            continue
        for part in filter(None, _CJK.split(word)):
            font = name if covers(name, part) else other(part)
            if font is not None:
                add(font, part)
                continue
            for ch in part:
                add(name if covers(name, ch) else (other(ch) or name), ch)
    return out

