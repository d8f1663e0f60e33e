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
    """Build `content` with some layouts (default: the Letter leaflet); return a Built.
    `layouts` may instead be a prepared layouts folder."""
    def _build(*layouts, extra=()):
        folder = layouts[0] if layouts and isinstance(layouts[0], Path) else layouts_of(
            tmp_path / f"l{len(list(tmp_path.glob('l*')))}", *(layouts or ("leaflet-letter",)))
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


# -- whole values ------------------------------------------------------------------------------

def test_a_file_name_with_a_final_newline_is_not_a_slug(content, build):
    shutil.copy(content / DISC, content / "procedures/extra\n.yaml")
    result = build()
    assert result.code == 1
    assert result.problems() == ["content/procedures/extra\\n.yaml:1: file name 'extra\\n.yaml': use lower-case "
                                 "letters, digits and hyphens (it becomes the PDF's name)"]


def test_a_folder_name_with_a_final_newline_is_not_a_language(content, build, tmp_path):
    (content / "es").rename(content / "es\n")
    result = build()
    assert result.code == 0, result.err
    assert result.lines == ["content/es\\n: warning: this folder is not a language code (lower case, like es or "
                            "pt-br), so nothing in it is built"]
    assert not (tmp_path / "out/es\n").exists() and (tmp_path / "out/en").is_dir()


def test_a_colour_with_a_final_newline_is_refused(content, build):
    edit(content / "clinic.yaml", 'primary: "#1d4e89"', 'primary: "#1d4e89\\n"')
    result = build()
    line = line_of(content / "clinic.yaml", "primary:")
    assert result.code == 1
    assert result.problems() == [f"content/clinic.yaml:{line}: brand.primary: expected a hex colour like "
                                 "\"#1d4e89\", found '#1d4e89\\n'"]


def test_a_layout_colour_with_a_final_newline_is_refused(build, tmp_path):
    layouts = layouts_of(tmp_path / "mine", "leaflet-letter")
    edit(layouts / "base.yaml", 'text: "#1f2933"', 'text: "#1f2933\\n"')
    result = build(layouts)
    assert result.code == 1
    assert any(re.fullmatch(r".*layouts/base\.yaml:\d+: colors\.text: expected \"#rrggbb\" .*found '#1f2933\\n'", ln)
               for ln in result.lines), result.err


# -- numbers as written --------------------------------------------------------------------------

def page_text(pdf: Path, page: int = 0) -> str:
    return " ".join(PdfReader(pdf).pages[page].extract_text().split())


def test_a_version_keeps_its_digits(content, build, tmp_path):
    edit(content / DISC, "  version: 1\n", "  version: 1.10\n")
    edit(content / "clinic.yaml", 'phone: "(555) 555-0142"', "phone: 0142")
    result = build()
    assert result.code == 0, result.err
    text = page_text(tmp_path / "out/en/letter/leaflet-discectomy.pdf")
    assert "RSC-PL-001 · v1.10 ·" in text and "v1.1 " not in text
    assert "Spine Center · 0142 ·" in text  # not 98, the octal number YAML reads


def test_translation_versions_compare_as_written(content, build):
    """1.10 is newer than 1.9: a source at 1.10 makes a translation at 1.9 out of date."""
    edit(content / DISC, "  version: 1\n", "  version: 1.10\n")
    es = content / "es" / DISC
    edit(es, "  version: 1\n", "  version: 1.9\n")
    result = build()
    assert result.code == 0, result.err
    assert [ln for ln in result.lines if "older than its source" in ln] == [
        "content/es/procedures/discectomy.yaml: warning: this translation (version 1.9) is older than its "
        "source content/procedures/discectomy.yaml (version 1.10); update the translation and its "
        "review.version"]


# -- brand colours ---------------------------------------------------------------------------------

def test_an_unquoted_colour_warns_with_file_and_line(content, build):
    edit(content / "clinic.yaml", 'primary: "#1d4e89"', "primary: #aa0000")
    line = line_of(content / "clinic.yaml", "primary:")
    expected = (f"content/clinic.yaml:{line}: warning: brand.primary is empty, so it stays #1d4e89; write a "
                "colour in quotes, like primary: \"#aa0000\" (without quotes YAML reads # and the rest of the "
                "line as a comment)")
    result = build()
    assert result.code == 0 and expected in result.lines, result.err
    strict = build(extra=["--strict"])
    assert strict.code == 1 and expected in strict.lines


def test_an_empty_brand_warns(content, build):
    text = (content / "clinic.yaml").read_text(encoding="utf-8")
    (content / "clinic.yaml").write_text(text[:text.index("brand:")] + "brand: # our colours\n", encoding="utf-8")
    (content / "es/clinic.yaml").write_text("brand:\n  accent:\n", encoding="utf-8")
    result = build()
    line = line_of(content / "clinic.yaml", "brand:")
    assert result.code == 0, result.err
    assert [ln for ln in result.lines if "is empty" in ln] == [
        f"content/clinic.yaml:{line}: warning: brand is empty, so the colours stay #1d4e89 and #2a7f8f; write a "
        "colour in quotes, like primary: \"#aa0000\" (without quotes YAML reads # and the rest of the line as a "
        "comment)",
        "content/es/clinic.yaml:2: warning: brand.accent is empty, so it stays #2a7f8f; write a colour in quotes, "
        "like primary: \"#aa0000\" (without quotes YAML reads # and the rest of the line as a comment)"]
