"""State changes for accounts: memberships and the audit log."""

import logging

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from .audit import AuditAction
from .capabilities import Capability
from .models import AuditEvent, Membership


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


logger = logging.getLogger(__name__)


def log_event(actor, action: AuditAction, target=None, *, request=None, sensitive_read=False, **data):
    """Write one audit event. Call it inside the transaction of the change it records.

    ``action`` must be a member of ``AuditAction``: another value raises outside production, and
    in production is logged as an error and still recorded (the event is not lost)."""
    if action not in AuditAction.values:
        if settings.IS_PRODUCTION:
            logger.error("audit action %r is not in AuditAction", action)
        else:
            raise ValueError(f"audit action {action!r} is not in AuditAction")
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    event = AuditEvent(
        actor=actor,
        action=action,
        data=data,
        ip_address=client_ip(request),
        is_sensitive_read=sensitive_read,
    )
    if target is not None:
        event.target_type = ContentType.objects.get_for_model(target)
        event.target_id = str(target.pk)
        event.target_repr = str(target)[:255]
    event.save()
    return event


def events_for(target):
    return AuditEvent.objects.filter(
        target_type=ContentType.objects.get_for_model(target), target_id=str(target.pk)
    ).select_related("actor")


@transaction.atomic
def grant_membership(*, actor, user, organization, role, title="", capabilities=None, request=None):
    """Add ``user`` to ``organization`` in ``role`` (or update an existing membership).

    ``capabilities`` overrides single flags of the role's defaults, e.g.
    ``{"can_view_reporter_identity": True}``.
    """
    membership, created = Membership.objects.get_or_create(
        user=user, organization=organization, defaults={"role": role}
    )
    before = {c: getattr(membership, c) for c in Capability.values} | {"role": membership.role}
    membership.role = role
    membership.title = title or membership.title
    membership.is_active = True
    membership.apply_role_defaults()
    for name, value in (capabilities or {}).items():
        if name not in Capability.values:
            raise ValueError(f"Unknown capability {name!r}")
        setattr(membership, name, bool(value))
    membership.save()
    after = {c: getattr(membership, c) for c in Capability.values} | {"role": membership.role}
    changes = {k: [before[k], after[k]] for k in after if created or before[k] != after[k]}
    if not changes and not created:
        return membership  # nothing changed: nothing to record
    log_event(
        actor,
        AuditAction.MEMBERSHIP_GRANTED if created else AuditAction.MEMBERSHIP_CHANGED,
        membership,
        request=request,
        user=user.email,
        organization=str(organization),
        changes=changes,
    )
    return membership


@transaction.atomic
def revoke_membership(*, actor, membership, request=None):
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    log_event(actor, AuditAction.MEMBERSHIP_REVOKED, membership, request=request, user=membership.user.email)
    return membership


@transaction.atomic
def create_api_key(*, actor, organization, name, scope, request=None):
    """Create a key and return ``(api_key, raw_key)``; the raw key is never stored or shown again."""
    import hashlib
    import secrets

    from .models import ApiKey

    prefix = secrets.token_hex(4)
    while ApiKey.objects.filter(prefix=prefix).exists():
        prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        organization=organization,
        name=name,
        scope=scope,
        prefix=prefix,
        secret_hash=hashlib.sha256(secret.encode()).hexdigest(),
        created_by=actor if actor and actor.is_authenticated else None,
    )
    log_event(actor, AuditAction.API_KEY_CREATED, key, request=request, organization=str(organization), scope=scope)
    return key, f"il_{prefix}_{secret}"


@transaction.atomic
def revoke_api_key(*, actor, api_key, request=None):
    from django.utils import timezone

    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
        log_event(actor, AuditAction.API_KEY_REVOKED, api_key, request=request)
    return api_key


def touch_api_key(api_key) -> None:
    """Record use, at most once a minute per key (no write on every request)."""
    from datetime import timedelta

    from django.utils import timezone

    from .models import ApiKey

    now = timezone.now()
    if api_key.last_used_at is None or api_key.last_used_at < now - timedelta(minutes=1):
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
