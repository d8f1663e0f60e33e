"""Pages read as a typographer looks at them: text lines with their size and place
(pypdfium2 character boxes), in columns, with the body size of the document. The page
checks of test_pages.py (stranded headings, lone tips, fill, hyphens, columns) use them."""

from __future__ import annotations

import ctypes
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as raw

HYPHENS = "-\u00ad\u2010\ufffe"  # pdfium reports a hyphen ending a line as U+FFFE
HEADING = 1.2   # a line set at least this much larger than the body is a heading


@dataclass
class Line:
    text: str
    size: float      # the largest character size on the line
    top: float
    bottom: float
    left: float
    column: int = 0
    base: float = 0.0  # the baseline
    right: float = 0.0


@dataclass
class Page:
    number: int      # from 1
    width: float
    height: float
    lines: list[Line]
    tints: list[tuple[float, float, float, float]]  # boxes filled with the note colour: (l, b, r, t)


def read_pages(path: Path, columns: int = 1, tint: str | None = None) -> list[Page]:
    """Every page's text lines, top to bottom within each of `columns` equal columns (a
    brochure's panels), and the rectangles filled with `tint` ("#rrggbb", the note boxes)."""
    doc = pdfium.PdfDocument(str(path))
    pages = []
    for i in range(len(doc)):
        page = doc[i]
        width, height = page.get_size()
        textpage = page.get_textpage()
        chars = []
        x, y = ctypes.c_double(), ctypes.c_double()
        for c in range(textpage.count_chars()):
            ch = textpage.get_text_range(c, 1)
            if ch in "\r\n" or not raw.FPDFText_GetCharOrigin(textpage.raw, c, x, y):
                continue
            left, bottom, right, top = textpage.get_charbox(c, loose=True)
            chars.append((ch, raw.FPDFText_GetFontSize(textpage.raw, c), x.value, y.value, bottom, top, right))
        lines: list[Line] = []
        for ch, size, left, base, bottom, top, right in chars:
            column = min(columns - 1, int(left // (width / columns))) if columns > 1 else 0
            line = next((ln for ln in reversed(lines[-60:]) if ln.column == column and abs(ln.base - base) < 1.5
                         and -size < left - ln.right < size * 2.5), None)  # a wide gap: another column
            if line is None:
                if ch.isspace():
                    continue
                line = Line("", 0, top, bottom, left, column, base, right)
                lines.append(line)
            line.text += ch
            if not ch.isspace():
                line.size = max(line.size, size)
                line.top, line.bottom = max(line.top, top), min(line.bottom, bottom)
                line.left, line.right = min(line.left, left), max(line.right, right)
            else:
                line.right = max(line.right, right)
        lines = [ln for ln in lines if ln.text.strip()]
        lines.sort(key=lambda ln: (ln.column, -ln.top))
        pages.append(Page(i + 1, width, height, lines, _tinted(page, tint) if tint else []))
    return pages


def _tinted(page, hex_colour: str) -> list[tuple[float, float, float, float]]:
    want = tuple(int(hex_colour[k:k + 2], 16) for k in (1, 3, 5))
    out = []
    for obj in page.get_objects(max_depth=3):
        if obj.type != raw.FPDF_PAGEOBJ_PATH:
            continue
        r, g, b, a = (raw.c_uint(), raw.c_uint(), raw.c_uint(), raw.c_uint())
        if not raw.FPDFPageObj_GetFillColor(obj.raw, r, g, b, a):
            continue
        if max(abs(x - y) for x, y in zip((r.value, g.value, b.value), want)) <= 2:
            out.append(obj.get_bounds())
    return out


def body_size(pages: list[Page]) -> float:
    """The size most characters of the document are set in."""
    sizes = Counter()
    for page in pages:
        for line in page.lines:
            sizes[round(line.size * 2) / 2] += len(line.text)
    return sizes.most_common(1)[0][0]


def is_heading(line: Line, body: float) -> bool:
    return line.size >= body * HEADING


def is_text(line: Line, body: float) -> bool:
    """Running text or more: not page furniture (the band, the footer are set smaller)."""
    return line.size >= body * 0.9


def stranded_headings(page: Page, body: float) -> list[str]:
    """Headings whose last line is followed in its column by fewer than 2 lines of text."""
    out = []
    for column in {ln.column for ln in page.lines}:
        lines = [ln for ln in page.lines if ln.column == column and is_text(ln, body)]
        for k, line in enumerate(lines):
            if not is_heading(line, body) or (k + 1 < len(lines) and is_heading(lines[k + 1], body)):
                continue
            after = len(lines) - k - 1
            if after < 2:
                out.append(f"page {page.number}: {line.text.strip()!r} has {after} line(s) after it")
    return out


def lone_tip(page: Page, body: float) -> str | None:
    """A note box that opens the page and is followed by nothing, or by a heading."""
    lines = [ln for ln in page.lines if is_text(ln, body)]
    if not lines or not page.tints:
        return None
    first = lines[0]
    box = next((t for t in page.tints if t[1] - 1 <= first.bottom and first.top <= t[3] + 1
                and t[0] - 1 <= first.left <= t[2]), None)
    if box is None or any(ln.top > box[3] + 1 for ln in lines):
        return None
    below = [ln for ln in lines if ln.top < box[1]]
    if not below or is_heading(below[0], body):
        return f"page {page.number}: the tip {first.text.strip()[:40]!r} opens the page alone"
    return None


def ends_in_box(page: Page, body: float) -> bool:
    """The page's last line of text is inside a note-coloured box: a box that may go on
    over the page end (a large-print leaflet's 'Words to know')."""
    lines = [ln for ln in page.lines if is_text(ln, body)]
    return bool(lines) and any(t[1] - 1 <= lines[-1].bottom and lines[-1].top <= t[3] + 1
                               and t[0] - 1 <= lines[-1].left <= t[2] for t in page.tints)


def filled(page: Page, body: float, top: float, bottom: float) -> float:
    """How far down the text area (`top` to `bottom`, in points from the page foot) the
    page's text reaches, 0 to 1."""
    lines = [ln for ln in page.lines if is_text(ln, body) and bottom - 2 <= ln.bottom <= top + 2]
    if not lines:
        return 0.0
    return (top - min(ln.bottom for ln in lines)) / (top - bottom)


def text_area(pages: list[Page], body: float) -> tuple[float, float]:
    """The text area of a document's pages: from the highest to the lowest line of text
    any page holds (the furniture, smaller, is left out)."""
    lines = [ln for p in pages[1:-1] or pages for ln in p.lines if is_text(ln, body)]
    return max(ln.top for ln in lines), min(ln.bottom for ln in lines)


def hyphen_breaks(pages: list[Page], body: float) -> list[str]:
    """Lines of text ending in a word split with a hyphen (a web or e-mail address may
    break after its own '-', so joined pieces that read as an address are left out)."""
    out = []
    for page in pages:
        lines = [ln for ln in page.lines if is_text(ln, body)]
        for line, nxt in zip(lines, lines[1:]):
            words = line.text.split()
            if not words or words[-1][-1] not in HYPHENS or len(words[-1]) < 3 or not nxt.text.split():
                continue
            joined = (words[-1][:-1] + "-" + nxt.text.split()[0]).rstrip(".,;:)»")
            if any(mark in joined for mark in "@/."):  # an address
                continue
            out.append(f"page {page.number}: {words[-1]!r} / {nxt.text.split()[0]!r}")
    return out
