"""The demo's data, as tables: the areas it covers, the words it names facilities with, the
organisations around the facilities, the persona logins and what citizens write.

The code that turns these tables into rows is in ``facilities.py``, ``organizations.py``, ``seed.py``
and ``feedback.py``; changing a table changes the demo (and its tests), nothing else.
"""

from dataclasses import dataclass

from iltod.accounts.capabilities import Capability, Role
from iltod.organizations.models import Organization

SEED = "iltod-demo-2026"
DEMO_PASSWORD = "iltod-demo-2026"
DEMO_DOMAIN = "demo.iltod.mn"
REGISTRY_PREFIX = "DEMO-"
COUNTRY_CODE = "MN"
CAPITAL_CODE = "11"

# Ten aimags from every region and three Ulaanbaatar districts (NSO codes, data/reference).
AIMAG_CODES = ("21", "23", "41", "43", "46", "62", "64", "65", "67", "84")
DISTRICT_CODES = ("1110", "1116", "1125")  # Bayanzürkh, Songinokhairkhan, Chingeltei
# The persona school director runs school No. 1 of Erdenebulgan soum (Tsetserleg, Arkhangai's centre).
PERSONA_SCHOOL_UNIT = "6501"
PERSONA_SCHOOL_KEY = "school-6501-1"

# Regional member networks of the national network, and the areas whose CSOs join them.
REGIONS = {
    "west": ("Баруун бүсийн", "Western Region", ("84",)),
    "khangai": ("Хангайн бүсийн", "Khangai Region", ("62", "64", "65", "67")),
    "central": ("Төвийн бүсийн", "Central Region", ("41", "43", "46")),
    "east": ("Зүүн бүсийн", "Eastern Region", ("21", "23")),
    "capital": ("Улаанбаатар хотын", "Ulaanbaatar", DISTRICT_CODES),
}
# Aimag centres that host a regional diagnostic and treatment centre.
REGIONAL_CENTRES = {"84": "Баруун бүсийн", "62": "Хангайн бүсийн", "21": "Зүүн бүсийн"}
REGIONAL_CENTRES_EN = {"84": "Western Region", "62": "Khangai Region", "21": "Eastern Region"}

# Words used to name family health centres and pharmacies (English names are transliterated).
FHC_WORDS = tuple(
    "Нарлаг Энхжин Ачлал Өлзий Мэлмий Сүлд Итгэл Ирээдүй Тэгш Дэлгэр "
    "Элит Нандин Гэгээ Амгалан Түшиг Өгөөж Анар Бүрэн Тэнүүн Оргил "
    "Буянт Саруул Энэрэл Мөнх Хишиг Уянга Дөл Ундрах Баясгалан Цэлмэг "
    "Хангай Сондор Нүүдэл Цогт Ивээл Эрдэм Тунгалаг Сэтгэл Жаргал Очир".split()
)
PHARMACY_WORDS = tuple(
    "Ариун Номин Сувд Эрдэнэ Мөнгөн Шинэ Ган Тэмүүлэл Од Зэндмэнэ "
    "Дархан Хүслэн Билэг Ерөөл Эрүүл Тогос Цагаан Алтан Хаш Наран".split()
)

