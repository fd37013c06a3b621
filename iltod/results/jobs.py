"""The periodic job: recompute the current periods' actuals, figures and ranking, and send alerts."""

from iltod.core import metrics

from .ranking import compute_ranking
from .services import current_periods, recompute


def recompute_current(now) -> str:
    periods = current_periods(now)
    # One batch: the figures and the ranking of a period share the modules' counts of the period.
    with metrics.batch():
        figures = sum(recompute(period, now=now) for period in periods)
        bodies = sum(compute_ranking(period) for period in periods)
    return f"periods {len(periods)}, figures {figures}, ranked bodies {bodies}"


def send_alerts(now) -> str:
    from .alerts import send_due

    return f"alerts queued {send_due(now)}"
