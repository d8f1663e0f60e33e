"""The full guide: built through the command line into temp folders, then read back.

Each check runs on the real content and on a small content tree the renderer has never
seen (another clinic, brand, language and procedures), so nothing passes by accident of
the default text. Layouts are the repository's guide layouts, copied beside `base.yaml`
so the test does not depend on other document kinds.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
import yaml
from pypdf import PdfReader

from pressroom.build.pipeline import Paths, plan
from pressroom.cli import main
from pressroom.build.impose import booklet_order
from pressroom.layout.layouts import PAPERS
from pagelines import read_pages

ROOT = Path(__file__).resolve().parent.parent
GUIDE_LAYOUTS = ("guide-letter", "guide-a4", "guide-booklet-half-letter", "guide-booklet-a5")


# -- building ------------------------------------------------------------------------------

def guide_layouts(tmp: Path) -> Path:
    folder = tmp / "layouts"
    (folder / "strings").mkdir(parents=True)
    for name in ("base",) + GUIDE_LAYOUTS:
        shutil.copy(ROOT / "layouts" / f"{name}.yaml", folder)
    for path in (ROOT / "layouts" / "strings").glob("*.yaml"):
        shutil.copy(path, folder / "strings")
    shutil.copytree(ROOT / "layouts" / "figures", folder / "figures")
    shutil.copytree(ROOT / "layouts" / "profiles", folder / "profiles")
    return folder


def build(content: Path, tmp: Path, out_name: str = "out") -> Path:
    layouts = tmp / "layouts" if (tmp / "layouts").is_dir() else guide_layouts(tmp)
    out = tmp / out_name
    code = main(["--content", str(content), "--layouts", str(layouts), "--fonts", str(ROOT / "fonts"),
                 "--out", str(out), "--jobs", "1", "--quiet"], root=ROOT)
    assert code == 0
    return out


UNSEEN = {
    "clinic.yaml": """
name: Clínica Columna del Puerto
phone: "(555) 555-0177"
after_hours: "(555) 555-0178"
website: https://columna-puerto.example.org
language: es
brand: {primary: "#5b2a6e", accent: "#c77d1a"}
""",
    "guide.yaml": """
title: Cirugía de columna con técnicas mínimas
subtitle: Guía para pacientes
review: {id: CCP-G-7, version: 3}
sections:
  - heading: Para empezar
    body:
      - Esta guía explica dos **procedimientos** y cómo prepararse.
      - figure: incision
        caption: Un corte pequeño frente a uno largo
        alt: Dos espaldas; la izquierda con un corte largo y la derecha con uno muy corto.
  - heading: Sus opciones
    procedures: [rizolisis, foraminotomia]
  - heading: Después
    body:
      - bullets: [Camine un poco cada día, Llame si tiene fiebre]
      - figure: advantages
        caption: Ventajas posibles
        alt: Seis iconos con las ventajas de la cirugía mínimamente invasiva.
      - figure: spine
        caption: Dónde actúa cada procedimiento
        alt: Vista lateral de la columna con cuatro procedimientos señalados.
""",
    "glossary.yaml": """
terms:
  Vértebra: Cada uno de los huesos de la columna.
  Foramen: Un orificio por donde sale un nervio.
  Anestesia: Medicina para no sentir dolor.
""",
    "procedures/foraminotomia.yaml": """
title: Foraminotomía
summary: Agranda el orificio por donde sale un nervio.
treats: [Nervio pinzado]
sections:
  - heading: Cómo se hace
    body: [steps: [Un corte pequeño, Se retira el hueso que aprieta, Se cierra el corte]]
when_to_call: [Fiebre alta]
""",
    "procedures/rizolisis.yaml": """
title: Rizólisis
summary: Calma el dolor de una articulación con calor.
sections:
  - heading: Qué es
    body: [Una aguja caliente apaga un nervio pequeño del dolor.]
""",
    "procedures/no-en-la-guia.yaml": """
