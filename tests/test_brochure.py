"""The tri-fold brochure: real PDFs built from content trees, opened and measured.

Panel widths here are the reference figures from the brief, not read from the code, so
the tests check the layout files and the renderer against the product's numbers.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from PIL import Image, ImageDraw
from pypdf import PdfReader

from pressroom.build.pipeline import Paths, plan
from pressroom.cli import main

REPO = Path(__file__).resolve().parents[1]
IN, MM = 72.0, 72 / 25.4
PAPER = {"letter": (11 * IN, 8.5 * IN), "a4": (297 * MM, 210 * MM)}
BLEED = {"letter": 0.125 * IN, "a4": 3 * MM}
# left to right as printed; the narrow fold-in panel is the same physical panel on both pages
PANELS = {"letter": {"outside": (3.625 * IN, 3.6875 * IN, 3.6875 * IN),
                     "inside": (3.6875 * IN, 3.6875 * IN, 3.625 * IN)},
          "a4": {"outside": (97 * MM, 100 * MM, 100 * MM), "inside": (100 * MM, 100 * MM, 97 * MM)}}
VARIANTS = [(paper, edition) for paper in ("letter", "a4") for edition in ("office", "press")]
HEADINGS = {"outside": ("Is back pain holding you back?", "Contact us", "Minimally Invasive Spine Surgery"),
            "inside": ("What is MISS?", "Why choose MISS?", "Conditions we treat")}


# -- building ---------------------------------------------------------------------

def brochure_layouts(target: Path) -> Path:
    """Only the brochure layouts (and what they extend), so other kinds' work in
    progress cannot break these tests."""
    target.mkdir(parents=True, exist_ok=True)
    for path in [REPO / "layouts/base.yaml", *sorted((REPO / "layouts").glob("brochure-*.yaml"))]:
        shutil.copy(path, target / path.name)
    shutil.copytree(REPO / "layouts/strings", target / "strings")
    shutil.copytree(REPO / "layouts/figures", target / "figures")
    shutil.copytree(REPO / "layouts/profiles", target / "profiles")
    return target


def build(content: Path, out: Path, layouts: Path, capsys=None) -> tuple[int, str]:
    code = main(["--content", str(content), "--layouts", str(layouts), "--fonts", str(REPO / "fonts"),
                 "--out", str(out), "--quiet"], root=REPO)
    err = capsys.readouterr().err if capsys else ""
    return code, err


@pytest.fixture(scope="module")
def layouts(tmp_path_factory) -> Path:
    return brochure_layouts(tmp_path_factory.mktemp("layouts") / "layouts")


@pytest.fixture(scope="module")
def built(tmp_path_factory, layouts) -> Path:
    out = tmp_path_factory.mktemp("brochure") / "out"
    assert build(REPO / "content", out, layouts)[0] == 0
    return out


def pdf(out: Path, paper: str, edition: str, lang: str = "en") -> Path:
    return out / lang / paper / f"brochure-{edition}.pdf"


# -- reading PDFs -----------------------------------------------------------------

def box(page, name: str) -> tuple[float, ...]:
    return tuple(float(v) for v in page[name])


def chars(path: Path, index: int, trim_origin: tuple[float, float]) -> list[tuple[str, tuple]]:
    """Every printed character and its box, in points from the trim's lower-left corner."""
    doc = pdfium.PdfDocument(path)
    text = doc[index].get_textpage()
    ox, oy = trim_origin
    out = []
    for i in range(text.count_chars()):
        ch = text.get_text_range(i, 1)
        if ch.strip():
            l, b, r, t = text.get_charbox(i)
            out.append((ch, (l - ox, b - oy, r - ox, t - oy)))
    return out


def panel_text(path: Path, index: int, left: float, right: float) -> str:
    """The text inside an x-range (in trim coordinates) of one page."""
    reader = PdfReader(path)
    tx, ty, _, top = box(reader.pages[index], "/TrimBox")
    page = pdfium.PdfDocument(path)[index]
    text = page.get_textpage().get_text_bounded(left + tx, ty, right + tx, top)
    return " ".join(text.split())


