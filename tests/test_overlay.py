"""Personalised copies made by overlay (render.overlay) are the copies a full render makes:
the same pages to the pixel, the same text in the same order, the same structure, every
font embedded, PDF/UA; the same bytes every time; and the bases kept between copies hold
no patient data."""

from __future__ import annotations

import io
import re

import page as validator
import pypdfium2 as pdfium
import pytest
from PIL import ImageChops
from pypdf import PdfReader

from pressroom.build.pipeline import Paths, plan
from pressroom.patient import read_patient
from pressroom.personalise import Leaflets
from pressroom.render import overlay

from conftest import REPO
from pdfstructure import read_aloud

FAKE = "Zyxwvut Testpatient-Fake"
FULL = {"procedure_date": "2026-03-03", "arrival_time": "07:30", "place": "Suite 210",
        "surgeon": "Dr. Ana Lindqvist", "nothing_after": "22:00", "note": "Bring your medicines.\nNo jewellery."}

CASES = {
    "accents, every row": ("en/letter/leaflet-discectomy.pdf", {"name": "María José O'Brien-Núñez <b>&", **FULL}),
    # letters the leaflet's own text never uses, so its font subsets lack them
    "a name on two lines": ("en/letter/leaflet-discectomy.pdf",
                            {"name": "Łucja Bartholomew-Featherstonehaugh Wojciechowska-Ødegård", **FULL}),
    "name only": ("en/letter/leaflet-kyphoplasty.pdf", {"name": "Al"}),
    "note only": ("en/letter/leaflet-discectomy.pdf", {"name": "Ann Lee", "note": "Call us the day before."}),
    "Spanish": ("es/letter/leaflet-spinal-fusion.pdf", {"name": "José Peña", **FULL}),
    "large print": ("en/letter/leaflet-discectomy-large-print.pdf", {"name": "Ann Lee", **FULL}),
    "A4": ("en/a4/leaflet-decompression.pdf", {"name": "Siobhán Ní Bhriain", "arrival_time": "13:15"}),
    "Chinese name": ("zh-Hans/a4/leaflet-discectomy.pdf", {"name": "王小明 Wang", **FULL}),
    "Vietnamese": ("vi/letter/leaflet-spinal-fusion.pdf", {"name": "Nguyễn Thị Hường", **FULL}),
}


@pytest.fixture(scope="module")
def leaflets(tmp_path_factory) -> Leaflets:
    out = tmp_path_factory.mktemp("overlay")
    return Leaflets.of(plan(Paths(REPO / "content", REPO / "layouts", REPO / "fonts", out)))


def patient_for(leaflets: Leaflets, document: str, fields: dict):
    return read_patient(fields, leaflets.jobs[document].personal.charset)


def full_render(leaflets: Leaflets, document: str, patient, monkeypatch) -> bytes:
    """The copy as a full render makes it (overlay told it has no base)."""
    with monkeypatch.context() as patch:
        patch.setattr(overlay, "_base_for", lambda *args: None)
        return leaflets.copy(document, patient).data


def spliced(data: bytes) -> bool:
    """Made by overlay: page 1 is the base's two halves around the box."""
    contents = PdfReader(io.BytesIO(data)).pages[0]["/Contents"]
    return isinstance(contents, list) and len(contents) == 3


def pages_as_pixels(data: bytes) -> list:
    document = pdfium.PdfDocument(data)
    return [page.render(scale=1.5).to_pil().convert("RGB") for page in document]


def texts(data: bytes) -> list[str]:
    return [page.get_textpage().get_text_range() for page in pdfium.PdfDocument(data)]


def fonts_embedded(data: bytes) -> bool:
    """Every font a page uses carries its font file."""
    reader = PdfReader(io.BytesIO(data))
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if font["/Subtype"] == "/Type1":
                continue  # ReportLab lists an unused Helvetica on every page; it draws nothing
            described = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = described["/FontDescriptor"].get_object()
            if not any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")):
                return False
    return True


def helvetica_draws_nothing(data: bytes) -> bool:
    """No text is shown in an unembedded font (ReportLab selects its Helvetica once in the
    box, in a full render too, and shows nothing in it)."""
    from pypdf.generic import ContentStream
    reader = PdfReader(io.BytesIO(data))
    for page in reader.pages:
        names = {name for name, font in page["/Resources"]["/Font"].items()
                 if font.get_object()["/Subtype"] == "/Type1"}
        current = None
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"Tf":
                current = operands[0]
            elif operator in (b"Tj", b"TJ", b"'", b'"') and current in names:
                return False
    return True


