"""Every language the clinic's patients read: Chinese, Korean, Vietnamese and Russian built
from content folders alone, set in fonts that have their letters and wrapped as each
script wraps; Arabic refused rather than printed wrong (issue 12)."""

from __future__ import annotations

import ctypes
import shutil
import unicodedata
from io import BytesIO
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as raw
import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from pressroom.cli import main

from conftest import REPO, snapshot

CLINIC = """name: Dr. Trương's Back & Neck Clinic
phone: "(555) 555-0142"
emergency: "911"
website: https://lakeside.example.org
language: en
language_help: true
"""

PROCEDURE = """title: {title}
summary: "{summary}"
treats: [{treats}]
sections:
  - heading: {before}
    body:
      - "{before_text}"
      - bullets: ["{bullet1}", "{bullet2}"]
  - heading: {after}
    body:
      - "{after_text}"
      - note: "{note}"
when_to_call: [{calls}]
"""

TEXTS = {
    "en": dict(
        title="Discectomy", summary="A discectomy removes the part of a disc that presses on a nerve. "
        "Many people have less leg pain after surgery.", treats="Sciatica, Herniated disc",
        before="Before surgery", before_text="Tell your doctor about every medicine you take, including "
        "aspirin and other blood thinners. Do not eat or drink after midnight the night before.",
        bullet1="Arrange for an adult to drive you home.", bullet2="Wear loose, comfortable clothes.",
        after="After surgery", after_text="Most people go home the same day or the next day. Walk a "
        "little more each day. Do not lift heavy things until your doctor says you may. Questions? "
        "Call {{ clinic.phone }}.", note="Learn more at https://lakeside.example.org/spine.",
        calls='"A fever over 101 °F (38.3 °C)", "Redness, swelling or fluid from the wound"'),
    "zh-Hans": dict(
        title="椎间盘切除术", summary="椎间盘切除术是一种手术，用于取出压迫神经的部分椎间盘。许多人在手术后腿部疼痛会减轻。",
        treats="坐骨神经痛, 椎间盘突出", before="手术前",
        before_text="请告诉医生您正在服用的所有药物，包括阿司匹林和其他稀释血液的药物。手术前一晚午夜后，请不要进食或饮水。"
        "如果您对手术有任何疑问，请在手术前与医生或护士交谈。",
        bullet1="请安排一位成年人送您回家。", bullet2="请穿宽松、舒适的衣服。", after="手术后",
        after_text="大多数人可以在手术当天或第二天回家。请每天慢慢增加步行时间。在医生允许之前，请不要提重物。"
        "微创脊柱手术（MISS）的切口通常很小。如有问题，请致电 {{ clinic.phone }}。",
        note="更多信息请访问 https://lakeside.example.org/spine 。",
        calls='"发烧超过 38.3 °C（101 °F）", "伤口发红、肿胀或有液体流出", "腿部无力或麻木加重"'),
    "zh-Hant": dict(
        title="椎間盤切除術", summary="椎間盤切除術是一種手術，用於取出壓迫神經的部分椎間盤。許多人在手術後腿部疼痛會減輕。",
        treats="坐骨神經痛, 椎間盤突出", before="手術前",
        before_text="請告訴醫生您正在服用的所有藥物，包括阿斯匹靈和其他稀釋血液的藥物。手術前一晚午夜後，請不要進食或飲水。",
        bullet1="請安排一位成年人送您回家。", bullet2="請穿寬鬆、舒適的衣服。", after="手術後",
        after_text="大多數人可以在手術當天或第二天回家。請每天慢慢增加步行時間。如有問題，請致電 {{ clinic.phone }}。",
        note="更多資訊請瀏覽 https://lakeside.example.org/spine 。",
        calls='"發燒超過 38.3 °C（101 °F）", "傷口發紅、腫脹或有液體流出"'),
    "ko": dict(
        title="추간판 절제술", summary="추간판 절제술은 신경을 누르는 추간판의 일부를 제거하는 수술입니다. "
        "많은 환자가 수술 후 다리 통증이 줄어듭니다.", treats="좌골신경통, 추간판 탈출증", before="수술 전",
        before_text="복용 중인 모든 약을 의사에게 알려 주십시오. 아스피린과 같이 피를 묽게 하는 약도 포함됩니다. "
        "수술 전날 자정 이후에는 아무것도 먹거나 마시지 마십시오.",
        bullet1="집까지 데려다줄 성인을 준비하십시오.", bullet2="편안하고 헐렁한 옷을 입으십시오.", after="수술 후",
        after_text="대부분의 환자는 수술 당일이나 다음 날 집에 갑니다. 걷는 시간을 매일 조금씩 늘리십시오. "
        "의사가 허락할 때까지 무거운 물건을 들지 마십시오. 질문이 있으면 {{ clinic.phone }}번으로 전화하십시오.",
        note="자세한 내용은 https://lakeside.example.org/spine 에서 확인하십시오.",
        calls='"38.3 °C 이상의 열", "상처가 붉어지거나 붓거나 진물이 나는 경우", "다리의 힘이 빠지거나 저림이 심해지는 경우"'),
    "vi": dict(
        title="Phẫu thuật cắt bỏ đĩa đệm", summary="Phẫu thuật cắt bỏ đĩa đệm lấy đi phần đĩa đệm đang chèn ép "
        "dây thần kinh. Nhiều người bớt đau chân sau phẫu thuật.", treats="Đau thần kinh tọa, Thoát vị đĩa đệm",
        before="Trước phẫu thuật", before_text="Hãy cho bác sĩ biết tất cả các loại thuốc quý vị đang dùng, kể cả "
        "aspirin và các thuốc làm loãng máu. Không ăn hoặc uống gì sau nửa đêm trước ngày phẫu thuật.",
        bullet1="Nhờ một người lớn đưa quý vị về nhà.", bullet2="Mặc quần áo rộng rãi, thoải mái.",
        after="Sau phẫu thuật", after_text="Hầu hết mọi người được về nhà trong ngày hoặc ngày hôm sau. Hãy tăng "
        "dần thời gian đi bộ mỗi ngày. Không nâng vật nặng cho đến khi bác sĩ cho phép. Nếu có câu hỏi, hãy "
        "gọi {{ clinic.phone }}.", note="Tìm hiểu thêm tại https://lakeside.example.org/spine.",
        calls='"Sốt trên 38,3 °C", "Vết mổ đỏ, sưng hoặc chảy dịch", "Chân yếu hơn hoặc tê nhiều hơn"'),
    "ru": dict(
        title="Дискэктомия", summary="Дискэктомия — это операция, при которой удаляют часть межпозвоночного "
        "диска, давящую на нерв. После операции боль в ноге у многих уменьшается.",
        treats="Ишиас, Грыжа диска", before="До операции", before_text="Сообщите врачу обо всех лекарствах, "
        "которые вы принимаете, включая аспирин и другие препараты, разжижающие кровь. Не ешьте и не пейте "
        "после полуночи накануне операции.", bullet1="Попросите взрослого отвезти вас домой.",
        bullet2="Наденьте свободную удобную одежду.", after="После операции",
        after_text="Большинство людей уходят домой в день операции или на следующий день. Понемногу "
        "увеличивайте время ходьбы. Не поднимайте тяжести, пока врач не разрешит. Если у вас есть вопросы, "
        "звоните {{ clinic.phone }}.", note="Подробнее: https://lakeside.example.org/spine.",
        calls='"Температура выше 38,3 °C", "Рана покраснела, опухла или из неё выделяется жидкость"'),
}

