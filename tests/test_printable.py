"""Office files print whole on a desktop printer: no text within the unprintable edge.

Every text run of every office file (everything but press editions) is measured with
pypdfium2 against the layouts' `sizes.unprintable`; a layout that would put text there
is refused before anything is drawn.
"""

from __future__ import annotations

import json
import shutil

import pypdfium2 as pdfium
import yaml

from conftest import REPO
from pressroom.layout.layouts import length

EDGE = length(yaml.safe_load((REPO / "layouts/base.yaml").read_text())["sizes"]["unprintable"])


def office_files(out):
    manifest = json.loads((out / "manifest.json").read_text())
    return [out / e["path"] for e in manifest["documents"] if "press" not in e["edition"]]


def closest_text(path) -> tuple[float, int, str]:
    """The nearest any text run comes to the sheet edge: (points, page, its text)."""
    doc = pdfium.PdfDocument(path)
    worst = (float("inf"), -1, "")
    for index, page in enumerate(doc):
        width, height = page.get_size()
        text = page.get_textpage()
        for i in range(text.count_rects()):
            left, bottom, right, top = text.get_rect(i)
            gap = min(left, bottom, width - right, height - top)
            if gap < worst[0]:
                worst = (gap, index + 1, text.get_text_bounded(left, bottom, right, top))
    return worst


def test_the_unprintable_edge_is_at_least_a_quarter_inch():
    assert EDGE >= 0.25 * 72


def test_no_text_of_an_office_file_in_the_unprintable_edge(built):
    files = office_files(built)
    assert len(files) > 20
    kinds = {p.name.split("-")[0] for p in files}
    assert {"leaflet", "guide", "brochure"} <= kinds
    too_close = {str(p.relative_to(built)): closest_text(p) for p in files}
    too_close = {k: v for k, v in too_close.items() if v[0] < EDGE}
    assert not too_close


def test_a_layout_with_text_in_the_unprintable_edge_is_refused(small, tmp_path):
    layouts = tmp_path / "layouts"
    shutil.copytree(small.layouts, layouts)
    leaflet = layouts / "leaflet-letter.yaml"
    leaflet.write_text(leaflet.read_text().replace("band_later: 0.45in", "band_later: 0.3in")
                       .replace("margins: {top: 0.5in", "margins: {top: 0.2in"))
    small.layouts = layouts
    result = small.run()
    assert result.code == 1
    assert "sizes.band_later" in result.err and "desktop printer" in result.err
    assert "margins.top" in result.err
