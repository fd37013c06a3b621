"""Rate limits count the client's address, not the proxy's: behind PROXY_COUNT proxies the address
comes from X-Forwarded-For, from the entry the nearest trusted proxy added."""

from django.test import RequestFactory

from iltod.core.middleware import client_address


def request(forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", **extra)


def test_without_proxies_it_is_the_connecting_address(settings):
    settings.PROXY_COUNT = 0
    assert client_address(request("203.0.113.7")) == "127.0.0.1"


def test_behind_one_proxy_it_is_the_address_the_proxy_saw_not_what_the_client_wrote(settings):
    settings.PROXY_COUNT = 1
    assert client_address(request("203.0.113.7")) == "203.0.113.7"
    assert client_address(request("10.9.9.9, 203.0.113.7")) == "203.0.113.7"  # the first entry is forged
    assert client_address(request()) == "127.0.0.1"


def test_behind_two_proxies(settings):
    settings.PROXY_COUNT = 2
    assert client_address(request("10.9.9.9, 203.0.113.7, 10.0.0.2")) == "203.0.113.7"


def test_two_clients_behind_the_proxy_have_separate_login_counters(client, db, settings):
    settings.PROXY_COUNT = 1
    settings.LOGIN_FAILURES_PER_IP = "2/15m"
    for _attempt in range(2):
        client.post(
            "/account/login/", {"identifier": "x@example.mn", "password": "x"}, HTTP_X_FORWARDED_FOR="203.0.113.7"
        )
    blocked = client.post(
        "/account/login/", {"identifier": "x@example.mn", "password": "x"}, HTTP_X_FORWARDED_FOR="203.0.113.7"
    )
    other = client.post(
        "/account/login/", {"identifier": "x@example.mn", "password": "x"}, HTTP_X_FORWARDED_FOR="198.51.100.2"
    )
    assert (blocked.status_code, other.status_code) == (429, 200)