title: No en la guía
summary: Un procedimiento que la guía no coloca.
sections: [{heading: Nada, body: [Texto.]}]
""",
}


def write_tree(root: Path, files: dict) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.lstrip(), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def default_build(tmp_path_factory) -> Path:
    return build(ROOT / "content", tmp_path_factory.mktemp("guide"))


@pytest.fixture(scope="module")
def unseen_build(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("unseen")
    return build(write_tree(tmp / "content", UNSEEN), tmp)


@pytest.fixture(scope="module", params=["default", "unseen"])
def case(request, default_build, unseen_build):
    """(output folder, language, guide.yaml data, procedure titles placed, glossary terms)."""
    if request.param == "default":
        guide = yaml.safe_load((ROOT / "content" / "guide.yaml").read_text())
        placed = next(s["procedures"] for s in guide["sections"] if "procedures" in s)
        slugs = (sorted(p.stem for p in (ROOT / "content" / "procedures").glob("*.yaml"))
                 if placed == "all" else placed)
        procs = [yaml.safe_load((ROOT / "content" / "procedures" / f"{slug}.yaml").read_text())["title"]
                 for slug in slugs]
        terms = yaml.safe_load((ROOT / "content" / "glossary.yaml").read_text())["terms"]
        return default_build, "en", guide, procs, list(terms)
    guide = yaml.safe_load(UNSEEN["guide.yaml"])
    procs = [yaml.safe_load(UNSEEN[f"procedures/{s}.yaml"])["title"] for s in ("rizolisis", "foraminotomia")]
    return unseen_build, "es", guide, procs, list(yaml.safe_load(UNSEEN["glossary.yaml"])["terms"])


def strings(lang: str) -> dict:
    words = yaml.safe_load((ROOT / "layouts" / "strings" / "en.yaml").read_text())
    words.update(yaml.safe_load((ROOT / "layouts" / "strings" / f"{lang}.yaml").read_text()))
    return words


def expected_chapters(case) -> list[tuple[str, int, str]]:
    """(title, outline level, words printed above the title) per chapter, in reading order."""
    _, lang, guide, procs, _ = case
    s = strings(lang)
    out = [(s["about_guide"], 0, ""), (s["contents"], 0, "")]
    for section in guide["sections"]:
        out.append((section["heading"], 0, ""))
        if "procedures" in section:
            out += [(title, 1, section["heading"] + " ") for title in procs]
    return out + [(s["words_to_know"], 0, ""), (s["questions"], 0, ""), (s["notes"], 0, "")]


def pdfs(out: Path, lang: str) -> dict[str, Path]:
    return {"letter": out / lang / "letter" / "guide.pdf", "a4": out / lang / "a4" / "guide.pdf",
            "half-letter": out / lang / "half-letter" / "guide-booklet.pdf",
            "a5": out / lang / "a5" / "guide-booklet.pdf",
            "imposed-letter": out / lang / "letter" / "guide-imposed-booklet.pdf",
            "imposed-a4": out / lang / "a4" / "guide-imposed-booklet.pdf"}


def layout_data(name: str) -> dict:
    """The layout merged along extends:, enough to find the band and footer zones."""
    data = yaml.safe_load((ROOT / "layouts" / f"{name}.yaml").read_text())
    if "extends" in data:
        base = layout_data(data.pop("extends"))
        for key, value in data.items():
            base[key] = {**base.get(key, {}), **value} if isinstance(value, dict) else value
        return base
    return data


def pt(value: str) -> float:
    number, unit = re.match(r"([\d.]+)\s*(pt|in|mm)", value).groups()
    return float(number) * {"pt": 1, "in": 72, "mm": 72 / 25.4}[unit]


def page_text(doc, index: int, box=None) -> str:
    textpage = doc[index].get_textpage()
    text = textpage.get_text_bounded(*box) if box else textpage.get_text_range()
    return text.replace("\r", "")


# -- structure: contents, chapters, outline -------------------------------------------------

_ENTRY = re.compile(r"^(?P<title>.+?)\s*(?:\.\s*){3,}(?P<page>\d+)$")  # title . . . . 12


def read_toc(doc, contents_word: str) -> list[tuple[str, int]]:
    """The contents as printed: (title, page) per line, from the page headed 'Contents'."""
    start = next(i for i in range(len(doc)) if page_text(doc, i).split("\n")[0] == contents_word)
    entries = []
    for i in range(start, len(doc)):
        lines = [ln.strip() for ln in page_text(doc, i).split("\n")]
        found = [(m["title"].rstrip(" ."), int(m["page"])) for m in map(_ENTRY.match, lines) if m]
        if not found:
            break
        entries += found
    return entries


def chapter_top(doc, index: int, layout: str) -> str:
    """The first words in the text frame, where a chapter's heading must stand."""
    data = layout_data(layout)
    width, height = doc[index].get_size()
    top = height - pt(data["sizes"]["band"])
    return " ".join(page_text(doc, index, (0, top - 150, width, top - 4)).split())


