"""The Spanish edition: every document English has, in Spanish, with Spanish fixed words."""

from __future__ import annotations

import json

import pytest
import yaml
from pathlib import Path

from pypdf import PdfReader

from conftest import REPO, copy_layouts

ENGLISH = yaml.safe_load((REPO / "layouts/strings/en.yaml").read_text())
SPANISH = yaml.safe_load((REPO / "layouts/strings/es.yaml").read_text())
# Fixed words that could only come from the English strings file.
ENGLISH_ONLY = [ENGLISH[k] for k in ("when_to_call", "words_to_know", "contents", "questions",
                                     "treats", "about_guide", "scan_website")] + [
    "Page 1 of", "DRAFT", "does not replace", "Figure 1", "Reviewed ", "In an emergency", "After hours"]


def docs(built, lang):
    manifest = json.loads((built / "manifest.json").read_text())["documents"]
    return {(d["kind"], d["paper"], d["edition"], d["path"].rsplit("/", 1)[1].replace(f"{lang}/", "")): d
            for d in manifest if d["language"] == lang}


def test_every_english_document_has_a_spanish_one(built):
    english, spanish = docs(built, "en"), docs(built, "es")
    assert set(english) == set(spanish)
    assert len(spanish) >= 26


def text(path) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())


@pytest.mark.parametrize("name", ["letter/leaflet-discectomy.pdf", "a4/leaflet-kyphoplasty-large-print.pdf",
                                  "letter/guide.pdf", "a5/guide-booklet.pdf", "letter/brochure-office.pdf",
                                  "a4/brochure-press.pdf"])
def test_spanish_pdf_text_and_fixed_words(built, name):
    path = built / "es" / name
    reader = PdfReader(path)
    assert reader.trailer["/Root"]["/Lang"] == "es"
    words = text(path)
    for english in ENGLISH_ONLY:
        assert english not in words, (name, english)
    assert any(ch in words for ch in "ñáéíóú")
    if "leaflet" in name:
        assert SPANISH["when_to_call"] in words and "Página 1 de" in words
        # The Spanish text was corrected after its sign-off: a draft until a clinician signs it.
        assert SPANISH["draft"] in words and "Revisado el" not in words
    if "guide" in name:
        for key in ("contents", "words_to_know", "questions"):
            assert SPANISH[key] in words, key
        assert "Próxima revisión: 14 de septiembre de 2027" in words  # the Spanish date
        for ch in "¿¡":  # «» too are set right: test_languages_and_new_content prints them
            assert ch in words, ch


def test_spanish_guide_hyphenates_with_spanish_rules_when_its_layout_asks(tmp_path):
    """Hyphenation is off for patients; a layout that turns it on (`hyphenate: true`) gets
    Spanish breaks in a Spanish booklet, whose short lines do hyphenate."""
    import pyphen
    from pressroom.cli import main
    root = Path(__file__).resolve().parent.parent
    layouts = tmp_path / "layouts"
    copy_layouts(layouts, [f"{name}.yaml" for name in ("base", "guide-letter", "guide-booklet-half-letter",
                                                         "guide-booklet-a5")])
    (layouts / "guide-booklet-a5.yaml").write_text((layouts / "guide-booklet-a5.yaml").read_text() + "hyphenate: true\n")
    assert main(["--content", str(root / "content"), "--layouts", str(layouts), "--fonts", str(root / "fonts"),
                 "--out", str(tmp_path / "out"), "--jobs", "1", "--quiet"], root=root) == 0
    dic = pyphen.Pyphen(lang="es")
    lines = [ln for p in PdfReader(tmp_path / "out/es/a5/guide-booklet.pdf").pages for ln in p.extract_text().splitlines()]
    broken = [(a.split()[-1], b.split()[0]) for a, b in zip(lines, lines[1:])
              if a.rstrip().endswith("-") and a.split() and b.split() and a.split()[-1][:-1].isalpha()]
    assert broken, "no hyphenated line in the Spanish booklet"
    for head, tail in broken:
        word = head[:-1] + tail.strip(".,;:)»")
        assert f"{head[:-1]}-" in [f"{a}-" for a, _ in dic.iterate(word)] or not word.isalpha(), (head, tail)
