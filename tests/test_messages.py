"""Messages for authors: every problem is one line `path:line: field: what is wrong`, exit 1,
no traceback, no ReportLab internals; warnings say `warning:` and --strict makes them errors."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import REPO

DISC = "procedures/discectomy.yaml"


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, text: str) -> int:
    """The 1-based line of the first line of `path` containing `text`."""
    return next(i for i, ln in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in ln)


def layouts_of(tmp_path: Path, *names: str) -> Path:
    """A layouts folder with only the named layouts (and what they extend): fast builds."""
    target = tmp_path / "layouts"
    target.mkdir(parents=True)
    for name in names:
        while name:
            source = REPO / "layouts" / f"{name}.yaml"
            shutil.copy(source, target / source.name)
            name = next((ln.split(":", 1)[1].split("#")[0].strip() for ln in source.read_text().splitlines()
                         if ln.startswith("extends:")), None)
    shutil.copytree(REPO / "layouts/strings", target / "strings")
    shutil.copytree(REPO / "layouts/figures", target / "figures")
    shutil.copytree(REPO / "layouts/profiles", target / "profiles")
    return target


class Built:
    """A build's exit code and its messages, with the content folder shown as `content/`."""

    def __init__(self, result, content: Path):
        self.code = result.code
        self.err = result.err.replace(str(content.resolve()), "content")
        self.lines = self.err.splitlines()
        assert "Traceback" not in self.err and "@0x" not in self.err and "<Table" not in self.err

    def problems(self) -> list[str]:
        return [ln for ln in self.lines if not ln.startswith("error: ")]


@pytest.fixture
def content(content):
    """English and Spanish only: the messages these cases expect name those files."""
    for lang in ("vi", "zh-Hans"):
        shutil.rmtree(content / lang)
    return content


@pytest.fixture
def build(run, content, tmp_path):
    """Build `content` with some layouts (default: the Letter leaflet); return a Built.
    `layouts` may instead be a prepared layouts folder."""
    def _build(*layouts, extra=()):
        folder = layouts[0] if layouts and isinstance(layouts[0], Path) else layouts_of(
            tmp_path / f"l{len(list(tmp_path.glob('l*')))}", *(layouts or ("leaflet-letter",)))
        result = run("--content", content, "--layouts", folder, "--out", tmp_path / "out", "--quiet",
                     "--jobs", "1", *extra)
        return Built(result, content)
    return _build


# -- did you mean ----------------------------------------------------------------------------

def test_a_hint_never_ends_in_an_empty_list(content, build):
    shutil.rmtree(content / "procedures")
    result = build("guide-letter")
    line = line_of(content / "guide.yaml", "- heading: Common procedures")
    assert result.code == 1
    assert (f"content/guide.yaml:{line}: sections[3].procedures: no procedure 'discectomy'; there are "
            "no procedure files (procedures/*.yaml) next to this guide") in result.lines
    assert not [ln for ln in result.lines if re.search(r"allowed: ?$", ln)]


# -- whole values ------------------------------------------------------------------------------

def test_a_file_name_with_a_final_newline_is_not_a_slug(content, build):
    shutil.copy(content / DISC, content / "procedures/extra\n.yaml")
    result = build()
    assert result.code == 1
    assert result.problems() == ["content/procedures/extra\\n.yaml:1: file name 'extra\\n.yaml': use lower-case "
                                 "letters, digits and hyphens (it becomes the PDF's name)"]


def test_a_folder_name_with_a_final_newline_is_not_a_language(content, build, tmp_path):
    (content / "es").rename(content / "es\n")
    result = build()
    assert result.code == 0, result.err
    assert result.lines == ["content/es\\n: warning: this folder is not a language code (lower case, like es or "
                            "pt-br), so nothing in it is built"]
    assert not (tmp_path / "out/es\n").exists() and (tmp_path / "out/en").is_dir()


