"""What the last build made and from what: input hashes, staleness, the no-change fast path.

Standard library only, so `python generate.py` with nothing to do answers before
ReportLab is even imported.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from .. import __version__
from ..inputs import Listing, Refused, file_status, hash_and_stat, list_tree, read_bytes

def _code_digest() -> str:
    """The generator's own code and data, so a changed renderer rebuilds what it made (the
    print desk's web code makes no PDF of the catalogue, so it is left out)."""
    root = Path(__file__).parent.parent  # the whole package, not just build/
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".txt") and p.is_file()
                       and p.relative_to(root).parts[0] != "desk"):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


GENERATOR = f"pressroom {__version__}+{_code_digest()}"
MANIFEST = "manifest.json"
REPORT = "report.html"
DIGESTS = ".pressroom-digests.json"  # DigestCache's file in the output folder (hidden: not a result)


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


class DigestCache:
    """sha256 of files by their status, kept in the output folder between runs, so that
    "nothing changed" needs no reading of 30 MB of fonts and every PDF on each run.

    A file's entry holds (size, mtime_ns, ctime_ns, inode, device) and its digest, and is
    used only while all five are unchanged. ctime cannot be set back by tools that keep a
    file's mtime (cp -p, rsync -t, touch -d): any write or rename of the file moves it on.
    Timestamps are coarse (a clock tick, up to 2 s on some file systems), so a file changed
    twice within one tick could keep its status; an entry is therefore only recorded for a
    file whose mtime and ctime were already SETTLE_NS old when this run began: a later change
    then lands on a later tick and is seen. A fresh file is hashed again until it settles.
    A missing, unreadable or foreign cache file only means hashing everything.
    """

    SETTLE_NS = 3_000_000_000
    _HEX64 = re.compile(r"[0-9a-f]{64}")

    def __init__(self, path: Path | None):
        self.path = path
        self.started = time.time_ns()  # before any file is looked at
        self._known = self._load()
        self._used: dict[str, list] = {}

    def _load(self) -> dict[str, list]:
        if self.path is None or file_status(self.path) is None:
            return {}
        try:
            data = json.loads(read_bytes(self.path, self.path.parent, 64 * 1024 * 1024))
            entries = data["files"] if data.get("version") == 1 else {}
        except (Refused, ValueError, TypeError, AttributeError, KeyError):
            return {}
        if not isinstance(entries, dict):
            return {}
        return {key: entry for key, entry in entries.items()
                if isinstance(entry, list) and len(entry) == 6
                and all(type(n) is int for n in entry[:5])
                and isinstance(entry[5], str) and self._HEX64.fullmatch(entry[5])}

    @staticmethod
    def _status(info: os.stat_result) -> list[int]:
        return [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev]

    def known(self, path: Path) -> str | None:
        """The digest recorded for this file, if it is unchanged since."""
        key = os.path.abspath(path)
        entry = self._known.get(key)
        if entry is None:
            return None
        info = file_status(path)
        if info is None or self._status(info) != entry[:5]:
            return None
        self._used[key] = entry
        return entry[5]

    def record(self, path: Path, digest: str, info: os.stat_result) -> None:
        if max(info.st_mtime_ns, info.st_ctime_ns) < self.started - self.SETTLE_NS:
            self._used[os.path.abspath(path)] = self._status(info) + [digest]

    def save(self) -> None:
        """Keep the entries of the files this run looked at (when they differ from the file's)."""
        if self.path is None or self._used == self._known:
            return
        from .output import write_cache
        write_cache(self.path, json.dumps({"version": 1, "files": dict(sorted(self._used.items()))},
                                          separators=(",", ":")).encode())


class Hasher:
    """sha256 of files, each read once per run (and not at all when `digests` knows it)."""

    def __init__(self, digests: DigestCache | None = None) -> None:
        self._cache: dict[Path, str] = {}
        self.digests = digests

    def file(self, path: Path) -> str:
        if path not in self._cache:
            digest = self.digests.known(path) if self.digests else None
            if digest is None:
                try:
                    digest, info = hash_and_stat(path)
                    if self.digests:
                        self.digests.record(path, digest, info)
                except Refused:
                    digest = "missing"
            self._cache[path] = digest
        return self._cache[path]

    def save(self) -> None:
        if self.digests:
            self.digests.save()


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
    docs = manifest.get("documents")
    if not docs or manifest.get("generator") != GENERATOR:
        return False
    hasher = Hasher(DigestCache(out / DIGESTS))
    tree = tree_hash(trees, hasher)
    if tree is None or manifest.get("tree") != tree or not all(output_intact(out, e, hasher) for e in docs):
        return False
    hasher.save()  # every file was looked at: the cache now holds exactly these
    return True