@pytest.mark.parametrize("edition,layout", [("letter", "guide-letter"), ("a4", "guide-a4"),
                                            ("half-letter", "guide-booklet-half-letter")])
def test_contents_name_the_pages_chapters_start_on(case, edition, layout):
    out, lang, *_ = case
    doc = pdfium.PdfDocument(pdfs(out, lang)[edition])
    toc = read_toc(doc, strings(lang)["contents"])
    chapters = expected_chapters(case)[2:]
    assert [title for title, _ in toc] == [title for title, _, _ in chapters]
    pages = read_pages(pdfs(out, lang)[edition])
    size = pt(layout_data(layout)["styles"].get("chapter", {}).get("size") or layout_data("guide-letter")["styles"]["chapter"]["size"])

    def heads(number):  # chapter headings' lines on a page (chapters run on: anywhere on it)
        return [" ".join(ln.text.split()) for ln in pages[number - 1].lines if ln.size >= size - 0.5]
    kickers = {kicker.strip() for _, _, kicker in chapters if kicker}
    for (title, page), (_, _, kicker) in zip(toc, chapters):
        text = " ".join(" ".join(ln.text for ln in pages[page - 1].lines).split())
        if title in kickers:  # a section with no text of its own: the kicker of its first procedure
            assert title in text, (title, page)
            continue
        assert any(h and title.startswith(h) for h in heads(page)), (title, page, heads(page))
        assert not any(h and title.startswith(h) for h in heads(page - 1)), (title, page)
        assert kicker.strip() in text, (title, kicker)


def outline_entries(reader: PdfReader) -> list[tuple[str, int, int]]:
    out = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                out.append((item.title, level, reader.get_destination_page_number(item) + 1))
    walk(reader.outline, 0)
    return out


@pytest.mark.parametrize("edition", ["letter", "half-letter"])
def test_outline_mirrors_the_chapters_and_their_pages(case, edition):
    out, lang, *_ = case
    path = pdfs(out, lang)[edition]
    entries = outline_entries(PdfReader(path))
    assert [(title, level) for title, level, _ in entries] == [(t, lv) for t, lv, _ in expected_chapters(case)]
    toc = dict(read_toc(pdfium.PdfDocument(path), strings(lang)["contents"]))
    for title, _, page in entries[2:]:
        assert toc[title] == page


