"""Messages for authors: every problem is one line `path:line: field: what is wrong`, exit 1,
no traceback, no ReportLab internals; warnings say `warning:` and --strict makes them errors."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import REPO

DISC = "procedures/discectomy.yaml"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, text: str) -> int:
    """The 1-based line of the first line of `path` containing `text`."""
    return next(i for i, ln in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in ln)


def layouts_of(tmp_path: Path, *names: str) -> Path:
    """A layouts folder with only the named layouts (and what they extend): fast builds."""
    target = tmp_path / "layouts"
    target.mkdir(parents=True)
    for name in ("base",) + names:
        shutil.copy(REPO / "layouts" / f"{name}.yaml", target / f"{name}.yaml")
    shutil.copytree(REPO / "layouts/strings", target / "strings")
    return target


class Built:
    """A build's exit code and its messages, with the content folder shown as `content/`."""

    def __init__(self, result, content: Path):
        self.code = result.code
        self.err = result.err.replace(str(content.resolve()), "content")
        self.lines = self.err.splitlines()
        assert "Traceback" not in self.err and "@0x" not in self.err and "<Table" not in self.err

    def problems(self) -> list[str]:
        return [ln for ln in self.lines if not ln.startswith("error: ")]


@pytest.fixture
def build(run, content, tmp_path):
    """Build `content` with some layouts (default: the Letter leaflet); return a Built."""
    def _build(*layouts: str, extra=()):
        folder = layouts_of(tmp_path / f"l{len(list(tmp_path.glob('l*')))}", *(layouts or ("leaflet-letter",)))
        result = run("--content", content, "--layouts", folder, "--out", tmp_path / "out", "--quiet",
                     "--jobs", "1", *extra)
        return Built(result, content)
    return _build


# -- did you mean ----------------------------------------------------------------------------

def test_a_hint_never_ends_in_an_empty_list(content, build):
    shutil.rmtree(content / "procedures")
    result = build("guide-letter")
    line = line_of(content / "guide.yaml", "- heading: Common procedures")
    assert result.code == 1
    assert (f"content/guide.yaml:{line}: sections[3].procedures: no procedure 'discectomy'; there are "
            "no procedure files (procedures/*.yaml) next to this guide") in result.lines
    assert not [ln for ln in result.lines if re.search(r"allowed: ?$", ln)]
