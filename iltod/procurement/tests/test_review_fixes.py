"""Holes found in review: the back office moderated case steps around the pages' guard."""

import re

from django.contrib.auth.models import Permission
from django.urls import reverse

from iltod.accounts.models import User
from iltod.procurement import services
from iltod.procurement.models import CaseStep


def _staff_with_model_permissions():
    user = User.objects.create_user("clerk@example.mn", password="x", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="procurement"))
    return user


def test_the_back_office_moderates_only_the_cases_the_person_may_moderate(client, process, personas):
    case = services.open_case(process, organization=personas.cso, title="T", summary="S", actor=personas.monitor)
    step = case.steps.get()
    client.force_login(_staff_with_model_permissions())
    url = reverse("admin:procurement_casestep_changelist")
    client.post(url, {"action": "publish", "_selected_action": [step.pk]})
    step.refresh_from_db()
    assert step.moderation == CaseStep.Moderation.PENDING
    # nor through the step's own form or the case's inline
    change = client.get(reverse("admin:procurement_casestep_change", args=[step.pk]))
    assert 'name="moderation"' not in change.content.decode()
    inline = client.get(reverse("admin:procurement_monitoringcase_change", args=[case.pk]))
    assert not re.search(r'name="[^"]*-moderation"', inline.content.decode())

    client.force_login(personas.network_admin)
    personas.network_admin.is_staff = True
    personas.network_admin.save(update_fields=["is_staff"])
    personas.network_admin.user_permissions.add(*Permission.objects.filter(codename__endswith="casestep"))
    client.post(url, {"action": "publish", "_selected_action": [step.pk]})
    step.refresh_from_db()
    assert step.moderation == CaseStep.Moderation.PUBLISHED


def _post(client, personas, organization, body):
    from iltod.accounts.models import ApiKey
    from iltod.accounts.services import create_api_key

    key = create_api_key(actor=personas.admin, organization=organization, name="ocds", scope=ApiKey.Scope.WRITE)[1]
    return client.post(
        "/api/v1/procurement/ocds/", body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
    )


def test_a_government_key_publishes_only_its_own_purchases(client, process, personas):
    from iltod.procurement.models import Release

    from .helpers import award, package, release

    assert process.buyer.organization == personas.school_org
    before = Release.objects.count()
    # another body changes the school's known process: refused, nothing saved
    changed = release("ocds-test-1", "3", date="2025-05-01T00:00:00Z", tag=["awardUpdate"], awards=[award()])
    response = _post(client, personas, personas.education_dept, package([changed]))
    assert response.status_code == 403
    assert [e["ocid"] for e in response.json()["errors"]] == ["ocds-test-1"]
    # nor invents a new process naming the school as its buyer
    invented = release("ocds-test-9", "1", buyer=("X", "MN-REG", "1001", "Сургууль"))
    assert _post(client, personas, personas.education_dept, package([invented])).status_code == 403
    assert Release.objects.count() == before
    # its own new process with its own buyer is published
    own = release("ocds-test-10", "1", buyer=("E", "MN-REG", "7777777", "Боловсролын газар"))
    assert _post(client, personas, personas.education_dept, package([own])).status_code == 202
