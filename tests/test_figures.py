"""Figures as artwork: layouts/figures/*.svg drawn as vectors, recoloured with the brand,
labels set as real text from the strings files; a clinic's own figure; clear errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from pypdf import PdfReader

from conftest import REPO
from pressroom.layout.artwork import ArtworkError, read_artwork, recolour
from pressroom.cli import main

GUIDE = """title: Figures
sections:
  - heading: A drawing
    body:
      - "Words before the drawing."
      - figure: {figure}
        caption: "A caption."
        alt: "What the drawing shows."
"""


def tree(tmp_path: Path, figure: str = "spine", brand: str | None = None) -> tuple[Path, Path]:
    """clinic + a one-section guide; the Letter guide layout with the shipped figures."""
    content, layouts = tmp_path / "content", tmp_path / "layouts"
    content.mkdir(parents=True)
    clinic = (REPO / "content/clinic.yaml").read_text()
    if brand:
        clinic = clinic.replace('primary: "#1d4e89"', f'primary: "{brand}"')
    (content / "clinic.yaml").write_text(clinic)
    (content / "guide.yaml").write_text(GUIDE.format(figure=figure))
    (layouts / "strings").mkdir(parents=True)
    for name in ("base.yaml", "guide-letter.yaml"):
        shutil.copy(REPO / "layouts" / name, layouts / name)
    shutil.copy(REPO / "layouts/strings/en.yaml", layouts / "strings/en.yaml")
    shutil.copytree(REPO / "layouts/figures", layouts / "figures")
    shutil.copytree(REPO / "layouts/profiles", layouts / "profiles")
    return content, layouts


def build(capsys, content: Path, layouts: Path, out: Path) -> tuple[int, str]:
    code = main([str(a) for a in ("--content", content, "--layouts", layouts, "--fonts", REPO / "fonts",
                                  "--out", out, "--jobs", "1", "--quiet")], root=REPO)
    return code, capsys.readouterr().err


def figure_page(pdf: Path) -> int:
    doc = pdfium.PdfDocument(pdf)
    return next(i for i in range(len(doc)) if "A caption." in doc[i].get_textpage().get_text_range())


def test_every_shipped_figure_passes_the_svg_sandbox():
    charset = frozenset(range(0x20, 0x250))
    for path in sorted((REPO / "layouts/figures").glob("*.svg")):
        art = read_artwork(path.stem, f"layouts/figures/{path.name}", path, path.read_bytes(), charset)
        assert art.width > 0 and art.height > 0
        assert b"data-label" not in art.svg  # the placeholders are taken out; the words are set as text


@pytest.mark.render
def test_a_figure_is_vectors_with_its_labels_as_text(tmp_path, capsys):
    content, layouts = tree(tmp_path)
    code, err = build(capsys, content, layouts, tmp_path / "out")
    assert code == 0, err
    pdf = tmp_path / "out/en/letter/guide.pdf"
    index = figure_page(pdf)
    page = PdfReader(pdf).pages[index]
    xobjects = page["/Resources"].get("/XObject", {})
    assert not [x for x in xobjects.values() if x.get_object().get("/Subtype") == "/Image"]  # no bitmap
    text = " ".join(page.extract_text().split())
    for word in ("Discectomy", "Removes disc material pressing on a nerve", "Spinal fusion", "Kyphoplasty",
                 "Nerve", "Front", "Back"):
        assert word in text, word


@pytest.mark.render
def test_labels_are_translated_from_the_strings_file(tmp_path, capsys):
    content, layouts = tree(tmp_path, "incision")
    words = layouts / "strings/en.yaml"
    words.write_text(words.read_text().replace("fig_miss_cut: Less than 1 inch", "fig_miss_cut: Under an inch"))
    assert build(capsys, content, layouts, tmp_path / "out")[0] == 0
    pdf = tmp_path / "out/en/letter/guide.pdf"
    text = " ".join(PdfReader(pdf).pages[figure_page(pdf)].extract_text().split())
    assert "Under an inch" in text and "Less than 1 inch" not in text


def _ink(pdf: Path, index: int, colour: tuple[int, int, int]) -> int:
    """Pixels of (about) this colour on the page."""
    image = pdfium.PdfDocument(pdf)[index].render(scale=1).to_pil().convert("RGB")
    return sum(1 for p in image.get_flattened_data() if all(abs(a - b) <= 12 for a, b in zip(p, colour)))


@pytest.mark.render
def test_a_figure_takes_the_brand_colours(tmp_path, capsys):
    """The guide cover's art and the spine's trimmed lamina are drawn in the accent; the
    decompression label in the primary: a brand change recolours the drawing too."""
    default, _ = tree(tmp_path / "a", "advantages")
    branded, layouts = tree(tmp_path / "b", "advantages", brand="#8a1c7c")
    assert build(capsys, default, layouts, tmp_path / "a/out")[0] == 0
    assert build(capsys, branded, layouts, tmp_path / "b/out")[0] == 0
    before, after = tmp_path / "a/out/en/letter/guide.pdf", tmp_path / "b/out/en/letter/guide.pdf"
    index = figure_page(before)
    # the advantages icons are drawn in the primary colour: default blue before, purple after
    assert _ink(before, index, (0x1d, 0x4e, 0x89)) > 200 and _ink(before, index, (0x8a, 0x1c, 0x7c)) == 0
    assert _ink(after, index, (0x8a, 0x1c, 0x7c)) > 200 and _ink(after, index, (0x1d, 0x4e, 0x89)) < 20


def test_recolour_maps_placeholders_and_their_tints_only():
    svg = (b'<svg><path fill="#1d4e89" stroke="#8ea6c4"/><rect style="fill:#2a7f8f"/>'
           b'<circle fill="#f6f1e7"/><use href="#abcdef"/></svg>')
    out = recolour(svg, {"primary": "#1d4e89", "accent": "#2a7f8f"},
                   {"primary": "#000000", "accent": "#ff0000"}).decode()
    assert 'fill="#000000"' in out           # the placeholder itself
    assert 'stroke="#7f7f7f"' in out         # its half tint (t = 0.5): half way from black to white
    assert "fill:#ff0000" in out             # the accent, in a style attribute
    assert 'fill="#f6f1e7"' in out           # any other colour stays
    assert 'href="#abcdef"' in out           # not a colour


CUSTOM = """<svg xmlns="http://www.w3.org/2000/svg" width="300pt" height="120pt" viewBox="0 0 300 120">
  <rect x="10" y="10" width="280" height="80" rx="8" fill="#1d4e89"/>
  <text data-label="fig_miss" data-width="200" x="150" y="112" text-anchor="middle">MISS</text>
