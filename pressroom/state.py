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

def _code_digest() -> str:
    """The generator's own code and data, so a changed renderer rebuilds what it made."""
    root = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".txt") and p.is_file()):
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

    def labelled(self) -> list[tuple[str, Path]]:
        return [("content", self.content), ("layouts", self.layouts), ("fonts", self.fonts)]

    @cached_property
    def _resolved(self) -> list[tuple[str, Path]]:
        return [(name, root.resolve()) for name, root in self.labelled()]

    def label(self, path: Path) -> str:
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
                self._cache[path] = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError:
                self._cache[path] = "missing"
        return self._cache[path]


def input_files(trees: Trees) -> list[Path]:
    files = []
    for _, root in trees.labelled():
        if root.is_dir():
            files.extend(p for p in root.rglob("*") if p.is_file() and not _hidden(p, root))
    return sorted(files)


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") or part == "__pycache__" for part in path.relative_to(root).parts)


def tree_hash(trees: Trees, hasher: Hasher) -> str:
    """One hash over every input file and the generator's version."""
    digest = hashlib.sha256(GENERATOR.encode())
    for path in input_files(trees):
        digest.update(trees.label(path).encode() + b"\0" + hasher.file(path).encode())
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
    return (bool(docs) and manifest.get("generator") == GENERATOR
            and manifest.get("tree") == tree_hash(trees, hasher)
            and all(output_intact(out, e, hasher) for e in docs))
