"""Press editions of the guide booklet and (with `press: true`) the leaflets: page boxes,
bleed on every colour that reaches a trim edge, crop marks, CMYK only, untagged; the
imposed 2-up file stays an office file.

One small build (two procedures, the guide, the booklets, a press leaflet layout) is
shared by the module.
"""

from __future__ import annotations

import json
import re
import zlib

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from conftest import REPO, copy_layouts, make_small_content
from pressroom.cli import main

IN, MM = 72.0, 72 / 25.4
PAPER = {"half-letter": (5.5 * IN, 8.5 * IN), "a5": (148 * MM, 210 * MM), "letter": (8.5 * IN, 11 * IN)}
BLEED = {"half-letter": 0.125 * IN, "a5": 3 * MM, "letter": 0.125 * IN}
PRESS = [("half-letter", "guide-booklet-press.pdf"), ("a5", "guide-booklet-press.pdf"),
         ("letter", "leaflet-discectomy-press.pdf")]
LAYOUTS = ("base.yaml", "guide-letter.yaml", "guide-booklet-half-letter.yaml", "guide-booklet-a5.yaml",
           "leaflet-letter.yaml")


@pytest.fixture(scope="module")
def press_build(tmp_path_factory):
    root = tmp_path_factory.mktemp("press")
    layouts = copy_layouts(root / "layouts", LAYOUTS)
    (layouts / "leaflet-letter.yaml").write_text((REPO / "layouts/leaflet-letter.yaml").read_text()
                                                 + "press: true\n")
    content = make_small_content(root / "content")
    guide = (REPO / "content/guide.yaml").read_text()
    (content / "guide.yaml").write_text(re.sub(r"procedures: \[[^\]]*\]", "procedures: all", guide))
    out = root / "out"
    assert main(["--content", str(content), "--layouts", str(layouts), "--fonts", str(REPO / "fonts"),
                 "--out", str(out), "--quiet", "--jobs", "1"], root=REPO) == 0
    return out


def boxes(page) -> dict:
    return {name: tuple(float(v) for v in page[name]) for name in ("/MediaBox", "/TrimBox", "/BleedBox")}


@pytest.mark.parametrize("paper,name", PRESS)
def test_trim_and_bleed_boxes_on_every_page(press_build, paper, name):
    reader = PdfReader(press_build / "en" / paper / name)
    width, height = PAPER[paper]
    bleed = BLEED[paper]
    for page in reader.pages:
        b = boxes(page)
        tx0, ty0, tx1, ty1 = b["/TrimBox"]
        assert (tx1 - tx0, ty1 - ty0) == pytest.approx((width, height), abs=0.01)
        assert b["/BleedBox"] == pytest.approx((tx0 - bleed, ty0 - bleed, tx1 + bleed, ty1 + bleed), abs=0.01)
        mx0, my0, mx1, my1 = b["/MediaBox"]
        assert mx0 < tx0 - bleed and my0 < ty0 - bleed and mx1 > tx1 + bleed and my1 > ty1 + bleed


def _ink(pixel) -> bool:
    return sum(pixel[:3]) < 3 * 235


@pytest.mark.parametrize("paper,name", PRESS)
def test_colour_at_a_trim_edge_runs_into_the_bleed_and_marks_print(press_build, paper, name):
    path = press_build / "en" / paper / name
    reader = PdfReader(path)
    doc = pdfium.PdfDocument(path)
    scale = 2
    bleed = BLEED[paper]
    edged = 0
    for index in sorted({0, 1, len(doc) - 1}):
        image = doc[index].render(scale=scale).to_pil().convert("RGB")
        _, _, _, media_h = boxes(reader.pages[index])["/MediaBox"]
        tx0, ty0, tx1, ty1 = boxes(reader.pages[index])["/TrimBox"]

        def px(x, y):  # PDF points -> the rendered pixel
            return image.getpixel((int(x * scale), int((media_h - y) * scale)))

        for t in [i / 20 for i in range(1, 20)]:
            x, y = tx0 + (tx1 - tx0) * t, ty0 + (ty1 - ty0) * t
            for inside, outside in (((x, ty1 - 1), (x, ty1 + bleed - 1.5)), ((x, ty0 + 1), (x, ty0 - bleed + 1.5)),
                                    ((tx0 + 1, y), (tx0 - bleed + 1.5, y)), ((tx1 - 1, y), (tx1 + bleed - 1.5, y))):
                if _ink(px(*inside)):
                    edged += 1
                    assert px(*outside) == px(*inside), (index, inside)
        offset = float(reader.pages[index]["/TrimBox"][0]) - boxes(reader.pages[index])["/MediaBox"][0]
        assert _ink(px(tx0, ty0 - offset / 2 - bleed / 2)) or _ink(px(tx0, ty0 - (offset + bleed) / 2))  # crop mark
    assert edged  # the cover band, the back strip and the leaflet band reach the trim


def _streams(path) -> list[bytes]:
    """Every content stream of every page and form XObject."""
    data = path.read_bytes()
    out = []
    for match in re.finditer(rb"stream\r?\n", data):
        end = data.find(b"endstream", match.end())
        raw = data[match.end():end]
        try:
            out.append(zlib.decompress(raw))
        except zlib.error:
            out.append(raw)
    return out


