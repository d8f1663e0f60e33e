"""Content the generator has never seen: another clinic, other procedures, other languages."""

from __future__ import annotations

import json

from pypdf import PdfReader

CLINIC = """name: Lakeside Back & Neck Clinic
phone: "(555) 555-0177"
emergency: "911"
website: https://lakeside.example.org
language: en
brand:
  primary: "#5b2a86"
  accent: "#e07a1f"
"""

PROCEDURE = """title: {title}
summary: "{summary}"
treats: [Neck pain]
sections:
  - heading: {heading}
    body:
      - "Call {{{{ clinic.phone }}}} with questions. ¿Preguntas? ¡Llame! «Gracias»."
      - bullets: [uno, dos]
      - steps: [one, two]
      - note: "Bring your scans."
when_to_call: [Fever]
"""


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_new_clinic_new_procedure_and_a_language_without_strings(tmp_path, run):
    content = tmp_path / "content"
    write(content / "clinic.yaml", CLINIC)
    write(content / "procedures/cervical-disc-replacement.yaml",
          PROCEDURE.format(title="Cervical disc replacement", summary="A new disc for the neck.",
                           heading="How it is done"))
    write(content / "es/procedures/cervical-disc-replacement.yaml",
          PROCEDURE.format(title="Reemplazo de disco cervical", summary="Un disco nuevo para el cuello.",
                           heading="Cómo se hace"))
    write(content / "fr/procedures/cervical-disc-replacement.yaml",
          PROCEDURE.format(title="Prothèse discale cervicale", summary="Un nouveau disque.",
                           heading="Comment ça se passe"))
    result = run("--content", content, "--out", tmp_path / "out")
    # French has no fixed words anywhere: one error naming the file to add
    assert result.code == 1
    assert "fr/strings.yaml" in result.err and "language 'fr' has no fixed words" in result.err
    write(content / "fr/strings.yaml", "treats: \"Traite :\"\n")
    result = run("--content", content, "--out", tmp_path / "out")
    assert result.code == 0, result.err
    # French lacks most fixed words: a warning naming them, at its strings file; English words
    assert "fr/strings.yaml" in result.err and "when_to_call" in result.err

    manifest = json.loads((tmp_path / "out/manifest.json").read_text())
    paths = {e["path"]: e for e in manifest["documents"]}
    for lang in ("en", "es", "fr"):
        for paper in ("letter", "a4"):
            assert f"{lang}/{paper}/leaflet-cervical-disc-replacement.pdf" in paths

    es = PdfReader(tmp_path / "out/es/letter/leaflet-cervical-disc-replacement.pdf")
    text = "\n".join(p.extract_text() for p in es.pages)
    for expected in ["Reemplazo de disco cervical", "Cómo se hace", "¿Preguntas? ¡Llame! «Gracias»",
                     "Cuándo llamarnos", "Página 1 de 1", "Lakeside Back & Neck Clinic", "(555) 555-0177"]:
        assert expected in text, expected
    for english in ["When to call us", "Page 1 of", "Treats:", "does not replace"]:
        assert english not in text, english
    assert es.trailer["/Root"]["/Lang"] == "es"
    assert paths["es/letter/leaflet-cervical-disc-replacement.pdf"]["language"] == "es"

    fr = PdfReader(tmp_path / "out/fr/a4/leaflet-cervical-disc-replacement.pdf")
    assert "When to call us" in fr.pages[0].extract_text()  # English fallback, announced above
    assert fr.trailer["/Root"]["/Lang"] == "fr"


def test_translated_clinic_overrides_only_what_it_gives(tmp_path, run):
    content = tmp_path / "content"
    write(content / "clinic.yaml", CLINIC)
    write(content / "es/clinic.yaml", "name: Clínica Lakeside de Espalda y Cuello\n")
    write(content / "es/procedures/x.yaml", PROCEDURE.format(title="Equis", summary="S.", heading="H"))
    result = run("--content", content, "--out", tmp_path / "out", "--quiet")
    assert result.code == 0, result.err
    text = PdfReader(tmp_path / "out/es/a4/leaflet-x.pdf").pages[0].extract_text()
    assert "Clínica Lakeside de Espalda y Cuello" in text and "(555) 555-0177" in text


def test_brand_colour_reaches_the_page(tmp_path, run):
    import pypdfium2 as pdfium
    content = tmp_path / "content"
    write(content / "clinic.yaml", CLINIC)
    write(content / "procedures/x.yaml", PROCEDURE.format(title="X", summary="S.", heading="H"))
    assert run("--content", content, "--out", tmp_path / "out", "--quiet").code == 0
    image = pdfium.PdfDocument(str(tmp_path / "out/en/letter/leaflet-x.pdf"))[0].render(scale=1).to_pil()
    assert image.convert("RGB").getpixel((300, 10)) == (0x5b, 0x2a, 0x86)
