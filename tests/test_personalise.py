"""Personalised copies without the desk: the 'Prepared for' box in the document's language,
lists with every copy on an odd page, the command line, and the audit log."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys

import pytest
from pypdf import PdfReader

from pressroom.audit import AuditLog
from pressroom.build.pipeline import plan
from pressroom.patient import Patient, PatientError, read_patient, read_rows
from pressroom.personalise import Leaflets, NotFound
from pressroom.layout.strings import Strings
from pressroom.render.prepared import fasting_text

from conftest import REPO

NAME = "María José O'Brien-Núñez <b>&amp;"


@pytest.fixture(scope="module")
def leaflets(desk_tree) -> Leaflets:
    return Leaflets.of(plan(desk_tree.paths()))


def text_of(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def patient(**fields) -> Patient:
    values = {"name": NAME, "procedure_date": "2026-03-03", "arrival_time": "07:30", "place": "Suite 210",
              "surgeon": "Dr. Ana Lindqvist", "nothing_after": "22:00", "note": "Bring your medicines."}
    values.update(fields)
    return read_patient(values, None)


def test_english_copy_prints_every_field_exactly_on_page_one(leaflets):
    copy = leaflets.copy("en/letter/leaflet-discectomy.pdf", patient())
    pages = text_of(copy.data)
    first = " ".join(pages[0].split())
    assert "Prepared for" in first and NAME in first
    for words in ("Tuesday, March 3, 2026", "7:30 AM", "Suite 210", "Dr. Ana Lindqvist",
                  "10:00 PM on Monday, March 2, 2026", "Bring your medicines."):
        assert words in first
    assert all(NAME not in page for page in pages[1:])
    assert "Discectomy" in first  # the rest is the leaflet


def test_spanish_copy_has_the_box_in_spanish(leaflets):
    copy = leaflets.copy("es/letter/leaflet-spinal-fusion.pdf", patient())
    first = " ".join(text_of(copy.data)[0].split())
    for words in ("Preparado para", NAME, "martes 3 de marzo de 2026", "7:30 a. m.", "Hora de llegada",
                  "10:00 p. m. del lunes 2 de marzo de 2026"):
        assert words in first
    assert "Prepared for" not in first


def test_metadata_names_no_patient(leaflets):
    copy = leaflets.copy("en/letter/leaflet-discectomy.pdf", patient(name="Zyxwvut Testpatient-Fake"))
    reader = PdfReader(io.BytesIO(copy.data))
    metadata = " ".join(str(v) for v in (reader.metadata or {}).values())
    assert metadata and "Zyxwvut" not in metadata
    assert b"Zyxwvut" not in copy.data  # the name is only drawn text, in the subset font's codes


def test_a_copy_may_run_one_page_longer_and_says_so(leaflets):
    short = leaflets.copy("en/letter/leaflet-spinal-fusion.pdf", read_patient({"name": "A"}, None))
    full = leaflets.copy("en/letter/leaflet-discectomy.pdf", patient(note="x " * 149))
    assert short.budget == full.budget == 2
    assert full.pages == 3 and full.longer
    assert short.pages <= 3


def test_a_list_makes_one_file_with_every_copy_on_an_odd_page(leaflets):
    data = ("name,procedure,language,large_print,procedure_date\n"
            "Ann One,discectomy,en,no,2026-03-03\n"
            "Bea Two,Fusión espinal,es,no,2026-03-03\n"
            "Cy Three,spinal-fusion,,yes,\n").encode()
    batch = leaflets.batch(leaflets.orders(read_rows(data)))
    pages = text_of(batch.data)
    starts = [i for i, text in enumerate(pages) if "Prepared for" in text or "Preparado para" in text]
    assert len(starts) == batch.copies == 3
    assert all(i % 2 == 0 for i in starts)  # page 1, 3, 5...: the front of a new sheet
    assert "Ann One" in pages[starts[0]] and "Bea Two" in pages[starts[1]] and "Cy Three" in pages[starts[2]]
    assert len(pages) == batch.pages
    reader = PdfReader(io.BytesIO(batch.data))
    assert "Ann" not in str(reader.metadata)
    assert batch.documents == (("en/letter/leaflet-discectomy.pdf", "standard", 1),
                               ("en/letter/leaflet-spinal-fusion-large-print.pdf", "large-print", 1),
                               ("es/letter/leaflet-spinal-fusion.pdf", "standard", 1))


def test_a_list_with_bad_rows_names_every_row_and_column_and_renders_nothing(leaflets, monkeypatch):
    rendered = []
    monkeypatch.setattr(Leaflets, "copy", lambda *a: rendered.append(a))
    data = ("name,procedure,language,paper,large_print,arrival_time,note\n"
            "Ok Person,discectomy,en,,,07:30,\n"
            ",discectomy,en,,,,\n"
            "Someone,appendectomy,en,,,,\n"
            "Other,discectomy,fr,,maybe,31:00,\n"
            "Zyxwvut 中,discectomy,es,a4,,,\n").encode()
    with pytest.raises(PatientError) as caught:
        leaflets.batch(leaflets.orders(read_rows(data)))
    text = [str(p) for p in caught.value.problems]
    assert text[0] == "row 3, name: is required"
    assert text[1].startswith("row 4, procedure: no leaflet of that name; the procedures are discectomy, spinal-fusion")
    assert {t.split(":")[0] for t in text[2:]} >= {"row 5, language", "row 5, large_print", "row 5, arrival_time",
                                                  "row 6, paper", "row 6, name"}
    assert not any("Zyxwvut" in t for t in text)
    assert rendered == []


def test_find_by_title_in_any_language_and_report_what_exists(leaflets):
    assert leaflets.find("FUSION ESPINAL").path == "en/letter/leaflet-spinal-fusion.pdf"
    assert leaflets.find("spinal fusion", "es").path == "es/letter/leaflet-spinal-fusion.pdf"
    with pytest.raises(NotFound, match="not made in es, letter, standard"):
        leaflets.find("discectomy", "es")


def test_fasting_before_the_arrival_is_the_evening_before():
    s = Strings("en", {**__import__("yaml").safe_load((REPO / "layouts/strings/en.yaml").read_text())})
    day = dt.date(2026, 3, 3)
    assert fasting_text(Patient("A", day, dt.time(7, 30), nothing_after=dt.time(22)), s) == \
        "10:00 PM on Monday, March 2, 2026"
    assert fasting_text(Patient("A", day, dt.time(13, 0), nothing_after=dt.time(6)), s) == \
        "6:00 AM on Tuesday, March 3, 2026"
    assert fasting_text(Patient("A", day, None, nothing_after=dt.time(0)), s) == \
        "midnight at the end of Monday, March 2, 2026"
    assert fasting_text(Patient("A", None, None, nothing_after=dt.time(21, 5)), s) == "9:05 PM"


def test_audit_lines_hold_documents_and_counts_only(tmp_path):
    log = AuditLog(tmp_path / "audit.log")
    log.record("copy", (("en/letter/leaflet-discectomy.pdf", "standard", 1),),
               now=dt.datetime(2026, 3, 2, 9, 14, 5, tzinfo=dt.timezone.utc))
    log.record("list", (("en/letter/a.pdf", "standard", 2), ("es/letter/b.pdf", "large-print", 1)))
    lines = (tmp_path / "audit.log").read_text().splitlines()
    assert lines[0] == "2026-03-02T09:14:05+00:00  copy  copies=1  en/letter/leaflet-discectomy.pdf (standard) x1"
    assert lines[1].endswith("list  copies=3  en/letter/a.pdf (standard) x2, es/letter/b.pdf (large-print) x1")


# -- the command line ------------------------------------------------------------------------

def test_cli_one_copy_writes_only_where_told(run, desk_tree, tmp_path):
    out = tmp_path / "copy.pdf"
    before = sorted(p for p in desk_tree.root.rglob("*"))
    result = run("personalise", "--content", desk_tree.content, "--layouts", desk_tree.layouts,
                 "--document", "spinal-fusion", "--language", "es", "--name", NAME, "--date", "2026-03-03",
                 "--out", out)
    assert result.code == 0, result.err
    assert result.out.startswith("wrote ") and "es/letter/leaflet-spinal-fusion.pdf" in result.out
    assert NAME not in result.out + result.err
    assert "Preparado para" in text_of(out.read_bytes())[0]
    assert sorted(p for p in desk_tree.root.rglob("*")) == before
    assert list(tmp_path.iterdir()) == [out]


def test_cli_problems_name_the_options_and_nothing_is_written(run, desk_tree, tmp_path):
    out = tmp_path / "copy.pdf"
    result = run("personalise", "--content", desk_tree.content, "--layouts", desk_tree.layouts,
                 "--document", "en/letter/leaflet-discectomy.pdf", "--name", "Zyxwvut 中", "--date", "3/3/26",
                 "--note", "x" * 301, "--out", out)
    assert result.code == 1
    assert "--name: the character '中'" in result.err and "--date: expected a date" in result.err
    assert "--note: 301 characters; at most 300" in result.err and "Zyxwvut" not in result.err
    assert not out.exists()


def test_cli_list_from_standard_input_to_standard_output(desk_tree):
    """A list can go through pipes only: no patient data in any file at all."""
    data = "name,procedure\nZyxwvut Pipe-Fake,discectomy\nSecond Person,spinal-fusion\n".encode()
    done = subprocess.run([sys.executable, str(REPO / "generate.py"), "personalise", "--content",
                           str(desk_tree.content), "--layouts", str(desk_tree.layouts), "--csv", "/dev/stdin",
                           "--out", "-"], input=data, capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    pages = text_of(done.stdout)
    starts = [i for i, text in enumerate(pages) if "Prepared for" in text]
    assert "Zyxwvut Pipe-Fake" in pages[0] and len(starts) == 2 and starts[1] % 2 == 0


def test_cli_list_problems_by_row(run, desk_tree, tmp_path):
    csv = tmp_path / "list.csv"
    csv.write_text("name,procedure,arrival_time\nA,discectomy,99:99\n,discectomy,\n")
    result = run("personalise", "--content", desk_tree.content, "--layouts", desk_tree.layouts, "--csv", csv,
                 "--out", tmp_path / "out.pdf")
    assert result.code == 1
    assert "list.csv: row 2, arrival_time: is not a real time" in result.err
    assert "list.csv: row 3, name: is required" in result.err
    assert "error: 2 problem(s); nothing was written" in result.err
    assert not (tmp_path / "out.pdf").exists()


def test_cli_usage(run, tmp_path):
    assert run("personalise", "--name", "A").code == 2
    assert run("personalise", "--document", "discectomy", "--out", tmp_path / "no" / "x.pdf").code == 2


@pytest.mark.render
def test_the_box_is_drawn_in_the_clinics_colours_under_the_title(leaflets):
    """Page 1 as pixels: the brand-coloured bar and the tinted box sit under the title, the
    width of the text column, and the rest of the page is the leaflet."""
    import pypdfium2 as pdfium
    copy = leaflets.copy("en/letter/leaflet-discectomy.pdf", patient())
    image = pdfium.PdfDocument(copy.data)[0].render(scale=1).to_pil().convert("RGB")
    width, height = image.size
    primary, fill = (0x1d, 0x4e, 0x89), (0xf3, 0xf6, 0xfa)
    rows_with_fill = [y for y in range(height) if image.getpixel((width // 2, y)) == fill]
    assert rows_with_fill, "no tinted box"
    top, bottom = min(rows_with_fill), max(rows_with_fill)
    assert 100 < top < bottom < height * 0.6 and bottom - top > 100  # under the band and title, on page 1
    bar = [x for x in range(width // 3) if image.getpixel((x, (top + bottom) // 2)) == primary]
    assert bar and min(bar) >= 0.7 * 72 - 2 and len(bar) >= 4  # the bar at the left margin


def test_a_layout_without_the_box_values_is_named_not_a_crash(desk_tree, tmp_path):
    from pressroom.personalise import CopyError
    tree = desk_tree.copy(tmp_path / "tree")
    layout = tree.layouts / "leaflet-letter.yaml"
    layout.write_text("".join(line for line in layout.read_text().splitlines(keepends=True)
                              if "prepared_" not in line))
    own = Leaflets.of(plan(tree.paths()))
    with pytest.raises(CopyError, match=r"layout .*leaflet-letter.yaml: sizes.prepared_\w+ is missing") as caught:
        own.copy("en/letter/leaflet-discectomy.pdf", patient(name="Zyxwvut Fake"))
    assert "Zyxwvut" not in str(caught.value) and caught.value.field == ""
    with pytest.raises(CopyError, match="is missing"):
        own.batch(own.orders(read_rows(b"name,procedure\nA,discectomy\n")))


def test_a_build_without_leaflets_says_so():
    with pytest.raises(NotFound, match="no leaflets to personalise"):
        Leaflets([]).find("discectomy")
