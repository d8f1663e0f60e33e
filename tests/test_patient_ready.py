"""Patient-ready: contrast, large print, draft marks, accessible basics."""

from __future__ import annotations

import pytest
import pypdfium2 as pdfium
from pypdf import PdfReader

from pressroom.contrast import nearest_passing, ratio


def test_contrast_ratio_matches_wcag_examples():
    assert ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    shade = nearest_passing("#2a9d8f", "#ffffff", 4.5)
    assert ratio(shade, "#ffffff") >= 4.5 and ratio("#2a9d8f", "#ffffff") < 4.5


def test_failing_brand_colour_stops_the_build_with_ratio_and_suggestion(content, previous, run):
    from conftest import snapshot
    before = snapshot(previous)
    path = content / "clinic.yaml"
    path.write_text(path.read_text().replace('primary: "#1d4e89"', 'primary: "#7fb2e5"'))
    result = run("--content", content, "--out", previous)
    assert result.code == 1
    line = next(ln for ln in result.err.splitlines() if "brand.primary" in ln)
    assert "clinic.yaml:" in line and "#7fb2e5" in line and "#ffffff" in line
    assert "2.23:1" in line and "nearest passing shade: #" in line
    suggestion = line.rsplit("#", 1)[1][:6]
    assert ratio("#" + suggestion, "#ffffff") >= 4.5
    assert snapshot(previous) == before


def _body_size(path) -> float:
    doc = pdfium.PdfDocument(str(path))
    sizes = []
    for page in doc:
        textpage = page.get_textpage()
        sizes += [round(pdfium.raw.FPDFText_GetFontSize(textpage, i), 1) for i in range(textpage.count_chars())]
    return max(set(sizes), key=sizes.count)


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_large_print_body_is_at_least_18pt(built, paper):
    for standard in (built / "en" / paper).glob("leaflet-*.pdf"):
        if standard.stem.endswith("large-print"):
            continue
        large = standard.with_name(f"{standard.stem}-large-print.pdf")
        assert large.is_file(), large
        assert _body_size(large) >= 18
        assert _body_size(standard) < 18
        # same content: every word of the standard leaflet's sections is in the large one
        words = lambda p: set(" ".join(pg.extract_text() for pg in PdfReader(p).pages).split())
        missing = {w for w in words(standard) - words(large) if not w.isdigit() and w not in {"of", "Page"}}
        assert len(missing) < 5, missing


def test_large_print_in_manifest(built):
    import json
    docs = json.loads((built / "manifest.json").read_text())["documents"]
    large = [d for d in docs if d["edition"] == "large-print"]
    assert len(large) == 8 and all(d["kind"] == "leaflet" for d in large)
