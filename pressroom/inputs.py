"""Input trees (content, layouts, fonts): which files they hold, and reading those files.

Content may come from a pull request, so nothing outside a tree may reach a PDF, a
report or a message: only regular files whose real path (symlinks resolved) lies inside
the tree are listed or read, each under a size limit, and a pipe or device is never
opened for reading. Every read of an input file goes through this module.
"""

from __future__ import annotations

import hashlib
import os
import stat
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from . import limits
from .errors import Problem

_CHUNK = 1 << 20


class Refused(Exception):
    """A file that may not be read; the message says why and what to do."""


def _inside(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def _ignored(name: str) -> bool:
    """Hidden files (editor swap files, .DS_Store, .git) and caches are never inputs."""
    return name.startswith(".") or name == "__pycache__"


@dataclass(frozen=True)
class Listing:
    """The regular files of one input tree, as posix paths relative to its root."""

    root: Path
    shown: str
    files: tuple[str, ...]
    folders: tuple[str, ...]
    problems: tuple[Problem, ...]

    @cached_property
    def _files(self) -> frozenset[str]:
        return frozenset(self.files)

    def has(self, rel: str) -> bool:
        return rel in self._files

    def children(self, folder: str) -> list[str]:
        """Files directly inside `folder` ("" for the root), sorted."""
        prefix = f"{folder}/" if folder else ""
        return [f for f in self.files if f.startswith(prefix) and "/" not in f[len(prefix):]]

    def under(self, folder: str) -> list[str]:
        return [f for f in self.files if f.startswith(f"{folder}/")]

    def top_folders(self) -> list[str]:
        return [f for f in self.folders if "/" not in f]

    def path(self, rel: str) -> Path:
        return self.root / rel


def list_tree(root: Path, shown: str) -> Listing:
    """Walk a tree without following folder links; everything odd is a located problem."""
    files: list[str] = []
    folders: list[str] = []
    problems: list[Problem] = []
    real_root = os.path.realpath(root)
    shown = shown.rstrip("/")

    def problem(rel: str, message: str) -> None:
        problems.append(Problem(f"{shown}/{rel}" if rel else shown, 0, message))

    def walk(folder: str, rel: str, depth: int) -> None:
        if depth > limits.MAX_DEPTH:
            problem(rel, f"folders nest deeper than {limits.MAX_DEPTH} levels; flatten the tree")
            return
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            problem(rel, f"cannot read this folder: {exc.strerror}; check its permissions")
            return
        for entry in entries:
            if _ignored(entry.name):
                continue
            try:
                entry.name.encode("utf-8")
            except UnicodeEncodeError:
                shown_name = entry.name.encode("utf-8", "surrogateescape").decode("ascii", "backslashreplace")
                problem(f"{rel}/{shown_name}".lstrip("/"), "this file name is not UTF-8 text; rename it")
                continue
            child = f"{rel}/{entry.name}" if rel else entry.name
            if len(files) >= limits.MAX_FILES:
                problem("", f"more than {limits.MAX_FILES} files; keep only the inputs in this folder")
                return
            try:
                if entry.is_symlink():
                    message = _link_problem(entry.path, real_root, shown)
                    if message:
                        problem(child, message)
                    else:
                        files.append(child)
                elif entry.is_dir(follow_symlinks=False):
                    folders.append(child)
                    walk(entry.path, child, depth + 1)
                elif entry.is_file(follow_symlinks=False):
                    size = entry.stat(follow_symlinks=False).st_size
                    if size > limits.MAX_OTHER_BYTES:
                        problem(child, f"this file is {_size(size)}; an input file may be at most "
                                f"{_size(limits.MAX_OTHER_BYTES)}: move it out of {shown}")
                    else:
                        files.append(child)
                else:
                    problem(child, "not a regular file (a pipe, socket or device); remove it")
            except OSError as exc:
                problem(child, f"cannot read: {exc.strerror}")

    if not os.path.isdir(root):
        return Listing(root, shown, (), (), ())
    walk(str(root), "", 0)
    return Listing(root, shown, tuple(files), tuple(folders), tuple(problems))


def _link_problem(path: str, real_root: str, shown: str) -> str | None:
    """Why a symbolic link inside a tree may not be followed, or None when it may."""
    target = os.path.realpath(path)
    if not _inside(target, real_root):
        return (f"a symbolic link to something outside {shown}; nothing outside the tree is "
                "read: put the file itself here")
    if os.path.isdir(target):
        return "a symbolic link to a folder; use a real folder"
    if not os.path.isfile(target):
        return "a symbolic link to something that is not a regular file; remove it"
    return None


def _open_checked(path: Path, root: Path | None, limit: int) -> tuple[int, int]:
    """An open descriptor on a regular file inside root, and its size; raises Refused."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise Refused("not found") from None
    except OSError as exc:
        raise Refused(f"cannot read: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Refused("not a regular file (a folder, pipe or device); give a file")
        if root is not None:
            real = _real_path(fd, path)
            if not _inside(real, os.path.realpath(root)):
                raise Refused("lies outside its folder (a symbolic link?); nothing outside the "
                              "input folders is read: put the file itself there")
        if info.st_size > limit:
            raise Refused(f"is {_size(info.st_size)}; at most {_size(limit)} is allowed")
        return fd, info.st_size
    except BaseException:
        os.close(fd)
        raise


def _real_path(fd: int, path: Path) -> str:
    """Where the open file really is (no window for a link swapped after the check)."""
    try:
        return os.readlink(f"/proc/self/fd/{fd}")
    except OSError:
        return os.path.realpath(path)


def read_bytes(path: Path, root: Path | None, limit: int) -> bytes:
    """The file's bytes, if it is a regular file inside root no larger than limit."""
    fd, size = _open_checked(path, root, limit)
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise Refused(f"is larger than {_size(limit)}")
    return data


def hash_file(path: Path, root: Path | None = None, limit: int = limits.MAX_OTHER_BYTES) -> str:
    """sha256 read in chunks, so a large file never sits in memory whole."""
    return hash_and_stat(path, root, limit)[0]


def hash_and_stat(path: Path, root: Path | None = None,
                  limit: int = limits.MAX_OTHER_BYTES) -> tuple[str, os.stat_result]:
    """`hash_file`, with the file's status taken before it was read (see state.DigestCache)."""
    fd, _ = _open_checked(path, root, limit)
    info = os.fstat(fd)
    digest = hashlib.sha256()
    with os.fdopen(fd, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest(), info


def file_status(path: Path) -> os.stat_result | None:
    """The status of the file a path leads to (links followed), None when there is none;
    nothing is read."""
    try:
        return os.stat(path)
    except (OSError, ValueError):
        return None