# Local CSOs: (Mongolian name, English name, theme tag, sector codes, rural only).
CSO_THEMES = (
    ("Иргэний хяналтын төв", "Citizens' Oversight Centre", "oversight", ("health", "education"), False),
    ("Эцэг эхийн холбоо", "Parents' Association", "education", ("education",), False),
    ("Эрүүл ирээдүй холбоо", "Healthy Future Association", "health", ("health",), False),
    ("Залуучуудын хөгжлийн төв", "Youth Development Centre", "youth", ("education",), False),
    ("Хүүхдийн эрхийн төв", "Child Rights Centre", "children", ("education", "health"), False),
    ("Эмэгтэйчүүдийн манлайллын сан", "Women's Leadership Foundation", "women", ("health",), False),
    ("Малчдын эрүүл мэндийн холбоо", "Herders' Health Association", "health", ("health",), True),
    ("Ил тод байдлын төв", "Transparency Centre", "oversight", ("health", "education"), False),
    ("Хөгжлийн бэрхшээлтэй иргэдийн холбоо", "Association of Persons with Disabilities", "disability",
     ("health", "education"), False),
    ("Багш нарын хөгжлийн төв", "Teachers' Development Centre", "education", ("education",), False),
    ("Ахмадын оролцооны холбоо", "Senior Citizens' Participation Association", "health", ("health",), False),
    ("Орон нутгийн хөгжлийн сан", "Local Development Foundation", "oversight", ("health", "education"), False),
)  # fmt: skip

THEME_MISSIONS = {
    "oversight": (
        "Иргэдийн оролцоотой хяналтаар төрийн үйлчилгээний ил тод байдал, хариуцлагыг сайжруулах.",
        "Improves the transparency and accountability of public services through citizen monitoring.",
    ),
    "education": (
        "Сургууль, цэцэрлэгийн үйлчилгээний чанарыг эцэг эх, багш нарын оролцоотойгоор сайжруулах.",
        "Improves schools and kindergartens together with parents and teachers.",
    ),
    "health": (
        "Эрүүл мэндийн анхан шатны тусламж, үйлчилгээг хүн бүрт хүртээмжтэй болгох.",
        "Makes primary health care accessible to everyone.",
    ),
    "youth": (
        "Залуучуудыг орон нутгийн шийдвэр гаргалт, үйлчилгээний хяналтад оролцуулах.",
        "Brings young people into local decision-making and the monitoring of services.",
    ),
    "children": (
        "Хүүхдийн эрх, хамгааллыг боловсрол, эрүүл мэндийн үйлчилгээнд хангуулах.",
        "Defends children's rights and protection in education and health services.",
    ),
    "women": (
        "Эмэгтэйчүүдийн манлайлал, эх нялхсын эрүүл мэндийн үйлчилгээг дэмжих.",
        "Supports women's leadership and maternal and child health services.",
    ),
    "disability": (
        "Хөгжлийн бэрхшээлтэй иргэдэд үйлчилгээ хүртээмжтэй байхыг хянах, нөлөөлөх.",
        "Monitors and advocates for services accessible to persons with disabilities.",
    ),
}


def demo_email(local: str) -> str:
    return f"{local}@{DEMO_DOMAIN}"


# --------------------------------------------------------------------------------------------
# Organisations
# --------------------------------------------------------------------------------------------

K = Organization.Kind
S = Organization.Size
BOTH = ("health", "education")
NATION = (COUNTRY_CODE,)

