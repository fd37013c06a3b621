"""Server-rendered SVG charts for the dashboards: no script, a few kilobytes, printable. The
numbers of every chart are also in a table next to it (for screen readers and for copying)."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 440
HEIGHT = 200
LEFT = 44
BOTTOM = 26
TOP = 22


def fmt(value) -> str:
    if value is None:
        return "—"
    return f"{float(value):.1f}".rstrip("0").rstrip(".")


def indicator_chart(rows, *, baseline, title: str, percentage: bool) -> SafeString:
    """Baseline → target → actual over periods: ``rows`` are (period label, target, actual, light).
    Bars are the actuals (coloured by their traffic light), ticks the targets, the dashed line the
    baseline."""
    if not rows:
        return mark_safe("")
    values = [float(v) for _label, target, actual, _light in rows for v in (target, actual) if v is not None]
    if baseline is not None:
        values.append(float(baseline))
    high = 100.0 if percentage else max(values or [1.0]) * 1.15 or 1.0
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(rows)

    def y(value) -> float:
        return TOP + plot_h - float(value) / high * plot_h

    parts = [
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" aria-label="{escape(title)}" '
        'xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<line class="axis" x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - 8}" y2="{TOP + plot_h}"/>',
        f'<text class="value" x="{LEFT - 4}" y="{TOP + 4}" text-anchor="end">{fmt(high)}</text>',
        f'<text class="value" x="{LEFT - 4}" y="{TOP + plot_h}" text-anchor="end">0</text>',
        f'<rect class="s-actual" x="{LEFT}" y="2" width="10" height="10"/>'
        f'<text class="legend" x="{LEFT + 14}" y="11">{escape(_("Actual"))}</text>',
        f'<rect class="s-target" x="{LEFT + 90}" y="6" width="14" height="3"/>'
        f'<text class="legend" x="{LEFT + 108}" y="11">{escape(_("Target"))}</text>',
    ]
    if baseline is not None:
        by = y(baseline)
        parts.append(f'<line class="baseline" x1="{LEFT}" y1="{by:.1f}" x2="{WIDTH - 8}" y2="{by:.1f}"/>')
        parts.append(
            f'<text class="legend" x="{LEFT + 190}" y="11">- - {escape(_("Baseline"))} {escape(fmt(baseline))}</text>'
        )
    for index, (label, target, actual, light) in enumerate(rows):
        x = LEFT + index * slot
        bar_w = min(slot * 0.5, 60)
        bx = x + (slot - bar_w) / 2
        if actual is not None:
            top = y(actual)
            parts.append(
                f'<rect class="light-{light}" x="{bx:.1f}" y="{top:.1f}" width="{bar_w:.1f}" '
                f'height="{TOP + plot_h - top:.1f}"><title>{escape(label)}: {fmt(actual)}</title></rect>'
            )
            parts.append(
                f'<text class="value" x="{bx + bar_w / 2:.1f}" y="{top - 3:.1f}" '
                f'text-anchor="middle">{fmt(actual)}</text>'
            )
        if target is not None:
            ty = y(target)
            parts.append(
                f'<rect class="s-target" x="{bx - 4:.1f}" y="{ty - 1.5:.1f}" width="{bar_w + 8:.1f}" height="3">'
                f"<title>{escape(_('Target'))} {escape(label)}: {fmt(target)}</title></rect>"
            )
        parts.append(
            f'<text class="label" x="{x + slot / 2:.1f}" y="{HEIGHT - 8}" text-anchor="middle">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def progress_bar(percent: int | None, light: str, label: str) -> SafeString:
    """A small horizontal bar for a progress percentage (the roll-up)."""
    width = 120
    filled = 0 if percent is None else max(min(percent, 100), 0) / 100 * width
    text = "—" if percent is None else f"{percent} %"
    return mark_safe(  # noqa: S308 - the label is escaped
        f'<svg class="progress" viewBox="0 0 {width + 44} 12" width="{width + 44}" height="12" role="img" '
        f'aria-label="{escape(label)}: {escape(text)}" xmlns="http://www.w3.org/2000/svg">'
        f'<rect class="track" width="{width}" height="12"/>'
        f'<rect class="light-{light}" width="{filled:.1f}" height="12"/>'
        f'<text class="value" x="{width + 4}" y="10">{escape(text)}</text></svg>'
    )