@pytest.mark.parametrize("edition,layout", [("letter", "guide-letter"), ("a5", "guide-booklet-a5")])
def test_the_running_head_names_the_chapter_open_at_the_top_of_the_page(case, edition, layout):
    """As in books: a chapter that starts part way down a page names the pages after it;
    the page it starts on keeps the chapter its top belongs to."""
    out, lang, *_ = case
    path = pdfs(out, lang)[edition]
    starts = [(title, page) for title, _, page in outline_entries(PdfReader(path))]
    titles = {title for title, _ in starts}
    doc, pages = pdfium.PdfDocument(path), read_pages(path)
    band = pt(layout_data(layout)["sizes"]["band"])
    checked = 0
    for page in pages:
        head = " ".join(page_text(doc, page.number - 1, (page.width / 2, page.height - band,
                                                       page.width, page.height)).split())
        if not head:
            continue  # a cover
        body = [ln for ln in page.lines if ln.top < page.height - band]
        first = " ".join(body[0].text.split()) if body else ""
        here = [t for t, p in starts if p == page.number]
        # a chapter whose heading (or the kicker above it) is the first line opens the page
        opening = [t for t in here if first and (t.startswith(first) or first.startswith(t[:20]))]
        # a section's kicker above its first procedure: the procedure names the page
        kicked = [t for t in here if first in titles and len(body) > 1 and t != first
                  and t.startswith(" ".join(body[1].text.split()))]
        before = [t for t, p in starts if p < page.number]
        expected = (kicked or opening or [None])[0] or (before[-1] if before else None)
        if expected is None:
            continue
        assert head == expected or expected.startswith(head.rstrip(".… ")), (page.number, head, expected)
        checked += 1
    assert checked > len(pages) / 2


def test_every_seed_section_and_procedure_is_printed_in_order(default_build):
    doc = pdfium.PdfDocument(pdfs(default_build, "en")["letter"])
    text = "\n" + "\n".join(page_text(doc, i) for i in range(len(doc)))
    seed = ["Overview", "Techniques and tools", "Common procedures", "Advantages", "Indications",
            "Patient selection", "Postoperative care", "Conclusion"]
    positions = [text.index(f"\n{title}\n") for title in seed]
    assert positions == sorted(positions)
    for words in ("Tubular retractors", "Robotic systems", "Less blood loss", "Scoliosis",
                  "surgery you have had before", "Physical therapy", "When to call us"):
        assert words.lower() in text.lower()


def test_glossary_is_alphabetical_and_questions_have_lines(case):
    out, lang, _, _, terms = case
    doc = pdfium.PdfDocument(pdfs(out, lang)["letter"])
    text = "\n".join(page_text(doc, i) for i in range(len(doc)))
    glossary = text[text.index("\n" + strings(lang)["words_to_know"] + "\n"):]
    printed = sorted(terms, key=lambda term: glossary.index("\n" + term + "\n"))
    assert printed == sorted(terms, key=str.casefold)
    for question in strings(lang)["questions_list"]:
        assert question in text


def test_questions_and_notes_pages_have_ruled_lines(default_build):
    """Writing lines are drawn as strokes: a notes page has at least 15 of them."""
    doc = pdfium.PdfDocument(pdfs(default_build, "en")["letter"])
    last = doc[len(doc) - 1]
    assert page_text(doc, len(doc) - 1).startswith("Notes")
    paths = list(last.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH]))
    assert len(paths) >= 15


# -- booklet and imposition -----------------------------------------------------------------

@pytest.mark.parametrize("booklet,imposed,sheet", [("half-letter", "imposed-letter", "letter"),
                                                   ("a5", "imposed-a4", "a4")])
def test_imposed_sheets_carry_the_booklet_pages_in_fold_order(case, booklet, imposed, sheet):
    out, lang, guide, *_ = case
    pages = pdfium.PdfDocument(pdfs(out, lang)[booklet])
    n = len(pages)
    assert n % 4 == 0
    assert tuple(round(v, 1) for v in pages[0].get_size()) == tuple(round(v, 1) for v in PAPERS[booklet])
    sheets = pdfium.PdfDocument(pdfs(out, lang)[imposed])
    assert len(sheets) == n // 2
    s = strings(lang)
    for k, side in enumerate(booklet_order(n)):
        width, height = sheets[k].get_size()
        assert (round(width, 1), round(height, 1)) == (round(PAPERS[sheet][1], 1), round(PAPERS[sheet][0], 1))
        for index, box in ((side.left, (0, 0, width / 2, height)), (side.right, (width / 2, 0, width, height))):
            half = " ".join(page_text(sheets, k, box).split())
            if index == 0:
                assert " ".join(guide["title"].split()[:2]) in half
            elif index == n - 1:
                assert s["contact_us"] in half
            else:
                assert s["page_of"].format(page=index + 1, pages=n) in half, (k, index)


