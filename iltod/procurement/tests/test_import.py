"""Importing OCDS: every shape, idempotent re-import, compiling, and bad files refused whole."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from iltod.procurement import services
from iltod.procurement.models import ContractingProcess, ImportJob, Party, Release

from .helpers import award, import_data, package, release, supplier_party, write

pytestmark = pytest.mark.django_db


def two_releases():
    awarded = release("ocds-test-1", "2", date="2025-04-01T00:00:00Z", tag=["award"], awards=[award()])
    awarded["parties"] = [supplier_party()]
    del awarded["tender"]
    return [release("ocds-test-1", "1"), awarded]


def test_it_compiles_a_release_package_into_one_process(tmp_path):
    report = import_data(tmp_path, package(two_releases()))
    assert report.ok, report.errors
    assert (report.releases_new, report.processes) == (2, 1)
    process = ContractingProcess.objects.get(ocid="ocds-test-1")
    assert process.title == "Эм, эмнэлгийн хэрэгсэл"
    assert process.method == "open"
    assert process.tender_value == 12_000_000
    assert process.awarded_amount == 11_000_000
    assert process.currency == "MNT"
    assert process.year == 2025
    assert process.buyer.identifier == "1001"
    assert [s.name for s in process.suppliers.all()] == ["Эм хангамж ХХК"]
    # the compiled release merged both releases (tender from the first, awards from the second)
    assert process.compiled["tag"] == ["compiled"]
    assert process.compiled["awards"][0]["id"] == "a-S1"


def test_a_release_seen_before_changes_nothing_and_a_new_one_recompiles(tmp_path):
    import_data(tmp_path, package(two_releases()[:1]))
    again = import_data(tmp_path, package(two_releases()[:1]))
    assert (again.releases_new, again.releases_seen) == (0, 1)
    assert Release.objects.count() == 1
    assert ContractingProcess.objects.get().awarded_amount is None
    more = import_data(tmp_path, package(two_releases()))
    assert (more.releases_new, more.releases_seen) == (1, 1)
    assert ContractingProcess.objects.get().awarded_amount == 11_000_000


def test_json_lines_of_releases_and_of_compiled_releases(tmp_path):
    lines = "\n".join(json.dumps(r) for r in two_releases())
    assert import_data(tmp_path, lines, "r.jsonl").processes == 1
    compiled = release("ocds-test-9", "compiled-9", tag=["compiled"])
    report = import_data(tmp_path, json.dumps(compiled) + "\n", "c.jsonl")
    assert report.ok, report.errors
    assert ContractingProcess.objects.get(ocid="ocds-test-9").compiled["id"] == "compiled-9"


def test_a_record_package_with_embedded_releases(tmp_path):
    records = {
        "uri": "x",
        "version": "1.1",
        "publishedDate": "2025-01-01T00:00:00Z",
        "records": [{"ocid": "ocds-test-1", "releases": two_releases()}],
    }
    report = import_data(tmp_path, records)
    assert report.ok, report.errors
    assert ContractingProcess.objects.get().awarded_amount == 11_000_000


def test_ocds_1_0_is_upgraded(tmp_path):
    old = {
        "ocid": "ocds-old-1",
        "id": "1",
        "date": "2014-01-01T00:00:00Z",
        "tag": ["tender"],
        "initiationType": "tender",
        "buyer": {"name": "Хуучин захиалагч", "identifier": {"scheme": "MN-REG", "id": "3003"}},
        "tender": {"id": "t", "title": "Old", "procurementMethod": "open"},
    }
    report = import_data(tmp_path, {"uri": "x", "publishedDate": "2014-01-01T00:00:00Z", "releases": [old]})
    assert report.ok, report.errors
    process = ContractingProcess.objects.get(ocid="ocds-old-1")
    assert process.compiled["parties"][0]["roles"] == ["buyer"]
    assert process.buyer.name == "Хуучин захиалагч"


def test_parties_link_to_organisations_and_facilities_by_identifier(tmp_path, personas):
    personas.school_org.registration_number = "1001"
    personas.school_org.save()
    import_data(tmp_path, package([release()]))
    party = Party.objects.get(identifier="1001")
    assert party.organization == personas.school_org
    assert party.facility == personas.school  # the one facility it runs
    process = ContractingProcess.objects.get()
    assert process.aimag == personas.geo.aimag
    assert process.admin_unit == personas.school.admin_unit
    assert process.sector == personas.school.sector


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b'{"releases": [{"ocid": ', "not valid JSON"),
        (b"[1, 2]", "not JSON"),
        (b'{"hello": "world"}\n', "no “ocid”"),
        (b'{\n  "name": "a",\n  "list": [1]\n}', "not OCDS"),
    ],
)
def test_bad_files_are_refused_with_a_clear_report(tmp_path, content, message):
    with translation.override("en"):
        report = import_data(tmp_path, content)
    assert not report.ok
    assert any(message in e["message"] for e in report.errors), report.errors
    assert Release.objects.count() == ContractingProcess.objects.count() == 0
    assert ImportJob.objects.get().status == ImportJob.Status.FAILED


def test_a_wrong_currency_refuses_the_whole_file(tmp_path):
    good = release("ocds-test-2", "1")
    bad = release("ocds-test-3", "1")
    bad["tender"]["value"]["currency"] = "TUGRIK"
    with translation.override("en"):
        report = import_data(tmp_path, package([good, bad]))
    assert not report.ok
    error = report.errors[0]
    assert (error["ocid"], error["path"]) == ("ocds-test-3", "tender/value/currency")
    assert "TUGRIK" in error["message"]
    assert Release.objects.count() == 0  # the good release is not half-imported


def test_the_same_release_id_with_other_content_is_refused(tmp_path):
    import_data(tmp_path, package([release()]))
    changed = release()
    changed["tender"]["title"] = "Өөр"
    with translation.override("en"):
        report = import_data(tmp_path, package([changed]))
    assert not report.ok
    assert "other content" in report.errors[0]["message"]
    assert ContractingProcess.objects.get().title == "Эм, эмнэлгийн хэрэгсэл"


def test_duplicate_ocids_with_conflicting_compiled_releases_in_one_file(tmp_path):
    first = release("ocds-test-5", "c1", tag=["compiled"])
    second = release("ocds-test-5", "c2", tag=["compiled"])
    second["tender"]["title"] = "Өөр"
    with translation.override("en"):
        report = import_data(tmp_path, json.dumps(first) + "\n" + json.dumps(second) + "\n", "c.jsonl")
    assert not report.ok
    assert "twice" in report.errors[0]["message"]
    assert ContractingProcess.objects.count() == 0


def test_errors_are_translated(tmp_path, settings):
    report = import_data(tmp_path, b"")
    # Mongolian is the default language
    assert report.errors[0]["message"] != "The file is empty."


def test_the_command_imports_with_a_report(tmp_path, capsys):
    path = write(tmp_path, package(two_releases()))
    with translation.override("en"):
        call_command("import_ocds", path, "--no-progress")
    assert "2 new" in capsys.readouterr().out
    with pytest.raises(CommandError):
        call_command("import_ocds", write(tmp_path, b"{", "bad.json"), "--no-progress")


def test_the_commands_messages_are_in_the_active_language(tmp_path, capsys):
    with translation.override("mn"):
        call_command("import_ocds", write(tmp_path, package(two_releases())), "--no-progress")
        assert "2 шинэ" in capsys.readouterr().out
        with pytest.raises(CommandError, match="алдаа: энэ файлаас юу ч хадгалсангүй"):
            call_command("import_ocds", write(tmp_path, b"{", "bad.json"), "--no-progress")
        with pytest.raises(CommandError, match="ийм файл алга"):
            call_command("import_ocds", str(tmp_path / "missing.json"), "--no-progress")


def test_a_spreadsheet_in_the_flattened_layout(tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "main"
    sheet.append(
        [
            "ocid",
            "id",
            "date",
            "initiationType",
            "tender/id",
            "tender/title",
            "tender/value/amount",
            "tender/value/currency",
            "buyer/id",
            "buyer/name",
            "tag",
        ]
    )
    sheet.append(
        ["ocds-xl-1", "1", "2025-01-01T00:00:00Z", "tender", "t1", "Түлш", 5000000, "MNT", "B9", "Сургууль", "tender"]
    )
    path = tmp_path / "book.xlsx"
    book.save(path)
    _job, report = services.import_path(str(path))
    assert report.ok, report.errors
    process = ContractingProcess.objects.get(ocid="ocds-xl-1")
    assert (process.title, process.tender_value) == ("Түлш", 5000000)


def test_the_short_way_for_one_release_gives_ocdsmerges_result():
    from iltod.procurement import ocds

    simple = release("ocds-test-7", "1", awards=[award()], bids=[{"id": "b1", "status": "valid"}])
    assert ocds.simple(simple)
    assert ocds.compile_releases([simple]) == ocds.merger().create_compiled_release([simple])
    with_null = release("ocds-test-8", "1")
    with_null["tender"]["description"] = None
    assert not ocds.simple(with_null)
    assert ocds.compile_releases([with_null]) == ocds.merger().create_compiled_release([with_null])
