"""Small builders for the tests of groups, meetings, issues and projects."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from iltod.core.testing.files import pdf_bytes
from iltod.engagement import services
from iltod.engagement.models import GroupMember, Meeting, Sex, StakeholderType

PERSONAS = ["anonymous", "citizen", "provider", "other_officer", "monitor", "coordinator", "admin"]


def client_for(personas, persona: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    if persona != "anonymous":
        client.force_login(getattr(personas, persona))
    return client


def add_members(group, actor, specs):
    """``specs``: (name, stakeholder type, sex) triples; returns the members."""
    return [
        services.add_member(actor=actor, group=group, person_name=name, stakeholder_type=kind, sex=sex)
        for name, kind, sex in specs
    ]


def held_meeting(group, actor, **fields) -> Meeting:
    defaults = {
        "title": "Улирлын хурал",
        "held_on": datetime.date(2026, 3, 12),
        "status": Meeting.Status.HELD,
        "venue": "Аймгийн ЗДТГ, 2-р давхар",
        "agenda": "Өмнөх шийдвэрийн биелэлт\nЭрүүл мэндийн асуудал\nБусад",
        "minutes": "Хурлын тэмдэглэл: дотоод мэдээлэл",
        "decisions": "Сургуулийн халаалтыг шалгах",
    }
    return services.create_meeting(actor=actor, group=group, **(defaults | fields))


SOME_MEMBERS = [
    ("Бат Болд", StakeholderType.GOVERNORS_OFFICE, Sex.MALE),
    ("Сарнай Дорж", StakeholderType.CITIZEN, Sex.FEMALE),
    ("Оюун Ганбат", StakeholderType.CITIZEN, Sex.FEMALE),
    ("Энх Төр", StakeholderType.MEDIA, Sex.MALE),
]


def png(size=(8, 8)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("minutes.pdf", pdf_bytes(), "application/pdf")


def current(group):
    return GroupMember.objects.current().filter(group=group)
