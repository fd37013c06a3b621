"""Groups: the public list and page, my groups, creating and editing a group, its members."""

import datetime

from django.urls import reverse

from iltod.accounts.services import events_for
from iltod.core.testing import sector
from iltod.engagement import services
from iltod.engagement.models import Group, GroupMember, Sex, StakeholderType

from .helpers_groups import SOME_MEMBERS, add_members, client_for


def test_the_group_list_shows_public_groups_and_filters_by_aimag_and_sector(
    personas, group, django_assert_max_num_queries
):
    khovd = services.create_group(
        actor=personas.admin,
        name="Ховд аймгийн олон талт бүлэг",
        admin_unit=personas.geo.other_aimag,
        sectors=[sector("health")],
    )
    services.create_group(actor=personas.admin, name="Нууц бүлэг", admin_unit=personas.geo.aimag, is_public=False)
    client = client_for(personas, "anonymous")
    with django_assert_max_num_queries(8):
        response = client.get(reverse("engagement:group_list"))
    names = [g.name for g in response.context["page"]]
    assert names == [group.name, khovd.name]
    response = client.get(reverse("engagement:group_list"), {"area": personas.geo.other_aimag.code})
    assert [g.name for g in response.context["page"]] == [khovd.name]
    response = client.get(reverse("engagement:group_list"), {"sector": "education"})
    assert [g.name for g in response.context["page"]] == [group.name]


def test_the_group_list_paginates_with_a_constant_number_of_queries(personas, django_assert_max_num_queries):
    for n in range(25):
        services.create_group(
            actor=personas.admin, name=f"Бүлэг {n:02}", admin_unit=personas.geo.aimag, sectors=[sector("health")]
        )
    client = client_for(personas, "anonymous")
    with django_assert_max_num_queries(8):
        first = client.get(reverse("engagement:group_list"))
    assert len(first.context["page"]) == 20
    second = client.get(reverse("engagement:group_list"), {"page": 2})
    assert len(second.context["page"]) == 5
    assert client.get(reverse("engagement:group_list"), {"page": "x", "area": "nowhere"}).status_code == 200


def test_the_public_group_page_counts_members_without_showing_their_contacts(personas, group):
    add_members(group, personas.coordinator, SOME_MEMBERS)
    services.add_member(
        actor=personas.coordinator,
        group=group,
        person_name="Хуучин гишүүн",
        stakeholder_type=StakeholderType.KHURAL,
        phone="+97699001122",
        email="secret@example.mn",
        joined_on=datetime.date(2024, 1, 1),
        left_on=datetime.date(2025, 1, 1),
    )
    services.add_member(
        actor=personas.coordinator,
        group=group,
        person_name="Утастай гишүүн",
        stakeholder_type=StakeholderType.ACADEMIA,
        phone="+97688776655",
        email="member@example.mn",
    )
    response = client_for(personas, "anonymous").get(group.get_absolute_url())
    assert response.status_code == 200
    members = response.context["members"]
    assert members.total == 6  # the monitor, four members and the academic; not the one who left
    assert members.by_sex() == {Sex.FEMALE: 3, Sex.MALE: 2, Sex.UNDISCLOSED: 1}
    html = response.content.decode()
    for private in ("+97688776655", "member@example.mn", "Утастай гишүүн", "Сарнай Дорж"):
        assert private not in html
    assert reverse("engagement:member_list", args=[group.code]) not in html


def test_a_group_that_is_not_public_is_found_only_by_its_members(personas, group):
    services.update_group(group, actor=personas.coordinator, is_public=False)
    assert client_for(personas, "anonymous").get(group.get_absolute_url()).status_code == 404
    assert client_for(personas, "citizen").get(group.get_absolute_url()).status_code == 404
    assert client_for(personas, "monitor").get(group.get_absolute_url()).status_code == 200
    assert client_for(personas, "coordinator").get(group.get_absolute_url()).status_code == 200


def test_my_groups_lists_the_groups_a_user_belongs_to_with_their_role(personas, group, django_assert_max_num_queries):
    services.create_group(actor=personas.admin, name="Өөр бүлэг", admin_unit=personas.geo.other_aimag)
    client = client_for(personas, "monitor")
    # session, user, the user's organisations (×3), the navigation's two checks, the count, the page, roles
    with django_assert_max_num_queries(11):
        response = client.get(reverse("engagement:my_groups"))
    assert [g.name for g in response.context["page"]] == [group.name]
    assert "member" in response.content.decode()
    coordinator = client_for(personas, "coordinator").get(reverse("engagement:my_groups"))
    assert [g.name for g in coordinator.context["page"]] == [group.name]
    assert group.pk in coordinator.context["coordinated"]
    citizen = client_for(personas, "citizen").get(reverse("engagement:my_groups"))
    assert citizen.context["page"].paginator.count == 0
    assert client_for(personas, "anonymous").get(reverse("engagement:my_groups")).status_code == 302