# National bodies, in the order they are created. ``founded``: a year, None, or (first, last) for
# a year drawn from the body's own stream. ``national``: it covers the whole country.
# (key, kind, name_mn, name_en, short_mn, short_en, parent key, home, national, sectors,
#  mission_mn, mission_en, founded, size)
SCHOLARS_MN = "Судалгаа, сургалтаар нийгмийн үйлчилгээний бодлогод нотолгоо өгөх."
SCHOLARS_EN = "Provides evidence for public service policy through research and teaching."
NEWS_MN = "Төрийн үйлчилгээний талаарх олон нийтийн мэдээллийг нээлттэй түгээх."
NEWS_EN = "Reports on public services for the general public."
GUILD_MN = "Гишүүдийнхээ мэргэжлийн хөгжил, эрх ашгийг хамгаалах."
GUILD_EN = "Supports its members' professional development and interests."
NATIONAL_BODIES = (
    ("ministry-health", K.MINISTRY, "Эрүүл мэндийн яам", "Ministry of Health", "ЭМЯ", "MoH", "", CAPITAL_CODE, True,
     ("health",), "Эрүүл мэндийн салбарын бодлого, төлөвлөлт, санхүүжилт, хяналтыг хэрэгжүүлэх.",
     "Sets health policy, plans and finances the health sector and oversees its services.", None, S.LARGE),
    ("ministry-education", K.MINISTRY, "Боловсролын яам", "Ministry of Education", "БЯ", "MoE", "", CAPITAL_CODE,
     True, ("education",), "Бүх шатны боловсролын бодлого, стандарт, санхүүжилтийг тодорхойлж хэрэгжүүлэх.",
     "Sets and implements policy, standards and financing for education at every level.", None, S.LARGE),
    ("ministry-finance", K.MINISTRY, "Сангийн яам", "Ministry of Finance", "СЯ", "MoF", "", CAPITAL_CODE, True, BOTH,
     "Төсвийн бодлого, төсвийн ил тод байдлыг хангах.",
     "Runs fiscal policy and publishes budgets, including health and education spending.", None, S.LARGE),
    ("agency-health-development", K.AGENCY, "Эрүүл мэндийн хөгжлийн төв", "Center for Health Development", "", "",
     "ministry-health", CAPITAL_CODE, True, ("health",),
     "Эрүүл мэндийн мэдээлэл, стандарт, чанарын удирдлагыг хариуцах.",
     "Runs health information, standards and quality management.", None, S.MEDIUM),
    ("agency-health-insurance", K.AGENCY, "Эрүүл мэндийн даатгалын ерөнхий газар",
     "General Agency for Health Insurance", "", "", "ministry-health", CAPITAL_CODE, True, ("health",),
     "Эрүүл мэндийн даатгалын сангаас тусламж, үйлчилгээг санхүүжүүлэх.",
     "Pays for health services from the health insurance fund.", None, S.MEDIUM),
    ("agency-education", K.AGENCY, "Боловсролын ерөнхий газар", "General Agency for Education", "", "",
     "ministry-education", CAPITAL_CODE, True, ("education",),
     "Боловсролын бодлогын хэрэгжилтийг зохион байгуулах, дэмжих.",
     "Organises and supports the implementation of education policy.", None, S.MEDIUM),
    ("agency-education-evaluation", K.AGENCY, "Боловсролын үнэлгээний төв", "Education Evaluation Centre", "", "",
     "ministry-education", CAPITAL_CODE, True, ("education",),
     "Суралцагчдын сурлагын амжилт, сургуулийн гүйцэтгэлийг үнэлэх.",
     "Assesses learning outcomes and school performance.", None, S.MEDIUM),
    ("agency-inspection", K.AGENCY, "Мэргэжлийн хяналтын ерөнхий газар", "General Agency for Specialized Inspection",
     "", "", "", CAPITAL_CODE, True, BOTH, "Эрүүл мэнд, боловсролын байгууллагын стандартын мөрдөлтийг хянах.",
     "Inspects health and education facilities against national standards.", None, S.MEDIUM),
    ("academia-num", K.ACADEMIA, "Монгол Улсын Их Сургууль", "National University of Mongolia", "МУИС", "NUM", "",
     CAPITAL_CODE, False, BOTH, SCHOLARS_MN, SCHOLARS_EN, 1942, S.LARGE),
    ("academia-mnums", K.ACADEMIA, "Анагаахын Шинжлэх Ухааны Үндэсний Их Сургууль",
     "Mongolian National University of Medical Sciences", "АШУҮИС", "MNUMS", "", CAPITAL_CODE, False, BOTH,
     SCHOLARS_MN, SCHOLARS_EN, 1942, S.LARGE),
    ("academia-mnue", K.ACADEMIA, "Монгол Улсын Боловсролын Их Сургууль", "Mongolian National University of Education",
     "МУБИС", "MNUE", "", CAPITAL_CODE, False, BOTH, SCHOLARS_MN, SCHOLARS_EN, 1951, S.LARGE),
    ("donor-sa-programme", K.DONOR, "Нийгмийн хариуцлагын хөтөлбөрийн донор", "Social accountability programme donor",
     "", "", "", CAPITAL_CODE, False, BOTH, "Иргэний оролцоо, нийгмийн хариуцлагын хөтөлбөрийг санхүүжүүлэх.",
     "Funds the social accountability programme and its civil society partners.", (1995, 2015), S.SMALL),
    ("donor-development-fund", K.DONOR, "Олон улсын хөгжлийн сан", "International Development Fund", "", "", "",
     CAPITAL_CODE, False, BOTH, "Эрүүл мэнд, боловсролын үйлчилгээний чанарыг сайжруулах төслүүдийг дэмжих.",
     "Supports projects that improve health and education services.", (1995, 2015), S.SMALL),
    ("media-public-broadcaster", K.MEDIA, "Монголын үндэсний олон нийтийн радио, телевиз",
     "Mongolian National Public Radio and Television", "МҮОНРТ", "MNB", "", CAPITAL_CODE, False, BOTH, NEWS_MN,
     NEWS_EN, (1990, 2018), S.LARGE),
    ("media-khangai-news", K.MEDIA, "Хангайн мэдээ сонин", "Khangai News", "", "", "", "65", False, BOTH, NEWS_MN,
     NEWS_EN, (1990, 2018), S.MICRO),
    ("media-citizen-journalists", K.MEDIA, "Иргэний сэтгүүлчдийн клуб", "Citizen Journalists' Club", "", "", "",
     CAPITAL_CODE, False, BOTH, NEWS_MN, NEWS_EN, (1990, 2018), S.MICRO),
    ("other-medical-association", K.OTHER, "Монголын Эмч нарын холбоо", "Mongolian Medical Association", "", "", "",
     CAPITAL_CODE, False, ("health",), GUILD_MN, GUILD_EN, (1990, 2010), S.MEDIUM),
    ("other-teachers-union", K.OTHER, "Монголын Багш нарын холбоо", "Mongolian Teachers' Association", "", "", "",
     CAPITAL_CODE, False, ("education",), GUILD_MN, GUILD_EN, (1990, 2010), S.MEDIUM),
)  # fmt: skip