STRINGS = {
    "zh-Hans": """when_to_call: 何时联系我们
call_us: "请致电 {phone} 联系我们"
after_hours: "非工作时间：{phone}"
emergency: "如遇紧急情况，请拨打 {emergency}。"
treats: "治疗："
page_of: "第 {page} 页，共 {pages} 页"
version: "第 {version} 版"
reviewed: "审核日期：{date}"
draft: "草稿——尚未经过临床审核"
disclaimer: "本单页提供一般信息，不能代替医生和护理团队的建议。他们了解您的健康状况和需求。"
words_to_know: 需要了解的词语
language_help: "我们免费提供语言协助服务。请致电 {phone}。"
language_name: 简体中文
""",
    "zh-Hant": """when_to_call: 何時聯絡我們
call_us: "請致電 {phone} 聯絡我們"
emergency: "如遇緊急情況，請撥打 {emergency}。"
treats: "治療："
page_of: "第 {page} 頁，共 {pages} 頁"
draft: "草稿——尚未經過臨床審核"
disclaimer: "本單張提供一般資訊，不能取代醫生和護理團隊的建議。"
language_help: "我們免費提供語言協助服務。請致電 {phone}。"
""",
    "ko": """when_to_call: 연락해야 할 때
call_us: "{phone}번으로 전화하십시오"
after_hours: "업무 시간 외: {phone}"
emergency: "응급 상황에서는 {emergency}번으로 전화하십시오."
treats: "치료 대상:"
page_of: "{page}/{pages} 페이지"
version: "버전 {version}"
reviewed: "검토일: {date}"
draft: "초안 — 아직 임상 검토를 받지 않았습니다"
disclaimer: "이 안내문은 일반적인 정보를 제공합니다. 귀하의 건강과 필요를 잘 아는 의사와 의료진의 조언을 대신하지 않습니다."
words_to_know: 알아야 할 용어
language_help: "무료 언어 지원을 받을 수 있습니다. {phone}번으로 전화하십시오."
language_name: 한국어
""",
    "vi": """when_to_call: Khi nào cần gọi cho chúng tôi
call_us: "Gọi cho chúng tôi theo số {phone}"
after_hours: "Ngoài giờ làm việc: {phone}"
emergency: "Trong trường hợp khẩn cấp, hãy gọi {emergency}."
treats: "Điều trị:"
page_of: "Trang {page}/{pages}"
version: "phiên bản {version}"
reviewed: "Đã xem xét {date}"
draft: "BẢN NHÁP — chưa được bác sĩ xem xét"
disclaimer: "Tờ thông tin này cung cấp thông tin chung. Tờ này không thay thế lời khuyên của bác sĩ và nhóm chăm sóc, những người hiểu rõ sức khỏe và nhu cầu của quý vị."
words_to_know: Từ ngữ cần biết
language_help: "Có dịch vụ hỗ trợ ngôn ngữ miễn phí. Hãy gọi {phone}."
language_name: Tiếng Việt
""",
    "ru": """when_to_call: Когда нам звонить
call_us: "Звоните нам: {phone}"
after_hours: "В нерабочее время: {phone}"
emergency: "В экстренном случае звоните {emergency}."
treats: "Лечит:"
page_of: "Страница {page} из {pages}"
version: "версия {version}"
reviewed: "Проверено {date}"
draft: "ЧЕРНОВИК — ещё не проверено врачом"
disclaimer: "Эта памятка содержит общую информацию. Она не заменяет советов вашего врача и медицинской команды, которые знают ваше здоровье и ваши потребности."
words_to_know: Полезные слова
language_help: "Бесплатная языковая помощь доступна. Звоните {phone}."
language_name: Русский
""",
}

