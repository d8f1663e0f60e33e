"""The change report: what differs between two builds, page by page, in words and pixels.

Two builds are compared through their manifests: a document in one and not the other is
new or removed; one whose sha256 differs is changed, and for a changed document every page
is classified from the word sequence of the whole document (so a page break that moved is
told apart from words that changed) and from its pixels:

- rewritten: words on this page were added, removed or replaced;
- renumbered: only numbers changed (a contents page after a reflow, or a number in the
  text: the words are shown, so a changed dose or date is still seen);
- reflowed: the same words in the same order, but the page breaks moved;
- moved: the page is a whole page of the old build, now at another position;
- restyled: the same words on the same page, drawn differently (colour, logo, spacing);
- removed: an old page with no counterpart now (the document got shorter).

Pages whose words and pixels are both unchanged are not listed. "Page 2 of 3" lines are
compared with their numbers masked, so a page count that changed does not make every page
of a document "rewritten".

The report is `changes.html` with its pictures as PNG files under `changes/` beside it
(no script, no external assets; it opens from a folder or a CI artifact), and
`changes.json` for scripts (CI uses it to say "no PDF changed" and to pick the proofs of
the changed documents).
"""

from __future__ import annotations

import difflib
import html
import json
import multiprocessing
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

REPORT = "changes.html"
SUMMARY = "changes.json"
FOLDER = "changes"
DPI = 72                   # the report's page pictures: enough to read, small enough to ship
_THRESHOLD = 24            # a channel difference below this is anti-aliasing noise
_CONTEXT = 8               # words shown either side of a change
_NUMBER = re.compile(r"\A[\d.,:/%()\-–]+\Z")

KINDS = {
    "rewritten": "Rewritten: words on this page changed",
    "renumbered": "Renumbered: only numbers changed (check them)",
    "reflowed": "Reflow: the same words, the page break moved",
    "moved": "Moved: the same page, now at another position",
    "restyled": "Restyled: the same words, drawn differently",
    "removed": "Removed: the document no longer has this page",
}


@dataclass(frozen=True)
class Build:
    """One side of a comparison: its manifest's documents and a way to read each PDF."""

    label: str                         # how the report names it
    documents: dict                    # path -> manifest entry
    read: Callable[[str], bytes]       # path -> the PDF's bytes


@dataclass(frozen=True)
class PageChange:
    number: int                  # page number in the new document (the old one's for `removed`)
    kind: str                    # one of KINDS
    old_number: int | None       # the page it is compared with
    words: tuple = ()            # ("=" | "+" | "-" | "…", text) runs of the page's word diff
    pictures: tuple = ()         # (before, after, difference) paths relative to the report
    pixels: int = 0              # how many pixels differ


@dataclass(frozen=True)
class DocumentChange:
    path: str
    status: str                  # new, removed or changed
    title: str
    kind: str
    language: str
    paper: str
    pages_before: int = 0
    pages_after: int = 0
    pages: tuple = ()            # PageChange, for changed documents
    proofs: str | None = None    # its contact sheet, when this build made proofs


@dataclass(frozen=True)
class Comparison:
    before: str
    after: str
    documents: tuple             # DocumentChange, changed first, then new, then removed
    unchanged: int
    files: dict = field(default_factory=dict, compare=False)  # picture path -> PNG bytes

    def paths(self, status: str) -> list[str]:
        return [d.path for d in self.documents if d.status == status]


# -- text ----------------------------------------------------------------------------------

def page_label_pattern(page_of: str) -> re.Pattern | None:
    """A regex for the footer's "Page {page} of {pages}" in one language."""
    if "{page}" not in page_of:
        return None
    parts = re.split(r"(\{page\}|\{pages\})", page_of)
    regex = "".join(r"\d+" if p in ("{page}", "{pages}")
                    else "".join(r"\s+" if w.isspace() else re.escape(w) for w in re.split(r"(\s+)", p) if w)
                    for p in parts)
    return re.compile(regex)


def _lines(text: str, label: re.Pattern | None) -> list[tuple[str, str]]:
    """(line as printed, line as compared) for each non-empty line: the footer's page
    numbers masked."""
    out = []
    for line in text.splitlines():
        if line.strip():
            masked = label.sub(lambda m: re.sub(r"\d", "#", m.group(0)), line) if label else line
            out.append((" ".join(line.split()), " ".join(masked.split())))
    return out


def page_texts(doc) -> list[str]:
    return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]


