"""The brochure cover's illustration: a calm, stylised side view of the spine.

Drawn as vectors in the clinic's brand colours (tints mixed from them, no transparency,
so it prints the same in CMYK), and sized to whatever box the layout gives it.
"""

from __future__ import annotations

import math

from reportlab.platypus import Flowable

from .common import color


def mix(a: str, b: str, t: float) -> str:
    """The colour t of the way from hex colour a to hex colour b."""
    pa = [int(a[i:i + 2], 16) for i in (1, 3, 5)]
    pb = [int(b[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(pa, pb))


def draw_spine(canv, width: float, height: float, primary: str, accent: str, light: str,
               highlight: int = 2) -> None:
    """Seven vertebrae on a gentle S-curve, discs between them, one disc ringed in the
    accent colour (the level being treated), over a soft round backdrop. Drawn at the
    current origin within width x height; the spine's back faces right."""
    canv.saveState()
    canv.setFillColor(color(mix(primary, light, 0.10)))
    canv.circle(width * 0.5, height * 0.5, min(width, height) * 0.47, stroke=0, fill=1)
    canv.setFillColor(color(mix(primary, light, 0.05)))
    canv.circle(width * 0.5, height * 0.5, min(width, height) * 0.36, stroke=0, fill=1)

    count, low, high = 7, height * 0.07, height * 0.93
    sizes = [1.0 - 0.32 * i / (count - 1) for i in range(count)]       # bottom (lumbar) largest
    unit = (high - low) / sum(s * 1.36 for s in sizes)                   # body + disc per level
    bone, process = color(mix(light, primary, 0.04)), color(mix(light, primary, 0.22))
    disc = color(accent)
    y = low
    for i, s in enumerate(sizes):
        body_h, disc_h = unit * s, unit * s * 0.36
        body_w = body_h * 1.5
        t = (y + body_h / 2) / height
        cx = width * (0.43 + 0.06 * math.sin(2 * math.pi * (t * 0.95 - 0.1)))
        slope = 0.06 * width * 2 * math.pi * 0.95 * math.cos(2 * math.pi * (t * 0.95 - 0.1)) / height
        angle = -math.degrees(math.atan(slope))
        canv.saveState()
        canv.translate(cx, y + body_h / 2)
        canv.rotate(angle)
        _vertebra(canv, body_w, body_h, bone, process)
        if i < count - 1:
            dy = body_h / 2 + disc_h / 2
            if i == highlight:
                canv.setStrokeColor(color(mix(accent, light, 0.55)))
                canv.setLineWidth(max(1.2, disc_h * 0.22))
                canv.ellipse(-body_w * 0.62, dy - disc_h * 1.25, body_w * 0.62, dy + disc_h * 1.25,
                             stroke=1, fill=0)
            canv.setFillColor(disc)
            canv.roundRect(-body_w * 0.46, dy - disc_h * 0.36, body_w * 0.92, disc_h * 0.72,
                           disc_h * 0.36, stroke=0, fill=1)
        canv.restoreState()
        y += body_h + disc_h
    canv.restoreState()


def _vertebra(canv, w: float, h: float, bone, process) -> None:
    """One vertebra seen from the side: a rounded body and, behind it, the arch and
    spinous process pointing back and down."""
    canv.setFillColor(process)
    canv.setStrokeColor(process)
    canv.setLineJoin(1)
    canv.setLineWidth(h * 0.12)
    p = canv.beginPath()
    e = w / 2
    p.moveTo(e - w * 0.05, h * 0.30)
    p.lineTo(e + w * 0.30, h * 0.26)
    p.curveTo(e + w * 0.48, h * 0.20, e + w * 0.62, h * 0.02, e + w * 0.66, -h * 0.22)
    p.lineTo(e + w * 0.58, -h * 0.36)
    p.curveTo(e + w * 0.44, -h * 0.22, e + w * 0.32, -h * 0.18, e + w * 0.18, -h * 0.16)
    p.lineTo(e - w * 0.05, -h * 0.22)
    p.close()
    canv.drawPath(p, stroke=1, fill=1)
    canv.setFillColor(bone)
    canv.roundRect(-w / 2, -h / 2, w, h, h * 0.22, stroke=0, fill=1)


class SpineArt(Flowable):
    """The illustration as a flowable, centred in the width it is given."""

    def __init__(self, height: float, primary: str, accent: str, light: str):
        super().__init__()
        self.art_height, self.colors = height, (primary, accent, light)

    def wrap(self, avail_width, avail_height):
        self.width = avail_width
        return avail_width, self.art_height

    def draw(self):
        side = min(self.width, self.art_height * 0.95)
        self.canv.saveState()
        self.canv.translate((self.width - side) / 2, (self.art_height - side) / 2)
        draw_spine(self.canv, side, side, *self.colors)
        self.canv.restoreState()
