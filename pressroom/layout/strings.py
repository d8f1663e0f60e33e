"""The fixed words a layout prints ("When to call us", "Page 1 of 2"), per language."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import lru_cache
from string import Formatter
from pathlib import Path

from ..errors import Problem, Problems, warning
from ..memo import remembered
from ..source.sources import Map, load_yaml

FALLBACK = "en"


# The fixed sentences that paste in one of the clinic's own fields: key -> (placeholder, field).
CLINIC_SLOTS = {"call_us": ("phone", "phone"), "after_hours": ("phone", "after_hours"),
                "phone_line": ("phone", "phone"), "emergency": ("emergency", "emergency"),
                "language_help": ("phone", "phone")}

_NUMBER = re.compile(r"[+\d()\s.\-/A-Z]+(?:\s*(?:ext\.?|x|#)\s*\d+)?")
_SENTENCE_END = re.compile(r"[.!?…](?:\s|$)")


def is_number(value: str) -> bool:
    """A phone number as people write it: (555) 555-0142, +1 555 555 0142 x12, 911,
    1-800-SPINE-01; anything else a clinic writes in a number's place is words."""
    value = value.strip().rstrip(".;,")
    return sum(c.isdigit() for c in value) >= 3 and bool(_NUMBER.fullmatch(value))


def is_sentence(value: str) -> bool:
    """Words that end a sentence (an instruction like "If you have …, go to the nearest
    emergency room."): they cannot be pasted into another sentence."""
    return not is_number(value) and bool(_SENTENCE_END.search(value.strip()))


def _is_label(template: str, slot: str) -> bool:
    """"After hours: {phone}": the value follows a label, so a sentence reads right there."""
    return template.split("{" + slot + "}")[0].rstrip().endswith(":")


