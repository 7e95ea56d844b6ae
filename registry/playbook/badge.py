"""A council's badge: "standards | N/M compliant" as a shields.io-style SVG it can embed."""

from __future__ import annotations

from registry.playbook.charts import BACKGROUND
from registry.playbook.common import esc

# Badge colours by share of compliant services; white text on each is at least 4.5:1 (AA).
# Badge colours by share of compliant services; white text on each is at least 4.5:1 (AA).
BADGE_LABEL = "#505a5f"
BADGE_LABEL_TEXT = "standards"
BADGE_COLOURS = ((0.8, "#00703c"), (0.5, "#8f4a00"), (0.0, "#b10e1e"))
BADGE_FONT = "Verdana, Geneva, 'DejaVu Sans', sans-serif"
BADGE_CHAR = 6.8  # Verdana at 11px, per character; textLength pins the text to it


def badge_colour(compliant: int, services: int) -> str:
    if not services:
        return BADGE_LABEL
    share = compliant / services
    return next(colour for floor, colour in BADGE_COLOURS if share >= floor)


def badge_text(compliant: int, services: int) -> str:
    return f"{compliant}/{services} compliant" if services else "no services"


def badge_alt(name: str, compliant: int, services: int) -> str:
    if not services:
        return f"{name}: no services published against the standards"
    return f"{name}: {compliant} of {services} services meet every standard that applies to them"


def badge_widths(message: str) -> tuple[int, int]:
    return round(len(BADGE_LABEL_TEXT) * BADGE_CHAR + 12), round(len(message) * BADGE_CHAR + 12)


def badge_svg(compliant: int, services: int, name: str = "") -> str:
    """A shields.io-style flat badge, "standards | N/M compliant", as a standalone SVG document."""
    label, message = BADGE_LABEL_TEXT, badge_text(compliant, services)
    label_len, message_len = len(label) * BADGE_CHAR, len(message) * BADGE_CHAR
    label_w, message_w = badge_widths(message)
    width = label_w + message_w
    title = f"{name}: {label}: {message}" if name else f"{label}: {message}"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="20" role="img" '
        f'aria-label="{esc(title)}" viewBox="0 0 {width} 20">'
        f"<title>{esc(title)}</title>"
        f'<rect width="{label_w}" height="20" fill="{BADGE_LABEL}"/>'
        f'<rect x="{label_w}" width="{message_w}" height="20" fill="{badge_colour(compliant, services)}"/>'
        f'<g fill="{BACKGROUND}" text-anchor="middle" font-family="{esc(BADGE_FONT)}" font-size="11">'
        f'<text x="{label_w / 2:.1f}" y="14" textLength="{label_len:.1f}">{esc(label)}</text>'
        f'<text x="{label_w + message_w / 2:.1f}" y="14" textLength="{message_len:.1f}">{esc(message)}</text>'
        "</g></svg>\n"
    )
