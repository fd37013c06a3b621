"""Maps drawn as inline SVG from GeoJSON: no tile server, no JavaScript, a few kilobytes.

A plate carrée projection scaled by the cosine of the map's mean latitude is faithful enough for
a country-sized map at mid latitudes. Coordinates are rounded to the drawing's resolution and
repeated points dropped, which shrinks the national aimag map from ~110 KB of GeoJSON to a
path list small enough to inline in the home page.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Frame:
    """Maps lon/lat to SVG user units inside a ``width`` × ``height`` box."""

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float
    width: float = 1000.0

    @property
    def kx(self) -> float:
        return math.cos(math.radians((self.min_lat + self.max_lat) / 2))

    @property
    def scale(self) -> float:
        span = max((self.max_lon - self.min_lon) * self.kx, 1e-9)
        return self.width / span

    @property
    def height(self) -> float:
        return max((self.max_lat - self.min_lat) * self.scale, 1.0)

    def project(self, lon: float, lat: float) -> tuple[float, float]:
        return (lon - self.min_lon) * self.kx * self.scale, (self.max_lat - lat) * self.scale

    @property
    def view_box(self) -> str:
        return f"0 0 {self.width:.0f} {self.height:.0f}"


def iter_rings(geometry: dict | None) -> Iterable[list[list[float]]]:
    if not geometry:
        return
    kind = geometry.get("type")
    coords = geometry.get("coordinates") or []
    if kind == "Polygon":
        yield from coords
    elif kind == "MultiPolygon":
        for polygon in coords:
            yield from polygon


def bounds(geometries: Iterable[dict | None]) -> tuple[float, float, float, float] | None:
    lons: list[float] = []
    lats: list[float] = []
    for geometry in geometries:
        for ring in iter_rings(geometry):
            for lon, lat, *_ in ring:
                lons.append(lon)
                lats.append(lat)
    if not lons:
        return None
    return min(lons), min(lats), max(lons), max(lats)


def frame_for(geometries: Iterable[dict | None], width: float = 1000.0, pad: float = 0.02):
    box = bounds(list(geometries))
    if box is None:
        return None
    min_lon, min_lat, max_lon, max_lat = box
    dx = (max_lon - min_lon) * pad or 0.05
    dy = (max_lat - min_lat) * pad or 0.05
    return Frame(min_lon - dx, min_lat - dy, max_lon + dx, max_lat + dy, width)


def svg_path(geometry: dict | None, frame: Frame, resolution: float = 1.0) -> str:
    """An SVG path ``d`` attribute for a (Multi)Polygon, rounded to ``resolution`` units."""
    parts: list[str] = []
    for ring in iter_rings(geometry):
        points: list[tuple[int, int]] = []
        for lon, lat, *_ in ring:
            x, y = frame.project(lon, lat)
            point = (round(x / resolution), round(y / resolution))
            if not points or point != points[-1]:
                points.append(point)
        if len(points) < 3:
            continue
        head = points[0]
        body = " ".join(f"{x * resolution:g} {y * resolution:g}" for x, y in points[1:])
        parts.append(f"M{head[0] * resolution:g} {head[1] * resolution:g}L{body}Z")
    return "".join(parts)


def _ring_contains(ring, lon: float, lat: float) -> bool:
    inside = False
    n = len(ring)
    for i in range(n):
        x1, y1 = ring[i][0], ring[i][1]
        x2, y2 = ring[(i + 1) % n][0], ring[(i + 1) % n][1]
        if (y1 > lat) != (y2 > lat):
            x_cross = x1 + (lat - y1) * (x2 - x1) / (y2 - y1)
            if lon < x_cross:
                inside = not inside
    return inside


def contains(geometry: dict | None, lon: float, lat: float) -> bool:
    """Is the point inside the (Multi)Polygon? Holes are honoured (even-odd rule per polygon)."""
    if not geometry:
        return False
    kind = geometry.get("type")
    polygons = [geometry.get("coordinates") or []] if kind == "Polygon" else (geometry.get("coordinates") or [])
    for rings in polygons:
        if rings and _ring_contains(rings[0], lon, lat) and not any(_ring_contains(h, lon, lat) for h in rings[1:]):
            return True
    return False
