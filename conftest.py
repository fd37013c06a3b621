import pytest
from django.core.cache import cache

from iltod.core import testing


@pytest.fixture(autouse=True)
def _isolated_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def geo(db):
    return testing.make_geo()


@pytest.fixture
def personas(db):
    return testing.make_personas()


@pytest.fixture
def password():
    return testing.PASSWORD
