"""Load and validate the content tree into the model, collecting every problem.

Each file is checked against the content contract; unknown keys are errors with a
"did you mean", and every string is rendered (template, markup, glyphs) here, so that
nothing can fail later, half-way through writing PDFs.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from dataclasses import replace
from pathlib import Path
from typing import Callable

from . import fields, model as m
from .. import limits
from ..errors import Problem, Problems, closest, did_you_mean, warning
from .images import RASTER, LogoError, check_raster, check_svg
from ..inputs import Listing, Refused, read_bytes
from ..limits import (MAX_ADDRESS_LINE, MAX_CLINIC_NAME, MAX_EMAIL, MAX_FOOTER_FIELD, MAX_GLOSSARY_TERMS,
                     MAX_HEADING, MAX_ITEM, MAX_JARGON, MAX_PHONE, MAX_SPOT, MAX_TERM, MAX_TEXT,
                     MAX_WEBSITE)
from ..layout.strings import CLINIC_SLOTS, is_number, pasted_fault
from .sources import Map, Seq, as_written, load_yaml
from .text import (TextError, email_address, missing_glyphs, render_template, right_to_left, to_markup,
                   web_address)

# Whole-value patterns end in \Z, not $: `$` also matches before a final newline ("es\n").
_HEX = re.compile(r"\A#(?:[0-9a-fA-F]{3}){1,2}\Z")
_SLUG = re.compile(r"\A[a-z0-9][a-z0-9-]*\Z")
# A BCP 47 language tag: language, then optional script, region and variants (zh-Hans,
# zh-Hant-TW, pt-br, es-419, sr-Latn-RS)
_LANG = re.compile(r"\A[a-z]{2,3}(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?"
                   r"(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*\Z")
_LOGO_TYPES = {".png", ".jpg", ".jpeg", ".svg"}
DEFAULT_BRAND = m.Brand(primary="#1d4e89", accent="#2a7f8f")
_BLOCK_KINDS = fields.BLOCK_KINDS
# Procedure files from which a second process loads half of them (ContentLoader.procedures).
# Measured on the 200-leaflet set (about 1 ms a file): the fork, its copied pages and the
# half sent back cost as much as 16-20 files save, so twice that.
SPLIT_FROM = 32
_NO_PROCEDURES = "; there are no procedure files (procedures/*.yaml) next to this guide"
_CLINIC_LIMITS = {"name": MAX_CLINIC_NAME, "phone": MAX_PHONE, "emergency": MAX_PHONE,
                  "after_hours": MAX_PHONE, "website": MAX_WEBSITE, "email": MAX_EMAIL,
                  "address": MAX_ADDRESS_LINE}


def _expected(value) -> str:
    return {Map: "a mapping", Seq: "a list", str: "text", type(None): "nothing"}.get(
        type(value), type(value).__name__)


class FileReader:
    """Validates one YAML file's values; problems carry this file's path and lines."""

    def __init__(self, shown: str, problems: Problems, variables: dict,
                 charset: frozenset[int], link_color: str, figures: frozenset[str] | None):
        self.shown, self.problems = shown, problems
        self.variables, self.charset, self.link_color = variables, charset, link_color
        self.figures = figures
        self.rtl: dict = {}  # shown path -> (line, field, script) of its first right-to-left text

    def error(self, line: int, field: str, message: str) -> None:
        self.problems.add(self.shown, line, message, field)

    def warn(self, line: int, message: str) -> None:
        self.problems.warn(self.shown, line, message)

    def origin(self, line: int, field: str = "") -> m.Origin:
        return m.Origin(self.shown, line, field)

    # structure -----------------------------------------------------------------
    def mapping(self, value, line: int, field: str, required: tuple = (), optional: tuple = ()) -> bool:
        if not isinstance(value, Map):
            self.error(line, field, f"expected a mapping of keys, found {_expected(value)}")
            return False
        allowed = set(required) | set(optional)
        for key in value:
            if key not in allowed:
                self.error(value.line_of(key), _join(field, key),
                           f"unknown key{did_you_mean(key, allowed)}")
        for key in required:
            if key not in value or value[key] is None:
                self.error(value.line, _join(field, key), "required but missing")
        return True

    def seq(self, parent: Map, key: str, field: str, required: bool = False) -> Seq | None:
        value = parent.get(key)
        if value is None:
            if required:
                self.error(parent.line_of(key), field, "required but missing")
            return None
        if isinstance(value, Seq):
            if required and not value:
                self.error(parent.line_of(key), field, "needs at least one item")
            return value
        self.error(parent.line_of(key), field, f"expected a list, found {_expected(value)}")
        return None

    # scalars -------------------------------------------------------------------
    def string(self, value, line: int, field: str, check=None, limit: int = MAX_TEXT) -> str | None:
        """Plain text with no markup (phone numbers, ids, names), at most `limit` characters;
        `check` (a text.py checker raising TextError) may refuse or normalise it before its
        characters are checked."""
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.error(line, field, f"expected text, found {_expected(value)}")
            return None
        if not self.fits(as_written(value), line, field, limit):
            return None
        text = " ".join(as_written(value).split())  # `version: 1.10` stays 1.10, not 1.1
        if not text:
            self.error(line, field, "is empty")
            return None
        if check is not None:
            try:
                text = check(text)
            except TextError as exc:
                self.error(line, field, str(exc))
                return None
        self._glyphs(text, line, field)
        return text

    def text(self, value, line: int, field: str, limit: int = MAX_TEXT) -> m.Text | None:
        """A content string: length (as written and as rendered), template, inline markup, glyphs."""
        raw = self.string(value, line, field, limit=limit) if not isinstance(value, str) else value
        if raw is None or not self.fits(raw, line, field, limit):
            return None
        if not raw.strip():
            self.error(line, field, "is empty")
            return None
        try:
            rendered = render_template(raw, self.variables, limit)
            markup, plain = to_markup(rendered, self.link_color)
        except TextError as exc:
            self.error(line, field, str(exc))
            return None
        pasted = pasted_fault(plain, self.variables.get("clinic", {})) if rendered != raw else None
        if pasted:
            self.warn(line, f"{field}: clinic.{pasted[0]} is a sentence of its own, and this text pastes it "
                      f"in with {pasted[1]}: {plain!r}; word the text so that the clinic's instruction "
                      "stands alone, or write the number alone in clinic.yaml")
        if self._glyphs(plain, line, field):
            return None
        return m.Text(markup, plain, self.origin(line, field))

    def fits(self, text: str, line: int, field: str, limit: int) -> bool:
        """Checked before any other work on the text, so a huge string costs nothing."""
        if len(text) <= limit:
            return True
        advice = "split it into paragraphs" if limit >= MAX_TEXT else "shorten it"
        self.error(line, field, f"the text is {len(text)} characters; at most {limit} are allowed — {advice}")
        return False

    def few(self, items, line: int, field: str, most: int) -> bool:
        """A list or mapping with at most `most` entries, checked before any entry is read."""
        if len(items) <= most:
            return True
        self.error(line, field, f"{len(items)} entries; at most {most} are allowed — keep the ones "
                   "your documents use")
        return False

    def _glyphs(self, plain: str, line: int, field: str) -> bool:
        script = right_to_left(plain)
        if script is not None:  # refused once for its language (ContentLoader.refuse_rtl)
            self.rtl.setdefault(self.shown, (line, field, script))
            return True
        missing = missing_glyphs(plain, self.charset)
        for ch in missing:
            self.error(line, field, f"character {ch!r} (U+{ord(ch):04X}) is not in the bundled "
                       "fonts and would print as a blank box; replace it or add a font that has it")
        return bool(missing)

    def date(self, value, line: int, field: str) -> dt.date | None:
        if value is None or isinstance(value, dt.date):
            return value
        self.error(line, field, f"expected a date written YYYY-MM-DD, found {value!r}")
        return None

    def brand_colour(self, value, line: int, field: str, default: str,
                     profile: bytes | None) -> tuple[str, m.Ink | None]:
        """A brand colour: hex, or {rgb, cmyk, spot} as a brand guide gives it. The hex is what
        office files and contrast checks use (from cmyk through `profile` if not given)."""
        if not isinstance(value, Map):
            return self.colour(value, line, field, default), None
        if not self.mapping(value, line, field, optional=fields.keys("ink")):
            return default, None
        rgb = value.get("rgb")
        rgb = self.colour(rgb, value.line_of("rgb"), f"{field}.rgb", default) if rgb is not None else None
        cmyk = self.cmyk(value.get("cmyk"), value.line_of("cmyk"), f"{field}.cmyk")
        spot = None
        if value.get("spot") is not None:
            spot = self.string(value["spot"], value.line_of("spot"), f"{field}.spot", limit=MAX_SPOT)
            if "cmyk" not in value:
                self.error(value.line_of("spot"), f"{field}.spot", "a spot colour needs its process "
                           "equivalent too: add cmyk: [C, M, Y, K] from the brand guide")
        if rgb is None and "cmyk" not in value:
            self.error(value.line, field, "give the colour as rgb: \"#rrggbb\", cmyk: [C, M, Y, K] or both")
            return default, None
        if cmyk is None:
            return rgb or default, None
        if rgb is None:
            from ..layout.inks import cmyk_to_rgb
            rgb = cmyk_to_rgb(tuple(v / 100 for v in cmyk), profile)
        return rgb, m.Ink(cmyk, spot, self.origin(value.line_of("cmyk"), f"{field}.cmyk"))

    def cmyk(self, value, line: int, field: str) -> tuple[float, float, float, float] | None:
        """Four ink percentages, each 0 or 5-100 (a fainter ink drops out on press)."""
        if value is None:
            return None
        numbers = isinstance(value, Seq) and len(value) == 4 and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in value)
        if not numbers or not all(0 <= v <= 100 for v in value):
            self.error(line, field, f"expected four ink percentages [C, M, Y, K] from 0 to 100, like "
                       f"[70, 95, 0, 5], found {as_written(value) if not isinstance(value, Seq) else list(value)!r}")
            return None
        for name, v in zip("CMYK", value):
            if 0 < v < 5:
                self.error(line, field, f"{name} {v:g} % is too faint to print (it drops out on press); "
                           "write 0 or at least 5")
                return None
        return tuple(float(v) for v in value)

    def colour(self, value, line: int, field: str, default: str) -> str:
        if value is None:
            return default
        if isinstance(value, str) and _HEX.match(value):
            return _normalise_hex(value)
        self.error(line, field, f"expected a hex colour like \"#1d4e89\", found {value!r}")
        return default

    # composite -----------------------------------------------------------------
    def field_text(self, parent: Map, key: str, field: str, required: bool = True,
                   limit: int = MAX_TEXT) -> m.Text | None:
        if parent.get(key) is None:
            if required:
                self.error(parent.line_of(key), _join(field, key), "required but missing")
            return None
        return self.text(parent[key], parent.line_of(key), _join(field, key), limit)

    def text_list(self, parent: Map, key: str, field: str, required: bool = False,
                  limit: int = MAX_ITEM) -> tuple[m.Text, ...]:
        items = self.seq(parent, key, _join(field, key), required)
        if items is None:
            return ()
        out = (self.text(item, items.line_of(i), f"{_join(field, key)}[{i + 1}]", limit)
               for i, item in enumerate(items))
        return tuple(t for t in out if t is not None)

    def blocks(self, parent: Map, key: str, field: str, required: bool = True) -> tuple[m.Block, ...]:
        items = self.seq(parent, key, _join(field, key), required)
        if items is None:
            return ()
        out: list[m.Block] = []
        for i, item in enumerate(items):
            where, line = f"{_join(field, key)}[{i + 1}]", items.line_of(i)
            block = self.block(item, line, where)
            if block is not None:
                out.append(block)
        return tuple(out)

    def block(self, item, line: int, where: str) -> m.Block | None:
        if isinstance(item, (str, int, float)) and not isinstance(item, bool):
            text = self.text(item, line, where)
            return m.Paragraph(text) if text else None
        if not isinstance(item, Map):
            self.error(line, where, "expected a paragraph (text) or one of bullets:, steps:, "
                       f"note:, figure:, found {_expected(item)}")
            return None
        kinds = [k for k in _BLOCK_KINDS if k in item]
        if len(kinds) != 1:
            unknown = [k for k in item if k not in _BLOCK_KINDS + ("caption", "alt")]
            hint = did_you_mean(unknown[0], _BLOCK_KINDS) if unknown else ""
            self.error(item.line, where, "a block must be text or a mapping with exactly one of "
                       f"bullets, steps, note, figure{hint}")
            return None
        kind = kinds[0]
        if kind == "figure":
            if not self.mapping(item, line, where, required=fields.required("figure")):
                return None
            name = self.string(item.get("figure"), item.line_of("figure"), f"{where}.figure")
            if name is not None and self.figures is not None and name not in self.figures:
                self.error(item.line_of("figure"), f"{where}.figure",
                           f"unknown figure {name!r} (no {name}.svg in layouts/figures/)"
                           f"{did_you_mean(name, self.figures, '; that folder has no figures')}")
                return None
            caption = self.field_text(item, "caption", where)
            alt = self.string(item.get("alt"), item.line_of("alt"), f"{where}.alt")
            return m.Figure(name, caption, alt) if name and caption and alt else None
        if not self.mapping(item, line, where, required=(kind,)):
            return None
        if kind == "note":
            text = self.field_text(item, "note", where)
            return m.Note(text) if text else None
        items = self.text_list(item, kind, where, required=True)
        return (m.Bullets if kind == "bullets" else m.Steps)(items) if items else None

    def section(self, item, line: int, where: str, allow_procedures: bool = False) -> m.Section | None:
        part = "guide_section" if allow_procedures else "section"
        optional, required = fields.optional(part), fields.required(part)
        if not self.mapping(item, line, where, required=required, optional=optional):
            return None
        heading = self.field_text(item, "heading", where, limit=MAX_HEADING)
        has_procs = allow_procedures and item.get("procedures") is not None
        body = self.blocks(item, "body", where, required=not has_procs)
        procs: tuple[str, ...] = ()
        if has_procs:
            value, pline = item["procedures"], item.line_of("procedures")
            if value == "all":
                procs = ("*",)
            elif isinstance(value, Seq) and value and all(isinstance(v, str) for v in value):
                procs = tuple(value)
            else:
                self.error(pline, f"{where}.procedures", "expected `all` or a list of procedure slugs")
        return m.Section(heading, body, procs) if heading else None

    def sections(self, parent: Map, key: str, allow_procedures: bool = False) -> tuple[m.Section, ...]:
        items = self.seq(parent, key, key, required=True)
        if items is None:
            return ()
        out = (self.section(item, items.line_of(i), f"{key}[{i + 1}]", allow_procedures)
               for i, item in enumerate(items))
        return tuple(s for s in out if s is not None)

    def review(self, parent: Map, default_id: str) -> m.Review:
        value = parent.get("review")
        line = parent.line_of("review")
        keys = fields.keys("review")
        if value is None or not self.mapping(value, line, "review", optional=keys):
            return m.Review(default_id, "1", None, None, None, self.origin(line))
        return m.Review(
            doc_id=self.string(value.get("id"), value.line_of("id"), "review.id",
                               limit=MAX_FOOTER_FIELD) or default_id,
            version=self.string(value.get("version"), value.line_of("version"), "review.version",
                                limit=MAX_FOOTER_FIELD) or "1",
            reviewed_by=self.string(value.get("reviewed_by"), value.line_of("reviewed_by"),
                                    "review.reviewed_by", limit=MAX_FOOTER_FIELD),
            reviewed_on=self.date(value.get("reviewed_on"), value.line_of("reviewed_on"),
                                  "review.reviewed_on"),
            next_review=self.date(value.get("next_review"), value.line_of("next_review"),
                                  "review.next_review"),
            origin=self.origin(value.line, "review"),
            origins={key: self.origin(value.line_of(key), f"review.{key}") for key in keys if key in value},
        )


def _empty_colours(data: Map, base: m.Brand) -> list[tuple[int, str, str]]:
    """(line, field, what is used instead) for each brand key written without a value, as
    `primary: #aa0000` is: unquoted, the colour is a YAML comment and the key is empty."""
    brand = data.get("brand")
    if "brand" in data and brand is None:
        return [(data.line_of("brand"), "brand", f"the colours stay {base.primary} and {base.accent}")]
    if not isinstance(brand, Map):
        return []
    return [(brand.line_of(key), f"brand.{key}", f"it stays {getattr(base, key)}")
            for key in ("primary", "accent") if key in brand and brand[key] is None]


def _collation_key(term: str) -> tuple[str, str]:
    """Dictionary order in any Latin-script language: accents sort with their base letter."""
    base = "".join(c for c in unicodedata.normalize("NFKD", term) if not unicodedata.combining(c))
    return base.casefold(), term


def _join(field: str, key: str) -> str:
    return f"{field}.{key}" if field else key


def _normalise_hex(value: str) -> str:
    value = value.lower()
    return "#" + "".join(c * 2 for c in value[1:]) if len(value) == 4 else value


# files -------------------------------------------------------------------------

class ContentLoader:
    """Loads one content tree (and its language folders) against fonts and figures."""

    def __init__(self, listing: Listing, shown_root: str, charset: frozenset[int],
                 figures: frozenset[str] | None, problems: Problems, profile: bytes | None = None,
                 early: Callable | None = None):
        self.listing, self.root, self.shown_root = listing, listing.root, shown_root.rstrip("/")
        self.charset, self.figures, self.problems = charset, figures, problems
        self.profile = profile  # the press profile: RGB of a brand colour given only in CMYK
        self.rtl: dict = {}  # shown path -> (line, field, script), shared by every FileReader
        self.early = early  # task -> its result later, maybe from another process (build.parallel.Early)

    def shown(self, path: Path) -> str:
        return f"{self.shown_root}/{path.relative_to(self.root).as_posix()}"

    def reader(self, path: Path, clinic: m.Clinic | None) -> FileReader:
        variables = {"clinic": clinic.variables()} if clinic else {}
        link = clinic.brand.primary if clinic else DEFAULT_BRAND.primary
        reader = FileReader(self.shown(path), self.problems, variables, self.charset, link,
                            self.figures)
        reader.rtl = self.rtl
        return reader

    def refuse_rtl(self) -> None:
        """One error per language whose text is in a right-to-left script, at its first such
        text: it would print with letters unjoined and words in the wrong order."""
        langs = {}
        for shown, (line, field, script) in self.rtl.items():
            rel = shown[len(self.shown_root) + 1:]
            folder = rel.split("/")[0] if "/" in rel and _LANG.match(rel.split("/")[0]) else ""
            langs.setdefault(folder, (shown, line, field, script))
        for folder, (shown, line, field, script) in sorted(langs.items()):
            leave = f"leave this language out (move {self.shown_root}/{folder}/ out of the content)" if folder else \
                "this content cannot be built"
            self.problems.add(shown, line, f"text in a right-to-left script ({script}) cannot be printed "
                              f"correctly yet (letters would not join and words would run left to right); "
                              f"{leave}", field)

    def load(self, path: Path):
        return load_yaml(path, self.shown(path), self.problems, self.root)

    # clinic ------------------------------------------------------------------
    def clinic(self, data, path: Path, base: m.Clinic | None = None) -> m.Clinic | None:
        r = self.reader(path, None)
        required = () if base else fields.required("clinic")
        keys = fields.keys("clinic")
        if not r.mapping(data, getattr(data, "line", 1), "", required=required,
                         optional=tuple(k for k in keys if k not in required)):
            return None

        def s(key, default=None, check=None):
            value = r.string(data.get(key), data.line_of(key), key, check, _CLINIC_LIMITS.get(key, MAX_TEXT))
            return value if value is not None else default

        address = data.get("address")
        if isinstance(address, (str, type(None))):
            lines = (s("address"),) if address else None
        else:
            items = r.seq(data, "address", "address") or []
            lines = tuple(r.string(v, items.line_of(i), f"address[{i + 1}]", limit=MAX_ADDRESS_LINE) or ""
                          for i, v in enumerate(items))
        brand = data.get("brand")
        base_brand = base.brand if base else DEFAULT_BRAND
        for line, field, kept in _empty_colours(data, base_brand):
            r.warn(line, f"{field} is empty, so {kept}; write a colour in quotes, like "
                   "primary: \"#aa0000\" (without quotes YAML reads # and the rest of the line as a comment)")
        if brand is not None and r.mapping(brand, data.line_of("brand"), "brand",
                                           optional=fields.keys("brand")):
            given = {role: r.brand_colour(brand.get(role), brand.line_of(role), f"brand.{role}",
                                          getattr(base_brand, role), self.profile)
                     for role in ("primary", "accent")}
            inherited = dict(base_brand.inks)  # a translation's clinic.yaml keeps the base's inks
            inks = tuple((role, ink if brand.get(role) is not None else inherited.get(role))
                         for role, (_, ink) in given.items())
            brand = m.Brand(primary=given["primary"][0], accent=given["accent"][0],
                            origin=r.origin(brand.line_of("primary")),
                            inks=tuple((role, ink) for role, ink in inks if ink is not None))
        else:
            brand = base_brand
        language = s("language", base.language if base else "en")
        if language and not _LANG.match(language):
            r.error(data.line_of("language"), "language", f"expected a language code like en or es, "
                    f"found {language!r}")
        return m.Clinic(
            name=s("name", base.name if base else ""),
            phone=s("phone", base.phone if base else ""),
            emergency=s("emergency", base.emergency if base else "911"),
            after_hours=s("after_hours", base.after_hours if base else None),
            website=s("website", base.website if base else None, web_address),
            email=s("email", base.email if base else None, email_address),
            address=lines if lines is not None else (base.address if base else ()),
            language=language,
            brand=brand,
            logo=self.logo(r, data) if "logo" in data else (base.logo if base else None),
            origin=r.origin(getattr(data, "line", 1)),
            reading_grade=self.grade(r, data, base.reading_grade if base else 8.0),
            language_help=self.flag(r, data, "language_help", base.language_help if base else False),
            origins={**(base.origins if base else {}), **{key: r.origin(data.line_of(key), key) for key in data}},
        )

    def flag(self, r: FileReader, data: Map, key: str, default: bool) -> bool:
        value = data.get(key)
        if value is None:
            return default
        if not isinstance(value, bool):
            r.error(data.line_of(key), key, f"expected true or false, found {as_written(value)!r}")
            return default
        return value

    def grade(self, r: FileReader, data: Map, default: float) -> float:
        value = data.get("reading_grade")
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 1 <= value <= 18:
            r.error(data.line_of("reading_grade"), "reading_grade", "expected a school grade between 1 and 18")
            return default
        return float(value)

    def logo(self, r: FileReader, data: Map) -> m.Logo | None:
        """Read and check the logo once, here: outside the tree, the wrong kind, damaged or
        too large is the author's error, never a renderer's crash."""
        value = r.string(data.get("logo"), data.line_of("logo"), "logo")
        if value is None:
            return None
        path, line = self.root / value, data.line_of("logo")
        suffix = Path(value).suffix.lower()
        if Path(value).is_absolute() or os.path.normpath(value).startswith(".."):
            r.error(line, "logo", f"{value!r} lies outside the content folder; put the logo file "
                    "inside it and give a relative path")
            return None
        if suffix not in _LOGO_TYPES:
            r.error(line, "logo", f"{value!r}: a logo must be PNG, JPEG or SVG")
            return None
        try:
            raw = read_bytes(path, self.root, limits.MAX_IMAGE_BYTES)
            if suffix == ".svg":
                check_svg(raw, self.charset)
            else:
                check_raster(raw, suffix)
        except (Refused, LogoError) as exc:
            r.error(line, "logo", f"{value!r} {exc}")
            return None
        kind = "svg" if suffix == ".svg" else RASTER[suffix].lower()
        return m.Logo(path, f"{self.shown_root}/{Path(value).as_posix()}", kind, raw)

    # documents ---------------------------------------------------------------
    def open(self, path: Path, clinic: m.Clinic, required: tuple, optional: tuple = ()):
        """(data, reader) for a document file whose top-level keys are right, else None."""
        data = self.load(path)
        if data is None:
            return None
        r = self.reader(path, clinic)
        if not r.mapping(data, getattr(data, "line", 1), "", required=required, optional=optional):
            return None
        return data, r

    def procedure(self, path: Path, clinic: m.Clinic) -> m.Procedure | None:
        opened = self.open(path, clinic, fields.required("procedure"), fields.optional("procedure"))
        if opened is None:
            return None
        data, r = opened
        slug = path.stem
        if not _SLUG.match(slug):
            r.error(1, "", f"file name {path.name!r}: use lower-case letters, digits and hyphens "
                    "(it becomes the PDF's name)")
        before = len(self.problems.items)
        proc = m.Procedure(
            slug=slug,
            title=r.field_text(data, "title", "", limit=MAX_HEADING),
            summary=r.field_text(data, "summary", ""),
            treats=r.text_list(data, "treats", ""),
            sections=r.sections(data, "sections"),
            when_to_call=r.text_list(data, "when_to_call", ""),
            review=r.review(data, f"PROC-{slug.upper()}"),
            origin=r.origin(1),
        )
        return proc if len(self.problems.items) == before else None

    def procedures(self, paths: list[Path], clinic: m.Clinic) -> list[tuple]:
        """Each file's `apart` result, in order. With `early` and enough files, another
        process loads the last part while this one loads the first (a procedure is a
        function of its file and the loader's settings); `told` then reports every problem
        in file order, exactly as one process would."""
        if self.early is None or len(paths) < SPLIT_FROM:
            return [self.apart(path, clinic) for path in paths]
        half = len(paths) * 11 // 20  # the other process starts later and sends its part back: 45%
        later = self.early(lambda: [self.apart(path, clinic) for path in paths[half:]])
        try:
            return [self.apart(path, clinic) for path in paths[:half]] + later.result()
        finally:
            later.close()

    def apart(self, path: Path, clinic: m.Clinic) -> tuple:
        """(procedure or None, its problems, warnings, right-to-left finds): one file loaded
        with problems of its own, plain data that can be sent from another process."""
        problems, rtl = self.problems, self.rtl
        self.problems, self.rtl = Problems(), {}
        try:
            return self.procedure(path, clinic), self.problems.items, self.problems.warnings, self.rtl
        finally:
            self.problems, self.rtl = problems, rtl

    def told(self, loaded: tuple) -> m.Procedure | None:
        """An `apart` result's procedure, its problems added as if it had been loaded here."""
        proc, items, warnings, rtl = loaded
        self.problems.items.extend(items)
        self.problems.warnings.extend(warnings)
        for shown, first in rtl.items():
            self.rtl.setdefault(shown, first)
        return proc

    def guide(self, path: Path, clinic: m.Clinic, slugs: set[str]) -> m.Guide | None:
        opened = self.open(path, clinic, fields.required("guide"), fields.optional("guide"))
        if opened is None:
            return None
        data, r = opened
        before = len(self.problems.items)
        sections = r.sections(data, "sections", allow_procedures=True)
        items = data.get("sections") if isinstance(data.get("sections"), Seq) else Seq(1)
        for i, section in enumerate(sections):
            for slug in section.procedures:
                if slug != "*" and slug not in slugs:
                    r.error(items.line_of(i), f"sections[{i + 1}].procedures",
                            f"no procedure {slug!r}{did_you_mean(slug, slugs, _NO_PROCEDURES)}")
        guide = m.Guide(
            title=r.field_text(data, "title", "", limit=MAX_HEADING),
            subtitle=r.field_text(data, "subtitle", "", required=False, limit=MAX_HEADING),
            sections=sections,
            review=r.review(data, "GUIDE"),
            origin=r.origin(1),
        )
        return guide if len(self.problems.items) == before else None

    def brochure(self, path: Path, clinic: m.Clinic) -> m.Brochure | None:
        opened = self.open(path, clinic, fields.required("brochure"), fields.optional("brochure"))
        if opened is None:
            return None
        data, r = opened
        before = len(self.problems.items)
        brochure = m.Brochure(
            title=r.field_text(data, "title", "", limit=MAX_HEADING),
            tagline=r.field_text(data, "tagline", "", limit=MAX_HEADING),
            panels=r.sections(data, "panels"),
            call_to_action=r.field_text(data, "call_to_action", "", limit=MAX_ITEM),
            review=r.review(data, "BROCHURE"),
            origin=r.origin(1),
        )
        return brochure if len(self.problems.items) == before else None

    def glossary(self, path: Path, clinic: m.Clinic) -> m.Glossary | None:
        opened = self.open(path, clinic, fields.required("glossary"), fields.optional("glossary"))
        if opened is None:
            return None
        data, r = opened
        jargon_items = r.seq(data, "jargon", "jargon") or ()
        if not r.few(jargon_items, data.line_of("jargon"), "jargon", MAX_JARGON):
            return None
        jargon = tuple(t for t in (r.string(v, jargon_items.line_of(i), f"jargon[{i + 1}]", limit=MAX_TERM)
                                   for i, v in enumerate(jargon_items)) if t)
        terms = data["terms"]
        if not isinstance(terms, Map):
            r.error(data.line_of("terms"), "terms", "expected a mapping of Term: definition")
            return None
        if not r.few(terms, data.line_of("terms"), "terms", MAX_GLOSSARY_TERMS):
            return None
        out = []
        for term, definition in terms.items():
            if not r.fits(term, terms.line_of(term), f"terms.{term[:MAX_TERM]}", MAX_TERM):
                continue
            text = r.text(definition, terms.line_of(term), f"terms.{term}")
            if text is not None:
                r._glyphs(term, terms.line_of(term), f"terms.{term}")
                out.append((term, text))
        return m.Glossary(tuple(sorted(out, key=lambda t: _collation_key(t[0]))), r.origin(1), jargon)

    # the tree ----------------------------------------------------------------
    def catalogue(self, folder: str, lang: str, clinic: m.Clinic) -> m.Catalogue:
        """One language's documents; `folder` is "" for the top level or the language folder."""
        files: dict[str, list[Path]] = {}
        procedures = []
        prefix = f"{folder}/" if folder else ""
        proc_files = [self.listing.path(rel) for rel in self.listing.children(f"{prefix}procedures")]
        loaded = iter(self.procedures([path for path in proc_files if path.suffix == ".yaml"], clinic))
        for path in proc_files:
            if path.suffix == ".yml":
                self.problems.add(self.shown(path), 0, "use the .yaml extension")
            elif path.suffix == ".yaml":
                proc = self.told(next(loaded))
                if proc is not None:
                    procedures.append(proc)
                    files[f"procedure:{proc.slug}"] = [path]
        slugs = {path.stem for path in proc_files if path.suffix == ".yaml"}  # broken ones too

        def optional(name, fn, *args):
            if not self.listing.has(prefix + name):
                return None
            path = self.listing.path(prefix + name)
            files[name.removesuffix(".yaml")] = [path]
            return fn(path, clinic, *args)

        return m.Catalogue(
            lang=lang, clinic=clinic, procedures=tuple(procedures),
            guide=optional("guide.yaml", self.guide, slugs),
            brochure=optional("brochure.yaml", self.brochure),
            glossary=optional("glossary.yaml", self.glossary),
            files=files,
        )


def load_content(listing: Listing, shown_root: str, charset: frozenset[int],
                 figures: frozenset[str] | None, profile: bytes | None = None,
                 early: Callable | None = None) -> tuple[list[m.Catalogue], list]:
    """All languages of a content tree; raises ContentError listing every problem.
    `figures` are the figure names content may use (None: any; nothing will draw them).
    `early(task)` may run a task in another process, its result asked for later
    (build.parallel.Early): many procedure files are then loaded two at a time.

    The tree's listing decides what exists: hidden files are not content, and a link or
    special file the listing refused is reported, never followed."""
    problems = Problems()
    root = listing.root
    loader = ContentLoader(listing, shown_root, charset, figures, problems, profile, early)
    if not root.is_dir():
        problems.add(shown_root, 0, "content folder not found")
        problems.raise_if_any()
    problems.extend(list(listing.problems))
    clinic_path = root / "clinic.yaml"
    if not listing.has("clinic.yaml"):
        problems.add(loader.shown(clinic_path), 0, "missing: every content tree needs clinic.yaml "
                     "with at least name and phone")
        problems.raise_if_any()
    clinic = loader.clinic(loader.load(clinic_path), clinic_path)
    if clinic is None:
        problems.raise_if_any()
    catalogues = [loader.catalogue("", clinic.language, clinic)]
    catalogues[0].files["clinic"] = [clinic_path] + _logo_input(clinic)
    ignored: list[Problem] = []
    for folder in listing.top_folders():
        if folder == "procedures":
            continue
        shown_folder = f"{loader.shown_root}/{folder}"
        has_yaml = any(f.endswith(".yaml") for f in listing.under(folder))
        if not _LANG.match(folder):
            if has_yaml:
                ignored.append(warning(shown_folder, 0, "this folder is not a language code "
                                       "(lower case, like es or pt-br), so nothing in it is built"))
            continue
        if not has_yaml:
            continue
        if folder == clinic.language:
            problems.add(shown_folder, 0, f"the top-level content is already in {folder!r} "
                         f"(language: {clinic.language} in clinic.yaml); move these files up a "
                         "level, or set clinic.yaml's language to the one the top level is written in")
            continue
        lang_clinic_path = root / folder / "clinic.yaml"
        lang_clinic = clinic
        has_clinic = listing.has(f"{folder}/clinic.yaml")
        if has_clinic:
            lang_clinic = loader.clinic(loader.load(lang_clinic_path), lang_clinic_path, base=clinic)
        if lang_clinic is None:
            continue
        lang_clinic = replace(lang_clinic, language=folder)
        cat = loader.catalogue(folder, folder, lang_clinic)
        cat.files["clinic"] = [clinic_path] + ([lang_clinic_path] if has_clinic else []) + _logo_input(lang_clinic)
        catalogues.append(cat)
    loader.refuse_rtl()
    problems.raise_if_any()
    return catalogues, (ignored + problems.warnings + review_warnings(catalogues, today())
                        + translation_warnings(catalogues) + clinic_language_warnings(catalogues))


def _logo_input(clinic: m.Clinic) -> list[Path]:
    return [clinic.logo.path] if clinic.logo else []


def today() -> dt.date:
    """SOURCE_DATE_EPOCH when set (reproducible CI), else the calendar; used only for warnings."""
    import os
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return dt.date.today()


def review_warnings(catalogues: list[m.Catalogue], on: dt.date) -> list[Problem]:
    """Review dates that need a person: a review in the future, a next review before the
    last one (a slip of the keyboard) or one that has passed."""
    out = []
    for cat in catalogues:
        for doc in cat.documents().values():
            review = doc.review
            done, due = review.reviewed_on, review.next_review
            if done is not None and done > on:
                out.append(_at(review, "reviewed_on", f"review.reviewed_on {done.isoformat()} is in the "
                               f"future (today is {on.isoformat()}); write the date the clinician reviewed the text"))
            if due is not None and done is not None and due < done:
                out.append(_at(review, "next_review", f"review.next_review {due.isoformat()} "
                               f"{'has passed, and ' if due < on else ''}is before review.reviewed_on "
                               f"{done.isoformat()}; the next review comes after the last one: check both dates"))
            elif due is not None and due < on:
                out.append(_at(review, "next_review", f"review.next_review {due.isoformat()} has passed; have "
                               "a clinician review this text and update the review block"))
    return out


def _at(review: m.Review, key: str, message: str) -> Problem:
    where = review.origin_of(key)
    return warning(where.path, where.line, message)


def _version(value: str) -> tuple:
    return tuple(int(p) if p.isdigit() else p for p in re.split(r"[.\-]", value))


def _no_source(doc, key: str, root: str, lang: str, slugs: list[str]) -> Problem:
    """A translated document with no document in the source language: built in that language
    only, which is right for a text written for its readers and wrong for a misspelt name."""
    path, prefix = doc.origin.path, f"{root}/{lang}/"
    expected = f"{root}/{path[len(prefix):]}" if path.startswith(prefix) else key
    close = closest(key.removeprefix("procedure:"), slugs) if key.startswith("procedure:") else None
    hint = f"; did you mean {close}.yaml?" if close else ""
    return warning(path, 0, f"this translation has no source ({expected} does not exist{hint}); "
                   f"it is built in {lang} only")


def translation_warnings(catalogues: list[m.Catalogue]) -> list[Problem]:
    """A translation whose source has moved on (a newer review.version) is out of date; one
    whose source does not exist is named."""
    if not catalogues:
        return []
    source = catalogues[0].documents()
    root = catalogues[0].clinic.origin.path.rsplit("/", 1)[0]
    slugs = [p.slug for p in catalogues[0].procedures]
    out = []
    for cat in catalogues[1:]:
        for key, doc in cat.documents().items():
            original = source.get(key)
            if original is None:
                out.append(_no_source(doc, key, root, cat.lang, slugs))
                continue
            try:
                older = _version(doc.review.version) < _version(original.review.version)
            except TypeError:
                older = doc.review.version != original.review.version
            if older:
                out.append(warning(doc.origin.path, 0,
                                   f"this translation (version {doc.review.version}) is older than its "
                                   f"source {original.origin.path} (version {original.review.version}); "
                                   "update the translation and its review.version"))
    return out


def clinic_language_warnings(catalogues: list[m.Catalogue]) -> list[Problem]:
    """A translation takes every clinic field it does not give from the source clinic.yaml.
    A number reads the same in any language, but words (an emergency instruction, "ask for
    the spine nurse") would print in the source language inside translated sentences."""
    if not catalogues:
        return []
    base = catalogues[0].clinic
    root = base.origin.path.rsplit("/", 1)[0]
    out = []
    for cat in catalogues[1:]:
        own = f"{root}/{cat.lang}/clinic.yaml"
        for _, name in CLINIC_SLOTS.values():
            value = getattr(cat.clinic, name)
            where = cat.clinic.origin_of(name)
            if value is None or is_number(value) or where.path != base.origin.path:
                continue
            has_file = any(f.name == "clinic.yaml" and f.parent.name == cat.lang for f in cat.files["clinic"])
            missing = f"has no {name}:" if has_file else "does not exist"
            message = (f"language {cat.lang!r}: clinic field {name} is words in {base.language} "
                       f"({where.path}:{where.line}: {value!r}), and {own} {missing}; every {cat.lang} "
                       f"document would print it in {base.language}; add {name}: in {cat.lang} to {own}")
            if not any(p.message.endswith(message) for p in out):
                out.append(warning(own, 0, message))
    return out
