"""Issue 14, items 4–8 for leaflets and the brochure, measured on the rendered pages of every
leaflet and brochure of the default build (both languages, every paper), and on large-print
leaflets of a clinic with a very long web address."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as raw
import yaml

from pressroom.cli import main

from conftest import REPO, copy_layouts


def _chars(page):
    """Visible characters of a page: (text, x0, baseline, x1, top, size, rgb)."""
    tp = page.get_textpage()
    out = []
    for i in range(tp.count_chars()):
        ch = tp.get_text_range(i, 1)
        if ch.isspace():
            ch = " "
        elif raw.FPDFTextObj_GetTextRenderMode(raw.FPDFText_GetTextObject(tp.raw, i)) == 3:  # alt text: invisible
            continue
        r, g, b, a = (raw.c_uint(), raw.c_uint(), raw.c_uint(), raw.c_uint())
        raw.FPDFText_GetFillColor(tp.raw, i, r, g, b, a)
        x0, x1, y0, y1 = tp.get_charbox(i)
        x, y = raw.c_double(), raw.c_double()
        raw.FPDFText_GetCharOrigin(tp.raw, i, x, y)  # the baseline: lines group by it
        out.append((ch, x0, y.value, x1, y1, round(raw.FPDFText_GetFontSize(tp.raw, i), 1), (r.value, g.value, b.value)))
    return out, tp


def _lines(chars):
    """Characters grouped into lines (by baseline), top to bottom: (y, size, text, x0, x1)."""
    rows: dict[float, list] = {}
    for c in chars:
        key = next((k for k in rows if abs(k - c[2]) < 2.5 and abs(rows[k][0][5] - c[5]) < 0.6), c[2])
        rows.setdefault(key, []).append(c)  # in the page's reading order
    out = []
    for y, cs in rows.items():
        ink = [c for c in cs if c[0] != " "]
        if ink:
            out.append((y, max(c[5] for c in ink), "".join(c[0] for c in cs).strip(),
                        min(c[1] for c in ink), max(c[3] for c in ink)))
    return sorted(out, key=lambda line: -line[0])


def _docs(built, kind):
    return sorted(p for p in built.rglob(f"{kind}-*.pdf") if "proofs" not in p.parts)


def _leaflet_body(path, page):
    """The leaflet's body lines: not the band (white text) nor the footer (smaller than body)."""
    large = "large-print" in path.name
    chars, _ = _chars(page)
    body = 17.5 if large else 11
    return [line for line in _lines([c for c in chars if c[6] != (255, 255, 255) and c[5] >= body])]


def test_no_heading_stranded_and_no_tip_alone_in_leaflets(built):
    """A heading never ends a page with fewer than three lines below it while its section
    runs on to the next page."""
    checked = 0
    for path in _docs(built, "leaflet"):
        heading = 22 if "large-print" in path.name else 14.5
        doc = pdfium.PdfDocument(str(path))
        pages = [_leaflet_body(path, doc[i]) for i in range(len(doc))]
        for i, lines in enumerate(pages[:-1]):
            heads = [n for n, line in enumerate(lines) if line[1] >= heading]
            if not heads:
                continue
            below = len(lines) - heads[-1] - 1
            following = pages[i + 1]
            runs_on = following and following[0][1] < heading
            assert not (below < 3 and runs_on), (path.relative_to(built).as_posix(), i + 1, lines[heads[-1]][2])
            checked += 1
    assert checked > 20


def test_the_band_never_breaks_the_web_address(built):
    """Page 1's band keeps the clinic's web address on one line: where the name and the
    address do not fit side by side, the name wraps between its words instead (Noto Sans
    large print once printed 'riverside-spine.example.' with 'org' below)."""
    website = yaml.safe_load((REPO / "content" / "clinic.yaml").read_text())["website"]
    address = website.split("://")[-1].rstrip("/")
    checked = 0
    for path in _docs(built, "leaflet"):
        page = pdfium.PdfDocument(str(path))[0]
        width, height = page.get_size()
        band = page.get_textpage().get_text_bounded(0, height * 0.86, width, height)
        assert address in band.replace("\r", "").replace("\n", " ").split(), (path.relative_to(built).as_posix(), band)
        checked += 1
    assert checked >= 64


