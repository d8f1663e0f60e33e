"""The shipped leaflets, opened and read back."""

from __future__ import annotations

import json

import pytest
from pypdf import PdfReader

PROCEDURES = ["decompression", "discectomy", "kyphoplasty", "spinal-fusion"]
PAPERS = {"letter": (612.0, 792.0), "a4": (595.28, 841.89)}


def leaflets(built):
    return [(built / "en" / paper / f"leaflet-{slug}.pdf", paper, slug)
            for paper in PAPERS for slug in PROCEDURES]


def text_of(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def test_eight_leaflets_and_manifest(built):
    manifest = json.loads((built / "manifest.json").read_text())
    entries = {e["path"]: e for e in manifest["documents"]}
    for path, paper, slug in leaflets(built):
        rel = path.relative_to(built).as_posix()
        assert path.is_file(), rel
        entry = entries[rel]
        assert entry["kind"] == "leaflet" and entry["language"] == "en" and entry["paper"] == paper
        assert entry["pages"] == len(PdfReader(path).pages)
        import hashlib
        assert entry["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("paper", PAPERS)
@pytest.mark.parametrize("slug", PROCEDURES)
def test_leaflet_is_one_sheet_of_the_right_paper(built, paper, slug):
    reader = PdfReader(built / "en" / paper / f"leaflet-{slug}.pdf")
    assert 1 <= len(reader.pages) <= 2
    for page in reader.pages:
        w, h = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(w, 1), round(h, 1)) == tuple(round(v, 1) for v in PAPERS[paper])


def test_leaflet_text_has_every_part(built):
    reader = PdfReader(built / "en" / "letter" / "leaflet-discectomy.pdf")
    text = text_of(reader)
    for expected in ["Discectomy", "Riverside Spine Center", "(555) 555-0142", "When to call us",
                     "How it is done", "Recovery", "Getting ready", "Page 1 of 2", "Page 2 of 2",
                     "RSC-PL-001", "does not replace the advice"]:
        assert expected in text, expected
    # the seed's tools appear in the discectomy leaflet
    for tool in ["endoscope", "microscope", "less than an inch"]:
        assert tool in text.lower() or tool in text


def test_fonts_embedded_and_subset(built):
    reader = PdfReader(built / "en" / "a4" / "leaflet-kyphoplasty.pdf")
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[font["/BaseFont"]] = font
    assert fonts, "no fonts"
    for name, font in fonts.items():
        descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        descriptor = descendant["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor, f"{name} not embedded"
        assert "AtkinsonHyperlegible" in name
        assert "+" in name, f"{name} is not a subset"


def test_metadata(built):
    reader = PdfReader(built / "en" / "letter" / "leaflet-spinal-fusion.pdf")
    info = reader.metadata
    assert info.title == "Spinal fusion" or "Fusion" in info.title
    assert info.author == "Riverside Spine Center"
    assert info.subject
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"]


def test_body_text_at_least_11pt(built):
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(str(built / "en" / "letter" / "leaflet-decompression.pdf"))
    sizes = []
    for page in doc:
        textpage = page.get_textpage()
        for i in range(textpage.count_chars()):
            sizes.append(round(pdfium.raw.FPDFText_GetFontSize(textpage, i), 1))
    body = max(set(sizes), key=sizes.count)  # the most common size is the body text
    assert body >= 11


def test_rebuild_is_byte_identical(built, run, tmp_path):
    assert run("--out", tmp_path / "again", "--quiet").code == 0
    for path in built.rglob("*.pdf"):
        again = tmp_path / "again" / path.relative_to(built)
        assert again.read_bytes() == path.read_bytes(), path.name
    assert (tmp_path / "again" / "manifest.json").read_bytes() == (built / "manifest.json").read_bytes()


@pytest.mark.render
def test_first_page_looks_like_a_leaflet(built, tmp_path):
    """The band is the brand colour, text is dark on white, nothing is printed past the margins."""
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(str(built / "en" / "letter" / "leaflet-discectomy.pdf"))
    image = doc[0].render(scale=1).to_pil().convert("RGB")
    image.save(tmp_path / "p1.png")
    w, h = image.size
    assert image.getpixel((w // 2, 10)) == (0x1d, 0x4e, 0x89)  # brand primary band
    # margins are blank: no ink in the left and right 0.5 in below the band
    for x in list(range(0, 36)) + list(range(w - 36, w)):
        for y in range(120, h - 20, 7):
            assert image.getpixel((x, y)) == (255, 255, 255), (x, y)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_no_heading_sits_alone_at_a_page_foot(built, lang):
    """The last line above the footer is never set in the heading size."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw
    for path in sorted((built / lang).glob("*/leaflet-*.pdf")):
        heading = 22 if "large-print" in path.name else 14.5
        footer = 80 if "large-print" in path.name else 62  # the footer rule, in points above the paper edge
        doc = pdfium.PdfDocument(str(path))
        for i in range(len(doc)):
            textpage = doc[i].get_textpage()
            chars = [(textpage.get_charbox(c)[1], raw.FPDFText_GetFontSize(textpage.raw, c))
                     for c in range(textpage.count_chars()) if not textpage.get_text_range(c, 1).isspace()]
            body = [(y, size) for y, size in chars if y > footer and size >= 11]
            lowest = min(y for y, _ in body)
            assert max(size for y, size in body if y < lowest + 4) < heading, (path.name, i + 1)
