"""JSON Schemas for the content files, written from the same tables the loader checks
against (`fields`), so an editor flags a wrong key or value as the author types.

The schemas ship in the package (`pressroom/schemas/*.schema.json`); `pressroom schema DIR`
writes them for a clinic's own tree. The content files name theirs on their first line:

    # yaml-language-server: $schema=../pressroom/schemas/procedure.schema.json

A schema says what a schema can: keys, kinds of value, colours, dates, link and e-mail
shapes. Templates, glyphs, logo files and figure files are still checked by the build.
"""

from __future__ import annotations

import json
from pathlib import Path

from . import fields as f
from ..layout.strings import FIELDS as PLACEHOLDERS, LISTS

DIALECT = "http://json-schema.org/draft-07/schema#"  # what yaml-language-server reads
SHIPPED = Path(__file__).parent.parent / "schemas"
NAMES = ("clinic", "clinic-translation", "procedure", "guide", "brochure", "glossary", "strings")
TITLES = {
    "clinic": "pressroom clinic.yaml: who publishes the materials",
    "clinic-translation": "pressroom <lang>/clinic.yaml: a translation's clinic fields (each overrides the top-level one)",
    "procedure": "pressroom procedures/<slug>.yaml: one procedure leaflet",
    "guide": "pressroom guide.yaml: the patient guide",
    "brochure": "pressroom brochure.yaml: the tri-fold brochure",
    "glossary": "pressroom glossary.yaml: medical words in plain language",
    "strings": "pressroom layouts/strings/<lang>.yaml: the fixed words the layouts print",
}

# Whole-value patterns, as the loader's (content._HEX, _LANG; text._WEB, _EMAIL) in ECMA-262.
from .text import _HOST  # noqa: E402  (one host pattern for the loader and the schema)
_PATTERNS = {
    "colour": r"^#(?:[0-9a-fA-F]{3}){1,2}$",
    "language": r"^[a-z]{2,3}(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|[0-9]{3}))?(?:-(?:[A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*$",
    "date": r"^\d{4}-\d{2}-\d{2}$",
    "website": rf"^(?:[Hh][Tt][Tt][Pp][Ss]?://)?{_HOST}(?::[0-9]{{1,5}})?(?:[/?#][!#-&(-;=?-\[\]-_a-~]*)?$",
    "email": rf"^[A-Za-z0-9._+-]+@{_HOST}$",
    "logo": r"^(?!/)(?!.*(?:^|/)\.\.(?:/|$)).+\.(?:[Pp][Nn][Gg]|[Jj][Pp][Ee]?[Gg]|[Ss][Vv][Gg])$",
    "figure_name": r"^[a-z0-9][a-z0-9-]*$",
}
_NOT_BLANK = r"\S"


def _described(schema: dict, field: f.Field) -> dict:
    return {**schema, "description": field.description} if field.description else schema


def kind_schema(kind: str) -> dict:
    """The JSON Schema of one kind of value (see fields.KINDS)."""
    text = {"type": ["string", "number"], "pattern": _NOT_BLANK, "minLength": 1}
    if kind in ("text", "plain"):
        return dict(text)
    if kind in ("texts", "plains"):
        return {"type": "array", "items": dict(text)}
    if kind in _PATTERNS:
        return {"type": "string", "pattern": _PATTERNS[kind]}
    if kind == "grade":
        return {"type": "number", "minimum": 1, "maximum": 18}
    if kind == "flag":
        return {"type": "boolean"}
    if kind == "address":
        return {"oneOf": [{"type": "string"}, {"type": "array", "items": dict(text)}]}
    if kind == "terms":
        return {"type": "object", "additionalProperties": dict(text)}
    if kind == "procedures":
        return {"oneOf": [{"const": "all"}, {"type": "array", "minItems": 1,
                                             "items": {"type": "string", "pattern": r"^[a-z0-9][a-z0-9-]*$"}}]}
    if kind in ("review", "brand", "ink"):
        return {"$ref": f"#/definitions/{kind}"}
    if kind == "brand_colour":
        return {"oneOf": [kind_schema("colour"), kind_schema("ink")]}
    if kind == "cmyk":
        return {"type": "array", "minItems": 4, "maxItems": 4,
                "items": {"type": "number", "minimum": 0, "maximum": 100,
                          "not": {"exclusiveMinimum": 0, "exclusiveMaximum": 5}}}
    if kind == "blocks":
        return {"type": "array", "items": {"$ref": "#/definitions/block"}}
    if kind == "sections":
        return {"type": "array", "minItems": 1, "items": {"$ref": "#/definitions/section"}}
    if kind == "guide_sections":
        return {"type": "array", "minItems": 1, "items": {"$ref": "#/definitions/guide_section"}}
    raise KeyError(kind)


def mapping_schema(table: tuple[f.Field, ...], required: bool = True) -> dict:
    return {"type": "object",
            "properties": {fd.name: _described(kind_schema(fd.kind), fd) for fd in table},
            "required": [fd.name for fd in table if fd.required] if required else [],
            "additionalProperties": False}