def test_large_print_is_large_and_roman_throughout(built):
    from pypdf import PdfReader
    paths = [p for p in _docs(built, "leaflet") if "large-print" in p.name]
    assert len(paths) == 8 * len({p.relative_to(built).parts[0] for p in paths}) >= 16  # 8 per language
    for path in paths:
        doc = pdfium.PdfDocument(str(path))
        for i in range(len(doc)):
            chars, _ = _chars(doc[i])
            small = [c for c in chars if c[5] < 16 and c[0] != " "]
            assert not small, (path.name, i + 1, "".join(c[0] for c in small)[:60])
        for page in PdfReader(path).pages:
            for font in page["/Resources"]["/Font"].values():
                assert "Italic" not in str(font.get_object()["/BaseFont"]), path.name


def test_large_print_body_is_18pt(built):
    path = built / "en" / "letter" / "leaflet-discectomy-large-print.pdf"
    doc = pdfium.PdfDocument(str(path))
    sizes = Counter(c[5] for i in range(len(doc)) for c in _chars(doc[i])[0])
    assert sizes.most_common(1)[0][0] == 18


def test_english_large_print_takes_four_pages(built):
    """Issue 14, item 6: large print aims at four pages. Every English large-print leaflet,
    on both papers, takes four at most; no language's takes more than five."""
    for path in _docs(built, "leaflet"):
        if "large-print" not in path.name:
            continue
        pages = len(pdfium.PdfDocument(str(path)))
        most = 4 if path.relative_to(built).parts[0] == "en" else 5
        assert pages <= most, (path.relative_to(built).as_posix(), pages)


def test_no_leftover_last_page(built):
    """The last page of a leaflet holds more than the disclaimer."""
    for path in _docs(built, "leaflet"):
        lang = path.relative_to(built).parts[0]
        disclaimer = yaml.safe_load((REPO / f"layouts/strings/{lang}.yaml").read_text(encoding="utf-8"))["disclaimer"]
        doc = pdfium.PdfDocument(str(path))
        text = " ".join(line[2] for line in _leaflet_body(path, doc[len(doc) - 1]))
        words = set(text.split()) - set(disclaimer.split())
        assert len(words) > 5, (path.relative_to(built).as_posix(), text[:80])


def _overlaps(path):
    """Pairs of visible text runs on a page whose boxes overlap by more than a point both ways."""
    doc = pdfium.PdfDocument(str(path))
    found = []
    for n in range(len(doc)):
        page = doc[n]
        boxes = []
        for obj in page.get_objects(filter=(raw.FPDF_PAGEOBJ_TEXT,)):
            if raw.FPDFTextObj_GetTextRenderMode(obj.raw) == 3:
                continue
            boxes.append(obj.get_bounds())
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                if min(a[2], b[2]) - max(a[0], b[0]) > 1 and min(a[3], b[3]) - max(a[1], b[1]) > 1.5:
                    found.append((n + 1, a, b))
    return found


def test_text_runs_never_overlap(built):
    for path in _docs(built, "leaflet") + [p for p in _docs(built, "brochure") if "office" in p.name]:
        assert not _overlaps(path), (path.relative_to(built).as_posix(), _overlaps(path)[:2])


LONG_URL = "https://north-valley-spine.example.org/lp"  # as long as the layouts let a website be (limits: 40 characters)


def test_furniture_never_overlaps_with_a_very_long_url(tmp_path, capsys):
    """Another clinic's long web address: every run of the band and the footer keeps clear
    of every other, in standard and large print, on both papers."""
    content = tmp_path / "content"
    (content / "procedures").mkdir(parents=True)
    clinic = (REPO / "content/clinic.yaml").read_text(encoding="utf-8")
    clinic = clinic.replace("website: https://riverside-spine.example.org", f"website: {LONG_URL}")
    clinic = clinic.replace("name: Riverside Spine Center", "name: North Valley Spine and Orthopaedic Associates")
    assert LONG_URL in clinic
    (content / "clinic.yaml").write_text(clinic, encoding="utf-8")
    shutil.copy(REPO / "content/glossary.yaml", content / "glossary.yaml")
    shutil.copy(REPO / "content/procedures/spinal-fusion.yaml", content / "procedures/spinal-fusion.yaml")
    layouts = tmp_path / "layouts"
    shutil.copytree(REPO / "layouts/figures", layouts / "figures")
    (layouts / "strings").mkdir()
    shutil.copy(REPO / "layouts/strings/en.yaml", layouts / "strings/en.yaml")
    for name in ("base", "leaflet-letter", "leaflet-a4", "leaflet-letter-large", "leaflet-a4-large"):
        shutil.copy(REPO / f"layouts/{name}.yaml", layouts / f"{name}.yaml")
    out = tmp_path / "out"
    code = main(["--content", str(content), "--layouts", str(layouts), "--fonts", str(REPO / "fonts"),
                 "--out", str(out), "--jobs", "1", "--quiet"], root=REPO)
    assert code == 0, capsys.readouterr().err
    paths = sorted(out.rglob("leaflet-*.pdf"))
    assert len(paths) == 4
    for path in paths:
        assert not _overlaps(path), (path.name, _overlaps(path)[:2])
        doc = pdfium.PdfDocument(str(path))
        text = doc[0].get_textpage().get_text_range().replace("\r\n", "").replace("\n", "")
        assert "north-valley-spine" in text.replace("\u00a0", " ")