def content_ops(path: Path) -> list[str]:
    reader = PdfReader(path)
    return [page.get_contents().get_data().decode("latin-1") for page in reader.pages]


def images(path: Path) -> list:
    out = []
    for page in PdfReader(path).pages:
        xobjects = page["/Resources"].get("/XObject") or {}
        out += [x.get_object() for x in xobjects.values() if x.get_object()["/Subtype"] == "/Image"]
    return out


# -- boxes, colour, fonts -----------------------------------------------------------

@pytest.mark.parametrize("paper,edition", VARIANTS)
def test_two_pages_with_trim_and_bleed_boxes(built, paper, edition):
    reader = PdfReader(pdf(built, paper, edition))
    assert len(reader.pages) == 2
    width, height = PAPER[paper]
    bleed = BLEED[paper] if edition == "press" else 0.0
    for page in reader.pages:
        tx0, ty0, tx1, ty1 = box(page, "/TrimBox")
        assert tx1 - tx0 == pytest.approx(width, abs=0.05) and ty1 - ty0 == pytest.approx(height, abs=0.05)
        bx0, by0, bx1, by1 = box(page, "/BleedBox")
        assert (tx0 - bx0, ty0 - by0, bx1 - tx1, by1 - ty1) == pytest.approx((bleed,) * 4, abs=0.05)
        mx0, my0, mx1, my1 = box(page, "/MediaBox")
        assert mx0 <= bx0 and my0 <= by0 and mx1 >= bx1 and my1 >= by1
        if edition == "press":  # room for the marks beyond the bleed
            assert bx0 - mx0 >= 0.25 * IN
        else:
            assert (mx0, my0, mx1, my1) == pytest.approx((tx0, ty0, tx1, ty1))


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_press_sets_no_rgb_colour_and_no_links(built, paper):
    path = pdf(built, paper, "press")
    for stream in content_ops(path):
        assert not re.search(r"(^|\s)(rg|RG)(\s|$)", stream)
        assert re.search(r"(^|\s)k(\s|$)", stream)  # colours are set, as CMYK
    for page in PdfReader(path).pages:
        assert "/Annots" not in page  # preflights refuse annotations on the page


def test_office_is_rgb_and_keeps_links(built):
    path = pdf(built, "letter", "office")
    assert any(re.search(r"(^|\s)rg(\s|$)", s) for s in content_ops(path))
    links = [a.get_object()["/A"]["/URI"] for p in PdfReader(path).pages for a in p.get("/Annots", [])]
    assert "https://riverside-spine.example.org" in links


@pytest.mark.parametrize("paper,edition", VARIANTS)
def test_fonts_embedded_metadata_and_language(built, paper, edition):
    reader = PdfReader(pdf(built, paper, edition))
    meta = reader.metadata
    assert meta["/Title"] == "Minimally Invasive Spine Surgery"
    assert meta["/Author"] == "Riverside Spine Center" and meta["/Subject"].startswith("Smaller incisions")
    assert reader.trailer["/Root"]["/Lang"] == "en"
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None:  # composite font
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor.get_object(), font["/BaseFont"]


def test_builds_are_byte_identical(built, layouts, tmp_path):
    assert build(REPO / "content", tmp_path / "again", layouts)[0] == 0
    for paper, edition in VARIANTS:
        assert pdf(tmp_path / "again", paper, edition).read_bytes() == pdf(built, paper, edition).read_bytes()


def test_body_text_is_at_least_11pt(built):
    path = pdf(built, "letter", "office")
    text = pdfium.PdfDocument(path)[1].get_textpage()
    sizes = [pdfium_c.FPDFText_GetFontSize(text.raw, i) for i in range(text.count_chars())
             if text.get_text_range(i, 1).strip()]
    most = max(set(sizes), key=sizes.count)
    assert most >= 11


# -- panels and folds ---------------------------------------------------------------

