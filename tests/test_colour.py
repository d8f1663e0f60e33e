"""Managed colour and the preflight summary of press files (issue 15, items 4 and 5).

One build of another clinic's brochure and booklets is shared by the module: its purple
(RGB 91, 42, 134) given in CMYK with a spot colour, its accent given only in RGB.
"""

from __future__ import annotations

import json
import re
import shutil
from io import BytesIO

import pytest
from PIL import Image, ImageCms
from pypdf import PdfReader
from pypdf.generic import ContentStream

from conftest import REPO, copy_layouts
from pressroom.cli import main
from pressroom.build.preflight import scan

PROFILE = REPO / "layouts/profiles/FOGRA39L_coated.icc"
LAYOUTS = ("base.yaml", "brochure-letter.yaml", "brochure-letter-office.yaml", "brochure-letter-press.yaml",
           "guide-letter.yaml",
           "guide-booklet-half-letter.yaml")
ACCENT = "#2a7f6f"   # given only in RGB


def _tree(root, brand: str, logo: bytes | None = None):
    layouts = copy_layouts(root / "layouts", LAYOUTS)
    content = root / "content"
    (content / "procedures").mkdir(parents=True)
    for name in ("glossary.yaml", "guide.yaml", "brochure.yaml", "procedures/discectomy.yaml"):
        shutil.copy(REPO / "content" / name, content / name)
    guide = (content / "guide.yaml").read_text()
    (content / "guide.yaml").write_text(re.sub(r"procedures: \[[^\]]*\]", "procedures: all", guide))
    clinic = (REPO / "content/clinic.yaml").read_text()
    clinic = re.sub(r"brand:\n(  .*\n)+", brand, clinic)
    if logo is not None:
        (content / "logo.png").write_bytes(logo)
        clinic += "logo: logo.png\n"
    (content / "clinic.yaml").write_text(clinic)
    return content, layouts


def _build(root, brand: str, logo: bytes | None = None, *extra) -> tuple[int, str]:
    content, layouts = _tree(root, brand, logo)
    out = root / "out"
    code = main([str(a) for a in ["--content", content, "--layouts", layouts, "--fonts", REPO / "fonts",
                                  "--out", out, "--jobs", "1", *extra]], root=REPO)
    return code, out


PURPLE = ('brand:\n  primary: {rgb: "#5b2a86", cmyk: [70, 95, 0, 5], spot: "PANTONE 268 C"}\n'
          f'  accent: "{ACCENT}"\n')


@pytest.fixture(scope="module")
def purple(tmp_path_factory):
    code, out = _build(tmp_path_factory.mktemp("purple"), PURPLE)
    assert code == 0
    return out


def operations(path):
    """(operands, operator) of every content stream of every page and form XObject."""
    reader = PdfReader(path)
    seen, ops = set(), []

    def walk(stream, resources):
        ops.extend(ContentStream(stream, reader).operations)
        xobjects = (resources or {}).get("/XObject")
        for ref in (xobjects.get_object() if xobjects else {}).values():
            obj = ref.get_object()
            if obj.get("/Subtype") == "/Form" and ref.idnum not in seen:
                seen.add(ref.idnum)
                walk(obj, obj.get("/Resources"))

    for page in reader.pages:
        walk(page.get_contents(), page.get("/Resources").get_object())
    return reader, [(list(map(str, o)), op.decode() if isinstance(op, bytes) else op) for o, op in ops]


PRESS_FILES = ("en/letter/brochure-press.pdf", "en/half-letter/guide-booklet-press.pdf")


@pytest.mark.parametrize("name", PRESS_FILES)
def test_spot_brand_colour_is_a_separation_with_the_given_cmyk(purple, name):
    reader, ops = operations(purple / name)
    spaces = {}
    for page in reader.pages:
        for key, space in (page["/Resources"].get("/ColorSpace") or {}).items():
            spaces[key] = space.get_object()
    spot = [s for s in spaces.values() if s[0] == "/Separation" and s[1] == "/PANTONE 268 C"]
    assert spot and spot[0][2] == "/DeviceCMYK"
    function = spot[0][3].get_object().get_data().decode()
    assert "0.7 mul" in function and "0.95 mul" in function and "0.05 mul" in function
    used = [o for o, op in ops if op == "cs" and "PANTONE" in str(spaces.get(o[0], [None, ""])[1])]
    assert used, "the spot colour is never painted"