def test_booklet_pads_with_notes_pages_and_ends_on_a_back_cover(default_build):
    doc = pdfium.PdfDocument(pdfs(default_build, "en")["half-letter"])
    first_lines = [page_text(doc, i).split("\n")[0] for i in range(len(doc))]
    assert "Contact us" in page_text(doc, len(doc) - 1)
    assert first_lines.count("Notes") >= 2
    manifest = json.loads((default_build / "manifest.json").read_text())
    docs = {d["path"]: d for d in manifest["documents"]}
    assert docs["en/half-letter/guide-booklet.pdf"]["kind"] == "guide-booklet"
    assert docs["en/letter/guide-imposed-booklet.pdf"]["kind"] == "guide-imposed"
    assert docs["en/letter/guide-imposed-booklet.pdf"]["paper"] == "letter"
    assert docs["en/letter/guide.pdf"]["kind"] == "guide"
    assert docs["en/letter/guide-imposed-booklet.pdf"]["pages"] * 2 == docs["en/half-letter/guide-booklet.pdf"]["pages"]


def test_the_imposed_job_reuses_the_rendered_booklet(tmp_path, monkeypatch):
    from pressroom.render import guide
    calls = []
    real = guide.render_guide
    monkeypatch.setattr(guide, "render_guide", lambda *a: calls.append(a[1].layout.name) or real(*a))
    paths = Paths(content=ROOT / "content", layouts=guide_layouts(tmp_path), fonts=ROOT / "fonts",
                  out=tmp_path / "out")
    jobs = [j for j in _jobs(paths) if j.layout.name == "guide-booklet-half-letter" and j.lang == "en"
            and j.layout.color_mode == "rgb"]  # the press edition is a render of its own
    assert {j.kind for j in jobs} == {"guide-booklet", "guide-imposed"}
    for job in jobs:
        job.render()
    assert calls == ["guide-booklet-half-letter"]


def test_a_press_twin_set_with_its_office_pages_is_made_in_one_pass_and_is_the_same_file(tmp_path, monkeypatch):
    """The press booklet renders in its office edition's group, after it, and sets its first
    pass with the contents' pages that edition found: one pass instead of two, and the very
    file two passes make. Set with wrong pages it takes another pass and is still that file
    (a contents entry's page number moves nothing, so every pass finds the same pages)."""
    from reportlab.platypus import BaseDocTemplate
    from pressroom.render import guide, tagging
    paths = Paths(content=ROOT / "content", layouts=guide_layouts(tmp_path), fonts=ROOT / "fonts",
                  out=tmp_path / "out")
    builds: list[int] = []
    real = BaseDocTemplate.build
    monkeypatch.setattr(BaseDocTemplate, "build", lambda self, *a, **k: builds.append(1) or real(self, *a, **k))

    def booklets():
        jobs = [j for j in _jobs(paths) if j.layout.name == "guide-booklet-half-letter" and j.lang == "en"
                and j.kind == "guide-booklet"]
        return sorted(jobs, key=lambda j: j.layout.color_mode == "cmyk")

    office, press = booklets()
    assert office.group == press.group and press.layout.color_mode == "cmyk"
    guide._found_pages.cache_clear()
    alone = press.render().data
    assert len(builds) == 2
    guide._found_pages.cache_clear()
    office, press = booklets()
    office.render()
    builds.clear()
    assert press.render().data == alone and len(builds) == 1
    foresee = tagging.Contents.foresee
    monkeypatch.setattr(tagging.Contents, "foresee",
                        lambda self, entries: foresee(self, tuple((e[0], e[1], e[2] + 1, e[3]) for e in entries)))
    office, press = booklets()
    builds.clear()
    assert press.render().data == alone and len(builds) == 2


