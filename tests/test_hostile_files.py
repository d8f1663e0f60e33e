"""Hostile files: nothing outside the input trees is ever read, and only the build's own
files in --out are ever written or removed. A test per class, each over its ways in."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from conftest import REPO, snapshot

SECRET = "ZQXJ-OUTSIDE-SECRET"
PROC = (REPO / "content/procedures/discectomy.yaml").read_text(encoding="utf-8")
SECRET_PROC = PROC.replace("title: Discectomy", f"title: {SECRET}", 1)


def everything_in(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def assert_refused(result, fragment: str, out: Path, before: dict | None = None) -> None:
    assert result.code == 1, result.err + result.out
    assert "Traceback" not in result.err and "internal error" not in result.err, result.err
    assert fragment in result.err, result.err
    assert SECRET not in result.err + result.out
    if out.exists():
        assert SECRET.encode() not in everything_in(out)
    if before is not None:
        assert snapshot(out) == before, "the last good build changed"


@pytest.fixture
def outside(tmp_path) -> Path:
    """Files an attacker would like to see printed: valid content, outside the tree."""
    folder = tmp_path / "outside"
    (folder / "fr/procedures").mkdir(parents=True)
    (folder / "secret.yaml").write_text(SECRET_PROC, encoding="utf-8")
    (folder / "fr/procedures/secret.yaml").write_text(SECRET_PROC, encoding="utf-8")
    (folder / "clinic.yaml").write_text(f'name: "{SECRET}"\nphone: "(555) 555-0100"\n')
    (folder / "glossary.yaml").write_text(f"terms:\n  Discectomy: {SECRET}\n")
    (folder / "secret.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><g id="x">'
        f'<text x="0" y="9">{SECRET}</text></g></svg>')
    Image.new("RGB", (40, 40), (200, 0, 0)).save(folder / "secret.png")
    return folder


def link(at: Path, target: Path) -> None:
    at.parent.mkdir(parents=True, exist_ok=True)
    if at.exists() or at.is_symlink():
        at.unlink()
    at.symlink_to(os.path.relpath(target, at.parent))


# 1. content links out of the tree -------------------------------------------------

CONTENT_LINKS = {
    "procedure-file": lambda c, o: link(c / "procedures/evil.yaml", o / "secret.yaml"),
    "language-folder": lambda c, o: link(c / "fr", o / "fr"),
    "procedures-folder": lambda c, o: (shutil.rmtree(c / "procedures"), link(c / "procedures", o / "fr/procedures")),
    "clinic-file": lambda c, o: link(c / "clinic.yaml", o / "clinic.yaml"),
    "glossary-file": lambda c, o: link(c / "glossary.yaml", o / "glossary.yaml"),
    "link-to-a-link": lambda c, o: (link(c / "hop.yaml", o / "secret.yaml"),
                                    link(c / "procedures/evil.yaml", c / "hop.yaml")),
    "link-to-root": lambda c, o: link(c / "es", Path("/")),
    "link-to-dev-zero": lambda c, o: link(c / "procedures/zero.yaml", Path("/dev/zero")),
}


@pytest.mark.parametrize("way", CONTENT_LINKS)
def test_content_links_out_of_the_tree_are_refused(way, small, outside, tmp_path):
    assert small.run("--quiet").code == 0
    before = snapshot(tmp_path / "out")
    CONTENT_LINKS[way](small.content, outside)
    result = small.run()
    assert_refused(result, "outside", tmp_path / "out", before)
    assert "symbolic link" in result.err


def test_links_inside_the_tree_are_followed(small, tmp_path):
    (small.content / "shared").mkdir()
    shutil.move(small.content / "procedures/kyphoplasty.yaml", small.content / "shared/kyphoplasty.yaml")
    link(small.content / "procedures/kyphoplasty.yaml", small.content / "shared/kyphoplasty.yaml")
    result = small.run("--quiet")
    assert result.code == 0, result.err
    assert (tmp_path / "out/en/letter/leaflet-kyphoplasty.pdf").is_file()


def test_pipes_and_devices_are_never_opened(small, tmp_path):
    os.mkfifo(small.content / "procedures/pipe.yaml")  # opening it for reading would hang
    result = subprocess.run(
        [os.sys.executable, str(REPO / "generate.py"), "--content", small.content, "--layouts",
         small.layouts, "--out", tmp_path / "out"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "pipe.yaml: not a regular file" in result.stderr


def test_layouts_strings_and_fonts_cannot_reach_out(small, outside, tmp_path):
    layouts = tmp_path / "layouts"
    shutil.copytree(small.layouts, layouts)
    (outside / "en.yaml").write_text((layouts / "strings/en.yaml").read_text().replace(
        "When to call us", SECRET))
    link(layouts / "strings/en.yaml", outside / "en.yaml")
    result = small.run("--layouts", layouts)
    assert_refused(result, "outside", tmp_path / "out")

    layouts2 = tmp_path / "layouts2"
    shutil.copytree(small.layouts, layouts2)
    fonts = tmp_path / "fonts"
    shutil.copytree(REPO / "fonts", fonts)
    shutil.copy(REPO / "fonts/AtkinsonHyperlegible-Bold.ttf", outside / "Other.ttf")
    base = layouts2 / "base.yaml"
    base.write_text(base.read_text().replace("bold: AtkinsonHyperlegible-Bold.ttf",
                                             f"bold: {os.path.relpath(outside / 'Other.ttf', fonts)}"))
    result = small.run("--layouts", layouts2, "--fonts", fonts)
    assert_refused(result, "outside", tmp_path / "out")


# 1b. SVG logos reach nothing ------------------------------------------------------

SVG = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" ' \
      'width="120" height="40" viewBox="0 0 120 40">{body}</svg>'

SVG_ESCAPES = {
    "use-another-file": '<use xlink:href="../outside/secret.svg#x"/>',
    "use-absolute": '<use href="{outside}/secret.svg#x"/>',
    "image-outside": '<image href="../outside/secret.png" width="40" height="40"/>',
    "image-in-tree-link": '<image href="pic.png" width="40" height="40"/>',
    "image-data-uri": '<image href="data:image/png;base64,iVBORw0KGgo=" width="4" height="4"/>',
    "css-url": '<rect width="10" height="10" style="fill:url(../outside/secret.svg#x)"/>',
    "style-import": '<style>@import url("../outside/secret.css");</style><rect width="9" height="9"/>',
    "font-face": '<style>@font-face {{ font-family: X; src: local("DejaVu Sans"); }}</style>',
    "entity": None,  # a DOCTYPE with an external entity
    "script": '<script>alert(1)</script><rect width="9" height="9"/>',
}


@pytest.mark.parametrize("way", SVG_ESCAPES)
def test_svg_logo_references_are_refused(way, small, outside, tmp_path):
    link(small.content / "pic.png", outside / "secret.png")
    body = SVG_ESCAPES[way]
    if body is None:
        svg = (f'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY s SYSTEM "file://{outside}/clinic.yaml">]>'
               + SVG.format(body="<text x='0' y='20'>&s;</text>"))
    else:
        svg = SVG.format(body=body.format(outside=outside))
    (small.content / "logo.svg").write_text(svg)
    with open(small.content / "clinic.yaml", "a") as clinic:
        clinic.write("logo: logo.svg\n")
    result = small.run()
    assert_refused(result, "clinic.yaml:", tmp_path / "out")
    assert "logo: 'logo.svg'" in result.err


def test_svg_text_uses_only_the_bundled_fonts(small, tmp_path, monkeypatch):
    def no_system_font_lookup(*args, **kwargs):
        raise AssertionError(f"the build ran a program: {args[0]!r}")
    monkeypatch.setattr(subprocess, "Popen", no_system_font_lookup)
    body = ('<text x="2" y="15" font-family="/etc/passwd" font-size="12">Riverside</text>'
            '<text x="2" y="35" style="font-family: DejaVu Sans; font-weight: bold">Spine</text>'
            '<text x="60" y="35">Center</text>')
    (small.content / "logo.svg").write_text(SVG.format(body=body))
    with open(small.content / "clinic.yaml", "a") as clinic:
        clinic.write("logo: logo.svg\n")
    result = small.run("--quiet")
    assert result.code == 0, result.err
    reader = PdfReader(tmp_path / "out/en/letter/leaflet-discectomy.pdf")
    fonts = {f.get_object()["/BaseFont"] for f in reader.pages[0]["/Resources"]["/Font"].values()}
    assert fonts and all("AtkinsonHyperlegible" in f for f in fonts), fonts
    assert all(_embedded(f) for f in reader.pages[0]["/Resources"]["/Font"].values())
    text = reader.pages[0].extract_text()
    assert "Riverside" in text and "Spine" in text


def _embedded(font) -> bool:
    font = font.get_object()
    if "/DescendantFonts" in font:
        font = font["/DescendantFonts"][0].get_object()
    return "/FontFile2" in font["/FontDescriptor"].get_object()


def test_svg_text_the_fonts_cannot_draw_is_an_error(small, tmp_path):
    (small.content / "logo.svg").write_text(SVG.format(body='<text x="0" y="20">Clinic \u2603</text>'))
    with open(small.content / "clinic.yaml", "a") as clinic:
        clinic.write("logo: logo.svg\n")
    result = small.run()
    assert result.code == 1 and "U+2603" in result.err and "clinic.yaml:" in result.err


# 2. the output folder keeps what is not the build's -------------------------------

def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_manifest_cannot_make_the_build_remove_other_files(small, tmp_path):
    out = tmp_path / "out"
    assert small.run("--quiet").code == 0
    victims = [tmp_path / "victim.pdf", tmp_path / "elsewhere/victim.pdf"]
    for victim in victims:
        victim.parent.mkdir(exist_ok=True)
        victim.write_bytes(b"%PDF- not the build's")
    mine = out / "en/letter/mine.pdf"  # a file of the user's inside --out, listed but not made by us
    mine.write_bytes(b"%PDF- the user's own")
    manifest = json.loads((out / "manifest.json").read_text())
    manifest["documents"] += [
        {"path": "../victim.pdf", "sha256": _sha(victims[0])},
        {"path": str(victims[1]), "sha256": _sha(victims[1])},
        {"path": "en/../../elsewhere/victim.pdf", "sha256": _sha(victims[1])},
        {"path": "en/letter/mine.pdf", "sha256": "0" * 64},
    ]
    (out / "manifest.json").write_text(json.dumps(manifest))
    result = small.run()
    assert result.code == 0, result.err
    assert all(v.exists() for v in victims) and mine.exists()
    assert "manifest.json: warning:" in result.err and "mine.pdf: warning: no longer built" in result.err

    # a PDF the build did make, and whose source is gone, is removed
    (small.content / "procedures/kyphoplasty.yaml").unlink()
    result = small.run()
    assert result.code == 0 and not (out / "en/letter/leaflet-kyphoplasty.pdf").exists()
    assert "removed" in result.out


@pytest.mark.parametrize("manifest", [
    b"[1, 2, 3]", b'{"documents": [{"sha256": "x"}]}', b'{"documents": {"a": 1}}', b"not json",
    b"\xff\xfe\x00", b'{"documents": [null, 3, "x", {"path": 7}]}'])
def test_a_bad_manifest_is_a_warning_not_a_crash(manifest, small, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_bytes(manifest)
    result = small.run()
    assert result.code == 0, result.err
    assert "Traceback" not in result.err and "internal error" not in result.err
    assert "manifest.json: warning:" in result.err
    assert json.loads((out / "manifest.json").read_text())["documents"]
    assert small.run("--check").code == 0


@pytest.mark.parametrize("where", ["root", "content", "inside-content", "layouts"])
def test_an_output_folder_that_would_damage_inputs_is_refused(where, small, tmp_path):
    out = {"root": Path("/"), "content": small.content, "inside-content": small.content / "procedures",
           "layouts": small.layouts}[where]
    before = snapshot(small.content)
    result = small.run(out=out)
    assert result.code == 1 and "--out" in result.err and "internal" not in result.err
    assert snapshot(small.content) == before
    assert not (small.content / "manifest.json").exists()


def test_only_the_builds_own_temporary_files_are_swept(small, tmp_path):
    draft = small.content / ".draft.tmp"
    draft.write_text("an author's draft")
    other = tmp_path / ".notes.tmp"
    other.write_text("not ours")
    result = small.run("--quiet", out=tmp_path)  # --out is the content folder's parent
    assert result.code == 0, result.err
    assert draft.read_text() == "an author's draft" and other.exists()
    assert not (tmp_path / ".pressroom-staging").exists()


# 3. a failed build leaves everything as it was ------------------------------------

def test_an_impossible_output_name_fails_before_anything_is_written(small, tmp_path):
    assert small.run("--quiet").code == 0
    out = tmp_path / "out"
    before = snapshot(out)
    for path in (small.content / "procedures").glob("*.yaml"):
        path.write_text(path.read_text().replace("title: ", "title: New ", 1))
    long = "x" * 250
    shutil.copy(small.content / "procedures/discectomy.yaml", small.content / f"procedures/{long}.yaml")
    result = small.run()
    assert result.code == 1, result.err
    assert f"procedures/{long}.yaml" in result.err and "shorten the file name" in result.err
    assert snapshot(out) == before


# 4-5. files that are broken, huge or odd are one located line, fast --------------

def _png_header(width: int, height: int) -> bytes:
    """A PNG that declares its size and holds almost nothing (a decompression bomb's shape)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    row = zlib.compress(b"\0" * (1 + width // 8) * 8)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", row) + chunk(b"IEND", b""))


def _good_png() -> bytes:
    import io
    buffer = io.BytesIO()
    Image.new("RGB", (300, 100), (20, 60, 120)).save(buffer, "PNG")
    return buffer.getvalue()


BAD_LOGOS = {
    "truncated-png": ("logo.png", lambda: _good_png()[:60], "damaged or cut short"),
    "text-named-jpg": ("logo.jpg", lambda: b"just some text, not a picture\n", "not a JPEG image"),
    "svg-named-png": ("logo.png", lambda: SVG.format(body="").encode(), "not a PNG image"),
    "png-named-jpg": ("logo.jpg", _good_png, "is a PNG image, not the JPEG"),
    "12000-squared": ("logo.png", lambda: _png_header(12_000, 12_000), "12000 × 12000 pixels"),
    "30000-squared": ("logo.png", lambda: _png_header(30_000, 30_000), "pixels"),
    "not-xml-svg": ("logo.svg", lambda: b"\x00\x01binary", "not a readable SVG"),
}


@pytest.mark.parametrize("case", BAD_LOGOS)
def test_a_broken_or_huge_logo_is_one_located_line(case, small, tmp_path):
    import time
    name, data, fragment = BAD_LOGOS[case]
    (small.content / name).write_bytes(data())
    with open(small.content / "clinic.yaml", "a") as clinic:
        clinic.write(f"logo: {name}\n")
    started = time.perf_counter()
    result = small.run()
    assert time.perf_counter() - started < 10
    assert result.code == 1, result.err
    assert "internal error" not in result.err and "Traceback" not in result.err
    line = next(ln for ln in result.err.splitlines() if fragment in ln)
    assert "clinic.yaml:" in line and f"logo: '{name}'" in line


def test_odd_files_in_the_tree_are_located_not_crashes(small, tmp_path, monkeypatch):
    import time
    bad_name = os.fsdecode(b"notes-\xff.yaml")
    (small.content / bad_name).write_text("x: 1\n")
    with open(small.content / "huge.bin", "wb") as huge:  # sparse: 3 GB on paper, nothing on disk
        huge.truncate(3 * 1024 ** 3)
    real_scandir = os.scandir

    def unreadable(path):
        if str(path).endswith("procedures"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)
    monkeypatch.setattr(os, "scandir", unreadable)
    started = time.perf_counter()
    result = small.run("--force")
    assert time.perf_counter() - started < 10
    assert result.code == 1 and "internal error" not in result.err
    assert "notes-\\xff.yaml: this file name is not UTF-8 text" in result.err
    assert "huge.bin: this file is 3072.0 MB" in result.err
    assert "procedures: cannot read this folder: Permission denied" in result.err
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("*.pdf"))


