#!/usr/bin/env python3
"""Where a leaflet's bytes go, and how Typst embeds the same CJK faces (issue 17, goal 5):

    PYTHONPATH=$PWD python bench/cjk_size.py OUT [--lang zh-Hans]

Builds the default catalogue into OUT/pressroom, sets the language's office leaflets in Typst
(bench/typst/leaflet.typ, set in the layout's CJK family from fonts/) into OUT/typst, then
prints for each: file size, font programs, ToUnicode maps, and per font its glyph count and
tables; for pressroom's largest also every other part (content, structure, XMP) and the
fewest bytes its glyphs could take (one font program per face, only the tables a PDF
reader needs, fontTools' subsetter): the outlines' floor.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys
import zlib
from pathlib import Path

import pypdf
from fontTools import subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[1]
_STREAM = re.compile(rb"(\d+) 0 obj\s*<<(.*?)>>\s*stream\r?\n", re.S)


def fonts(path: Path) -> list[dict]:
    """Each embedded font program: face, its glyphs and tables, and what it costs in the file."""
    reader, seen, out = pypdf.PdfReader(path), set(), []
    for page in reader.pages:
        for ref in page["/Resources"].get("/Font", {}).values():
            if ref.idnum in seen:
                continue
            seen.add(ref.idnum)
            font = ref.get_object()
            desc = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            program = desc["/FontDescriptor"].get_object()["/FontFile2"].get_object()
            data = program.get_data()
            tt = TTFont(io.BytesIO(data))
            tounicode = font["/ToUnicode"].get_object() if "/ToUnicode" in font else None
            codes = re.findall(r"<[0-9A-F]+> <([0-9A-F]+)>", tounicode.get_data().decode("latin1")) if tounicode else []
            out.append({"face": str(font["/BaseFont"]).split("+")[-1], "kind": str(font["/Subtype"]),
                        "objects": {desc["/FontDescriptor"].get_object().raw_get("/FontFile2").idnum: "font programs",
                                    **({font.raw_get("/ToUnicode").idnum: "ToUnicode maps"} if tounicode else {})},
                        "glyphs": tt["maxp"].numGlyphs, "program": len(program._data), "raw": len(data),
                        "glyf": len(zlib.compress(tt.reader["glyf"])),
                        "tables": {t: tt.reader.tables[t].length for t in tt.reader.keys()},
                        "tounicode": len(tounicode._data) if tounicode else 0,
                        "chars": [int(c, 16) for c in codes if len(c) <= 6]})
    return out


def parts(path: Path) -> dict[str, int]:
    """The file's bytes by what they carry (objects packed in an object stream share its
    compressed bytes in proportion to their own)."""
    data = path.read_bytes()
    out: dict[str, int] = {}
    reader = pypdf.PdfReader(path)
    info = {n: kind for f in fonts(path) for n, kind in f["objects"].items()}
    for m in _STREAM.finditer(data):
        head, length = m.group(2), int(re.search(rb"/Length (\d+)", m.group(2)).group(1))
        if b"/ObjStm" in head:
            continue  # below, by object
        kind = ("XMP metadata" if b"/Metadata" in head else "cross-reference stream" if b"/XRef" in head
                else info.get(int(m.group(1)), "page content streams"))
        out[kind] = out.get(kind, 0) + length
    packed = [int(n) for m in _STREAM.finditer(data) if b"/ObjStm" in m.group(2)
              for n in re.findall(rb"/Length (\d+)", m.group(2))]
    sizes: dict[str, int] = {}
    for i in range(1, int(reader.trailer["/Size"])):
        obj = reader.get_object(i)
        if obj is None or isinstance(obj, pypdf.generic.StreamObject):
            continue
        buf = io.BytesIO()
        obj.write_to_stream(buf)
        kind = "other small objects"
        if isinstance(obj, pypdf.generic.DictionaryObject):
            kind = ("structure tree" if "/P" in obj and "/S" in obj or obj.get("/Type") == "/StructTreeRoot"
                    else "font dictionaries and widths" if "/Widths" in obj or "/W" in obj or "/FontName" in obj
                    else "pages" if obj.get("/Type") in ("/Page", "/Pages") else kind)
        sizes[kind] = sizes.get(kind, 0) + len(buf.getvalue())
    total = sum(sizes.values())
    for kind, size in sizes.items():
        out[f"{kind} (object stream share)"] = round(sum(packed) * size / total)
    out["file structure (header, xref, trailer, object headers)"] = len(data) - sum(out.values())
    return out


def floor(faces: dict[str, list[int]]) -> dict[str, tuple[int, int]]:
    """Per face: (deflated bytes of one font program holding every glyph the file uses,
    only head/hhea/maxp/hmtx/loca/glyf; the same with name, post, OS/2 and cmap kept)."""
    out = {}
    for face, chars in faces.items():
        options = subset.Options()
        options.notdef_outline, options.hinting, options.name_IDs, options.layout_features = True, False, [], []
        options.drop_tables += ["vhea", "vmtx", "VORG"]
        tt = TTFont(ROOT / "fonts" / f"{face}.ttf")
        subsetter = subset.Subsetter(options)
        subsetter.populate(unicodes=chars)
        subsetter.subset(tt)
        with_tables = io.BytesIO()
        tt.save(with_tables)
        for tag in ("name", "post", "OS/2", "cmap"):
            if tag in tt:
                del tt[tag]
        bare = io.BytesIO()
        tt.save(bare)
        out[face] = (len(zlib.compress(bare.getvalue())), len(zlib.compress(with_tables.getvalue())))
    return out


def typst_leaflets(out: Path, lang: str) -> None:
    """The language's office leaflets in Typst, in the same CJK faces (the bench template,
    its font list and sizes adapted: large print scales every size by 18/11.5, as ours does)."""
    import typst
    sys.path.insert(0, str(ROOT / "bench"))
    import engines
    from pressroom.build.pipeline import Paths, plan
    the_plan = plan(Paths(ROOT / "content", ROOT / "layouts", ROOT / "fonts", out / "plan"))
    jobs = [j for j in the_plan.jobs if j.kind == "leaflet" and j.lang == lang and j.layout.color_mode != "cmyk"]
    cjk = _family(lang)
    template = (ROOT / "bench" / "typst" / "leaflet.typ").read_text()
    template = template.replace("lang: d.lang", 'lang: d.lang.split("-").at(0), region: none')
    template = template.replace('font: "Atkinson Hyperlegible", size: 11.5pt', f'font: ("{cjk}",), size: 11.5pt * d.scale')
    for size in ("22pt", "13pt", "12pt"):
        template = template.replace(f"size: {size}", f"size: {size} * d.scale")
    template = template.replace("text(size: 8pt, d.disclaimer)", "text(size: 8pt * d.scale, d.disclaimer)")
    (out / "typst").mkdir(parents=True, exist_ok=True)
    (out / "typst" / "leaflet.typ").write_text(template)
    compiler = typst.Compiler(str(out / "typst" / "leaflet.typ"), root="/", font_paths=[str(ROOT / "fonts")],
                              ignore_system_fonts=True)
    for job, doc in zip(jobs, engines.export(the_plan, jobs)):
        doc["scale"] = 18 / 11.5 if job.layout.edition == "large-print" else 1.0
        target = out / "typst" / job.path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(compiler.compile(sys_inputs={"doc": json.dumps(doc)}, pdf_standards=["ua-1"]))


def _family(lang: str) -> str:
    """The typographic family name of the CJK face base.yaml names first for `lang`."""
    import yaml
    for spec in yaml.safe_load((ROOT / "layouts" / "base.yaml").read_text())["fonts"]["fallbacks"]:
        if lang in (spec.get("languages") or []):
            return TTFont(ROOT / "fonts" / spec["regular"], lazy=True)["name"].getDebugName(1)
    raise SystemExit(f"no CJK family serves {lang}")


def show(label: str, path: Path, detail: bool = False) -> list[dict]:
    found = fonts(path)
    glyphs = "+".join(str(f["glyphs"]) for f in found)
    print(f"{label}: {path.stat().st_size / 1024:5.1f} KB; font programs {sum(f['program'] for f in found) / 1024:4.1f} KB "
          f"({glyphs} glyphs; glyf alone {sum(f['glyf'] for f in found) / 1024:4.1f} KB deflated); ToUnicode "
          f"{sum(f['tounicode'] for f in found) / 1024:.1f} KB")
    for f in found if detail else ():
        print(f"    {f['face']:22} {f['kind']:9} {f['glyphs']:3} glyphs {f['program']:6} B in file "
              f"({f['raw']} raw), tables: " + " ".join(f"{t.strip()}={n}" for t, n in f["tables"].items()))
    return found


def typst_same_glyphs(out: Path, faces: dict[str, list[int]], family: str) -> list[dict]:
    """Typst's font programs for exactly the characters a pressroom file embeds, per face."""
    import typst
    lines = ['#set page(paper: "us-letter")', f'#set text(font: ("{family}",), lang: "zh")']
    for face, chars in faces.items():
        text = "".join(chr(c) for c in sorted(set(chars)) if chr(c).isprintable() and not chr(c).isspace())
        weight = "bold" if face.endswith("Bold") else "regular"
        lines.append(f"#text(weight: \"{weight}\", {json.dumps(text, ensure_ascii=False)})")
    (out / "typst" / "glyphs.typ").write_text("\n\n".join(lines) + "\n")
    path = out / "typst" / "glyphs.pdf"
    typst.compile(str(out / "typst" / "glyphs.typ"), output=str(path), font_paths=[str(ROOT / "fonts")],
                  ignore_system_fonts=True)
    return show("typst, the same characters in each face", path, detail=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--lang", default="zh-Hans")
    args = parser.parse_args()
    subprocess.run([sys.executable, str(ROOT / "generate.py"), "--out", str(args.out / "pressroom"), "--quiet",
                    "--jobs", "2"], check=True, cwd=ROOT)
    typst_leaflets(args.out, args.lang)
    ours = sorted((args.out / "pressroom" / args.lang).glob("*/leaflet-*.pdf"))
    for path in ours:
        rel = path.relative_to(args.out / "pressroom")
        show(f"pressroom {rel}", path)
        show(f"typst     {rel}", args.out / "typst" / rel)
    largest = max(ours, key=lambda p: p.stat().st_size)
    print()
    found = show(f"largest: {largest.relative_to(args.out)}", largest, detail=True)
    faces: dict[str, list[int]] = {}
    for f in found:
        faces.setdefault(f["face"], []).extend(f["chars"])
    typst_same_glyphs(args.out, faces, _family(args.lang))
    print("by part (bytes in the file):")
    for kind, size in sorted(parts(largest).items(), key=lambda kv: -kv[1]):
        print(f"    {size:7}  {kind}")
    now = {face: sum(f["program"] for f in found if f["face"] == face) for face in faces}
    for face, (bare, kept) in floor(faces).items():
        print(f"    {face}: {len(set(faces[face]))} characters; font programs now {now[face]} B; one program per "
              f"face {kept} B, without name/post/OS/2/cmap {bare} B")

if __name__ == "__main__":
    main()
