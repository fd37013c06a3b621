import pytest

from iltod.core.testing import sector


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Attachments are written to disk: keep them out of var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(personas):
    """The personas, with the ministry responsible for education (the top of every escalation
    chain for a school) and the Khovd health department belonging to the health sector."""
    personas.ministry.sectors.add(sector("education"))
    personas.other_dept.sectors.add(sector("health"))
    return personas
