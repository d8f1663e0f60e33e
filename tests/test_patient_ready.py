"""Patient-ready: contrast, large print, draft marks, accessible basics."""

from __future__ import annotations

import re

import pytest
import pypdfium2 as pdfium
from pypdf import PdfReader

from pressroom.layout.contrast import nearest_passing, ratio


def test_contrast_ratio_matches_wcag_examples():
    assert ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    shade = nearest_passing("#2a9d8f", "#ffffff", 4.5)
    assert ratio(shade, "#ffffff") >= 4.5 and ratio("#2a9d8f", "#ffffff") < 4.5


def test_failing_brand_colour_stops_the_build_with_ratio_and_suggestion(content, previous, run):
    from conftest import snapshot
    before = snapshot(previous)
    path = content / "clinic.yaml"
    path.write_text(path.read_text().replace('primary: "#1d4e89"', 'primary: "#7fb2e5"'))
    result = run("--content", content, "--out", previous)
    assert result.code == 1
    line = next(ln for ln in result.err.splitlines() if "brand.primary" in ln)
    assert "clinic.yaml:" in line and "#7fb2e5" in line and "#ffffff" in line
    assert "2.23:1" in line and "nearest passing shade: #" in line
    suggestion = line.rsplit("#", 1)[1][:6]
    assert ratio("#" + suggestion, "#ffffff") >= 4.5
    assert snapshot(previous) == before


def _body_size(path) -> float:
    doc = pdfium.PdfDocument(str(path))
    sizes = []
    for page in doc:
        textpage = page.get_textpage()
        sizes += [round(pdfium.raw.FPDFText_GetFontSize(textpage, i), 1) for i in range(textpage.count_chars())]
    return max(set(sizes), key=sizes.count)


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_large_print_body_is_at_least_18pt(built, paper):
    for standard in (built / "en" / paper).glob("leaflet-*.pdf"):
        if standard.stem.endswith("large-print"):
            continue
        large = standard.with_name(f"{standard.stem}-large-print.pdf")
        assert large.is_file(), large
        assert _body_size(large) >= 18
        assert _body_size(standard) < 18
        # same content: every word of the standard leaflet's sections is in the large one
        words = lambda p: set(" ".join(pg.extract_text() for pg in PdfReader(p).pages).split())
        missing = {w for w in words(standard) - words(large) if not w.isdigit() and w not in {"of", "Page"}}
        assert len(missing) < 5, missing


def test_large_print_in_manifest(built):
    import json
    docs = json.loads((built / "manifest.json").read_text())["documents"]
    standard = [d for d in docs if d["kind"] == "leaflet" and d["edition"] == "standard"]
    large = [d for d in docs if d["edition"] == "large-print"]
    assert len(large) == len(standard) >= 8 and all(d["kind"] == "leaflet" for d in large)


HARD = ("Notwithstanding the considerable heterogeneity of contemporaneous neurosurgical methodologies, "
        "practitioners predominantly recommend individualized multidisciplinary postoperative rehabilitation "
        "incorporating progressive proprioceptive neuromuscular facilitation.")


def test_report_lists_every_document_with_its_grade(built):
    import json
    html = (built / "report.html").read_text()
    for title in ("Discectomy", "Spinal fusion", "Decompression", "Kyphoplasty"):
        assert title in html
    docs = json.loads((built / "manifest.json").read_text())["documents"]
    leaflet = next(d for d in docs if d["path"] == "en/letter/leaflet-discectomy.pdf")
    assert leaflet["reading"]["formula"] == "Flesch-Kincaid grade"
    assert 1 <= leaflet["reading"]["grade"] <= 8  # the shipped content meets the target
    assert leaflet["reading"]["words_per_sentence"] > 3


