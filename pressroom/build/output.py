"""Writing results: the whole build's files switched in as one commit, and the manifest.

A build stages every new file in a folder of its own inside `--out`, then writes a
journal naming what goes where, then moves the files into place, the manifest last. The
journal is the commit point: a build killed before it leaves the old files as they were,
one killed after it is completed by the next run (any run: it is the first thing a build
does under the lock). The manifest is input too, and never makes the build touch a file
outside `--out` or one the build did not make.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .. import limits
from ..errors import BuildLocked, OutputError

STAGING = ".pressroom-staging"  # the only name under --out a build ever sweeps
_JOURNAL = "switch.json"
_NEW = "new"
_HEX64 = re.compile(r"[0-9a-f]{64}")
_PATH_MAX = 4096


def _file_mode() -> int:
    """What a plain open() would give (mkstemp's 0600 would hide PDFs from other users)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def _write(path: Path, data: bytes, sync: bool = True) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, _file_mode())
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        if sync:
            handle.flush()
            os.fsync(handle.fileno())


def write_cache(path: Path, data: bytes) -> None:
    """A file only kept to save work (state.DigestCache): written whole under a name of its
    own, then renamed into place, so a reader never sees half of it; no fsync, and a folder
    that cannot be written only costs the saving."""
    part = path.with_name(f"{path.name}.{os.getpid()}.part")
    try:
        _write(part, data, sync=False)
        os.replace(part, path)
    except OSError:
        try:
            part.unlink(missing_ok=True)
        except OSError:
            pass


def manifest_bytes(manifest: dict) -> bytes:
    return (json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


# the manifest, read as untrusted input -------------------------------------------

@dataclass(frozen=True)
class ManifestRead:
    manifest: dict           # {"generator", "tree", "documents": [valid entries],
                             #  "files": {path: sha256} of the other files a build wrote (the change report)}
    problem: str | None      # why some or all of it was ignored


def safe_relative(rel) -> bool:
    """A plain relative posix path that stays inside the folder it is joined to."""
    if not isinstance(rel, str) or not rel or rel.startswith("/") or "\\" in rel:
        return False
    parts = rel.split("/")
    return all(p not in ("", ".", "..") and p.isprintable() for p in parts)


def valid_preflight(summary) -> bool:
    """A press file's preflight summary of the shape `preflight.preflight` writes (the
    manifest is untrusted: anything else is rebuilt, never shown)."""
    def strings(value) -> bool:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)

    def number(value) -> bool:
        return isinstance(value, (int, float)) and not isinstance(value, bool)

    return (isinstance(summary, dict)
            and set(summary) == {"boxes", "inks", "max_ink", "ink_limit", "images", "fonts", "colour", "warnings"}
            and isinstance(summary["boxes"], dict)
            and all(isinstance(k, str) and isinstance(v, dict) and all(
                isinstance(n, str) and isinstance(b, list) and len(b) == 4 and all(map(number, b))
                for n, b in v.items()) for k, v in summary["boxes"].items())
            and strings(summary["inks"]) and strings(summary["fonts"]) and strings(summary["warnings"])
            and number(summary["max_ink"]) and number(summary["ink_limit"]) and isinstance(summary["colour"], str)
            and isinstance(summary["images"], list) and all(
                isinstance(i, dict) and set(i) == {"pixels", "placed_in", "ppi", "colour_space"}
                and number(i["ppi"]) and isinstance(i["colour_space"], str)
                and all(isinstance(i[k], list) and len(i[k]) == 2 and all(map(number, i[k]))
                        for k in ("pixels", "placed_in")) for i in summary["images"]))


def read_manifest(path: Path) -> ManifestRead:
    """The last build's manifest; entries that could point anywhere odd are dropped."""
    if not path.exists():
        return ManifestRead({}, None)
    try:
        from ..inputs import read_bytes
        data = json.loads(read_bytes(path, path.parent, 64 * 1024 * 1024).decode("utf-8"))
    except Exception:  # unreadable, not UTF-8, not JSON: all mean "not ours"
        return ManifestRead({}, "is not a readable pressroom manifest; it is replaced, and no PDF "
                            "it listed is removed")
    if not isinstance(data, dict) or not isinstance(data.get("documents", []), list):
        return ManifestRead({}, "is not a pressroom manifest (expected a mapping with a list of "
                            "documents); it is replaced, and no PDF it listed is removed")
    docs, dropped, seen = [], 0, set()
    for entry in data.get("documents", []):
        ok = (isinstance(entry, dict) and safe_relative(entry.get("path"))
              and entry["path"].endswith(".pdf") and entry["path"] not in seen
              and isinstance(entry.get("sha256"), str) and _HEX64.fullmatch(entry["sha256"]))
        if ok:
            if "preflight" in entry and not valid_preflight(entry["preflight"]):
                entry = {k: v for k, v in entry.items() if k != "preflight"}
            docs.append(entry)
            seen.add(entry["path"])
        else:
            dropped += 1
    files = data.get("files")
    files = {rel: sha for rel, sha in files.items() if safe_relative(rel) and isinstance(sha, str)
             and _HEX64.fullmatch(sha)} if isinstance(files, dict) else {}
    manifest = {"generator": data.get("generator"), "tree": data.get("tree"), "documents": docs,
                "files": files}
    problem = (f"has {dropped} entr{'y' if dropped == 1 else 'ies'} without a plain relative "
               "path to a PDF and its sha256; they are ignored" if dropped else None)
    return ManifestRead(manifest, problem)


# the output folder ---------------------------------------------------------------

def check_out_folder(out: Path, inputs: list[Path]) -> None:
    """Refuse an output folder the build could damage: the file system root, or one
    equal to or inside an input tree (a build there would list and remove inputs)."""
    real = Path(os.path.realpath(out))
    if real == Path(real.anchor):
        raise OutputError(f"--out {out} is the root of the file system; give a folder of its own")
    for tree in inputs:
        tree_real = Path(os.path.realpath(tree))
        if real == tree_real or real.is_relative_to(tree_real):
            raise OutputError(f"--out {out} is inside the input folder {tree}; build into a "
                              "folder of its own (the default is brochures/)")


def output_name_problem(out: Path, rel: str) -> str | None:
    """Why a file cannot be written at out/rel (checked for every file before any is)."""
    if not safe_relative(rel) or any(ord(c) < 0x20 for c in rel):
        return f"the output name {rel!r} is not a plain file name"
    try:
        name_max = os.pathconf(out, "PC_NAME_MAX") if out.exists() else limits.MAX_NAME_BYTES
    except (OSError, ValueError):
        name_max = limits.MAX_NAME_BYTES
    for part in rel.split("/"):
        size = len(part.encode("utf-8"))
        if size > min(name_max, limits.MAX_NAME_BYTES):
            return (f"the output file name {part[:40]}… is {size} bytes long; file systems allow "
                    f"{min(name_max, limits.MAX_NAME_BYTES)}: shorten the file name")
    longest = len(os.fsencode(os.path.realpath(out))) + len(f"/{STAGING}/{_NEW}/{rel}".encode())
    if longest >= _PATH_MAX:
        return f"the output path for {rel} would be {longest} bytes long; use a shorter --out"
    return None


class OutputLock:
    """An exclusive lock on an output folder, so two builds cannot interleave their writes."""

    NAME = ".pressroom.lock"

    def __init__(self, folder: Path):
        self.folder = folder
        self._handle = None

    def __enter__(self) -> "OutputLock":
        import fcntl
        if self.folder.exists() and not self.folder.is_dir():
            raise OutputError(f"{self.folder} is a file, not a folder; give --out a folder")
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot create the output folder {self.folder}: {exc.strerror}") from None
        self._handle = open(self.folder / self.NAME, "a+")
        try:
            fcntl.flock(self._handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._handle.close()
            raise BuildLocked(f"another build is writing to {self.folder}; wait for it to finish "
                               "or build into another --out folder") from None
        return self

    def __exit__(self, *exc) -> None:
        import fcntl
        fcntl.flock(self._handle, fcntl.LOCK_UN)
        self._handle.close()


# the commit ----------------------------------------------------------------------

def interrupted(out: Path) -> bool:
    """A build was killed after its commit point: the folder is half switched."""
    return (out / STAGING / _JOURNAL).is_file()


class Staging:
    """Every file of one build, written beside the output before any output changes."""

    def __init__(self, out: Path):
        self.out, self.root = out, out / STAGING
        self.put: list[str] = []

    def __enter__(self) -> "Staging":
        shutil.rmtree(self.root, ignore_errors=True)
        self.root.mkdir()
        return self

    def __exit__(self, kind, exc, tb) -> None:
        if kind is not None and not interrupted(self.out):  # failed before the commit point
            shutil.rmtree(self.root, ignore_errors=True)

    def add(self, rel: str, data: bytes) -> None:
        try:
            _write(self.root / _NEW / rel, data, sync=False)  # made durable together in commit
        except OSError as exc:
            raise OutputError(f"cannot write {rel} in {self.out}: {exc.strerror}; nothing was "
                              "changed") from None
        self.put.append(rel)

    def commit(self, remove: list[str]) -> None:
        """Write the journal (the commit point), then switch everything in."""
        journal = {"put": self.put, "remove": remove}
        _sync_staged(self.root, [self.root / _NEW / rel for rel in self.put])
        _write(self.root / (_JOURNAL + ".part"), json.dumps(journal).encode())
        with _signals_held():
            os.replace(self.root / (_JOURNAL + ".part"), self.root / _JOURNAL)
            _fsync_dir(self.root)
            _switch(self.out)


def recover(out: Path) -> str | None:
    """Finish or discard what a killed build left; says which, or None if nothing was left."""
    staging = out / STAGING
    if not staging.exists():
        return None
    if interrupted(out):
        with _signals_held():
            _switch(out)
        return "completed the switch of a build that was interrupted while writing"
    shutil.rmtree(staging, ignore_errors=True)
    return None


def _switch(out: Path) -> None:
    """Move staged files into place (the manifest is staged last, so it lands last), remove
    what the journal says, then drop the staging folder. Safe to run again after a kill."""
    staging = out / STAGING
    try:
        journal = json.loads((staging / _JOURNAL).read_text(encoding="utf-8"))
        put, remove = list(journal["put"]), list(journal["remove"])
    except (OSError, ValueError, KeyError, TypeError):
        shutil.rmtree(staging, ignore_errors=True)  # not a journal we wrote: nothing to finish
        return
    for rel in put:
        if not safe_relative(rel):
            continue
        source = staging / _NEW / rel
        if source.is_file():
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, out / rel)
    for rel in remove:
        if safe_relative(rel):
            _remove_output(out, rel)
    _fsync_dir(out)
    shutil.rmtree(staging, ignore_errors=True)


def removable(out: Path, rel: str, sha256: str, hash_file) -> bool:
    """Only a PDF inside out (after links) that is still exactly what a build wrote."""
    path = out / rel
    real_out = os.path.realpath(out)
    if not os.path.realpath(path).startswith(real_out.rstrip(os.sep) + os.sep):
        return False
    try:
        return path.is_file() and not path.is_symlink() and hash_file(path) == sha256
    except Exception:
        return False


def _remove_output(folder: Path, rel: str) -> None:
    path = folder / rel
    path.unlink(missing_ok=True)
    parent = path.parent
    while parent != folder and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent


def _sync_staged(root: Path, files: list[Path]) -> None:
    """Every staged file on disk, names included, before the journal may name them: one
    syncfs(2) of the staging folder's file system (Linux) instead of an fsync per file;
    where there is no syncfs, each file and folder is fsynced as before."""
    try:
        fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        fd = -1
    if fd >= 0:
        try:
            if _syncfs(fd):
                return
        finally:
            os.close(fd)
    for path in files:
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
    for folder in sorted({path.parent for path in files} | {root}, key=lambda p: -len(p.parts)):
        _fsync_dir(folder)


def _syncfs(fd: int) -> bool:
    """syncfs(fd) through libc; False where there is none (not Linux) or it failed."""
    import ctypes
    try:
        return ctypes.CDLL(None, use_errno=True).syncfs(fd) == 0
    except (OSError, AttributeError):
        return False


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def _signals_held():
    """Ctrl-C or a TERM during the switch waits until it is done, so an interrupt never
    leaves a mix; it is delivered (as KeyboardInterrupt) as soon as the switch ends."""
    held = {signal.SIGINT, signal.SIGTERM}
    try:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    except (AttributeError, ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)
