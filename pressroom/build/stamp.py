"""The no-change answer without reading or hashing a file, as make and git answer it: the
status (size, mtime, ctime, inode, device) of every input file and folder, every file of
pressroom's own code and every PDF, as they were when a full check last found the build
current. If every status is still the same, nothing changed since, and the full check (which
hashes) would say so again.

A folder's status moves when an entry is added, removed or renamed in it, so no tree is
walked to answer: one stat per recorded path. The answer is given before argparse, ReportLab
or even hashlib is imported; so this module uses the standard library's os and sys only.

Only what cannot change unseen is recorded (otherwise no stamp is written, and the full
check answers as before):
- no links inside the trees (a link's status says nothing of its target);
- every file and folder settled: its mtime and ctime at least a clock tick older than the
  moment its status was taken, so a later change lands on a later tick and moves them.
  Fine-grained timestamps tick at most every 10 ms; whole-millisecond ones (FAT, some
  network file systems) may tick every 2 s.
"""

from __future__ import annotations

import os
import stat
import sys
import time

from .. import __version__, limits

STAMP = ".pressroom-stamp"
_MAGIC = b"pressroom-stamp 1"
_TICK_NS = 20_000_000          # comfortably more than a kernel tick (1-10 ms)
_COARSE_TICK_NS = 3_000_000_000


def _package() -> str:
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _key(roots: list[str], out) -> list[bytes]:
    """What else the answer depends on: the folders as given, this pressroom and Python."""
    folders = [os.path.abspath(p) for p in (*roots, out, _package())]
    return [os.fsencode(part) for part in (*folders, __version__, sys.executable, str(sys.hexversion))]


def _status(info: os.stat_result | None) -> bytes:
    if info is None:
        return b"-"  # absent, and recorded as such (the build folder's staging area)
    return b"%d %d %d %d %d" % (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


def _stat(path: bytes, follow: bool) -> os.stat_result | None:
    try:
        return os.stat(path, follow_symlinks=follow)
    except FileNotFoundError:
        return None


def _settled(info: os.stat_result | None, now: int) -> bool:
    if info is None:
        return True
    newest = max(info.st_mtime_ns, info.st_ctime_ns)
    coarse = info.st_mtime_ns % 1_000_000 == 0 and info.st_ctime_ns % 1_000_000 == 0
    return newest < now - (_COARSE_TICK_NS if coarse else _TICK_NS)


class Snapshot:
    """The status of the inputs, the code and the build's files, each taken before the run
    reads it; `entries` is None when something cannot be trusted to show a change."""

    def __init__(self, roots: list):
        self.roots = [os.fspath(r) for r in roots]
        self.taken = time.time_ns()
        self.entries: list[tuple[bytes, bytes]] | None = []
        self.pdfs = 0
        try:
            for root in self.roots:  # a root may be a link: stat-ed through, as the build reads it
                self._add(os.fsencode(os.path.abspath(root)), os.stat(root))
            package = os.fsencode(_package())
            self._add(package, os.stat(package, follow_symlinks=False))
        except (OSError, _Untrusted):
            self.entries = None

    def _add(self, path: bytes, info: os.stat_result | None, depth: int = 0, walk: bool = True) -> None:
        if (self.entries is None or not _settled(info, self.taken) or depth > limits.MAX_DEPTH
                or len(self.entries) > 2 * limits.MAX_FILES):
            raise _Untrusted
        self.entries.append((path, _status(info)))
        if walk and info is not None and stat.S_ISDIR(info.st_mode):
            with os.scandir(path) as it:
                for entry in it:
                    if entry.is_symlink():
                        raise _Untrusted
                    if entry.name != b"__pycache__":  # bytecode Python writes as it runs
                        self._add(entry.path, entry.stat(follow_symlinks=False), depth + 1)

    def outputs(self, out, rels: list[str]) -> None:
        """The build's own files (relative to `out`), before they are read: PDFs, manifest,
        and the staging area, recorded absent (a build killed after its commit point)."""
        try:
            for rel in rels:
                where = os.fsencode(os.path.join(out, rel))
                self._add(where, _stat(where, follow=False), walk=False)
        except (OSError, _Untrusted):
            self.entries = None
        self.pdfs += sum(rel.endswith(".pdf") for rel in rels)


class _Untrusted(Exception):
    pass


def write(out, snapshot: Snapshot) -> None:
    """Record that the build in `out` was found current; a stamp that cannot be trusted is
    not written, and the last one goes."""
    path = os.path.join(out, STAMP)
    if not snapshot.entries:
        try:
            os.unlink(path)
        except OSError:
            pass
        return
    body = b"\0".join([_MAGIC, *_key(snapshot.roots, out), b"%d" % snapshot.pdfs]
                      + [part for record in snapshot.entries for part in record])
    temporary = f"{path}.{os.getpid()}.tmp"
    try:
        with open(temporary, "wb") as f:
            f.write(body)
        os.replace(temporary, path)
    except OSError:  # a cache: a read-only or full disk only means the full check next time
        try:
            os.unlink(temporary)
        except OSError:
            pass


def current(roots: list, out) -> int | None:
    """The number of PDFs when the stamp in `out` shows nothing changed since it was
    written, else None (the full check must answer)."""
    roots = [os.fspath(r) for r in roots]
    try:
        with open(os.path.join(out, STAMP), "rb") as f:
            parts = f.read().split(b"\0")
    except OSError:
        return None
    key = _key(roots, out)
    first = len(key) + 2  # magic, key, number of PDFs, then (path, status) pairs
    if (len(parts) < first + 2 or (len(parts) - first) % 2 or parts[0] != _MAGIC or parts[1:first - 1] != key
            or not parts[first - 1].isdigit()):
        return None
    linked = {os.fsencode(os.path.abspath(root)) for root in roots}
    for at in range(first, len(parts), 2):
        try:  # the roots are stat-ed through a link, as the snapshot took them
            info = _stat(parts[at], follow=parts[at] in linked)
        except OSError:
            return None
        if _status(info) != parts[at + 1]:
            return None
    return int(parts[first - 1])