LANGS = ("zh-Hans", "ko", "vi", "ru")
CLOSING = set("，。、：；！？）」』〕】》〉］｝…‥·・ー%％°℃")
LAYOUTS = ("base.yaml", "leaflet-letter.yaml")


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def make_tree(root: Path, langs=LANGS + ("zh-Hant",)) -> Path:
    """An English clinic with the same leaflet in each language; each language folder
    carries its own fixed words (strings.yaml): no layout knows these languages."""
    write(root / "clinic.yaml", CLINIC)
    write(root / "procedures/discectomy.yaml", PROCEDURE.format(**TEXTS["en"]))
    for lang in langs:
        write(root / lang / "procedures/discectomy.yaml", PROCEDURE.format(**TEXTS[lang]))
        write(root / lang / "strings.yaml", STRINGS[lang])
    return root


def make_layouts(root: Path, names=LAYOUTS) -> Path:
    (root / "strings").mkdir(parents=True)
    for name in names:
        shutil.copy(REPO / "layouts" / name, root / name)
    for path in (REPO / "layouts/strings").glob("*.yaml"):  # every language the content may hold
        shutil.copy(path, root / "strings" / path.name)
    shutil.copytree(REPO / "layouts/figures", root / "figures")
    return root


def build(content: Path, layouts: Path, out: Path, capsys) -> tuple[int, str]:
    code = main([str(a) for a in ("--content", content, "--layouts", layouts, "--fonts", REPO / "fonts",
                                  "--out", out, "--jobs", "1")], root=REPO)
    return code, capsys.readouterr().err


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("scripts")
    make_tree(root / "content")
    make_layouts(root / "layouts")
    code = main([str(a) for a in ("--content", root / "content", "--layouts", root / "layouts",
                                  "--fonts", REPO / "fonts", "--out", root / "out", "--jobs", "1",
                                  "--quiet")], root=REPO)
    assert code == 0
    return root


