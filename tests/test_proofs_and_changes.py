"""Page proofs (--proofs) and the visual change report (--compare), on small trees."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image

from conftest import REPO, snapshot
from pressroom.cli import main
from pressroom.build.compare import classify

pytestmark = pytest.mark.render


def run(capsys, content: Path, layouts: Path, out: Path, *args) -> tuple[int, str, str]:
    argv = ["--content", content, "--layouts", layouts, "--fonts", REPO / "fonts", "--out", out,
            "--jobs", "1", *args]
    code = main([str(a) for a in argv], root=REPO)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text())


# -- proofs ---------------------------------------------------------------------------------

def test_proofs_are_a_png_per_page_and_a_contact_sheet(small, tmp_path):
    result = small.run("--proofs")
    assert result.code == 0, result.err
    out = tmp_path / "out"
    for entry in manifest(out)["documents"]:
        folder = out / "proofs" / entry["path"].removesuffix(".pdf")
        pages = sorted(folder.glob("page-*.png"))
        assert len(pages) == entry["pages"]
        for page in pages:
            with Image.open(page) as image:
                assert image.size == (850, 1100)  # Letter at the layout's 100 dpi
                assert image.convert("L").getextrema()[0] < 80  # text was drawn
        with Image.open(folder / "contact-sheet.png") as sheet:
            assert sheet.width > 2 * 200 and sheet.height > 260  # two pages side by side
        record = entry["proofs"]
        assert record["pdf"] == entry["sha256"] and record["dpi"] == 100
        assert set(record["files"]) == {p.relative_to(out).as_posix() for p in folder.iterdir()}


def test_an_unchanged_pdf_is_not_proofed_again(small, tmp_path):
    out = tmp_path / "out"
    assert small.run("--proofs").code == 0
    kept = out / "proofs/en/letter/leaflet-discectomy/page-001.png"
    before = kept.stat().st_ino
    assert "nothing to do" in small.run("--proofs").out
    kypho = small.content / "procedures/kyphoplasty.yaml"
    kypho.write_text(kypho.read_text().replace("title: Kyphoplasty", "title: Kyphoplasty today"))
    result = small.run("--proofs")
    assert result.code == 0, result.err
    assert "proofs: 1 PDF(s) rendered" in result.out
    assert kept.stat().st_ino == before  # not rewritten
    entry = next(e for e in manifest(out)["documents"] if "kyphoplasty" in e["path"])
    assert entry["proofs"]["pdf"] == entry["sha256"]


def test_proof_resolution_comes_from_the_option_or_the_layout(small, tmp_path):
    assert small.run("--proofs", "--proof-dpi", "50").code == 0
    with Image.open(tmp_path / "out/proofs/en/letter/leaflet-discectomy/page-001.png") as image:
        assert image.size == (425, 550)
    layout = small.layouts.parent / "dpi-layouts"
    shutil.copytree(small.layouts, layout)
    base = layout / "base.yaml"
    base.write_text(base.read_text().replace("proofs: {dpi: 100}", "proofs: {dpi: 72}"))
    result = small.run("--proofs", "--layouts", layout)  # the last --layouts wins
    assert result.code == 0, result.err
    with Image.open(tmp_path / "out/proofs/en/letter/leaflet-discectomy/page-001.png") as image:
        assert image.size == (612, 792)


def test_a_bad_proof_resolution_in_a_layout_is_an_error(small):
    base = small.layouts.parent / "bad-layouts"
    shutil.copytree(small.layouts, base)
    (base / "base.yaml").write_text((base / "base.yaml").read_text().replace("{dpi: 100}", "{dpi: 5000}"))
    result = small.run("--layouts", base)
    assert result.code == 1
    assert "base.yaml" in result.err and "proofs.dpi: expected a resolution" in result.err


def test_proofs_are_byte_identical_across_builds(small, tmp_path):
    assert small.run("--proofs", out=tmp_path / "a").code == 0
    assert small.run("--proofs", out=tmp_path / "b").code == 0
    a = {k: v for k, v in snapshot(tmp_path / "a").items() if k.startswith("proofs/")}
    b = {k: v for k, v in snapshot(tmp_path / "b").items() if k.startswith("proofs/")}
    assert a and a == b


def test_stale_proofs_go_with_their_pdf(small, tmp_path):
    out = tmp_path / "out"
    assert small.run("--proofs").code == 0
    disc = small.content / "procedures/discectomy.yaml"
    disc.write_text(disc.read_text().replace("title: Discectomy", "title: Discectomy today"))
    (small.content / "procedures/kyphoplasty.yaml").unlink()
    assert small.run().code == 0  # no --proofs: the changed PDF's proofs would show the old one
    assert not (out / "proofs/en/letter/leaflet-discectomy").exists()
    assert not (out / "proofs/en/letter/leaflet-kyphoplasty").exists()
    assert "proofs" not in manifest(out)["documents"][0]


def test_a_failed_build_leaves_the_proofs_as_they_were(small, tmp_path):
    out = tmp_path / "out"
    assert small.run("--proofs").code == 0
    before = snapshot(out)
    disc = small.content / "procedures/discectomy.yaml"
    disc.write_text(disc.read_text().replace("title: Discectomy", "titel: Discectomy"))
    result = small.run("--proofs", "--compare")
    assert result.code == 1 and "did you mean 'title'" in result.err
    assert snapshot(out) == before


# -- the change report ----------------------------------------------------------------------

class Report(HTMLParser):
    """The parts of changes.html a reviewer reads: documents, pages, words, pictures."""

    def __init__(self, text: str):
        super().__init__()
        self.documents: dict[str, dict] = {}
        self.current = None
        self.page = None
        self.inserted: list[str] = []
        self.deleted: list[str] = []
        self.where = None
        self.sources: list[str] = []
        self.links: list[str] = []
        self.scripts = 0
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "article":
            self.current = self.documents.setdefault(a["data-path"], {"status": a["data-status"], "pages": {}})
        elif tag == "section" and self.current is not None:
            self.page = self.current["pages"].setdefault(int(a["data-page"]), {"kind": a["data-kind"],
                                                                             "ins": "", "del": "", "pictures": 0})
        elif tag in ("ins", "del"):
            self.where = tag
        elif tag == "img":
            self.sources.append(a["src"])
            if self.page is not None:
                self.page["pictures"] += 1
        elif tag == "a":
            self.links.append(a.get("href", ""))
        elif tag in ("script", "link", "iframe"):
            self.scripts += 1

    def handle_endtag(self, tag):
        if tag in ("ins", "del"):
            self.where = None
        elif tag == "section":
            self.page = None

    def handle_data(self, data):
        if self.where and self.page is not None:
            self.page[self.where] += " " + data


def two_languages(root: Path) -> tuple[Path, Path]:
    """English and Spanish leaflets, Letter only: the content and its layouts."""
    content = root / "content"
    (content / "procedures").mkdir(parents=True)
    (content / "es/procedures").mkdir(parents=True)
    for name in ("clinic.yaml", "glossary.yaml", "procedures/discectomy.yaml", "procedures/kyphoplasty.yaml",
                 "es/procedures/kyphoplasty.yaml", "es/glossary.yaml"):
        shutil.copy(REPO / "content" / name, content / name)
    (content / "es/clinic.yaml").write_text('brand: {primary: "#1d4e89"}\n')
    layouts = root / "layouts"
    (layouts / "strings").mkdir(parents=True)
    for name in ("base.yaml", "leaflet-letter.yaml"):
        shutil.copy(REPO / "layouts" / name, layouts / name)
    for name in ("en.yaml", "es.yaml"):
        shutil.copy(REPO / "layouts/strings" / name, layouts / "strings" / name)
    return content, layouts


OLD_SENTENCE = "It is often done through a very small cut."
NEW_SENTENCE = "It is usually done through a cut no longer than a stamp."


def test_the_report_names_the_changed_documents_pages_and_words(tmp_path, capsys):
    content, layouts = two_languages(tmp_path)
    before, after = tmp_path / "before", tmp_path / "after"
    assert run(capsys, content, layouts, before)[0] == 0
    disc = content / "procedures/discectomy.yaml"
    text = disc.read_text()
    assert "It is often done through a very small cut." in " ".join(text.split())
    disc.write_text(text.replace("It is often done through a very small cut.",
                                 "It is usually done through a cut no longer than a stamp.")
                    .replace("It is often done through a very small\n  cut.", "It is usually done through a "
                             "cut no longer than a stamp.")
                    .replace("It is often done through a very\n  small cut.", "It is usually done through a "
                             "cut no longer than a stamp."))
    assert disc.read_text() != text
    (content / "es/clinic.yaml").write_text('brand: {primary: "#6a1b9a"}\n')
    code, out, err = run(capsys, content, layouts, after, "--compare", before)
    assert code == 0, err
    assert "changes: 2 changed, 0 new, 0 removed" in out
    summary = json.loads((after / "changes.json").read_text())
    assert summary["changed"] == ["en/letter/leaflet-discectomy.pdf", "es/letter/leaflet-kyphoplasty.pdf"]
    assert summary["new"] == summary["removed"] == [] and summary["unchanged"] == 1
    report = Report((after / "changes.html").read_text())
    assert set(report.documents) == set(summary["changed"])
    disc_pages = report.documents["en/letter/leaflet-discectomy.pdf"]["pages"]
    assert disc_pages[1]["kind"] == "rewritten"
    assert "usually" in disc_pages[1]["ins"] and "stamp." in disc_pages[1]["ins"]
    assert "often" in disc_pages[1]["del"] and "very small cut." in disc_pages[1]["del"]
    assert all(p["kind"] != "rewritten" for n, p in disc_pages.items() if n != 1)
    assert disc_pages[1]["pictures"] == 3  # before, after, difference
    kypho = report.documents["es/letter/leaflet-kyphoplasty.pdf"]["pages"]
    assert set(kypho) == {1, 2} and {p["kind"] for p in kypho.values()} == {"restyled"}
    assert all(not p["ins"] and not p["del"] for p in kypho.values())
    # self-contained: every picture is a file beside the report, nothing is fetched
    assert report.scripts == 0 and report.sources
    for src in report.sources:
        assert not re.match(r"[a-z]+:", src) and (after / src).is_file()
    # the differing pixels of the restyled pages are where the brand colour is: the band
    with Image.open(after / report.sources[-1]) as diff:
        red = diff.convert("RGB").getpixel((diff.width // 2, 20))
        assert red[0] > 180 and red[1] < 90


def test_a_page_break_that_moved_is_a_reflow_not_a_rewrite(small, tmp_path):
    """More white space under the large-print band: the same words, other page breaks."""
    before, after = tmp_path / "before", tmp_path / "after"
    layouts = tmp_path / "large"
    shutil.copytree(small.layouts, layouts)
    shutil.copy(REPO / "layouts/leaflet-letter-large.yaml", layouts)
    (small.content / "procedures/kyphoplasty.yaml").unlink()
    assert small.run("--layouts", layouts, out=before).code == 0
    large = layouts / "leaflet-letter-large.yaml"
    text = large.read_text()
    assert "  band_gap: 0.2in\n" in text
    large.write_text(text.replace("  band_gap: 0.2in\n", "  band_gap: 1.6in\n"))
    result = small.run("--layouts", layouts, "--compare", before, out=after)
    assert result.code == 0, result.err
    summary = json.loads((after / "changes.json").read_text())
    assert summary["changed"] == ["en/letter/leaflet-discectomy-large-print.pdf"]
    report = Report((after / "changes.html").read_text())
    pages = report.documents["en/letter/leaflet-discectomy-large-print.pdf"]["pages"]
    kinds = {p["kind"] for p in pages.values()}  # the first page keeps its words under a deeper
    # band (restyled); the last (the box and the disclaimer, kept together) may just move
    assert "reflowed" in kinds and kinds <= {"reflowed", "moved", "restyled"}, pages
    assert all(not p["ins"] and not p["del"] for p in pages.values())
    assert "the same words, the page break moved" in (after / "changes.html").read_text()


def test_classify_tells_moved_pages_from_rewritten_ones():
    old = ["intro words here\nPage 1 of 3", "chapter one text\nPage 2 of 3", "chapter two text\nPage 3 of 3"]
    new = ["intro words here\nPage 1 of 4", "a brand new page\nPage 2 of 4", "chapter one text\nPage 3 of 4",
           "chapter two text\nPage 4 of 4"]
    from pressroom.build.compare import page_label_pattern
    pages = classify(old, new, page_label_pattern("Page {page} of {pages}"))
    assert [p["kind"] for p in pages] == [None, "rewritten", "moved", "moved"]
    assert [p["old"] for p in pages[2:]] == [2, 3]
    numbers = classify(["Contents Overview 3 Care 7"], ["Contents Overview 3 Care 8"])
    assert numbers[0]["kind"] == "renumbered"


def test_against_the_build_it_replaces_and_with_nothing_changed(small, tmp_path):
    out = tmp_path / "out"
    assert small.run().code == 0
    result = small.run("--compare")
    assert result.code == 0 and "changes: no PDF changed" in result.out
    assert 'id="no-changes"' in (out / "changes.html").read_text()
    assert json.loads((out / "changes.json").read_text())["changed"] == []
    shutil.copy(small.content / "procedures/discectomy.yaml", small.content / "procedures/microdiscectomy.yaml")
    (small.content / "procedures/kyphoplasty.yaml").unlink()
    result = small.run("--compare")
    assert result.code == 0, result.err
    summary = json.loads((out / "changes.json").read_text())
    assert summary["new"] == ["en/letter/leaflet-microdiscectomy.pdf"]
    assert summary["removed"] == ["en/letter/leaflet-kyphoplasty.pdf"]
    report = Report((out / "changes.html").read_text())
    assert report.documents["en/letter/leaflet-kyphoplasty.pdf"]["status"] == "removed"
    # a later build that changes PDFs without --compare takes the stale report away
    disc = small.content / "procedures/discectomy.yaml"
    disc.write_text(disc.read_text().replace("title: Discectomy", "title: Discectomy today"))
    assert small.run().code == 0
    assert not (out / "changes.html").exists() and not (out / "changes.json").exists()


def test_compare_with_no_earlier_build_there_is_an_error(small, tmp_path):
    result = small.run("--compare", tmp_path / "nowhere")
    assert result.code == 1
    assert "--compare" in result.err and "no pressroom manifest" in result.err
