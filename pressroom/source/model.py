"""The validated content model: plain frozen data handed from `content` to the renderers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Logo:
    """A checked logo file's bytes: renderers draw these and never open a file."""

    path: Path       # inside the content tree; an input of every document
    shown: str       # as messages name it
    kind: str        # "png", "jpeg" or "svg"
    data: bytes = field(repr=False)


@dataclass(frozen=True)
class Origin:
    """Where a value was written, for errors and warnings raised after loading."""

    path: str
    line: int
    field: str = ""  # e.g. "phone", "review.next_review", "sections[2].body[1]"

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


class Located:
    """A record that knows where each of its fields was written (`origins`), for messages
    about one field found after loading; a field not written falls back on the record."""

    def origin_of(self, key: str) -> Origin:
        return self.origins.get(key) or Origin(self.origin.path, self.origin.line, key)


@dataclass(frozen=True)
class Text:
    """A content string: ReportLab markup (escaped) plus its plain words."""

    markup: str
    plain: str
    origin: Origin


@dataclass(frozen=True)
class Paragraph:
    text: Text


@dataclass(frozen=True)
class Bullets:
    items: tuple[Text, ...]


@dataclass(frozen=True)
class Steps:
    items: tuple[Text, ...]


@dataclass(frozen=True)
class Note:
    text: Text


@dataclass(frozen=True)
class Figure:
    name: str
    caption: Text
    alt: str


Block = Paragraph | Bullets | Steps | Note | Figure


@dataclass(frozen=True)
class Section:
    heading: Text
    body: tuple[Block, ...]
    procedures: tuple[str, ...] = ()  # guide only: slugs of procedure chapters placed here


@dataclass(frozen=True)
class Review(Located):
    """Document control: who signed the text off and when it is due again."""

    doc_id: str
    version: str
    reviewed_by: str | None
    reviewed_on: dt.date | None
    next_review: dt.date | None
    origin: Origin
    origins: dict = field(default_factory=dict, compare=False)  # key -> Origin

    @property
    def is_draft(self) -> bool:
        return not self.reviewed_by


@dataclass(frozen=True)
class Ink:
    """A brand colour as its brand guide gives it for print: C, M, Y, K in per cent, and
    the spot colour it is printed with, if any."""

    cmyk: tuple[float, float, float, float]
    spot: str | None = None
    origin: Origin | None = None


@dataclass(frozen=True)
class Brand:
    primary: str                  # "#rrggbb": office files, contrast checks (derived from CMYK if not given)
    accent: str
    origin: Origin | None = None  # where clinic.yaml sets the brand, for contrast errors
    inks: tuple = ()              # (role, Ink) for the colours given in CMYK: press files print those


@dataclass(frozen=True)
class Clinic(Located):
    name: str
    phone: str
    emergency: str
    after_hours: str | None
    website: str | None
    email: str | None
    address: tuple[str, ...]
    language: str
    brand: Brand
    logo: Logo | None
    origin: Origin
    reading_grade: float = 8.0  # target reading level for every document
    language_help: bool = False  # print the free language help lines (render.common.language_help)
    origins: dict = field(default_factory=dict, compare=False)  # field -> Origin (this file or the base)

    def variables(self) -> dict:
        """What templates may read as `clinic.*`."""
        return {
            "name": self.name, "phone": self.phone, "emergency": self.emergency,
            "after_hours": self.after_hours or self.phone, "website": self.website or "",
            "email": self.email or "", "address": ", ".join(self.address),
        }


@dataclass(frozen=True)
class Procedure:
    slug: str
    title: Text
    summary: Text
    treats: tuple[Text, ...]
    sections: tuple[Section, ...]
    when_to_call: tuple[Text, ...]
    review: Review
    origin: Origin


@dataclass(frozen=True)
class Guide:
    title: Text
    subtitle: Text | None
    sections: tuple[Section, ...]
    review: Review
    origin: Origin


@dataclass(frozen=True)
class Brochure:
    title: Text
    tagline: Text
    panels: tuple[Section, ...]
    call_to_action: Text
    review: Review
    origin: Origin


@dataclass(frozen=True)
class Glossary:
    terms: tuple[tuple[str, Text], ...]  # alphabetical
    origin: Origin
    jargon: tuple[str, ...] = ()  # more terms that need a definition when used


@dataclass(frozen=True)
class Catalogue:
    """Everything one language of the content tree holds."""

    lang: str
    clinic: Clinic
    procedures: tuple[Procedure, ...]
    guide: Guide | None
    brochure: Brochure | None
    glossary: Glossary | None
    files: dict = field(default_factory=dict, compare=False)  # document key -> input paths

    def documents(self) -> dict[str, "Procedure | Guide | Brochure"]:
        """Every document, by the key `files` uses: procedure:<slug>, guide, brochure."""
        docs: dict = {f"procedure:{p.slug}": p for p in self.procedures}
        docs.update({k: d for k, d in (("guide", self.guide), ("brochure", self.brochure)) if d is not None})
        return docs
