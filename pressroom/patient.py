"""A patient's details for a personalised copy, read once from a form or a CSV row into a
frozen `Patient`.

Patient data is personal: it lives only in the request and in the PDF sent back. Nothing
here writes, logs or caches it; a `Patient` hides its fields from `repr`, and no message
about a field ever repeats the value (it names the field, the row and what is wrong).
Standard library only, so the command line and the print desk share it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Mapping

MAX_ROWS = 200                 # patients in one list
MAX_UPLOAD_BYTES = 1024 * 1024  # one CSV file


@dataclass(frozen=True)
class Field:
    """One thing a patient's copy may print."""

    key: str        # form field and CSV column
    label: str      # how staff see it on the desk
    kind: str       # "text", "date" or "time"
    limit: int = 0  # most characters a text may have
    required: bool = False
    lines: bool = False  # may hold line breaks (the note)


FIELDS = (
    Field("name", "Patient name", "text", 100, required=True),
    Field("procedure_date", "Procedure date", "date"),
    Field("arrival_time", "Arrival time", "time"),
    Field("place", "Place", "text", 120),
    Field("surgeon", "Surgeon", "text", 100),
    Field("nothing_after", "Nothing to eat or drink after", "time"),
    Field("note", "Note", "text", 300, lines=True),
)
BY_KEY = {f.key: f for f in FIELDS}


@dataclass(frozen=True)
class Patient:
    """What a personalised copy prints in its "Prepared for" box. Fields are hidden from
    repr, so a Patient that reaches a traceback or a log never shows them."""

    name: str = field(repr=False)
    procedure_date: dt.date | None = field(default=None, repr=False)
    arrival_time: dt.time | None = field(default=None, repr=False)
    place: str = field(default="", repr=False)
    surgeon: str = field(default="", repr=False)
    nothing_after: dt.time | None = field(default=None, repr=False)
    note: str = field(default="", repr=False)


@dataclass(frozen=True, order=True)
class FieldProblem:
    """What is wrong with one field (of one CSV row), without its value."""

    row: int       # the spreadsheet row (the header is row 1); 0 for a form
    column: str    # the field's key, or "" for the file as a whole
    message: str

    def __str__(self) -> str:
        if not self.row:
            label = BY_KEY[self.column].label if self.column in BY_KEY else self.column
            return f"{label}: {self.message}" if label else self.message
        return f"row {self.row}, {self.column}: {self.message}" if self.column else f"row {self.row}: {self.message}"


class PatientError(ValueError):
    """Every problem with a form or a list, found at once."""

    def __init__(self, problems):
        self.problems = tuple(sorted(problems))
        super().__init__("; ".join(str(p) for p in self.problems))


# -- one patient -------------------------------------------------------------------------

_TIME_24 = re.compile(r"\A(\d{1,2}):(\d{2})(?::00)?\Z")
_TIME_12 = re.compile(r"\A(\d{1,2})(?::(\d{2}))?\s*([ap])\.?\s*m\.?\Z", re.IGNORECASE)
_DATE = re.compile(r"\A(\d{4})-(\d{1,2})-(\d{1,2})\Z")


def parse_date(text: str) -> dt.date:
    match = _DATE.match(text)
    if not match:
        raise ValueError("expected a date written year-month-day, like 2026-03-14")
    try:
        return dt.date(*(int(g) for g in match.groups()))
    except ValueError:
        raise ValueError("is not a real date (year-month-day, like 2026-03-14)") from None


def parse_time(text: str) -> dt.time:
    match = _TIME_24.match(text)
    if match:
        hour, minute = int(match[1]), int(match[2])
    else:
        match = _TIME_12.match(text)
        if not match or not 1 <= int(match[1]) <= 12:
            raise ValueError("expected a time like 07:30, 14:00 or 7:30 AM")
        hour, minute = int(match[1]) % 12 + (12 if match[3].lower() == "p" else 0), int(match[2] or 0)
    if hour > 23 or minute > 59:
        raise ValueError("is not a real time (like 07:30, 14:00 or 7:30 AM)")
    return dt.time(hour, minute)


def _character(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" {name}" if name else "")


def clean_text(spec: Field, raw: str, charset: frozenset[int] | None) -> tuple[str, list[str]]:
    """The text as it will print (NFC, outer spaces trimmed) and what is wrong with it."""
    text = unicodedata.normalize("NFC", raw.replace("\r\n", "\n").replace("\r", "\n")).strip()
    problems = []
    if spec.limit and len(text) > spec.limit:
        problems.append(f"{len(text)} characters; at most {spec.limit} are allowed "
                        f"(shorten it by {len(text) - spec.limit})")
        return text, problems  # the characters of a text that is refused anyway do not matter
    missing = []
    for ch in dict.fromkeys(text):
        if ch == "\n" and spec.lines:
            continue
        if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"):
            what = "a line break" if ch in "\n\u2028\u2029" else f"an invisible control character ({_character(ch)})"
            problems.append(f"has {what}; remove it")
        elif charset is not None and ch != " " and ord(ch) not in charset:
            missing.append(ch)
    if missing:
        listed = ", ".join(f"{ch!r} ({_character(ch)})" for ch in missing)
        problems.append(f"the character{'s' if len(missing) > 1 else ''} {listed} "
                        f"{'are' if len(missing) > 1 else 'is'} not in the document's fonts, so "
                        f"{'they' if len(missing) > 1 else 'it'} cannot be printed; write "
                        f"{'them' if len(missing) > 1 else 'it'} with letters the fonts have")
    return text, problems


