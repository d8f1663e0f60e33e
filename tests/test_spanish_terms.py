"""The Spanish edition keeps a medical translator's corrections (issue 14, item 9): words the
review found regional, ambiguous or unsafe never reach a printed page, no heading reads as
"instructions", and a temperature gives °F first, as US thermometers do."""

from __future__ import annotations

import re
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from pdfstructure import read_aloud

# What the review found -> the pattern that finds it again. Matching is on the text of the
# built PDFs, with words split over two lines joined back together.
BANNED = {
    "'quebradura'/'quebrarse' is regional (a hernia in places): say 'fractura por compresión'":
        r"\bqu(?:e|ie)br\w*",
    "'medicina' for a medication: say 'medicamento'": r"\bmedicinas?\b",
    "'déjelo' can read as 'leave it as it is': say 'deje de tomarlo'": r"\bdéjel[oa]s?\b",
    "'estadía' is regional: say how long in the hospital": r"\bestad[ií]as?\b",
    "'venda' is ambiguous: say 'vendaje'": r"\bvendas?\b",
    "'caminar poco' reads as 'walk little': say short, frequent walks": r"\bcamin(?:ar|e|a|en)\s+poco\b",
    "'¿Soy un buen candidato…?' is masculine only": r"\bbuen candidato\b",
    "'lo guían'/'le muestra' reads as if the X-rays guide the patient: name the surgeon":
        r"\blo guían\b|\ble muestra dónde\b",
    "'vejiga o los intestinos' is a calque: say urine and stool": r"\bvejiga o los intestinos\b",
    "'tras' is bookish: say 'después de'": r"\btras\b",
    "'curación' is ambiguous (a cure, a wound dressing): say how it heals": r"\bcuraci[oó]n\b",
    "'consultas regulares' is ambiguous ('regular' = so-so)": r"\bconsultas regulares\b",
    "'instrumentos suaves' is unclear": r"\binstrumentos suaves\b",
    "'casi siempre' overstates 'most often'": r"\bcasi siempre\b",
}
HEADING = re.compile(r"^\s*indicaci(?:ón|ones)\b", re.IGNORECASE)  # patients read "instructions"
ROOT = Path(__file__).resolve().parents[1]


def banned(text: str) -> list[tuple[str, str]]:
    """(finding, the words found) for every banned term in the text."""
    return [(why, m.group(0)) for why, pattern in BANNED.items()
            for m in re.finditer(pattern, text, re.IGNORECASE)]


def celsius_first(text: str) -> list[str]:
    """Every °C not right after a °F: '38.3 °C (101 °F)' and a lone '38.3 °C' both count."""
    return [text[max(0, m.start() - 30):m.end() + 12] for m in re.finditer(r"\d\s*°\s*C\b", text)
            if "°F" not in text[max(0, m.start() - 30):m.start()].replace(" ", "")]


def flat(text: str) -> str:
    """One line, spaces collapsed, words hyphenated over two lines joined again (pdfium marks
    such a break with U+FFFE; other extractors leave a hyphen or soft hyphen before a newline)."""
    text = re.sub(r"(\w)[-\u00ad]\s*[\r\n]+\s*(\w)", r"\1\2", text)
    return " ".join(re.sub("[\u00ad\ufffe\x02]", "", text).split())