@dataclass(frozen=True)
class Strings:
    lang: str
    words: dict
    lines: dict = field(default_factory=dict, compare=False)  # key -> (shown path, line)
    own: frozenset | None = field(default=None, compare=False)  # keys written in this language (None: all)

    def __post_init__(self):
        if self.own is None:
            object.__setattr__(self, "own", frozenset(self.words))

    def own_text(self) -> str:
        """Every fixed word written in this language (not English fallbacks): what its
        documents' base font must draw (fonts.Fonts.base)."""
        values = [self.words[k] for k in sorted(self.own)]
        return " ".join(v if isinstance(v, str) else " ".join(map(str, v)) for v in values
                        if isinstance(v, (str, list)))

    def _locale(self):
        return cldr_locale(self.lang)

    def __getitem__(self, key: str) -> str:
        return self.words[key]

    def format(self, key: str, **values) -> str:
        try:
            return self.words[key].format(**values)
        except (KeyError, IndexError, ValueError, AttributeError) as exc:
            from ..render.common import RenderError  # a layout-data error, reported like one
            raise RenderError(f"strings file {self.lang}.yaml: {key}: {self.words[key]!r} cannot be "
                              f"filled in ({type(exc).__name__}: {exc}); it may use "
                              f"{', '.join('{' + v + '}' for v in values) or 'no placeholders'}") from None

    def markup(self, key: str, **markup_values) -> str:
        """The fixed word escaped for ReportLab markup, then filled with markup values."""
        from ..source.text import escape
        return Strings(self.lang, {key: escape(self.words[key])}).format(key, **markup_values)

    def phrase(self, key: str, value: str, markup: bool = True, bold: bool = False) -> str:
        """A fixed sentence of CLINIC_SLOTS with the clinic's value pasted in, as ReportLab
        markup (or plain text). A number fills the slot, less a trailing full stop (the
        sentence has its own); a value that is a sentence of its own is printed as written
        rather than inside another sentence ("call If you have … room..")."""
        from ..source.text import escape, no_breaks
        slot = CLINIC_SLOTS[key][0]
        quote = (lambda text: escape(no_breaks(text))) if markup else str
        value = value.strip()
        if is_number(value):
            value = value.rstrip(".;,")
        elif is_sentence(value) and not _is_label(self.words[key], slot):
            return quote(value if value[-1] in ".!?…" else value + ".")
        shown = quote(value)
        if markup and bold:
            shown = f"<b>{shown}</b>"
        return Strings(self.lang, {key: quote(self.words[key])}).format(key, **{slot: shown})

    def where(self, key: str) -> tuple[str, int]:
        return self.lines.get(key, (f"{self.lang}.yaml", 0))

    def date(self, day: dt.date) -> str:
        """A date as this language writes it: its strings' date_format filled with CLDR's
        month name when it has one ("March 3, 2026"), else CLDR's own long date."""
        if "date_format" not in self.own:
            from babel.dates import format_date
            return _spaces(format_date(day, "long", locale=self._locale()))
        return self.format("date_format", day=day.day, month_name=self._month(day), year=day.year)

    def long_date(self, day: dt.date) -> str:
        """With the weekday, as a patient reads an appointment: "Tuesday, March 3, 2026"."""
        from babel.dates import format_date
        if "long_date_format" not in self.own:
            return _spaces(format_date(day, "full", locale=self._locale()))
        weekday = (self.words["weekdays"][day.weekday()] if "weekdays" in self.own
                   else format_date(day, "EEEE", locale=self._locale()))
        return self.format("long_date_format", weekday=weekday, day=day.day, month_name=self._month(day),
                           year=day.year)

    def _month(self, day: dt.date) -> str:
        """The month's name: the language's own list if it gives one, else CLDR's."""
        if "months" in self.own:
            return self.words["months"][day.month - 1]
        return _cldr_month(self.lang, day.month)

    def time(self, clock: dt.time) -> str:
        """A time of day in this language's way ("7:30 AM", "7:30 a. m.", CLDR's "07:30")."""
        if "time_format" not in self.own:
            from babel.dates import format_time
            return _spaces(format_time(clock, "short", locale=self._locale()))
        if clock.hour == 0 and clock.minute == 0:
            return self.words["midnight"]
        return self.format("time_format", hour=clock.hour, hour12=(clock.hour - 1) % 12 + 1,
                           minute=f"{clock.minute:02d}",
                           ampm=self.words["am" if clock.hour < 12 else "pm"])


def _spaces(text: str) -> str:
    """CLDR's narrow no-break space (7:30\u202fAM) as the no-break space every bundled font draws."""
    return text.replace("\u202f", "\u00a0")


@remembered(64)
def _cldr_month(lang: str, month: int) -> str:
    """CLDR's name of a month (babel's "MMMM", which reads only the month): looked up once,
    not for every document's review date."""
    from babel.dates import format_date
    return format_date(dt.date(2000, month, 1), "MMMM", locale=cldr_locale(lang))


@lru_cache(maxsize=None)
def cldr_locale(lang: str):
    """Babel's locale for a language tag (CLDR names and patterns); English if it has none."""
    from babel import Locale, UnknownLocaleError
    for tag in (lang, lang.split("-")[0], FALLBACK):
        try:
            return Locale.parse(tag, sep="-")
        except (UnknownLocaleError, ValueError):
            continue


def placeholders(text) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(str(text)) if name} if isinstance(text, str) else set()


# The values each formatted fixed word is given by the renderers.
FIELDS = {
    "call_us": {"phone"}, "after_hours": {"phone"}, "language_help": {"phone"}, "phone_line": {"phone"}, "emergency": {"emergency"},
    "page_of": {"page", "pages"}, "version": {"version"}, "reviewed": {"date"},
    "next_review": {"date"}, "reviewed_by": {"name"}, "alt_qr": {"website"},
    "date_format": {"day", "month_name", "year"},
    "long_date_format": {"weekday", "day", "month_name", "year"},
    "time_format": {"hour", "hour12", "minute", "ampm"}, "time_on_date": {"time", "date"},
    "midnight_before": {"date"},
}