@pytest.mark.parametrize("paper,edition", VARIANTS)
def test_each_panel_text_lies_inside_its_panel(built, paper, edition):
    path = pdf(built, paper, edition)
    reader = PdfReader(path)
    for index, page_name in enumerate(("outside", "inside")):
        widths = PANELS[paper][page_name]
        edges = [sum(widths[:i]) for i in range(4)]
        tx, ty = box(reader.pages[index], "/TrimBox")[:2]
        for (left, right), heading in zip(zip(edges, edges[1:]), HEADINGS[page_name]):
            assert heading in panel_text(path, index, left, right)
        folds = edges[1:3]
        for ch, (l, b, r, t) in chars(path, index, (tx, ty)):
            assert not any(l - 12 < fold < r + 12 for fold in folds), f"{ch!r} at {l:.0f} is on a fold"
            assert -1 < l and r < edges[-1] + 1 and -1 < b and t < PAPER[paper][1] + 1


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_fold_in_panel_is_narrower_and_mirrored(paper):
    """The layouts' panels as the renderer reads them: flap narrower, inside mirrored."""
    from pressroom.errors import Problems
    from pressroom.layout.layouts import load_layouts, resolve_layout
    from pressroom.source.model import Brand
    from pressroom.render.brochure_layout import read_geometry

    specs = load_layouts(REPO / "layouts", "layouts", Problems())
    for edition in ("office", "press"):
        layout = resolve_layout(specs[f"brochure-{paper}-{edition}"], Brand("#1d4e89", "#2a9d8f"), Problems())
        geo, problems = read_geometry(layout)
        assert not problems
        for page in ("outside", "inside"):
            assert [p.width for p in geo.page(page)] == pytest.approx(PANELS[paper][page], abs=0.01)
        flap = geo.role("flap")
        assert flap.index == 0 and all(flap.width < p.width for p in geo.page("outside")[1:])
        assert geo.page("inside")[2].width == pytest.approx(flap.width)
        assert geo.folds("inside") == pytest.approx(tuple(layout.width - x for x in reversed(geo.folds("outside"))))
        assert [p.role for p in geo.page("outside")] == ["flap", "back", "cover"]


@pytest.mark.render
def test_office_prints_nothing_in_the_unprintable_margin(built, tmp_path):
    for paper in ("letter", "a4"):
        doc = pdfium.PdfDocument(pdf(built, paper, "office"))
        for i in range(2):
            img = doc[i].render(scale=2).to_pil().convert("L")
            edge = int(0.25 * IN * 2) - 2
            w, h = img.size
            for region in ((0, 0, w, edge), (0, h - edge, w, h), (0, 0, edge, h), (w - edge, 0, w, h)):
                assert img.crop(region).getextrema()[0] >= 250, (paper, i, region)
            img.save(tmp_path / f"{paper}-office-{i}.png")


@pytest.mark.render
@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_press_has_nothing_but_marks_outside_the_bleed(built, paper):
    path = pdf(built, paper, "press")
    reader = PdfReader(path)
    doc = pdfium.PdfDocument(path)
    for i, page_name in enumerate(("outside", "inside")):
        img = doc[i].render(scale=2).to_pil().convert("L")
        tx0, ty0, tx1, ty1 = (2 * v for v in box(reader.pages[i], "/TrimBox"))
        bx0, by0, bx1, by1 = (2 * v for v in box(reader.pages[i], "/BleedBox"))
        flip = img.height  # PDF y grows upwards, image y downwards
        draw = ImageDraw.Draw(img)
        draw.rectangle((bx0 - 1, flip - by1 - 1, bx1 + 1, flip - by0 + 1), fill=255)
        assert img.getextrema()[0] < 128  # the crop and fold marks are there
        widths = [2 * w for w in PANELS[paper][page_name]]
        for x in (tx0, tx0 + widths[0], tx0 + widths[0] + widths[1], tx1):  # marks lie on these lines
            draw.rectangle((x - 3, 0, x + 3, img.height), fill=255)
        for y in (ty0, ty1):
            draw.rectangle((0, flip - y - 3, img.width, flip - y + 3), fill=255)
        assert img.getextrema()[0] > 200, f"ink outside the bleed, not a mark, on page {i + 1}"


