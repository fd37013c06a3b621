"""The import benchmark's releases are valid OCDS (an invalid one refuses the whole file), and the
recomputation benchmark stores processes the recomputation reads."""

import orjson
import pytest

from bench import procurement_import, procurement_recompute
from iltod.procurement import ocds


def test_every_generated_release_is_valid_ocds(tmp_path):
    # The generator repeats a consortium's member in one award's suppliers at index 9131.
    path = procurement_import.generate(tmp_path / "releases.jsonl", 9_200)
    validator = ocds.fast_validator()
    releases = [orjson.loads(line) for line in path.read_bytes().splitlines()]
    assert len(releases) == 9_200
    assert all(validator.is_valid(release) for release in releases)
    assert len({release["id"] for release in releases}) == 9_200


@pytest.mark.django_db(transaction=True)
def test_the_recomputation_benchmark_stores_processes_with_their_parties(tmp_path):
    from django.db import connection

    from iltod.procurement import services
    from iltod.procurement.models import ContractingProcess, Flag, Party

    if connection.vendor != "postgresql":
        pytest.skip("the benchmark stores with PostgreSQL's COPY")
    from bench.procurement_flags import generate

    path = generate(tmp_path / "compiled.jsonl", 300)
    assert procurement_recompute.store(path) == 300
    assert ContractingProcess.objects.count() == 300
    assert ContractingProcess.objects.filter(buyer__isnull=True).count() == 0
    assert Party.objects.exists()
    assert procurement_recompute.read_baseline() > 0
    results = services.recompute_flags()
    # a party's result is stored for the party and once more for each process it was raised in
    copies = Flag.objects.filter(process__isnull=False, party__isnull=False).count()
    assert results == Flag.objects.count() - copies > 0
    assert Flag.objects.filter(party__isnull=False).exists()