# Patterns a language need not write: without them its dates and times are CLDR's (Babel).
CLDR_KEYS = frozenset({"date_format", "long_date_format", "time_format", "am", "pm", "midnight",
                       "months", "weekdays"})


# Fixed words that are lists, and how many items each must have: a language may name its
# months and weekdays itself (else CLDR's, through Babel); English need not.
LISTS = {"months": 12, "weekdays": 7}


def check_placeholders(strings: dict[str, Strings], shown_root: str, problems: Problems) -> None:
    """A fixed word may use only the placeholders the renderers fill in; a list of names
    (months, weekdays) has one for each."""
    for lang, table in strings.items():
        for key, count in LISTS.items():
            value = table.words.get(key)
            if value is not None and not (isinstance(value, list) and len(value) == count
                                          and all(isinstance(v, str) for v in value)):
                problems.add(*table.where(key), f"expected a list of {count} names", key)
        for key, allowed in FIELDS.items():
            try:
                extra = placeholders(table.words.get(key, "")) - allowed
            except ValueError as exc:
                problems.add(*table.where(key), f"bad placeholder: {exc}", key)
                continue
            if extra:
                problems.add(*table.where(key), f"uses {{{', '.join(sorted(extra))}}}, which "
                             f"is never filled in; it may use {{{'}, {'.join(sorted(allowed))}}}", key)


def check_glyphs(strings: dict[str, Strings], shown_root: str, charset: frozenset[int],
                 problems: Problems) -> None:
    """Fixed words go through the same font check as content: no blank boxes in print."""
    for lang, table in strings.items():
        for key, value in table.words.items():
            for text in value if isinstance(value, list) else [value]:
                for ch in sorted({c for c in str(text) if ord(c) not in charset and not c.isspace()}):
                    problems.add(*table.where(key), f"character {ch!r} (U+{ord(ch):04X}) "
                                 "is not in the bundled fonts", key)


def load_strings(folder: Path, shown_root: str, langs: list[str],
                 problems: Problems, warnings: list, content=None, shown_content: str = "",
                 top_lang: str = FALLBACK) -> dict[str, Strings]:
    """Strings for each language: the layouts' `strings/<lang>.yaml`, overridden key by key
    by the content's own `<lang>/strings.yaml` (`strings.yaml` at the top for `top_lang`);
    a missing word falls back to English with a warning. A language with no strings file
    anywhere is an error naming the file to add. `content` is the content tree's Listing."""
    lines: dict[str, dict] = {}

    def read(path: Path, shown: str, root: Path) -> tuple[dict, dict] | None:
        data = load_yaml(path, shown, problems, root)
        if not isinstance(data, Map):
            if data is not None:
                problems.add(shown, getattr(data, "line", 0), "expected a mapping of fixed words (key: words)")
            return None
        return dict(data), {key: (shown, data.line_of(key)) for key in data}

    def layered(lang: str) -> tuple[dict, dict] | None:
        found = []
        if (folder / f"{lang}.yaml").is_file():
            found.append(read(folder / f"{lang}.yaml", f"{shown_root}/{lang}.yaml", folder))
        rel = "strings.yaml" if lang == top_lang else f"{lang}/strings.yaml"
        if content is not None and content.has(rel):
            found.append(read(content.path(rel), f"{shown_content.rstrip('/')}/{rel}", content.root))
        found = [f for f in found if f is not None]
        if not found:
            return None
        return ({k: v for words, _ in found for k, v in words.items()},
                {k: v for _, where in found for k, v in where.items()})

    english = layered(FALLBACK)
    if english is None:
        problems.add(f"{shown_root}/{FALLBACK}.yaml", 0, "missing: the English strings file is the "
                     "fallback for every language")
        return {}
    base, lines[FALLBACK] = english
    out = {FALLBACK: Strings(FALLBACK, base, lines[FALLBACK], frozenset(base))}
    for lang in langs:
        if lang == FALLBACK:
            continue
        found = layered(lang)
        if found is None:
            rel = "strings.yaml" if lang == top_lang else f"{lang}/strings.yaml"
            problems.add(f"{shown_content.rstrip('/')}/{rel}", 0, f"missing: language {lang!r} has no fixed "
                         f"words (\"When to call us\", \"Page 1 of 2\"); add this file with the keys of "
                         f"{shown_root}/{FALLBACK}.yaml written in {lang} (or {shown_root}/{lang}.yaml)")
            continue
        words, lines[lang] = found
        missing = sorted(k for k in base if k not in words and k not in CLDR_KEYS)
        if missing:
            where = next(iter(lines[lang].values()))[0] if lines[lang] else f"{shown_root}/{lang}.yaml"
            warnings.append(warning(where, 0, f"language {lang!r} lacks {', '.join(missing)}; "
                                    "these print in English"))
        out[lang] = Strings(lang, {**base, **words}, {**lines[FALLBACK], **lines[lang]}, frozenset(words))
    return out


