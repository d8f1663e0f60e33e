"""Tagged PDFs: every screen document passes an independent PDF/UA-1 check, its structure
tree owns every marked-content ID exactly once, and reading the tree gives the text in the
order a sighted reader follows; print files stay untagged and claim nothing."""

from __future__ import annotations

import re
from pathlib import Path

import page as validator
import pypdfium2 as pdfium
import pytest
import yaml
from PIL import ImageChops
from pypdf import PdfReader
from pypdf.generic import StreamObject

from conftest import REPO, copy_layouts
from pdfstructure import Element, marked_text, read_aloud, structure


def for_print(path: Path) -> bool:
    """Press editions and imposed sheets: for a press, not a reader."""
    return path.name.endswith("-press.pdf") or path.name.startswith("guide-imposed")


def screen_documents(out: Path) -> list[Path]:
    return [p for p in sorted(out.rglob("*.pdf")) if not for_print(p)]


def print_files(out: Path) -> list[Path]:
    return [p for p in sorted(out.rglob("*.pdf")) if for_print(p)]


def test_every_screen_document_passes_pdf_ua_1(built):
    files = screen_documents(built)
    assert len(files) >= 30
    failures = {}
    for path in files:
        report = validator.validate_pdf(str(path), profile="ua1")
        if not report.is_compliant:
            failures[path.relative_to(built).as_posix()] = [f.rule_id for f in report.failures]
    assert not failures, failures


def test_screen_documents_pack_their_small_objects(built):
    """Tagged files keep their many small objects (structure elements, annotations, font
    dictionaries) in compressed object streams with a cross-reference stream (PDF 1.5), and
    never a stream inside one (the PDF standard forbids it; readers then miss fonts)."""
    for path in screen_documents(built):
        reader = PdfReader(path)
        data = path.read_bytes()
        packed = reader.xref_objStm
        assert reader.pdf_header == "%PDF-1.5" and b"\nxref\n" not in data, path
        assert len(packed) > 50 and reader.trailer["/Root"].indirect_reference.idnum in packed, path
        assert not [n for n in packed if isinstance(reader.get_object(n), StreamObject)], path
        assert b"ASCII85Decode" not in data, path


def test_print_files_stay_untagged_and_claim_nothing(built):
    for path in print_files(built):
        root = PdfReader(path).trailer["/Root"]
        assert "/StructTreeRoot" not in root and "/MarkInfo" not in root, path
        metadata = root.get("/Metadata")
        assert metadata is None or b"pdfuaid" not in metadata.get_object().get_data(), path


def test_document_level_entries(built):
    for path in screen_documents(built):
        reader = PdfReader(path)
        root = reader.trailer["/Root"]
        lang = path.relative_to(built).parts[0]
        assert root["/Lang"] == lang and root["/MarkInfo"]["/Marked"].value is True
        assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True
        xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
        assert "<pdfuaid:part>1</pdfuaid:part>" in xmp and f"<rdf:li>{lang}</rdf:li>" in xmp
        assert re.search(r'<rdf:li xml:lang="x-default">[^<]+</rdf:li>', xmp)
        for page in reader.pages:
            assert page["/Tabs"] == "/S" and "/StructParents" in page


def test_structure_integrity(built):
    """Every marked-content ID on every page is owned by exactly one element, the ParentTree
    says the same, and every page's drawing is marked content or artifact."""
    for path in [p for p in screen_documents(built) if "/letter/" in p.as_posix() or "/a5/" in p.as_posix()]:
        tree, reader = structure(path)
        owners: dict[tuple[int, int], int] = {}
        for element in tree.walk():
            for key in element.own_mcids():
                owners[key] = owners.get(key, 0) + 1
        assert all(count == 1 for count in owners.values()), path
        nums = reader.trailer["/Root"]["/StructTreeRoot"]["/ParentTree"]["/Nums"]
        parent_tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        drawn = {key for key in marked_text(path) if key[1] >= 0}
        for index, page in enumerate(reader.pages):
            ids = sorted(n for p, n in owners if p == index)
            assert ids == list(range(len(ids))), (path, index)
            assert len(parent_tree[int(page["/StructParents"])]) == len(ids), (path, index)
            assert _unmarked_painting(page, reader) == 0, (path, index)
        assert drawn <= set(owners), path


PAINTING = {b"f", b"f*", b"F", b"S", b"s", b"B", b"B*", b"b", b"b*", b"Tj", b"TJ", b"'", b'"', b"Do", b"sh"}