def test_a_colour_with_a_final_newline_is_refused(content, build):
    edit(content / "clinic.yaml", 'primary: "#1d4e89"', 'primary: "#1d4e89\\n"')
    result = build()
    line = line_of(content / "clinic.yaml", "primary:")
    assert result.code == 1
    assert result.problems() == [f"content/clinic.yaml:{line}: brand.primary: expected a hex colour like "
                                 "\"#1d4e89\", found '#1d4e89\\n'"]


def test_a_layout_colour_with_a_final_newline_is_refused(build, tmp_path):
    layouts = layouts_of(tmp_path / "mine", "leaflet-letter")
    edit(layouts / "base.yaml", 'text: "#1f2933"', 'text: "#1f2933\\n"')
    result = build(layouts)
    assert result.code == 1
    assert any(re.fullmatch(r".*layouts/base\.yaml:\d+: colors\.text: expected \"#rrggbb\" .*found '#1f2933\\n'", ln)
               for ln in result.lines), result.err


# -- numbers as written --------------------------------------------------------------------------

def page_text(pdf: Path, page: int = 0) -> str:
    return " ".join(PdfReader(pdf).pages[page].extract_text().split())


def test_a_version_keeps_its_digits(content, build, tmp_path):
    edit(content / DISC, "  version: 1\n", "  version: 1.10\n")
    edit(content / "clinic.yaml", 'phone: "(555) 555-0142"', "phone: 0142")
    result = build()
    assert result.code == 0, result.err
    text = page_text(tmp_path / "out/en/letter/leaflet-discectomy.pdf")
    assert "RSC-PL-001 · v1.10 ·" in text and "v1.1 " not in text
    assert "Spine Center · 0142 ·" in text  # not 98, the octal number YAML reads


def test_translation_versions_compare_as_written(content, build):
    """1.10 is newer than 1.9: a source at 1.10 makes a translation at 1.9 out of date."""
    edit(content / DISC, "  version: 1\n", "  version: 1.10\n")
    es = content / "es" / DISC
    edit(es, "  version: 1\n", "  version: 1.9\n")
    result = build()
    assert result.code == 0, result.err
    assert [ln for ln in result.lines if "older than its source" in ln and ln.startswith("content/es/")] == [
        "content/es/procedures/discectomy.yaml: warning: this translation (version 1.9) is older than its "
        "source content/procedures/discectomy.yaml (version 1.10); update the translation and its "
        "review.version"]


# -- brand colours ---------------------------------------------------------------------------------

def test_an_unquoted_colour_warns_with_file_and_line(content, build):
    edit(content / "clinic.yaml", 'primary: "#1d4e89"', "primary: #aa0000")
    line = line_of(content / "clinic.yaml", "primary:")
    expected = (f"content/clinic.yaml:{line}: warning: brand.primary is empty, so it stays #1d4e89; write a "
                "colour in quotes, like primary: \"#aa0000\" (without quotes YAML reads # and the rest of the "
                "line as a comment)")
    result = build()
    assert result.code == 0 and expected in result.lines, result.err
    strict = build(extra=["--strict"])
    assert strict.code == 1 and expected in strict.lines


def test_an_empty_brand_warns(content, build):
    text = (content / "clinic.yaml").read_text(encoding="utf-8")
    (content / "clinic.yaml").write_text(text[:text.index("brand:")] + "brand: # our colours\n", encoding="utf-8")
    (content / "es/clinic.yaml").write_text("brand:\n  accent:\n", encoding="utf-8")
    result = build()
    line = line_of(content / "clinic.yaml", "brand:")
    assert result.code == 0, result.err
    assert [ln for ln in result.lines if "is empty" in ln] == [
        f"content/clinic.yaml:{line}: warning: brand is empty, so the colours stay #1d4e89 and #2a7f8f; write a "
        "colour in quotes, like primary: \"#aa0000\" (without quotes YAML reads # and the rest of the line as a "
        "comment)",
        "content/es/clinic.yaml:2: warning: brand.accent is empty, so it stays #2a7f8f; write a colour in quotes, "
        "like primary: \"#aa0000\" (without quotes YAML reads # and the rest of the line as a comment)"]