def pdf_text(path: Path) -> str:
    doc = pdfium.PdfDocument(str(path))
    return flat("\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc))))


def spanish_pdfs(built: Path) -> list[Path]:
    return sorted((built / "es").rglob("*.pdf"))


# -- the scanners catch what the review found, and pass the corrected text ------------------

REVIEWED = ["Si toma un anticoagulante, déjelo o cámbielo", "una pequeña quebradura en un hueso",
            "uno puede quebrarse y aplastarse", "un hueso de la columna se quiebra", "menos medicina para el dolor",
            "o tras una estadía corta", "no necesitan puntos, solo una venda.", "Caminar poco y a menudo",
            "camine poco después de la cirugía", "¿Soy un buen candidato para la cirugía?",
            "lo guían al lugar exacto", "le muestra dónde está cada instrumento",
            "pérdida del control de la vejiga o los intestinos", "revisar su curación",
            "Las consultas regulares", "instrumentos suaves", "Casi siempre le darán anestesia",
            "una que-\nbradura", "una que\ufffebradura"]
CORRECTED = ["Si toma un anticoagulante (un medicamento que adelgaza la sangre), deje de tomarlo",
             "un hueso de la columna que se rompe y se aplasta", "menos medicamento para el dolor que "
             "después de una cirugía abierta", "un vendaje.", "Hacer caminatas cortas varias veces al día",
             "¿Es la cirugía mínimamente invasiva adecuada para mí?", "guían al cirujano al lugar exacto",
             "no poder controlar la orina o las heces", "ve cómo sana y cómo avanza", "detrás, atrás",
             "La mayoría de las veces", "Fiebre de 101 °F (38.3 °C) o más"]


@pytest.mark.parametrize("phrase", REVIEWED)
def test_each_reviewed_phrase_is_caught(phrase):
    assert banned(flat(phrase)), phrase


@pytest.mark.parametrize("phrase", CORRECTED)
def test_corrected_phrases_pass(phrase):
    assert banned(flat(phrase)) == [] and celsius_first(flat(phrase)) == [], phrase


def test_celsius_first_is_caught_and_fahrenheit_first_passes():
    assert celsius_first("Fiebre de 38.3 °C (101 °F) o más")
    assert celsius_first("una fiebre de 38.3 °C")
    assert celsius_first("Fiebre de 101 °F (38.3 °C) o más") == []
    assert celsius_first(flat("Fiebre de 101 °F\n(38.3 °C) o más")) == []


# -- the built Spanish PDFs -------------------------------------------------------------------

def test_no_spanish_pdf_prints_a_banned_term(built):
    paths = spanish_pdfs(built)
    assert len(paths) >= 26
    found = {}
    for path in paths:
        text = pdf_text(path)
        assert "columna" in text, path  # the text really came out
        hits = banned(text) + [("°C before °F", s) for s in celsius_first(text)]
        if hits:
            found[path.relative_to(built).as_posix()] = hits
    assert not found, found


def test_spanish_leaflets_say_what_the_review_asked(built):
    """The fixes are there, not only the faults gone: stop the blood thinner as told, °F first,
    urine and stool in plain words, inches with centimetres."""
    leaflets = [p for p in spanish_pdfs(built) if p.name.startswith("leaflet-")]
    assert len(leaflets) == 16
    for path in leaflets:
        text = pdf_text(path)
        for words in ("deje de tomarlo", "un medicamento que adelgaza la sangre", "Fiebre de 101 °F (38.3 °C)",
                      "no poder controlar la orina o las heces"):
            assert words in text, (path.name, words)
        if "kyphoplasty" not in path.name:
            assert "menos de una pulgada (2.5 cm)" in text, path.name


@pytest.mark.parametrize("name", ["letter/guide.pdf", "a4/guide.pdf", "a5/guide-booklet.pdf",
                                  "letter/leaflet-kyphoplasty.pdf", "letter/brochure-office.pdf"])
def test_no_heading_or_contents_line_reads_as_instructions(built, name):
    """'Indicaciones' as a heading reads as 'instructions'; so does a contents line. Figures'
    alternative text, read aloud, is scanned for the banned terms too."""
    read = read_aloud(built / "es" / name)
    headings = [text for role, text in read if re.fullmatch(r"H\d?|TOCI|Reference|Link", role)]
    assert len(headings) >= 5
    assert not [h for h in headings if HEADING.match(h)], headings
    alts = " ".join(text for role, text in read if role == "Figure")
    assert not banned(alts) and not celsius_first(alts), alts
