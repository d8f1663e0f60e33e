"""Medical terms a patient may not know: which ones a document uses, and which of those the
glossary leaves undefined."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from . import model as m
from .errors import Problem, warning

DATA = Path(__file__).with_name("data")


@lru_cache(maxsize=None)
def shipped_terms(lang: str = "en") -> tuple[tuple[str, ...], ...]:
    """Each entry: the forms one glossary definition covers (English list when none for lang)."""
    path = DATA / f"medical-terms-{lang.split('-')[0]}.txt"
    if not path.is_file():
        path = DATA / "medical-terms.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(tuple(f.strip().lower() for f in line.split("|") if f.strip())
                 for line in lines if line.strip() and not line.startswith("#"))


@lru_cache(maxsize=4096)
def _pattern(form: str) -> re.Pattern:
    return re.compile(rf"(?<![\w-]){re.escape(form)}(?:s|es)?(?![\w-])", re.IGNORECASE)


def mentions(text: str, form: str) -> bool:
    return bool(_pattern(form).search(text))


def texts(doc, headings: bool = True) -> list[m.Text]:
    """Every content string of a document (procedure, guide, brochure) or of one section, in
    reading order; without titles and headings when `headings` is false (they are not prose)."""
    out: list[m.Text] = []

    def walk(value) -> None:
        if isinstance(value, m.Text):
            out.append(value)
        elif isinstance(value, (tuple, list)):
            for item in value:
                walk(item)
        elif isinstance(value, (m.Paragraph, m.Note)):
            out.append(value.text)
        elif isinstance(value, (m.Bullets, m.Steps)):
            out.extend(value.items)
        elif isinstance(value, m.Figure):
            out.append(value.caption)
        elif isinstance(value, m.Section):
            if headings:
                walk(value.heading)
            walk(value.body)
    if isinstance(doc, m.Section):
        walk(doc)
        return out
    names = ("title", "subtitle") if headings else ()
    for name in names + ("summary", "tagline", "treats", "sections", "panels", "call_to_action",
                         "when_to_call"):
        walk(getattr(doc, name, None))
    return out


def term_forms(term: str) -> list[str]:
    """'Vertebra (plural vertebrae)' -> ['vertebra', 'vertebrae']."""
    base = re.sub(r"\s*\(.*?\)", "", term).strip().lower()
    return [base] + [f.lower() for f in re.findall(r"\(\s*(?:plural|pl\.|plural:)\s*([^)]+?)\s*\)", term)]


@lru_cache(maxsize=256)  # one procedure appears in every leaflet layout
def glossary_terms_used(doc, glossary: m.Glossary | None, limit: int | None = None,
                        lang: str = "en") -> list[tuple[str, m.Text]]:
    """The glossary's medical terms the document uses (not its own title), alphabetical.

    Only terms on the medical list count, so everyday glossary words ("spine") do not
    crowd out the ones a patient needs; with a limit, the first used win.
    """
    if glossary is None:
        return []
    body = " ".join(t.plain for t in texts(doc, headings=False))
    title = getattr(doc, "title", None)
    forms = [f for entry in shipped_terms(lang) for f in entry]
    hits = []
    for term, definition in glossary.terms:
        if title is not None and term.lower() == title.plain.lower():
            continue
        match = min((m for m in (_pattern(f).search(body) for f in term_forms(term)) if m),
                    key=lambda m: m.start(), default=None)
        if match and any(mentions(term, f) for f in forms):
            hits.append((match.start(), term, definition))
    chosen = sorted(hits)[:limit] if limit else hits
    return sorted(((t, d) for _, t, d in chosen), key=lambda x: x[0].casefold())


def undefined_terms(doc, glossary: m.Glossary | None, extra: tuple[str, ...] = (),
                    lang: str = "en") -> list[tuple[str, m.Origin]]:
    """(term, first place used) for each listed medical term with no glossary entry."""
    defined = [term.lower() for term, _ in glossary.terms] if glossary else []
    entries = shipped_terms(lang) + tuple((e.lower(),) for e in extra)
    found = []
    items = texts(doc)
    for forms in entries:
        if any(mentions(d, f) or mentions(f, d) for f in forms for d in defined):
            continue
        for text in items:
            hit = next((f for f in forms if mentions(text.plain, f)), None)
            if hit:
                found.append((hit, text.origin))
                break
    return found


def jargon_warnings(catalogues) -> list[Problem]:
    """One line per undefined medical term, at the place it is first used in each document."""
    out = []
    for cat in catalogues:
        extra = cat.glossary.jargon if cat.glossary else ()
        for doc in cat.documents().values():
            for term, origin in undefined_terms(doc, cat.glossary, extra, cat.lang):
                out.append(warning(origin.path, origin.line, f"medical term {term!r} is not defined in "
                                   "glossary.yaml; add a plain-words definition there"))
    return out