</svg>
"""


@pytest.mark.render
def test_a_clinic_adds_its_own_figure(tmp_path, capsys):
    content, layouts = tree(tmp_path, "our-recovery-timeline")
    (layouts / "figures/our-recovery-timeline.svg").write_text(CUSTOM)
    code, err = build(capsys, content, layouts, tmp_path / "out")
    assert code == 0, err
    pdf = tmp_path / "out/en/letter/guide.pdf"
    index = figure_page(pdf)
    assert "MISS" in PdfReader(pdf).pages[index].extract_text()
    assert _ink(pdf, index, (0x1d, 0x4e, 0x89)) > 5000  # the drawn box


@pytest.mark.parametrize("name, svg, message", [
    ("broken", "<svg xmlns='http://www.w3.org/2000/svg' width='10pt' height='10pt'><g>", "is not a readable SVG"),
    ("script", CUSTOM.replace("<rect", "<script>alert(1)</script><rect"), "contains a <script> element"),
    ("linked", CUSTOM.replace("<rect", '<image href="https://example.org/x.png"/><rect'), "an embedded picture"),
    ("unknown-word", CUSTOM.replace("fig_miss", "fig_nope"), "the label 'fig_nope' is not a word of"),
    ("no-width", CUSTOM.replace(' data-width="200"', ""), "needs data-width"),
    ("no-size", CUSTOM.replace('width="300pt" height="120pt" ', ""), "is not a length"),
])
def test_a_broken_figure_is_an_error_naming_its_file(tmp_path, capsys, name, svg, message):
    content, layouts = tree(tmp_path, name)
    (layouts / f"figures/{name}.svg").write_text(svg)
    before = tmp_path / "out"
    code, err = build(capsys, content, layouts, before)
    assert code == 1
    line = next(ln for ln in err.splitlines() if message in ln)
    assert line.startswith(f"{layouts}/figures/{name}.svg: ") or f"figures/{name}.svg" in line.split(": ")[0], line
    assert not (before / "en").exists()


def test_a_missing_figure_names_the_file_it_looked_for(tmp_path, capsys):
    content, layouts = tree(tmp_path, "spien")
    code, err = build(capsys, content, layouts, tmp_path / "out")
    assert code == 1
    assert "figure: unknown figure 'spien' (no spien.svg in layouts/figures/); did you mean 'spine'?" in err
    content, layouts = tree(tmp_path / "2", "spine")
    guide = layouts / "guide-letter.yaml"
    guide.write_text(guide.read_text().replace("cover: guide-cover", "cover: guide-covr"))
    code, err = build(capsys, content, layouts, tmp_path / "2/out")
    assert code == 1 and "guide-letter.yaml" in err and "figures.cover: no figure 'guide-covr'" in err


def test_a_label_may_only_be_moved_by_translate():
    svg = CUSTOM.replace("<text", '<g transform="rotate(10)"><text').replace("</text>", "</text></g>")
    with pytest.raises(ArtworkError, match="labels may only be moved with translate"):
        read_artwork("x", "x.svg", Path("x.svg"), svg.encode(), frozenset(range(0x20, 0x250)))
    moved = CUSTOM.replace("<text", '<g transform="translate(5, 7)"><text').replace("</text>", "</text></g>")
    art = read_artwork("x", "x.svg", Path("x.svg"), moved.encode(), frozenset(range(0x20, 0x250)))
    assert (art.labels[0].x, art.labels[0].y) == (155, 119)


def _box(page, text: str) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) of all the characters of `text` on the rendered page."""
    textpage = page.get_textpage()
    whole = textpage.get_text_range()
    start = " ".join(whole.split()).find(text)
    assert start >= 0, f"{text!r} not on the page"
    rects = []
    collapsed = [i for i, ch in enumerate(whole) if not ch.isspace()]
    first = len(" ".join(whole.split())[:start].replace(" ", ""))
    for i in collapsed[first:first + len(text.replace(" ", ""))]:
        rects.append(textpage.get_charbox(i))
    return (min(r[0] for r in rects), min(r[1] for r in rects), max(r[2] for r in rects), max(r[3] for r in rects))


