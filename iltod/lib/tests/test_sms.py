import logging

import pytest

from iltod.lib.sms import ConsoleGateway, HttpGateway, SmsError, get_gateway
from iltod.notifications.tests.fakes import FakeSmsGateway

MESSAGE_ID = "6f1c2a4e-0000-4000-8000-000000000001"


@pytest.fixture
def server():
    with FakeSmsGateway() as gateway:
        yield gateway


def test_the_console_gateway_logs_the_message_and_returns_its_id(caplog):
    with caplog.at_level(logging.INFO, logger="iltod.sms"):
        assert ConsoleGateway().send("+97699112233", "Сайн байна уу", MESSAGE_ID) == MESSAGE_ID
    assert f"SMS to +97699112233 [{MESSAGE_ID}]: Сайн байна уу" in caplog.text


def test_the_gateway_is_chosen_by_settings(settings):
    settings.SMS_GATEWAY = "console"
    assert isinstance(get_gateway(), ConsoleGateway)
    settings.SMS_GATEWAY, settings.SMS_GATEWAY_URL = "http", "https://sms.example.mn/send"
    settings.SMS_GATEWAY_TOKEN, settings.SMS_GATEWAY_TIMEOUT = "secret", 7
    assert get_gateway() == HttpGateway("https://sms.example.mn/send", "secret", 7)


def test_the_http_gateway_posts_json_with_the_message_id_and_a_bearer_token(server):
    provider_id = HttpGateway(server.url, "secret").send("+97699112233", "Илтод: хүлээн авлаа.", MESSAGE_ID)
    assert provider_id == "gw-1"
    request = server.requests[0]
    assert request["body"] == {"to": "+97699112233", "text": "Илтод: хүлээн авлаа.", "message_id": MESSAGE_ID}
    assert request["headers"]["Content-Type"] == "application/json"
    assert request["headers"]["Idempotency-Key"] == MESSAGE_ID
    assert request["headers"]["Authorization"] == "Bearer secret"


def test_without_a_token_no_authorization_header_is_sent(server):
    HttpGateway(server.url).send("+97699112233", "text", MESSAGE_ID)
    assert "Authorization" not in server.requests[0]["headers"]


@pytest.mark.parametrize(
    ("status", "permanent"),
    [(400, True), (401, True), (404, True), (408, False), (429, False), (500, False), (502, False), (503, False)],
)
def test_gateway_errors_say_whether_retrying_can_help(server, status, permanent):
    server.answer_next(status)
    with pytest.raises(SmsError, match=f"gateway answered {status}") as error:
        HttpGateway(server.url).send("+97699112233", "text", MESSAGE_ID)
    assert error.value.permanent is permanent
    assert not server.delivered


def test_an_unreachable_gateway_is_a_temporary_error():
    with FakeSmsGateway() as closed:
        url = closed.url
    with pytest.raises(SmsError, match="gateway unreachable") as error:
        HttpGateway(url, timeout=2).send("+97699112233", "text", MESSAGE_ID)
    assert error.value.permanent is False


class _Answer:
    def __init__(self, body: bytes):
        self.body = body

    def read(self, size=-1):
        return self.body[:size]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


@pytest.mark.parametrize("answer", [b"[" * 2000 + b"]" * 2000, b"[1, 2]", b'"ok"', b"not json", b""])
def test_an_odd_answer_from_the_gateway_still_counts_as_sent_under_our_id(monkeypatch, answer):
    # the message was accepted (2xx); only the provider's id cannot be read from the answer
    monkeypatch.setattr("urllib.request.urlopen", lambda request, timeout: _Answer(answer))
    assert HttpGateway("https://gateway.example/send").send("+97699112233", "text", MESSAGE_ID) == MESSAGE_ID