def test_hidden_files_are_not_content_for_the_build_or_the_check(small, tmp_path):
    assert small.run("--quiet").code == 0
    (small.content / "procedures/.draft.yaml").write_text("title: [broken\n")
    (small.content / "procedures/.#discectomy.yaml").write_text("an editor's lock file")
    assert "nothing to do" in small.run().out
    assert small.run("--check").code == 0
    assert small.run("--force", "--quiet").code == 0


def test_a_language_folder_for_the_top_level_language_is_named(small, tmp_path):
    (small.content / "en/procedures").mkdir(parents=True)
    shutil.copy(small.content / "procedures/discectomy.yaml", small.content / "en/procedures/discectomy.yaml")
    result = small.run()
    assert result.code == 1
    assert result.err.splitlines()[0].endswith(
        "content/en: the top-level content is already in 'en' (language: en in clinic.yaml); move "
        "these files up a level, or set clinic.yaml's language to the one the top level is written in")
    assert "layout" not in result.err


def test_the_tree_hash_is_the_same_from_a_relative_or_absolute_path(small, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert small.run("--quiet", content=Path("content"), out=tmp_path / "a").code == 0
    assert small.run("--quiet", content=small.content.resolve(), out=tmp_path / "b").code == 0
    a, b = (json.loads((tmp_path / f"{x}/manifest.json").read_text()) for x in "ab")
    assert a["tree"] == b["tree"] and a == b
