"""`report.html`: each document's reading level and hardest sentences, for reviewers, and
each press file's preflight summary, for the print shop."""

from __future__ import annotations

from html import escape

from ..source.readability import NOT_GRADED, Reading

_STYLE = """body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;color:#1f2933}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #d5dbe3}
.over{color:#b42318;font-weight:bold}.ok{color:#1a7f37}td.n{text-align:right}li{margin:.3rem 0}"""


def _preflight_html(preflights: dict[str, dict]) -> str:
    """One section per press file: boxes, inks, total ink, images, fonts, warnings."""
    if not preflights:
        return ""
    parts = ["<h2>Preflight (press files)</h2>"]
    for path, p in sorted(preflights.items()):
        boxes = "".join(f"<li>{escape(where)}: " + "; ".join(
            f"{escape(name)} [{', '.join(f'{v:g}' for v in box)}]" for name, box in sorted(b.items())) + "</li>"
            for where, b in p["boxes"].items())
        images = "".join(f"<li>{i['pixels'][0]} × {i['pixels'][1]} px at {i['placed_in'][0]:g} × "
                         f"{i['placed_in'][1]:g} in: {i['ppi']:g} ppi ({escape(i['colour_space'])})</li>"
                         for i in p["images"]) or "<li>none</li>"
        over = ' class="over"' if p["max_ink"] > p["ink_limit"] + 0.5 else ""
        warnings = "".join(f'<li class="over">{escape(w)}</li>' for w in p["warnings"])
        parts.append(
            f"<h3>{escape(path)}</h3><ul><li>Page boxes (pt):<ul>{boxes}</ul></li>"
            f"<li>Inks: {escape(', '.join(p['inks']))}</li>"
            f"<li{over}>Maximum total ink: {p['max_ink']:g} % (limit {p['ink_limit']:g} %)</li>"
            f"<li>Colour: {escape(p['colour'])}</li>"
            f"<li>Images:<ul>{images}</ul></li>"
            f"<li>Fonts (embedded subsets): {escape(', '.join(p['fonts']))}</li></ul>"
            + (f"<p>Warnings:</p><ul>{warnings}</ul>" if warnings else '<p class="ok">No warnings.</p>'))
    return "".join(parts)


def report_html(readings: list[Reading], target: float, pdfs: dict[str, list[str]],
                preflights: dict[str, dict] | None = None) -> bytes:
    """A self-contained page; no dates, so it is byte-identical for the same content."""
    rows = []
    for r in readings:
        if r.grade is None:
            rows.append(f"<tr><td>{escape(r.title)}<br><small>{escape(r.source)}</small></td><td>{escape(r.lang)}</td>"
                        f'<td colspan="4">{NOT_GRADED}</td><td>{NOT_GRADED}: no reading-level formula is valid '
                        f"for this language</td></tr>")
            continue
        status = (f'<span class="over">above {target:g}</span>' if r.grade > target
                  else '<span class="ok">meets target</span>')
        rows.append(
            f"<tr><td>{escape(r.title)}<br><small>{escape(r.source)}</small></td><td>{escape(r.lang)}</td>"
            f'<td class="n">{r.grade:.1f}</td><td class="n">{r.second:.1f}</td>'
            f'<td class="n">{r.words_per_sentence:.1f}</td><td class="n">{r.words}</td><td>{status}</td></tr>')
    details = []
    for r in (r for r in readings if r.grade is not None):
        items = "".join(f"<li>grade {s.grade:.0f} — {escape(s.text)} <small>({escape(str(s.origin))})</small></li>"
                        for s in r.hardest)
        files = "".join(f"<li>{escape(p)}</li>" for p in pdfs.get(r.source, []))
        details.append(f"<h3>{escape(r.title)} ({escape(r.lang)})</h3><p>{escape(r.formula)} {r.grade:.1f}; "
                       f"{escape(r.second_formula)} {r.second:.1f}.</p><p>Hardest sentences:</p><ol>{items}</ol>"
                       f"<p>PDFs:</p><ul>{files}</ul>")
    formulas = sorted({f"{r.formula} / {r.second_formula}" for r in readings if r.grade is not None})
    html = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Reading level report</title><style>{_STYLE}</style></head>
<body><h1>Reading level report</h1>
<p>Target: grade {target:g} or below (AMA and NIH advise grade 6–8 for patient materials).
Formulas: {escape(", ".join(formulas))}. Titles and headings are left out; each list item counts as a sentence.</p>
<table><thead><tr><th>Document</th><th>Language</th><th>Grade</th><th>Ease</th><th>Words per sentence</th>
<th>Words</th><th>Status</th></tr></thead><tbody>
{"".join(rows)}
</tbody></table>
<h2>Details</h2>
{"".join(details)}
{_preflight_html(preflights or {})}
</body></html>
"""
    return html.encode("utf-8")
