"""Hostile text: templates that would build gigabytes, megabyte paragraphs, huge glossaries
and YAML nested 100,000 deep each stop within seconds with one `path:line:` problem (exit 1),
never a crash, a hang, a traceback or an internal error. The markup and jargon passes,
rewritten to run in linear time, must give exactly what the old ones gave."""

from __future__ import annotations

import random
import re
import resource
import time
from xml.sax.saxutils import escape

import pytest
from conftest import REPO
from test_bad_input import DISC, append, replace

from pressroom.source import jargon
from pressroom.source import model as m
from pressroom.build.pipeline import Paths, plan
from pressroom.errors import Problems
from pressroom.limits import (MAX_CLINIC_NAME, MAX_FOOTER_FIELD, MAX_GLOSSARY_TERMS, MAX_HEADING,
                              MAX_ITEM, MAX_JARGON, MAX_PHONE, MAX_TEMPLATE_SECONDS, MAX_TERM,
                              MAX_TEXT, MAX_YAML_DEPTH)
from pressroom.source.sources import load_yaml
from pressroom.source.text import TextError, check_link, render_template, to_markup

QUICK = 5.0        # seconds a refused input may take, loading every layout and font included
MEMORY_MB = 256    # how much a refused input may add to the process's peak memory


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def refused(run, content, tmp_path, rel, fragment, line=None):
    """Run the build on `content` and check it stops quickly with one clear problem."""
    peak, start = _peak_mb(), time.monotonic()
    result = run("--content", content, "--out", tmp_path / "out")
    seconds = time.monotonic() - start
    assert result.code == 1, result.err
    assert "Traceback" not in result.err and "internal error" not in result.err, result.err
    assert "error: 1 problem(s)" in result.err, result.err
    shown = next((ln for ln in result.err.splitlines() if fragment in ln), None)
    assert shown, result.err
    assert re.match(rf"^\S*{re.escape(rel)}:\d+: ", shown), shown
    if line is not None:
        assert shown.split(":")[1] == str(line), shown
    assert seconds < QUICK, f"took {seconds:.1f} s"
    assert _peak_mb() - peak < MEMORY_MB, f"peak memory grew by {_peak_mb() - peak:.0f} MB"
    assert not list((tmp_path / "out").rglob("*.pdf")), "something was written"
    return shown


# 1. templates: bounded by the size of what they make, whatever the filter ----------------

def title(template: str):
    return lambda root: replace(root / DISC, "title: Discectomy", f"title: '{template}'")


def summary(template: str):
    """Put `template` in the summary (line 2), which may be as long as any paragraph."""
    def edit(root):
        path = root / DISC
        path.write_text(re.sub(r"summary: >-\n(?:  .*\n)+", lambda _: f"summary: '{template}'\n",
                               path.read_text(), count=1))
    return edit


