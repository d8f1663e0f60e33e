"""The desk's view of the build, kept current: the `--watch` machinery in a thread.

A content, layout or font change rebuilds what is stale. A build that fails keeps the last
good documents served and shows its problems on the page, as the build reports them.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from typing import Callable

from ..errors import ContentError, PressroomError, Problems
from ..build.output import interrupted, read_manifest
from ..personalise import Leaflets
from ..build.state import MANIFEST, Trees, up_to_date
from ..build.watch import stamps
from .catalogue import Document, documents
from .settings import DeskSettings
from .thumbnails import Thumbnails


@dataclass(frozen=True)
class Snapshot:
    """What the desk serves, swapped whole after each build."""

    generation: int = 0
    documents: tuple[Document, ...] = ()
    by_path: dict = field(default_factory=dict)
    leaflets: Leaflets | None = None
    problems: tuple[str, ...] = ()       # the last build's errors (the documents are the last good ones)
    clinic: str = ""
    languages: dict = field(default_factory=dict)  # code -> name in that language


class Live:
    def __init__(self, settings: DeskSettings, on_event: Callable[[str], None] | None = None):
        self.settings = settings
        self.say = on_event or (lambda line: None)
        self.lock = threading.RLock()   # ReportLab is not thread-safe: builds and copies take turns
        self.snapshot = Snapshot()
        self.thumbnails = Thumbnails(settings.paths.out)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._seen: dict = {}

    @property
    def folders(self):
        paths = self.settings.paths
        return [paths.content, paths.layouts, paths.fonts]

    def refresh(self) -> Snapshot:
        """Bring the build up to date (or load it, when it is) and serve the result."""
        paths = self.settings.paths
        old = self.snapshot
        self._seen = stamps(self.folders)  # what this build reads: later changes trigger the next
        try:
            with self.lock:
                the_plan = self._build()
        except ContentError as exc:
            problems = tuple(str(p) for p in exc.problems)
            self.say(f"error: the content has {len(problems)} problem(s); the desk shows them and "
                     "keeps serving the last good PDFs")
            self.snapshot = replace(old, generation=old.generation + 1, problems=problems)
            return self.snapshot
        except PressroomError as exc:
            self.snapshot = replace(old, generation=old.generation + 1, problems=(f"error: {exc}",))
            return self.snapshot
        entries = read_manifest(paths.out / MANIFEST).manifest.get("documents", [])
        docs = documents(entries, the_plan)
        self.snapshot = Snapshot(
            generation=old.generation + 1, documents=docs, by_path={d.path: d for d in docs},
            leaflets=Leaflets.of(the_plan), problems=(),
            clinic=the_plan.catalogues[0].clinic.name if the_plan.catalogues else "",
            languages=_language_names(paths, [c.lang for c in the_plan.catalogues]))
        return self.snapshot

    def _build(self):
        from ..build.pipeline import build, plan
        paths = self.settings.paths
        trees = Trees(paths.content, paths.layouts, paths.fonts)
        manifest = read_manifest(paths.out / MANIFEST).manifest
        if not interrupted(paths.out) and up_to_date(paths.out, manifest, trees):
            return plan(paths)

        def event(kind: str, entry: dict) -> None:
            if kind in ("built", "removed"):
                self.say(f"{kind} {paths.shown_out}/{entry['path']}")
        return build(paths, workers=1, on_event=event).plan

    def warm(self) -> None:
        """Render missing thumbnails and sweep those of PDFs no longer built."""
        snapshot = self.snapshot
        for doc in snapshot.documents:
            if self._stop.is_set():
                return
            try:
                self.thumbnails.get(doc.path, doc.sha256)
            except Exception:  # a PDF replaced while reading: the next request renders it
                pass
        if snapshot.documents:
            self.thumbnails.sweep({d.sha256 for d in snapshot.documents})

    def start(self) -> None:
        self._thread = threading.Thread(target=self._watch, name="pressroom-desk-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)

    def _watch(self) -> None:
        self.warm()
        while not self._stop.wait(self.settings.interval):
            if stamps(self.folders) != self._seen:
                self.say("inputs changed; rebuilding")
                self.refresh()
                self.warm()


def _language_names(paths, langs: list[str]) -> dict[str, str]:
    """Each language's own name, from its strings file (`language_name`), else its code."""
    from ..layout.strings import load_strings
    try:
        strings = load_strings(paths.layouts / "strings", "strings", langs, Problems(), [])
    except Exception:
        strings = {}
    own = {lang for lang in langs if (paths.layouts / "strings" / f"{lang}.yaml").is_file()}
    return {lang: (strings[lang].words.get("language_name") if lang in strings and lang in own else None)
            or lang for lang in langs}