def test_cmyk_only_brand_colour_prints_exactly_as_given(tmp_path):
    code, out = _build(tmp_path, "brand:\n  primary: {cmyk: [70, 95, 0, 5]}\n")
    assert code == 0
    _, ops = operations(out / "en/letter/brochure-press.pdf")
    assert (["0.7", "0.95", "0", "0.05"], "k") in ops
    # office files use the RGB the profile gives for those inks: a purple, not a formula's mauve
    office = (out / "en/letter/brochure-office.pdf")
    _, office_ops = operations(office)
    fills = {tuple(float(v) for v in o) for o, op in office_ops if op == "rg"}
    ink = Image.new("CMYK", (1, 1), tuple(round(v * 2.55) for v in (70, 95, 0, 5)))
    rgb = ImageCms.applyTransform(ink, ImageCms.buildTransform(
        ImageCms.getOpenProfile(str(PROFILE)), ImageCms.createProfile("sRGB"), "CMYK", "RGB",
        renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)).getpixel((0, 0))
    assert any(all(abs(a - b / 255) < 0.003 for a, b in zip(f, rgb)) for f in fills)
    assert rgb[2] > rgb[1] and rgb[0] > rgb[1]  # purple


def test_rgb_only_brand_colour_goes_through_the_profile(purple):
    _, ops = operations(purple / "en/letter/brochure-press.pdf")
    rgb = tuple(int(ACCENT[i:i + 2], 16) for i in (1, 3, 5))
    transform = ImageCms.buildTransform(ImageCms.createProfile("sRGB"), ImageCms.getOpenProfile(str(PROFILE)),
                                        "RGB", "CMYK", renderingIntent=ImageCms.Intent.RELATIVE_COLORIMETRIC)
    expected = ImageCms.applyTransform(Image.new("RGB", (1, 1), rgb), transform).getpixel((0, 0))
    assert min(v for v in expected if v) / 255 >= 0.05  # the floor leaves this colour alone
    inks = {tuple(round(float(v), 3) for v in o) for o, op in ops if op in ("k", "K")}
    assert tuple(round(v / 255, 3) for v in expected) in inks


@pytest.mark.parametrize("name", PRESS_FILES)
def test_body_text_is_solid_black(purple, name):
    _, ops = operations(purple / name)
    text_fills, fill, in_text = [], None, False
    for operands, op in ops:
        if op == "k":
            fill = tuple(float(v) for v in operands)
        elif op == "BT":
            in_text = True
        elif op == "ET":
            in_text = False
        elif op in ("Tj", "TJ") and in_text:
            text_fills.append(fill)
    # dark neutral text prints with black ink alone, never a 4-colour or tinted grey
    greys = [f for f in text_fills if f and f[:3] == (0, 0, 0) and f[3] > 0]  # white text has no ink
    assert greys and all(f == (0, 0, 0, 1) for f in greys)
    assert not [f for f in text_fills if f and min(f[:3]) > 0.3 and f[3] > 0.3]


@pytest.mark.parametrize("name", PRESS_FILES)
def test_no_ink_between_zero_and_five_percent(purple, name):
    _, ops = operations(purple / name)
    faint = [(o, op) for o, op in ops if op in ("k", "K") and any(0 < float(v) < 0.05 for v in o)]
    assert not faint
    assert not scan((purple / name).read_bytes()).faint


