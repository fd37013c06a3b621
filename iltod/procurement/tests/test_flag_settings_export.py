"""Exporting red flag settings needs the permission to view them, like their list."""

from django.contrib.auth.models import Permission
from django.urls import reverse

from iltod.procurement.models import FlagSettings


def test_only_staff_who_may_view_the_settings_export_them(client, django_user_model):
    settings_obj = FlagSettings.objects.create(name="strict", ini="[R024]\nthreshold = 0.05\n")
    staff = django_user_model.objects.create_user("staff@example.mn", "pw", is_staff=True)
    client.force_login(staff)
    url = reverse("admin:procurement_flagsettings_export", args=[settings_obj.pk])
    assert client.get(url).status_code == 403

    staff.user_permissions.add(Permission.objects.get(codename="view_flagsettings"))
    response = client.get(url)
    assert response.status_code == 200
    assert b"threshold = 0.05" in response.content
