"""A patient's fields and a list of patients: read once, every problem at once, by row and
column, never repeating a value, never cut short."""

from __future__ import annotations

import datetime as dt

import pytest

from pressroom.patient import (MAX_ROWS, TEMPLATE, FieldProblem, Patient, PatientError, parse_time, read_patient,
                               read_rows)

CHARSET = frozenset(range(0x20, 0x250)) | {0x2019}  # Latin, as the bundled fonts roughly have


def test_a_patient_is_read_once_into_plain_typed_data():
    patient = read_patient({"name": "  María José O'Brien-Núñez ", "procedure_date": "2026-03-03",
                            "arrival_time": "7:30 AM", "nothing_after": "22:00", "place": "Suite 3",
                            "surgeon": "Dr. A", "note": "Bring\r\nyour list"}, CHARSET)
    assert patient == Patient("María José O'Brien-Núñez", dt.date(2026, 3, 3), dt.time(7, 30), "Suite 3",
                              "Dr. A", dt.time(22, 0), "Bring\nyour list")


def test_a_patient_never_shows_its_fields_in_repr():
    patient = read_patient({"name": "Zyxwvut Testpatient-Fake", "note": "secret"}, CHARSET)
    assert "Zyxwvut" not in repr(patient) and "secret" not in repr(patient)


def test_markup_characters_are_kept_as_typed():
    assert read_patient({"name": "A <b>&amp; B"}, CHARSET).name == "A <b>&amp; B"


def test_decomposed_accents_become_the_letters_the_fonts_have():
    assert read_patient({"name": "Nu\u0301n\u0303ez"}, CHARSET).name == "Núñez"


@pytest.mark.parametrize("text, expected", [
    ("07:30", dt.time(7, 30)), ("7:30", dt.time(7, 30)), ("14:00", dt.time(14)), ("7:30 pm", dt.time(19, 30)),
    ("12:15 AM", dt.time(0, 15)), ("12 pm", dt.time(12)), ("9 a.m.", dt.time(9)), ("00:00", dt.time(0)),
])
def test_times_in_the_ways_staff_write_them(text, expected):
    assert parse_time(text) == expected


def test_every_problem_of_a_form_at_once_naming_the_field_not_the_value():
    with pytest.raises(PatientError) as caught:
        read_patient({"name": "Zyxwvut 中文", "procedure_date": "2026-02-30", "arrival_time": "25:00",
                      "note": "Zyxwvut " + "x" * 300, "place": "a\x07b"}, CHARSET)
    problems = {p.column: p.message for p in caught.value.problems}
    assert set(problems) == {"name", "procedure_date", "arrival_time", "note", "place"}
    assert "U+4E2D" in problems["name"] and "fonts" in problems["name"]
    assert problems["note"] == "308 characters; at most 300 are allowed (shorten it by 8)"
    assert "Zyxwvut" not in str(caught.value)


def test_a_name_is_required_and_nothing_is_cut_short():
    with pytest.raises(PatientError, match="Patient name: is required"):
        read_patient({"name": "  "}, CHARSET)
    with pytest.raises(PatientError, match="101 characters; at most 100"):
        read_patient({"name": "x" * 101}, CHARSET)
    assert read_patient({"name": "x" * 100}, CHARSET).name == "x" * 100


def test_line_breaks_only_in_the_note():
    with pytest.raises(PatientError, match="line break"):
        read_patient({"name": "A\nB"}, CHARSET)


# -- lists -------------------------------------------------------------------------------

def test_the_template_reads_as_a_list():
    rows = read_rows(TEMPLATE)
    assert [r.number for r in rows] == [2, 3]
    assert rows[0].values["procedure"] == "discectomy"


def test_a_list_from_a_spreadsheet_bom_semicolons_and_column_names_as_people_write_them():
    data = "\ufeffPatient Name;Procedure;Arrival-Time\r\nA;discectomy;07:30\r\n\r\nB;spinal-fusion;\r\n"
    rows = read_rows(data.encode("utf-8"))
    assert [(r.number, r.values["name"], r.values["arrival_time"]) for r in rows] == [(2, "A", "07:30"), (4, "B", "")]


def test_everything_wrong_with_the_file_itself_at_once():
    with pytest.raises(PatientError) as caught:
        read_rows(b"nme,procedure,procedure\nA,b,c,d\n")
    text = [str(p) for p in caught.value.problems]
    assert "row 1, nme: unknown column 'nme'; the columns are name, procedure, language, paper, large_print, " \
           "procedure_date, arrival_time, place, surgeon, nothing_after, note" in text
    assert "row 1, procedure: this column appears twice" in text
    assert "row 1, name: this column is missing" in text
    assert any(t.startswith("row 2: has 4 cells") for t in text)


def test_too_many_patients_or_bytes_is_refused_whole_never_cut_short():
    many = "name,procedure\n" + "".join(f"P{i},discectomy\n" for i in range(MAX_ROWS + 1))
    with pytest.raises(PatientError, match=f"{MAX_ROWS + 1} patients; at most {MAX_ROWS}"):
        read_rows(many.encode())
    assert len(read_rows(("name,procedure\n" + "P,d\n" * MAX_ROWS).encode())) == MAX_ROWS
    with pytest.raises(PatientError, match="at most 1,048,576 .1 MB. are allowed"):
        read_rows(b"name,procedure\n" + b"x" * (1024 * 1024))


def test_not_utf8_is_refused_with_what_to_do():
    with pytest.raises(PatientError, match="CSV UTF-8"):
        read_rows("name,procedure\nNúñez,discectomy\n".encode("cp1252"))


def test_problems_sort_by_row_then_column():
    problems = sorted([FieldProblem(3, "name", "x"), FieldProblem(2, "note", "y"), FieldProblem(2, "name", "z")])
    assert [str(p) for p in problems] == ["row 2, name: z", "row 2, note: y", "row 3, name: x"]