LONG_FRONT = "The front of the body, toward the belly"


@pytest.fixture(scope="module")
def long_front(tmp_path_factory) -> Path:
    """The Letter guide and both booklets, the spine's 'Front' label made a long phrase
    (built once for the tests below): the folder of their English PDFs."""
    tmp = tmp_path_factory.mktemp("long-front")
    content, layouts = tree(tmp, "spine")
    for name in ("guide-booklet-half-letter.yaml", "guide-booklet-a5.yaml"):
        shutil.copy(REPO / "layouts" / name, layouts / name)
    words = layouts / "strings/en.yaml"
    words.write_text(words.read_text().replace("fig_front: Front", f"fig_front: {LONG_FRONT}"))
    assert main([str(a) for a in ("--content", content, "--layouts", layouts, "--fonts", REPO / "fonts",
                                  "--out", tmp / "out", "--jobs", "1", "--quiet")], root=REPO) == 0
    return tmp / "out/en"


@pytest.mark.render
def test_a_label_that_wraps_never_runs_into_the_caption(long_front):
    """A label set on more lines than the designer's (here the spine's 'Front', the lowest
    label, made a long phrase) pushes the caption down: on the rendered page the label's
    words end above the caption's, in the guide and in both booklets."""
    for name in ("letter/guide.pdf", "half-letter/guide-booklet.pdf", "a5/guide-booklet.pdf"):
        pdf = long_front / name
        page = pdfium.PdfDocument(pdf)[figure_page(pdf)]
        label, caption = _box(page, LONG_FRONT), _box(page, "Figure 1: A caption.")
        assert label[3] - label[1] > 30, name     # the label does wrap: three lines or more
        assert label[1] > caption[3] + 2, (name, label, caption)  # and ends above the caption


FLOAT_GUIDE = """title: Floats
sections:
  - heading: Before the drawing
    body:
{before}
      - figure: spine
        caption: "A caption."
        alt: "What the drawing shows."
      - "Words after the drawing, set first."
{after}
"""


@pytest.mark.render
def test_a_figure_with_no_room_floats_to_the_next_page_and_the_text_fills_its_page(tmp_path, capsys):
    """A figure that does not fit below the text on its page stands at the top of the next
    page; the paragraphs written after it fill the page it left, in their order."""
    content, layouts = tree(tmp_path)
    filler = "      - \"" + "Filler words to fill the page with text. " * 9 + "\"\n"
    (content / "guide.yaml").write_text(FLOAT_GUIDE.format(before=filler * 5, after=filler * 6))
    code, err = build(capsys, content, layouts, tmp_path / "out")
    assert code == 0, err
    pdf = tmp_path / "out/en/letter/guide.pdf"
    doc = pdfium.PdfDocument(pdf)
    index = figure_page(pdf)
    before = " ".join(doc[index - 1].get_textpage().get_text_range().split())
    assert "Words after the drawing, set first." in before   # the text went first, on the page before
    page = doc[index]
    _, height = page.get_size()
    nerve = _box(page, "Nerve")                              # the figure's top label opens its page
    words = [_box(page, "Filler words")] if "Filler words" in page.get_textpage().get_text_range() else []
    assert all(nerve[1] > w[3] for w in words)
    assert nerve[3] > height - 160


