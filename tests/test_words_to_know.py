"""Glossary terms found in every script: Chinese has no spaces, so its terms are found inside
a sentence (the longest first, none inside another's match); Latin and Vietnamese terms
still need word boundaries. The leaflets' 'Words to know' box follows."""

from __future__ import annotations

import time
import unicodedata

import pytest
import yaml
from conftest import REPO
from pdfstructure import read_aloud
from pypdf import PdfReader

from pressroom.source import jargon
from pressroom.source import model as m

WHERE = m.Origin("x.yaml", 1)


def find(forms, text):
    return jargon._Forms(tuple(forms)).find(text)


def test_a_chinese_term_is_found_inside_a_sentence():
    text = "骨头变弱时，一块椎骨可能会裂开。它常常是由骨质疏松引起的。"
    assert find(["骨质疏松", "椎骨", "脊柱"], text) == {"椎骨": text.index("椎骨"), "骨质疏松": text.index("骨质疏松")}


def test_the_longest_chinese_term_wins_and_none_is_found_inside_it():
    text = "脊柱融合术把椎骨连在一起。椎板切除术以后，脊柱更稳。"
    found = find(["脊柱", "脊柱融合术", "椎板", "椎板切除术", "融合"], text)
    assert found == {"脊柱融合术": 0, "椎板切除术": text.index("椎板切除术"), "脊柱": text.rindex("脊柱")}


def test_latin_terms_keep_word_boundaries_even_beside_chinese():
    assert find(["discectomy"], "a microdiscectomy, then discectomies") == {}
    assert find(["discectomy"], "Discectomy-like") == {}
    assert find(["mri", "x光"], "做MRI检查，再拍X光片") == {"mri": 1, "x光": 9}
    assert find(["x光"], "AX光") == {}  # its Latin start is still a word's start


def test_the_split_check_agrees_with_the_whole_pattern_everywhere():
    """_found_at (boundaries compiled once) answers exactly as _pattern at every position,
    in the cases where case and boundaries are subtle: the long s, the dotted I, hyphens,
    plurals, Chinese beside Latin."""
    forms = ["disc", "discs", "x光", "骨质", "mri", "ist", "iş", "spinal cord", "vertebra"]
    text = ("Disc-DISCS discſ DIſC disces discES x光片 X光 骨质疏松 aMRI MRIs İST iŞ İş "
            "Spinal Cords vertebrae vertebras Vertebra\u0301 disc_ -disc disc- 骨质mri")
    checked = 0
    for form in forms:
        for start in range(len(text) + 1):
            expected = jargon._pattern(form).match(text, start) is not None
            assert jargon._found_at(form, text, start) == expected, (form, start, text[start:start + 12])
            checked += expected
    assert checked >= 15  # many positions match, not only misses


def test_vietnamese_terms_of_several_syllables_match_in_any_case_and_normalisation():
    text = unicodedata.normalize("NFD", "Bác sĩ nói về THOÁT VỊ ĐĨA ĐỆM và đĩa đệmx.")
    found = find(["thoát vị đĩa đệm", "đĩa đệm", "vị"], text)
    nfc = unicodedata.normalize("NFC", text).casefold()
    assert found == {"thoát vị đĩa đệm": nfc.index("thoát"), "vị": nfc.index("vị"),
                     "đĩa đệm": nfc.index("đĩa")}  # positions in the NFC text; overlaps kept
    assert find(["đĩa"], "đĩađệm") == {}


def _doc(text: str) -> m.Procedure:
    t = m.Text(text, text, WHERE)
    return m.Procedure(slug="x", title=m.Text("题", "题", WHERE), summary=t, treats=(),
                       sections=(), when_to_call=(), review=None, origin=WHERE)


def test_a_language_without_a_medical_list_gets_no_warnings_and_no_box():
    assert jargon.shipped_terms("ko") == () and jargon.shipped_terms("zh-Hant") == ()
    assert jargon.shipped_terms("es-MX") == jargon.shipped_terms("es")
    glossary = m.Glossary((("Fusion", m.Text("x", "x", WHERE)),), WHERE, ())
    doc = _doc("A fusion joins bones; laminectomy and sciatica too.")
    assert jargon.undefined_terms(doc, glossary, (), "ko") == []
    assert jargon.glossary_terms_used.__wrapped__(doc, glossary, 4, "ko") == []
    assert [t for t, _ in jargon.undefined_terms(doc, glossary, (), "en")] == ["laminectomy", "sciatica"]
    assert [t for t, _ in jargon.glossary_terms_used.__wrapped__(doc, glossary, 4, "en")] == ["Fusion"]


