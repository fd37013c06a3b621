"""The import's fast paths give the same results as the plain ones: processes spread over batches,
the field coverage counted in chunks by a helper process, the writer thread, the short way to a
compiled release, and public codes drawn in bulk."""

import json
import tempfile

import pytest
from django.db import connection, transaction

from iltod.places.models import CODE_ALPHABET
from iltod.procurement import bulk, imports, ocds
from iltod.procurement.models import ContractingProcess, Party, Release

from .helpers import award, import_data, package, release, supplier_party

pytestmark = pytest.mark.django_db


def releases_over_batches():
    """Three processes whose releases are spread over a file: with batches of two, each process
    has releases in more than one batch."""
    found = []
    for number in range(1, 4):
        ocid = f"ocds-spread-{number}"
        found.append(release(ocid, "1", date="2025-01-01T00:00:00Z"))
    for number in range(1, 4):
        ocid = f"ocds-spread-{number}"
        later = release(ocid, "2", date="2025-02-01T00:00:00Z", tag=["award"], awards=[award(amount=1000 * number)])
        later["parties"] = [supplier_party()]
        del later["tender"]
        found.append(later)
    return found


class LateWriter(bulk.Writer):
    """Runs every write as late as a writer may: when drained (on PostgreSQL the import goes on
    while its writes are queued, so its look-ups may not see them yet)."""

    def __init__(self, *, threaded):
        super().__init__(threaded=False)
        self.jobs = []

    def submit(self, function, *args):
        self.jobs.append((function, args))

    def drain(self):
        jobs, self.jobs = self.jobs, []
        for function, args in jobs:
            super().submit(function, *args)
        super().drain()


@pytest.mark.parametrize("writer", [bulk.Writer, LateWriter])
def test_a_process_with_releases_in_several_batches_is_compiled_from_all_of_them(tmp_path, monkeypatch, writer):
    monkeypatch.setattr(imports, "BATCH", 2)
    monkeypatch.setattr(bulk, "Writer", writer)
    report = import_data(tmp_path, package(releases_over_batches()))
    assert report.ok, report.errors
    assert (report.releases_new, Release.objects.count()) == (6, 6)
    for number in range(1, 4):
        process = ContractingProcess.objects.get(ocid=f"ocds-spread-{number}")
        # the tender from the first release, the award from the second: both were merged
        assert process.title == "Эм, эмнэлгийн хэрэгсэл"
        assert process.awarded_amount == 1000 * number
        assert [s.identifier for s in process.suppliers.all()] == ["2001"]
        expected = ocds.merger().create_compiled_release(
            [r for r in releases_over_batches() if r["ocid"] == process.ocid]
        )
        assert process.compiled == expected
    again = import_data(tmp_path, package(releases_over_batches()))
    assert (again.releases_new, again.releases_seen) == (0, 6)


def test_the_coverage_counted_in_chunks_by_a_helper_is_the_coverage_of_the_whole(tmp_path, monkeypatch):
    import ocdscardinal

    many = [release(f"ocds-cov-{n}", "1", awards=[award()] if n % 2 else None) for n in range(7)]
    monkeypatch.setattr(imports.Coverage, "CHUNK", 3)  # two full chunks go to the helper, one is counted here
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    report = import_data(tmp_path, package(many))
    assert report.ok, report.errors
    whole = tmp_path / "compiled.jsonl"
    whole.write_text("\n".join(json.dumps(p.compiled) for p in ContractingProcess.objects.order_by("ocid")) + "\n")
    assert report.coverage == ocdscardinal.coverage(str(whole))
    assert report.coverage[""] == 7
    assert not list(scratch.iterdir())  # the chunks are removed


def test_a_refused_file_leaves_no_coverage_files_and_nothing_stored(tmp_path, monkeypatch):
    monkeypatch.setattr(imports.Coverage, "CHUNK", 2)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    good = [release(f"ocds-ref-{n}", "1") for n in range(5)]
    bad = release("ocds-ref-9", "1")
    bad["tender"]["value"]["currency"] = "TUGRIK"
    report = import_data(tmp_path, package([*good, bad]))
    assert not report.ok
    assert (report.coverage, Release.objects.count(), ContractingProcess.objects.count()) == ({}, 0, 0)
    assert not list(scratch.iterdir())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the writer thread runs on PostgreSQL only")