# Local government of every demo aimag and district: ``{mn}``/``{en}`` is the area's name.
# ``founded``: a year, or (first, last) drawn in table order from the area's stream.
# (key prefix, kind, name_mn, name_en, parent key, sectors, mission_mn, mission_en, founded, size)
AIMAG_BODIES = (
    ("governor", K.GOVERNORS_OFFICE, "{mn} аймгийн Засаг даргын Тамгын газар", "{en} Aimag Governor's Office", "",
     BOTH, "{mn} аймгийн Засаг даргын үйл ажиллагааг хангаж, орон нутгийн үйлчилгээг зохицуулах.",
     "Supports the governor of {en} aimag and coordinates local services.", 1992, S.MEDIUM),
    ("khural", K.KHURAL, "{mn} аймгийн Иргэдийн Төлөөлөгчдийн Хурал", "{en} Aimag Citizens' Representative Khural",
     "", BOTH, "Иргэдийг төлөөлж аймгийн төсөв, хөгжлийн төлөвлөгөөг батлах, хянах.",
     "Represents the citizens of {en}: approves and oversees the aimag budget and development plan.", 1992, S.SMALL),
    ("health-dept", K.HEALTH_DEPARTMENT, "{mn} аймгийн Эрүүл мэндийн газар", "{en} Aimag Health Department",
     "ministry-health", ("health",), "{mn} аймгийн эрүүл мэндийн тусламж, үйлчилгээний хүртээмж, чанарыг хангах.",
     "Ensures access to and quality of health services in {en} aimag.", (1995, 2005), S.SMALL),
    ("education-dept", K.EDUCATION_DEPARTMENT, "{mn} аймгийн Боловсролын газар", "{en} Aimag Education Department",
     "ministry-education", ("education",),
     "{mn} аймгийн сургууль, цэцэрлэгийн үйл ажиллагааг удирдан зохион байгуулах.",
     "Oversees the schools and kindergartens of {en} aimag.", (1995, 2005), S.SMALL),
)  # fmt: skip
DISTRICT_BODIES = (
    ("governor", K.GOVERNORS_OFFICE, "{mn} дүүргийн Засаг даргын Тамгын газар", "{en} District Governor's Office",
     "", BOTH, "{mn} дүүргийн Засаг даргын үйл ажиллагааг хангаж, үйлчилгээг зохицуулах.",
     "Supports the governor of {en} district and coordinates local services.", 1992, S.MEDIUM),
    ("health-dept", K.HEALTH_DEPARTMENT, "{mn} дүүргийн Эрүүл мэндийн төв", "{en} District Health Centre",
     "ministry-health", ("health",), "{mn} дүүргийн өрхийн эрүүл мэндийн төвүүдийн үйл ажиллагааг зохицуулах.",
     "Coordinates the family health centres of {en} district.", (1995, 2010), S.MEDIUM),
    ("education-dept", K.EDUCATION_DEPARTMENT, "{mn} дүүргийн Боловсролын хэлтэс", "{en} District Education Division",
     "ministry-education", ("education",), "{mn} дүүргийн сургууль, цэцэрлэгийн үйл ажиллагааг зохион байгуулах.",
     "Oversees the schools and kindergartens of {en} district.", (1995, 2010), S.SMALL),
)  # fmt: skip

