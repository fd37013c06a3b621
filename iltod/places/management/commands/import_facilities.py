from iltod.lib.importing import ImportCommand
from iltod.places.services import import_service_units


class Command(ImportCommand):
    help = (
        "Import facilities from CSV/XLSX. Columns: code (to update), name_mn, name_en, kind, sector, "
        "admin_unit_code, address_mn, address_en, lat, lon, registry_code, operator_code, phone, "
        "email, active."
    )
    importer = staticmethod(import_service_units)
