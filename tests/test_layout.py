"""Broken layouts and strings: one clear error naming the file, never an internal error."""

from __future__ import annotations

import shutil

import pytest

from conftest import REPO, snapshot
from pressroom.layout.layouts import length


def test_lengths_carry_their_unit():
    assert length("1in") == 72 and length("25.4mm") == pytest.approx(72) and length("2.54cm") == pytest.approx(72)
    assert length("11pt") == 11 and length(0) == 0
    for bad in (12, "12", "12px", "one inch"):
        with pytest.raises(ValueError):
            length(bad)


A4 = "extends: leaflet-letter\npaper: a4\n"
CASES = [
    ("missing-size", "leaflet-x.yaml", "extends: base\nkind: leaflet\npaper: a4\nedition: x\n", "is missing; add it"),
    ("negative-margin", "leaflet-a4.yaml", A4 + "margins: {top: -5in}\n", "margins cannot be negative"),
    ("no-room", "leaflet-a4.yaml", A4 + "margins: {left: 5in, right: 5in}\n", "leave less than 2 in"),
    ("bad-unit", "leaflet-a4.yaml", A4 + "margins: {top: 12px}\n", "expected a length with a unit"),
    ("tiny-type", "leaflet-a4.yaml", A4 + "styles: {body: {size: 0pt}}\n", "too small to print"),
    ("orientation", "leaflet-a4.yaml", A4 + "orientation: sideways\n", "expected portrait or landscape"),
    ("option", "leaflet-a4.yaml", A4 + "options: {words_to_know: many}\n", "options.words_to_know: expected a whole number"),
    ("unknown-key", "leaflet-a4.yaml", A4 + "margin: {top: 1in}\n", "did you mean 'margins'"),
    ("style-key", "leaflet-a4.yaml", A4 + "styles: {body: {sise: 12pt}}\n", "styles.body.sise: unknown style key"),
    ("extends-loop", "leaflet-a4.yaml", "extends: leaflet-a4\n", "extend each other in a loop"),
    ("kind", "leaflet-a4.yaml", A4 + "kind: poster\n", "unknown kind 'poster'"),
    ("colour", "leaflet-a4.yaml", A4 + "colors: {text: red}\n", "colors.text: expected \"#rrggbb\""),
    ("font", "leaflet-a4.yaml", A4 + "fonts: {regular: nope.ttf}\n", "font file 'nope.ttf' not found"),
    ("placeholder", "strings/en.yaml", None, "page_of: uses {pg}, which is never filled in"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_broken_layout_is_one_clear_error(case, tmp_path, previous, run):
    _, rel, text, fragment = case
    layouts = tmp_path / "layouts"
    shutil.copytree(REPO / "layouts", layouts)
    path = layouts / rel
    if text is None:  # the strings case edits a value in place
        path.write_text(path.read_text().replace("Page {page} of {pages}", "Page {pg} of {pages}"))
    else:
        path.write_text(text)
    before = snapshot(previous)
    result = run("--layouts", layouts, "--out", previous, "--jobs", "1")
    assert result.code == 1, result.err
    assert "internal error" not in result.err and "Traceback" not in result.err
    assert fragment in result.err, result.err
    assert rel.split("/")[-1] in result.err.splitlines()[0]
    assert snapshot(previous) == before


def test_a_size_a_renderer_needs_but_the_layout_lacks(tmp_path, run):
    layouts = tmp_path / "layouts"
    shutil.copytree(REPO / "layouts", layouts)
    guide = layouts / "guide-letter.yaml"
    guide.write_text("\n".join(ln for ln in guide.read_text().splitlines() if not ln.startswith("  cover_band:")))
    result = run("--layouts", layouts, "--out", tmp_path / "out", "--jobs", "1")
    assert result.code == 1 and "internal error" not in result.err
    assert "sizes.cover_band is missing" in result.err