def furniture(*documents: list[list[tuple[str, str]]]) -> set[str]:
    """Lines repeated on most pages (running heads, footers): they would make the word
    sequences of two documents align at the wrong repeats, so they are compared page by
    page instead."""
    out: set[str] = set()
    for pages in documents:
        if len(pages) < 2:
            continue
        counts: dict[str, int] = {}
        for lines in pages:
            for key in {k for _, k in lines}:
                counts[key] = counts.get(key, 0) + 1
        out |= {key for key, n in counts.items() if n >= max(2, len(pages) // 2 + 1)}
    return out


# -- classification -------------------------------------------------------------------------

@dataclass
class _Side:
    shown: list[str]
    keys: list[str]
    page: list[int]        # page index of each word
    pages: int
    repeated: list[list[str]]  # each page's furniture lines, as compared

    @classmethod
    def of(cls, pages: list[list[tuple[str, str]]], skip: set[str], tails: list[int]) -> "_Side":
        shown, keys, page, repeated = [], [], [], []
        for index, lines in enumerate(pages):
            repeated.append([k for _, k in lines if k in skip])
            tail = tails[index] if index < len(tails) else 0
            for printed, key in lines[:len(lines) - tail]:
                if key in skip:
                    continue
                s, k = printed.split(), key.split()
                if len(s) != len(k):
                    s = k
                shown += s
                keys += k
                page += [index] * len(s)
        return cls(shown, keys, page, len(pages), repeated)

    def words_of(self, index: int) -> range:
        first = next((i for i, p in enumerate(self.page) if p == index), None)
        if first is None:
            return range(0)
        last = first
        while last + 1 < len(self.page) and self.page[last + 1] == index:
            last += 1
        return range(first, last + 1)


def _common_tail(old: list[tuple[str, str]], new: list[tuple[str, str]]) -> int:
    """How many last lines a page has in common with the page at its place before. Page
    furniture is drawn after the text, so it is read last; left in the word sequence, a
    first-page masthead would seem to move when the page break before it moves."""
    count = 0
    while count < min(len(old), len(new)) and old[-1 - count][1] == new[-1 - count][1]:
        count += 1
    return count


def classify(old_texts: list[str], new_texts: list[str], label=None) -> list[dict]:
    """Per new page: its kind (or None when its words are unchanged and in place), the old
    page it is compared with, and its word diff; then one entry per old page that is gone."""
    old_lines = [_lines(t, label) for t in old_texts]
    new_lines = [_lines(t, label) for t in new_texts]
    skip = furniture(old_lines, new_lines)
    tails = [_common_tail(a, b) for a, b in zip(old_lines, new_lines)]
    old, new = _Side.of(old_lines, skip, tails), _Side.of(new_lines, skip, tails)
    matcher = difflib.SequenceMatcher(None, old.keys, new.keys, autojunk=False)
    to_old: dict[int, int] = {}
    changed: dict[int, list[tuple[str, str]]] = {}      # new page -> changed words (+/-)
    inserts_at: dict[int, list[str]] = {}               # new word index -> deleted words before it
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for k in range(i2 - i1):
                to_old[j1 + k] = i1 + k
            continue
        anchor = new.page[j1] if j1 < len(new.page) else (new.page[j1 - 1] if j1 else 0)
        for i in range(i1, i2):
            changed.setdefault(anchor, []).append(("-", old.shown[i]))
        inserts_at.setdefault(j1, []).extend(old.shown[i1:i2])
        for j in range(j1, j2):
            changed.setdefault(new.page[j], []).append(("+", new.shown[j]))
    heads: dict[int, tuple] = {}                        # new page -> furniture word diff
    for index in range(min(old.pages, new.pages)):
        if old.repeated[index] != new.repeated[index]:
            gone = " ".join(k for k in old.repeated[index] if k not in new.repeated[index])
            came = " ".join(k for k in new.repeated[index] if k not in old.repeated[index])
            changed.setdefault(index, []).extend([("-", w) for w in gone.split()] + [("+", w) for w in came.split()])
            heads[index] = tuple((op, text) for op, text in (("-", gone), ("+", came)) if text)
    out = []
    for index in range(new.pages):
        words = new.words_of(index)
        if index in changed:
            numbers = all(_NUMBER.match(w) for _, w in changed[index])
            kind, counterpart = ("renumbered" if numbers else "rewritten"), index
        else:
            olds = {old.page[to_old[j]] for j in words if j in to_old}
            whole = (len(olds) == 1 and len(words) == len(old.words_of(next(iter(olds)))))
            if not words:
                kind, counterpart = None, index
            elif whole:
                counterpart = next(iter(olds))
                kind = None if counterpart == index else "moved"
            else:
                kind, counterpart = "reflowed", index
        runs = _diff_runs(new, words, to_old, inserts_at, index in changed) if index in changed else ()
        if index in heads:
            runs = heads[index] + ((("…", ""),) if runs else ()) + tuple(runs)
        out.append({"number": index + 1, "kind": kind,
                    "old": counterpart + 1 if counterpart < old.pages else None, "words": runs})
    for index in range(new.pages, old.pages):
        out.append({"number": index + 1, "kind": "removed", "old": index + 1, "words": ()})
    return out


def _diff_runs(new: _Side, words: range, to_old: dict, inserts_at: dict, has_changes: bool) -> tuple:
    """The page's words with deletions and insertions marked, trimmed to the changes and a
    few words of context either side."""
    if not has_changes:
        return ()
    marks: list[tuple[str, str]] = []
    for j in words:
        for gone in inserts_at.get(j, ()):
            marks.append(("-", gone))
        marks.append(("=" if j in to_old else "+", new.shown[j]))
    end = words.stop if words else 0
    if words and end == len(new.shown):
        for gone in inserts_at.get(end, ()):
            marks.append(("-", gone))
    keep = [False] * len(marks)
    for i, (op, _) in enumerate(marks):
        if op != "=":
            for k in range(max(0, i - _CONTEXT), min(len(marks), i + _CONTEXT + 1)):
                keep[k] = True
    runs: list[list] = []
    for i, (op, word) in enumerate(marks):
        op = op if keep[i] else "…"
        if runs and runs[-1][0] == op:
            if op != "…":
                runs[-1][1] += " " + word
        else:
            runs.append([op, "" if op == "…" else word])
    return tuple((op, text) for op, text in runs)


# -- pictures -------------------------------------------------------------------------------

def _render(doc, index: int):
    return doc[index].render(scale=DPI / 72).to_pil().convert("RGB")


def difference(before, after) -> tuple[object, int]:
    """The after page washed out to grey, with every differing pixel in red; and the count."""
    from PIL import Image, ImageChops, ImageOps
    if before.size != after.size:
        before = before.resize(after.size)
    diff = ImageChops.difference(before, after).convert("L").point(lambda v: 255 if v > _THRESHOLD else 0)
    count = diff.histogram()[255]
    washed = Image.blend(ImageOps.grayscale(after).convert("RGB"), Image.new("RGB", after.size, "white"), 0.65)
    washed.paste(Image.new("RGB", after.size, (220, 20, 60)), mask=diff.point(lambda v: 255 if v else 0))
    return washed, count


def compare_document(path: str, old_pdf: bytes, new_pdf: bytes, page_of: str = "") -> tuple[tuple, dict, int, int]:
    """(page changes, picture files, pages before, pages after) of one changed document."""
    import pypdfium2 as pdfium
    from .proofs import png
    old_doc, new_doc = pdfium.PdfDocument(old_pdf), pdfium.PdfDocument(new_pdf)
    try:
        label = page_label_pattern(page_of) if page_of else None
        pages, files = [], {}
        folder = f"{FOLDER}/{path.removesuffix('.pdf')}"
        for item in classify(page_texts(old_doc), page_texts(new_doc), label):
            number, kind, old_number = item["number"], item["kind"], item["old"]
            before = _render(old_doc, old_number - 1) if old_number else None
            if kind == "removed":
                rel = f"{folder}/old-page-{number:03d}.png"
                files[rel] = png(before)
                pages.append(PageChange(number, kind, old_number, (), (rel,)))
                continue
            after = _render(new_doc, number - 1)
            if before is None:
                kind = kind or "reflowed"
                shown = (f"{folder}/page-{number:03d}-after.png",)
                files[shown[0]] = png(after)
                pages.append(PageChange(number, kind, None, item["words"], ((None,) + shown + (None,)), 0))
                continue
            picture, count = difference(before, after)
            if kind is None and count == 0:
                continue
            kind = kind or "restyled"
            rels = tuple(f"{folder}/page-{number:03d}-{what}.png" for what in ("before", "after", "diff"))
            for rel, image in zip(rels, (before, after, picture)):
                files[rel] = png(image)
            pages.append(PageChange(number, kind, old_number, item["words"], rels, count))
        return tuple(pages), files, len(old_doc), len(new_doc)
    finally:
        old_doc.close()
        new_doc.close()


# Inherited by forked workers.
_TASKS: list[tuple] = []


def _compare(index: int):
    path, read_old, read_new, page_of = _TASKS[index]
    return index, compare_document(path, read_old(), read_new(), page_of)


def compare_builds(before: Build, after: Build, page_labels: dict | None = None,
                   workers: int = 1) -> Comparison:
    """Every document new, removed or changed between two builds, changed pages classified."""
    global _TASKS
    page_labels = page_labels or {}
    changed = sorted(p for p in after.documents if p in before.documents
                     and after.documents[p].get("sha256") != before.documents[p].get("sha256"))
    _TASKS = [(p, _reader(before, p), _reader(after, p), page_labels.get(after.documents[p].get("language"), ""))
              for p in changed]
    try:
        if workers <= 1 or len(_TASKS) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
            done = [_compare(i) for i in range(len(_TASKS))]
        else:
            with multiprocessing.get_context("fork").Pool(min(workers, len(_TASKS))) as pool:
                done = list(pool.imap_unordered(_compare, range(len(_TASKS))))
    finally:
        _TASKS = []
    documents, files = [], {}
    for index, (pages, pictures, count_before, count_after) in sorted(done, key=lambda d: d[0]):
        path = changed[index]
        documents.append(_document(path, "changed", after.documents[path], count_before, count_after, pages))
        files.update(pictures)
    for path in sorted(set(after.documents) - set(before.documents)):
        entry = after.documents[path]
        documents.append(_document(path, "new", entry, 0, entry.get("pages", 0)))
    for path in sorted(set(before.documents) - set(after.documents)):
        entry = before.documents[path]
        documents.append(_document(path, "removed", entry, entry.get("pages", 0), 0))
    unchanged = sum(1 for p in after.documents if p in before.documents and p not in changed)
    return Comparison(before.label, after.label, tuple(documents), unchanged, files)


def _reader(build: Build, path: str):
    return lambda: build.read(path)


def _document(path: str, status: str, entry: dict, before: int, after: int, pages=()) -> DocumentChange:
    from .proofs import CONTACT, recorded
    sheets = [rel for rel in recorded(entry).get("files", {}) if rel.endswith("/" + CONTACT)]
    return DocumentChange(path, status, str(entry.get("title", "")), str(entry.get("kind", "")),
                          str(entry.get("language", "")), str(entry.get("paper", "")), before, after, pages,
                          sheets[0] if sheets and status != "removed" else None)


# -- the report -----------------------------------------------------------------------------

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2933;margin:0 auto;max-width:1280px;padding:24px}
h1{font-size:26px;margin:0 0 4px} h2{font-size:19px;margin:32px 0 6px;border-top:2px solid #c9d2dc;padding-top:14px}
.meta{color:#4a5563} .none{font-size:18px;padding:16px;background:#eef3f8;border-radius:6px}
table.summary{border-collapse:collapse;margin:12px 0} table.summary td,table.summary th{padding:4px 12px;text-align:left;border-bottom:1px solid #e3e8ee}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:13px;font-weight:600;color:#fff}
.new{background:#2a7f8f} .removed{background:#6b7280} .changed{background:#b4530a}
.rewritten{background:#b42318} .renumbered{background:#9a5b00} .reflowed{background:#1d4e89}
.moved{background:#1d4e89} .restyled{background:#6d28d9}
section.page{margin:14px 0 26px;padding:10px 14px;background:#f8fafc;border-radius:6px}
.pictures{display:flex;gap:12px;flex-wrap:wrap} figure{margin:0} figcaption{font-size:13px;color:#4a5563}
figure img{border:1px solid #c9d2dc;max-width:380px;height:auto;background:#fff}
.words{font-size:15px;margin:8px 0;line-height:1.7} del{background:#fde2e1;color:#8a1c12}
ins{background:#dcfce7;color:#14532d;text-decoration:none;border-bottom:2px solid #16a34a} .gap{color:#9aa5b1}
"""


def report_html(comparison: Comparison) -> bytes:
    c, e = comparison, html.escape
    changed, new, removed = c.paths("changed"), c.paths("new"), c.paths("removed")
    out = ["<!doctype html>", '<html lang="en"><head><meta charset="utf-8">',
           "<title>What changed in the PDFs</title>",
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<style>{_CSS}</style></head><body>",
           "<h1>What changed in the PDFs</h1>",
           f'<p class="meta">Before: {e(c.before)}<br>After: {e(c.after)}</p>']
    if not c.documents:
        out.append(f'<p class="none" id="no-changes">No PDF changed ({c.unchanged} documents compared).</p>')
    else:
        out.append(f"<p>{len(changed)} changed, {len(new)} new, {len(removed)} removed, "
                   f"{c.unchanged} unchanged.</p>")
        out.append('<table class="summary"><tr><th>document</th><th>title</th><th>what</th><th>pages</th></tr>')
        for d in c.documents:
            out.append(f'<tr><td><a href="#{_anchor(d.path)}">{e(d.path)}</a></td><td>{e(d.title)}</td>'
                       f'<td><span class="badge {d.status}">{d.status}</span> {e(_page_summary(d))}</td>'
                       f"<td>{d.pages_before} → {d.pages_after}</td></tr>")
        out.append("</table>")
    for d in c.documents:
        out.append(f'<article class="document" id="{_anchor(d.path)}" data-path="{e(d.path)}" '
                   f'data-status="{d.status}">')
        out.append(f'<h2><span class="badge {d.status}">{d.status}</span> {e(d.path)}</h2>')
        proofs = f' · <a href="{e(d.proofs)}">proofs of every page</a>' if d.proofs else ""
        out.append(f'<p class="meta">{e(d.title)} · {e(d.kind)} · {e(d.language)} · {e(d.paper)} · '
                   f"pages: {d.pages_before} → {d.pages_after}{proofs}</p>")
        if d.status == "changed" and not d.pages:
            out.append("<p>The file changed, but no page looks or reads differently (metadata only).</p>")
        for p in d.pages:
            out.append(_page_html(p))
        out.append("</article>")
    out.append("</body></html>")
    return ("\n".join(out) + "\n").encode("utf-8")


def _page_summary(d: DocumentChange) -> str:
    if d.status != "changed":
        return ""
    kinds: dict[str, list[int]] = {}
    for p in d.pages:
        kinds.setdefault(p.kind, []).append(p.number)
    return "; ".join(f"{kind} p. {', '.join(map(str, numbers))}" for kind, numbers in kinds.items())


def _page_html(p: PageChange) -> str:
    e = html.escape
    where = f"page {p.number}" if p.kind != "removed" else f"old page {p.number}"
    if p.old_number and p.old_number != p.number and p.kind != "removed":
        where += f" (was page {p.old_number})"
    out = [f'<section class="page" data-page="{p.number}" data-kind="{p.kind}">',
           f'<h3><span class="badge {p.kind}">{p.kind}</span> {where}: {e(KINDS[p.kind].split(": ", 1)[1])}</h3>']
    if p.words:
        parts = []
        for op, text in p.words:
            if op == "+":
                parts.append(f"<ins>{e(text)}</ins>")
            elif op == "-":
                parts.append(f"<del>{e(text)}</del>")
            elif op == "…":
                parts.append('<span class="gap">…</span>')
            else:
                parts.append(e(text))
        out.append(f'<p class="words">{" ".join(parts)}</p>')
    names = ("before", "after", "differing pixels in red") if len(p.pictures) == 3 else ("before",)
    pictures = [(rel, name) for rel, name in zip(p.pictures, names) if rel]
    if pictures:
        out.append('<div class="pictures">')
        for rel, name in pictures:
            caption = f"{name} ({p.pixels:,} pixels differ)" if name.startswith("differing") else name
            out.append(f'<figure><a href="{e(rel)}"><img src="{e(rel)}" alt="{e(where)}, {e(name)}" '
                       f'loading="lazy"></a><figcaption>{e(caption)}</figcaption></figure>')
        out.append("</div>")
    out.append("</section>")
    return "\n".join(out)


def _anchor(path: str) -> str:
    return "doc-" + re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-")


def summary_json(comparison: Comparison) -> bytes:
    c = comparison
    data = {"before": c.before, "after": c.after, "changed": c.paths("changed"), "new": c.paths("new"),
            "removed": c.paths("removed"), "unchanged": c.unchanged,
            "pages": {d.path: [{"page": p.number, "kind": p.kind} for p in d.pages]
                      for d in c.documents if d.status == "changed"}}
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def report_files(comparison: Comparison) -> dict[str, bytes]:
    """Everything the report writes, by path under the output folder."""
    return {REPORT: report_html(comparison), SUMMARY: summary_json(comparison), **comparison.files}


def baseline_manifest(where: Path) -> Path:
    """OLD_MANIFEST_OR_DIR: a manifest.json, or a build folder holding one."""
    return where / "manifest.json" if where.is_dir() else where
