"""The desk's catalogue: every document of the build with what it is searched by.

Search is accent- and case-insensitive in every language ("fusion" finds "Fusión") over
titles, what a procedure treats, section headings and the glossary terms a document uses;
a document also answers to its translations' titles, so "kyphoplasty" finds "Cifoplastia".
"""

from __future__ import annotations

from dataclasses import dataclass

from ..source import model as m
from ..source.jargon import glossary_terms_used
from ..personalise import fold

KINDS = {"leaflet": "Leaflet", "guide": "Guide", "guide-booklet": "Guide booklet",
         "guide-imposed": "Guide booklet, 2-up for folding", "brochure": "Brochure"}
EDITIONS = {"standard": "Standard", "large-print": "Large print", "booklet": "Booklet",
            "office": "Office printer", "press": "Print shop (CMYK, bleed)"}
PAPERS = {"letter": "US Letter", "a4": "A4", "a5": "A5", "half-letter": "Half Letter",
          "legal": "US Legal", "tabloid": "Tabloid"}


@dataclass(frozen=True)
class Document:
    path: str          # in the output folder, as in the manifest
    title: str
    kind: str
    language: str
    paper: str
    edition: str
    pages: int
    sha256: str
    search: str        # folded words it is found by
    personalisable: bool

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind.replace("-", " ").capitalize())

    @property
    def paper_label(self) -> str:
        return PAPERS.get(self.paper, self.paper)

    @property
    def edition_label(self) -> str:
        return EDITIONS.get(self.edition, self.edition.replace("-", " ").capitalize())

    @property
    def large_print(self) -> bool:
        return self.edition == "large-print"

    @property
    def file_name(self) -> str:
        return "-".join(self.path[:-4].split("/")) + ".pdf"


def _words(doc, cat: m.Catalogue) -> list[str]:
    """What one document is found by."""
    out = [doc.title.plain]
    out += [t.plain for t in getattr(doc, "treats", ())]
    for name in ("subtitle", "tagline"):
        value = getattr(doc, name, None)
        if value is not None:
            out.append(value.plain)
    procedures = {p.slug: p for p in cat.procedures}
    for section in getattr(doc, "sections", ()) + getattr(doc, "panels", ()):
        out.append(section.heading.plain)
        placed = procedures.values() if section.procedures == ("*",) else \
            [procedures[s] for s in section.procedures if s in procedures]
        for proc in placed:
            out += [proc.title.plain] + [t.plain for t in proc.treats]
    out += [term for term, _ in glossary_terms_used(doc, cat.glossary, None, cat.lang)]
    return out


def documents(entries: list[dict], the_plan) -> tuple[Document, ...]:
    """The manifest's documents, each with its search words from the content model."""
    jobs = {job.path: job for job in the_plan.jobs} if the_plan else {}
    models: dict[tuple[str, str], tuple] = {}
    keyed: dict[str, list[str]] = {}
    home: dict[str, str] = {}  # document key -> its title in the clinic's own language, to sort by
    langs = [cat.lang for cat in the_plan.catalogues] if the_plan else []
    for cat in (the_plan.catalogues if the_plan else ()):
        for key, doc in cat.documents().items():
            models[(cat.lang, doc.origin.path)] = (key, doc, cat)
            keyed.setdefault(key, []).append(doc.title.plain)
            home.setdefault(key, doc.title.plain)
    out = []
    group: dict[str, str] = {}
    for entry in entries:
        job = jobs.get(entry["path"])
        words = [entry.get("title", "")]
        found = models.get((entry.get("language"), job.source.path)) if job else None
        if found:
            key, doc, cat = found
            words += _words(doc, cat) + keyed.get(key, []) + [key.split(":")[-1]]
            group[entry["path"]] = home.get(key, "")
        words.append(KINDS.get(entry.get("kind"), ""))
        out.append(Document(
            path=entry["path"], title=entry.get("title") or entry["path"], kind=entry.get("kind", ""),
            language=entry.get("language", ""), paper=entry.get("paper", ""),
            edition=entry.get("edition", "standard"), pages=int(entry.get("pages") or 0),
            sha256=entry["sha256"], search=fold(" ".join(dict.fromkeys(w for w in words if w))),
            personalisable=bool(job and job.personal)))
    order = {"leaflet": 0, "guide": 1, "guide-booklet": 2, "guide-imposed": 3, "brochure": 4}
    language = {lang: i for i, lang in enumerate(langs)}  # the clinic's own first
    return tuple(sorted(out, key=lambda d: (order.get(d.kind, 9), fold(group.get(d.path) or d.title),
                                            language.get(d.language, 99), d.language, paper_order(d.paper),
                                            d.edition != "standard", d.edition)))


def paper_order(paper: str) -> tuple[int, str]:
    from ..layout.layouts import PAPERS as ORDER  # letter, a4, a5, ...
    names = list(ORDER)
    return (names.index(paper) if paper in names else len(names), paper)


@dataclass(frozen=True)
class Query:
    text: str = ""
    language: str = ""
    paper: str = ""
    kind: str = ""
    large_print: bool = False

    @classmethod
    def of(cls, args) -> "Query":
        return cls(text=(args.get("q") or "")[:200], language=args.get("language") or "",
                   paper=args.get("paper") or "", kind=args.get("kind") or "",
                   large_print=args.get("large_print") in ("1", "on", "yes", "true"))

    def matches(self, doc: Document) -> bool:
        return ((not self.language or doc.language == self.language)
                and (not self.paper or doc.paper == self.paper)
                and (not self.kind or doc.kind == self.kind)
                and (not self.large_print or doc.large_print)
                and all(word in doc.search for word in fold(self.text).split()))


def search(docs, query: Query) -> list[Document]:
    return [doc for doc in docs if query.matches(doc)]