def test_chinese_undefined_terms_are_found_in_a_sentence():
    glossary = m.Glossary((("脊柱融合术", m.Text("x", "x", WHERE)),), WHERE, ("融合",))
    doc = _doc("医生做了椎板切除术和脊柱融合术。")
    # 椎板 (listed) is inside the longer 椎板切除术; 融合 is inside the defined 脊柱融合术
    assert jargon.undefined_terms(doc, glossary, glossary.jargon, "zh-Hans") == [("椎板切除术", WHERE)]


def test_hostile_chinese_text_is_matched_in_linear_time():
    forms = tuple("脊" * n + "柱" for n in range(1, 100)) + tuple(f"脊柱{i}" for i in range(1900))
    index = jargon._Forms(forms)
    timings = []
    for size in (20_000, 80_000):
        text = "脊" * size
        best = float("inf")
        for _ in range(3):  # CPU time, best of three: other processes on the machine do not count
            start = time.process_time()
            assert index.find(text) == {}
            best = min(best, time.process_time() - start)
        timings.append(best)
    assert timings[1] < 8 * timings[0] + 0.05, timings  # four times the text, not sixteen


# The leaflets built from the default content ------------------------------------------------

EXPECTED = {  # the medical terms each leaflet uses first, alphabetical by code point
    "zh-Hans": {"decompression": ["切口", "椎管狭窄", "椎间盘突出", "脊髓"],
                "discectomy": ["切口", "坐骨神经痛", "椎间盘突出", "神经根"],
                "kyphoplasty": ["压缩性骨折", "椎骨", "骨水泥", "骨质疏松"],
                "spinal-fusion": ["椎管狭窄", "椎间盘退行性病变", "椎骨", "脊柱侧弯"]},
    "vi": {"decompression": ["Hẹp ống sống", "Thoát vị đĩa đệm", "Tủy sống", "Vết mổ"],
           "discectomy": ["Rễ thần kinh", "Thoát vị đĩa đệm", "Vết mổ", "Đau thần kinh tọa"],
           "kyphoplasty": ["Gãy xẹp đốt sống", "Loãng xương", "Xi măng xương", "Đốt sống"],
           "spinal-fusion": ["Hẹp ống sống", "Thoái hóa đĩa đệm", "Vẹo cột sống", "Đốt sống"]},
}


@pytest.mark.parametrize("lang, paper, slug", [(lang, paper, slug) for lang in EXPECTED
                                               for paper in ("letter", "a4") for slug in EXPECTED[lang]])
def test_translated_leaflets_show_their_words_to_know(built, lang, paper, slug):
    path = built / f"{lang}/{paper}/leaflet-{slug}.pdf"
    heading = yaml.safe_load((REPO / f"layouts/strings/{lang}.yaml").read_text())["words_to_know"]
    heading = "".join(heading.split())  # read aloud with its spaces squeezed out, as below
    own = yaml.safe_load((REPO / f"layouts/leaflet-{paper}.yaml").read_text())
    assert "options" in own or own["extends"] == "leaflet-letter"
    limit = yaml.safe_load((REPO / "layouts/leaflet-letter.yaml").read_text())["options"]["words_to_know"]
    aloud = [(role, "".join(text.split())) for role, text in read_aloud(path)]
    at = aloud.index(("H2", heading))
    entries = []
    for role, text in aloud[at + 1:]:
        if role != "P" or "：" not in text and ":" not in text:
            break
        entries.append(text.replace("：", ":").split(":")[0])
    assert entries == ["".join(t.split()) for t in EXPECTED[lang][slug]] and len(entries) <= limit
    glossary = {"".join(term.split()): definition for term, definition in  # keyed as read aloud
                yaml.safe_load((REPO / f"content/{lang}/glossary.yaml").read_text())["terms"].items()}
    first = "".join(glossary[entries[0]].split())
    assert first[:20] in "".join(aloud[at + 1][1].split())  # the glossary's own definition
    assert len(PdfReader(path).pages) == 2