def test_the_writer_thread_writes_in_the_transaction_and_hands_its_error_back():
    with transaction.atomic():
        writer = bulk.Writer(threaded=True)
        try:
            row = ("ocds-w-1", "1", None, "h", {"ocid": "ocds-w-1"}, '{"ocid": "ocds-w-1"}')
            bulk.insert_releases(writer, [row], None)
            writer.drain()
            assert Release.objects.filter(ocid="ocds-w-1").count() == 1  # seen in the same transaction
            bulk.insert_releases(writer, [row], None)  # the same (ocid, id) again: a unique violation
            with pytest.raises(Exception, match="procurement_release_identity"):
                writer.drain()
            with pytest.raises(Exception, match="procurement_release_identity"):
                bulk.insert_releases(writer, [row], None)  # nothing more is queued after an error
        finally:
            writer.close()
        transaction.set_rollback(True)
    assert not Release.objects.filter(ocid="ocds-w-1").exists()


@pytest.mark.parametrize(
    "change",
    [
        lambda r: r,
        lambda r: r["tender"].update(description=None),  # a null
        lambda r: r["tender"].update(items=[]),  # an empty array
        lambda r: r["tender"].update(value={}),  # an empty object
        lambda r: r["tender"].update(items=[{"id": "1"}, {"id": "1", "quantity": 2}]),  # the same id twice
        lambda r: r["tender"].update(items=[{"id": "1"}, {"id": "2"}]),
        lambda r: r.update(tag=["tender", ["nested"]]),  # an array in an array, not first
        lambda r: r["tender"].update(title="null {} [] in a string"),
        lambda r: r.update(awards=[award(), award(("S2", "MN-REG", "2002", "Нөгөө ХХК"))]),
    ],
)
def test_the_short_way_with_the_json_text_agrees_with_ocdsmerge(change):
    import orjson

    data = release("ocds-short-1", "1", awards=[award()], bids=[{"id": "b1", "status": "valid"}])
    change(data)
    text = orjson.dumps(data, option=orjson.OPT_SORT_KEYS).decode()
    assert ocds.simple_text(data, text) == ocds.simple(data)
    assert ocds.compile_releases([data], text=text) == ocds.merger().create_compiled_release([data])


def test_public_codes_drawn_in_bulk_look_like_the_others():
    codes = bulk.new_codes(5000)
    assert len(codes) == len(set(codes)) == 5000
    assert all(len(code) == 8 and set(code) <= set(CODE_ALPHABET) for code in codes)
    letters = "".join(codes)
    counts = [letters.count(letter) for letter in CODE_ALPHABET]
    expected = len(letters) / len(CODE_ALPHABET)
    assert all(abs(count - expected) < expected * 0.1 for count in counts)  # 40 000 letters: uniform


def test_parties_met_again_in_a_later_batch_are_not_stored_twice(tmp_path, monkeypatch):
    monkeypatch.setattr(imports, "BATCH", 2)
    many = [release(f"ocds-party-{n}", "1", awards=[award()]) for n in range(5)]
    for item in many:
        item["parties"].append(supplier_party())
    report = import_data(tmp_path, package(many))
    assert report.ok, report.errors
    assert Party.objects.count() == 2
    assert ContractingProcess.objects.filter(buyer__identifier="1001", suppliers__identifier="2001").count() == 5


def test_recomputing_reads_the_stored_json_as_the_engine_reads_dicts(tmp_path):
    """The recomputation hands the engine each compiled release's stored JSON text; its results
    are the engine's results over the same releases as parsed dicts, with the same parties."""
    from iltod.procurement import services
    from iltod.procurement.flags import Settings, run
    from iltod.procurement.models import Flag

    processes = []
    for number in range(12):
        supplier = (f"S{number % 3}", "MN-REG", f"20{number % 3}", f"Нийлүүлэгч {number % 3}")
        bid = {
            "id": "b1",
            "status": "valid",
            "tenderers": [{"id": supplier[0]}],
            "value": {"amount": 900, "currency": "MNT"},
        }
        item = release(f"ocds-flag-{number}", "1", awards=[award(supplier, amount=1000 + number)], bids=[bid])
        item["parties"].append(supplier_party(supplier))
        processes.append(item)
    assert import_data(tmp_path, package(processes)).ok
    stored = services.recompute_flags()
    settings = Settings.from_ini(services.active_settings_text())
    expected = run([p.compiled for p in ContractingProcess.objects.all()], settings, meta=True, maps=False)
    rows = {(f.scope, f.key, f.code, f.value) for f in Flag.objects.all()}
    assert rows == {
        (scope, str(key), code, float(value))
        for scope in Flag.Scope.values
        for key, values in (expected.get(scope) or {}).items()
        for code, value in values.items()
    }
    assert stored == len(rows) > 0
    parties = {
        f.key: f.party.identifier for f in Flag.objects.exclude(scope=Flag.Scope.PROCESS).select_related("party")
    }
    assert parties and all(
        parties[key] == {"B1": "1001", "S0": "200", "S1": "201", "S2": "202"}[key] for key in parties
    )
    assert all(f.process.ocid == f.key for f in Flag.objects.filter(scope=Flag.Scope.PROCESS).select_related("process"))