# -- links -----------------------------------------------------------------------------------------

WEB_ADVICE = "; write a web address like https://example.org or example.org/patients"


def uris(pdf: Path) -> list[str]:
    return [a.get_object()["/A"]["/URI"] for page in PdfReader(pdf).pages for a in page.get("/Annots", [])
            if "/URI" in a.get_object().get("/A", {})]


@pytest.mark.parametrize("website, why", [
    ("javascript:alert(1)", "'javascript:alert(1)' must start with https:// or http://"),
    ("JavaScript:alert(1)", "'JavaScript:alert(1)' must start with https:// or http://"),
    ("java\\tscript:alert(1)", "'java script:alert(1)' contains ' ', which cannot be part of a link"),
    ("vbscript:msgbox(1)", "'vbscript:msgbox(1)' must start with https:// or http://"),
    ("data:text/html,hi", "'data:text/html,hi' must start with https:// or http://"),
    ("ftp://example.org", "'ftp://example.org' must start with https:// or http://"),
    ("https:javascript:alert(1)", "'https:javascript:alert(1)' is not a whole web address (like "
     "https://example.org/page)"),
    ("https://example.org@evil.example", "'https://example.org@evil.example' is not a whole web address "
     "(like https://example.org/page)"),
    ('https://example.org/\\"onclick', "'https://example.org/\"onclick' contains '\"', which cannot be part "
     "of a link"),
    ("https://example.org/\\x07", "'https://example.org/\\x07' contains '\\x07', which cannot be part of a link"),
])
def test_a_website_that_is_not_a_web_address_is_refused(content, build, website, why):
    edit(content / "clinic.yaml", "website: https://riverside-spine.example.org", f'website: "{website}"')
    result = build()
    line = line_of(content / "clinic.yaml", "website:")
    assert result.code == 1
    assert result.problems() == [f"content/clinic.yaml:{line}: website: {why}{WEB_ADVICE}"]


@pytest.mark.parametrize("email, why", [
    ("mailto:care@example.org", "write the address alone, without mailto:"),
    ("care@example.org?bcc=all@example.org", "expected an e-mail address like care@example.org, found "
     "'care@example.org?bcc=all@example.org'"),
    ("javascript:alert(1)//@example.org", "expected an e-mail address like care@example.org, found "
     "'javascript:alert(1)//@example.org'"),
])
def test_an_email_that_is_not_an_address_is_refused(content, build, email, why):
    edit(content / "clinic.yaml", "email: care@riverside-spine.example.org", f'email: "{email}"')
    result = build()
    line = line_of(content / "clinic.yaml", "email:")
    assert result.code == 1
    assert result.problems() == [f"content/clinic.yaml:{line}: email: {why}"]


def test_a_bare_domain_website_links_with_https(content, build, tmp_path):
    edit(content / "clinic.yaml", "website: https://riverside-spine.example.org", "website: example.org/patients")
    result = build("brochure-letter-office")
    assert result.code == 0, result.err
    pdf = tmp_path / "out/en/letter/brochure-office.pdf"
    assert sorted(set(uris(pdf))) == ["https://example.org/patients", "mailto:care@riverside-spine.example.org"]
    assert "example.org/patients" in page_text(pdf)  # shown without the scheme, beside the QR code