def _lines_of(page, text: str) -> list[str]:
    """The words of `text` on the rendered page, grouped into the lines they are set on."""
    textpage = page.get_textpage()
    whole = textpage.get_text_range()
    start = " ".join(whole.split()).find(text)
    assert start >= 0, f"{text!r} not on the page"
    collapsed = [i for i, ch in enumerate(whole) if not ch.isspace()]
    first = len(" ".join(whole.split())[:start].replace(" ", ""))
    lines: dict[float, list] = {}
    for i in collapsed[first - 1 if first else 0:first + len(text.replace(" ", ""))]:
        lines.setdefault(round(textpage.get_charbox(i)[1]), []).append(i)
    out = []
    for _, indices in sorted(lines.items(), reverse=True):
        out.append(whole[min(indices):max(indices) + 1].strip())
    return [line for line in out if line]


@pytest.mark.render
def test_a_label_in_a_narrow_figure_reads_as_phrases(long_front):
    """Issue 14, item 4: a drawing scaled down for a narrow column scales its labels' widths,
    not their type, and the spine's 'Front' (56 pt wide as drawn, 38 pt in the booklets'
    version) would wrap a long phrase one word a line. The label widens away from its
    anchor (layouts: sizes.figure_label_min): in the guide and both booklets no line of it
    but the last holds a single word, and it takes at most one line per two words."""
    count = len(LONG_FRONT.split())
    for name in ("letter/guide.pdf", "half-letter/guide-booklet.pdf", "a5/guide-booklet.pdf"):
        pdf = long_front / name
        page = pdfium.PdfDocument(pdf)[figure_page(pdf)]
        lines = [line for line in _lines_of(page, LONG_FRONT) if any(w in line for w in LONG_FRONT.split())]
        assert 2 <= len(lines) <= -(-count // 2), (name, lines)
        assert all(len(line.split()) >= 2 for line in lines[:-1]), (name, lines)


WORDED = """<svg xmlns="http://www.w3.org/2000/svg" width="300pt" height="120pt" viewBox="0 0 300 120">
  <rect x="10" y="10" width="280" height="80" rx="8" fill="#1d4e89"/>
  <text x="150" y="60" text-anchor="middle">L4</text>
</svg>
"""


def test_art_without_text_is_read_once_for_every_language_and_starts_in_its_fonts():
    """The shapes of a figure are read once and shared by every language's documents, each
    starting in its own regular font; art with words of its own is read per language, its
    words in that language's fonts."""
    from types import SimpleNamespace

    from reportlab.graphics.shapes import Group, String

    from pressroom.layout.fonts import load_fontset
    from pressroom.render.figures import drawing_for

    charset = frozenset(range(0x20, 0x250))
    families = [load_fontset(REPO / "fonts", {face: f"{family}-{style}.ttf" for face, style in
                                              (("regular", "Regular"), ("bold", "Bold"), ("italic", "Italic"),
                                               ("bold_italic", "BoldItalic"))})
                for family in ("AtkinsonHyperlegible", "NotoSans")]
    layout = SimpleNamespace(figure_colors={"primary": "#1d4e89"}, colors={"primary": "#000000", "paper": "#ffffff"})

    def both(art):
        return [drawing_for(art, SimpleNamespace(layout=layout, fonts=fonts)) for fonts in families]

    def words(node) -> list[str]:
        return [f for child in getattr(node, "contents", ()) for f in
                ([child.fontName] if isinstance(child, String) else words(child) if isinstance(child, Group) else [])]

    path = REPO / "layouts/figures/spine.svg"
    atkinson, noto = both(read_artwork("spine", "layouts/figures/spine.svg", path, path.read_bytes(), charset))
    assert (atkinson.initialFontName, noto.initialFontName) == ("AtkinsonHyperlegible-Regular", "NotoSans-Regular")
    assert atkinson.contents is noto.contents and not words(atkinson)
    atkinson, noto = both(read_artwork("worded", "layouts/figures/worded.svg", path, WORDED.encode(), charset))
    assert (atkinson.initialFontName, noto.initialFontName) == ("AtkinsonHyperlegible-Regular", "NotoSans-Regular")
    assert words(atkinson) == ["AtkinsonHyperlegible-Regular"] and words(noto) == ["NotoSans-Regular"]