def read_patient(values: Mapping[str, str], charset: frozenset[int] | None, row: int = 0) -> Patient:
    """A Patient from form or CSV values (missing keys are empty); PatientError lists every
    problem. `charset` is what the document's fonts can draw (None: not checked yet)."""
    out: dict = {}
    problems: list[FieldProblem] = []
    for spec in FIELDS:
        raw = values.get(spec.key) or ""
        if not isinstance(raw, str):
            raw = str(raw)
        if spec.kind == "text":
            text, wrong = clean_text(spec, raw, charset)
            problems += [FieldProblem(row, spec.key, message) for message in wrong]
            out[spec.key] = text
            if spec.required and not text and not wrong:
                problems.append(FieldProblem(row, spec.key, "is required"))
            continue
        raw = raw.strip()
        if len(raw) > 40:
            problems.append(FieldProblem(row, spec.key, f"{len(raw)} characters; a {spec.kind} has at most 40"))
            continue
        if not raw:
            out[spec.key] = None
            continue
        try:
            out[spec.key] = parse_date(raw) if spec.kind == "date" else parse_time(raw)
        except ValueError as exc:
            problems.append(FieldProblem(row, spec.key, str(exc)))
    if problems:
        raise PatientError(problems)
    return Patient(**out)


# -- a list of patients (CSV) ------------------------------------------------------------

COLUMNS = ("name", "procedure", "language", "paper", "large_print", "procedure_date",
           "arrival_time", "place", "surgeon", "nothing_after", "note")
ORDER_COLUMNS = ("procedure", "language", "paper", "large_print")  # which document, not the patient
_ALIASES = {"patient": "name", "patient_name": "name", "date": "procedure_date", "arrival": "arrival_time",
            "arrive": "arrival_time", "fasting": "nothing_after", "nothing_to_eat_after": "nothing_after",
            "lang": "language", "large": "large_print", "document": "procedure"}
_YES = {"yes", "y", "true", "1", "x", "si", "sí"}
_NO = {"", "no", "n", "false", "0"}

TEMPLATE = (
    ",".join(COLUMNS) + "\r\n"
    + "Jane Example,discectomy,en,letter,no,2026-03-14,07:30,Riverside Surgery Center (2nd floor),"
      "Dr. A. Name,22:00,Bring your list of medicines.\r\n"
    + "María Ejemplo,spinal-fusion,es,letter,yes,2026-03-14,9:15 AM,Riverside Surgery Center (2nd floor),"
      "Dr. A. Name,00:00,\r\n"
).encode("utf-8")


@dataclass(frozen=True)
class Row:
    """One patient line of a list, by spreadsheet row number; values hidden from repr."""

    number: int
    values: dict = field(repr=False)


def column_key(header: str) -> str:
    key = re.sub(r"[\s\-]+", "_", header.strip().lower().lstrip("\ufeff"))
    return _ALIASES.get(key, key)


def yes_no(text: str) -> bool:
    value = text.strip().lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    raise ValueError("expected yes or no")


def check_size(size: int) -> None:
    """A list file over the limit is refused whole (never cut short)."""
    if size > MAX_UPLOAD_BYTES:
        raise PatientError([FieldProblem(0, "", f"the file is {size:,} bytes; at most "
                                         f"{MAX_UPLOAD_BYTES:,} (1 MB) are allowed: split the list")])


def read_rows(data: bytes) -> list[Row]:
    """The patient rows of a CSV file (UTF-8, comma, semicolon or tab separated, a header
    row naming the columns). Everything wrong with the file as a whole is raised at once."""
    check_size(len(data))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PatientError([FieldProblem(0, "", "the file is not UTF-8 text; in your spreadsheet, "
                                          "save it as \"CSV UTF-8\"")]) from None
    if "\x00" in text:
        raise PatientError([FieldProblem(0, "", "the file is not a CSV text file")])
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise PatientError([FieldProblem(0, "", f"the file is not valid CSV ({exc})")]) from None
    records = [(number, r) for number, r in enumerate(records, start=1) if any(c.strip() for c in r)]
    if not records:
        raise PatientError([FieldProblem(0, "", "the file is empty; it needs a header row and a row "
                                          "per patient (download the template)")])
    (_, header), rows = records[0], records[1:]
    keys = [column_key(h) for h in header]
    problems = []
    for position, key in enumerate(keys, start=1):
        if key not in COLUMNS:
            shown = header[position - 1].strip()[:40] or f"column {position}"
            problems.append(FieldProblem(1, key or "", f"unknown column {shown!r}; the columns are "
                                         f"{', '.join(COLUMNS)}"))
        elif keys.index(key) != position - 1:
            problems.append(FieldProblem(1, key, "this column appears twice"))
    for required in ("name", "procedure"):
        if required not in keys:
            problems.append(FieldProblem(1, required, "this column is missing"))
    if not rows:
        problems.append(FieldProblem(0, "", "the file has a header but no patients"))
    if len(rows) > MAX_ROWS:
        problems.append(FieldProblem(0, "", f"the file has {len(rows)} patients; at most {MAX_ROWS} "
                                     "are allowed in one list: split it"))
    for number, record in rows:
        if len(record) > len(keys):
            problems.append(FieldProblem(number, "", f"has {len(record)} cells but the header names "
                                         f"{len(keys)} columns (a comma inside a cell needs quotes)"))
    if problems:
        raise PatientError(problems)
    return [Row(number, {k: v for k, v in zip(keys, record)}) for number, record in rows]
