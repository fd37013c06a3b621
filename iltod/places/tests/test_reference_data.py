from io import StringIO

from django.core.management import call_command

from iltod.accounts.models import AuditEvent
from iltod.places.models import AdminUnit
from iltod.places.services import load_reference_data


def test_reference_data_loads_mongolia_with_boundaries_and_loading_again_changes_nothing(db):
    result = load_reference_data()
    assert result == {"created": 361, "updated": 0, "boundaries": result["boundaries"], "aliases": 31}
    units = AdminUnit.objects.all()
    assert units.count() == 362
    by_level = {level: units.filter(level=level).count() for level, _label in AdminUnit.Level.choices}
    assert by_level == {"country": 1, "capital": 1, "aimag": 21, "district": 9, "soum": 330, "khoroo": 0, "bag": 0}

    country = AdminUnit.objects.get(code="MN")
    assert set(AdminUnit.objects.filter(parent=None).values_list("code", flat=True)) == {"MN"}
    assert AdminUnit.objects.top_level().filter(parent=country).count() == 22
    assert not AdminUnit.objects.filter(level="soum").exclude(parent__level="aimag").exists()
    assert not AdminUnit.objects.filter(level="district").exclude(parent__code="11").exists()

    # Every aimag, the capital, every district and every soum has a boundary; the country does not.
    assert not AdminUnit.objects.exclude(level="country").filter(boundary=None).exists()
    assert result["boundaries"] == 361
    arkhangai = AdminUnit.objects.get(code="65")
    assert (arkhangai.name_mn, arkhangai.name_en, arkhangai.iso_3166_2) == ("Архангай", "Arkhangai", "MN-073")
    assert arkhangai.boundary["type"] in {"Polygon", "MultiPolygon"}
    assert AdminUnit.objects.search("Uvurhangai").get().code == AdminUnit.objects.get(name_mn="Өвөрхангай").code
    assert AdminUnit.objects.search("Ovorkhangai").filter(level="aimag").count() == 1
    # Other names people use (data/reference/mn_place_aliases.csv): the capital, districts, aimag centres.
    assert AdminUnit.objects.get(code="11").aliases.startswith("УБ; UB")
    assert AdminUnit.objects.get(code="1110").aliases == "БЗД; BZD"
    centres = AdminUnit.objects.filter(level="soum", code__endswith="01").exclude(aliases="")
    assert centres.count() == 21
    assert AdminUnit.objects.search("Tsetserleg").filter(level="soum").values_list("code", flat=True)[0] == "6501"

    boundaries = dict(AdminUnit.objects.values_list("code", "boundary"))
    assert load_reference_data() == {"created": 0, "updated": 0, "boundaries": 0, "aliases": 0}
    assert AdminUnit.objects.count() == 362
    assert dict(AdminUnit.objects.values_list("code", "boundary")) == boundaries

    # The command says what it did.
    out = StringIO()
    call_command("load_reference_data", stdout=out)
    assert "0 units created, 0 updated, 0 boundaries set" in out.getvalue()
    assert AuditEvent.objects.filter(action="places.admin_units_imported").count() == 3
