"""Page proofs: a PNG of every page of every PDF, and a contact sheet per document.

Proofs live under `<out>/proofs/`, mirroring the PDFs (`proofs/en/letter/guide/page-001.png`,
`proofs/en/letter/guide/contact-sheet.png`). Each manifest entry records the proofs made
from it: the sha256 of the PDF they show, their resolution and every file's sha256. That
record is the cache: a PDF whose sha256 and resolution match its recorded proofs is not
rendered again. The files are staged with the rest of the build (see `output.Staging`).

Same PDF, same resolution, same pypdfium2 and Pillow: byte-identical PNGs (no clock, no
metadata chunks).
"""

from __future__ import annotations

import hashlib
import io
import multiprocessing
from dataclasses import dataclass

FOLDER = "proofs"
CONTACT = "contact-sheet.png"
_THUMB = 260          # contact sheet: a page's longest side, in pixels
_COLUMNS = 4
_GAP = 16
_PAPER = (255, 255, 255)
_SHEET = (236, 239, 242)
_EDGE = (160, 168, 176)
_LABEL = (60, 66, 72)


@dataclass(frozen=True)
class Proofs:
    """One document's proofs: where the files go and their bytes."""

    pdf_sha256: str
    dpi: int
    files: dict          # rel path under out -> PNG bytes (pages in order, then the contact sheet)

    def record(self) -> dict:
        """What the manifest keeps: the cache key and each file's sha256."""
        return {"pdf": self.pdf_sha256, "dpi": self.dpi,
                "files": {rel: hashlib.sha256(data).hexdigest() for rel, data in self.files.items()}}


def folder_of(pdf_path: str) -> str:
    """`en/letter/guide.pdf` -> `proofs/en/letter/guide`."""
    return f"{FOLDER}/{pdf_path.removesuffix('.pdf')}"


def recorded(entry: dict) -> dict:
    """An entry's proof record, if it is one pressroom wrote (files inside proofs/ with a
    sha256 each); else {} (the manifest is input too: nothing odd is trusted)."""
    from .output import safe_relative
    record = entry.get("proofs")
    if not isinstance(record, dict) or not isinstance(record.get("files"), dict):
        return {}
    prefix = folder_of(entry["path"]) + "/"
    files = record["files"]
    if not all(isinstance(rel, str) and safe_relative(rel) and rel.startswith(prefix)
               and rel.endswith(".png") and isinstance(sha, str) and len(sha) == 64
               for rel, sha in files.items()):
        return {}
    return record


def current(entry: dict, dpi: int | None, intact) -> bool:
    """The entry's proofs show its PDF as it is now, at `dpi` (None: any), and every file is
    still what was written (`intact(rel, sha256)`)."""
    record = recorded(entry)
    return (bool(record) and record.get("pdf") == entry.get("sha256")
            and (dpi is None or record.get("dpi") == dpi)
            and all(intact(rel, sha) for rel, sha in record["files"].items()))


def render_pages(pdf: bytes, dpi: int) -> list:
    """Every page as an RGB PIL image at `dpi`."""
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(pdf)
    try:
        return [doc[i].render(scale=dpi / 72).to_pil().convert("RGB") for i in range(len(doc))]
    finally:
        doc.close()


def png(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=6)
    return buffer.getvalue()


def contact_sheet(pages: list, title: str = "") -> bytes:
    """Thumbnails of every page in reading order, numbered, on a light grey sheet."""
    from PIL import Image, ImageDraw, ImageFont
    thumbs = []
    for page in pages:
        scale = _THUMB / max(page.size)
        thumbs.append(page.resize((max(1, round(page.width * scale)), max(1, round(page.height * scale))),
                                  Image.LANCZOS))
    cell_w = max(t.width for t in thumbs) if thumbs else _THUMB
    cell_h = max(t.height for t in thumbs) if thumbs else _THUMB
    font = ImageFont.load_default(size=14)
    label_h = 22
    head = 34 if title else 0
    columns = min(_COLUMNS, max(1, len(thumbs)))
    rows = max(1, -(-len(thumbs) // columns))
    sheet = Image.new("RGB", (_GAP + columns * (cell_w + _GAP), head + _GAP + rows * (cell_h + label_h + _GAP)),
                      _SHEET)
    draw = ImageDraw.Draw(sheet)
    if title:
        draw.text((_GAP, _GAP), title, fill=_LABEL, font=font)
    for index, thumb in enumerate(thumbs):
        row, col = divmod(index, columns)
        x = _GAP + col * (cell_w + _GAP) + (cell_w - thumb.width) // 2
        y = head + _GAP + row * (cell_h + label_h + _GAP)
        draw.rectangle((x - 1, y - 1, x + thumb.width, y + thumb.height), outline=_EDGE)
        sheet.paste(thumb, (x, y))
        label = str(index + 1)
        width = draw.textlength(label, font=font)
        draw.text((x + (thumb.width - width) / 2, y + thumb.height + 4), label, fill=_LABEL, font=font)
    return png(sheet)


def make_proofs(pdf_path: str, pdf: bytes, dpi: int) -> Proofs:
    """Render one PDF's page PNGs and its contact sheet."""
    pages = render_pages(pdf, dpi)
    folder = folder_of(pdf_path)
    files = {f"{folder}/page-{i:03d}.png": png(page) for i, page in enumerate(pages, start=1)}
    files[f"{folder}/{CONTACT}"] = contact_sheet(pages, pdf_path)
    return Proofs(hashlib.sha256(pdf).hexdigest(), dpi, files)


# Inherited by forked workers (the PDFs' bytes are not sent through a pipe twice).
_TASKS: list[tuple[str, object, int]] = []


def _make(index: int) -> tuple[int, Proofs]:
    path, source, dpi = _TASKS[index]
    return index, make_proofs(path, source() if callable(source) else source, dpi)


def make_all(tasks: list[tuple[str, object, int]], workers: int = 1) -> dict[str, Proofs]:
    """Proofs for each (pdf path, bytes or a function giving them, dpi), in worker
    processes when there are several; the result does not depend on their number."""
    global _TASKS
    _TASKS = list(tasks)
    try:
        if workers <= 1 or len(tasks) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
            done = [_make(i) for i in range(len(tasks))]
        else:
            with multiprocessing.get_context("fork").Pool(min(workers, len(tasks))) as pool:
                done = list(pool.imap_unordered(_make, range(len(tasks))))
    finally:
        _TASKS = []
    return {tasks[i][0]: proofs for i, proofs in sorted(done, key=lambda d: d[0])}


def proofs_current(out, manifest: dict, dpi: int | None) -> bool:
    """Every PDF of the last build has proofs showing it (at `dpi`, when given): the
    no-change fast path may answer "nothing to do" to --proofs too."""
    from .state import Hasher
    hasher = Hasher()

    def intact(rel: str, sha: str) -> bool:
        return (out / rel).is_file() and hasher.file(out / rel) == sha

    return all(current(entry, dpi, intact) for entry in manifest.get("documents", []))