def _unmarked_painting(page, reader) -> int:
    """Painting operators outside any marked content (neither Artifact nor tagged); the
    marked-content operators must also balance."""
    from pypdf.generic import ContentStream
    depth = outside = 0
    for _, operator in ContentStream(page.get_contents(), reader).operations:
        if operator in (b"BMC", b"BDC"):
            depth += 1
        elif operator == b"EMC":
            depth -= 1
            assert depth >= 0
        elif operator in PAINTING and depth == 0:
            outside += 1
    assert depth == 0
    return outside


def _roles(path: Path) -> list[tuple[str, str]]:
    return read_aloud(path)


FURNITURE = re.compile(r"Page \d+ of \d+|Página \d+ de \d+")


def test_leaflet_reads_in_order_without_furniture(built):
    proc = yaml.safe_load((REPO / "content/procedures/discectomy.yaml").read_text())
    read = _roles(built / "en/letter/leaflet-discectomy.pdf")
    assert read[0] == ("H1", "Discectomy")
    headings = [text for role, text in read if role == "H2"]
    assert headings[:len(proc["sections"])] == [s["heading"] for s in proc["sections"]]
    assert headings[len(proc["sections"]):] == ["Words to know", "When to call us"]
    assert read[-2][1].startswith("This leaflet gives general information")
    assert read[-1][1].startswith("RSC-PL-001")
    assert not any(FURNITURE.search(text) for _, text in read)
    labels = [text for role, text in read if role == "Lbl"]
    assert labels[:3] == ["1.", "2.", "3."] and "•" in labels


def test_brochure_reads_in_folded_order(built):
    brochure = yaml.safe_load((REPO / "content/brochure.yaml").read_text())
    read = _roles(built / "en/letter/brochure-office.pdf")
    headings = [(role, text) for role, text in read if role in ("H1", "H2")]
    assert headings == ([("H1", brochure["title"])] + [("H2", p["heading"]) for p in brochure["panels"]]
                        + [("H2", "Contact us")])
    assert read[0] == ("P", "Riverside Spine Center")  # the cover, then inside, then the back
    assert read[-2][1].startswith("RSC-BR-001")  # version 2 awaits its sign-off: DRAFT last
    assert read[-1][1] == "DRAFT — not yet clinically reviewed"
    figures = [text for role, text in read if role == "Figure"]
    assert len(figures) >= 2 and all(figures)


def test_guide_reads_in_order_with_its_contents(built):
    tree, _ = structure(built / "en/letter/guide.pdf")
    read = _roles(built / "en/letter/guide.pdf")
    chapters = [text for role, text in read if role == "H1"]
    assert chapters[:3] == ["Minimally Invasive Spine Surgery", "About this guide", "Contents"]
    assert chapters[-3:] == ["Words to know", "Questions to ask your surgeon", "Notes"]
    toc = next(el for el in tree.walk() if el.role == "TOC")
    items = [text for role, text in read if role == "TOCI"]
    assert len(items) == len([k for k in toc.kids if isinstance(k, Element)]) >= 8
    assert items[0].startswith(chapters[3])  # the first chapter, with its page number
    assert not any(FURNITURE.search(text) for _, text in read)
    assert any(len(_pages(el)) > 1 for el in tree.walk() if el.role == "L")  # a list across pages is one L
    figures = [el for el in tree.walk() if el.role == "Figure"]
    assert len(figures) == 3 and all(el.alt for el in figures)


def _pages(element: Element) -> set[int]:
    found = {p for p, _ in element.own_mcids()}
    for kid in element.kids:
        if isinstance(kid, Element):
            found |= _pages(kid)
    return found


def test_a_paragraph_split_across_pages_stays_one_element(small, tmp_path):
    words = " ".join(f"Sentence {i} tells the patient one more plain thing about the day." for i in range(60))
    (small.content / "procedures/long.yaml").write_text(
        f"title: Long\nsummary: One long paragraph.\nsections:\n  - heading: All of it\n    body:\n"
        f"      - A short one first.\n      - \"{words}\"\n")
    assert small.run("--quiet").code == 0
    path = tmp_path / "out/en/letter/leaflet-long.pdf"
    tree, _ = structure(path)
    [long] = [el for el in tree.walk() if el.role == "P" and len(el.own_mcids()) > 1]
    assert _pages(long) == {0, 1}
    text = " ".join(text for role, text in read_aloud(path) if role == "P" and "Sentence 0 " in text)
    assert "Sentence 0 " in text and "Sentence 59 " in text


