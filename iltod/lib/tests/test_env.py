import pytest
from django.core.exceptions import ImproperlyConfigured

from iltod.lib.env import env_bool, env_int, env_list, env_secret, env_str


@pytest.fixture(autouse=True)
def _clean(monkeypatch):
    for name in ["ILTOD_X", "ILTOD_X_FILE"]:
        monkeypatch.delenv(name, raising=False)


def test_env_str_reads_the_variable_or_the_default(monkeypatch):
    assert env_str("ILTOD_X", "fallback") == "fallback"
    monkeypatch.setenv("ILTOD_X", "value")
    assert env_str("ILTOD_X", "fallback") == "value"


@pytest.mark.parametrize("raw", ["1", "true", "True", "YES", "on", " yes "])
def test_env_bool_reads_true_values(monkeypatch, raw):
    monkeypatch.setenv("ILTOD_X", raw)
    assert env_bool("ILTOD_X", False) is True


@pytest.mark.parametrize("raw", ["0", "false", "FALSE", "no", "off", ""])
def test_env_bool_reads_false_values(monkeypatch, raw):
    monkeypatch.setenv("ILTOD_X", raw)
    assert env_bool("ILTOD_X", True) is False


def test_env_bool_uses_the_default_when_unset():
    assert env_bool("ILTOD_X", True) is True
    assert env_bool("ILTOD_X", False) is False


@pytest.mark.parametrize("raw", ["ture", "2", "enabled", "y e s"])
def test_env_bool_fails_loudly_on_a_value_it_cannot_read(monkeypatch, raw):
    monkeypatch.setenv("ILTOD_X", raw)
    with pytest.raises(ImproperlyConfigured, match="ILTOD_X must be a boolean"):
        env_bool("ILTOD_X", False)


def test_env_int_reads_integers_and_falls_back_when_unset_or_blank(monkeypatch):
    assert env_int("ILTOD_X", 5) == 5
    monkeypatch.setenv("ILTOD_X", " 42 ")
    assert env_int("ILTOD_X", 5) == 42
    monkeypatch.setenv("ILTOD_X", "  ")
    assert env_int("ILTOD_X", 5) == 5


@pytest.mark.parametrize("raw", ["5.0", "five", "5 minutes", "0x10"])
def test_env_int_fails_loudly_on_a_value_it_cannot_read(monkeypatch, raw):
    monkeypatch.setenv("ILTOD_X", raw)
    with pytest.raises(ImproperlyConfigured, match="ILTOD_X must be an integer"):
        env_int("ILTOD_X", 5)


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    assert env_list("ILTOD_X", ["a"]) == ["a"]
    assert env_list("ILTOD_X") == []
    monkeypatch.setenv("ILTOD_X", " example.org, ,www.example.org ,")
    assert env_list("ILTOD_X", ["a"]) == ["example.org", "www.example.org"]


def test_env_secret_reads_the_variable(monkeypatch):
    assert env_secret("ILTOD_X", "default") == "default"
    monkeypatch.setenv("ILTOD_X", "s3cret")
    assert env_secret("ILTOD_X") == "s3cret"


def test_env_secret_prefers_the_file_named_by_the_FILE_variable(monkeypatch, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n", encoding="utf-8")
    monkeypatch.setenv("ILTOD_X", "from-the-environment")
    monkeypatch.setenv("ILTOD_X_FILE", str(secret))
    assert env_secret("ILTOD_X") == "from-a-file"


def test_env_secret_fails_loudly_when_the_file_cannot_be_read(monkeypatch, tmp_path):
    monkeypatch.setenv("ILTOD_X_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="ILTOD_X_FILE"):
        env_secret("ILTOD_X")
