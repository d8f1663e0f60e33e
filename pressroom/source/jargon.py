"""Medical terms a patient may not know: which ones a document uses, and which of those the
glossary leaves undefined."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from . import model as m
from ..errors import Problem, warning
from ..memo import remembered

DATA = Path(__file__).parent.parent / "data"


@lru_cache(maxsize=None)
def shipped_terms(lang: str = "en") -> tuple[tuple[str, ...], ...]:
    """Each entry: the forms one glossary definition covers. The list for the language tag
    (zh-Hans), else for its language (es-MX -> es); none for a language without one: its
    documents get no warnings and no 'Words to know' box rather than wrong ones from another
    language's list."""
    for name in dict.fromkeys((lang, lang.split("-")[0])):
        path = DATA / ("medical-terms.txt" if name == "en" else f"medical-terms-{name}.txt")
        if path.is_file():
            break
    else:
        return ()
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(tuple(_nfc(f.strip().lower()) for f in line.split("|") if f.strip())
                 for line in lines if line.strip() and not line.startswith("#"))


# Scripts written without spaces between words: a term is found inside any run of them.
_SPACELESS = ("\u3005-\u3007\u3021-\u3029\u3031-\u3035\u303b\u3041-\u309f\u30a0-\u30ff"
              "\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f"
              "\U00020000-\U0003134f")
_SPACELESS_CHAR = re.compile(f"[{_SPACELESS}]")
_BEFORE = rf"(?:(?<![\w-])|(?<=[{_SPACELESS}]))"  # a word may begin: no letter before, or one of those
_AFTER = rf"(?:(?![\w-])|(?=[{_SPACELESS}]))"     # and end


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _spaceless(form: str) -> bool:
    """Whether a form is written in a script without spaces, so found as a substring."""
    return bool(_SPACELESS_CHAR.search(form))


@lru_cache(maxsize=4096)
def _pattern(form: str) -> re.Pattern:
    """The rule for one form, any case: a whole word or phrase, maybe plural; an end in a
    script without spaces needs no word boundary and takes no plural ending."""
    start = "" if _SPACELESS_CHAR.match(form[:1]) else _BEFORE
    end = "" if _SPACELESS_CHAR.match(form[-1:]) else "(?:s|es)?" + _AFTER
    return re.compile(start + re.escape(form) + end, re.IGNORECASE)


_BEFORE_AT, _AFTER_AT = re.compile(_BEFORE), re.compile(_AFTER)
_ENDINGS = tuple(re.compile(e, re.IGNORECASE) for e in ("", "s", "es"))


@lru_cache(maxsize=4096)
def _rule(form: str) -> tuple[bool, re.Pattern, bool]:
    """_pattern in three parts (needs a word start, the form in any case, needs a word end):
    compiling _pattern whole takes milliseconds a form (its boundary classes are large), and
    the parts only microseconds, the boundaries compiled once for all forms."""
    return (not _SPACELESS_CHAR.match(form[:1]), re.compile(re.escape(form), re.IGNORECASE),
            not _SPACELESS_CHAR.match(form[-1:]))


def _found_at(form: str, text: str, start: int) -> bool:
    """Whether _pattern(form).match(text, start) would match."""
    bounded_start, core, bounded_end = _rule(form)
    if bounded_start and not _BEFORE_AT.match(text, start):
        return False
    found = core.match(text, start)
    if found is None:
        return False
    end = found.end()
    return not bounded_end or any(ending.match(text, end) and _AFTER_AT.match(text, end + len(ending.pattern))
                                  for ending in _ENDINGS)


_STARTS = re.compile(rf"{_BEFORE}|(?=[{_SPACELESS}])")  # where a form may begin
_ENDS = re.compile(rf"{_AFTER}|(?<=[{_SPACELESS}])")    # where it may end, plural ending included
_DOTTED_I = str.maketrans({"\u0130": "i", "\u0131": "i"})


def _fold(text: str) -> str:
    """A key equal for any two strings _pattern's IGNORECASE takes as equal (casefold alone
    keeps the dotted and dotless i apart)."""
    return text.translate(_DOTTED_I).casefold()