LOOPS = "{% for i in range(1000) %}{% for j in range(1000) %}xxxxx{% endfor %}{% endfor %}"
TEMPLATES = [
    ("center", '{{ "x"|center(2*10**10) }}', "the number 20000000000 is too large"),
    ("indent", '{{ "a\\nb"|indent(10**9, true) }}', "the number 1000000000 is too large"),
    ("indent-string", '{{ ("x\\n" * 10000)|indent("y" * 20000) }}', "indent() could build up to"),
    ("ljust-method", '{{ "x".ljust(10**9) }}', "ljust(): the number 1000000000 is too large"),
    ("wordwrap", '{{ ("x " * 10000)|wordwrap(1, wrapstring="y" * 20000) }}', "wordwrap() could build"),
    ("replace", '{{ ("x" * 20000)|replace("", "y" * 20000) }}', "replace() could build up to"),
    ("join", '{{ ("y" * 20000)|join("x" * 20000) }}', "join() could build up to"),
    ("expandtabs", '{{ ("\\t" * 20000).expandtabs(20000) }}', "expandtabs() could build up to"),
    ("format-filter", '{{ "%1000000000s"|format("x") }}', "a width in the format is too large"),
    ("format-operator", '{{ "%1000000000s" % "x" }}', "a width in the format is too large"),
    ("format-star", '{{ "%*s" % (10**9, "x") }}', "the number 1000000000 is too large"),
    ("format-method", '{{ "{:1000000000}".format("x") }}', "a width in the format is too large"),
    ("format-nested", '{{ "{:{w}}".format_map({"w": 10**9}) }}', "a width in the format is too large"),
    ("repeat", '{{ "x" * 100000000 }}', "longer than 20000 characters"),
    ("power", "{{ 2 ** 1000 }}", "exponent too large"),
    ("squaring", "{% macro d(x, n) %}{% if n %}{{ d([x[0] * x[0]], n - 1) }}{% else %}{{ x }}{% endif %}"
     "{% endmacro %}{{ d([2], 64) }}", "a value longer than 20000"),
    ("loops", LOOPS, f"the template makes more than {MAX_TEXT} characters"),
    ("captured-loops", "{% set s %}" + LOOPS + "{% endset %}{{ s|length }}", "a captured block is longer"),
    ("filter-block", "{% filter upper %}" + LOOPS + "{% endfilter %}", "a captured block is longer"),
    ("block-call", "{% if false %}{% block b %}" + LOOPS + "{% endblock %}{% endif %}{{ self.b()|length }}",
     "a captured block is longer"),
    ("concat-chain", '{% set a = "x" * 20000 %}{{ a ~ a ~ a ~ a }}', "a value longer than 20000"),
    ("concat-doubling", "{% macro d(s, n) %}{% if n %}{{ d(s ~ s, n - 1) }}{% else %}{{ s|length }}"
     '{% endif %}{% endmacro %}{{ d("x", 64) }}', "longer than 20000"),
    ("plus-doubling", "{% macro d(s, n) %}{% if n %}{{ d(s + s, n - 1) }}{% else %}{{ s|length }}"
     '{% endif %}{% endmacro %}{{ d("x", 64) }}', "longer than 20000"),
    ("list-doubling", "{% macro d(l, n) %}{% if n %}{{ d([l, l], n - 1) }}{% else %}{{ l == l }}"
     "{% endif %}{% endmacro %}{{ d([1], 64) }}", "a value longer than 20000"),
    ("namespace", "{% set ns = namespace(s=1) %}{{ ns.s }}", "unknown variable 'namespace'"),
    ("lazy-map", '{{ ("x" * 20000)|map("center", 20000)|join }}', "map() could build up to"),
    ("lazy-list", '{{ range(1000)|map("string")|map("center", 100)|list|length }}', "a sequence longer than"),
    ("lazy-join", '{{ range(1000)|map("string")|join("x" * 20000) }}', "join() could build up to"),
    ("range-join", '{{ range(1000)|join("x" * 20000) }}', "join() could build up to"),
    ("mutation", "{% set l = [1] %}{{ l.append(l) }}", "unsafe"),
    ("deep-expression", "{{ " + "(" * 3000 + "1" + ")" * 3000 + " }}", "template failed"),
]


@pytest.mark.parametrize("template, fragment", [c[1:] for c in TEMPLATES], ids=[c[0] for c in TEMPLATES])
def test_template_that_would_grow_without_bound_is_refused(template, fragment, content, tmp_path, run):
    summary(template)(content)
    shown = refused(run, content, tmp_path, DISC, fragment, line=2)
    assert "ran for more than" not in shown, "stopped by the clock, not by size"


def test_a_template_that_prints_nothing_still_stops(content, tmp_path, run):
    title("{% for i in range(1000) %}{% for j in range(1000) %}{% for k in range(1000) %}"
          "{% endfor %}{% endfor %}{% endfor %}")(content)
    refused(run, content, tmp_path, DISC, f"ran for more than {MAX_TEMPLATE_SECONDS:g} s", line=1)


CLINIC = {"clinic": {"name": "Riverside Spine Center", "phone": "(555) 555-0142",
                     "address": ("1200 River Road", "Springfield")}}
