"""Which administrative unit contains a point, answered from memory.

Every Open311 submission with a location asks this. Reading and parsing the boundaries (about
400 KB of GeoJSON for Mongolia's soums) on each request cost far more than the rest of the
submission, so each process keeps the shapes parsed, prepared (shapely builds an index of each
polygon's edges once, so a point test no longer walks every vertex) and in an R-tree of their
bounding boxes. The copy is held by ``iltod.core.memo``: a save, a delete or a bulk write of an
``AdminUnit`` gives it a new version and every process parses the boundaries again.

Validity dates are checked at each look-up, not when loading: a unit that stops being valid at
midnight needs no write to drop out.
"""

import logging
from dataclasses import dataclass
from datetime import date

import shapely
from django.utils import timezone
from shapely.errors import GEOSException
from shapely.geometry import shape

from iltod.core import memo

from .models import AdminUnit

log = logging.getLogger(__name__)

MEMO_NAME = "places.admin_unit_shapes"
# What a found unit carries without another query; other fields (the boundary) load on access.
# In the model's field order, as Model.from_db expects.
FIELDS = tuple(
    f.attname
    for f in AdminUnit._meta.concrete_fields
    if f.attname in {"id", "code", "level", "parent_id", "name", "name_mn", "name_en", "valid_from", "valid_to"}
)
CODE, LEVEL, VALID_FROM, VALID_TO = (FIELDS.index(name) for name in ("code", "level", "valid_from", "valid_to"))


@dataclass(frozen=True)
class Layer:
    """Units of the same fineness: their prepared shapes, an R-tree over them, and their rows."""

    tree: shapely.STRtree
    shapes: list
    rows: list[tuple]  # FIELDS values, in the tree's order (by code)


def _layers_from_database() -> tuple[Layer, ...]:
    Level = AdminUnit.Level
    # The finest units first: a point in a soum is answered with the soum, not its aimag.
    groups = ({Level.DISTRICT, Level.SOUM}, {Level.CAPITAL, Level.AIMAG})
    collected: list[tuple[list, list]] = [([], []) for _group in groups]
    units = (
        AdminUnit.objects.filter(level__in=set().union(*groups))
        .exclude(boundary=None)
        .order_by("code")
        .values_list(*FIELDS, "boundary")
    )
    for *row, boundary in units:
        geometry = _shape(row[CODE], boundary)
        if geometry is None:
            continue
        shapes, rows = next(c for c, group in zip(collected, groups, strict=True) if row[LEVEL] in group)
        shapes.append(geometry)
        rows.append(tuple(row))
    return tuple(Layer(shapely.STRtree(shapes), shapes, rows) for shapes, rows in collected)


def _shape(code: str, boundary):
    """A prepared shapely geometry, or None (logged) for a boundary that cannot be one."""
    try:
        geometry = shape(boundary)
        if not geometry.is_valid:  # self-touching rings in digitised borders
            geometry = shapely.make_valid(geometry)
    except (GEOSException, ValueError, TypeError, KeyError, AttributeError, IndexError) as exc:
        log.warning("administrative unit %s: its boundary is not a usable polygon (%s)", code, exc)
        return None
    if geometry.is_empty:
        return None
    shapely.prepare(geometry)
    return geometry


# Imported by PlacesConfig.ready(), so that a save or a delete of a unit anywhere gives the shapes
# a new version (bulk writes: AdminUnitQuerySet is a memo.QuerySet).
memo.register(MEMO_NAME, _layers_from_database, models=[AdminUnit])


def _valid(row: tuple, on: date) -> bool:
    valid_from, valid_to = row[VALID_FROM], row[VALID_TO]
    return (valid_from is None or valid_from <= on) and (valid_to is None or valid_to >= on)


def admin_unit_at(lon: float, lat: float, on: date | None = None):
    """The finest unit valid on ``on`` (today) whose boundary holds the point, or None.

    A point on a shared border belongs to the unit with the lower code. The unit comes without its
    boundary (it would be loaded on access)."""
    on = on or timezone.localdate()
    point = shapely.Point(lon, lat)
    for layer in memo.get(MEMO_NAME):
        for index in sorted(layer.tree.query(point)):  # bounding boxes only; sorted = by code
            row = layer.rows[index]
            if _valid(row, on) and shapely.intersects_xy(layer.shapes[index], lon, lat):
                return AdminUnit.from_db("default", FIELDS, row)
    return None
