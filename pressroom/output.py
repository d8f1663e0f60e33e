"""Writing results: atomic file replacement and the manifest."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from .errors import BuildLocked, OutputError


def _file_mode() -> int:
    """What a plain open() would give (mkstemp's 0600 would hide PDFs from other users)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_atomic(path: Path, data: bytes) -> None:
    """Write via a temp file in the same folder and rename, so readers never see half a PDF."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, _file_mode())
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def manifest_bytes(manifest: dict) -> bytes:
    return (json.dumps(manifest, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def read_manifest(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


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


def sweep_temp_files(folder: Path) -> None:
    """Remove temp files a killed build (SIGKILL leaves no chance to clean up) left behind."""
    for tmp in folder.rglob(".*.tmp"):
        tmp.unlink(missing_ok=True)


def remove_output(folder: Path, rel: str) -> None:
    path = folder / rel
    path.unlink(missing_ok=True)
    parent = path.parent
    while parent != folder and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent
