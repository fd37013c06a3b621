"""Social accountability projects: the public list and page, creating and editing one."""

import datetime

from django.urls import reverse

from iltod.accounts.services import events_for
from iltod.engagement import services
from iltod.engagement.models import Project

from .helpers_groups import client_for


def make_project(personas, **fields) -> Project:
    data = {
        "actor": personas.coordinator,
        "organization": personas.cso,
        "title": "Сургуулийн иргэний оноон хуудас",
        "tool": Project.Tool.SCORECARD,
        "objectives": "Сургуулийн үйлчилгээг сайжруулах",
    }
    return services.create_project(**(data | fields))


def test_the_project_list_shows_public_projects_and_filters_by_tool(personas, django_assert_max_num_queries):
    scorecard = make_project(personas)
    audit = make_project(personas, title="Нийгмийн аудит", tool=Project.Tool.SOCIAL_AUDIT)
    hidden = make_project(personas, title="Дотоод төсөл", is_public=False)
    for n in range(22):
        make_project(personas, title=f"Төсөл {n:02}", tool=Project.Tool.PETS)
    anonymous = client_for(personas, "anonymous")
    with django_assert_max_num_queries(6):
        response = anonymous.get(reverse("engagement:project_list"))
    assert response.context["page"].paginator.count == 24
    assert len(response.context["page"]) == 20
    filtered = anonymous.get(reverse("engagement:project_list"), {"tool": "social_audit"})
    assert [p.title for p in filtered.context["page"]] == [audit.title]
    assert hidden.title not in anonymous.get(reverse("engagement:project_list"), {"page": 2}).content.decode()
    own = client_for(personas, "coordinator").get(reverse("engagement:project_list"), {"tool": "scorecard"})
    assert {p.title for p in own.context["page"]} == {scorecard.title, hidden.title}
    assert anonymous.get(reverse("engagement:project_list"), {"tool": "nonsense"}).status_code == 200


def test_the_project_page_links_groups_issues_and_facilities(personas, group):
    issue = services.create_issue(actor=personas.coordinator, group=group, title="Хоол")
    private_issue = services.create_issue(actor=personas.coordinator, group=group, title="Нууц", is_public=False)
    project = make_project(
        personas,
        groups=[group],
        issues=[issue, private_issue],
        facilities=[personas.school],
        partners=[personas.network],
        budget=12_500_000,
        starts_on=datetime.date(2026, 1, 1),
        ends_on=datetime.date(2026, 12, 31),
        results="Хоолны чанар сайжирсан",
        lessons="Эцэг эхийн оролцоо чухал",
    )
    response = client_for(personas, "anonymous").get(project.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    for text in (group.name, "Хоол", personas.school.name, personas.network.name, "12,500,000", "Хоолны чанар"):
        assert text in html
    assert "Нууц" not in html
    assert "Нууц" in client_for(personas, "monitor").get(project.get_absolute_url()).content.decode()


def test_a_project_that_is_not_public_is_seen_by_its_organisations_coordinators_only(personas):
    project = make_project(personas, is_public=False)
    assert client_for(personas, "anonymous").get(project.get_absolute_url()).status_code == 404
    assert client_for(personas, "monitor").get(project.get_absolute_url()).status_code == 404
    assert client_for(personas, "coordinator").get(project.get_absolute_url()).status_code == 200


def test_a_coordinator_creates_and_edits_a_project(personas, group):
    client = client_for(personas, "coordinator")
    response = client.post(
        reverse("engagement:project_create"),
        {
            "title": "Худалдан авалтын хяналт",
            "organization": personas.cso.pk,
            "tool": Project.Tool.PROCUREMENT,
            "status": Project.Status.ONGOING,
            "currency": "MNT",
            "budget": "3000000",
            "starts_on": "2026-02-01",
            "ends_on": "2026-11-30",
            "groups": [group.pk],
            "facility_codes": f"{personas.school.code}, {personas.clinic.code}",
            "partners": [personas.network.pk],
            "is_public": "on",
        },
    )
    project = Project.objects.get(title="Худалдан авалтын хяналт")
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    assert set(project.facilities.all()) == {personas.school, personas.clinic}
    assert list(project.groups.all()) == [group]
    edit = reverse("engagement:project_edit", args=[project.code])
    base = {"title": project.title, "organization": personas.cso.pk, "tool": "procurement", "currency": "MNT",
            "status": "completed", "starts_on": "2026-02-01", "ends_on": "2026-11-30", "is_public": "on",
            "results": "Гэрээний 3 зөрчил илэрсэн"}  # fmt: skip
    bad = client.post(edit, base | {"ends_on": "2025-01-01"})
    assert bad.status_code == 200 and "ends_on" in bad.context["form"].errors
    unknown = client.post(edit, base | {"facility_codes": "NOPE"})
    assert "facility_codes" in unknown.context["form"].errors
    assert client.post(edit, base).status_code == 302
    project.refresh_from_db()
    assert project.status == "completed" and project.facilities.count() == 0
    event = events_for(project).filter(action="engagement.project_updated").get()
    assert event.data["status"] == ["ongoing", "completed"]
    assert event.data["facilities"][1] == []


def test_a_project_cannot_be_led_by_an_organisation_the_user_does_not_coordinate_for(personas):
    response = client_for(personas, "coordinator").post(
        reverse("engagement:project_create"),
        {"title": "Төсөл", "organization": personas.other_dept.pk, "tool": "other", "status": "planned",
         "currency": "MNT"},
    )  # fmt: skip
    assert response.status_code == 200 and "organization" in response.context["form"].errors
    assert client_for(personas, "monitor").get(reverse("engagement:project_create")).status_code == 404
