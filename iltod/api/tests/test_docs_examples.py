"""Every ``curl`` example in docs/api.md runs against a live server and succeeds (2xx), so the
documentation cannot drift from the API."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

from iltod.core.testing import make_personas
from iltod.feedback.models import Feedback
from iltod.organizations.models import Organization
from iltod.places.models import ServiceUnit

from .conftest import make_world, submit

DOC = Path(settings.BASE_DIR) / "docs" / "api.md"
BLOCK = re.compile(r"^```sh\n(.*?)^```", re.MULTILINE | re.DOTALL)


def curl_examples() -> list[str]:
    return [block.strip() for block in BLOCK.findall(DOC.read_text()) if block.lstrip().startswith("curl")]


def test_the_docs_have_curl_examples_that_fail_loudly():
    examples = curl_examples()
    assert len(examples) >= 10
    for example in examples:
        assert example.startswith("curl -sf "), example  # -f: an HTTP error is a non-zero exit


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_every_curl_example_in_the_docs_works(live_server):
    """The examples' codes are given to the test data: facility K7M2Q9TX (the Battsengel school,
    run by R4H8N2PD), items IL-26-4F7K2 and IL-26-7TQ4P of the Arkhangai education department,
    whose read and write key is $KEY, and the ministry B5YM9A2Q."""
    assert shutil.which("curl"), "curl is needed to run the documentation's examples"
    world = make_world(make_personas())
    p = world.personas
    ServiceUnit.objects.filter(pk=p.school.pk).update(code="K7M2Q9TX")
    Organization.objects.filter(pk=p.school_org.pk).update(code="R4H8N2PD")
    Organization.objects.filter(pk=p.ministry.pk).update(code="B5YM9A2Q")
    Feedback.objects.filter(pk=world.item.pk).update(tracking_code="IL-26-4F7K2")
    second = submit(
        kind="complaint",
        category=world.item.category,
        admin_unit=p.geo.soum,
        description="Сургуулийн барилга засвар шаардлагатай, дээвэр гоожиж байна.",
    )
    Feedback.objects.filter(pk=second.pk).update(tracking_code="IL-26-7TQ4P")

    env = {**os.environ, "ILTOD": live_server.url, "KEY": world.write_key}
    for example in curl_examples():
        result = subprocess.run(["sh", "-c", example], check=False, env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, f"{example}\nexit {result.returncode}\n{result.stdout}\n{result.stderr}"
        assert result.stdout.lstrip().startswith(("{", "[")), example