def _jobs(paths: Paths) -> list:
    result = plan(paths)
    return result.jobs if hasattr(result, "jobs") else result[0]


# -- print quality ---------------------------------------------------------------------------

def font_dicts(reader: PdfReader):
    def walk(resources, seen):
        resources = resources.get_object() if resources else {}
        for font in (resources.get("/Font") or {}).values():
            yield font.get_object()
        for xobj in (resources.get("/XObject") or {}).values():
            xobj = xobj.get_object()
            if id(xobj) not in seen and xobj.get("/Subtype") == "/Form":
                seen.add(id(xobj))
                yield from walk(xobj.get("/Resources"), seen)
    for page in reader.pages:
        yield from walk(page.get("/Resources"), set())


@pytest.mark.parametrize("edition", ["letter", "a4", "half-letter", "a5", "imposed-letter", "imposed-a4"])
def test_fonts_embedded_and_metadata(case, edition):
    out, lang, guide, *_ = case
    reader = PdfReader(pdfs(out, lang)[edition])
    fonts = list(font_dicts(reader))
    assert fonts
    for font in fonts:
        descendant = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        assert "/FontFile2" in descendant["/FontDescriptor"].get_object(), font.get("/BaseFont")
    meta = reader.metadata
    assert meta.title == " ".join(guide["title"].split())
    assert meta.author and meta.subject
    assert str(reader.trailer["/Root"]["/Lang"]) == lang
    if not edition.startswith("imposed"):
        assert reader.trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"]


@pytest.mark.parametrize("edition,layout", [("letter", "guide-letter"), ("half-letter", "guide-booklet-half-letter"),
                                            ("a5", "guide-booklet-a5")])
def test_every_letter_in_the_text_area_is_at_least_11pt(case, edition, layout):
    """Band and footer are page furniture; everything between them, covers included, is >= 11 pt."""
    out, lang, *_ = case
    data = layout_data(layout)
    doc = pdfium.PdfDocument(pdfs(out, lang)[edition])
    bottom = pt(data["margins"]["bottom"]) + pt(data["sizes"]["footer"]) - 16
    small = []
    for i in range(len(doc)):
        textpage = doc[i].get_textpage()
        _, height = doc[i].get_size()
        top = height - pt(data["sizes"]["band"])
        cover = strings(lang)["page_of"].format(page=i + 1, pages=len(doc)) not in page_text(doc, i)
        for c in range(textpage.count_chars()):
            left, low, right, high = textpage.get_charbox(c)
            if textpage.get_text_range(c, 1).isspace() or (not cover and (low >= top or high <= bottom)):
                continue
            size = pdfium_c.FPDFText_GetFontSize(textpage.raw, c)
            if size < 10.99:
                small.append((i + 1, textpage.get_text_range(c, 1), size))
    assert not small, small[:10]


def test_no_guide_hyphenates_unless_its_layout_asks(tmp_path):
    """Patients read whole words: hyphenation is off in every guide; `hyphenate: true` in a
    layout turns it on for its text styles, and a style may still say no."""
    paths = Paths(content=ROOT / "content", layouts=guide_layouts(tmp_path), fonts=ROOT / "fonts",
                  out=tmp_path / "out")
    layouts = {j.layout.name: j.layout for j in _jobs(paths)}
    assert not any(st.hyphenate for lay in layouts.values() for st in lay.styles.values())
    path = tmp_path / "layouts" / "guide-booklet-a5.yaml"
    path.write_text(path.read_text() + "hyphenate: true\n")
    layouts = {j.layout.name: j.layout for j in _jobs(paths)}
    assert layouts["guide-booklet-a5"].styles["body"].hyphenate
    assert not layouts["guide-booklet-a5"].styles["chapter"].hyphenate
    assert not layouts["guide-booklet-half-letter"].styles["body"].hyphenate


