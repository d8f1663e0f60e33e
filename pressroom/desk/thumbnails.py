"""Page-1 thumbnails of the catalogue's PDFs, rendered with pypdfium2 and cached with the
build in `<out>/.thumbnails/<sha256>.png` (the PDF's hash, so a rebuilt PDF gets a new
one and stale ones are swept). Catalogue documents only: a personalised copy never has one."""

from __future__ import annotations

import io
import os
import threading
from pathlib import Path

FOLDER = ".thumbnails"
WIDTH = 320  # pixels; shown at about half that, so sharp on high-density screens

_PDFIUM = threading.Lock()  # pdfium is not thread-safe


class Thumbnails:
    def __init__(self, out: Path):
        self.out = out
        self.folder = out / FOLDER

    def path(self, sha256: str) -> Path:
        return self.folder / f"{sha256}.png"

    def get(self, rel: str, sha256: str) -> bytes:
        """The PNG of page 1 of out/rel, from the cache or rendered now."""
        cached = self.path(sha256)
        try:
            return cached.read_bytes()
        except OSError:
            pass
        data = render_page_one(self.out / rel)
        self._store(cached, data)
        return data

    def _store(self, target: Path, data: bytes) -> None:
        """Atomically (a temporary name beside it, then rename), so a reader never sees half."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            part = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}.part")
            part.write_bytes(data)
            os.replace(part, target)
        except OSError:
            pass  # a read-only output folder: thumbnails are rendered each time instead

    def sweep(self, keep: set[str]) -> None:
        """Remove thumbnails of PDFs that are no longer in the build."""
        if not self.folder.is_dir():
            return
        for path in self.folder.iterdir():
            if path.suffix == ".png" and path.stem not in keep:
                path.unlink(missing_ok=True)


def render_page_one(pdf: Path, width: int = WIDTH) -> bytes:
    import pypdfium2 as pdfium
    with _PDFIUM:
        doc = pdfium.PdfDocument(str(pdf))
        try:
            page = doc[0]
            image = page.render(scale=width / page.get_width()).to_pil()
            page.close()
        finally:
            doc.close()
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", optimize=True)
    return out.getvalue()