ORDINARY = [  # (template, what it made before the sandbox measured values)
    ("Call {{ clinic.phone }} or visit {{ clinic.name|upper }}.",
     "Call (555) 555-0142 or visit RIVERSIDE SPINE CENTER."),
    ("{% for line in clinic.address %}{{ line }}{% if not loop.last %}, {% endif %}{% endfor %}",
     "1200 River Road, Springfield"),
    ("{{ '%s, %d'|format(clinic.phone, 3) }} {{ '%05.1f' % 3.14159 }} {{ '{:>4}'.format(7) }}",
     "(555) 555-0142, 3 003.1    7"),
    ("{{ [1, 2, 3]|map('string')|join('-') }} {{ 'x' ~ 'y' * 3 }} {{ range(3)|list }} {{ 2 ** 10 }}",
     "1-2-3 xyyy [0, 1, 2] 1024"),
    ("{% macro tag(x) %}<{{ x }}>{% endmacro %}{{ tag(clinic.phone) }}{% set s %}{{ clinic.name }}"
     "{% endset %} {{ s|length }} {% for a, b in [(1, 2)] %}{{ a + b }}{% endfor %}",
     "<(555) 555-0142> 22 3"),
    ("{{ clinic.name|center(30) }}|{{ clinic.name|wordwrap(10) }}|{{ clinic.name|truncate(12) }}",
     "    Riverside Spine Center    |Riverside\nSpine\nCenter|Riverside..."),
]


@pytest.mark.parametrize("template, made", ORDINARY, ids=range(len(ORDINARY)))
def test_ordinary_templates_make_what_they_made(template, made):
    assert render_template(template, CLINIC) == made


# 2. long text: refused by length before any template or markup runs ------------------

def paragraph(text: str):
    return lambda root: replace(root / DISC, "sections:\n",
                                f"sections:\n  - heading: Extra\n    body: ['{text}']\n")


TEXTS = [  # (id, file, edit, fragment)
    ("paragraph-1mb", DISC, paragraph("word " * 200_000), f"the text is 1000000 characters; at most {MAX_TEXT}"),
    ("bold-50k", DISC, paragraph("**a " * 50_000), f"at most {MAX_TEXT} are allowed — split it into paragraphs"),
    ("heading", DISC, lambda root: replace(root / DISC, "title: Discectomy", "title: " + "T" * 201),
     f"title: the text is 201 characters; at most {MAX_HEADING} are allowed — shorten it"),
    ("bullet", DISC, lambda root: replace(root / DISC, "sections:\n",
                                          "sections:\n  - heading: X\n    body:\n      - bullets: ['" + "b" * 1001 + "']\n"),
     f"bullets[1]: the text is 1001 characters; at most {MAX_ITEM}"),
    ("review-id", DISC, lambda root: replace(root / DISC, "id: RSC-PL-001", "id: " + "I" * 81),
     f"review.id: the text is 81 characters; at most {MAX_FOOTER_FIELD}"),
    ("phone", "clinic.yaml", lambda root: replace(root / "clinic.yaml", 'phone: "(555) 555-0142"', "phone: " + "5" * 41),
     f"phone: the text is 41 characters; at most {MAX_PHONE}"),
    ("clinic-name", "clinic.yaml", lambda root: replace(root / "clinic.yaml", "name: Riverside Spine Center",
                                                        "name: " + "N" * 121),
     f"name: the text is 121 characters; at most {MAX_CLINIC_NAME}"),
    ("address-line", "clinic.yaml", lambda root: replace(root / "clinic.yaml", '"Springfield, ST 00000"', "A" * 121),
     "address[2]: the text is 121 characters"),
    ("templated-heading", DISC, title("{% for i in range(30) %}0123456789{% endfor %}"),
     f"the template makes more than {MAX_HEADING} characters"),
]


@pytest.mark.parametrize("rel, edit, fragment", [c[1:] for c in TEXTS], ids=[c[0] for c in TEXTS])
def test_text_longer_than_its_field_allows_is_refused(rel, edit, fragment, content, tmp_path, run):
    edit(content)
    refused(run, content, tmp_path, rel, fragment)


# 3. markup: one pass, and what the regex it replaced made ------------------------------

def _old_to_markup(text: str, link_color: str) -> tuple[str, str]:
    """The regex converter the linear one replaced (quadratic on `**` runs), kept as the oracle."""
    inline = re.compile(r"\*\*(?P<bold>\S(?:.*?\S)?)\*\*"
                        r"|(?<![\w*])\*(?P<italic>[^\s*](?:[^*]*?[^\s*])?)\*(?![\w*])"
                        r"|\[(?P<label>[^\]\n]+)\]\((?P<url>[^)\s]+)\)")
    markup: list[str] = []
    plain: list[str] = []

    def convert(text: str) -> None:
        pos = 0
        for match in inline.finditer(text):
            markup.append(escape(text[pos:match.start()]))
            plain.append(text[pos:match.start()])
            if match["bold"] is not None:
                markup.append("<b>"), convert(match["bold"]), markup.append("</b>")
            elif match["italic"] is not None:
                markup.append("<i>"), convert(match["italic"]), markup.append("</i>")
            else:
                try:  # links are checked as today: this test is about reading the markup
                    url = check_link(match["url"])
                except TextError as exc:
                    raise TextError(f"link {exc}") from None
                markup.append(f'<a href="{escape(url, {chr(34): "&quot;"})}" color="{link_color}"><u>')
                convert(match["label"])
                markup.append("</u></a>")
            pos = match.end()
        markup.append(escape(text[pos:]))
        plain.append(text[pos:])

    convert(" ".join(text.split()))
    return "".join(markup), "".join(plain)


