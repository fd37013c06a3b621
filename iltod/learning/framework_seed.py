"""The social accountability competency framework the platform proposes, for the network to adapt.

Built on ANSA-EAP's four pillars (organised and capable citizen groups, responsive government,
access to information, context and culture sensitivity). Each area: (pillar, Mongolian, English,
competencies); each competency: (code, Mongolian, English, what a person at level 3, independent
practice, can be seen doing in Mongolian and English). ``ROLE_FOCUS`` says which areas each role
needs at level 3; the others at level 2 (a volunteer: level 2 everywhere, a coordinator: 3)."""

AREAS = (
    ("context", "Нийгмийн хариуцлагын үзэл баримтлал, бүтээлч оролцоо",
     "Concepts and constructive engagement", (
        ("1.1", "Нийгмийн хариуцлагын үзэл баримтлалыг тайлбарлах", "Explaining social accountability",
         "Нийгмийн хариуцлагыг жишээгээр тайлбарлаж, эсэргүүцэл биш хамтын ажиллагаа гэдгийг харуулдаг.",
         "Explains social accountability with examples and shows it as cooperation, not confrontation."),
        ("1.2", "Бүтээлч оролцооны зарчмыг баримтлах", "Practising constructive engagement",
         "Төрийн албан хаагчидтай хүндэтгэлтэй, нотолгоонд тулгуурлан харилцдаг.",
         "Talks with officials respectfully and from evidence."),
    )),
    ("context", "Нөхцөл байдлын шинжилгээ, суурь судалгаа", "Context analysis and stocktaking", (
        ("2.1", "Оролцогч талуудын шинжилгээ хийх", "Mapping stakeholders",
         "Шийдвэр гаргагч, нөлөөлөгч, үйлчилгээ хүртэгчдийг тодорхойлж зураглал гаргадаг.",
         "Maps decision makers, influencers and service users for an issue."),
        ("2.2", "Эрх зүйн орчин, төсвийн мөчлөгийг ойлгох", "Understanding laws and the budget cycle",
         "Орон нутгийн төсөв, үйлчилгээний стандартыг ямар хуулиар зохицуулдгийг олж тайлбарладаг.",
         "Finds and explains the laws and standards behind a local service and its budget."),
    )),
    ("information", "Мэдээлэл авах, ашиглах (төсөв, худалдан авалт, байгууллагын мэдээлэл)",
     "Access to and use of information (budgets, procurement, facility data)", (
        ("3.1", "Мэдээлэл хүсэх, олж авах", "Requesting and finding information",
         "Шилэн данс, худалдан авалтын систем, мэдээлэл хүсэх хүсэлтээр баримт олж авдаг.",
         "Obtains documents from the Glass Account, the procurement system or by an information request."),
        ("3.2", "Төсөв, худалдан авалтын мэдээлэлд дүн шинжилгээ хийх", "Analysing budget and procurement data",
         "Төсөв, гэрээний тоон мэдээллийг харьцуулж, зөрүүг илрүүлдэг.",
         "Compares budget and contract figures and spots discrepancies."),
    )),
    ("citizens", "Нийгмийн хариуцлагын арга хэрэгсэл", "The social accountability tools", (
        ("4.1", "Иргэдийн үнэлгээний карт", "Community score cards",
         "Иргэдийн үнэлгээний картын бүх үе шатыг чиглүүлж, харилцан ярилцлагын уулзалт зохион байгуулдаг.",
         "Facilitates every stage of a community score card up to the interface meeting."),
        ("4.2", "Иргэдийн тайлан карт, нийгмийн аудит", "Citizen report cards and social audit",
         "Судалгааны асуулга боловсруулж, түүвэр сонгон, үр дүнг нэгтгэдэг.",
         "Designs a survey, chooses a sample and summarises the results."),
        ("4.3", "Зардлын хяналт (PETS), оролцооны төсөвлөлт", "PETS and participatory budgeting",
         "Хөрөнгийн урсгалыг шат дамжлагаар нь мөрдөж, алдагдлыг баримтжуулдаг.",
         "Follows funds through each level and documents leakages."),
        ("4.4", "Худалдан авалтын хяналт", "Procurement monitoring",
         "Тендер, гэрээний хэрэгжилтийг улаан тугийн шалгуураар хянаж, хэргийг бүртгэдэг.",
         "Checks tenders and contract delivery against red flags and opens monitoring cases."),
    )),
    ("government", "Төртэй хамтран ажиллах, олон талт оролцоо",
     "Engaging government and multi-stakeholder processes", (
        ("5.1", "Олон талт бүлгийг зохион байгуулах", "Convening multi-stakeholder groups",
         "Олон талт бүлгийн уулзалтыг бэлтгэж, шийдвэрийг хамтын төлөвлөгөөнд буулгадаг.",
         "Prepares multi-stakeholder meetings and turns decisions into a joint action plan."),
        ("5.2", "Хамтын төлөвлөгөөний хэрэгжилтийг дагах", "Following up joint action plans",
         "Хариуцагчтай тогтмол холбогдож, явцыг нотолгоотой тэмдэглэдэг.",
         "Follows up with those responsible and records progress with evidence."),
    )),
    ("citizens", "Иргэдийн бүлгийг зохион байгуулах, хүртээмж", "Organising citizen groups with inclusion", (
        ("6.1", "Иргэдийг дайчлах", "Mobilising citizens",
         "Эмэгтэйчүүд, залуучууд, хөгжлийн бэрхшээлтэй иргэд, малчдыг оролцуулах арга хэрэглэдэг.",
         "Uses ways to bring in women, young people, people with disabilities and herders."),
        ("6.2", "Хэлэлцүүлэг чиглүүлэх", "Facilitating discussions",
         "Бүлгийн ярилцлагыг бүх хүн дуу хоолойгоо хүргэхээр чиглүүлдэг.",
         "Runs group discussions where everyone is heard."),
    )),
    ("government", "Нөлөөллийн ажил, харилцаа холбоо, хэвлэл мэдээлэл", "Advocacy, communication and media", (
        ("7.1", "Нотолгоонд суурилсан нөлөөллийн ажил", "Evidence-based advocacy",
         "Үр дүнг бодлогын зөвлөмж болгон шийдвэр гаргагчдад хүргэдэг.",
         "Turns findings into policy recommendations and brings them to decision makers."),
        ("7.2", "Хэвлэл мэдээлэл, нийгмийн сүлжээ", "Media and social media",
         "Үр дүнг олон нийтэд ойлгомжтой, хүндэтгэлтэй хэлбэрээр түгээдэг.",
         "Shares results with the public clearly and respectfully."),
    )),
    ("context", "Хяналт-үнэлгээ, суралцахуй, баримтжуулалт", "Monitoring, learning and documentation", (
        ("8.1", "Өөрчлөлтийг хэмжих", "Measuring change",
         "Суурь болон давтан үнэлгээгээр өөрчлөлтийг харьцуулдаг.",
         "Compares baseline and follow-up to show change."),
        ("8.2", "Сургамжийг баримтжуулах", "Documenting lessons",
         "Юу болсон, яагаад болсныг товч тэмдэглэж, сүлжээнд хуваалцдаг.",
         "Writes down what worked and why, and shares it with the network."),
    )),
    ("citizens", "Сүлжээ, байгууллагын тогтвортой байдал", "Network and organisational sustainability", (
        ("9.1", "Нөөц бүрдүүлэх", "Raising resources",
         "Санхүүжүүлэгчдийн шаардлагад нийцсэн төслийн санал бичдэг.",
         "Writes proposals that meet funders' requirements."),
        ("9.2", "Сайн засаглал", "Good governance",
         "Гишүүддээ тайлагнаж, шийдвэрийг ил тод гаргадаг.",
         "Reports to members and takes decisions openly."),
    )),
)  # fmt: skip

# The level-1, 2 and 4 statements follow one pattern for every competency; the network rewrites
# them where it wants to.
LEVEL_PATTERNS = {
    1: (
        "«{mn}»-ийн талаар сонссон, ач холбогдлыг нь ойлгодог.",
        "Has heard of {en_lower} and understands why it matters.",
    ),
    2: ("«{mn}»-ийг бусдын удирдлага дор хэрэгжүүлж байсан.", "Has practised {en_lower} under guidance."),
    4: ("«{mn}»-ийг бусдад зааж, зөвлөж чаддаг.", "Teaches and coaches others in {en_lower}."),
}

# Areas (1-based) each role needs at level 3.
ROLE_FOCUS = {
    "leader": {1, 5, 7, 9},
    "coordinator": {1, 2, 3, 4, 5, 6, 7, 8, 9},
    "monitor": {2, 3, 4, 6},
    "communication": {1, 7, 8},
    "volunteer": set(),
}
