"""Small flowables the brochure panels are made of: the accent rule, the logo, the QR code."""

from __future__ import annotations

import itertools

from reportlab.graphics.barcode import qrencoder
from reportlab.graphics.barcode.qr import QrCode
from reportlab.platypus import Flowable, Table, TableStyle

from ..memo import remembered
from .common import color, esc
from .logo import Logo, draw_logo, fit


class AccentBar(Flowable):
    """The short accent rule under a cover title or above a heading (the leaflet's stripe)."""

    def __init__(self, fill: str, width: float, height: float, space_after: float):
        super().__init__()
        self.fill, self.bar_width, self.bar_height, self.spaceAfter = fill, width, height, space_after

    def wrap(self, avail_width, avail_height):
        return self.bar_width, self.bar_height

    def draw(self):
        self.canv.setFillColor(color(self.fill))
        self.canv.rect(0, 0, self.bar_width, self.bar_height, stroke=0, fill=1)


class Picture(Flowable):
    """The logo, raster or vector, fitted into max_width x max_height, its aspect kept."""

    def __init__(self, logo: Logo, max_width: float, max_height: float, alt: str | None = None):
        super().__init__()
        self.logo, self.alt = logo, alt
        self.width, self.height = fit(logo, max_width, max_height)

    def wrap(self, avail_width, avail_height):
        return self.width, self.height

    def draw(self):
        draw_logo(self.canv, self.logo, 0, 0, self.width, self.height)


def logo_box(sizes: dict) -> tuple[float, float]:
    """The largest a logo is placed: logo_height tall, at most three times as wide."""
    return 3 * sizes["logo_height"], sizes["logo_height"]


@remembered(16)
def _modules(value: str, level: str, version: int | None) -> tuple:
    """The QR code's modules, dark or light, row by row: its mask search costs more than
    the rest of a brochure's back panel, and every brochure of a clinic codes one address."""
    qr = qrencoder.QRCode(version, getattr(qrencoder.QRErrorCorrectLevel, level))
    qr.addData(value)
    qr.make()
    return tuple(tuple(map(bool, row)) for row in qr.modules)


class QRCode(QrCode):
    """ReportLab's QR flowable in one colour, drawn straight on the canvas (a graphics
    Drawing would add an unembedded Helvetica to the page's fonts)."""

    def __init__(self, value: str, size: float, ink: str):
        super().__init__(value, width=size, height=size, qrLevel="M", qrBorder=4)
        self.ink = ink

    def draw(self):
        """QrCode.draw, its modules remembered: each run of dark modules one rectangle."""
        self.canv.setFillColor(color(self.ink))
        modules = _modules(self.value, self.qrLevel, self.qrVersion)
        border = self.qrBorder
        xsize = self.width / (len(modules) + border * 2.0)
        ysize = self.height / (len(modules) + border * 2.0)
        for r, row in enumerate(modules):
            c = 0
            for dark, run in itertools.groupby(row):
                count = len(list(run))
                if dark:
                    self.rect((c + border) * xsize, self.height - (r + border + 1) * ysize, count * xsize,
                              ysize * 1.05)
                c += count


def qr_with_caption(url: str, size: float, ink: str, caption: list, font: str) -> Table:
    table = Table([[QRCode(url, size, ink), caption]], colWidths=[size, None], hAlign="LEFT")
    table.setStyle(TableStyle([
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("FONTNAME", (0, 0), (-1, -1), font),
        ("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0), ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ("LEFTPADDING", (1, 0), (1, 0), 6)]))
    return table


def site(url: str) -> str:
    """A web address as people read it: no scheme, no trailing slash."""
    return url.split("://", 1)[-1].rstrip("/")


def link(url: str, label: str, ink: str) -> str:
    return f'<a href="{esc(url).replace(chr(34), "&quot;")}" color="{ink}">{esc(label)}</a>'
