"""The "Prepared for" box on page 1 of a personalised leaflet: the patient's name, then
date, arrival time, place, surgeon, fasting time and note, in the document's language.

Every value is escaped, so a name such as `O'Brien <b>&` prints exactly as typed. Sizes,
colours and styles come from the layout (`prepared_*`), the words from the strings file.
"""

from __future__ import annotations

import datetime as dt

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from ..patient import Patient
from ..layout.strings import Strings
from .common import Context, Styles, color, esc
from .tagging import Node, tag


def fasting_text(patient: Patient, s: Strings) -> str:
    """When to stop eating and drinking, with its day when the procedure date is known: a
    time later than the arrival time (or midnight) is the evening before."""
    clock, day = patient.nothing_after, patient.procedure_date
    if day is None:
        return s.time(clock)
    if clock == dt.time(0, 0):
        return s.format("midnight_before", date=s.long_date(day - dt.timedelta(days=1)))
    if patient.arrival_time is not None and clock >= patient.arrival_time:
        day = day - dt.timedelta(days=1)
    return s.format("time_on_date", time=s.time(clock), date=s.long_date(day))


def details(patient: Patient, s: Strings) -> list[tuple[str, str]]:
    """(label, value) for each field given, in print order; values as plain text."""
    rows = []
    if patient.procedure_date:
        rows.append((s["procedure_date"], s.long_date(patient.procedure_date)))
    if patient.arrival_time:
        rows.append((s["arrival_time"], s.time(patient.arrival_time)))
    if patient.place:
        rows.append((s["place"], patient.place))
    if patient.surgeon:
        rows.append((s["surgeon"], patient.surgeon))
    if patient.nothing_after:
        rows.append((s["nothing_after"], fasting_text(patient, s)))
    if patient.note:
        rows.append((s["note"], patient.note))
    return rows


def _markup(value: str) -> str:
    return "<br/>".join(esc(line) for line in value.split("\n"))


def prepared_box(patient: Patient, ctx: Context, styles: Styles, width: float) -> list:
    """The box as flowables (with white space above and below), `width` wide."""
    lay, s = ctx.layout, ctx.strings
    pad, bar, gap = lay.size("prepared_padding"), lay.size("prepared_bar"), lay.size("prepared_row_gap")
    inner = width - 2 * pad - bar
    label, value = styles["prepared_label"], styles["prepared_value"]
    rows = details(patient, s)
    sect = Node("Sect")  # read as: a heading, the name, then a table of label and value rows
    cells: list[list] = [[tag(Paragraph(esc(s["prepared_for"]), styles["prepared_heading"]), sect.add("H2"))],
                         [tag(Paragraph(esc(patient.name), styles["prepared_name"]), sect.add("P"))]]
    if rows:
        widest = max(stringWidth(text, label.fontName, label.fontSize) for text, _ in rows)
        label_w = min(widest + 1.2 * label.fontSize, inner * 0.42)
        table = sect.add("Table")
        grid_rows = []
        for text, val in rows:
            row = table.add("TR")
            grid_rows.append([tag(Paragraph(esc(text), label), row.add("TH", scope="Row")),
                              tag(Paragraph(_markup(val), value), row.add("TD"))])
        grid = Table(grid_rows, colWidths=[label_w, inner - label_w], hAlign="LEFT")
        grid.setStyle(TableStyle([
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (0, -1), 0.8 * label.fontSize),
            ("TOPPADDING", (0, 0), (-1, -1), gap / 2), ("BOTTOMPADDING", (0, 0), (-1, -1), gap / 2),
            ("LINEABOVE", (0, 1), (-1, -1), 0.5, color(lay.colors["rule"])),
        ]))
        cells.append([grid])
    box = Table(cells, colWidths=[width - bar], hAlign="RIGHT")
    last = len(cells) - 1
    box.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), color(lay.colors["prepared_fill"])),
        ("LEFTPADDING", (0, 0), (-1, -1), pad), ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (0, 0), pad * 0.9),
        ("BOTTOMPADDING", (0, 1), (0, 1), gap),
        ("BOTTOMPADDING", (0, last), (0, last), pad * 0.8),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONTNAME", (0, 0), (-1, -1), ctx.fonts.regular),
    ]))
    framed = Table([["", box]], colWidths=[bar, width - bar], hAlign="LEFT")
    framed.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (0, 0), color(lay.colors["primary"])),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ("FONTNAME", (0, 0), (-1, -1), ctx.fonts.regular),
    ]))
    return spaced(ctx, tag(framed, sect))


def spaced(ctx: Context, box) -> list:
    """The box, or the room kept for it (render.overlay), with white space above and below."""
    space = ctx.layout.size("prepared_space")
    return [Spacer(1, space * 0.4), box, Spacer(1, space)]
