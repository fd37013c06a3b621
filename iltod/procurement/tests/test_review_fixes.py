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
