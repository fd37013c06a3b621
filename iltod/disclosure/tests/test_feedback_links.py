"""A feedback item made from a dispute or a project report shows a panel linking back to it, and
the dispute's and the report's pages show the item's status."""

import datetime
from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from iltod.disclosure.models import FacilityValue
from iltod.disclosure.services import facility_data as services
from iltod.disclosure.services import projects as project_services
from iltod.feedback import services as feedback_services
from iltod.feedback.models import Feedback

from .money_fixtures import money  # noqa: F401

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 6, 15, 10, 0, tzinfo=datetime.UTC)
PANEL = 'id="disclosure-source-h"'


@pytest.fixture(autouse=True)
def _frozen(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def dispute(personas):
    services.publish_values(personas.school, "2025", {"textbooks": "600"}, actor=personas.provider)
    value = FacilityValue.objects.get(indicator__code="textbooks")
    return services.check_value(
        value, verdict="dispute", observed_value=Decimal("150"), comment="Хуучин ном", user=personas.citizen
    )


def page(client, feedback):
    return client.get(reverse("feedback:public_detail", args=[feedback.tracking_code])).content.decode()


def test_the_item_of_a_dispute_links_back_to_the_figure(client, personas, dispute):
    feedback = dispute.feedback
    assert feedback.attributes == {"facility_value": dispute.value.code, "value_check": dispute.code}
    html = page(client, feedback)
    assert PANEL in html
    assert reverse("disclosure:facility_value", args=[dispute.value.code]) in html
    assert "150" not in html.split(PANEL)[1]  # what the citizen saw is public once the check is moderated
    services.moderate_check(dispute, actor=personas.officer, publish=True)
    html = page(client, feedback)
    panel = html.split(PANEL)[1]
    assert "150" in panel


def test_the_case_page_shows_the_figure_before_moderation(client, personas, dispute):
    client.force_login(personas.admin)
    response = client.get(reverse("feedback:staff_detail", args=[dispute.feedback.tracking_code]))
    assert response.status_code == 200
    html = response.content.decode()
    assert PANEL in html and "150" in html.split(PANEL)[1]


def test_the_figure_shows_the_status_of_its_feedback_item(client, personas, dispute):
    feedback = dispute.feedback
    services.moderate_check(dispute, actor=personas.officer, publish=True)
    url = reverse("disclosure:facility_value", args=[dispute.value.code])
    html = client.get(url).content.decode()
    assert feedback.tracking_code in html and f"status-{feedback.status}" in html
    Feedback.objects.filter(pk=feedback.pk).update(status=Feedback.Status.RESOLVED)
    assert "status-resolved" in client.get(url).content.decode()


def test_other_feedback_shows_no_panel(client, personas):
    from iltod.feedback.models import Category, Kind

    feedback, _ = feedback_services.store_feedback(
        feedback_services.Submission(
            kind=Kind.COMPLAINT,
            category=Category.objects.filter(is_active=True).first(),
            description="Хаалга эвдэрсэн",
            service_unit=personas.school,
            attributes={"value_check": 12},  # not a code: ignored, never an error
        )
    )
    assert PANEL not in page(client, feedback)


def test_the_item_of_a_project_report_links_back_to_the_project(client, personas, money):  # noqa: F811
    report = project_services.submit_report(
        money.project,
        data={
            "visited_on": date(2026, 6, 1),
            "progress_seen": 10,
            "rating": 2,
            "problems": "Ажил зогссон",
            "comment": "",
            "name": "Бат",
        },
        user=personas.citizen,
    )
    feedback = report.feedback
    html = page(client, feedback)
    panel = html.split(PANEL)[1]
    assert money.project.get_absolute_url() in panel and f"#report-{report.code}" not in panel
    project_services.moderate_report(report, actor=money.governor_officer, publish=True)
    panel = page(client, feedback).split(PANEL)[1]
    assert f"{money.project.get_absolute_url()}#report-{report.code}" in panel
    # and the project page shows the item's status next to the report
    project_page = client.get(money.project.get_absolute_url()).content.decode()
    assert f'id="report-{report.code}"' in project_page
    assert feedback.tracking_code in project_page and f"status-{feedback.status}" in project_page
