"""Seed a fault-test database: the test personas (a school and the offices that handle its
feedback) and what a client needs to submit. Prints one line of JSON."""

import json

import django

django.setup()

from iltod.core import testing  # noqa: E402
from iltod.feedback.models import Category  # noqa: E402
from iltod.feedback.tests.test_kobo_channel import submission  # noqa: E402

personas = testing.make_personas()
category = Category.objects.get(code="edu-meals")
print(
    json.dumps(
        {
            "facility": personas.school.code,
            "category": category.pk,
            "kobo_submission": submission(personas, description="fault test: the same KoBo submission five times"),
        },
        ensure_ascii=False,
    )
)