# The main hospital of every aimag centre and district runs itself, under the area's health
# department: (mission_mn, mission_en, founded between) by level, ``{mn}``/``{en}`` the area.
HOSPITALS = {
    "aimag": ("{mn} аймгийн иргэдэд нарийн мэргэжлийн тусламж, үйлчилгээ үзүүлэх.",
              "Provides specialised care to the people of {en} aimag.", (1925, 1960)),
    "district": ("{mn} дүүргийн иргэдэд хэвтэн эмчлүүлэх тусламж үзүүлэх.",
                 "Provides hospital care to the residents of {en} district.", (1960, 1995)),
}  # fmt: skip
# The persona director's school runs itself, under Arkhangai's education department.
PERSONA_SCHOOL = {
    "parent_key": "education-dept-65",
    "mission_mn": "Хүүхэд бүрт чанартай ерөнхий боловсрол олгох.",
    "mission_en": "Gives every child a good general education.",
    "year_founded": 1923,
    "size": S.MEDIUM,
}

# The persona CSO monitors three schools of Tsetserleg and the main facilities of Battsengel:
# (unit code, slot) of the facilities it covers.
PERSONA_MONITORED = (
    (PERSONA_SCHOOL_UNIT, "general_school-1"),
    (PERSONA_SCHOOL_UNIT, "general_school-2"),
    (PERSONA_SCHOOL_UNIT, "general_school-3"),
    ("6504", "soum_health_centre-1"),
    ("6504", "general_school-1"),
    ("6504", "kindergarten-1"),
)
# Named CSOs ("ТББ"/"NGO" is added to the names): (key, name_mn, name_en, home, covers, theme tag,
# monitors the persona facilities).
CURATED_CSOS = (
    ("cso-khangai-oversight", "Хангайн иргэний хяналтын төв", "Khangai Citizens' Oversight Centre", "65", ("65",),
     "oversight", True),
    ("cso-citizens-for-health", "Эрүүл мэндийн төлөө иргэд", "Citizens for Health", CAPITAL_CODE, NATION, "health",
     False),
    ("cso-parents-for-education", "Боловсролын төлөө эцэг эхчүүд", "Parents for Education", CAPITAL_CODE, NATION,
     "education", False),
    ("cso-open-budget", "Ил тод төсөв", "Open Budget", CAPITAL_CODE, NATION, "oversight", False),
    ("cso-procurement-transparency", "Худалдан авалтын ил тод байдлын төв", "Procurement Transparency Centre",
     CAPITAL_CODE, NATION, "oversight", False),
    ("cso-youth-participation", "Залуучуудын оролцооны төв", "Youth Participation Centre", CAPITAL_CODE, NATION,
     "youth", False),
    ("cso-student-volunteers", "Оюутны сайн дурынхны холбоо", "Student Volunteers' Association", CAPITAL_CODE,
     NATION, "youth", False),
    ("cso-child-rights", "Хүүхдийн эрхийн төлөө төв", "Centre for Child Rights", CAPITAL_CODE, NATION, "children",
     False),
    ("cso-disability-rights", "Хөгжлийн бэрхшээлтэй иргэдийн эрхийн холбоо", "Disability Rights Association",
     CAPITAL_CODE, NATION, "disability", False),
    ("cso-khovsgol-women", "Хөвсгөлийн эмэгтэйчүүдийн холбоо", "Khövsgöl Women's Association", "67", ("67",),
     "women", False),
    ("cso-gobi-development", "Говийн хөгжлийн сан", "Gobi Development Foundation", "46", ("46",), "oversight", False),
    ("cso-herder-health", "Малчин өрхийн эрүүл мэндийн холбоо", "Herder Household Health Association", "62",
     ("62",), "health", False),
    ("cso-west-human-rights", "Баруун бүсийн хүний эрхийн төв", "Western Region Human Rights Centre", "84", ("84",),
     "oversight", False),
    ("cso-selenge-civic", "Сэлэнгийн иргэний оролцооны төв", "Selenge Civic Participation Centre", "43", ("43",),
     "oversight", False),
    ("cso-dornod-youth", "Дорнодын залуучуудын холбоо", "Dornod Youth Association", "21", ("21",), "youth", False),
)  # fmt: skip

