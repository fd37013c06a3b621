"""The main navigation: public modules for everyone, work links only for those who hold the capability."""

import pytest
from django.urls import reverse

INBOX = reverse("feedback:inbox")
MY_SCORECARDS = reverse("scorecards:staff_list")
PUBLIC = [
    reverse("feedback:submit"),
    reverse("engagement:group_list"),
    reverse("scorecards:public_list"),
    reverse("organizations:list"),
    reverse("disclosure:compliance"),
    reverse("procurement:process_list"),
    reverse("learning:home"),
    reverse("results:index"),
]


def nav_links(client) -> set[str]:
    html = client.get(reverse("portal:home")).content.decode()
    nav = html.split('<ul class="nav">', 1)[1].split("</ul>", 1)[0]
    return {part.split('"', 1)[0] for part in nav.split('href="')[1:]}


@pytest.mark.django_db
def test_anonymous_visitors_see_the_public_modules_and_the_login(client):
    links = nav_links(client)
    assert set(PUBLIC) <= links
    assert reverse("accounts:login") in links
    assert INBOX not in links and MY_SCORECARDS not in links


@pytest.mark.parametrize(
    ("persona", "inbox", "scorecards"),
    [
        ("citizen", False, False),
        ("monitor", False, True),
        ("coordinator", False, True),
        ("officer", True, False),
        ("provider", True, False),
        ("admin", True, True),
    ],
)
def test_work_links_follow_the_capabilities(client, personas, persona, inbox, scorecards):
    client.force_login(getattr(personas, persona))
    links = nav_links(client)
    assert set(PUBLIC) <= links
    assert (INBOX in links) is inbox
    assert (MY_SCORECARDS in links) is scorecards
    assert reverse("engagement:my_groups") in links


@pytest.mark.django_db
def test_every_public_module_in_the_menu_opens_for_an_anonymous_visitor(client, personas):
    for link in sorted(nav_links(client) - {reverse("accounts:login")}):
        response = client.get(link, follow=True)
        assert response.status_code == 200, link