@pytest.mark.render
def test_pages_render_for_a_look(built, tmp_path):
    """The pages as PNG (how they were reviewed: cover right, flap left, folded in mind)."""
    for paper, edition in VARIANTS:
        doc = pdfium.PdfDocument(pdf(built, paper, edition))
        for i in range(len(doc)):
            image = doc[i].render(scale=1.5).to_pil()
            image.save(tmp_path / f"{paper}-{edition}-{i}.png")
            assert image.convert("L").getextrema()[0] < 80  # something dark was drawn


# -- the QR code --------------------------------------------------------------------

@pytest.mark.render
@pytest.mark.parametrize("paper,edition", VARIANTS)
def test_qr_code_decodes_to_the_website(built, paper, edition):
    zxingcpp = pytest.importorskip("zxingcpp")
    image = pdfium.PdfDocument(pdf(built, paper, edition))[0].render(scale=4).to_pil()
    assert [b.text for b in zxingcpp.read_barcodes(image)] == ["https://riverside-spine.example.org"]


def test_qr_matrix_matches_reportlabs_encoder():
    """Without a decoder: the drawn modules are the encoder's matrix for the URL."""
    from reportlab.graphics.barcode import qrencoder
    from reportlab.pdfgen.canvas import Canvas

    from pressroom.render.brochure_parts import QRCode

    url, size = "https://riverside-spine.example.org", 100.0
    canv = Canvas(None)
    qr = QRCode(url, size, "#000000")
    qr.drawOn(canv, 0, 0)
    drawn = re.findall(r"n ([\d.]+) ([\d.]+) ([\d.]+) [\d.]+ re f", canv.getCurrentPageContent())
    reference = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    reference.addData(url)
    reference.make()
    n = reference.getModuleCount()
    unit = size / (n + 8)
    dark = {(round(size / unit - float(y) / unit - 5), round(float(x) / unit - 4 + k))
            for x, y, w in drawn for k in range(round(float(w) / unit))}
    assert dark == {(r, c) for r in range(n) for c in range(n) if reference.isDark(r, c)}


# -- fitting and errors ---------------------------------------------------------------

def test_panel_that_does_not_fit_is_an_error_naming_it(content, layouts, tmp_path, capsys):
    path = content / "brochure.yaml"
    long = " ".join(["Our surgeons use special thin tools and a tiny camera to see inside."] * 40)
    text = path.read_text().replace("The goal is to treat the problem while causing less harm to the\n"
                                    "        muscles around your spine.", long)
    assert long in text
    path.write_text(text)
    code, err = build(content, tmp_path / "out", layouts, capsys)
    assert code == 1
    assert "'What is MISS?'" in err and "panel 2" in err and "inside panel 1" in err
    assert re.search(r"overflows by (up to )?\d+\.\d+ in \(\d+ mm, about \d+ lines\)", err)
    assert "brochure.yaml:17" in err  # the panel's heading line
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").rglob("*.pdf"))


def test_text_that_nearly_fits_is_shrunk_not_clipped(content, layouts, tmp_path):
    path = content / "brochure.yaml"
    extra = " ".join(["Ask us about your options."] * 16)
    path.write_text(path.read_text().replace("Many patients get back to daily life sooner.",
                                             "Many patients get back to daily life sooner. " + extra))
    assert build(content, tmp_path / "out", layouts)[0] == 0
    out = pdf(tmp_path / "out", "letter", "office")
    text = pdfium.PdfDocument(out)[1].get_textpage()
    visible = [i for i in range(text.count_chars()) if text.get_text_range(i, 1).strip() and
               pdfium_c.FPDFTextObj_GetTextRenderMode(pdfium_c.FPDFText_GetTextObject(text.raw, i)) != 3]
    sizes = [round(pdfium_c.FPDFText_GetFontSize(text.raw, i), 1) for i in visible]  # not alt text
    body = max(set(sizes), key=sizes.count)
    assert 10 <= body < 13 and min(sizes) >= 9  # shrunk, but not below the min_sizes (fine print 9 pt)
    assert "Ask us about your options." in panel_text(out, 1, 3.6875 * IN, 7.375 * IN)