def leaflet(tree: Path, lang: str) -> Path:
    return tree / "out" / lang / "letter" / "leaflet-discectomy.pdf"


# -- reading the PDFs -----------------------------------------------------------------

def drawable(path: Path) -> dict[str, set[str]]:
    """Embedded font (BaseFont) -> the characters it can draw: each code its ToUnicode map
    names whose glyph in the embedded font program has an outline (or is a space)."""
    out: dict[str, set[str]] = {}
    seen = set()
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            name = str(font["/BaseFont"])[1:]
            if name in seen:
                continue
            seen.add(name)
            program = font["/FontDescriptor"]["/FontFile2"].get_object().get_data()
            ttf = TTFont(BytesIO(program))
            codes = {code: name for table in ttf["cmap"].tables for code, name in table.cmap.items()}
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            chars, inside = set(), False
            for line in cmap.splitlines():
                if line.endswith("beginbfchar") or line == "endbfchar":
                    inside = line != "endbfchar"
                    continue
                parts = line.replace("<", " ").replace(">", " ").split()
                if not inside or len(parts) != 2:
                    continue
                code, text = int(parts[0], 16), bytes.fromhex(parts[1]).decode("utf-16-be")
                glyph = codes.get(code)
                if glyph is None:
                    continue
                if glyph == ttf.getGlyphOrder()[0]:
                    continue  # .notdef: the character is missing from the font
                if ttf["glyf"][glyph].numberOfContours != 0 or text.isspace():
                    chars.add(text)
            out.setdefault(name.split("+")[-1], set()).update(chars)  # pdfium names a font without its subset tag
    return out


def chars_with_fonts(path: Path, spaces: bool = False) -> list[tuple[int, str, str, float, float, float]]:
    """(page, character, its font's name, x, baseline y, font size) for every character pdfium reads."""
    doc = pdfium.PdfDocument(str(path))
    out = []
    for index in range(len(doc)):
        textpage = doc[index].get_textpage()
        for i in range(textpage.count_chars()):
            ch = chr(raw.FPDFText_GetUnicode(textpage.raw, i))
            if ch in "\r\n\ufffe\x02" or (ch.isspace() and not (spaces and ch == " ")):
                continue
            if ch == " " and raw.FPDFText_IsGenerated(textpage.raw, i):
                continue
            buffer = ctypes.create_string_buffer(256)
            flags = ctypes.c_int()
            raw.FPDFText_GetFontInfo(textpage.raw, i, buffer, 256, ctypes.byref(flags))
            x, y = ctypes.c_double(), ctypes.c_double()
            raw.FPDFText_GetCharOrigin(textpage.raw, i, ctypes.byref(x), ctypes.byref(y))
            size = raw.FPDFText_GetFontSize(textpage.raw, i)
            out.append((index, ch, buffer.value.decode("latin-1"), x.value, y.value, size))
    return out