@pytest.mark.parametrize("url, why", [
    ("JavaScript:alert(1)", "'JavaScript:alert(1' must start with https://, http://, mailto: or tel:"),
    ("jAvAsCrIpT:alert`1`", "'jAvAsCrIpT:alert`1`' contains '`', which cannot be part of a link"),
    ("\u00a0javascript:alert`1`", None),  # a space before it: no link at all, the text prints as written
    ("https://example.org/\"onmouseover=alert`1`", "'https://example.org/\"onmouseover=alert`1`' contains "
     "'\"', which cannot be part of a link"),
    ("https://example.org/'x", "\"https://example.org/'x\" contains \"'\", which cannot be part of a link"),
    ("https://example.org/\u0007", "'https://example.org/\\x07' contains '\\x07', which cannot be part of a link"),
    ("https://example.org/\u202e", "'https://example.org/\\u202e' contains '\\u202e', which cannot be part of "
     "a link"),
    ("mailto:care@example.org?bcc=all@example.org", "'mailto:care@example.org?bcc=all@example.org' is not an "
     "e-mail address (like mailto:care@example.org)"),
    ("tel:javascript:alert(1", "'tel:javascript:alert(1' is not a phone number (like tel:+15555550142)"),
])
def test_a_link_in_content_cannot_smuggle_anything(content, build, tmp_path, url, why):
    import json
    edit(content / DISC, "title: Discectomy", f"title: {json.dumps(f'Discectomy [see]({url})')}")
    result = build()
    if why is None:
        assert result.code == 0, result.err
        assert uris(tmp_path / "out/en/letter/leaflet-discectomy.pdf") == []
        return
    assert result.code == 1
    assert result.problems() == [f"content/{DISC}:1: title: link {why}"]


def test_allowed_links_are_live(content, build, tmp_path):
    edit(content / DISC, "title: Discectomy", "title: \"Discectomy [a](HTTPS://Example.org/a?b=1&c=2) "
         "[b](mailto:care@example.org) [c](tel:+1-555-555-0142)\"")
    result = build()
    assert result.code == 0, result.err
    assert uris(tmp_path / "out/en/letter/leaflet-discectomy.pdf") == [
        "HTTPS://Example.org/a?b=1&c=2", "mailto:care@example.org", "tel:+1-555-555-0142"]


# -- translations and review dates -------------------------------------------------------------------

def test_a_translation_without_a_source_is_named_and_built(content, build, tmp_path):
    shutil.copy(content / "es" / DISC, content / "es/procedures/discectomia.yaml")
    result = build()
    assert result.code == 0, result.err
    assert result.lines == [
        "content/es/procedures/discectomia.yaml: warning: this translation has no source "
        "(content/procedures/discectomia.yaml does not exist; did you mean discectomy.yaml?); it is built in es only"]
    assert (tmp_path / "out/es/letter/leaflet-discectomia.pdf").is_file()
    assert build(extra=["--strict"]).code == 1


def test_a_translated_guide_without_a_source(content, build):
    (content / "guide.yaml").unlink()
    result = build("guide-letter")
    assert result.code == 0, result.err
    assert "content/es/guide.yaml: warning: this translation has no source (content/guide.yaml does not exist); " \
           "it is built in es only" in result.lines


@pytest.mark.parametrize("today, reviewed_on, next_review, key, message", [
    ((2026, 9, 20), "2026-09-14", "2026-09-15", "next_review", "review.next_review 2026-09-15 has passed; have "
     "a clinician review this text and update the review block"),
    ((2026, 9, 20), "2026-09-14", "2026-09-01", "next_review", "review.next_review 2026-09-01 has passed, and is "
     "before review.reviewed_on 2026-09-14; the next review comes after the last one: check both dates"),
    ((2027, 1, 1), "2026-09-14", "2027-12-31", None, None),
    ((2027, 1, 1), "2027-02-01", "2028-02-01", "reviewed_on", "review.reviewed_on 2027-02-01 is in the future "
     "(today is 2027-01-01); write the date the clinician reviewed the text"),
])
def test_review_dates_in_the_wrong_order_warn(content, build, monkeypatch, today, reviewed_on, next_review, key,
                                              message):
    import datetime as dt
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(*today, tzinfo=dt.timezone.utc).timestamp())))
    for other in [*(content / "procedures").glob("*.yaml"), content / "guide.yaml", content / "brochure.yaml"]:
        if other.name != "discectomy.yaml":
            other.unlink()  # their dates would warn too
    shutil.rmtree(content / "es")
    edit(content / DISC, "reviewed_on: 2026-09-14", f"reviewed_on: {reviewed_on}")
    edit(content / DISC, "next_review: 2027-09-14", f"next_review: {next_review}")
    result = build()
    assert result.code == 0, result.err
    assert result.lines == ([f"content/{DISC}:{line_of(content / DISC, key + ':')}: warning: {message}"]
                            if key else [])