# The national network; its member networks are the regional networks (REGIONS) and the thematic
# ones below; its subnetworks gather CSOs by theme.
NATIONAL_NETWORK = {
    "key": "network-psa",
    "name_mn": "Нийгмийн хариуцлагын түншлэл",
    "name_en": "Partnership for Social Accountability",
    "short_mn": "НХТ",
    "short_en": "PSA",
    "mission_mn": "Иргэний нийгмийн байгууллагуудыг нэгтгэж, төрийн үйлчилгээнд нийгмийн хариуцлагыг бэхжүүлэх.",
    "mission_en": "Brings civil society organisations together to strengthen social accountability in public services.",
    "year_founded": 2013,
}
# Regional networks: ``{mn}``/``{en}`` is the region's name in REGIONS; founded between 2014 and 2019.
REGIONAL_NETWORK = (
    "{mn} иргэний нийгмийн сүлжээ",
    "{en} Civil Society Network",
    "Бүс нутгийн иргэний нийгмийн байгууллагуудын хяналт, суралцах үйл ажиллагааг уялдуулах.",
    "Coordinates monitoring and learning among the civil society organisations of the region.",
)
# (key, name_mn, name_en, sectors, theme of the mission, theme tags of its member CSOs);
# founded between 2010 and 2018.
THEMATIC_NETWORKS = (
    ("network-health", "Эрүүл мэндийн төлөө иргэний нийгмийн сүлжээ", "Civil Society Network for Health",
     ("health",), "health", {"health", "women", "disability"}),
    ("network-education", "Боловсролын төлөө иргэний нийгмийн эвсэл", "Civil Society Coalition for Education",
     ("education",), "education", {"education", "children"}),
    ("network-child-protection", "Хүүхэд хамгааллын сүлжээ", "Child Protection Network", BOTH, "children",
     {"children", "youth"}),
)  # fmt: skip
# (key, name_mn, name_en, mission_mn, mission_en, theme tags of its member CSOs); founded between
# 2018 and 2023.
SUBNETWORKS = (
    ("subnetwork-procurement", "Худалдан авалтын хяналтын дэд сүлжээ", "Procurement Monitoring Subnetwork",
     "Эрүүл мэнд, боловсролын худалдан авалт, гэрээний хэрэгжилтийг иргэдийн оролцоотой хянах.",
     "Monitors health and education procurement and contracts with citizens.", {"oversight"}),
    ("subnetwork-youth", "Залуучуудын дэд сүлжээ", "Youth Subnetwork",
     "Залуучуудын оролцоотой нийгмийн хариуцлагын үйл ажиллагааг өрнүүлэх.",
     "Grows social accountability work led by young people.", {"youth"}),
)  # fmt: skip


