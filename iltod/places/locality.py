"""Whether a place is in an aimag centre: the one rule behind "lives outside aimag centres".

The soums that are aimag centres carry the centre's name in the reference data
(``AdminUnit.centre_name``: 6501 Erdenebulgan is Tsetserleg, Arkhangai's centre); other soums leave it
empty. Aimags carry it too (the aimag's centre), so the level decides first:

- the capital, its districts and their khoroos: ``centre``;
- a soum that is an aimag centre, and a bag below it: ``centre``;
- any other soum, and a bag below it: ``outside``;
- the country, an aimag (only the aimag is known) or no place at all: ``unknown``.

Every module that counts people by where they live or are served maps its units through
``localities()`` instead of testing levels itself.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from iltod.core.metrics import batch_memo


class Locality(models.TextChoices):
    CENTRE = "centre", _("aimag centre or the capital")  # an aimag centre soum, or the capital's districts
    OUTSIDE = "outside", _("outside aimag centres")  # any other soum, or a bag below one
    UNKNOWN = "unknown", _("place not known")  # only the aimag, or nothing, is known


CAPITAL_LEVELS = {"capital", "district", "khoroo"}


def _rule(level: str, is_centre: bool, parent: str | None) -> str:
    """One unit's locality from its level, whether it names a centre and its parent's locality."""
    if level in CAPITAL_LEVELS:
        return Locality.CENTRE
    if level == "soum":
        return Locality.CENTRE if is_centre else Locality.OUTSIDE
    if level == "bag" and parent is not None:
        return parent
    return Locality.UNKNOWN


def _load() -> dict[int, str]:
    from .models import AdminUnit

    rows = {
        pk: (parent_id, level, bool(centre_mn or centre_en))
        for pk, parent_id, level, centre_mn, centre_en in AdminUnit.objects.values_list(
            "pk", "parent_id", "level", "centre_name_mn", "centre_name_en"
        )
    }
    found: dict[int, str] = {}
    for pk, (parent_id, level, is_centre) in rows.items():
        parent = None
        if level == "bag" and parent_id in rows:
            parent_level, parent_centre = rows[parent_id][1], rows[parent_id][2]
            if parent_level == "soum":
                parent = Locality.CENTRE if parent_centre else Locality.OUTSIDE
        locality = _rule(level, is_centre, parent)
        if locality != Locality.UNKNOWN:
            found[pk] = str(locality)
    return found


def localities() -> dict[int, str]:
    """Every administrative unit's id → ``"centre"`` or ``"outside"``, in one query; a unit where it
    cannot be told is left out (``locality_of`` gives ``"unknown"`` for it). Inside
    ``metrics.batch()`` the answer is read once for the whole recompute."""
    memo = batch_memo()
    if memo is None:
        return _load()
    if "places.localities" not in memo:
        memo["places.localities"] = _load()
    return memo["places.localities"]


def locality_of(unit_id: int | None, known: dict[int, str] | None = None) -> str:
    """The locality of one unit (``None``: no place recorded), from ``localities()`` or ``known``."""
    if unit_id is None:
        return Locality.UNKNOWN.value
    return (known if known is not None else localities()).get(unit_id, Locality.UNKNOWN.value)