def lines_of(path: Path) -> list[str]:
    """The text of each printed line, top to bottom (characters grouped by page and baseline)."""
    rows: dict[tuple[int, float], list] = {}
    for page, ch, _, x, y, _ in chars_with_fonts(path):
        rows.setdefault((page, round(y, 1)), []).append((x, ch))
    return ["".join(ch for _, ch in sorted(row)) for _, row in sorted(rows.items(), key=lambda kv: (kv[0][0], -kv[0][1]))]


def words_per_line(path: Path) -> list[list[str]]:
    """Each printed line's words, as the spaces drawn on it divide them."""
    rows: dict[tuple[int, float], list] = {}
    for page, ch, _, x, y, _ in chars_with_fonts(path, spaces=True):
        rows.setdefault((page, round(y, 1)), []).append((x, ch))
    return ["".join(ch for _, ch in sorted(row)).split()
            for _, row in sorted(rows.items(), key=lambda kv: (kv[0][0], -kv[0][1]))]


def lang_elements(path: Path) -> list[tuple[str, str]]:
    """(role, /Lang) of every structure element that names its own language."""
    root = PdfReader(path).trailer["/Root"]["/StructTreeRoot"].get_object()
    out, todo = [], [root]
    while todo:
        node = todo.pop()
        node = node.get_object() if isinstance(node, IndirectObject) else node
        if not isinstance(node, DictionaryObject):
            continue
        if "/Lang" in node and "/S" in node:
            out.append((str(node["/S"])[1:], str(node["/Lang"])))
        kids = node.get("/K", [])
        todo.extend(kids if isinstance(kids, (list, ArrayObject)) else [kids])
    return out


def text_of(path: Path) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())


# -- the tests ----------------------------------------------------------------------------

def test_each_language_is_a_folder_built_in_its_own_tag(tree):
    for lang in LANGS:
        path = leaflet(tree, lang)
        assert path.is_file(), lang
        assert PdfReader(path).trailer["/Root"]["/Lang"] == lang
        words = " ".join(TEXTS[lang]["title"].split())
        assert words in text_of(path), lang  # the title, and the fixed words of its strings.yaml
    assert STRINGS["zh-Hans"].split("\n")[0].split(": ")[1] in text_of(leaflet(tree, "zh-Hans"))
    assert "Когда нам звонить" in text_of(leaflet(tree, "ru"))


@pytest.mark.parametrize("lang", ("en",) + LANGS + ("zh-Hant",))
def test_every_character_is_drawn_by_an_embedded_font_that_has_it(tree, lang):
    """The clinic's name has a letter Atkinson Hyperlegible and the CJK subsets lack (ư):
    in the masthead and the footer it is set in Noto Sans, in every language."""
    path = leaflet(tree, lang)
    assert "Trương" in text_of(path)
    fonts = drawable(path)
    chars = chars_with_fonts(path)
    assert len(chars) > 300
    wrong = {(ch, font) for _, ch, font, *_ in chars if ch not in fonts.get(font, set())}
    assert not wrong, sorted(wrong)[:10]