# -- what does not fit -------------------------------------------------------------------------------

NO_REPR = re.compile(r"0x[0-9A-Fa-f]{6,}|Flowable|<\w+@")
CTA_WORDS = ("Ask our team whether this care is right for you and what to expect on the day. " * 12).split()  # under the 1,000-character limit of a call to action
SHORT_BROCHURE = """title: Minimally Invasive Spine Surgery
tagline: Smaller incisions.
panels:
  - {{heading: One, body: ["A short panel."]}}
  - {{heading: Two, body: ["A short panel."]}}
  - {{heading: Three, body: ["A short panel."]}}
  - {{heading: Four, body: ["A short panel."]}}
call_to_action: "{cta}"
"""


SHORT_CLINIC = """name: "{name}"
phone: "(555) 555-0142"
website: https://riverside-spine.example.org
email: care@riverside-spine.example.org
address: {address}
"""
CLINIC_LINES = {"name": 1, "address": 5}


def brochure_misfits(content: Path, layouts: Path, words: int, name: str, address: list[str]) -> tuple:
    """Set the call to action to `words` words and the clinic's name and address; what does not
    fit the brochure (through the API: quicker than a build, to find where the back panel is full)."""
    import json
    from pressroom.build.pipeline import Paths, plan
    from pressroom.render.misfit import Misfits
    (content / "brochure.yaml").write_text(SHORT_BROCHURE.format(cta=" ".join(CTA_WORDS[:words])))
    (content / "clinic.yaml").write_text(SHORT_CLINIC.format(name=name, address=json.dumps(address)))
    job = next(j for j in plan(Paths(content, layouts, REPO / "fonts", content.parent / "probe")).jobs
               if j.kind == "brochure")
    try:
        job.render()
    except Misfits as exc:
        return exc.misfits
    return ()


NAME_40 = "Riverside Spine Center of Springfield ON"
ADDRESS_4 = ["1200 River Road", "Suite 300", "Springfield", "ST 00000"]


@pytest.fixture
def full_back_panel(content, tmp_path):
    """A brochure whose back panel is full to the last word of its call to action with a clinic
    name and address as long as the layouts are made for (40 characters, 4 lines):
    (layouts, words that fit)."""
    shutil.rmtree(content / "es")
    layouts = layouts_of(tmp_path / "brochure", "brochure-letter-office")
    fits, spills = 1, len(CTA_WORDS)
    assert not brochure_misfits(content, layouts, fits, NAME_40, ADDRESS_4)
    assert brochure_misfits(content, layouts, spills, NAME_40, ADDRESS_4)
    while spills - fits > 1:
        middle = (fits + spills) // 2
        if brochure_misfits(content, layouts, middle, NAME_40, ADDRESS_4):
            spills = middle
        else:
            fits = middle
    return layouts, fits


