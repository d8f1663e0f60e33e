"""The fixed words a layout prints ("When to call us", "Page 1 of 2"), per language."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from string import Formatter
from pathlib import Path

from .errors import Problems, warning
from .sources import Map, load_yaml

FALLBACK = "en"


@dataclass(frozen=True)
class Strings:
    lang: str
    words: dict

    def __getitem__(self, key: str) -> str:
        return self.words[key]

    def format(self, key: str, **values) -> str:
        try:
            return self.words[key].format(**values)
        except (KeyError, IndexError, ValueError, AttributeError) as exc:
            from .render.common import RenderError  # a layout-data error, reported like one
            raise RenderError(f"strings file {self.lang}.yaml: {key}: {self.words[key]!r} cannot be "
                              f"filled in ({type(exc).__name__}: {exc}); it may use "
                              f"{', '.join('{' + v + '}' for v in values) or 'no placeholders'}") from None

    def markup(self, key: str, **markup_values) -> str:
        """The fixed word escaped for ReportLab markup, then filled with markup values."""
        from xml.sax.saxutils import escape
        return Strings(self.lang, {key: escape(self.words[key])}).format(key, **markup_values)

    def date(self, day: dt.date) -> str:
        month = self.words["months"][day.month - 1]
        return self.format("date_format", day=day.day, month_name=month, year=day.year)

    def long_date(self, day: dt.date) -> str:
        """With the weekday, as a patient reads an appointment: "Tuesday, March 3, 2026"."""
        return self.format("long_date_format", weekday=self.words["weekdays"][day.weekday()],
                           day=day.day, month_name=self.words["months"][day.month - 1], year=day.year)

    def time(self, clock: dt.time) -> str:
        """A time of day in this language's way ("7:30 AM", "7:30 a. m.")."""
        if clock.hour == 0 and clock.minute == 0:
            return self.words["midnight"]
        return self.format("time_format", hour=clock.hour, hour12=(clock.hour - 1) % 12 + 1,
                           minute=f"{clock.minute:02d}",
                           ampm=self.words["am" if clock.hour < 12 else "pm"])


def placeholders(text) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(str(text)) if name} if isinstance(text, str) else set()


# The values each formatted fixed word is given by the renderers.
FIELDS = {
    "call_us": {"phone"}, "after_hours": {"phone"}, "phone_line": {"phone"}, "emergency": {"emergency"},
    "page_of": {"page", "pages"}, "version": {"version"}, "reviewed": {"date"},
    "next_review": {"date"}, "reviewed_by": {"name"}, "alt_qr": {"website"},
    "date_format": {"day", "month_name", "year"},
    "long_date_format": {"weekday", "day", "month_name", "year"},
    "time_format": {"hour", "hour12", "minute", "ampm"}, "time_on_date": {"time", "date"},
    "midnight_before": {"date"},
}


# Fixed words that are lists, and how many items each must have.
LISTS = {"months": 12, "weekdays": 7}


def check_placeholders(strings: dict[str, Strings], shown_root: str, problems: Problems) -> None:
    """A fixed word may use only the placeholders the renderers fill in; a list of names
    (months, weekdays) has one for each."""
    for lang, table in strings.items():
        for key, count in LISTS.items():
            value = table.words.get(key)
            if value is not None and not (isinstance(value, list) and len(value) == count
                                          and all(isinstance(v, str) for v in value)):
                problems.add(f"{shown_root}/{lang}.yaml", 0, f"expected a list of {count} names", key)
        for key, allowed in FIELDS.items():
            try:
                extra = placeholders(table.words.get(key, "")) - allowed
            except ValueError as exc:
                problems.add(f"{shown_root}/{lang}.yaml", 0, f"bad placeholder: {exc}", key)
                continue
            if extra:
                problems.add(f"{shown_root}/{lang}.yaml", 0, f"uses {{{', '.join(sorted(extra))}}}, which "
                             f"is never filled in; it may use {{{'}, {'.join(sorted(allowed))}}}", key)


def check_glyphs(strings: dict[str, Strings], shown_root: str, charset: frozenset[int],
                 problems: Problems) -> None:
    """Fixed words go through the same font check as content: no blank boxes in print."""
    for lang, table in strings.items():
        for key, value in table.words.items():
            for text in value if isinstance(value, list) else [value]:
                for ch in sorted({c for c in str(text) if ord(c) not in charset and not c.isspace()}):
                    problems.add(f"{shown_root}/{lang}.yaml", 0, f"character {ch!r} (U+{ord(ch):04X}) "
                                 "is not in the bundled fonts", key)


def load_strings(folder: Path, shown_root: str, langs: list[str],
                 problems: Problems, warnings: list) -> dict[str, Strings]:
    """Strings for each language; a missing word falls back to English with a warning."""
    def read(lang: str) -> dict | None:
        path = folder / f"{lang}.yaml"
        if not path.is_file():
            return None
        data = load_yaml(path, f"{shown_root}/{lang}.yaml", problems, folder)
        return dict(data) if isinstance(data, Map) else None

    base = read(FALLBACK)
    if base is None:
        problems.add(f"{shown_root}/{FALLBACK}.yaml", 0, "missing: the English strings file is the "
                     "fallback for every language")
        return {}
    out = {FALLBACK: Strings(FALLBACK, base)}
    for lang in langs:
        if lang == FALLBACK:
            continue
        words = read(lang)
        missing = sorted(k for k in base if k not in (words or {}))
        if missing:
            where = f"{shown_root}/{lang}.yaml"
            what = "has no strings file" if words is None else "lacks"
            warnings.append(warning(where, 0, f"language {lang!r} {what} {', '.join(missing)}; "
                                    "these print in English"))
        out[lang] = Strings(lang, {**base, **(words or {})})
    return out