@pytest.mark.parametrize("paper,name", PRESS)
def test_press_files_are_cmyk_and_untagged(press_build, paper, name):
    path = press_build / "en" / paper / name
    data = path.read_bytes()
    assert b"/DeviceRGB" not in data and b"/CalRGB" not in data
    for stream in _streams(path):
        assert not re.search(rb"(^|\s)[-\d.]+ [-\d.]+ [-\d.]+ (rg|RG)\b", stream)
        assert re.search(rb"\bk\b|\bK\b", stream) or b"BT" not in stream
    reader = PdfReader(path)
    assert "/StructTreeRoot" not in reader.trailer["/Root"] and "/MarkInfo" not in reader.trailer["/Root"]
    assert b"pdfuaid" not in data and b"/Annots" not in data


def test_press_booklet_is_the_booklet_in_page_order(press_build):
    for paper in ("half-letter", "a5"):
        office = PdfReader(press_build / "en" / paper / "guide-booklet.pdf")
        press = PdfReader(press_build / "en" / paper / "guide-booklet-press.pdf")
        assert len(press.pages) == len(office.pages) and len(press.pages) % 4 == 0
        # pages with no figure: a figure's alternative text is invisible text in the press
        # file (it is untagged) and the /Alt of its Figure element in the office file
        plain = [(a, b) for a, b in zip(office.pages, press.pages) if "Figure" not in a.extract_text()]
        assert len(plain) > len(office.pages) / 2
        for a, b in plain:
            assert a.extract_text().split() == b.extract_text().split()


def test_the_imposed_file_stays_an_office_file(press_build):
    manifest = {e["path"]: e for e in json.loads((press_build / "manifest.json").read_text())["documents"]}
    assert manifest["en/letter/guide-imposed-booklet.pdf"]["edition"] == "booklet"
    assert manifest["en/half-letter/guide-booklet-press.pdf"]["edition"] == "booklet-press"
    assert manifest["en/letter/leaflet-discectomy-press.pdf"]["edition"] == "press"
    assert not any("imposed" in p and "press" in p for p in manifest)
    page = PdfReader(press_build / "en/letter/guide-imposed-booklet.pdf").pages[0]
    assert "/TrimBox" not in page or [float(v) for v in page["/TrimBox"]] == [float(v) for v in page["/MediaBox"]]


# -- PDF/X-1a:2003 ------------------------------------------------------------------------

def pdfx_files(press_build, built):
    return [press_build / "en" / paper / name for paper, name in PRESS] + [
        built / "en" / paper / "brochure-press.pdf" for paper in ("letter", "a4")]


def test_press_files_claim_pdfx_1a_field_by_field(press_build, built):
    for path in pdfx_files(press_build, built):
        data = path.read_bytes()
        assert data[:9] in (b"%PDF-1.3\n", b"%PDF-1.4\n"), path          # the version X-1a:2003 names
        reader = PdfReader(path)
        assert not reader.is_encrypted and "/Encrypt" not in reader.trailer
        info = reader.trailer["/Info"].get_object()
        assert info["/GTS_PDFXVersion"] == "PDF/X-1:2003" and info["/GTS_PDFXConformance"] == "PDF/X-1a:2003"
        assert info["/Trapped"] == "/False" and info["/Title"] and info["/CreationDate"] and info["/ModDate"]
        root = reader.trailer["/Root"]
        (intent,) = [i.get_object() for i in root["/OutputIntents"]]
        assert intent["/S"] == "/GTS_PDFX" and intent["/OutputConditionIdentifier"] == "FOGRA39"
        assert intent["/RegistryName"] == "http://www.color.org" and "/DestOutputProfile" not in intent
        xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
        assert "<pdfx:GTS_PDFXVersion>PDF/X-1:2003</pdfx:GTS_PDFXVersion>" in xmp
        assert "<pdf:Trapped>False</pdf:Trapped>" in xmp and "<xmp:CreateDate>2000-01-01T00:00:00Z" in xmp
        for page in reader.pages:
            assert "/TrimBox" in page and "/BleedBox" in page
            resources = page["/Resources"]
            for gs in (resources.get("/ExtGState") or {}).values():  # no transparency
                gs = gs.get_object()
                assert gs.get("/SMask", "/None") == "/None" and float(gs.get("/ca", 1)) == 1 == float(gs.get("/CA", 1))
            for font in (resources.get("/Font") or {}).values():
                descriptor = font.get_object()["/FontDescriptor"].get_object()
                assert "/FontFile2" in descriptor or "/FontFile3" in descriptor or "/FontFile" in descriptor
        assert b"/SMask" not in data and b"/DeviceRGB" not in data, path


def test_office_files_claim_no_pdfx(press_build):
    for path in (press_build / "en/half-letter/guide-booklet.pdf", press_build / "en/letter/guide-imposed-booklet.pdf"):
        reader = PdfReader(path)
        assert "/OutputIntents" not in reader.trailer["/Root"]
        assert "/GTS_PDFXVersion" not in reader.trailer["/Info"].get_object()