NORMAL = [
    "Plain words, nothing else.",
    "**Strong** and *soft* and [our site](https://x.example.org/a?b=1&c=2).",
    "Call [(555) 555-0142](tel:5555550142) or write to [us](mailto:care@example.org).",
    "**Bold with *italic* inside** and *italic with [a link](https://e.org)*.",
    "[**Bold link** and *italic*](https://e.org/path_(x)) then text.",
    "Literal <b>not bold</b> & 5 * 3 <font> and 2*3*4 and snake_case_*word*.",
    "Unmatched ** stays, * too, and [half a link](https://e.org and ]( alone.",
    "***both*** and **a**b** and *a**b* and ** spaced ** and * spaced *.",
    "Tabs\tand\nnewlines\r\nfold into  single   spaces.",
    "Ñandú *café* **über** [enlace](https://ejemplo.es/ñ) — “quotes” & ‘more’.",
    "",
]


def _fuzz(count: int) -> list[str]:
    pieces = ["*", "**", "[", "]", "(", ")", " ", "a", "b", "_", "-", ":", "https://x", "tel:1",
              "<", "&", "é", "1", "\t", "."]
    rng = random.Random(2024)
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 20))) for _ in range(count)]


def test_markup_matches_the_old_converter():
    def outcome(convert, text):
        try:
            return convert(text, "#1d4e89")
        except TextError as exc:
            return str(exc)
    def no_nbsp(result):  # the new converter also keeps numbers whole (text.no_breaks)
        return (result[0].replace("\u00a0", " "), result[1]) if isinstance(result, tuple) else result
    for text in NORMAL + _fuzz(20_000):
        assert no_nbsp(outcome(to_markup, text)) == outcome(_old_to_markup, text), repr(text)


@pytest.mark.parametrize("text", ["**a " * 5000, "*a " * 6600, "[" * MAX_TEXT, "[a](" * 5000,
                                  "**" * 10_000, "*a*b" * 5000], ids=range(6))
def test_markup_is_linear(text):
    start = time.monotonic()
    to_markup(text, "#000000")
    assert time.monotonic() - start < 0.5


# 4. glossary: counts bounded, and one pass per text however many terms ----------------

GLOSSARIES = [
    ("terms", lambda root: (root / "glossary.yaml").write_text(
        "terms:\n" + "".join(f"  Term {i}: A definition.\n" for i in range(20_000))),
     f"terms: 20000 entries; at most {MAX_GLOSSARY_TERMS} are allowed"),
    ("jargon", lambda root: append(root / "glossary.yaml", "jargon: [" + ", ".join(
        f"word {i}" for i in range(20_000)) + "]\n"), f"jargon: 20000 entries; at most {MAX_JARGON}"),
    ("long-term", lambda root: append(root / "glossary.yaml", "  " + "t" * 101 + ": A definition.\n"),
     f"the text is 101 characters; at most {MAX_TERM} are allowed"),
]


@pytest.mark.parametrize("edit, fragment", [c[1:] for c in GLOSSARIES], ids=[c[0] for c in GLOSSARIES])
def test_glossary_beyond_its_limits_is_refused(edit, fragment, content, tmp_path, run):
    edit(content)
    refused(run, content, tmp_path, "glossary.yaml", fragment)


def test_glossary_at_its_limits_is_quick(content, tmp_path, run):
    terms = "".join(f"  Term number {i}: A definition of term {i}.\n" for i in range(MAX_GLOSSARY_TERMS))
    jargon_list = ", ".join(f"jargon word {i}" for i in range(MAX_JARGON))
    (content / "glossary.yaml").write_text(f"terms:\n{terms}jargon: [{jargon_list}]\n")
    start = time.monotonic()
    result = run("--content", content, "--out", tmp_path / "out", "--check")
    assert "glossary.yaml" not in result.err and "internal error" not in result.err, result.err
    assert time.monotonic() - start < QUICK