def test_hard_paragraph_raises_grade_and_warns(content, run, tmp_path):
    import json

    def grade(out):
        docs = json.loads((out / "manifest.json").read_text())["documents"]
        return next(d["reading"]["grade"] for d in docs if d["path"] == "en/letter/leaflet-discectomy.pdf")

    assert run("--content", content, "--out", tmp_path / "easy", "--quiet").code == 0
    path = content / "procedures/discectomy.yaml"
    text = path.read_text()
    first = text.index("      - >-\n", text.index("heading: What it is"))
    end = text.index("      - >-\n", first + 5)
    path.write_text(text[:first] + f"      - \"{HARD}\"\n" + text[end:])  # replaces the first paragraph
    assert run("--content", content, "--out", tmp_path / "hard", "--quiet").code == 0
    easy, hard = grade(tmp_path / "easy"), grade(tmp_path / "hard")
    assert hard > easy + 0.5
    # a target between the two: the easy text passes, the hard one warns and names its worst sentence
    clinic = content / "clinic.yaml"
    clinic.write_text(clinic.read_text() + f"reading_grade: {(easy + hard) / 2:.2f}\n")
    result = run("--content", content, "--out", tmp_path / "hard2")
    assert result.code == 0, result.err
    lines = [ln for ln in result.err.splitlines() if "discectomy.yaml" in ln and "reading level" in ln]
    assert lines and "above the target" in lines[0]
    assert any("Notwithstanding" in ln and "hard sentence" in ln for ln in lines)
    assert re.search(r"target [0-9.]+; [1-9]\d* over", result.out)
    # --strict turns the warning into an error and writes nothing
    strict = run("--content", content, "--out", tmp_path / "strict", "--strict")
    assert strict.code == 1 and "reading level" in strict.err
    assert not list((tmp_path / "strict").rglob("*.pdf"))


def test_reading_target_is_configurable(content, run, tmp_path):
    (content / "clinic.yaml").write_text((content / "clinic.yaml").read_text() + "reading_grade: 3\n")
    result = run("--content", content, "--out", tmp_path / "out")
    assert result.code == 0 and "above the target 3" in result.err


def test_undefined_medical_term_warns_with_file_and_line(content, run, tmp_path):
    path = content / "procedures/discectomy.yaml"
    path.write_text(path.read_text().replace("title: Discectomy\n", "title: Discectomy\n", 1).replace(
        "  - heading: What it is\n    body:\n", "  - heading: What it is\n    body:\n      - \"Some people have spondylolisthesis.\"\n", 1))
    glossary = content / "glossary.yaml"
    glossary.write_text(glossary.read_text() + "jargon: [pars defect]\n")
    path.write_text(path.read_text().replace("Some people have spondylolisthesis.",
                                             "Some people have spondylolisthesis or a pars defect."))
    result = run("--content", content, "--out", tmp_path / "out")
    assert result.code == 0, result.err
    lines = [ln for ln in result.err.splitlines() if "not defined in glossary.yaml" in ln]
    assert any("'spondylolisthesis'" in ln and "discectomy.yaml:" in ln for ln in lines), result.err
    assert any("'pars defect'" in ln for ln in lines)


def test_leaflet_has_words_to_know_from_the_glossary(built):
    text = " ".join(p.extract_text() for p in PdfReader(built / "en/letter/leaflet-kyphoplasty.pdf").pages)
    text = " ".join(text.split())
    assert "Words to know" in text
    assert "Osteoporosis:" in text or "Bone cement:" in text


def test_reviewed_content_has_no_draft_mark_unreviewed_has_it_on_every_page(content, run, tmp_path):
    path = content / "procedures/kyphoplasty.yaml"
    path.write_text(path.read_text().replace("  reviewed_by:", "  x_reviewed_by:").replace("x_reviewed_by", "# was"))
    result = run("--content", content, "--out", tmp_path / "out", "--quiet")
    assert result.code == 0, result.err
    for slug, draft in (("kyphoplasty", True), ("discectomy", False)):
        for page in PdfReader(tmp_path / f"out/en/letter/leaflet-{slug}.pdf").pages:
            assert ("DRAFT" in page.extract_text()) is draft, slug


def test_overdue_review_warns(content, run, tmp_path):
    path = content / "procedures/discectomy.yaml"
    path.write_text(path.read_text().replace("next_review: 2027-09-14", "next_review: 2020-01-01"))
    result = run("--content", content, "--out", tmp_path / "out", "--quiet")
    assert result.code == 0
    assert "discectomy.yaml" in result.err and "2020-01-01 has passed" in result.err