def test_more_panels_than_the_layout_has_is_an_error(content, layouts, tmp_path, capsys):
    path = content / "brochure.yaml"
    path.write_text(path.read_text().replace("call_to_action:", "  - heading: One too many\n"
                                             "    body: [\"More.\"]\ncall_to_action:"))
    code, err = build(content, tmp_path / "out", layouts, capsys)
    assert code == 1
    assert "panels[5]" in err and "has 5 panels" in err and "room for 4" in err


def test_layout_problems_name_file_and_line(layouts, tmp_path, capsys):
    bad = tmp_path / "layouts"
    shutil.copytree(layouts, bad)
    a4 = bad / "brochure-a4.yaml"
    a4.write_text(a4.read_text().replace("role: flap,   width: 97mm", "role: flap,   width: 100mm"))
    code, err = build(REPO / "content", tmp_path / "out", bad, capsys)
    assert code == 1
    assert "brochure-a4.yaml:7: panels[1].width: the fold-in flap must be" in err
    assert "brochure-a4.yaml:6: panels: the outside panels add up to" in err


def test_draft_mark_until_reviewed(built):
    """The shipped English brochure, version 2, awaits a clinician: DRAFT on both sides."""
    for i in range(2):
        doc = pdfium.PdfDocument(pdf(built, "letter", "press"))
        assert "DRAFT" in doc[i].get_textpage().get_text_range()


def test_review_line_and_disclaimer_on_the_back_panel(content, layouts, tmp_path):
    path = content / "brochure.yaml"
    text = path.read_text()
    assert "reviewed_by" not in text.split("\nreview:")[1]
    path.write_text(text.replace("  next_review:", '  reviewed_by: "Dana Whitfield, MD"\n  reviewed_on: 2026-12-01\n'
                                 "  next_review:"))
    assert build(content, tmp_path / "out", layouts)[0] == 0
    text = panel_text(pdf(tmp_path / "out", "letter", "office"), 0, 3.625 * IN, 7.3125 * IN)
    assert "RSC-BR-001 · v2 · Reviewed December 1, 2026" in text
    assert "This brochure gives general information." in text
    assert "DRAFT" not in text


# -- content it has never seen -------------------------------------------------------

CLINIC = """name: Harbour Back & Neck Clinic
phone: "+44 20 7946 0018"
emergency: "999"
website: https://harbour-back.example.co.uk/
email: hello@harbour-back.example.co.uk
address: ["7 Quay Street", "Bristol BS1 4DJ"]
language: en
logo: logo.png
brand:
  primary: "#5b2a86"
  accent: "#d9822b"
"""

BROCHURE = """title: {title}
tagline: {tagline}
panels:
  - heading: {h1}
    body:
      - "Living with *neck* pain? You are not alone. Call **{{{{ clinic.phone }}}}**."
      - note: "{note}"
  - heading: {h2}
    body:
      - steps: [{steps}]
  - heading: {h3}
    body:
      - "See [our team](https://harbour-back.example.co.uk/team) online."
      - bullets: [{bullets}]
  - heading: {h4}
    body:
      - "Questions & answers < 5 minutes away."
call_to_action: "{cta}"
"""