def test_each_script_is_set_in_its_family_and_headings_stay_bold(tree):
    expected = {"en": "AtkinsonHyperlegible", "zh-Hans": "NotoSansCJKsc", "zh-Hant": "NotoSansCJKtc",
                "ko": "NotoSansCJKkr", "vi": "NotoSans-", "ru": "NotoSans-"}
    for lang, family in expected.items():
        chars = chars_with_fonts(leaflet(tree, lang))
        title = {font.split("+")[-1] for _, ch, font, *_ in chars if ch in TEXTS[lang]["title"]}
        heading_font = {font.split("+")[-1] for _, ch, font, *_ in chars if ch == TEXTS[lang]["before"][0]}
        assert any(f.startswith(family) and f.endswith("Bold") for f in title), (lang, title)
        assert any(f.endswith("Bold") for f in heading_font), (lang, heading_font)
    en_fonts = {font.split("+")[-1] for _, _, font, *_ in chars_with_fonts(leaflet(tree, "en"))}
    # the English leaflet prints every language's help line: each in a family that has it
    assert {"AtkinsonHyperlegible-Regular", "NotoSansCJKsc-Regular", "NotoSansCJKkr-Regular",
            "NotoSans-Regular"} <= en_fonts


def test_chinese_lines_never_start_with_closing_punctuation(tree):
    lines = lines_of(leaflet(tree, "zh-Hans"))
    assert len(lines) > 15
    starts = [line for line in lines if line[0] in CLOSING]
    assert not starts, starts
    # characters wrap between themselves: the long paragraph fills several lines
    long_text = TEXTS["zh-Hans"]["before_text"]
    assert sum(1 for line in lines if line and line in long_text) >= 2


def test_latin_runs_inside_chinese_never_break_inside_themselves(tree):
    lines = lines_of(leaflet(tree, "zh-Hans"))
    joined = "".join(lines)
    for run in ("(555)\u00a0555-0142".replace("\u00a0", ""), "https://lakeside.example.org/spine", "MISS"):
        assert run in joined, run
        assert any(run in line.replace(" ", "").replace("\u00a0", "") for line in lines), run


def test_korean_wraps_at_spaces_never_inside_a_word(tree):
    source = (" ".join(TEXTS["ko"].values()) + " " + STRINGS["ko"]).replace("{{ clinic.phone }}", "(555) 555-0142")
    source = source.replace("{phone}", "(555) 555-0142").replace("{emergency}", "911")
    vocabulary = set(source.replace('"', " ").replace(",", " , ").split()) | set(source.replace('"', " ").split())
    lines = words_per_line(leaflet(tree, "ko"))
    korean = [w.lstrip("•") for line in lines for w in line if any("\uac00" <= c <= "\ud7a3" for c in w)]
    assert len(korean) > 60
    broken = [w for w in korean if w not in vocabulary and w.rstrip(",") not in vocabulary]
    assert not broken, broken[:10]


def test_vietnamese_keeps_its_stacked_diacritics(tree):
    text = text_of(leaflet(tree, "vi"))
    assert text == unicodedata.normalize("NFC", text)
    for key in ("title", "summary", "bullet1", "bullet2"):
        assert unicodedata.normalize("NFC", TEXTS["vi"][key]) in text, key
    assert "Khi nào cần gọi cho chúng tôi" in text and "Đau thần kinh tọa" in text


@pytest.mark.parametrize("lang", ("zh-Hans", "vi"))
def test_the_new_languages_pass_pdf_ua(tree, lang):
    page = pytest.importorskip("page")
    report = page.validate_pdf(str(leaflet(tree, lang)), profile="ua1")
    assert report.is_compliant, [f.rule_id for f in report.failures]


def test_language_help_lines_in_every_language_each_tagged_with_its_own(tree):
    expected = {"en": "Free language help is available. Call (555) 555-0142.",
                "zh-Hans": "我们免费提供语言协助服务。请致电 (555) 555-0142。",
                "vi": "Có dịch vụ hỗ trợ ngôn ngữ miễn phí. Hãy gọi (555) 555-0142.",
                "ru": "Бесплатная языковая помощь доступна. Звоните (555) 555-0142."}
    for lang in ("en", "zh-Hans"):
        path = leaflet(tree, lang)
        text = text_of(path).replace("\u00a0", " ")
        for line in expected.values():
            assert line.replace(" ", "") in text.replace(" ", ""), (lang, line)
        tagged = lang_elements(path)
        assert {("P", tag) for tag in ("en", "zh-Hans", "ko", "vi", "ru")} <= set(tagged), tagged
        last_page = PdfReader(path).pages[-1].extract_text().replace(" ", "")
        assert "(555)555-0142" in last_page and expected["ru"].replace(" ", "")[:12] in last_page