def test_a_coordinator_creates_a_group_for_their_organisation(personas):
    client = client_for(personas, "coordinator")
    response = client.post(
        reverse("engagement:group_create"),
        {
            "name_mn": "Батцэнгэл сумын бүлэг",
            "name_en": "Battsengel soum group",
            "admin_unit": personas.geo.soum.code,
            "sectors": [sector("education").pk],
            "convening_organization": personas.cso.pk,
            "is_active": "on",
            "is_public": "on",
        },
    )
    group = Group.objects.get(name_mn="Батцэнгэл сумын бүлэг")
    assert response.status_code == 302 and response["Location"] == group.get_absolute_url()
    assert group.convening_organization == personas.cso and group.name_en == "Battsengel soum group"
    assert [e.action for e in events_for(group)] == ["engagement.group_created"]


def test_a_group_cannot_be_convened_by_an_organisation_the_user_does_not_coordinate_for(personas):
    client = client_for(personas, "coordinator")
    response = client.post(
        reverse("engagement:group_create"),
        {"name_mn": "Бүлэг", "admin_unit": personas.geo.soum.code, "convening_organization": personas.other_dept.pk},
    )
    assert response.status_code == 200
    assert "convening_organization" in response.context["form"].errors
    assert not Group.objects.filter(name_mn="Бүлэг").exists()


def test_a_bad_facility_code_is_a_clear_error(personas):
    response = client_for(personas, "coordinator").post(
        reverse("engagement:group_create"),
        {
            "name_mn": "Бүлэг",
            "admin_unit": personas.geo.soum.code,
            "convening_organization": personas.cso.pk,
            "facility": "NOPE",
        },
    )
    assert response.status_code == 200
    assert "No facility has the code" in str(response.context["form"].errors["facility"])


def test_editing_a_group_records_what_changed(personas, group):
    client = client_for(personas, "coordinator")
    response = client.post(
        reverse("engagement:group_edit", args=[group.code]),
        {
            "name_mn": group.name_mn,
            "name_en": "Arkhangai MSG",
            "admin_unit": group.admin_unit.code,
            "sectors": [sector("health").pk],
            "convening_organization": personas.cso.pk,
            "is_active": "on",
            "is_public": "on",
        },
    )
    assert response.status_code == 302
    event = events_for(group).filter(action="engagement.group_updated").get()
    assert event.actor == personas.coordinator
    assert event.data["name_en"][1] == "Arkhangai MSG"
    assert "description_en" not in event.data  # empty stays empty, whether stored as NULL or as ""
    assert event.data["sectors"][1] == [str(sector("health"))]
    history = client.get(group.get_absolute_url()).context["history"]
    assert [label for _, label, _, _ in history] == ["Group created", "Group details changed"]
    changed = dict(history[1][3])
    assert changed["sectors"] == f"{sector('education')}, {sector('health')} → {sector('health')}"
    assert changed["name [en]"] == "— → Arkhangai MSG"


def test_a_coordinator_adds_a_member_and_records_when_they_left(personas, group):
    client = client_for(personas, "coordinator")
    response = client.post(
        reverse("engagement:member_add", args=[group.code]),
        {
            "person_name": "Дулмаа Баяр",
            "organization": personas.education_dept.pk,
            "stakeholder_type": StakeholderType.EDUCATION_DEPARTMENT,
            "sex": Sex.FEMALE,
            "age_band": "35_59",
            "role": GroupMember.Role.SECRETARY,
            "phone": "+97699887766",
            "joined_on": "2025-01-10",
            "user_email": personas.officer.email,
        },
    )
    assert response.status_code == 302
    member = GroupMember.objects.get(person_name="Дулмаа Баяр")
    assert member.user == personas.officer and member.is_current
    assert client_for(personas, "officer").get(reverse("engagement:member_list", args=[group.code])).status_code == 200

    edit = reverse("engagement:member_edit", args=[member.code])
    data = {
        "person_name": "Дулмаа Баяр",
        "organization": personas.education_dept.pk,
        "stakeholder_type": StakeholderType.EDUCATION_DEPARTMENT,
        "sex": Sex.FEMALE,
        "age_band": "35_59",
        "role": GroupMember.Role.SECRETARY,
        "joined_on": "2025-01-10",
        "left_on": "2024-12-31",
        "user_email": personas.officer.email,
    }
    bad = client.post(edit, data)
    assert bad.status_code == 200 and "left_on" in bad.context["form"].errors
    assert client.post(edit, data | {"left_on": "2026-01-31"}).status_code == 302
    member.refresh_from_db()
    assert member.left_on == datetime.date(2026, 1, 31) and not member.is_current
    event = events_for(group).filter(action="engagement.member_left").get()
    assert event.data["left_on"] == [None, "2026-01-31"]
    # Once they left, the account no longer opens the group's members-only pages.
    assert client_for(personas, "officer").get(reverse("engagement:member_list", args=[group.code])).status_code == 404


