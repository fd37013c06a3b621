"""Changing the active red flag settings recomputes the flags in the background; the back office
shows it meanwhile; a command recomputes them on demand."""

from io import StringIO

from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from iltod.procurement import services
from iltod.procurement.models import Flag, FlagSettings

from .helpers import import_data, package
from .test_tenderer_parties import same_price_tender


def _recomputing(page: str) -> bool:
    """Whether the settings list says the flags are being recomputed (in the page's language)."""
    with translation.override("mn"):
        banner = translation.gettext(
            "The red flags are being recomputed with the changed settings; the public pages show the previous "
            "flags until it is done."
        )
    return 'lang="mn"' in page and banner.split(";")[0] in page


def _flagged_import(tmp_path):
    assert import_data(tmp_path, package([same_price_tender("ocds-aaaaaa-1")])).ok
    services.recompute_flags()
    assert Flag.objects.filter(code="R028").exists()


def test_activating_other_settings_recomputes_the_flags_after_the_commit(
    client, personas, tmp_path, django_capture_on_commit_callbacks
):
    _flagged_import(tmp_path)
    personas.admin.is_staff = True
    personas.admin.save()
    client.force_login(personas.admin)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        settings_obj = services.save_flag_settings(FlagSettings(name="R024 only", ini="[R024]\n"), activate=True)
    # queued, not run yet: the back office says so and the old flags are still there
    assert FlagSettings.objects.get(pk=settings_obj.pk).recompute_queued_at is not None
    page = client.get(reverse("admin:procurement_flagsettings_changelist")).content.decode()
    assert _recomputing(page)
    assert Flag.objects.filter(code="R028").exists()

    for callback in callbacks:
        callback()
    assert not Flag.objects.filter(code="R028").exists()
    assert FlagSettings.objects.get(pk=settings_obj.pk).recompute_queued_at is None
    page = client.get(reverse("admin:procurement_flagsettings_changelist")).content.decode()
    assert not _recomputing(page)
    assert 'lang="mn"' in page


def test_saving_settings_that_are_not_active_does_not_recompute(db, tmp_path, django_capture_on_commit_callbacks):
    _flagged_import(tmp_path)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.save_flag_settings(FlagSettings(name="draft", ini="[R024]\n"))
    assert callbacks == []
    assert Flag.objects.filter(code="R028").exists()


def test_the_command_recomputes_the_flags_with_the_active_settings(db, tmp_path):
    _flagged_import(tmp_path)
    FlagSettings.objects.create(name="R024 only", ini="[R024]\n", is_active=True)
    out = StringIO()
    call_command("recompute_procurement_flags", stdout=out)
    assert not Flag.objects.filter(code="R028").exists()
    assert "0" in out.getvalue()
