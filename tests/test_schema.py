"""The content JSON Schemas agree with the loader: what ships validates, what the loader
refuses the schema refuses too (where a schema can say it), and nothing drifts."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest

from conftest import REPO
from pressroom.source import fields
from pressroom.source.content import load_content
from pressroom.errors import ContentError, Problems
from pressroom.inputs import list_tree
from pressroom.source.schema import NAMES, SHIPPED, schema_bytes, schemas
from pressroom.source.sources import load_yaml

MODELINE = re.compile(r"^# yaml-language-server: \$schema=(\S+)$", re.MULTILINE)
SHIPPED_FILES = sorted((REPO / "content").rglob("*.yaml")) + sorted((REPO / "layouts/strings").glob("*.yaml"))


def plain(value):
    """YAML as an editor's JSON sees it: dates are the text they were written as."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def read(path: Path):
    problems = Problems()
    data = load_yaml(path, path.name, problems, path.parent)
    assert not problems, problems.items
    return plain(data)


def validator(name: str) -> jsonschema.Draft7Validator:
    schema = json.loads((SHIPPED / f"{name}.schema.json").read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())


def test_the_shipped_schemas_are_the_generated_ones():
    """Generated from the loader's field tables (and the English strings): no drift."""
    fresh = schemas(REPO / "layouts")
    assert sorted(fresh) == sorted(f"{n}.schema.json" for n in NAMES)
    for name, schema in fresh.items():
        assert (SHIPPED / name).read_bytes() == schema_bytes(schema), \
            f"{name} is stale: run pressroom schema pressroom/schemas"


def test_the_schema_command_writes_every_schema(run, tmp_path):
    result = run("schema", tmp_path / "schemas")
    assert result.code == 0, result.err
    for name in NAMES:
        written = tmp_path / "schemas" / f"{name}.schema.json"
        assert written.read_bytes() == (SHIPPED / written.name).read_bytes()
        assert f"{name}.schema.json" in result.out


def test_the_schema_command_needs_a_folder(run):
    assert run("schema").code == 2


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda p: p.relative_to(REPO).as_posix())
def test_every_shipped_file_names_its_schema_and_validates(path):
    found = MODELINE.findall(path.read_text(encoding="utf-8"))
    assert len(found) == 1, "one `# yaml-language-server: $schema=…` line"
    schema_path = (path.parent / found[0]).resolve()
    assert schema_path.parent == SHIPPED.resolve() and schema_path.is_file()
    errors = list(validator(schema_path.name.removesuffix(".schema.json")).iter_errors(read(path)))
    assert not errors, [e.message for e in errors]


def test_every_field_is_described():
    for table in list(fields.FILES.values()) + list(fields.PARTS.values()) + [tuple(fields.BLOCKS.values())]:
        for field in table:
            assert len(field.description) > 15, field.name
            assert field.kind in fields.KINDS
    for name in NAMES:
        schema = json.loads((SHIPPED / f"{name}.schema.json").read_text())
        for key, prop in schema["properties"].items():
            assert prop.get("description"), (name, key)


# -- the loader and the schema refuse the same things -------------------------------------------

PROC = REPO / "content/procedures/discectomy.yaml"


def edit(old: str, new: str):
    def change(text: str) -> str:
        assert old in text, old
        return text.replace(old, new, 1)
    return change