def test_panel_tints_stay_visible(purple):
    """note_fill (#eef3f8), the palest panel, still prints some ink."""
    from pressroom.layout.inks import floor, rgb_to_cmyk
    tint = floor(rgb_to_cmyk((0xee, 0xf3, 0xf8), PROFILE.read_bytes()), 0.05)
    assert max(tint) >= 0.05 and all(v == 0 or v >= 0.05 for v in tint)
    assert floor((0.01, 0.02, 0.0, 0.0), 0.05) == (0.0, 0.05, 0.0, 0.0)
    assert floor((0.3, 0.02, 0.03, 0.0), 0.05) == (0.3, 0.0, 0.05, 0.0)


def test_preflight_summary_in_manifest_and_report(purple):
    manifest = json.loads((purple / "manifest.json").read_text())
    entries = {e["path"]: e for e in manifest["documents"]}
    for name in PRESS_FILES:
        p = entries[name]["preflight"]
        assert "PANTONE 268 C" in p["inks"] and "black" in p["inks"]
        assert 100 < p["max_ink"] <= 300 and p["ink_limit"] == 300
        assert set(p["boxes"]) == {"all pages"} and set(p["boxes"]["all pages"]) == {"MediaBox", "TrimBox", "BleedBox"}
        assert p["fonts"] and all(re.fullmatch(r"[A-Z]{6}\+AtkinsonHyperlegible-\w+", f) for f in p["fonts"])
        assert p["colour"].startswith("managed")
    assert "preflight" not in entries["en/letter/brochure-office.pdf"]
    report = (purple / "report.html").read_text()
    assert "Preflight (press files)" in report and "PANTONE 268 C" in report
    assert "en/half-letter/guide-booklet-press.pdf" in report


def test_total_ink_over_the_limit_warns_at_the_brand_line(tmp_path):
    brand = "brand:\n  primary: {rgb: \"#000000\", cmyk: [100, 100, 100, 100]}\n"
    code, out = _build(tmp_path, brand)
    assert code == 0
    entry = {e["path"]: e for e in json.loads((out / "manifest.json").read_text())["documents"]}
    p = entry["en/letter/brochure-press.pdf"]["preflight"]
    assert p["max_ink"] == 400 and any("total ink 400 %" in w for w in p["warnings"])
    assert "400 %" in (out / "report.html").read_text()
    code, _ = _build(tmp_path / "strict", brand, None, "--strict")
    assert code == 1


def test_low_resolution_image_warns(tmp_path, capsys):
    img = Image.new("RGB", (40, 20), (91, 42, 134))
    data = BytesIO()
    img.save(data, "PNG")
    code, out = _build(tmp_path, PURPLE, data.getvalue())
    assert code == 0
    err = capsys.readouterr().err
    entry = {e["path"]: e for e in json.loads((out / "manifest.json").read_text())["documents"]}
    p = entry["en/half-letter/guide-booklet-press.pdf"]["preflight"]
    assert p["images"] and p["images"][0]["ppi"] < 300 and p["images"][0]["colour_space"] == "DeviceCMYK"
    assert any("ppi at its placed size" in w for w in p["warnings"])
    assert re.search(r"logo\.png: warning: 40 × 20 px is only \d+ (dpi|ppi)", err)


@pytest.mark.parametrize("brand,message", [
    ("brand:\n  primary: {cmyk: [70, 95, 0]}\n", "four ink percentages"),
    ("brand:\n  primary: {cmyk: [70, 95, 0, 3]}\n", "K 3 % is too faint"),
    ("brand:\n  primary: {rgb: \"#5b2a86\", spot: PANTONE 268 C}\n", "needs its process equivalent"),
    ("brand:\n  primary: {spot: PANTONE 268 C, cmyk: [70, 95, 0, 5], pms: 1}\n", "unknown key"),
    ("brand:\n  primary: {}\n", "give the colour as rgb"),
    ("brand:\n  primary: {cmyk: [170, 95, 0, 5]}\n", "from 0 to 100"),
])
def test_bad_brand_inks_are_located_errors(tmp_path, capsys, brand, message):
    code, _ = _build(tmp_path, brand)
    err = capsys.readouterr().err
    assert code == 1 and message in err
    assert re.search(r"clinic\.yaml:1[0-9]: brand\.primary", err)
    assert "Traceback" not in err
