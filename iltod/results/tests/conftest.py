from .fixtures import computed  # noqa: F401 - a fixture