_DOUBLED = re.compile(r"[.,;:!?][ \t\u00a0]*[.,;:!?]")
_EMPTY = re.compile(r"\{|\s[.,;:!?]|\s\s|:\s*$|^\s*$")
_SAMPLE = "(555) 555-0100"  # a well-formed number: a fault it shows is the fixed words' own


def phrase_fault(text: str, value: str) -> str | None:
    """What reads wrong in a fixed sentence once a clinic value is pasted in, if anything."""
    if not value.strip() or _EMPTY.search(text):
        return "an empty slot"
    if _DOUBLED.search(text.replace("...", "\u2026")):
        return "doubled punctuation"
    inside = value.strip()
    at = text.find(inside)
    if at >= 0 and text.strip() != inside and (is_sentence(inside) or _SENTENCE_END.search(inside[:-1])):
        before, after = text[:at].rstrip(), text[at + len(inside):].strip(" \t*")
        if (before and before[-1] not in ".!?:\u2022") or (inside[-1] in ".!?" and after
                                                           and after[0] not in "\u2022·\n"):
            return "a sentence started inside a sentence"
    return None


def pasted_fault(text: str, clinic_values: dict) -> tuple[str, str] | None:
    """(field, fault) when content text pastes a clinic value that is a sentence of its own
    inside one of its sentences ("llame al If you have …")."""
    for name in {f for _, f in CLINIC_SLOTS.values()}:
        value = clinic_values.get(name) or ""
        if value.strip() and is_sentence(value) and value.strip() in text:
            fault = phrase_fault(text, value)
            if fault:
                return name, fault
    return None


def check_clinic_phrases(strings: dict[str, Strings], catalogues) -> list[Problem]:
    """Every fixed sentence, filled with every clinic field it pastes in, in every language,
    read for doubled punctuation, a sentence inside a sentence and an empty slot. A fault
    the fixed words show with any number is theirs (named at their line); else the clinic
    field's (named at its line)."""
    out = []
    for cat in catalogues:
        table, clinic = strings.get(cat.lang), cat.clinic
        if table is None:
            continue
        for key, (_, name) in CLINIC_SLOTS.items():
            value = getattr(clinic, name)
            if value is None:
                continue
            text = table.phrase(key, value, markup=False)
            fault = phrase_fault(text, value)
            if fault is None:
                continue
            own = phrase_fault(table.phrase(key, _SAMPLE, markup=False), _SAMPLE)
            if own:
                path, line = table.where(key)
                out.append(warning(path, line, f"{key}: {own} in {table[key]!r} (it prints "
                                   f"{table.phrase(key, _SAMPLE, markup=False)!r})"))
            else:
                where = clinic.origin_of(name)
                out.append(warning(where.path, where.line, f"{name}: {fault} where the fixed words "
                                   f"{key} ({':'.join(map(str, table.where(key)))}) paste it in: "
                                   f"{cat.lang} documents print {text!r}; write the number alone, "
                                   "or the whole instruction as one sentence"))
    return out
