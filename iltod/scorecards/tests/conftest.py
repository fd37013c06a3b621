import pytest

from iltod.scorecards.library import load_library

from .helpers import make_cycle


@pytest.fixture
def library(db):
    load_library()


@pytest.fixture
def cycle(personas, library):
    return make_cycle(personas)