def _old_mentions(text: str, form: str) -> bool:
    return bool(re.search(rf"(?<![\w-]){re.escape(form)}(?:s|es)?(?![\w-])", text, re.IGNORECASE))


def _old_terms_used(doc, glossary, limit, lang):
    """glossary_terms_used before: one regex search per term and form (the oracle)."""
    body = " ".join(t.plain for t in jargon.texts(doc, headings=False))
    forms = [f for entry in jargon.shipped_terms(lang) for f in entry]
    hits = []
    for term, definition in glossary.terms:
        if term.lower() == doc.title.plain.lower():
            continue
        starts = [s.start() for s in (jargon._pattern(f).search(body) for f in jargon.term_forms(term)) if s]
        if starts and any(_old_mentions(term, f) for f in forms):
            hits.append((min(starts), term, definition))
    chosen = sorted(hits)[:limit] if limit else hits
    return sorted(((t, d) for _, t, d in chosen), key=lambda x: x[0].casefold())


def _old_undefined(doc, glossary, extra, lang):
    """undefined_terms before (the oracle)."""
    defined = [term.lower() for term, _ in glossary.terms]
    found = []
    for forms in jargon.shipped_terms(lang) + tuple((e.lower(),) for e in extra):
        if any(_old_mentions(d, f) or _old_mentions(f, d) for f in forms for d in defined):
            continue
        for text in jargon.texts(doc):
            hit = next((f for f in forms if _old_mentions(text.plain, f)), None)
            if hit:
                found.append((hit, text.origin))
                break
    return found


def test_jargon_passes_match_the_old_ones_on_the_shipped_content():
    catalogues = plan(Paths(content=REPO / "content", layouts=REPO / "layouts", fonts=REPO / "fonts",
                            out=REPO / "unused")).catalogues
    for cat in catalogues:
        extra = cat.glossary.jargon + ("pars defect", "Disc", "spine")
        for doc in cat.documents().values():
            for limit in (None, 3):
                new = jargon.glossary_terms_used.__wrapped__(doc, cat.glossary, limit, cat.lang)
                assert new == _old_terms_used(doc, cat.glossary, limit, cat.lang)
            assert jargon.undefined_terms(doc, cat.glossary, extra, cat.lang) == \
                _old_undefined(doc, cat.glossary, extra, cat.lang)


def test_jargon_passes_match_the_old_ones():
    words = ["disc", "Discs", "DISCES", "spinal", "fusion", "x-ray", "nerve", "root", "bone", "graft",
             "endoscope", "fluoroscopy", "anestesia", "the", "a", "s", "es", "-", "_", "é", "ß", "İ",
             "ı", "ſ", "\u212a"]
    seps = [" ", " ", "", "-", ". ", "(", ")", ", "]
    rng = random.Random(11)
    where = m.Origin("x.yaml", 1)

    def text(n):
        return "".join(rng.choice(words) + rng.choice(seps) for _ in range(n)).strip()

    def t(s):
        return m.Text(s, s, where)

    seen = 0
    for _ in range(250):
        names = {text(rng.randint(1, 3)) + (" (plural " + text(1) + ")" if rng.random() < 0.2 else "")
                 for _ in range(rng.randint(0, 8))}
        glossary = m.Glossary(tuple((n, t(n)) for n in names), where, ())
        body = tuple(m.Paragraph(t(text(rng.randint(0, 30)))) for _ in range(3))
        doc = m.Procedure(slug="x", title=t("Disc"), summary=t(text(10)), treats=(),
                          sections=(m.Section(t("About"), body, ()),), when_to_call=(),
                          review=None, origin=where)
        extra = tuple(text(rng.randint(1, 2)) for _ in range(rng.randint(0, 3)))
        for lang in ("en", "es"):
            for limit in (None, 2):
                new = jargon.glossary_terms_used.__wrapped__(doc, glossary, limit, lang)
                assert new == _old_terms_used(doc, glossary, limit, lang)
            new = jargon.undefined_terms(doc, glossary, extra, lang)
            assert new == _old_undefined(doc, glossary, extra, lang)
            seen += bool(new)
    assert seen > 50, "the examples should find undefined terms"


