import math

import pytest

from iltod.lib.maps import Frame, bounds, frame_for, iter_rings, svg_path

SQUARE = {"type": "Polygon", "coordinates": [[[100, 40], [102, 40], [102, 42], [100, 42], [100, 40]]]}
OTHER = {"type": "Polygon", "coordinates": [[[105, 45], [106, 45], [106, 46], [105, 45]]]}
MULTI = {"type": "MultiPolygon", "coordinates": [SQUARE["coordinates"], OTHER["coordinates"]]}


def test_iter_rings_reads_polygons_and_multipolygons_and_ignores_the_rest():
    assert len(list(iter_rings(SQUARE))) == 1
    assert len(list(iter_rings(MULTI))) == 2
    assert list(iter_rings(None)) == []
    assert list(iter_rings({})) == []
    assert list(iter_rings({"type": "Point", "coordinates": [100, 40]})) == []


def test_bounds_spans_every_geometry_and_ignores_missing_ones():
    assert bounds([SQUARE, None, OTHER]) == (100, 40, 106, 46)
    assert bounds([None, {}]) is None


def test_bounds_accepts_coordinates_with_an_altitude():
    geometry = {"type": "Polygon", "coordinates": [[[100, 40, 1200], [101, 41, 1300], [100, 41, 900], [100, 40, 1200]]]}
    assert bounds([geometry]) == (100, 40, 101, 41)


def test_frame_for_pads_the_bounds_and_returns_none_without_geometry():
    frame = frame_for([SQUARE], width=500, pad=0.1)
    assert frame == Frame(99.8, 39.8, 102.2, 42.2, 500)
    assert frame_for([None]) is None
    assert frame_for(g for g in [SQUARE]) is not None  # a generator is fine


def test_frame_for_a_single_point_still_has_a_size():
    point_like = {"type": "Polygon", "coordinates": [[[100, 40], [100, 40], [100, 40]]]}
    frame = frame_for([point_like])
    assert frame.max_lon - frame.min_lon == pytest.approx(0.1)
    assert frame.height > 0


def test_the_projection_puts_north_west_at_the_origin_and_keeps_the_width():
    frame = Frame(100, 40, 102, 42, width=1000)
    assert frame.project(100, 42) == (0, 0)
    x, y = frame.project(102, 40)
    assert x == pytest.approx(1000)
    # Degrees of longitude shrink with the cosine of the latitude: the map is taller than wide.
    assert y == pytest.approx(frame.height)
    assert frame.height == pytest.approx(1000 / math.cos(math.radians(41)))
    assert frame.view_box == f"0 0 1000 {frame.height:.0f}"


def test_svg_path_draws_one_closed_subpath_per_ring():
    frame = Frame(100, 40, 102, 42, width=100)
    d = svg_path(MULTI, frame)
    assert d == "M0 133L100 133 100 0 0 0 0 133ZM250 -199L300 -199 300 -265 250 -199Z"


def test_svg_path_rounds_to_the_resolution_and_drops_repeated_points():
    frame = Frame(100, 40, 102, 42, width=100)
    dense = {"type": "Polygon", "coordinates": [[[100, 40], [100.0001, 40.0001], [102, 40], [102, 42], [100, 40]]]}
    d = svg_path(dense, frame, resolution=2.0)
    head, body = d[1:-1].split("L")
    assert head == "0 132"
    points = body.split(" ")
    assert len(points) == 6  # three points after the head: the near-duplicate was dropped
    assert all(int(v) % 2 == 0 for v in points)


def test_svg_path_skips_rings_that_collapse_below_three_points():
    frame = Frame(100, 40, 102, 42, width=10)
    tiny = {"type": "Polygon", "coordinates": [[[101, 41], [101.001, 41], [101, 41.001], [101, 41]]]}
    assert svg_path(tiny, frame) == ""
    assert svg_path(None, frame) == ""