def write_clinic(root: Path, logo_size: tuple[int, int]) -> Path:
    content = root / "content"
    (content / "es").mkdir(parents=True)
    (content / "clinic.yaml").write_text(CLINIC, encoding="utf-8")
    logo = Image.new("RGBA", logo_size, (0, 0, 0, 0))
    for x in range(logo_size[0]):
        for y in range(logo_size[1]):
            if (x // max(1, logo_size[0] // 6) + y // max(1, logo_size[1] // 2)) % 2:
                logo.putpixel((x, y), (91, 42, 134, 255))
    logo.save(content / "logo.png")
    (content / "brochure.yaml").write_text(BROCHURE.format(
        title="Back to what matters", tagline="Keyhole spine care, close to home.",
        h1="Why we are here", note="Bring your scans to your first visit.", h2="Your first visit",
        steps="Call us, See a specialist, Plan together", h3="Our team",
        bullets="Spine surgeons, Physiotherapists, Pain specialists", h4="Good to know",
        cta="Book a consultation today."), encoding="utf-8")
    (content / "es/brochure.yaml").write_text(BROCHURE.format(
        title="Vuelva a lo que importa", tagline="Cirugía de columna mínimamente invasiva.",
        h1="Por qué estamos aquí", note="Traiga sus estudios a la primera consulta.",
        h2="Su primera consulta", steps="Llámenos, Vea a un especialista, Planifiquemos",
        h3="Nuestro equipo", bullets="Cirujanos, Fisioterapeutas, Especialistas en dolor",
        h4="Conviene saber", cta="Pida una cita hoy."), encoding="utf-8")
    return content


def test_a_new_clinic_and_brand_is_as_good(layouts, tmp_path, capsys):
    content = write_clinic(tmp_path, (900, 300))  # 300 dpi at 3 x 1 in... placed at 1.8 x 0.6 in
    code, err = build(content, tmp_path / "out", layouts, capsys)
    assert code == 0, err
    out = tmp_path / "out"
    for lang in ("en", "es"):
        for paper, edition in VARIANTS:
            path = pdf(out, paper, edition, lang)
            assert len(PdfReader(path).pages) == 2
            widths = PANELS[paper]["outside"]
            cover = panel_text(path, 0, widths[0] + widths[1], sum(widths))
            assert "Harbour Back & Neck Clinic" in cover
            assert ("Back to what matters" if lang == "en" else "Vuelva a lo que importa") in cover
            back = panel_text(path, 0, widths[0], widths[0] + widths[1])
            assert ("Scan to visit our website" if lang == "en" else "Escanee el código") in back
            assert "harbour-back.example.co.uk" in back and "7 Quay Street" in back
    press = pdf(out, "a4", "press")
    logos = images(press)
    assert logos and all(x["/ColorSpace"] == "/DeviceCMYK" and "/SMask" not in x for x in logos)
    assert not any(re.search(r"(^|\s)(rg|RG)(\s|$)", s) for s in content_ops(press))
    assert images(pdf(out, "a4", "office"))
    inside = panel_text(pdf(out, "letter", "office"), 1, 0, 11 * IN)
    assert "Questions & answers < 5 minutes away." in inside and "1. Call us" in inside.replace("1.Call", "1. Call")
    zxingcpp = pytest.importorskip("zxingcpp")
    image = pdfium.PdfDocument(press)[0].render(scale=4).to_pil()
    assert [b.text for b in zxingcpp.read_barcodes(image)] == ["https://harbour-back.example.co.uk/"]


def test_low_resolution_logo_is_a_warning_naming_the_file(layouts, tmp_path):
    content = write_clinic(tmp_path, (120, 40))
    paths = Paths(content, layouts, REPO / "fonts", tmp_path / "out")
    jobs = plan(paths).jobs
    by_path = {job.path: job for job in jobs}
    press = by_path["en/letter/brochure-press.pdf"].render()
    assert len(press.warnings) == 1
    shown = str(press.warnings[0])
    assert "logo.png" in shown and ": warning: " in shown and "dpi" in shown and "300" in shown
    assert by_path["en/letter/brochure-office.pdf"].render().warnings == ()


SVG_LOGO = ('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="60">'
            '<rect width="120" height="60" fill="#ffffff"/><rect x="52" y="8" width="16" height="44" '
            'fill="#2a9d8f"/><rect x="38" y="22" width="44" height="16" fill="#2a9d8f"/></svg>')


def test_svg_logo_prints_as_vectors_and_in_cmyk(layouts, tmp_path, capsys):
    content = write_clinic(tmp_path, (900, 300))
    (content / "logo.svg").write_text(SVG_LOGO)
    (content / "clinic.yaml").write_text(CLINIC.replace("logo: logo.png", "logo: logo.svg"))
    code, err = build(content, tmp_path / "out", layouts, capsys)
    assert code == 0, err
    for edition in ("office", "press"):
        reader = PdfReader(pdf(tmp_path / "out", "letter", edition))
        images = [x for page in reader.pages
                  for x in page["/Resources"].get("/XObject", {}).values()
                  if x.get_object().get("/Subtype") == "/Image"]
        assert not images, "the SVG logo should stay vector"
    press = PdfReader(pdf(tmp_path / "out", "letter", "press"))
    data = b"".join(page.get_contents().get_data() for page in press.pages)
    assert not re.search(rb"\s(rg|RG)\s", data)
    assert re.search(rb"\sk\s", data)  # fills set as CMYK, the logo included


def test_unreadable_svg_logo_is_a_clear_error_at_load(layouts, tmp_path, capsys):
    content = write_clinic(tmp_path, (900, 300))
    (content / "logo.svg").write_text("<html>not svg</html>")
    (content / "clinic.yaml").write_text(CLINIC.replace("logo: logo.png", "logo: logo.svg"))
    code, err = build(content, tmp_path / "out", layouts, capsys)
    assert code == 1
    assert "clinic.yaml:8: logo: 'logo.svg' is not a readable SVG file" in err


def test_fewer_panels_than_places_is_a_warning(tmp_path, run):
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content, ignore=shutil.ignore_patterns("es"))
    brochure = content / "brochure.yaml"
    text = brochure.read_text()
    start = text.index("  - heading:", text.index("  - heading:") + 1)  # keep only the first panel
    end = text.index("call_to_action:")
    brochure.write_text(text[:start] + text[end:])
    result = run("--content", content, "--out", tmp_path / "out", "--quiet")
    assert result.code == 0, result.err
    assert "brochure.yaml: warning: 1 panels for 4 places in the brochure; left blank:" in result.err


