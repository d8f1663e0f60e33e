"""WCAG 2 contrast: the ratio of two colours, and the nearest shade that passes."""

from __future__ import annotations

BODY = 4.5   # WCAG AA, normal text
LARGE = 3.0  # WCAG AA, large text (18 pt, or 14 pt bold)


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def luminance(hex_colour: str) -> float:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def ratio(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _mix(hex_colour: str, target: int, amount: float) -> str:
    channels = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return "#" + "".join(f"{round(c + (target - c) * amount):02x}" for c in channels)


def nearest_passing(colour: str, against: str, minimum: float) -> str | None:
    """The least change to `colour` (towards black or white) that reaches `minimum` on `against`."""
    best = None
    for target in (0, 255):
        for step in range(1, 101):
            candidate = _mix(colour, target, step / 100)
            if ratio(candidate, against) >= minimum:
                if best is None or step < best[0]:
                    best = (step, candidate)
                break
    return best[1] if best else None
