"""The starter indicator library: indicators CSOs in Mongolia commonly score, in Mongolian and
English. ``load_scorecard_indicators`` loads them (idempotent: existing codes are left as edited)."""

from django.db import transaction

from iltod.places.models import Sector

from .models import Indicator, Project

# (code, sector code, Mongolian, English)
INDICATORS = [
    ("edu-respect", "education", "Багш нар сурагчдыг хүндэтгэлтэй харьцдаг", "Teachers treat pupils with respect"),
    (
        "edu-attendance",
        "education",
        "Багш нар хичээлдээ цагтаа, тогтмол ирдэг",
        "Teachers come to class on time and regularly",
    ),
    ("edu-textbooks", "education", "Сурагч бүр сурах бичигтэй", "Every pupil has the textbooks"),
    ("edu-classroom", "education", "Анги танхим дулаан, цэвэрхэн", "Classrooms are warm and clean"),
    ("edu-toilets", "education", "Ариун цэврийн өрөө хүртээмжтэй, цэвэр", "Toilets are accessible and clean"),
    ("edu-meals", "education", "Үдийн хоол хангалттай, чанартай", "School meals are sufficient and of good quality"),
    ("edu-dormitory", "education", "Дотуур байрны нөхцөл хүүхдэд аюулгүй", "The dormitory is safe for children"),
    ("edu-fees", "education", "Албан бус төлбөр хураадаггүй", "No informal fees are collected"),
    (
        "edu-parents",
        "education",
        "Эцэг эхчүүдэд сургуулийн төсөв, шийдвэрийг мэдээлдэг",
        "Parents are told about the school's budget and decisions",
    ),
    (
        "hlth-respect",
        "health",
        "Эмч, сувилагч нар үйлчлүүлэгчийг хүндэтгэлтэй харьцдаг",
        "Doctors and nurses treat patients with respect",
    ),
    ("hlth-waiting", "health", "Үзлэгт орох хүлээлгийн хугацаа богино", "Waiting times for a consultation are short"),
    (
        "hlth-medicines",
        "health",
        "Зайлшгүй шаардлагатай эмийн жагсаалтын эм байдаг",
        "Medicines on the essential list are available",
    ),
    ("hlth-staff", "health", "Ажлын цагаар эмч байнга байдаг", "A doctor is present during opening hours"),
    ("hlth-cleanliness", "health", "Эмнэлгийн байр цэвэр, дулаан", "The facility is clean and warm"),
    (
        "hlth-information",
        "health",
        "Өвчтөнд оношилгоо, эмчилгээг ойлгомжтой тайлбарладаг",
        "Patients get clear explanations of diagnosis and treatment",
    ),
    ("hlth-fees", "health", "Үнэгүй үйлчилгээнд төлбөр авдаггүй", "No payment is asked for free services"),
    (
        "hlth-disability",
        "health",
        "Хөгжлийн бэрхшээлтэй хүмүүст хүртээмжтэй",
        "Accessible for people with disabilities",
    ),
]

PROJECTS = [
    ("Сургуулийн иргэдийн үнэлгээний карт", "School community score card", "education"),
    ("Эрүүл мэндийн төвийн иргэдийн үнэлгээний карт", "Health centre community score card", "health"),
]


@transaction.atomic
def load_library() -> tuple[int, int]:
    """Create the starter indicators and one project per sector; returns (indicators, projects) created."""
    sectors = {s.code: s for s in Sector.objects.filter(code__in={row[1] for row in INDICATORS})}
    created_indicators = 0
    for order, (code, sector, text_mn, text_en) in enumerate(INDICATORS, start=1):
        if sector not in sectors:
            continue
        _indicator, created = Indicator.objects.get_or_create(
            code=code,
            defaults={
                "sector": sectors[sector],
                "text": text_mn,
                "text_mn": text_mn,
                "text_en": text_en,
                "order": order,
            },
        )
        created_indicators += created
    created_projects = 0
    for name_mn, name_en, sector in PROJECTS:
        if sector not in sectors:
            continue
        project, created = Project.objects.get_or_create(
            name_en=name_en, defaults={"name": name_mn, "name_mn": name_mn, "sector": sectors[sector]}
        )
        if created:
            project.indicators.set(Indicator.objects.filter(sector=sectors[sector]))
            created_projects += 1
    return created_indicators, created_projects