def test_rebuilds_are_byte_identical(tmp_path, default_build):
    again = build(ROOT / "content", tmp_path)
    for edition, path in pdfs(default_build, "en").items():
        assert (again / path.relative_to(default_build)).read_bytes() == path.read_bytes(), edition


def test_draft_mark_on_every_page_until_signed_off(unseen_build, default_build):
    for edition in ("letter", "half-letter"):
        doc = pdfium.PdfDocument(pdfs(unseen_build, "es")[edition])
        for i in range(len(doc)):
            assert strings("es")["draft"] in page_text(doc, i), (edition, i + 1)
    signed = pdfium.PdfDocument(pdfs(default_build, "en")["letter"])
    assert not any(strings("en")["draft"] in page_text(signed, i) for i in range(len(signed)))


def test_footer_has_page_of_contact_and_document_control(default_build):
    doc = pdfium.PdfDocument(pdfs(default_build, "en")["letter"])
    n = len(doc)
    for i in range(1, n):
        text = page_text(doc, i)
        assert f"Page {i + 1} of {n}" in text
        assert "(555) 555-0142" in text and "RSC-GD-001 · v1" in text
    assert "It does not replace the advice" in page_text(doc, 1)  # disclaimer_guide, inside cover


# -- figures -----------------------------------------------------------------------------------

def test_the_known_figures_are_the_svg_files_in_layouts_figures():
    from pressroom.layout.artwork import figure_names
    from pressroom.inputs import list_tree
    assert figure_names(list_tree(ROOT / "layouts", "layouts")) == {
        p.stem for p in (ROOT / "layouts/figures").glob("*.svg")} >= {"incision", "spine", "advantages"}


@pytest.mark.parametrize("edition", ["letter", "half-letter"])
def test_figures_have_numbered_captions_labels_and_alt_text(case, edition):
    from pdfstructure import structure
    out, lang, guide, *_ = case
    s = strings(lang)
    doc = pdfium.PdfDocument(pdfs(out, lang)[edition])
    tree, _ = structure(pdfs(out, lang)[edition])
    alts = [el.alt for el in tree.walk() if el.role == "Figure"]
    blocks = [b for sec in guide["sections"] for b in sec.get("body", []) if isinstance(b, dict) and "figure" in b]
    labels = {"incision": ["fig_open", "fig_miss", "fig_open_cut", "fig_miss_cut"],
              "spine": ["fig_discectomy", "fig_decompression", "fig_fusion", "fig_kyphoplasty", "fig_nerve"],
              "advantages": [f"fig_adv_{n}" for n in ("tissue", "pain", "recovery", "infection", "scar", "blood")]}
    for number, block in enumerate(blocks, start=1):
        caption = f"{s['figure']} {number}: {' '.join(block['caption'].split()[:3])}"
        page = next(i for i in range(len(doc)) if caption in " ".join(page_text(doc, i).split()))
        visible = " ".join(page_text(doc, page).split())
        for key in labels[block["figure"]]:
            assert s[key].split()[0] in visible, key
        assert " ".join(block["alt"].split()) == " ".join(alts[number - 1].split())  # the Figure's /Alt


# -- jobs ----------------------------------------------------------------------------------------

def test_jobs_depend_on_guide_glossary_and_placed_procedures_only(tmp_path):
    content = write_tree(tmp_path / "content", UNSEEN)
    paths = Paths(content=content, layouts=guide_layouts(tmp_path), fonts=ROOT / "fonts", out=tmp_path / "o")
    jobs = [j for j in _jobs(paths) if j.kind.startswith("guide")]
    assert sorted(j.path for j in jobs) == sorted([
        "es/a4/guide.pdf", "es/a4/guide-imposed-booklet.pdf", "es/a5/guide-booklet.pdf",
        "es/half-letter/guide-booklet.pdf", "es/letter/guide-imposed-booklet.pdf", "es/letter/guide.pdf",
        "es/a5/guide-booklet-press.pdf", "es/half-letter/guide-booklet-press.pdf"])
    for job in jobs:
        names = {p.name for p in job.inputs}
        assert {"guide.yaml", "glossary.yaml", "rizolisis.yaml", "foraminotomia.yaml"} <= names
        assert "no-en-la-guia.yaml" not in names


