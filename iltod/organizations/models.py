from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from iltod.lib.translit import search_key, search_keys
from iltod.places.models import AdminUnit, Sector, ServiceUnit, new_public_code


class OrganizationQuerySet(models.QuerySet):
    def public(self):
        return self.filter(is_active=True, is_public=True)

    def networks(self):
        return self.filter(kind=Organization.Kind.NETWORK)

    def search(self, text: str):
        key = search_key(text)
        return self.filter(search_key__contains=key) if key else self

    def covering_service_unit(self, unit: ServiceUnit):
        """Organisations responsible for a facility: named directly, or covering its area."""
        area_ids = [a.pk for a in [*unit.admin_unit.ancestors(), unit.admin_unit]]
        return self.filter(
            Q(covered_service_units=unit) | Q(covered_admin_units__in=area_ids) | Q(operated_units=unit)
        ).distinct()


class Organization(models.Model):
    class Kind(models.TextChoices):
        CSO = "cso", _("civil society organisation (NGO)")
        NETWORK = "network", _("network of organisations")
        MINISTRY = "ministry", _("ministry")
        AGENCY = "agency", _("government agency")
        GOVERNORS_OFFICE = "governors_office", _("governor's office")
        KHURAL = "khural", _("citizens' representative khural")
        HEALTH_DEPARTMENT = "health_department", _("health department")
        EDUCATION_DEPARTMENT = "education_department", _("education department")
        SERVICE_PROVIDER = "service_provider", _("service provider")
        MEDIA = "media", _("media")
        ACADEMIA = "academia", _("academia or research")
        DONOR = "donor", _("donor or development partner")
        OTHER = "other", _("other")

    GOVERNMENT_KINDS = {
        Kind.MINISTRY,
        Kind.AGENCY,
        Kind.GOVERNORS_OFFICE,
        Kind.KHURAL,
        Kind.HEALTH_DEPARTMENT,
        Kind.EDUCATION_DEPARTMENT,
    }

    class Size(models.TextChoices):
        MICRO = "1-9", _("1–9 people")
        SMALL = "10-49", _("10–49 people")
        MEDIUM = "50-249", _("50–249 people")
        LARGE = "250+", _("250 people or more")

    code = models.CharField(_("public code"), max_length=12, unique=True, default=new_public_code, editable=False)
    kind = models.CharField(_("type"), max_length=32, choices=Kind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=255)
    short_name = models.CharField(_("short name"), max_length=64, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        help_text=_("e.g. the ministry above an agency, or the network above a subnetwork."),
    )
    sectors = models.ManyToManyField(Sector, verbose_name=_("sectors"), blank=True)
    home_unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("based in"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="based_organizations",
    )
    covered_admin_units = models.ManyToManyField(
        AdminUnit,
        verbose_name=_("covered areas"),
        blank=True,
        related_name="covering_organizations",
        help_text=_("Areas the organisation is responsible for or works in."),
    )
    covered_service_units = models.ManyToManyField(
        ServiceUnit,
        verbose_name=_("covered facilities"),
        blank=True,
        related_name="covering_organizations",
    )
    # Profile
    mission = models.TextField(_("mission"), blank=True)
    year_founded = models.PositiveSmallIntegerField(_("year founded"), null=True, blank=True)
    size = models.CharField(_("size"), max_length=8, choices=Size.choices, blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    website = models.URLField(_("website"), blank=True)
    registration_number = models.CharField(_("state registration number"), max_length=32, blank=True)
    is_public = models.BooleanField(
        _("public profile"), default=True, help_text=_("Show the profile on the public site.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    search_key = models.CharField(max_length=800, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.search_key = search_keys(
            getattr(self, "name_mn", "") or self.name,
            getattr(self, "name_en", ""),
            # Both languages: ``self.short_name`` would give only the active language's.
            getattr(self, "short_name_mn", "") or "",
            getattr(self, "short_name_en", "") or "",
        )
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("organizations:detail", args=[self.code])

    @property
    def is_government(self) -> bool:
        return self.kind in self.GOVERNMENT_KINDS

    @property
    def is_network(self) -> bool:
        return self.kind == self.Kind.NETWORK

    def covers_service_unit(self, unit: ServiceUnit) -> bool:
        return Organization.objects.covering_service_unit(unit).filter(pk=self.pk).exists()


class NetworkMembershipQuerySet(models.QuerySet):
    def current(self):
        """Members that have not left (suspended ones included)."""
        return self.filter(left_on__isnull=True)

    def active(self):
        """Members that have not left and are not suspended: those the public directory lists."""
        return self.filter(left_on__isnull=True, suspended_on__isnull=True)


class NetworkMembership(models.Model):
    """An organisation's membership of a network (or of a subnetwork)."""

    network = models.ForeignKey(
        Organization,
        verbose_name=_("network"),
        on_delete=models.CASCADE,
        related_name="network_memberships",
        limit_choices_to={"kind": Organization.Kind.NETWORK},
    )
    member = models.ForeignKey(
        Organization,
        verbose_name=_("member organisation"),
        on_delete=models.CASCADE,
        related_name="memberships_in_networks",
    )
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    left_on = models.DateField(_("left on"), null=True, blank=True)
    is_focal_point = models.BooleanField(
        _("focal point"), default=False, help_text=_("Coordinates the network in its area.")
    )
    suspended_on = models.DateField(_("suspended on"), null=True, blank=True)

    objects = NetworkMembershipQuerySet.as_manager()

    class Meta:
        ordering = ["network", "member__name"]
        verbose_name = _("network membership")
        verbose_name_plural = _("network memberships")
        constraints = [
            models.UniqueConstraint(fields=["network", "member"], name="networkmembership_unique"),
            models.CheckConstraint(condition=~Q(network=models.F("member")), name="networkmembership_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.network}"

    @property
    def is_suspended(self) -> bool:
        return self.suspended_on is not None and self.left_on is None


class NetworkMembershipChange(models.Model):
    """One step in a membership's history (added, suspended, reinstated, removed), with the reason
    the network administrator gave. Rows are never edited or deleted."""

    class Kind(models.TextChoices):
        ADDED = "added", _("added")
        SUSPENDED = "suspended", _("suspended")
        REINSTATED = "reinstated", _("reinstated")
        REMOVED = "removed", _("removed")

    membership = models.ForeignKey(
        NetworkMembership, verbose_name=_("network membership"), on_delete=models.CASCADE, related_name="changes"
    )
    kind = models.CharField(_("change"), max_length=16, choices=Kind.choices)
    reason = models.TextField(_("reason"), blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("changed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("changed"), auto_now_add=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("membership change")
        verbose_name_plural = _("membership changes")

    def __str__(self) -> str:
        return f"{self.membership}: {self.kind}"
