"""Template helpers of the strategic plan page."""

from django import template

register = template.Library()


@register.simple_tag
def progress_of(progress_by_id: dict, pk):
    """The progress counted for one focus area or objective (nothing counted: zero)."""
    from ..services.strategy import Progress

    return progress_by_id.get(pk, Progress())