# --------------------------------------------------------------------------------------------
# Personas
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Persona:
    """A demo login for one persona of docs/design.md section 2."""

    key: str
    label: str  # the persona, in English (command output and docs)
    email: str
    full_name: str
    phone: str = ""
    role: str = ""  # Role value; empty for the citizen and the platform admin
    org_key: str = ""
    title: str = ""
    capability: str = ""  # a capability the persona must have (tests, docs)
    is_admin: bool = False
    language: str = "mn"


PERSONAS = (
    Persona("citizen", "citizen", demo_email("citizen"), "Ганбаатар Сарнай", phone="+97699110101"),
    Persona("monitor", "CSO monitor / facilitator", demo_email("monitor"), "Дамдин Оюунчимэг",
            phone="+97688110202", role=Role.MONITOR, org_key="cso-khangai-oversight",
            title="Хяналт-шинжилгээний ажилтан", capability=Capability.RUN_SCORECARDS),
    Persona("director", "service-provider staff (school director)", demo_email("director"), "Цэрэндорж Батбаяр",
            phone="+97695110303", role=Role.PROVIDER_STAFF, org_key=PERSONA_SCHOOL_KEY, title="Сургуулийн захирал",
            capability=Capability.HANDLE_FEEDBACK),
    Persona("officer", "local government officer (Arkhangai education department)", demo_email("officer"),
            "Лхагва Энхтуяа", phone="+97680110404", role=Role.CASE_MANAGER, org_key="education-dept-65",
            title="Ерөнхий боловсролын асуудал хариуцсан мэргэжилтэн",
            capability=Capability.VIEW_REPORTER_IDENTITY),
    Persona("ministry", "ministry / agency officer (Ministry of Education)", demo_email("ministry"),
            "Жамсран Төмөрбаатар", role=Role.OFFICER, org_key="ministry-education",
            title="Мэдээлэл, хяналтын хэлтсийн мэргэжилтэн", capability=Capability.PUBLISH),
    Persona("coordinator", "MSG coordinator", demo_email("coordinator"), "Пүрэв Нармандах", phone="+97694221133",
            role=Role.COORDINATOR, org_key="cso-khangai-oversight", title="Олон талт бүлгийн зохицуулагч",
            capability=Capability.COORDINATE_GROUPS),
    Persona("network", "network admin", demo_email("network"), "Сүхбат Ариунаа", role=Role.NETWORK_ADMIN,
            org_key="network-psa", title="Түншлэлийн зохицуулагч", capability=Capability.MANAGE_NETWORK),
    Persona("analyst", "M&E officer / donor", demo_email("analyst"), "Мөнх-Очир Солонго", role=Role.ANALYST,
            org_key="donor-sa-programme", title="Хяналт-үнэлгээний ажилтан",
            capability=Capability.VIEW_STATISTICS, language="en"),
    Persona("admin", "platform admin", demo_email("admin"), "Эрдэнэ Бат-Эрдэнэ", is_admin=True,
            capability=Capability.MANAGE_MEMBERS),
)  # fmt: skip


# --------------------------------------------------------------------------------------------
# Feedback
# --------------------------------------------------------------------------------------------