def test_a_box_over_a_page_end_stays_one_section(built):
    """Large print's 'Words to know' box goes over a page end between its entries: one Sect
    on two pages, its heading first, its terms in order, read before the call box."""
    path = built / "en/letter/leaflet-discectomy-large-print.pdf"
    tree, _ = structure(path)
    boxes = [el for el in tree.walk() if el.role == "Sect" and el.kids and isinstance(el.kids[0], Element)
             and el.kids[0].role == "H2"]
    assert len(boxes) == 2
    words = boxes[0]
    assert len(_pages(words)) == 2 and [k.role for k in words.kids] == ["H2"] + ["P"] * (len(words.kids) - 1)
    read = _roles(path)
    at = read.index(("H2", "Words to know"))
    terms = [text.split(":")[0] for _, text in read[at + 1:at + len(words.kids)]]
    assert terms == ["General anesthesia", "Herniated disc", "Nerve root", "Sciatica"]
    assert read[at + len(words.kids)] == ("H2", "When to call us")


def test_links_are_link_elements_with_their_annotation(built):
    for path in (built / "en/letter/brochure-office.pdf", built / "en/letter/guide.pdf"):
        tree, reader = structure(path)
        links = [el for el in tree.walk() if el.role == "Link"]
        annots = [a.get_object() for p in reader.pages for a in p.get("/Annots", [])]
        assert links and len(links) == len(annots)
        assert all(any(k[0] == "objr" for k in el.kids if not isinstance(k, Element)) for el in links)
        assert all(str(a["/Contents"]).strip() and "/StructParent" in a for a in annots)


@pytest.mark.render
@pytest.mark.parametrize("kind", ["leaflet", "large-print", "guide", "brochure"])
def test_pages_look_the_same_tagged_or_not(kind, monkeypatch, tmp_path):
    """Tagging only adds structure: every page renders pixel-identical to the untagged file
    (large print: with boxes that go over a page end)."""
    from pressroom.cli import main
    import pressroom.render.common as common
    layouts = {"leaflet": "leaflet-letter", "large-print": "leaflet-letter-large", "guide": "guide-letter",
               "brochure": "brochure-letter-office"}
    name = {"leaflet": "leaflet-discectomy", "large-print": "leaflet-discectomy-large-print", "guide": "guide",
            "brochure": "brochure-office"}[kind]
    folder = tmp_path / "layouts"
    copy_layouts(folder, ["base.yaml", f"{layouts[kind]}.yaml", "brochure-letter.yaml", "leaflet-letter.yaml"])
    args = ["--layouts", str(folder), "--jobs", "1", "--quiet", "--force"]
    assert main(args + ["--out", str(tmp_path / "tagged")], root=REPO) == 0
    monkeypatch.setattr(common, "tagged_canvas", lambda base, *args: base)
    assert main(args + ["--out", str(tmp_path / "plain")], root=REPO) == 0
    tagged = pdfium.PdfDocument(str(tmp_path / f"tagged/en/letter/{name}.pdf"))
    plain = pdfium.PdfDocument(str(tmp_path / f"plain/en/letter/{name}.pdf"))
    assert "/StructTreeRoot" not in PdfReader(tmp_path / f"plain/en/letter/{name}.pdf").trailer["/Root"]
    assert len(tagged) == len(plain)
    for index in range(len(tagged)):
        a = tagged[index].render(scale=1).to_pil().convert("RGB")
        b = plain[index].render(scale=1).to_pil().convert("RGB")
        assert ImageChops.difference(a, b).getbbox() is None, f"page {index + 1} differs"


def test_personalised_copies_and_lists_are_tagged_too(tmp_path, capsys):
    from pressroom.cli import main
    one, many = tmp_path / "one.pdf", tmp_path / "list.pdf"
    assert main(["personalise", "--document", "discectomy", "--language", "es", "--name", "Zyx Testpatient-Fake",
                 "--date", "2026-12-14", "--arrival", "07:30", "--out", str(one)], root=REPO) == 0
    rows = tmp_path / "list.csv"
    rows.write_text("name,document,language,date,arrival_time\nZyx One-Fake,discectomy,en,2026-12-14,07:30\n"
                    "Zyx Two-Fake,kyphoplasty,es,2026-12-14,08:00\n")
    assert main(["personalise", "--csv", str(rows), "--out", str(many)], root=REPO) == 0
    capsys.readouterr()
    for path in (one, many):
        report = validator.validate_pdf(str(path), profile="ua1")
        assert report.is_compliant, [f.rule_id for f in report.failures]
    read = read_aloud(one)
    assert read[0][0] == "H1" and read[1] == ("H2", "Preparado para") and read[2] == ("P", "Zyx Testpatient-Fake")
    cells = [role for role, _ in read[3:7]]
    assert cells == ["TH", "TD", "TH", "TD"]  # label and value rows of a real table
    tree, _ = structure(many)
    parts = [el for el in tree.walk() if el.role == "Part"]
    assert len(parts) == 2
