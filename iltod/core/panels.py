"""Panels: how a higher layer adds a section to a lower layer's page without an upward import.

A lower app's view calls ``render_panels("facility", request, facility)``; a higher app registers
``register("facility", function)`` in its ``AppConfig.ready``. Each function returns HTML (or
"" to show nothing). Panels render in registration order.
"""

from collections import defaultdict
from collections.abc import Callable

from django.utils.safestring import SafeString, mark_safe

_PANELS: dict[str, list[Callable]] = defaultdict(list)


def register(slot: str, function: Callable) -> None:
    if function not in _PANELS[slot]:
        _PANELS[slot].append(function)


def render_panels(slot: str, request, obj) -> SafeString:
    return mark_safe("".join(str(function(request, obj) or "") for function in _PANELS[slot]))  # noqa: S308 - panels return rendered templates
