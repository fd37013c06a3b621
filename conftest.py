import pytest
from django.core.cache import cache
from django.utils import translation

from iltod.core import testing

pytest_plugins = ["iltod.portal.tests.browser"]


@pytest.fixture(autouse=True)
def _isolated_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language(settings):
    """Each test starts in the default language: a test that activates English must not leak it."""
    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def geo(db):
    return testing.make_geo()


@pytest.fixture
def personas(db):
    return testing.make_personas()


@pytest.fixture
def password():
    return testing.PASSWORD