# (id, file in the tree, schema, change to the shipped file)
REFUSED = [
    ("unknown-key", "procedures/discectomy.yaml", "procedure", edit("summary:", "sumary:")),
    ("missing-title", "procedures/discectomy.yaml", "procedure", edit("title: Discectomy\n", "")),
    ("no-sections", "procedures/discectomy.yaml", "procedure",
     lambda t: t[:t.index("sections:")] + "sections: []\n"),
    ("treats-not-a-list", "procedures/discectomy.yaml", "procedure", edit("treats:\n", "treats: 3\nx_treats:\n")),
    ("empty-title", "procedures/discectomy.yaml", "procedure", edit("title: Discectomy", 'title: " "')),
    ("title-yes", "procedures/discectomy.yaml", "procedure", edit("title: Discectomy", "title: true")),
    ("bad-date", "procedures/discectomy.yaml", "procedure", edit("reviewed_on: 2026-09-14", "reviewed_on: last tuesday")),
    ("review-unknown", "procedures/discectomy.yaml", "procedure", edit("reviewed_by:", "signed_by:")),
    ("section-no-body", "procedures/discectomy.yaml", "procedure", edit("    body:", "    bodies:")),
    ("two-block-kinds", "procedures/discectomy.yaml", "procedure",
     edit("    body:\n", "    body:\n      - {note: A, bullets: [b]}\n")),
    ("block-not-text", "procedures/discectomy.yaml", "procedure", edit("    body:\n", "    body:\n      - [a, b]\n")),
    ("figure-no-alt", "guide.yaml", "guide", lambda t: re.sub(r"\n +alt: .*", "", t, count=1)),
    ("figure-bad-name", "guide.yaml", "guide", edit("figure: incision", "figure: Incision Drawing")),
    ("procedures-number", "guide.yaml", "guide", edit("procedures: [discectomy, spinal-fusion, decompression, kyphoplasty]", "procedures: 5")),
    ("guide-section-empty", "guide.yaml", "guide", edit("  - heading: Advantages", "  - heading: Empty\n  - heading: Advantages")),
    ("brochure-no-cta", "brochure.yaml", "brochure", lambda t: re.sub(r"call_to_action:.*", "", t)),
    ("terms-a-list", "glossary.yaml", "glossary", lambda t: t.replace("terms:", "terms: [a]\nold_terms:", 1)),
    ("clinic-no-phone", "clinic.yaml", "clinic", lambda t: re.sub(r"(?m)^phone:.*\n", "", t)),
    ("clinic-unknown", "clinic.yaml", "clinic", lambda t: t + "fax: 1\n"),
    ("colour", "clinic.yaml", "clinic", edit('primary: "#1d4e89"', 'primary: "blue"')),
    ("colour-short", "clinic.yaml", "clinic", edit('primary: "#1d4e89"', 'primary: "#1d4e8"')),
    ("brand-unknown", "clinic.yaml", "clinic", edit('primary: "#1d4e89"', 'primry: "#1d4e89"')),
    ("website-script", "clinic.yaml", "clinic", lambda t: re.sub(r"(?m)^website:.*", "website: javascript:alert(1)", t)),
    ("website-quote", "clinic.yaml", "clinic", lambda t: re.sub(r"(?m)^website:.*", "website: 'example.org/\"x'", t)),
    ("email-mailto", "clinic.yaml", "clinic", lambda t: re.sub(r"(?m)^email:.*", "email: mailto:care@example.org", t)),
    ("grade", "clinic.yaml", "clinic", lambda t: t + "reading_grade: 40\n"),
    ("grade-text", "clinic.yaml", "clinic", lambda t: t + "reading_grade: eight\n"),
    ("language", "clinic.yaml", "clinic", lambda t: re.sub(r"(?m)^language:.*", "language: English", t)),
    ("logo-outside", "clinic.yaml", "clinic", lambda t: t + "logo: ../../etc/logo.png\n"),
    ("logo-type", "clinic.yaml", "clinic", lambda t: t + "logo: images/logo.gif\n"),
]


def _tree(tmp_path: Path, rel: str, change) -> Path:
    content = tmp_path / "content"
    shutil.copytree(REPO / "content", content, ignore=shutil.ignore_patterns("es"))
    path = content / rel
    path.write_text(change(path.read_text(encoding="utf-8")), encoding="utf-8")
    return content


@pytest.mark.parametrize("case", REFUSED, ids=[c[0] for c in REFUSED])
def test_what_the_loader_refuses_the_schema_refuses(case, tmp_path):
    _, rel, name, change = case
    content = _tree(tmp_path, rel, change)
    figures = frozenset(p.stem for p in (REPO / "layouts/figures").glob("*.svg")) or frozenset(
        {"incision", "spine", "advantages", "vertebrae"})
    with pytest.raises(ContentError) as refused:
        load_content(list_tree(content, "content"), "content", frozenset(range(0x30000)), figures)
    assert any(rel in str(p) for p in refused.value.problems), refused.value.problems
    assert list(validator(name).iter_errors(read(content / rel))), f"the {name} schema accepts {case[0]}"


def test_a_translation_clinic_needs_no_fields_but_keeps_their_rules():
    check = validator("clinic-translation")
    assert not list(check.iter_errors({}))
    assert not list(check.iter_errors({"phone": "(555) 555-0100", "language": "es"}))
    assert list(check.iter_errors({"brand": {"primary": "red"}}))
    assert list(validator("clinic").iter_errors({}))


def test_the_strings_schema_knows_every_english_word_and_its_placeholders():
    schema = json.loads((SHIPPED / "strings.schema.json").read_text())
    english = read(REPO / "layouts/strings/en.yaml")
    assert set(schema["properties"]) == set(english) | {"months", "weekdays"}  # optional lists: CLDR otherwise
    assert "{phone}" in schema["properties"]["call_us"]["description"]
    assert "When to call us" in schema["properties"]["when_to_call"]["description"]
    check = validator("strings")
    assert list(check.iter_errors({"when_to_cal": "Cuándo llamarnos"}))
    assert list(check.iter_errors({"months": ["enero"]}))
