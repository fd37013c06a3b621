import pytest
from django.core.cache import cache
from django.utils import translation

from iltod.core import testing

pytest_plugins = ["iltod.core.testing.browser"]


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """``make test`` runs on every core with ``--dist load``: tests go to the workers in collection
    order, so each worker keeps pytest-django's order (plain database tests, then the transactional
    ones that flush the database). On top of that, the tests of one class go to one worker, so a
    class's ``setUpTestData`` (the seeded demo: ~10 s) runs once, not on every worker. Keep
    transactional tests out of such classes: a class runs where its first test is."""
    if config.getoption("dist") != "load":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class ClassesTogether(LoadScopeScheduling):
        def _split_scope(self, nodeid):
            path, _sep, rest = nodeid.partition("::")
            if "::" in rest:  # module::Class::test
                return f"{path}::{rest.split('::', 1)[0]}"
            return nodeid

    return ClassesTogether(config, log)


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
