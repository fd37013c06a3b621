"""A public multi-stakeholder group's page offers to follow its new plans (the results panel in the
group page's slot); the link opens the alerts form for that group."""

from django.urls import reverse

from iltod.engagement.models import Group


def test_a_public_group_page_offers_alerts_for_the_group(client, personas):
    group = Group.objects.create(name="Сургуулийн ОТАБ", admin_unit=personas.school.admin_unit, is_public=True)
    response = client.get(group.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    link = reverse("results:subscribe") + f"?kind=group&amp;code={group.code}"
    assert link in response.content.decode()
    assert "Atom feed" not in response.content.decode()  # a group has none
    form = client.get(reverse("results:subscribe") + f"?kind=group&code={group.code}", HTTP_ACCEPT_LANGUAGE="en")
    assert form.status_code == 200
    assert group.name in form.content.decode()
