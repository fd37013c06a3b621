from django.db import migrations

CATEGORIES = {
    "health": [
        ("health-staff-conduct", "Эмч, ажилчдын харилцаа, ёс зүй", "Staff attitude and ethics"),
        ("health-waiting", "Хүлээлгийн хугацаа, цаг авалт", "Waiting times and appointments"),
        ("health-medicines", "Эм, эмнэлгийн хэрэгслийн хангамж", "Medicines and supplies"),
        ("health-payments", "Албан бус төлбөр, авлига", "Unofficial payments and corruption"),
        ("health-building", "Барилга, ариун цэвэр, дулаан", "Building, hygiene and heating"),
        ("health-access", "Хүртээмж, ялгаварлан гадуурхалт", "Access and discrimination"),
        ("health-insurance", "Эрүүл мэндийн даатгал", "Health insurance"),
        ("health-quality", "Тусламж үйлчилгээний чанар", "Quality of care"),
    ],
    "education": [
        ("edu-teaching", "Сургалтын чанар", "Quality of teaching"),
        ("edu-teacher-conduct", "Багш, ажилчдын ёс зүй", "Teacher and staff conduct"),
        ("edu-payments", "Төлбөр, хандив, албан бус төлбөр", "Fees, donations and unofficial payments"),
        ("edu-meals", "Үдийн цай, хоол", "School meals"),
        ("edu-building", "Барилга, дулаан, ариун цэврийн өрөө", "Building, heating and toilets"),
        ("edu-dormitory", "Дотуур байр", "Dormitory"),
        ("edu-safety", "Дээрэлхэлт, хүүхдийн аюулгүй байдал", "Bullying and child safety"),
        ("edu-enrolment", "Элсэлт, цэцэрлэгийн хүрэлцээ", "Enrolment and kindergarten places"),
        ("edu-textbooks", "Сурах бичиг, хэрэглэгдэхүүн", "Textbooks and materials"),
    ],
    "other": [("other", "Бусад", "Other")],
}


def add_defaults(apps, schema_editor):
    Sector = apps.get_model("places", "Sector")
    Category = apps.get_model("feedback", "Category")
    DeadlinePolicy = apps.get_model("feedback", "DeadlinePolicy")
    for sector_code, rows in CATEGORIES.items():
        sector = Sector.objects.filter(code=sector_code).first()
        if sector is None:
            continue
        for order, (code, name_mn, name_en) in enumerate(rows, start=1):
            Category.objects.get_or_create(
                code=code,
                defaults={"sector": sector, "name": name_mn, "name_mn": name_mn, "name_en": name_en, "order": order},
            )
    DeadlinePolicy.objects.get_or_create(
        kind="",
        category=None,
        defaults={
            "name": "Өргөдөл, гомдлын тухай хуулийн хугацаа",
            "name_mn": "Өргөдөл, гомдлын тухай хуулийн хугацаа",
            "name_en": "Petitions law default",
            "acknowledge_days": 3,
            "acknowledge_day_kind": "working",
            "resolve_days": 30,
            "resolve_day_kind": "calendar",
            "max_extension_days": 30,
            "reopen_days": 30,
            "escalate_after_days": 7,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial"), ("places", "0002_default_sectors")]
    operations = [migrations.RunPython(add_defaults, migrations.RunPython.noop)]
