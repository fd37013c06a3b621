"""State changes for organisations and their people."""

from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.db import transaction

from iltod.accounts.services import grant_membership, log_event


@transaction.atomic
def add_member(*, actor, organization, email, role, full_name="", title="", request=None):
    """Give ``email`` a role in ``organization``, creating the account if needed.

    A new account has no usable password; the person receives a link to set one (sent after
    the transaction commits, so a rolled-back change sends nothing).
    Returns ``(membership, created_user)``.
    """
    User = get_user_model()
    user = User.objects.filter(email__iexact=email).first()
    created_user = user is None
    if created_user:
        user = User(email=email, full_name=full_name)
        user.set_unusable_password()
        user.save()
        log_event(actor, "account.created", user, request=request, by_organization=str(organization))
    membership = grant_membership(
        actor=actor, user=user, organization=organization, role=role, title=title, request=request
    )
    if created_user and request is not None:
        transaction.on_commit(lambda: _send_set_password_link(request, email))
    return membership, created_user


def _send_set_password_link(request, email):
    form = PasswordResetForm({"email": email})
    if form.is_valid():
        # Accounts without a usable password are skipped by Django's form; include them.
        form.get_users = lambda address: get_user_model().objects.filter(email__iexact=address, is_active=True)
        form.save(
            request=request,
            use_https=request.is_secure(),
            subject_template_name="accounts/email/account_created_subject.txt",
            email_template_name="accounts/email/account_created.txt",
        )
