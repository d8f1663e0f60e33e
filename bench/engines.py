#!/usr/bin/env python3
"""The other engines of the side-by-side bench, each run as a cold process on the same
leaflet content as pressroom (exported to JSON by `export`):

    python bench/engines.py typst DOCS.json OUT      # one reused typst.Compiler, bundled fonts only
    python bench/engines.py weasyprint DOCS.json OUT

Prints nothing; the caller times the process.
"""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_TAG = re.compile(r"<(/?)b>")


def runs(text) -> list[list]:
    """ReportLab markup (only <b> and entities in our content) as [text, bold] runs."""
    out, bold = [], False
    for i, piece in enumerate(_TAG.split(text.markup)):
        if i % 2 == 0:
            if piece:
                out.append([html.unescape(piece), bold])
        else:
            bold = piece != "/"
    return out


def export(the_plan, jobs) -> list[dict]:
    """Each leaflet job's content as the JSON the Typst template and the HTML read."""
    from pressroom.source import model as m
    from pressroom.source.jargon import glossary_terms_used
    from pressroom.render.common import review_line
    docs = []
    cats = {(c.lang): c for c in the_plan.catalogues}
    for job in jobs:
        cat = cats[job.lang]
        proc = next(p for p in cat.procedures if p.origin == job.source)
        s, clinic, lay = the_plan.strings[job.lang], cat.clinic, job.layout
        sections = []
        for sec in proc.sections:
            body = []
            for b in sec.body:
                if isinstance(b, m.Paragraph):
                    body.append({"kind": "p", "text": runs(b.text)})
                elif isinstance(b, m.Note):
                    body.append({"kind": "note", "text": runs(b.text)})
                elif isinstance(b, (m.Bullets, m.Steps)):
                    body.append({"kind": "steps" if isinstance(b, m.Steps) else "bullets",
                                 "items": [runs(t) for t in b.items]})
            sections.append({"heading": runs(sec.heading), "body": body})
        words = glossary_terms_used(proc, cat.glossary, lay.options.get("words_to_know", 4), cat.lang)
        website = clinic.website.split("://")[-1] if clinic.website else ""
        docs.append({
            "name": job.path.replace("/", "_"), "lang": job.lang, "title": proc.title.plain,
            "summary": runs(proc.summary), "treats": [runs(t) for t in proc.treats],
            "treats_label": s["treats"], "sections": sections,
            "words": [[t, runs(d)] for t, d in words], "words_label": s["words_to_know"],
            "when_to_call": [runs(t) for t in proc.when_to_call], "call_label": s["when_to_call"],
            "contact": [[s.phrase("call_us", clinic.phone) + " · " + s.phrase("emergency", clinic.emergency), False]],
            "disclaimer": s["disclaimer"], "page_of": s["page_of"], "review": review_line(proc.review, s),
            "draft": s["draft"] if proc.review.is_draft else "",
            "colors": {"primary": lay.colors["primary"], "accent": lay.colors["accent"]},
            "clinic": {"name": clinic.name, "contact": " · ".join(x for x in (clinic.phone, website) if x),
                       "footer": " · ".join(x for x in (clinic.name, clinic.phone, clinic.website) if x)},
        })
    return docs


def typst_main(docs: list[dict], out: Path) -> None:
    import typst
    template = ROOT / "bench" / "typst" / "leaflet.typ"
    compiler = typst.Compiler(str(template), root=str(ROOT), font_paths=[str(ROOT / "fonts")],
                              ignore_system_fonts=True)
    for doc in docs:
        data = compiler.compile(sys_inputs={"doc": json.dumps(doc)}, pdf_standards=["ua-1"])
        (out / f"{doc['name']}.pdf").write_bytes(data)


_CSS = """@page { size: letter; margin: 1.35in 0.7in 1.0in;
  @top-left { content: "%(clinic)s"; color: white; font-weight: bold }
  @bottom-left { content: "%(footer)s"; font-size: 8.5pt; color: #4a5563 }
  @bottom-right { content: counter(page) " / " counter(pages); font-size: 8.5pt } }
@font-face { font-family: A; src: url(%(fonts)s/AtkinsonHyperlegible-Regular.ttf) }
@font-face { font-family: A; font-weight: bold; src: url(%(fonts)s/AtkinsonHyperlegible-Bold.ttf) }
@font-face { font-family: A; font-style: italic; src: url(%(fonts)s/AtkinsonHyperlegible-Italic.ttf) }
body { font-family: A; font-size: 11.5pt; line-height: 15.5pt; color: #1f2933 }
h1 { font-size: 26pt; color: %(primary)s } h2 { font-size: 15pt; color: %(primary)s; break-after: avoid }
.box { padding: 10pt; background: #eef3f8; break-inside: avoid } .call { background: #fdf3e7; border: 1.5pt solid #b4530a }
.note { border-left: 4.5pt solid %(accent)s } .disclaimer { font-size: 10pt; font-style: italic }"""


def _html(doc: dict) -> str:
    def r(rs) -> str:
        return "".join(f"<b>{html.escape(t)}</b>" if b else html.escape(t) for t, b in rs)

    def items(tag, rs) -> str:
        return f"<{tag}>" + "".join(f"<li>{r(i)}</li>" for i in rs) + f"</{tag}>"

    css = _CSS % {"clinic": doc["clinic"]["name"], "footer": doc["clinic"]["footer"], "fonts": ROOT / "fonts",
                  **doc["colors"]}
    parts = [f"<h1>{html.escape(doc['title'])}</h1><p>{r(doc['summary'])}</p>"]
    if doc["treats"]:
        parts.append(f"<p><b>{html.escape(doc['treats_label'])}</b> " + " · ".join(r(t) for t in doc["treats"]) + "</p>")
    for sec in doc["sections"]:
        parts.append(f"<h2>{r(sec['heading'])}</h2>")
        for b in sec["body"]:
            if b["kind"] == "p":
                parts.append(f"<p>{r(b['text'])}</p>")
            elif b["kind"] == "note":
                parts.append(f'<div class="box note">{r(b["text"])}</div>')
            else:
                parts.append(items("ol" if b["kind"] == "steps" else "ul", b["items"]))
    if doc["words"]:
        parts.append(f'<div class="box"><h2>{html.escape(doc["words_label"])}</h2>'
                     + "".join(f"<p><b>{html.escape(t)}:</b> {r(d)}</p>" for t, d in doc["words"]) + "</div>")
    parts.append(f'<div class="box call"><h2>{html.escape(doc["call_label"])}</h2>'
                 + items("ul", doc["when_to_call"]) + f"<p>{r(doc['contact'])}</p></div>")
    parts.append(f'<p class="disclaimer">{html.escape(doc["disclaimer"])}</p>')
    return (f'<!doctype html><html lang="{doc["lang"]}"><head><meta charset="utf-8"><title>'
            f'{html.escape(doc["title"])}</title><style>{css}</style></head><body>{"".join(parts)}</body></html>')


def weasyprint_main(docs: list[dict], out: Path) -> None:
    import weasyprint
    for doc in docs:
        weasyprint.HTML(string=_html(doc), base_url=str(ROOT)).write_pdf(
            out / f"{doc['name']}.pdf", pdf_tags=True)


if __name__ == "__main__":
    engine, source, folder = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    folder.mkdir(parents=True, exist_ok=True)
    {"typst": typst_main, "weasyprint": weasyprint_main}[engine](json.loads(source.read_text()), folder)
