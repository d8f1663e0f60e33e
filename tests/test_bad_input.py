"""Hostile and broken content: one clear line each, exit 1, the last good build untouched."""

from __future__ import annotations

import re

import pytest
from pypdf import PdfReader

from conftest import snapshot

DISC = "procedures/discectomy.yaml"


def replace(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def append(path, text):
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


# (id, file, edit, expected fragment of the error, expected line or None)
CASES = [
    ("bad-yaml", DISC, lambda p: replace(p, "title: Discectomy", "title: [Discectomy"), "invalid YAML", None),
    ("missing-field", DISC, lambda p: replace(p, "title: Discectomy\n", ""), "title: required but missing", None),
    ("unknown-key", DISC, lambda p: replace(p, "summary:", "sumary:"), "did you mean 'summary'", 2),
    ("undefined-variable", DISC, lambda p: replace(p, "title: Discectomy", "title: \"{{ clinic.fax }}\""),
     "unknown variable", 1),
    ("python-tag", DISC, lambda p: replace(p, "title: Discectomy", "title: !!python/object/apply:os.system [\"echo pwned\"]"),
     "YAML tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed", 1),
    ("template-internals", DISC, lambda p: replace(p, "title: Discectomy",
     "title: \"{{ clinic.__class__.__mro__[1].__subclasses__() }}\""), "template not allowed", 1),
    ("template-globals", DISC, lambda p: replace(p, "title: Discectomy",
     "title: \"{{ cycler.__init__.__globals__.os.popen('id').read() }}\""), "title:", 1),
    ("template-bomb", DISC, lambda p: replace(p, "title: Discectomy", "title: \"{{ 'x' * 100000000 }}\""),
     "longer than 20000 characters", 1),
    ("template-loop", DISC, lambda p: replace(p, "title: Discectomy",
     "title: \"{% for i in range(99999) %}{% for j in range(99999) %}x{% endfor %}{% endfor %}\""), "title:", 1),
    ("logo-outside", "clinic.yaml", lambda p: append(p, "logo: ../../../etc/passwd.png\n"),
     "lies outside the content folder", None),
    ("missing-glyph", DISC, lambda p: replace(p, "title: Discectomy", "title: Discectomy \u2192 \U0001F600"),
     "U+1F600", 1),  # the arrow is drawn by a fallback family (Noto Sans); no bundled font has the emoji
    ("undecodable", DISC, lambda p: p.write_bytes(p.read_bytes().replace(b"Discectomy", b"Disc\xffectomy", 1)),
     "byte 0xff is not UTF-8", 1),
    ("not-a-list", DISC, lambda p: replace(p, "treats:\n", "treats: 3\nx_treats:\n"), "expected a list", None),
    ("bad-date", DISC, lambda p: replace(p, "reviewed_on: 2026-09-14", "reviewed_on: last tuesday"),
     "expected a date", None),
    ("bad-link", DISC, lambda p: replace(p, "title: Discectomy", "title: \"[x](javascript:alert(1))\""),
     "must start with https://", 1),
    ("alias-bomb", "glossary.yaml", lambda p: p.write_text(
        "a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
        "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]\nterms: [*e,*e,*e]\n"),
     "too much data", None),
    ("overflow", DISC, lambda p: replace(p, "sections:\n", "sections:\n" + "".join(
        f"  - heading: Extra {i}\n    body: [\"{'A long sentence that fills the page. ' * 12}\"]\n" for i in range(12))),
     "the leaflet does not fit on 2 pages in the leaflet-", None),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input_is_one_clear_error(case, content, previous, run):
    _, rel, edit, fragment, line = case
    before = snapshot(previous)
    edit(content / rel)
    result = run("--content", content, "--out", previous)
    assert result.code == 1, result.err
    assert "Traceback" not in result.err
    lines = [ln for ln in result.err.splitlines() if fragment in ln]
    assert lines, result.err
    shown = lines[0]
    assert re.match(rf"^\S*{re.escape(rel)}:\d+: ", shown), shown
    if line is not None:
        assert shown.split(":")[1] == str(line), shown
    assert snapshot(previous) == before, "the last good build changed"


def test_every_problem_in_every_file_is_reported(content, previous, run):
    replace(content / DISC, "summary:", "sumary:")
    replace(content / "procedures/kyphoplasty.yaml", "title: Kyphoplasty", "title: \"{{ clinic.nope }}\"")
    append(content / "clinic.yaml", "fax: 1\n")
    result = run("--content", content, "--out", previous)
    assert result.code == 1
    assert "discectomy.yaml:2: sumary: unknown key" in result.err
    assert "kyphoplasty.yaml:1: title: unknown variable" in result.err
    assert "clinic.yaml" in result.err and "fax" in result.err


MINIMAL = """title: {title}
summary: "{summary}"
sections:
  - heading: About
    body: ["A paragraph."]
"""


def test_markup_characters_print_literally(content, run, tmp_path):
    (content / "procedures/literal.yaml").write_text(MINIMAL.format(
        title="Literal <b>not bold</b> & 5 * 3 <font>", summary="Tags &amp; <br/> stay text."))
    result = run("--content", content, "--out", tmp_path / "out", "--quiet")
    assert result.code == 0, result.err
    text = PdfReader(tmp_path / "out/en/letter/leaflet-literal.pdf").pages[0].extract_text()
    text = " ".join(text.split())
    assert "Literal <b>not bold</b> & 5 * 3 <font>" in text
    assert "Tags &amp; <br/> stay text." in text


def test_bold_italic_and_links_render(content, run, tmp_path):
    (content / "procedures/marked.yaml").write_text(MINIMAL.format(
        title="Marked", summary="**Strong** and *soft* and [our site](https://x.example.org/a?b=1&c=2)."))
    result = run("--content", content, "--out", tmp_path / "out", "--quiet")
    assert result.code == 0, result.err
    reader = PdfReader(tmp_path / "out/en/letter/leaflet-marked.pdf")
    assert "Strong and soft and our site." in " ".join(reader.pages[0].extract_text().split())
    uris = [a.get_object()["/A"]["/URI"] for a in reader.pages[0].get("/Annots", [])
            if "/A" in a.get_object() and "/URI" in a.get_object()["/A"]]
    assert "https://x.example.org/a?b=1&c=2" in uris
    fonts = {f.get_object()["/BaseFont"] for f in reader.pages[0]["/Resources"]["/Font"].values()}
    assert any("Bold" in f for f in fonts) and any("Italic" in f for f in fonts)


def test_bad_usage_exits_2(run):
    assert run("--no-such-option").code == 2


def test_missing_content_folder(run, tmp_path):
    result = run("--content", tmp_path / "nowhere", "--out", tmp_path / "out")
    assert result.code == 1 and "content folder not found" in result.err
    assert not list((tmp_path / "out").rglob("*.pdf")) and not (tmp_path / "out/manifest.json").exists()


def test_fixed_word_the_fonts_lack_is_an_error(tmp_path, previous, run):
    import shutil
    from conftest import REPO
    layouts = tmp_path / "layouts"
    shutil.copytree(REPO / "layouts", layouts)
    strings = layouts / "strings/en.yaml"
    strings.write_text(strings.read_text().replace("when_to_call: When to call us", "when_to_call: Call us \U0001f4de"))
    before = snapshot(previous)
    result = run("--layouts", layouts, "--out", previous)
    assert result.code == 1 and "strings/en.yaml" in result.err and "U+1F4DE" in result.err
    assert snapshot(previous) == before


def test_a_folder_that_is_not_a_language_is_named(content, run, tmp_path):
    (content / "French/procedures").mkdir(parents=True)
    (content / "French/procedures/x.yaml").write_text(MINIMAL.format(title="X", summary="S."))
    result = run("--content", content, "--out", tmp_path / "out", "--quiet")
    assert result.code == 0
    assert "French: warning: this folder is not a language code" in result.err


def test_output_that_is_a_file_or_no_layouts(tmp_path, run):
    target = tmp_path / "a-file"
    target.write_text("not a folder")
    result = run("--out", target)
    assert result.code == 1 and "is a file, not a folder" in result.err and "internal" not in result.err
    empty = tmp_path / "layouts"
    empty.mkdir()
    result = run("--layouts", empty, "--out", tmp_path / "out")
    assert result.code == 1 and "no layouts to build with" in result.err
    assert len(result.err.splitlines()) == 2