class _Forms:
    """Many forms found in one pass over a text, each as _pattern finds it.

    Matching is character for character, so a match of `form` plus its ending is a stretch
    of that many characters from a start to an end. At each start the first few folded
    characters give the lengths worth trying; each stretch is looked up by its folded text,
    and a hit is confirmed with the form's own pattern. The cost grows with the text and
    the forms sharing a beginning, not with the number of forms. Forms in a script without
    spaces have no word boundaries to keep them apart, so among them the longest at the
    leftmost start wins and none is found inside another's match.
    """

    def __init__(self, forms: tuple[str, ...]):
        forms = tuple(dict.fromkeys(_nfc(f) for f in forms))
        self.head = min([3] + [len(f) for f in forms])  # how many characters pick the lengths
        self.forms: dict[str, list[str]] = {}
        self.spaceless = {form for form in forms if _spaceless(form)}
        lengths: dict[str, set[int]] = {}
        for form in forms:
            for ending in ("",) if _SPACELESS_CHAR.match(form[-1:]) else ("", "s", "es"):
                self.forms.setdefault(_fold(form + ending), []).append(form)
                lengths.setdefault(_fold(form[:self.head]), set()).add(len(form) + len(ending))
        self.lengths = {head: sorted(n, reverse=True) for head, n in lengths.items()}
        self._found: dict[str, dict[str, int]] = {}  # text -> find(text): documents share texts
        # forms holding a space, the only ones that may run from one text into the next where
        # texts are joined by a space (find_joined); by their first characters, as `lengths`
        spaced = [f for f in forms if " " in f]
        self.joins_spaceless = any(f in self.spaceless for f in spaced)
        self.spaced: dict[str, set[int]] = {}
        for form in spaced:
            for ending in ("", "s", "es"):
                self.spaced.setdefault(_fold(form[:self.head]), set()).add(len(form) + len(ending))
        self.reach = max((n for ns in self.spaced.values() for n in ns), default=0)
        # the folded letters beside a form's spaces: a join with others beside it (a text
        # ending in a full stop) holds no form; None where a form starts or ends in a space
        folded = [_fold(f) for f in spaced]
        self.beside: tuple[set[str], set[str]] | None = (
            {f[k - 1] for f in folded for k, ch in enumerate(f) if ch == " "},
            {f[k + 1] for f in folded for k, ch in enumerate(f) if ch == " " and k + 1 < len(f)})
        if any(f[:1] == " " or f[-1:] == " " for f in folded):
            self.beside = None

    def find(self, text: str) -> dict[str, int]:
        """{form: where it is first mentioned} for every form the text mentions (the text
        taken NFC-normalised, as the forms are). The answer is shared: do not change it."""
        found = self._found.get(text)
        if found is None:
            if len(self._found) >= 20_000:
                self._found.clear()
            found = self._found[text] = self._find(text)
        return found

    def find_joined(self, texts: list[str]) -> dict[str, int]:
        """{form: where it is first mentioned} in the texts joined by spaces, as
        find(" ".join(texts)) answers, from each text's own (remembered) answer: documents
        made from one source share their texts, never their whole bodies. A form holding a
        space may also run over a join: those are looked for at each join. (The order of the
        answer's keys is not find's.)"""
        if self.joins_spaceless:  # a spaceless form with a space: find's longest-match rule spans texts
            return dict(self.find(" ".join(texts)))
        out: dict[str, int] = {}
        offset = 0
        ends = []  # where each text's join is in the body
        normal = [_nfc(t) for t in texts]  # the body is NFC'd whole: a space composes with nothing
        for text, norm in zip(texts, normal):
            for form, at in self.find(text).items():
                if form not in out:
                    out[form] = offset + at
            offset += len(norm) + 1
            ends.append(offset - 1)
        if self.spaced and len(texts) > 1:
            body = " ".join(normal)
            start_of = 0
            for join in ends[:-1]:
                if self.beside is None or (_fold(body[join - 1:join])[-1:] in self.beside[0]
                                           and _fold(body[join + 1:join + 2])[:1] in self.beside[1]):
                    for form, at in self._across(body, max(start_of, join - self.reach + 1), join):
                        if at < out.get(form, at + 1):
                            out[form] = at
                start_of = join + 1
        return out

    def _across(self, body: str, low: int, join: int):
        """(form, start) for each form holding a space that _find would see in `body`
        starting at or after `low`, running over the join at `join` (or starting on it)."""
        for start in range(low, join + 1):
            lengths = self.spaced.get(_fold(body[start:start + self.head]))
            if not lengths or not _STARTS.match(body, start):
                continue
            for length in sorted(lengths, reverse=True):
                end = start + length
                if end <= join or end > len(body) or not _ENDS.match(body, end):
                    continue
                for form in self.forms.get(_fold(body[start:end]), ()):
                    if _found_at(form, body, start):
                        yield form, start

    def _find(self, text: str) -> dict[str, int]:
        text = _nfc(text)
        ends = {m.start() for m in _ENDS.finditer(text)}
        found: dict[str, int] = {}
        folded = _fold(text)  # folding is per character: when no character folds to two,
        if len(folded) == len(text):  # a stretch of the folded text is the stretch folded
            key = folded.__getitem__
        else:
            key = lambda span: _fold(text[span])  # noqa: E731
        taken = 0  # where the last match of a spaceless form ends
        for start in (m.start() for m in _STARTS.finditer(text)):
            free, chosen = start >= taken, None  # chosen: the length a spaceless form took here
            for length in self.lengths.get(key(slice(start, start + self.head)), ()):
                if start + length in ends:
                    for form in self.forms.get(key(slice(start, start + length)), ()):
                        spaceless = form in self.spaceless
                        if (spaceless and not (free and chosen in (None, length))) or \
                                (not spaceless and form in found):
                            continue
                        if _found_at(form, text, start):
                            if spaceless:
                                chosen, taken = length, start + length
                            found.setdefault(form, start)
        return found


