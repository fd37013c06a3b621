from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import PasswordResetForm
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_otp import match_token


class LoginForm(forms.Form):
    identifier = forms.CharField(
        label=_("E-mail or phone number"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )

    error_messages = {
        "invalid_login": _("The e-mail/phone number or the password is not correct."),
        "inactive": _("This account is disabled."),
    }

    def __init__(self, request=None, *args, **kwargs):
        self.request = request
        self.user_cache = None
        super().__init__(*args, **kwargs)

    def clean(self):
        identifier = self.cleaned_data.get("identifier")
        password = self.cleaned_data.get("password")
        if identifier and password:
            self.user_cache = authenticate(self.request, username=identifier, password=password)
            if self.user_cache is None:
                raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        return self.cleaned_data

    def get_user(self):
        return self.user_cache


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app, or a backup code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )

    def __init__(self, user, *args, device=None, **kwargs):
        self.user = user
        self.device = device
        self.verified_device = None
        super().__init__(*args, **kwargs)

    def clean_token(self):
        token = self.cleaned_data["token"].replace(" ", "")
        if self.device is not None:
            if self.device.verify_token(token):
                self.verified_device = self.device
        else:
            self.verified_device = match_token(self.user, token)
        if self.verified_device is None:
            raise forms.ValidationError(_("That code is not valid. Check the time on your phone and try again."))
        return token


class DisableTwoFactorForm(forms.Form):
    password = forms.CharField(label=_("Your password"), strip=False, widget=forms.PasswordInput)

    def __init__(self, user, *args, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(_("The password is not correct."))
        return password


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's form, but the link goes out through the outbox like every other message (retried,
    logged, visible in the back office), not straight through ``send_mail``."""

    def send_mail(  # noqa: PLR0917 - Django's signature
        self, subject_template_name, email_template_name, context, from_email, to_email, html_email_template_name=None
    ):
        from iltod.core import outbox

        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        outbox.queue_email(recipient=to_email, subject=subject, body=body, language=translation.get_language())
