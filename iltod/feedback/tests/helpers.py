"""Small builders shared by the feedback tests. Every value a test depends on is passed in."""

from datetime import datetime
from zoneinfo import ZoneInfo

from iltod.feedback import services
from iltod.feedback.models import Category, Feedback

UB = ZoneInfo("Asia/Ulaanbaatar")

# A Tuesday in 2026, far from any public holiday.
TUESDAY = datetime(2026, 9, 8, 10, 0, tzinfo=UB)

MEALS_TEXT = "Үдийн цай хүйтэн, хоол хангалтгүй байна. Хүүхдүүд өлсөж байна."


def at(year, month, day, hour=10, minute=0) -> datetime:
    """An aware datetime in Ulaanbaatar."""
    return datetime(year, month, day, hour, minute, tzinfo=UB)


def category(code: str) -> Category:
    return Category.objects.get(code=code)


def form_data(personas, **overrides) -> dict:
    """What a browser posts to the public form: a named-hidden complaint about the school's meals."""
    data = {
        "facility": personas.school.code,
        "kind": "complaint",
        "category": str(category("edu-meals").pk),
        "description": "Үдийн цай хүйтэн, хоол хангалтгүй байна.",
        "privacy": Feedback.Privacy.NAME_HIDDEN,
        "name": "Бат",
        "phone": "9911 2233",
        "email": "",
        "website": "",
    }
    data.update(overrides)
    return data


def submit(personas, **fields) -> Feedback:
    """A complaint about school meals at the Battsengel school unless told otherwise."""
    data = {
        "kind": "complaint",
        "category": category("edu-meals"),
        "description": MEALS_TEXT,
        "service_unit": personas.school,
    }
    data.update(fields)
    feedback, _created = services.submit_feedback(services.Submission(**data))
    return feedback


def reload(feedback: Feedback) -> Feedback:
    return Feedback.objects.get(pk=feedback.pk)
