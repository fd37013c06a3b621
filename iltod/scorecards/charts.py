"""Charts drawn on the server as inline SVG: no script, no library, a few kilobytes, printable."""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 420
LABEL_HEIGHT = 18
BAR_HEIGHT = 11
BAR_GAP = 3
ROW_GAP = 12
VALUE_SPACE = 36
MAX_LABEL = 58


def _short(label: str) -> str:
    label = " ".join(str(label).split())
    return label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"


def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def bar_chart(
    rows: list[tuple[str, list[float | None]]],
    series: list[tuple[str, str]],
    *,
    low: float,
    high: float,
    title: str,
) -> SafeString:
    """Horizontal grouped bars: one group of bars per row, one bar per series (name, css class).
    Missing values draw no bar; the scale runs from ``low`` to ``high``."""
    if not rows:
        return mark_safe("")
    span = (high - low) or 1
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
        x += 24 + 8 * len(name)
    for index, (label, values) in enumerate(rows):
        top = legend_height + index * row_height
        parts.append(
            f'<g><title>{escape(label)}</title><text x="0" y="{top + 13}" class="label">{escape(_short(label))}</text>'
        )
        for position, ((name, css), value) in enumerate(zip(series, values, strict=True)):
            y = top + LABEL_HEIGHT + position * (BAR_HEIGHT + BAR_GAP)
            parts.append(f'<rect class="track" x="0" y="{y}" width="{plot}" height="{BAR_HEIGHT}"/>')
            if value is None:
                parts.append(f'<text x="4" y="{y + 9}" class="value muted">{escape(_("not scored"))}</text>')
                continue
            width = max((value - low) / span * plot, 1.5)
            parts.append(
                f'<rect class="{css}" x="0" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT}">'
                f"<title>{escape(name)}: {_fmt(value)}</title></rect>"
            )
            parts.append(f'<text x="{width + 4:.1f}" y="{y + 9}" class="value">{_fmt(value)}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped


def comparison_chart(report) -> SafeString:
    """Community against provider per indicator, with last cycle's community score if any."""
    low, high = report.cycle.bounds
    series = [(_("Community"), "s-community"), (_("Provider"), "s-provider")]
    with_previous = report.previous_cycle is not None and any(r.previous is not None for r in report.results)
    if with_previous:
        series.append((_("Last cycle"), "s-previous"))
    rows = []
    for result in report.results:
        values = [result.community, result.provider]
        if with_previous:
            values.append(result.previous)
        rows.append((f"{result.indicator.number}. {result.indicator.text}", values))
    return bar_chart(rows, series, low=low, high=high, title=_("Community and provider scores by indicator"))


def aggregate_chart(rows, title: str) -> SafeString:
    series = [(_("Community"), "s-community"), (_("Provider"), "s-provider")]
    return bar_chart(
        [(row.label or row.key, [row.community_percent, row.provider_percent]) for row in rows],
        series,
        low=0,
        high=100,
        title=title,
    )
