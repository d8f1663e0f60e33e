"""What the last build made and from what: input hashes, staleness, the no-change fast path.

Standard library only, so `python generate.py` with nothing to do answers before
ReportLab is even imported.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from . import __version__
from .inputs import Listing, Refused, hash_file, list_tree

def _code_digest() -> str:
    """The generator's own code and data, so a changed renderer rebuilds what it made (the
    print desk's web code makes no PDF of the catalogue, so it is left out)."""
    root = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".txt") and p.is_file()
                       and p.relative_to(root).parts[0] != "desk"):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


GENERATOR = f"pressroom {__version__}+{_code_digest()}"
MANIFEST = "manifest.json"
REPORT = "report.html"


@dataclass(frozen=True)
class Trees:
    """The input folders, each hashed under a stable label (never an absolute path)."""

    content: Path
    layouts: Path
    fonts: Path
    shown: tuple[str, str, str] = ("content", "layouts", "fonts")  # how messages name them

    def labelled(self) -> list[tuple[str, Path]]:
        return [("content", self.content), ("layouts", self.layouts), ("fonts", self.fonts)]

    @cached_property
    def listings(self) -> dict[str, Listing]:
        """Each tree walked once per run; the build and the no-change check share it."""
        return {name: list_tree(root, shown)
                for (name, root), shown in zip(self.labelled(), self.shown)}

    @cached_property
    def _resolved(self) -> list[tuple[str, Path]]:
        return [(name, root.resolve()) for name, root in self.labelled()]

    @cached_property
    def _labels(self) -> dict[Path, str]:
        return {}

    def label(self, path: Path) -> str:
        """Each path resolved once per run: every document of a layout names the same fonts,
        strings and layout files."""
        label = self._labels.get(path)
        if label is None:
            label = self._labels[path] = self._label(path)
        return label

    def _label(self, path: Path) -> str:
        path = path.resolve()
        for name, root in self._resolved:
            if path.is_relative_to(root):
                return f"{name}/{path.relative_to(root).as_posix()}"
        return path.name


class Hasher:
    """sha256 of files, each read once per run."""

    def __init__(self) -> None:
        self._cache: dict[Path, str] = {}

    def file(self, path: Path) -> str:
        if path not in self._cache:
            try:
                self._cache[path] = hash_file(path)
            except Refused:
                self._cache[path] = "missing"
        return self._cache[path]


def tree_hash(trees: Trees, hasher: Hasher) -> str | None:
    """One hash over every input file (by its label, never its absolute path) and the
    generator's version; None when a tree holds something the build would refuse."""
    digest = hashlib.sha256(GENERATOR.encode())
    for name, listing in trees.listings.items():
        if listing.problems:
            return None
        for rel in listing.files:
            digest.update(f"{name}/{rel}".encode() + b"\0" + hasher.file(listing.path(rel)).encode())
    return digest.hexdigest()


def inputs_of(paths, trees: Trees, hasher: Hasher) -> dict[str, str]:
    """Per-document input record for the manifest: label -> sha256."""
    record = {trees.label(p): hasher.file(p) for p in paths}
    record["generator"] = GENERATOR
    return dict(sorted(record.items()))


def output_intact(out: Path, entry: dict, hasher: Hasher) -> bool:
    path = out / entry["path"]
    return path.is_file() and hasher.file(path) == entry.get("sha256")


def up_to_date(out: Path, manifest: dict, trees: Trees) -> bool:
    """True when nothing changed since the manifest was written and every PDF is intact."""
    hasher = Hasher()
    docs = manifest.get("documents")
    tree = tree_hash(trees, hasher)
    return (bool(docs) and tree is not None and manifest.get("generator") == GENERATOR
            and manifest.get("tree") == tree
            and all(output_intact(out, e, hasher) for e in docs))
