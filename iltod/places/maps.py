"""Maps of Mongolia's units, drawn as inline SVG from the stored boundaries and cached."""

from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import get_language

from iltod.lib.maps import Frame, frame_for, svg_path

from .models import AdminUnit, ServiceUnit

CACHE_SECONDS = 6 * 3600


@dataclass
class MapShape:
    code: str
    name: str
    url: str
    d: str
    highlighted: bool = False


@dataclass
class MapPoint:
    x: float
    y: float
    label: str


@dataclass
class Map:
    view_box: str
    shapes: list[MapShape]
    points: list[MapPoint]


def _build(units, frame: Frame, resolution: float, highlight: set[str] | None = None) -> list[MapShape]:
    return [
        MapShape(
            code=u.code,
            name=u.name,
            url=u.get_absolute_url(),
            d=svg_path(u.boundary, frame, resolution),
            highlighted=u.code in (highlight or set()),
        )
        for u in units
        if u.boundary
    ]


def national_map() -> Map | None:
    """The capital and the 21 aimags, each a link to its page."""
    key = f"places:map:national:{get_language()}"
    result = cache.get(key)
    if result is None:
        units = list(AdminUnit.objects.current().top_level().only("code", "name_mn", "name_en", "boundary", "level"))
        frame = frame_for(u.boundary for u in units)
        if frame is None:
            return None
        result = Map(frame.view_box, _build(units, frame, resolution=2.0), [])
        cache.set(key, result, CACHE_SECONDS)
    return result


def unit_map(unit: AdminUnit) -> Map | None:
    """An aimag with its soums (or the capital with its districts)."""
    key = f"places:map:unit:{unit.code}:{get_language()}"
    result = cache.get(key)
    if result is None:
        children = list(unit.children.current().exclude(boundary=None))
        shapes_from = children or [unit]
        frame = frame_for(u.boundary for u in shapes_from)
        if frame is None:
            return None
        result = Map(frame.view_box, _build(shapes_from, frame, resolution=1.0), [])
        cache.set(key, result, CACHE_SECONDS)
    return result


def facility_map(facility: ServiceUnit) -> Map | None:
    """The facility's soum or district with a dot where the facility is."""
    if not facility.has_location:
        return None
    key = f"places:map:area:{facility.admin_unit_id}:{get_language()}"
    drawn = cache.get(key)
    if drawn is None:
        drawn = ()  # no unit up the chain has a boundary
        chain = [facility.admin_unit, *reversed(facility.admin_unit.ancestors())]  # nearest first
        shaped = {
            unit.pk: unit
            for unit in AdminUnit.objects.filter(pk__in=[u.pk for u in chain], boundary__isnull=False).only(
                "code", "level", "name", "name_mn", "name_en", "boundary"
            )
        }
        area = next((shaped[u.pk] for u in chain if u.pk in shaped and shaped[u.pk].boundary), None)
        if area is not None:
            frame = frame_for([area.boundary])
            drawn = (frame, _build([area], frame, resolution=1.0, highlight={area.code}))
        cache.set(key, drawn, CACHE_SECONDS)
    if not drawn:
        return None
    frame, shapes = drawn
    x, y = frame.project(facility.longitude, facility.latitude)
    return Map(frame.view_box, shapes, [MapPoint(round(x, 1), round(y, 1), facility.name)])