def _panels(page, width):
    """The page's characters split into its three panels by x."""
    chars, _ = _chars(page)
    third = width / 3
    return [[c for c in chars if k * third <= c[1] < (k + 1) * third] for k in range(3)]


def test_brochure_reads_as_one_piece(built):
    for path in _docs(built, "brochure"):
        lang = path.relative_to(built).parts[0]
        doc = pdfium.PdfDocument(str(path))
        width = doc[0].get_size()[0]
        outside, inside = (_panels(doc[i], width) for i in range(2))
        flap = outside[0] if any(c[0].isalpha() for c in outside[0]) and "Minimally" not in "".join(
            c[0] for c in outside[0]) else outside[2]
        bodies = set()
        for panel in [flap] + inside:
            sizes = Counter(c[5] for c in panel if c[6] != (255, 255, 255) and c[0] != " ")
            bodies.add(sizes.most_common(1)[0][0])
        assert len(bodies) == 1, (path.relative_to(built).as_posix(), bodies)
        every = [c for i in range(2) for c in _chars(doc[i])[0]]
        every = [c for c in every if c[0] != " "]
        assert min(c[5] for c in every) >= 9, (path.relative_to(built).as_posix(), min(c[5] for c in every))
        source = REPO / "content" / ("" if lang == "en" else lang) / "brochure.yaml"
        cta = yaml.safe_load(source.read_text(encoding="utf-8"))["call_to_action"].split("}}")[-1].strip()
        text = " ".join(doc[i].get_textpage().get_text_range() for i in range(2))
        text = "".join(text.replace("\u00a0", " ").split())  # Chinese lines break without a space
        assert text.count("".join(cta.split()[:4])) == 1, (path.name, cta)


def _words(line: str) -> int:
    """Words on a line; in Chinese, which has no spaces, each character (not punctuation) is one."""
    if any("\u4e00" <= ch <= "\u9fff" for ch in line):
        return sum(1 for ch in line if ch.isalnum())
    return len(line.split())


def test_brochure_headings_and_cta_never_end_on_a_lone_word(built):
    for path in _docs(built, "brochure"):
        doc = pdfium.PdfDocument(str(path))
        width = doc[0].get_size()[0]
        for i in range(2):
            for panel in _panels(doc[i], width):
                # headings, the title, the call to action; not the body text, in near-black, whose
                # size may grow past 13.5 pt
                bold = [c for c in panel if c[5] >= 13.5 and max(c[6]) >= 80]
                lines = _lines(bold)
                for k, line in enumerate(lines):
                    last = k == len(lines) - 1 or lines[k][0] - lines[k + 1][0] > line[1] * 1.6 \
                        or abs(lines[k + 1][1] - line[1]) > 0.6
                    if last and k and lines[k - 1][0] - line[0] < line[1] * 1.6:  # the end of a block of lines
                        assert _words(line[2]) > 1, (path.relative_to(built).as_posix(), line[2])


def _panel_feet(path: Path) -> dict[tuple[int, int], float]:
    """How much of each text panel's height (the inside flap, the three inside panels: (page,
    position)) is left empty below its last line: from the top line of the panels' text (under
    the heading bands) down to the foot line the back panel's fine print ends on."""
    paper = path.parent.name
    panels = yaml.safe_load((REPO / "layouts" / f"brochure-{paper}.yaml").read_text())["panels"]
    flap = next(i for i, p in enumerate(panels) if p["role"] == "flap")
    back = next(i for i, p in enumerate(panels) if p["role"] == "back")
    doc = pdfium.PdfDocument(str(path))
    width = doc[0].get_size()[0]
    pages = [[[c for c in panel if c[0] != " " and c[6] != (255, 255, 255)] for panel in _panels(doc[i], width)]
             for i in range(2)]
    foot = min(c[2] for c in pages[0][back])
    out = {}
    for page, places in ((0, (flap,)), (1, (0, 1, 2))):
        top = max(c[4] for k in places for c in pages[page][k])
        for k in places:
            out[(page, k)] = (min(c[2] for c in pages[page][k]) - foot) / (top - foot)
    return out


