"""The exception tree. Library code raises; only `cli` prints and exits."""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one input, located so an author can jump to it."""

    path: str
    line: int
    message: str
    field: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"
        return one_line(text)


def one_line(text: str) -> str:
    """Control characters and line breaks shown as escapes (a file may be named "a\\nb"), so a
    problem is always one line of output."""
    return "".join(ch.encode("unicode_escape").decode("ascii")
                   if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text)


def warning(path: str, line: int, message: str) -> Problem:
    """A problem that does not stop the build (unless --strict): printed `path:line: warning: …`."""
    return Problem(str(path), line, f"warning: {message}")


class PressroomError(Exception):
    """Base of every error the command line reports without a traceback."""


class ContentError(PressroomError):
    """Bad content or layout: carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems))
        super().__init__("\n".join(str(p) for p in self.problems))


class OutputError(PressroomError):
    """The output folder cannot be used (not a folder, cannot be created)."""


class Interrupted(PressroomError):
    """Ctrl-C or TERM arrived; the message says what state the output was left in."""


class BuildLocked(OutputError):
    """Another build holds the output folder."""


class Problems:
    """Collects problems across files so a build reports them all at once; warnings found on
    the way are kept apart, since they do not stop the build."""

    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.warnings: list[Problem] = []

    def add(self, path: str, line: int, message: str, field: str = "") -> None:
        self.items.append(Problem(str(path), line, message, field))

    def warn(self, path: str, line: int, message: str) -> None:
        self.warnings.append(warning(path, line, message))

    def extend(self, other: "Problems | list[Problem]") -> None:
        self.items.extend(other.items if isinstance(other, Problems) else other)

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_if_any(self) -> None:
        if self.items:
            raise ContentError(self.items)


def closest(key: str, names) -> str | None:
    """The name a typo of `key` most likely meant, if any is close."""
    close = difflib.get_close_matches(key, sorted(names), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(key: str, allowed, none: str = "") -> str:
    """The hint appended to an unknown-name error: the closest allowed name, else the list of
    them, else `none` (words for "there is nothing to choose from"), never an empty list."""
    if not allowed:
        return none
    close = closest(key, allowed)
    return f"; did you mean {close!r}?" if close else f"; allowed: {', '.join(sorted(allowed))}"
