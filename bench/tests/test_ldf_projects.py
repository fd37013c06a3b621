"""bench.ldf_projects run tiny: the file imports in full, a second file with changed progress
updates only those rows, and the pages answer."""

import pytest

from bench import ldf_projects

pytestmark = pytest.mark.django_db


def test_the_bench_imports_its_file_and_times_the_pages(tmp_path):
    soums = ldf_projects.seed_soums(3)
    path, changed = tmp_path / "p.csv", tmp_path / "c.csv"
    assert ldf_projects.write_file(path, soums, 30) == 30
    ldf_projects.write_file(changed, soums, 30, change_every=10)
    assert ldf_projects.baseline(path) > 0
    _seconds, counts = ldf_projects.import_file(path)
    assert counts == {"created": 30, "updated": 0, "unchanged": 0}
    _seconds, counts = ldf_projects.import_file(changed)
    assert counts == {"created": 0, "updated": 3, "unchanged": 27}
    figures = ldf_projects.measure_pages(soums, 2)
    assert set(figures) == {"list_p50_ms", "list_p95_ms", "project_p50_ms", "project_p95_ms"}