# (category code, texts) — Mongolian as citizens write it, some typed in Latin letters on a phone.
TEXTS = {
    "edu-meals": [
        "Үдийн цайны хоол хүйтэн, хүүхдүүдэд хүрэлцэхгүй байна.",
        "Хоолонд мах бараг байхгүй, зөвхөн гурил. Хүүхдүүд өлсөж байна.",
        "udiin tsainii hool huiten baina, huuhed idehgui bna",
    ],
    "edu-payments": [
        "Ангийн багш сар бүр ангийн сан гэж 20000 төгрөг авч байна. Баримт өгдөггүй.",
        "Сургуульд элсүүлэхийн тулд хандив өг гэж шаардсан.",
    ],
    "edu-building": [
        "Ангийн танхим хүйтэн, цонх хагарсан. Хүүхдүүд хүрэмтэй сууж байна.",
        "Бие засах газар гадаа, хүүхдүүд өвөл хүйтэнд гарч байна. Ариун цэврийн өрөө хэрэгтэй.",
        "angi hyitun, halaalt ajillahgui bna",
    ],
    "edu-teacher-conduct": [
        "Багш хүүхдийг бусдын өмнө доромжилж, загнадаг.",
        "Багш хичээлдээ байнга хоцорч ирдэг, хичээл орохгүй байх нь олон.",
    ],
    "edu-enrolment": [
        "Цэцэрлэгт орох дараалал хэт урт, хоёр жил хүлээж байна.",
        "Хорооны цэцэрлэгт хүүхэд авахгүй байна, өөр газар явуулах боломжгүй.",
    ],
    "edu-dormitory": ["Дотуур байрны өрөөнд 8 хүүхэд амьдарч байна, ор хүрэлцэхгүй."],
    "edu-textbooks": ["Сурах бичиг хүрэлцэхгүй, гурван хүүхэд нэг номоор хичээллэж байна."],
    "health-waiting": [
        "Эмчид үзүүлэх дараалал өглөө 6 цагаас эхэлдэг, 4 цаг хүлээсэн.",
        "Цаг авах утас хэн ч авдаггүй.",
        "emchid uzuuleh gesen 3 tsag huleesen",
    ],
    "health-medicines": [
        "Хөнгөлөлттэй эм эмийн санд байхгүй гэсэн. Даатгалын эм авч чадсангүй.",
        "Сумын эмнэлэгт даралтын эм дууссан.",
    ],
    "health-staff-conduct": [
        "Сувилагч ээжтэй бүдүүлэг харьцсан.",
        "Эмч өвчтөний асуултад хариулахгүй, яаруулж гаргасан.",
    ],
    "health-payments": ["Төрөх үед эмчид мөнгө өгөхийг шаардсан."],
    "health-building": ["Эмнэлгийн бие засах газар ашиглах боломжгүй бохир байна."],
    "health-quality": ["Хүүхдийн оношийг буруу тавьж, дахин хот руу явуулсан."],
}
RESPONSES = [
    "Асуудлыг шалгаж, холбогдох ажилтанд сануулга өгсөн. Давтагдвал дахин мэдэгдэнэ үү.",
    "Шаардлагатай хөрөнгийг энэ улирлын төсөвт тусгаж, засвар хийгдэж дууссан.",
    "Хуваарийг өөрчилж, нэмэлт ажилтан томилсон.",
    "Эм хангамжийг нөхөж, эмийн санд нийлүүлсэн.",
]
# The state each demo item is moved to: (share of the items, outcome).
FEEDBACK_OUTCOMES = (
    (0.30, "resolved"),
    (0.08, "no_further_action"),
    (0.16, "in_progress"),
    (0.10, "acknowledged"),
    (0.20, "received"),
    (0.05, "action_scheduled"),
    (0.04, "extended"),
    (0.04, "referred"),
    (0.03, "duplicate"),
)
