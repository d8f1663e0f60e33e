"""Tests for pressroom.build.impose: ordering, folding, and real-PDF imposition."""

from __future__ import annotations

from io import BytesIO

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader, PdfWriter, Transformation
from pypdf.generic import NameObject, RectangleObject, create_string_object
from reportlab.lib.pagesizes import A4, A5, landscape
from reportlab.pdfgen import canvas

from pressroom.build.impose import SheetSide, booklet_order, impose

HALF_LETTER = (396.0, 612.0)  # 5.5 x 8.5 in
LETTER_LANDSCAPE = (792.0, 612.0)
A4_LANDSCAPE = landscape(A4)  # (841.89, 595.28)


# --- ordering -----------------------------------------------------------------


def fold_reading_order(sides: list[SheetSide]) -> list[int | None]:
    """Physically simulate nesting and folding the printed sheets.

    Each panel is given its position across the sheet in *front* coordinates
    (0 = left edge of the front, 1 = right edge). Flipping on the short edge
    mirrors left/right, so a back panel seen on the left lies behind the front's
    right half. Sheet 0 is the outermost; after folding at x = 0.5 the right
    halves become leaves 0..m-1 (outer to inner) and the left halves leaves
    m..2m-1 (inner to outer). On a right-half leaf the front face points towards
    the cover (recto); on a left-half leaf the front face points towards the back
    cover (verso).
    """
    assert len(sides) % 2 == 0
    m = len(sides) // 2
    panels = []  # (leaf, face 0=recto 1=verso, page)
    for k in range(m):
        front, back = sides[2 * k], sides[2 * k + 1]
        placed = [
            (0.25, "front", front.left),
            (0.75, "front", front.right),
            (0.75, "back", back.left),  # mirrored by the short-edge flip
            (0.25, "back", back.right),
        ]
        for x, face, page in placed:
            right_half = x > 0.5
            leaf = k if right_half else 2 * m - 1 - k
            recto = (face == "front") == right_half
            panels.append((leaf, 0 if recto else 1, page))
    return [page for _, _, page in sorted(panels, key=lambda p: (p[0], p[1]))]