@lru_cache(maxsize=64)
def _index(forms: tuple[str, ...]) -> _Forms:
    return _Forms(forms)


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
    plurals = re.findall(r"\(\s*(?:plural|pl\.|plural:)\s*([^)]+?)\s*\)", term)
    return [_nfc(f) for f in [base] + [p.lower() for p in plurals]]


@lru_cache(maxsize=256)  # one procedure appears in every leaflet layout
def glossary_terms_used(doc, glossary: m.Glossary | None, limit: int | None = None,
                        lang: str = "en") -> list[tuple[str, m.Text]]:
    """The glossary's medical terms the document uses (not its own title), alphabetical.

    Only terms on the medical list count, so everyday glossary words ("spine") do not
    crowd out the ones a patient needs; with a limit, the first used win.
    """
    if glossary is None:
        return []
    title = getattr(doc, "title", None)
    forms, index = _glossary_forms(glossary)
    used = index.find_joined([t.plain for t in texts(doc, headings=False)])
    medical = _medical_terms(glossary, lang)
    hits = []
    for term, definition in glossary.terms:
        if title is not None and term.lower() == title.plain.lower():
            continue
        starts = [used[f] for f in forms[term] if f in used]
        if starts and term in medical:
            hits.append((min(starts), term, definition))
    chosen = sorted(hits)[:limit] if limit else hits
    return sorted(((t, d) for _, t, d in chosen), key=lambda x: x[0].casefold())


@remembered(16)
def _glossary_forms(glossary: m.Glossary) -> tuple[dict[str, list[str]], _Forms]:
    """Each glossary term's forms, and their index: once per glossary, not per document."""
    forms = {term: term_forms(term) for term, _ in glossary.terms}
    return forms, _index(tuple(f for fs in forms.values() for f in fs))


@lru_cache(maxsize=16)
def _medical_terms(glossary: m.Glossary, lang: str) -> frozenset[str]:
    """The glossary's terms that mention a form on the medical list (none without a list)."""
    medical = _index(tuple(f for entry in shipped_terms(lang) for f in entry))
    return frozenset(term for term, _ in glossary.terms if medical.find(term))


def undefined_terms(doc, glossary: m.Glossary | None, extra: tuple[str, ...] = (),
                    lang: str = "en") -> list[tuple[str, m.Origin]]:
    """(term, first place used) for each listed medical term with no glossary entry.

    An entry counts as defined when a glossary term mentions one of its forms, or one of
    its forms mentions a glossary term.
    """
    defined = tuple(_nfc(term.lower()) for term, _ in glossary.terms) if glossary else ()
    entries = shipped_terms(lang) + tuple((_nfc(e.lower()),) for e in extra)
    forms = _index(tuple(f for entry in entries for f in entry))
    entries_of = _undefined_entries(defined, entries)
    if not entries_of:
        return []
    # Each text searched alone (no form spans two texts: none holds a line break), and
    # remembered: documents made from one source share most of their texts.
    all_texts = texts(doc)
    found = [forms.find(t.plain) for t in all_texts]
    first: dict[int, tuple[str, m.Origin]] = {}  # entry -> (its form in the first text using it, where)
    for index, used in enumerate(found):
        for form in used:
            for i in entries_of.get(form, ()):
                if i not in first:
                    first[i] = (next(f for f in entries[i] if f in used), all_texts[index].origin)
    return [first[i] for i in sorted(first)]


@lru_cache(maxsize=16)
def _undefined_entries(defined: tuple[str, ...],
                       entries: tuple[tuple[str, ...], ...]) -> dict[str, list[int]]:
    """form -> the entries it belongs to that no glossary term covers (once per glossary,
    not once per document)."""
    forms, terms = _index(tuple(f for entry in entries for f in entry)), _index(defined)
    covered = {f for d in defined for f in forms.find(d)}
    covered |= {f for entry in entries for f in entry if terms.find(f)}
    out: dict[str, list[int]] = {}
    for i, entry in enumerate(entries):
        if not covered.intersection(entry):
            for f in entry:
                out.setdefault(f, []).append(i)
    return out


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
