"""The back office's third-party apps (django-otp, django-axes) in the site's languages.

django-otp names its apps, models, fields and admin sections in plain English strings, outside
gettext, so no catalogue can translate them: ``label_third_party_apps`` gives them translated
labels once the app registry is ready. Only labels change: migrations read a field's original
arguments (``Field._verbose_name``) and a model's original options (``Meta.original_attrs``), so
no migration follows. django-axes already marks its labels for translation: their Mongolian is in
our catalogue, and only its app gets a name here.
"""

from django.apps import apps
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

APP_NAMES = {
    "django_otp": _("Two-step verification"),
    "otp_totp": _("Two-step verification: authenticator apps"),
    "otp_static": _("Two-step verification: backup codes"),
    "axes": _("Login attempts and lockouts"),
}

MODEL_NAMES = {
    "otp_totp.TOTPDevice": (_("authenticator app"), _("authenticator apps")),
    "otp_static.StaticDevice": (_("set of backup codes"), _("sets of backup codes")),
    "otp_static.StaticToken": (_("backup code"), _("backup codes")),
}

# The fields of django-otp's devices and tokens, by name (the same name means the same thing).
FIELD_NAMES = {
    "user": _("user"),
    "name": _("name"),
    "confirmed": _("confirmed"),
    "throttling_failure_timestamp": _("last failed attempt"),
    "throttling_failure_count": _("failed attempts in a row"),
    "created_at": _("created"),
    "last_used_at": _("last used"),
    "key": _("secret key"),
    "step": _("time step (seconds)"),
    "t0": _("start time (Unix time)"),
    "digits": _("number of digits"),
    "tolerance": _("tolerance (time steps)"),
    "drift": _("clock drift (time steps)"),
    "last_t": _("last time step used"),
    "device": _("device"),
    "token": _("code"),
}

# Their help texts, shown on the admin's forms (set on the forms: a model field's help text is part
# of its migration state).
FIELD_HELP = {
    "user": _("The user this device belongs to."),
    "name": _("A name for this device that people can read."),
    "confirmed": _("Is this device ready for use?"),
    "throttling_failure_timestamp": _("When the last check of a code failed; empty if the last one succeeded."),
    "throttling_failure_count": _("How many checks failed one after the other."),
    "created_at": _("When this device was added."),
    "last_used_at": _("When this device was last used."),
    "key": _("The secret key in hexadecimal, up to 40 bytes."),
    "step": _("The time step in seconds."),
    "t0": _("The Unix time from which steps are counted."),
    "digits": _("How many digits a code has."),
    "tolerance": _("How many time steps before or after the current one are accepted."),
    "drift": _("How many time steps the phone's clock is known to be off from ours."),
    "last_t": _("The time step of the last accepted code. The next code must be of a later step."),
}

# Section titles of django-otp's admin pages.
FIELDSET_NAMES = {
    "Identity": _("Identity"),
    "Timestamps": _("Times"),
    "Configuration": _("Settings"),
    "State": _("State"),
    "Throttling": _("Failed attempts"),
}


def label_third_party_apps() -> None:
    for label, name in APP_NAMES.items():
        try:
            apps.get_app_config(label).verbose_name = name
        except LookupError:  # not installed
            continue
    for model_label, (singular, plural) in MODEL_NAMES.items():
        try:
            model = apps.get_model(model_label)
        except LookupError:
            continue
        model._meta.verbose_name = singular
        model._meta.verbose_name_plural = plural
        for field in model._meta.get_fields():
            if getattr(field, "concrete", False) and field.name in FIELD_NAMES:
                field.verbose_name = FIELD_NAMES[field.name]


class TranslatedOtpAdmin:
    """Mixin for django-otp's ModelAdmins: their section titles, help texts and search hint, translated."""

    search_help_text = _("Search by the user's e-mail.")

    def get_fieldsets(self, request, obj=None):
        return [(FIELDSET_NAMES.get(name, name), options) for name, options in super().get_fieldsets(request, obj)]

    @admin.display(description=_("QR code"))
    def qrcode_link(self, device):
        """The authenticator's QR code page (TOTP devices only), with a translated link."""
        try:
            href = reverse("admin:otp_totp_totpdevice_config", kwargs={"pk": device.pk})
        except NoReverseMatch:
            return ""
        return format_html('<a href="{}">{}</a>', href, _("QR code"))

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None and db_field.name in FIELD_HELP:
            formfield.help_text = FIELD_HELP[db_field.name]
        return formfield
