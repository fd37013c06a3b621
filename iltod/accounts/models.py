from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .audit import AuditAction
from .capabilities import ROLE_CAPABILITIES, Capability, Role


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("Users must have an e-mail address")
        if extra.get("phone"):
            from iltod.lib.phones import normalize_phone

            # Logins look phones up in E.164; keep what was given if it is not a valid number.
            extra["phone"] = normalize_phone(extra["phone"]) or extra["phone"]
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_identifier(self, identifier: str):
        """The user whose e-mail or phone number is ``identifier``, or DoesNotExist."""
        from iltod.lib.phones import normalize_phone

        identifier = (identifier or "").strip()
        if "@" in identifier:
            return self.get(email__iexact=identifier)
        phone = normalize_phone(identifier)
        if not phone:
            raise self.model.DoesNotExist
        return self.get(phone=phone)


class User(AbstractBaseUser, PermissionsMixin):
    """A person with a login. Citizens need none to give feedback; staff act via memberships."""

    email = models.EmailField(_("e-mail"), unique=True)
    phone = models.CharField(
        _("phone number"),
        max_length=20,
        blank=True,
        help_text=_("International format, e.g. +97699112233. Can be used to log in."),
    )
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE)
    is_staff = models.BooleanField(
        _("back-office access"),
        default=False,
        help_text=_("Platform administrators who may use the back office."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(fields=["phone"], condition=~Q(phone=""), name="user_unique_phone")]

    def __str__(self) -> str:
        return self.full_name or self.email

    def clean(self):
        super().clean()
        # Logins match e-mails in any case: store them in one case, as create_user() does, so
        # that the unique check also catches "Foo@x.mn" next to "foo@x.mn".
        self.email = self.email.strip().lower()
        if self.phone:
            # Logins look phones up in E.164: "9911 2233" typed here must be stored as +97699112233.
            from iltod.lib.phones import normalize_phone

            phone = normalize_phone(self.phone)
            if not phone:
                raise ValidationError({"phone": _("Enter a valid phone number, e.g. 9911 2233 or +976 99112233.")})
            self.phone = phone

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return (self.full_name or self.email).split(" ")[0]

    def active_memberships(self):
        return self.memberships.filter(is_active=True).select_related("organization")

    @property
    def acts_for_organization(self) -> bool:
        """Staff roles: anyone with back-office access or an active membership of an active organisation."""
        return self.is_staff or self.memberships.active().exists()


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, organization__is_active=True)

    def with_capability(self, capability: str):
        if capability not in Capability.values:
            raise ValueError(f"Unknown capability {capability!r}")
        return self.active().filter(**{capability: True})


class Membership(models.Model):
    """A user acting for an organisation in a role, with the capabilities it grants."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.MEMBER)
    title = models.CharField(
        _("position"), max_length=150, blank=True, help_text=_("e.g. head of the health department")
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    can_manage_members = models.BooleanField(Capability.MANAGE_MEMBERS.label, default=False)
    can_edit_profile = models.BooleanField(Capability.EDIT_PROFILE.label, default=False)
    can_handle_feedback = models.BooleanField(Capability.HANDLE_FEEDBACK.label, default=False)
    can_view_reporter_identity = models.BooleanField(Capability.VIEW_REPORTER_IDENTITY.label, default=False)
    can_publish = models.BooleanField(Capability.PUBLISH.label, default=False)
    can_coordinate_groups = models.BooleanField(Capability.COORDINATE_GROUPS.label, default=False)
    can_run_scorecards = models.BooleanField(Capability.RUN_SCORECARDS.label, default=False)
    can_manage_network = models.BooleanField(Capability.MANAGE_NETWORK.label, default=False)
    can_view_statistics = models.BooleanField(Capability.VIEW_STATISTICS.label, default=False)
    can_monitor_procurement = models.BooleanField(Capability.MONITOR_PROCUREMENT.label, default=False)
    can_manage_results = models.BooleanField(Capability.MANAGE_RESULTS.label, default=False)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name", "user__email"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "organization"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organization} ({self.get_role_display()})"

    def apply_role_defaults(self) -> None:
        granted = ROLE_CAPABILITIES.get(self.role, set())
        for capability in Capability.values:
            setattr(self, capability, capability in granted)

    def has(self, capability: str) -> bool:
        return bool(self.is_active and getattr(self, capability, False))

    @property
    def capabilities(self) -> list[str]:
        return [c.label for c in Capability if getattr(self, c.value)]


class AuditEvent(models.Model):
    """Something that happened: a change of state, or a read of sensitive data. Never edited."""

    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64, choices=AuditAction.choices, db_index=True)
    target_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), on_delete=models.SET_NULL, null=True, blank=True
    )
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    target_repr = models.CharField(_("object"), max_length=255, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    is_sensitive_read = models.BooleanField(_("sensitive read"), default=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit log")
        indexes = [
            # an object's timeline: events for one target, newest first
            models.Index(fields=["target_type", "target_id", "-created_at"], name="auditevent_target"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"


class ApiKeyQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, organization__is_active=True)

    def authenticate(self, raw: str):
        """The active key matching ``raw`` (``il_<prefix>_<secret>``), or None. Constant-time compare."""
        import hashlib
        import hmac

        try:
            marker, prefix, secret = (raw or "").strip().split("_", 2)
        except ValueError:
            return None
        if marker != "il" or not prefix or not secret:
            return None
        key = self.active().select_related("organization").filter(prefix=prefix).first()
        if key is None:
            return None
        digest = hashlib.sha256(secret.encode()).hexdigest()
        return key if hmac.compare_digest(digest, key.secret_hash) else None


class ApiKey(models.Model):
    """A key an organisation's system uses for the REST API and Open311. Read-only and read-write
    keys are separate; only a hash of the secret is stored, the key is shown once."""

    class Scope(models.TextChoices):
        READ = "read", _("read only")  # GET on staff endpoints of the organisation
        WRITE = "write", _("read and write")  # also submit feedback and act on the organisation's items

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="api_keys",
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What uses this key, e.g. “hotline CRM”."))
    scope = models.CharField(_("access"), max_length=8, choices=Scope.choices, default=Scope.READ)
    prefix = models.CharField(_("prefix"), max_length=12, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["organization", "name"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE and self.revoked_at is None