def test_the_panels_common_scale_is_the_smallest_each_fits_at_searched_from_the_top():
    """Searched from `grow` down, each panel stops at the first scale it fits at; the panels
    share the smallest of those. A panel tried first at a smaller scale found for another
    one must not change that: here the second fits at 1.2 (its search stops there) but not
    at 1.1, the first's; the third first fits below the first's."""
    from types import SimpleNamespace

    from pressroom.render.brochure import _common_scale
    from pressroom.render.brochure_fit import _STEP, Fitter

    class Panel(Fitter):
        def __init__(self, fits):
            self.fits, self._tried, self.built = fits, {}, []

        def at(self, scale):
            if scale not in self._tried:
                self.built.append(scale)
                column = SimpleNamespace(styles=SimpleNamespace(scale=scale))
                self._tried[scale] = column, any(abs(scale - f) < 1e-9 for f in self.fits) or scale <= _STEP
            return self._tried[scale]

    def naive(fits, grow=1.25):
        scale = grow
        while not (any(abs(scale - f) < 1e-9 for f in fits) or scale <= _STEP):
            scale -= _STEP
        return scale

    panels = [(1.1, 0.9), (1.2, 1.0), (1.05,), (1.2, 1.05)]
    fitters = [Panel(fits) for fits in panels]
    found = _common_scale(fitters, 1.25)
    assert abs(found - min(naive(fits) for fits in panels)) < 1e-9 and abs(found - 1.05) < 1e-9
    assert len(fitters[3].built) == 1  # fits at the smallest found so far: tried there only
    assert max(len(f.built) for f in fitters) <= 9


def test_every_shipped_brochure_fits_at_the_scale_each_panel_searched_alone_finds(tmp_path):
    """The shortcut in the search for the common scale finds what searching every panel
    from `grow` finds, for every brochure the catalogue makes."""
    from pressroom.render import brochure
    from pressroom.render.brochure_fit import Fitter

    found = []
    common = brochure._common_scale

    def spy(fitters, grow):
        scale = common(fitters, grow)
        alone = [Fitter(f.build, f.base, f.layout, f.width, f.height, f.gap, f.aliases).fit(grow).styles.scale
                 for f in fitters]
        found.append((scale, min(alone) if alone else 1.0))
        return scale

    brochure._common_scale = spy
    try:
        jobs = [j for j in plan(Paths(REPO / "content", REPO / "layouts", REPO / "fonts", tmp_path)).jobs
                if j.kind == "brochure"]
        for job in jobs:
            job.render()
    finally:
        brochure._common_scale = common
    assert len(found) == len(jobs) >= 16 and all(a == b for a, b in found)