def test_dates_come_from_cldr_in_every_language():
    import datetime as dt

    from pressroom.layout.strings import Strings
    day = dt.date(2026, 3, 3)
    assert Strings("zh-Hans", {}).long_date(day) == "2026年3月3日星期二"
    assert Strings("ru", {}).date(day) == "3 марта 2026\u00a0г."  # CLDR's narrow no-break space: one every font has
    assert Strings("vi", {}).long_date(day) == "Thứ Ba, 3 tháng 3, 2026"
    # a language's own pattern still wins, with CLDR's month name
    own = Strings("es", {"date_format": "{day} de {month_name} de {year}"}, own=frozenset({"date_format"}))
    assert own.date(day) == "3 de marzo de 2026"


def test_reading_level_is_graded_only_in_english_and_spanish(tree):
    import json
    report = (tree / "out" / "report.html").read_text(encoding="utf-8")
    assert report.count("not graded") >= len(LANGS)
    manifest = json.loads((tree / "out" / "manifest.json").read_text())
    for entry in manifest["documents"]:
        reading = entry.get("reading") or {}
        if entry["language"] in LANGS and reading:
            assert reading["grade"] is None and reading["formula"] == "not graded"


def test_arabic_is_refused_with_one_located_error(tmp_path, tree, capsys):
    content = make_tree(tmp_path / "content", langs=("vi",))
    out = tmp_path / "out"
    shutil.copytree(tree / "out", out)
    before = snapshot(out)
    write(content / "ar/procedures/x.yaml", "# نشرة\ntreats: [Sciatica]\ntitle: استئصال القرص\n"
          "summary: نص\nsections: [{heading: قبل, body: [نص]}]\n")
    write(content / "ar/strings.yaml", "when_to_call: متى تتصل بنا\n")
    code, err = build(content, tree / "layouts", out, capsys)
    assert code == 1
    errors = [line for line in err.splitlines() if line.startswith(str(content)) or "content/ar" in line]
    assert len(errors) == 1, err
    assert "ar/procedures/x.yaml:3:" in errors[0]
    assert "right-to-left script (Arabic) cannot be printed correctly yet" in errors[0]
    assert "leave this language out" in errors[0]
    assert snapshot(out) == before


def test_a_language_without_fixed_words_names_the_file_to_add(tmp_path, tree, capsys):
    content = make_tree(tmp_path / "content", langs=())
    write(content / "tl/procedures/discectomy.yaml", PROCEDURE.format(**TEXTS["en"]))
    code, err = build(content, tree / "layouts", tmp_path / "out", capsys)
    assert code == 1
    assert "tl/strings.yaml:" in err and "language 'tl' has no fixed words" in err


def test_a_character_no_font_has_is_still_an_error_naming_it(tmp_path, tree, capsys):
    content = make_tree(tmp_path / "content", langs=())
    (content / "procedures/discectomy.yaml").write_text(
        PROCEDURE.format(**{**TEXTS["en"], "title": "Discectomy \U0001F9B4"}), encoding="utf-8")
    code, err = build(content, tree / "layouts", tmp_path / "out", capsys)
    assert code == 1
    assert "procedures/discectomy.yaml:1:" in err and "U+1F9B4" in err


def test_the_brochure_back_panel_offers_language_help_in_each_language(tmp_path, capsys):
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content)
    with (content / "clinic.yaml").open("a", encoding="utf-8") as f:
        f.write("language_help: true\n")
    layouts = make_layouts(tmp_path / "layouts", ("base.yaml", "brochure-letter.yaml", "brochure-letter-office.yaml"))
    code, err = build(content, layouts, tmp_path / "out", capsys)
    assert code == 0, err
    for lang in ("en", "es"):
        [path] = (tmp_path / "out" / lang / "letter").glob("brochure*.pdf")
        text = text_of(path).replace("\u00a0", " ")
        assert "Free language help is available. Call" in text, lang
        assert "Hay ayuda gratuita con el idioma. Llame al" in text, lang
        assert {("P", "en"), ("P", "es")} <= set(lang_elements(path)), lang