def test_no_guide_file_means_no_guide_jobs(tmp_path):
    files = {k: v for k, v in UNSEEN.items() if k != "guide.yaml"}
    paths = Paths(content=write_tree(tmp_path / "content", files), layouts=guide_layouts(tmp_path),
                  fonts=ROOT / "fonts", out=tmp_path / "o")
    assert _jobs(paths) == []


# -- looking at it ---------------------------------------------------------------------------------

@pytest.mark.render
@pytest.mark.parametrize("edition", ["letter", "half-letter", "imposed-letter"])
def test_pages_render_with_ink_inside_the_page_and_white_margins(case, edition):
    """Every page renders; the side margins of text pages stay white (nothing runs off)."""
    out, lang, *_ = case
    doc = pdfium.PdfDocument(pdfs(out, lang)[edition])
    for i in range(len(doc)):
        image = doc[i].render(scale=0.5).to_pil().convert("L")
        assert image.getextrema()[0] < 128, f"page {i + 1} is blank"
        if edition != "imposed-letter" and 0 < i < len(doc) - 1:
            w, h = image.size
            for x in (1, w - 2):
                column = [image.getpixel((x, y)) for y in range(int(h * 0.1), int(h * 0.9))]
                assert min(column) > 240, f"page {i + 1}: ink in the side margin"


@pytest.mark.parametrize("edition,layout", [("letter", "guide-letter"), ("half-letter", "guide-booklet-half-letter")])
def test_no_heading_sits_alone_at_a_page_foot(case, edition, layout):
    """The last line of text on a page is never set in a heading size (>= 14 pt), but for
    the Notes heading, whose writing lines below it are not text."""
    out, lang, *_ = case
    notes = strings(lang)["notes"]
    data = layout_data(layout)
    doc = pdfium.PdfDocument(pdfs(out, lang)[edition])
    bottom = pt(data["margins"]["bottom"]) + pt(data["sizes"]["footer"]) - 16
    for i in range(1, len(doc) - 1):
        textpage = doc[i].get_textpage()
        top = doc[i].get_size()[1] - pt(data["sizes"]["band"])
        chars = [(textpage.get_charbox(c), pdfium_c.FPDFText_GetFontSize(textpage.raw, c))
                 for c in range(textpage.count_chars()) if not textpage.get_text_range(c, 1).isspace()]
        chars = [(box, size) for box, size in chars if bottom < box[1] < top]
        lowest = min(box[1] for box, _ in chars)
        last_line = [size for box, size in chars if box[1] < lowest + 4]
        if len(chars) > len(last_line) and notes not in page_text(doc, i, (0, lowest - 2, 10000, lowest + 40)):
            assert max(last_line) < 14, f"page {i + 1}: a heading ends the page"


def test_a_bad_layout_option_is_reported_not_raised(tmp_path, capsys):
    layouts = guide_layouts(tmp_path)
    path = layouts / "guide-a4.yaml"
    path.write_text(path.read_text() + "options: {chapter_start: sometimes}\n")
    code = main(["--content", str(ROOT / "content"), "--layouts", str(layouts), "--out", str(tmp_path / "o"),
                 "--jobs", "1", "--quiet"], root=ROOT)
    assert code == 1
    err = capsys.readouterr().err
    assert "options.chapter_start: expected run_on or new_page or odd_page, found 'sometimes'" in err
    assert not (tmp_path / "o" / "en").exists()