def test_accessible_basics(built):
    reader = PdfReader(built / "en/a4/leaflet-spinal-fusion.pdf")
    root = reader.trailer["/Root"]
    assert root["/ViewerPreferences"]["/DisplayDocTitle"] and root["/Lang"] == "en"
    assert reader.metadata.title == "Spinal fusion"
    # reading order: the title comes first, the sections in content order
    text = " ".join(p.extract_text() for p in reader.pages)
    order = [text.index(h) for h in ("Spinal fusion", "What it is", "How it is done", "Recovery", "When to call us")]
    assert order == sorted(order)


def test_leaflet_outline_mirrors_its_sections(built):
    reader = PdfReader(built / "en/letter/leaflet-discectomy.pdf")
    top = reader.outline
    assert top[0].title == "Discectomy"
    children = [x.title for x in top[1]]
    assert children[:2] == ["What it is", "How it is done"] and "Recovery" in children
    pages = [reader.get_destination_page_number(x) for x in top[1]]
    assert pages == sorted(pages) and pages[-1] >= 1


def test_translation_older_than_source_warns(content, run, tmp_path):
    es = content / "es/procedures"
    es.mkdir(parents=True, exist_ok=True)
    source = (content / "procedures/discectomy.yaml").read_text()
    (es / "discectomy.yaml").write_text(source)  # same text stands in for a translation
    (content / "procedures/discectomy.yaml").write_text(source.replace("  version: 1", "  version: 2"))
    result = run("--content", content, "--out", tmp_path / "out", "--quiet")
    assert result.code == 0, result.err
    line = next(ln for ln in result.err.splitlines() if "older than its source" in ln)
    assert "es/procedures/discectomy.yaml" in line and "content/procedures/discectomy.yaml" in line


def test_reading_level_needs_no_network(monkeypatch):
    """textstat must not download word lists: any socket use fails the test."""
    import socket

    from conftest import REPO
    from pressroom.layout.artwork import figure_names
    from pressroom.source.content import load_content
    from pressroom.inputs import list_tree
    from pressroom.source.readability import assess_all

    def refuse(*args, **kwargs):
        raise AssertionError("network used")
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    catalogues, _ = load_content(list_tree(REPO / "content", "content"), "content", frozenset(range(0x20000)),
                                 figure_names(list_tree(REPO / "layouts", "layouts")))
    readings = assess_all(catalogues)
    graded = [r for r in readings if r.grade is not None]
    assert {r.lang for r in graded} == {"en", "es"}  # the languages a formula is valid for
    assert all(0 < r.grade < 12 for r in graded)
    assert {r.lang for r in readings if r.grade is None} == {"vi", "zh-Hans"}  # "not graded"


@pytest.mark.parametrize("name,duplex", [("letter/leaflet-discectomy.pdf", "/DuplexFlipLongEdge"),
                                         ("a4/guide.pdf", "/DuplexFlipLongEdge"),
                                         ("letter/guide-imposed-booklet.pdf", "/DuplexFlipShortEdge"),
                                         ("a4/brochure-office.pdf", "/DuplexFlipShortEdge")])
def test_every_pdf_shows_its_title_and_presets_duplex(built, name, duplex):
    reader = PdfReader(built / "en" / name)
    prefs = reader.trailer["/Root"]["/ViewerPreferences"]
    assert prefs["/DisplayDocTitle"] and prefs["/Duplex"] == duplex
    assert reader.trailer["/Root"]["/Lang"] == "en" and reader.metadata.title


def test_brochure_outline_and_figure_alt_text(built):
    reader = PdfReader(built / "en/letter/brochure-office.pdf")
    top = reader.outline
    assert top[0].title == "Minimally Invasive Spine Surgery"
    headings = [x.title for x in top[1]]
    assert headings[0] == "Is back pain holding you back?" and len(headings) == 4
    from pdfstructure import structure
    tree, _ = structure(built / "en/letter/brochure-office.pdf")
    alts = [el.alt for el in tree.walk() if el.role == "Figure"]
    assert any(a.startswith("Drawing of a spine") for a in alts)  # the cover art's alternative text
    assert any("QR code that opens riverside-spine.example.org" in a for a in alts)