def test_a_member_needs_a_name_an_organisation_or_an_account(personas, group):
    response = client_for(personas, "coordinator").post(
        reverse("engagement:member_add", args=[group.code]),
        {"stakeholder_type": StakeholderType.CITIZEN, "sex": Sex.MALE, "age_band": "unknown", "role": "member"},
    )
    assert response.status_code == 200
    assert "Give the member's name" in response.context["form"].non_field_errors()[0]
    unknown = client_for(personas, "coordinator").post(
        reverse("engagement:member_add", args=[group.code]),
        {
            "user_email": "nobody@example.mn",
            "stakeholder_type": "citizen",
            "sex": "male",
            "age_band": "unknown",
            "role": "member",
        },
    )
    assert "user_email" in unknown.context["form"].errors


def test_the_members_list_shows_contacts_to_coordinators_only(personas, group, django_assert_max_num_queries):
    services.add_member(
        actor=personas.coordinator,
        group=group,
        person_name="Утастай гишүүн",
        stakeholder_type=StakeholderType.MEDIA,
        phone="+97688776655",
    )
    add_members(group, personas.coordinator, SOME_MEMBERS * 5)
    coordinator = client_for(personas, "coordinator")
    with django_assert_max_num_queries(14):
        response = coordinator.get(reverse("engagement:member_list", args=[group.code]))
    assert "+97688776655" in response.content.decode()
    member_view = client_for(personas, "monitor").get(reverse("engagement:member_list", args=[group.code]))
    assert "Утастай гишүүн" in member_view.content.decode()
    assert "+97688776655" not in member_view.content.decode()


def test_the_aimag_page_lists_the_groups_of_the_area(personas, group):
    response = client_for(personas, "anonymous").get(personas.geo.aimag.get_absolute_url())
    assert group.name in response.content.decode()
    other = client_for(personas, "anonymous").get(personas.geo.other_aimag.get_absolute_url())
    assert group.name not in other.content.decode()


def test_the_group_page_costs_the_same_number_of_queries_however_big_the_group(
    personas, group, django_assert_max_num_queries
):
    from .helpers_groups import held_meeting

    client = client_for(personas, "coordinator")
    client.get(group.get_absolute_url())  # warm the content type cache
    with django_assert_max_num_queries(40) as small:
        client.get(group.get_absolute_url())
    members = add_members(group, personas.coordinator, SOME_MEMBERS * 10)
    for n in range(12):
        meeting = held_meeting(group, personas.coordinator, title=f"Хурал {n}")
        services.set_named_attendance(meeting, actor=personas.coordinator, members=members[: n + 1])
        services.create_issue(actor=personas.coordinator, group=group, title=f"Асуудал {n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(group.get_absolute_url())
    assert len(response.context["meetings"]) == 10 and response.context["meeting_count"] == 12


def test_the_pages_speak_mongolian_by_default(personas, group):
    from django.test import Client

    client = Client()
    html = client.get(reverse("engagement:group_list")).content.decode()
    assert '<html lang="mn">' in html and group.name in html
    assert client.get(group.get_absolute_url()).status_code == 200


def test_the_area_choices_name_the_aimag_of_each_soum(personas, django_assert_max_num_queries):
    client = client_for(personas, "coordinator")
    with django_assert_max_num_queries(12):
        html = client.get(reverse("engagement:group_create")).content.decode()
    assert "Arkhangai › Battsengel" in html and "Khovd › Jargalant" in html