def test_brochure_text_panels_hang_together_with_no_hole(built):
    """A text panel's text hangs from the panels' top line and reads as one piece: the room
    a short panel leaves goes between its blocks, at most a line each, and the rest stays
    below the text; no block is torn away to the foot with a hole above it. (A gap above a
    smaller line is a figure with its caption.)"""
    checked = 0
    for path in _docs(built, "brochure"):
        doc = pdfium.PdfDocument(str(path))
        width = doc[0].get_size()[0]
        for i, places in ((0, (0, 2)), (1, (0, 1, 2))):
            panels = _panels(doc[i], width)
            for k in places:
                ink = [c for c in panels[k] if c[0] != " " and c[6] != (255, 255, 255)]  # under the band
                if not ink:
                    continue  # the cover, on a page whose flap is at the right
                lines = _lines(ink)
                body = max((ln[1] for ln in lines), key=[ln[1] for ln in lines].count)
                for above, below in zip(lines, lines[1:]):
                    if below[1] >= body - 0.5:
                        gap = (above[0] - below[0]) / body
                        assert gap < 5, (path.relative_to(built).as_posix(), i, k, above[2][:30], below[2][:30],
                                         round(gap, 1))
                checked += 1
    assert checked >= 4 * 8


def test_brochure_text_panels_are_filled(built):
    """Issue 14, item 8: content fills its panels, or the layout plans the white space. No
    text panel of any brochure (every language, both papers) leaves more than a quarter of
    its height empty below its last line (the flap was half empty, 'Conditions we treat'
    two fifths)."""
    checked = 0
    for path in _docs(built, "brochure"):
        if "press" in path.name:
            continue  # the same panels as the office edition's
        for place, empty in _panel_feet(path).items():
            assert empty <= 0.25, (path.relative_to(built).as_posix(), place, round(empty, 2))
            checked += 1
    assert checked >= 4 * 8


def test_planned_white_space_stays_below_the_text(built, tmp_path):
    """A panel marked `white: planned` keeps its text at the top, the space below as meant."""
    folder = copy_layouts(tmp_path / "layouts", ("base.yaml", "brochure-letter-office.yaml"))
    text = (REPO / "layouts/brochure-letter.yaml").read_text()
    marked = "role: flap,   width: 3.625in, fill: primary, tint: 0.07, white: planned}"
    flap = "role: flap,   width: 3.625in, fill: primary, tint: 0.07}"
    (folder / "brochure-letter.yaml").write_text(text.replace(flap, marked))
    assert marked in (folder / "brochure-letter.yaml").read_text()
    assert main(["--layouts", str(folder), "--out", str(tmp_path / "out"), "--quiet"], root=REPO) == 0
    feet = _panel_feet(tmp_path / "out/en/letter/brochure-office.pdf")
    flap = next(place for place in feet if place[0] == 0)
    spread = _panel_feet(built / "en/letter/brochure-office.pdf")  # the same panels, spread
    assert feet[flap] > spread[flap] + 0.05  # no line of room between its blocks: all of it below
    assert all(abs(v - spread[place]) < 0.01 for place, v in feet.items() if place != flap)


def test_no_footer_line_ends_on_a_separator(built):
    """A footer piece (the review line "RSC-PL-002-VI · v1", an address) is never split at
    its own ' · ': beside DRAFT, where the row is narrow, it goes whole to the row below."""
    for pdf in sorted(built.rglob("leaflet-*.pdf")):
        doc = pdfium.PdfDocument(pdf)
        for index in range(len(doc)):
            lines = doc[index].get_textpage().get_text_range().splitlines()
            footer = [line for line in lines if line.startswith(("RSC-", "(555) 555-0142", "riverside-spine"))]
            assert footer and not [line for line in footer if line.rstrip().endswith("·")], (pdf, index + 1, footer)