def test_jargon_found_text_by_text_as_in_the_joined_body():
    """glossary_terms_used looks in each text alone (remembered: documents share texts) and
    across the joins: the same forms at the same places as one search of the joined body,
    forms with a space running from one text into the next included."""
    words = ["bone", "graft", "Bones", "GRAFTS", "spinal", "fusion", "nerve", "root", "x-ray", "disc",
             "es", "s", "-", "é", "ß", "İ", "\u212a", "椎间盘", "手术", "a"]
    seps = [" ", " ", " ", "", "-", ". ", "("]
    rng = random.Random(17)
    across = 0
    for case in range(600):
        vocabulary = words[:rng.randint(3, len(words))] if case % 3 else words[:6]  # few words: many joins
        forms = tuple({" ".join(rng.choice(vocabulary) for _ in range(rng.randint(1, 3))).lower()
                       for _ in range(rng.randint(1, 6))})
        index = jargon._Forms(forms)
        texts = ["".join(rng.choice(vocabulary) + rng.choice(seps) for _ in range(rng.randint(1, 2))).strip()
                 for _ in range(rng.randint(1, 10))]
        whole = index.find(" ".join(texts))
        assert index.find_joined(texts) == whole, (forms, texts)
        alone = {}
        offset = 0
        for text in texts:
            for form, at in index.find(text).items():
                alone.setdefault(form, offset + at)
            offset += len(jargon._nfc(text)) + 1
        across += alone != whole
    assert across > 20, "the examples should have forms running over a join"


# 5. YAML nesting: stopped at MAX_YAML_DEPTH, before libyaml or Python can overflow ------

NESTING = [
    ("flow-1000", "title: " + "[" * 1000 + "]" * 1000 + "\n", 1),
    ("flow-100000", "title: " + "[" * 100_000 + "]" * 100_000 + "\n", 1),
    ("dash-1000", "title:\n  " + "- " * 1000 + "x\n", 2),
    ("dash-100000", "title:\n  " + "- " * 100_000 + "x\n", 2),
    ("mapping-100000", "title: " + "{a: " * 100_000 + "1" + "}" * 100_000 + "\n", 1),
    ("one-too-deep", "title: " + "[" * MAX_YAML_DEPTH + "]" * MAX_YAML_DEPTH + "\n", 1),
    ("alias-deepens", "a: &a " + "[" * 40 + "]" * 40 + "\ntitle: " + "[" * 40 + "*a" + "]" * 40 + "\n", None),
]


@pytest.mark.parametrize("text, line", [c[1:] for c in NESTING], ids=[c[0] for c in NESTING])
def test_yaml_nested_too_deep_is_refused(text, line, content, tmp_path, run):
    (content / DISC).write_text(text)
    refused(run, content, tmp_path, DISC, f"the YAML nests deeper than {MAX_YAML_DEPTH} levels", line)


def test_yaml_nested_to_the_limit_is_read(tmp_path):
    path = tmp_path / "deep.yaml"
    path.write_text("a: " + "[" * (MAX_YAML_DEPTH - 1) + "x" + "]" * (MAX_YAML_DEPTH - 1) + "\n")
    problems = Problems()
    value = load_yaml(path, "deep.yaml", problems, tmp_path)
    for _ in range(MAX_YAML_DEPTH - 1):
        value = value["a"] if isinstance(value, dict) else value[0]
    assert value == ["x"] and not problems


def test_escape_is_saxutils_escape():
    """source.text.escape/unescape replace xml.sax.saxutils' (whose imports cost a cold start):
    the same text for every mix of markup characters and entities."""
    from xml.sax.saxutils import unescape as sax_unescape
    from pressroom.source.text import escape as ours, unescape as ours_back
    rng = random.Random(17)
    pieces = ["&", "<", ">", "&amp;", "&lt;", "&gt;", "&quot;", '"', "a", "é", " ", "&amp;lt;"]
    for _ in range(2000):
        text = "".join(rng.choice(pieces) for _ in range(rng.randrange(12)))
        assert ours(text) == escape(text)
        assert ours(text, {'"': "&quot;"}) == escape(text, {'"': "&quot;"})
        assert ours_back(text) == sax_unescape(text)
        assert ours_back(ours(text)) == text