def _defs(figures: tuple[str, ...] = ()) -> dict:
    figure = mapping_schema(f.FIGURE)
    if figures:
        figure["properties"]["figure"]["examples"] = list(figures)
    blocks = [{"type": ["string", "number"], "pattern": _NOT_BLANK, "minLength": 1,
               "description": "A paragraph: " + f.KINDS["text"] + "."}]
    blocks += [{**mapping_schema((field,)), "description": field.description} for field in f.BLOCKS.values()]
    blocks.append({**figure, "description": "A drawing from layouts/figures/ with its caption and alt text."})
    guide_section = mapping_schema(f.GUIDE_SECTION)
    guide_section["anyOf"] = [{"required": ["body"]}, {"required": ["procedures"]}]
    ink = mapping_schema(f.INK)
    ink["anyOf"] = [{"required": ["rgb"]}, {"required": ["cmyk"]}]
    ink["dependencies"] = {"spot": ["cmyk"]}
    return {"review": mapping_schema(f.REVIEW), "brand": mapping_schema(f.BRAND), "ink": ink,
            "section": mapping_schema(f.SECTION), "guide_section": guide_section,
            "block": {"oneOf": blocks}}


def file_schema(name: str, figures: tuple[str, ...] = (), strings: dict | None = None) -> dict:
    """The schema of one kind of content file (NAMES)."""
    if name == "strings":
        return strings_schema(strings or {})
    table = f.FILES["clinic" if name == "clinic-translation" else name]
    schema = {"$schema": DIALECT, "title": TITLES[name],
              **mapping_schema(table, required=name != "clinic-translation")}
    defs = _defs(figures)
    used = json.dumps(schema["properties"])
    schema["definitions"] = {k: v for k, v in defs.items() if _needs(k, used, defs)}
    if not schema["definitions"]:
        del schema["definitions"]
    return schema


def _needs(name: str, used: str, defs: dict) -> bool:
    refs = {k for k in defs if f'"#/definitions/{k}"' in used}
    while True:
        more = {k for k in defs if any(f'"#/definitions/{k}"' in json.dumps(defs[r]) for r in refs)} - refs
        if not more:
            return name in refs
        refs |= more


def strings_schema(english: dict) -> dict:
    """Each fixed word the English strings file has, described by its English text and the
    placeholders it may use; a translation may give any subset."""
    properties = {}
    for key, value in english.items():
        if isinstance(value, list):
            schema = {"type": "array", "items": {"type": "string"}}
            shown = "; ".join(map(str, value[:3])) + ("; …" if len(value) > 3 else "")
        else:
            schema = {"type": "string", "minLength": 1}
            shown = str(value)
        words = f"In English: {shown}"
        if key in PLACEHOLDERS:
            words += f" (may use {', '.join('{' + p + '}' for p in sorted(PLACEHOLDERS[key]))})"
        properties[key] = {**schema, "description": words}
    for key, count in LISTS.items():  # optional in every language: CLDR's names otherwise
        properties.setdefault(key, {"type": "array", "items": {"type": "string"}, "minItems": count,
                                    "maxItems": count, "description": f"Optional: the {count} {key} "
                                    "names, in order (else CLDR's, through Babel)"})
    return {"$schema": DIALECT, "title": TITLES["strings"], "type": "object", "properties": properties,
            "additionalProperties": False}


def english_strings(layouts: Path) -> dict:
    """The English strings file of a layouts folder, read as the build reads it."""
    from ..errors import Problems
    from .sources import Map, load_yaml
    problems = Problems()
    path = layouts / "strings" / "en.yaml"
    if not path.is_file():
        return {}
    data = load_yaml(path, f"{layouts.name}/strings/en.yaml", problems, layouts / "strings")
    problems.raise_if_any()
    return dict(data) if isinstance(data, Map) else {}


def figure_names(layouts: Path) -> tuple[str, ...]:
    from ..inputs import list_tree
    listing = list_tree(layouts, str(layouts))
    return tuple(sorted(Path(rel).stem for rel in listing.children("figures") if rel.endswith(".svg")))


def schemas(layouts: Path | None) -> dict[str, dict]:
    """Every schema, by file name. Without a layouts folder, the strings schema is the
    shipped one."""
    figures = figure_names(layouts) if layouts and layouts.is_dir() else ()
    english = english_strings(layouts) if layouts and layouts.is_dir() else {}
    out = {}
    for name in NAMES:
        if name == "strings" and not english:
            out[f"{name}.schema.json"] = json.loads((SHIPPED / "strings.schema.json").read_text("utf-8"))
        else:
            out[f"{name}.schema.json"] = file_schema(name, figures, english)
    return out


def schema_bytes(schema: dict) -> bytes:
    return (json.dumps(schema, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def write_schemas(folder: Path, layouts: Path | None) -> list[Path]:
    """Write every schema into `folder` (each file atomically); return their paths."""
    import os
    import tempfile
    from ..errors import OutputError
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {folder}: {exc.strerror}") from None
    written = []
    for name, schema in schemas(layouts).items():
        target = folder / name
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".schema-")
        with os.fdopen(fd, "wb") as handle:
            handle.write(schema_bytes(schema))
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
        written.append(target)
    return written