@pytest.mark.render
@pytest.mark.parametrize("case", CASES)
def test_an_overlay_copy_is_the_full_render(case, leaflets, monkeypatch, tmp_path):
    document, fields = CASES[case]
    patient = patient_for(leaflets, document, fields)
    copy = leaflets.copy(document, patient)
    full = full_render(leaflets, document, patient, monkeypatch)
    assert spliced(copy.data) and not spliced(full)
    assert copy.pages == len(PdfReader(io.BytesIO(full)).pages) == len(PdfReader(io.BytesIO(copy.data)).pages)
    for number, (ours, theirs) in enumerate(zip(pages_as_pixels(copy.data), pages_as_pixels(full)), start=1):
        assert ImageChops.difference(ours, theirs).getbbox() is None, f"page {number} differs"
    assert texts(copy.data) == texts(full)
    assert fonts_embedded(copy.data) and helvetica_draws_nothing(copy.data)
    path = tmp_path / "copy.pdf"
    path.write_bytes(copy.data)
    report = validator.validate_pdf(str(path), profile="ua1")
    assert report.is_compliant, [f.rule_id for f in report.failures]
    (tmp_path / "full.pdf").write_bytes(full)
    # pdfium's word spacing between text objects may differ where the leaflet's glyphs sit in
    # other font subsets (a full render's subsets take the box's letters first); a line-end
    # hyphen reads as \x02
    squeeze = lambda text: "".join(text.replace("\x02", "-").split())  # noqa: E731
    read = [(role, squeeze(text)) for role, text in read_aloud(path)]
    assert read == [(role, squeeze(text)) for role, text in read_aloud(tmp_path / "full.pdf")]
    assert read[0][0] == "H1" and read[1][0] == "H2"  # the box right after the title
    assert read[2] == ("P", squeeze(patient.name))


def test_the_same_patient_gives_the_same_bytes(leaflets):
    document, fields = CASES["accents, every row"]
    patient = patient_for(leaflets, document, fields)
    first = leaflets.copy(document, patient).data
    assert leaflets.copy(document, patient).data == first
    overlay.clear()  # a base made anew is the same base
    assert leaflets.copy(document, patient).data == first


def test_the_bases_hold_no_patient_data(leaflets):
    """A base is made from catalogue content only: the one kept after a fake patient's copy
    is the very base another patient's copy (a box as tall) makes, and no cached object
    holds the fake name in any form."""
    document = "en/letter/leaflet-discectomy.pdf"
    overlay.clear()
    copy = leaflets.copy(document, patient_for(leaflets, document, {"name": FAKE, **FULL}))
    kept = overlay.cached()
    assert len(kept) == 1 and kept[0][1][2] is not None
    overlay.clear()
    leaflets.copy(document, patient_for(leaflets, document, {"name": "Qqqqqqq Otherpatient-Fake", **FULL}))
    assert [(key[2], entry[2]) for key, entry in overlay.cached()] == [(key[2], entry[2]) for key, entry in kept]
    base = kept[0][1][2]
    held = b"".join(value if isinstance(value, bytes) else b"".join(value) if isinstance(value, tuple) else
                    str(value).encode() for value in vars(base).values())
    for form in (FAKE.encode(), FAKE.encode("utf-16-be"), b"Zyxwvut", b"Suite 210", b"Lindqvist"):
        assert form not in held
    assert FAKE not in repr(kept)
    assert b"Zyxwvut" not in copy.data  # in the copy it is only drawn, in its subset's codes


def page_one_fonts(data: bytes) -> dict[str, set[str]]:
    """Page 1's embedded fonts: resource name -> the characters its ToUnicode map gives."""
    fonts = PdfReader(io.BytesIO(data)).pages[0]["/Resources"]["/Font"]
    maps = {name: font.get_object().get("/ToUnicode") for name, font in fonts.items()}
    return {name: {bytes.fromhex(hex_).decode("utf-16-be")
                   for hex_ in re.findall(r"<[0-9A-F]{2}> <([0-9A-F]{4,})>", cmap.get_data().decode())}
            for name, cmap in maps.items() if cmap is not None}  # not the unused Helvetica


