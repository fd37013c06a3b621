"""Charts of money moving down the chain, drawn on the server as inline SVG (no script), with the
same numbers as a table next to them on every page that shows one."""

from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 420
LABEL_HEIGHT = 18
BAR_HEIGHT = 11
BAR_GAP = 3
ROW_GAP = 12
VALUE_SPACE = 70
MAX_LABEL = 58


def millions(value) -> str:
    """An amount in millions of tögrög, as the budget documents write it."""
    if value is None:
        return "–"
    return f"{Decimal(value) / Decimal(1_000_000):,.1f}".replace(",", " ")


def _short(label: str) -> str:
    label = " ".join(str(label).split())
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def _bars(rows: list[tuple[str, list]], series: list[tuple[str, str]], title: str) -> SafeString:
    if not rows:
        return mark_safe("")
    high = max((float(v) for _label, values in rows for v in values if v is not None), default=0) or 1
    plot = WIDTH - VALUE_SPACE
    legend_height = 22
    row_height = LABEL_HEIGHT + len(series) * (BAR_HEIGHT + BAR_GAP) + ROW_GAP
    height = legend_height + len(rows) * row_height
    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    x = 0
    for name, css in series:
        parts.append(f'<rect class="{css}" x="{x}" y="4" width="12" height="12" rx="2"/>')
        parts.append(f'<text x="{x + 16}" y="14" class="legend">{escape(name)}</text>')
        x += 24 + 7 * len(name)
    for index, (label, values) in enumerate(rows):
        top = legend_height + index * row_height
        parts.append(f'<g><text x="0" y="{top + 13}" class="label">{escape(_short(label))}</text>')
        for position, ((name, css), value) in enumerate(zip(series, values, strict=True)):
            y = top + LABEL_HEIGHT + position * (BAR_HEIGHT + BAR_GAP)
            parts.append(f'<rect class="track" x="0" y="{y}" width="{plot}" height="{BAR_HEIGHT}"/>')
            if value is None:
                parts.append(f'<text x="4" y="{y + 9}" class="value muted">{escape(_("not recorded"))}</text>')
                continue
            width = max(float(value) / high * plot, 1.5)
            parts.append(
                f'<rect class="{css}" x="0" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT}">'
                f"<title>{escape(name)}: {millions(value)}</title></rect>"
            )
            parts.append(f'<text x="{width + 4:.1f}" y="{y + 9}" class="value">{millions(value)}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def chain_chart(chain) -> SafeString:
    """Allocated, released and received at each step of a chain (millions of tögrög)."""
    series = [(_("Allocated"), "s-allocated"), (_("Released"), "s-released"), (_("Received"), "s-received")]
    rows = [
        (
            f"{item.step.from_organization.name} → {item.step.receiver}",
            [item.step.allocated, item.step.released, item.step.received],
        )
        for item in chain
    ]
    return _bars(rows, series, _("Money allocated, released and received at each step, million MNT"))


def leakage_chart(steps) -> SafeString:
    """Allocated against received for the steps that lost the most."""
    series = [(_("Allocated"), "s-allocated"), (_("Received"), "s-received")]
    rows = [(f"{s.from_organization.name} → {s.receiver}", [s.allocated, s.received]) for s in steps]
    return _bars(rows, series, _("Steps where money was lost, million MNT"))
