"""A target or an actual names its period by id, as typed in a form or an API body: anything that
is not one of the framework's periods is a translated error, never a crash."""

import pytest
from django.core.exceptions import ValidationError

from iltod.results.example import seed_example_framework
from iltod.results.models import Framework
from iltod.results.services import find_period

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("period_id", ["²", "9" * 40, "", None, "-3", 10**9])
def test_a_period_that_does_not_exist_is_a_clear_error(period_id):
    seed_example_framework()
    framework = Framework.objects.get(code="masam")
    with pytest.raises(ValidationError) as error:
        find_period(framework, period_id)
    assert "period" in error.value.message_dict


def test_a_period_of_the_framework_is_found_by_its_id_as_text():
    seed_example_framework()
    framework = Framework.objects.get(code="masam")
    period = framework.periods.first()
    assert find_period(framework, str(period.pk)) == period