def test_chinese_lines_break_where_the_markup_says_and_keep_latin_words_whole():
    """A forced line break (<br/>, as the brochure's contact lines use) and a Latin word
    that would overflow: the word moves whole to the next line."""
    import pressroom.render.tagging  # noqa: F401 (the line breaker)
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.platypus import Paragraph
    from pressroom.layout.fonts import load_fonts
    import yaml
    fonts = load_fonts(REPO / "fonts", yaml.safe_load((REPO / "layouts/base.yaml").read_text())["fonts"])
    base = fonts.base("zh-Hans", "何时联系我们")
    style = ParagraphStyle("t", fontName=base.regular, fontSize=10, leading=14, wordWrap="CJK")
    para = Paragraph("请致电<br/>下班时间请拨：(555) 555-0199", style)
    para.wrap(300, 100)
    assert ["".join(w.text for w in line.words) for line in para.blPara.lines] == \
        ["请致电", "下班时间请拨：(555) 555-0199"]
    para = Paragraph("手术可能是一个选择。Riverside Spine Center提供微创脊柱手术。", style)
    para.wrap(110, 200)
    lines = ["".join(w.text for w in line.words) for line in para.blPara.lines]
    assert all(line.strip() for line in lines) and "Riverside" in "".join(lines)
    assert any(line.startswith("Riverside") or line.endswith("Riverside") for line in lines), lines
    assert all(line[0] not in CLOSING for line in lines), lines


def test_a_language_may_name_its_own_months_and_weekdays():
    import datetime as dt

    from pressroom.layout.strings import Strings
    zh = Strings("zh-Hans", {"date_format": "{year}年{month_name}{day}日", "long_date_format":
                             "{year}年{month_name}{day}日{weekday}", "months": [f"{n}月" for n in range(1, 13)],
                             "weekdays": ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"]})
    assert zh.date(dt.date(2026, 3, 3)) == "2026年3月3日"  # CLDR's month name alone would be 三月
    assert zh.long_date(dt.date(2026, 3, 3)) == "2026年3月3日星期二"


def test_large_print_footer_keeps_the_page_number_clear_in_wider_scripts(tmp_path, capsys):
    content = make_tree(tmp_path / "content", langs=("zh-Hans",))
    (content / "clinic.yaml").write_text(CLINIC.replace("https://lakeside.example.org",
                                                        "https://lakeside-back-and-neck.example.org"))
    layouts = make_layouts(tmp_path / "layouts", ("base.yaml", "leaflet-letter.yaml", "leaflet-letter-large.yaml"))
    code, err = build(content, layouts, tmp_path / "out", capsys)
    assert code == 0, err
    path = tmp_path / "out/zh-Hans/letter/leaflet-discectomy-large-print.pdf"
    doc = pdfium.PdfDocument(str(path))
    page = doc[0]
    textpage = page.get_textpage()
    boxes = [textpage.get_charbox(i) for i in range(textpage.count_chars())]
    chars = [chr(raw.FPDFText_GetUnicode(textpage.raw, i)) for i in range(textpage.count_chars())]
    first = max((box for box, ch in zip(boxes, chars) if ch == "第" and box[1] < 100), key=lambda box: box[1])
    left_of_label = first[0]  # "第1页，共N页", right-aligned on the footer's first line
    same_line = [box for box, ch in zip(boxes, chars)
                 if not ch.isspace() and abs(box[1] - first[1]) < 4 and box[0] < left_of_label]
    assert len(same_line) > 10  # the clinic's name and number
    assert all(box[2] < left_of_label for box in same_line), "the contact line runs into the page number"