@pytest.mark.parametrize("n", range(4, 41, 4))
def test_booklet_order_formula_and_coverage(n):
    sides = booklet_order(n)
    assert len(sides) == n // 2
    assert all(isinstance(s, SheetSide) for s in sides)
    used = [p for s in sides for p in (s.left, s.right)]
    assert sorted(used) == list(range(n))  # every page exactly once, no blanks
    for k in range(n // 4):
        front, back = sides[2 * k], sides[2 * k + 1]
        # Standard saddle-stitch formula, 1-based.
        assert (front.left + 1, front.right + 1) == (n - 2 * k, 1 + 2 * k)
        assert (back.left + 1, back.right + 1) == (2 + 2 * k, n - 1 - 2 * k)


@pytest.mark.parametrize("n", range(4, 41, 4))
def test_folded_sheets_read_in_order(n):
    assert fold_reading_order(booklet_order(n)) == list(range(n))


def test_booklet_order_example_8():
    got = [(s.left + 1, s.right + 1) for s in booklet_order(8)]
    assert got == [(8, 1), (2, 7), (6, 3), (4, 5)]


def test_outermost_sheet_holds_first_two_and_last_two_pages():
    front, back = booklet_order(16)[:2]
    assert {front.left, front.right, back.left, back.right} == {0, 1, 14, 15}


@pytest.mark.parametrize("n", [0, -4, 1, 2, 3, 5, 6, 10, 42])
def test_booklet_order_rejects_bad_counts(n):
    with pytest.raises(ValueError):
        booklet_order(n)


# --- real PDFs ------------------------------------------------------------------


def make_booklet(n, size, origin=(0.0, 0.0), info=None, lang=None) -> bytes:
    """n pages, each with a big centred 'PAGE i'; optionally shift the page box origin."""
    w, h = size
    buf = BytesIO()
    c = canvas.Canvas(buf, pagesize=size, invariant=1)
    for i in range(1, n + 1):
        c.setFont("Helvetica-Bold", 48)
        c.drawCentredString(w / 2, h / 2 - 17, f"PAGE {i}")
        c.rect(10, 10, w - 20, h - 20)  # vector frame, to see the page edge
        c.showPage()
    c.save()
    data = buf.getvalue()
    if origin == (0.0, 0.0) and info is None and lang is None:
        return data
    writer = PdfWriter(clone_from=PdfReader(BytesIO(data)))
    dx, dy = origin
    for page in writer.pages:
        if (dx, dy) != (0.0, 0.0):
            page.add_transformation(Transformation().translate(dx, dy))
            page.mediabox = RectangleObject((dx, dy, dx + w, dy + h))
            if "/CropBox" in page:
                del page["/CropBox"]
    if info:
        writer.add_metadata(info)
    if lang:
        writer.root_object[NameObject("/Lang")] = create_string_object(lang)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def half_texts(pdf_bytes: bytes) -> list[tuple[str, str]]:
    """Text found in the left and right half of every sheet side."""
    doc = pdfium.PdfDocument(pdf_bytes)
    result = []
    for i in range(len(doc)):
        page = doc[i]
        w, h = page.get_size()
        tp = page.get_textpage()
        left = tp.get_text_bounded(left=0, bottom=0, right=w / 2, top=h).strip()
        right = tp.get_text_bounded(left=w / 2, bottom=0, right=w, top=h).strip()
        result.append((left, right))
    doc.close()
    return result


def text_centres(pdf_bytes: bytes, index: int) -> tuple[tuple[float, float], tuple[float, float]]:
    """Centre of the text bounding box in the left and right half of one side."""
    doc = pdfium.PdfDocument(pdf_bytes)
    page = doc[index]
    w, _ = page.get_size()
    tp = page.get_textpage()
    boxes = [tp.get_charbox(i) for i in range(tp.count_chars())]
    boxes = [b for b in boxes if b[2] > b[0]]  # skip zero-width (spaces)
    centres = []
    for half in (lambda b: (b[0] + b[2]) / 2 < w / 2, lambda b: (b[0] + b[2]) / 2 >= w / 2):
        sel = [b for b in boxes if half(b)]
        assert sel, "no text in this half"
        x0, x1 = min(b[0] for b in sel), max(b[2] for b in sel)
        y0, y1 = min(b[1] for b in sel), max(b[3] for b in sel)
        centres.append(((x0 + x1) / 2, (y0 + y1) / 2))
    doc.close()
    return centres[0], centres[1]


def expected_halves(n):
    return [(f"PAGE {s.left + 1}", f"PAGE {s.right + 1}") for s in booklet_order(n)]


@pytest.mark.parametrize(
    ("n", "page_size", "sheet_size"),
    [(12, A5, A4_LANDSCAPE), (12, HALF_LETTER, LETTER_LANDSCAPE), (8, HALF_LETTER, LETTER_LANDSCAPE)],
    ids=["A5-on-A4", "half-letter-on-letter-12", "half-letter-on-letter-8"],
)
def test_impose_real_pdf(n, page_size, sheet_size):
    out = impose(make_booklet(n, page_size), *sheet_size)
    reader = PdfReader(BytesIO(out))
    assert len(reader.pages) == n // 2
    for page in reader.pages:
        box = page.mediabox
        assert (float(box.left), float(box.bottom)) == (0, 0)
        assert float(box.width) == pytest.approx(sheet_size[0], abs=0.01)
        assert float(box.height) == pytest.approx(sheet_size[1], abs=0.01)
    assert half_texts(out) == expected_halves(n)


def test_a4_sheet_dimensions_exact():
    reader = PdfReader(BytesIO(impose(make_booklet(12, A5), *A4_LANDSCAPE)))
    for page in reader.pages:
        assert round(float(page.mediabox.width), 2) == 841.89
        assert round(float(page.mediabox.height), 2) == 595.28


def text_offsets(n, size):
    """Per booklet page, offset of the text box centre from the page centre (unscaled)."""
    w, h = size
    doc = pdfium.PdfDocument(make_booklet(n, size))
    offsets = []
    for i in range(n):
        tp = doc[i].get_textpage()
        boxes = [tp.get_charbox(j) for j in range(tp.count_chars())]
        boxes = [b for b in boxes if b[2] > b[0]]
        cx = (min(b[0] for b in boxes) + max(b[2] for b in boxes)) / 2
        cy = (min(b[1] for b in boxes) + max(b[3] for b in boxes)) / 2
        offsets.append((cx - w / 2, cy - h / 2))
    doc.close()
    return offsets


def assert_centred(out, n, page_size, sheet_size, scale):
    """Each page's text sits where centring the scaled page in its half puts it."""
    w, h = sheet_size
    offsets = text_offsets(n, page_size)
    for i, side in enumerate(booklet_order(n)):
        got = text_centres(out, i)
        for (gx, gy), page, half_centre in zip(got, (side.left, side.right), (w / 4, 3 * w / 4)):
            dx, dy = offsets[page]
            assert gx == pytest.approx(half_centre + dx * scale, abs=0.5)
            assert gy == pytest.approx(h / 2 + dy * scale, abs=0.5)


@pytest.mark.parametrize("origin", [(0.0, 0.0), (137.0, -55.5)])
def test_pages_centred_in_their_halves(origin):
    out = impose(make_booklet(8, HALF_LETTER, origin=origin), *LETTER_LANDSCAPE)
    assert half_texts(out) == expected_halves(8)
    assert_centred(out, 8, HALF_LETTER, LETTER_LANDSCAPE, 1.0)


def test_a5_centred_on_a4():
    # A5 is 1.4pt narrower than half of A4, so it is centred with a small gutter.
    out = impose(make_booklet(12, A5, origin=(-20.0, 30.0)), *A4_LANDSCAPE)
    assert_centred(out, 12, A5, A4_LANDSCAPE, 1.0)


def test_oversized_pages_scaled_down_uniformly_and_centred():
    # Full Letter portrait pages into Letter-landscape halves: s = min(396/612, 612/792).
    letter = (612.0, 792.0)
    out = impose(make_booklet(4, letter), *LETTER_LANDSCAPE)
    assert half_texts(out) == expected_halves(4)
    assert_centred(out, 4, letter, LETTER_LANDSCAPE, min(396 / 612, 612 / 792))


def test_content_stays_vector():
    out = impose(make_booklet(8, A5), *A4_LANDSCAPE)
    for page in PdfReader(BytesIO(out)).pages:
        forms = [x.get_object() for x in page["/Resources"]["/XObject"].values()]
        assert len(forms) == 2 and all(f["/Subtype"] == "/Form" for f in forms)  # pages placed as vectors
        for form in forms:
            assert "/Font" in form["/Resources"]
            inner = form["/Resources"].get("/XObject", {})
            assert all(x.get_object().get("/Subtype") != "/Image" for x in inner.values())


def test_impose_is_deterministic():
    src = make_booklet(12, A5, info={"/Title": "Clinic"}, lang="en-GB")
    first = impose(src, *A4_LANDSCAPE)
    second = impose(src, *A4_LANDSCAPE)
    assert first == second
    assert b"/ID" not in first and b"/CreationDate" not in first


def test_metadata_and_lang_copied():
    info = {"/Title": "Procedures", "/Author": "Front desk", "/Subject": "Aftercare", "/Keywords": "x"}
    out = impose(make_booklet(4, A5, info=info, lang="en-GB"), *A4_LANDSCAPE)
    reader = PdfReader(BytesIO(out))
    meta = reader.metadata
    assert meta["/Title"] == "Procedures"
    assert meta["/Author"] == "Front desk"
    assert meta["/Subject"] == "Aftercare"
    assert "/Keywords" not in meta
    assert reader.root_object["/Lang"] == "en-GB"


def test_metadata_absent_stays_absent():
    writer = PdfWriter()  # unlike reportlab, writes no Title/Author/Subject placeholders
    for page in PdfReader(BytesIO(make_booklet(4, A5))).pages:
        writer.add_page(page)
    src = BytesIO()
    writer.write(src)
    reader = PdfReader(BytesIO(impose(src.getvalue(), *A4_LANDSCAPE)))
    meta = reader.metadata or {}
    assert "/Title" not in meta and "/Author" not in meta
    assert "/Lang" not in reader.root_object


@pytest.mark.parametrize("n", [2, 6, 10])
def test_impose_rejects_page_count_not_multiple_of_4(n):
    with pytest.raises(ValueError):
        impose(make_booklet(n, A5), *A4_LANDSCAPE)


@pytest.mark.parametrize("size", [(595.28, 841.89), (612.0, 612.0), (0.0, -1.0)])
def test_impose_rejects_non_landscape_sheet(size):
    with pytest.raises(ValueError):
        impose(make_booklet(4, A5), *size)


def test_a_tagged_booklet_imposes_as_with_pypdf_s_own_reader(built, monkeypatch):
    """impose reads an object in an object stream alone (pypdf reads the whole stream, the
    booklet's structure tree with it): the sheets are the bytes pypdf's reader gives."""
    from pressroom.build import impose as module
    from pressroom.layout.layouts import PAPERS
    booklet = (built / "en/a5/guide-booklet.pdf").read_bytes()
    assert b"/ObjStm" in booklet  # the objects this is about
    sheet = max(PAPERS["a4"]), min(PAPERS["a4"])
    fast = impose(booklet, *sheet)
    with monkeypatch.context() as m:
        m.setattr(module, "_Reader", PdfReader)
        assert impose(booklet, *sheet) == fast
    assert fast == (built / "en/a4/guide-imposed-booklet.pdf").read_bytes()