def test_the_box_is_drawn_in_the_leaflets_own_subsets(leaflets):
    """A name in letters the leaflet has adds no font, so the embedded fonts do not tell
    which letters a name holds; letters the leaflet lacks get a subset of their own that
    holds those letters only."""
    document = "en/letter/leaflet-discectomy.pdf"
    copy = lambda name: leaflets.copy(document, patient_for(leaflets, document, {"name": name, **FULL})).data  # noqa: E731
    plain = page_one_fonts(copy("Ann Lee"))
    assert page_one_fonts(copy("Bob Cray")) == plain and not any(name.startswith("/Box") for name in plain)
    name = "Łucja Ødegård"
    lacking = page_one_fonts(copy(name))
    own = {key: chars for key, chars in lacking.items() if key not in plain}
    assert own and all(key.startswith("/Box") for key in own)
    assert {key: lacking[key] for key in plain} == plain
    assert set().union(*own.values()) == set(name) - set().union(*plain.values()) == {"Ł", "Ø", "å"}


def _memos() -> tuple:
    """What every process-wide memo holds (pressroom.memo names them all)."""
    from pressroom import memo
    from pressroom.render import tagging
    return ([cached.cache_info().currsize for cached in memo.MEMOS], set(tagging._PARSED), set(tagging._SUBSETS),
            set(tagging._LINES), set(tagging._DEFLATED), set(tagging._SEEN))


def test_no_memo_learns_a_patient(leaflets):
    """Copies, a list and a two-core run for a fake patient with letters the leaflet never
    uses leave every memo as it was: nothing of the patient outlives the request."""
    from pressroom.personalise import Order
    document = "en/letter/leaflet-discectomy.pdf"
    leaflets.copy(document, patient_for(leaflets, document, {"name": "Ann Lee"}))
    before = _memos()
    fake = {"name": "Ždžyxwvut Łestpatient-Fake", **FULL, "note": "Ño jewellery, Ždžyxwvut."}
    patient = patient_for(leaflets, document, fake)
    assert spliced(leaflets.copy(document, patient).data)
    leaflets.copies([Order(1, document, patient), Order(2, document, patient)], 2)
    leaflets.batch([Order(1, document, patient), Order(2, "es/letter/leaflet-spinal-fusion.pdf",
                                                       patient_for(leaflets, "es/letter/leaflet-spinal-fusion.pdf",
                                                                   fake))])
    assert _memos() == before
    assert "Ždž" not in repr(_memos())


def test_bases_are_bounded(leaflets, monkeypatch):
    monkeypatch.setattr(overlay, "BASES", 2)
    overlay.clear()
    document = "en/letter/leaflet-discectomy.pdf"
    for fields in ({"name": "A"}, {"name": "A", "note": "One line."}, {"name": "A", "place": "Here", "note": "x"}):
        assert spliced(leaflets.copy(document, patient_for(leaflets, document, fields)).data)
    assert len(overlay.cached()) == 2


def test_a_box_too_tall_for_page_one_is_rendered_in_full_with_the_same_errors(leaflets):
    """A box that cannot stand whole under the title is split over pages by a full render,
    as before; one with a row taller than a page is refused in the same words."""
    from pressroom.personalise import CopyError
    document = "en/letter/leaflet-discectomy-large-print.pdf"
    long = {"name": "Ann Lee Bartholomew-Featherstonehaugh Wojciechowska", **FULL, "place": "Suite 210 " * 8}
    overlay.clear()
    copy = leaflets.copy(document, patient_for(leaflets, document, {**long, "note": "x " * 149}))
    assert not spliced(copy.data) and copy.pages > 2
    assert [entry[2] for _, entry in overlay.cached()] == [None]  # remembered: no slot for this height
    with pytest.raises(CopyError, match="taller than a page: shorten the note"):
        leaflets.copy(document, patient_for(leaflets, document, {**long, "note": "\n".join(["ab"] * 40)}))


def test_copies_on_two_cores_are_the_copies_made_one_by_one(leaflets):
    from pressroom.personalise import CopyError, Order
    document = "en/letter/leaflet-discectomy.pdf"
    orders = [Order(i + 1, document, patient_for(leaflets, document, {"name": f"Zyx Patient-Fake {i}", **FULL}))
              for i in range(4)]
    made = leaflets.copies(orders, 2)
    assert [copy.data for copy in made] == [copy.data for copy in leaflets.copies(orders, 1)]
    assert len({copy.data for copy in made}) == 4 and all(spliced(copy.data) for copy in made)
    large = "en/letter/leaflet-discectomy-large-print.pdf"
    too_tall = Order(5, large, patient_for(leaflets, large, {"name": "A", "note": "\n".join(["ab"] * 40)}))
    with pytest.raises(CopyError, match="shorten the note") as caught:
        leaflets.copies(orders + [too_tall], 2)
    assert caught.value.field == "note"