@pytest.mark.parametrize("name, address, field, told", [
    ("Riverside Spine Center and Minimally Invasive Surgery Institute of Springfield", ADDRESS_4, "name",
     "is too long (78 characters) for the brochure's back panel in the brochure-letter-office layout; shorten it "
     "to at most 40 characters"),
    (NAME_40, ADDRESS_4 + ["United States", "Planet Earth"], "address",
     "is too long (6 lines) for the brochure's back panel in the brochure-letter-office layout; keep it to at most "
     "4 lines of at most 40 characters"),
])
def test_a_clinic_field_that_makes_a_panel_overflow_is_named(content, build, full_back_panel, name, address, field,
                                                             told):
    layouts, words = full_back_panel
    brochure_misfits(content, layouts, words, name, address)
    result = build(layouts)
    assert result.code == 1
    assert result.problems() == [f"content/clinic.yaml:{CLINIC_LINES[field]}: {field}: {told}"]


def test_text_that_does_not_fit_is_cut_by_its_own_words(content, build, full_back_panel):
    layouts, words = full_back_panel
    brochure_misfits(content, layouts, words + 6, NAME_40, ADDRESS_4)
    result = build(layouts)
    assert result.code == 1
    [problem] = result.problems()
    cut = re.fullmatch(r"content/brochure\.yaml:8: call_to_action: the brochure's back panel does not fit even at "
                       r"its smallest text sizes in the brochure-letter-office layout: it overflows by 0\.\d\d in "
                       r"\(\d+ mm, about [1-3] lines?\); cut about (\d+) words?", problem)
    assert cut and 1 <= int(cut[1]) <= 12, problem


def test_a_very_long_phone_is_one_message_naming_clinic_yaml(content, build):
    edit(content / "clinic.yaml", '"(555) 555-0142"', '"' + "5" * 5000 + '"')
    result = build("leaflet-letter", "guide-letter", "brochure-letter-office")
    assert result.code == 1
    [problem] = result.problems()
    assert problem.startswith("content/clinic.yaml:2: phone: ") and "shorten it" in problem, problem
    assert not NO_REPR.search(result.err)


def test_a_note_taller_than_a_page_is_named_once_for_every_layout(content, build):
    note = "Bring a list of your medicines and any questions you have for the team. " * 120
    edit(content / DISC, "      - note: >-\n", f"      - note: \"{note.strip()}\"\n      - >-\n")
    result = build("leaflet-letter", "guide-letter")
    line = line_of(content / DISC, "- note:")
    assert result.code == 1
    [problem] = result.problems()
    cut = re.fullmatch(rf"content/{DISC}:{line}: sections\[4\]\.body\[2\]\.note: this note does not fit on one page "
                       r"\(it cannot break across pages\) in the guide-letter and leaflet-letter layouts: it overflows "
                       r"by up to \d+\.\d\d in \(\d+ mm, about \d+ lines\); cut about (\d+) words", problem)
    assert cut, problem
    assert len(note.split()) // 2 < int(cut[1]) < len(note.split())  # a page holds some of it, not most


def test_a_leaflet_past_its_pages_is_cut_by_its_own_words(content, build):
    extra = "".join(f"  - heading: Extra {i}\n    body: [\"{'A long sentence that fills the page. ' * 12}\"]\n"
                    for i in range(12))
    edit(content / DISC, "sections:\n", "sections:\n" + extra)
    result = build("leaflet-letter", "leaflet-a4")
    assert result.code == 1
    [problem] = result.problems()
    cut = re.fullmatch(rf"content/{DISC}:1: the leaflet does not fit on 2 pages in the leaflet-a4 and leaflet-letter "
                       r"layouts: it overflows by up to \d+\.\d\d in \(\d+ mm, about \d+ lines\); cut about (\d+) "
                       r"words or move detail to the guide", problem)
    assert cut, problem
    added = 12 * (2 + 12 * 7)
    assert added // 2 < int(cut[1]) < added  # the two pages hold the original text and some of the new


def test_a_field_a_translation_overrides_is_named_in_its_own_clinic_yaml(content, build):
    (content / "es/clinic.yaml").write_text('phone: "' + "5" * 5000 + '"\n', encoding="utf-8")
    result = build()
    assert result.code == 1
    [problem] = result.problems()
    assert problem.startswith("content/es/clinic.yaml:1: phone: "), problem
