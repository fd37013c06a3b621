import secrets

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iltod.core import memo
from iltod.lib.translit import search_key, search_keys

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"  # no 0/O, 1/I/L, U: easy to read aloud


def new_public_code(length: int = 8) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


class Sector(models.Model):
    """A public service sector (health, education…). Categories and organisations refer to it."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self) -> str:
        return self.name or self.code


class AdminUnitQuerySet(memo.QuerySet):
    memo_name = "places.admin_unit_shapes"  # bulk writes re-read the shapes of places/geo.py

    def current(self, on=None):
        """Units valid on a date (today by default): boundary changes keep their history."""
        on = on or timezone.localdate()
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=on),
            Q(valid_to__isnull=True) | Q(valid_to__gte=on),
        )

    def top_level(self):
        """The capital and the 21 aimags."""
        return self.filter(level__in=[AdminUnit.Level.CAPITAL, AdminUnit.Level.AIMAG])

    def without_shapes(self):
        """Leave the boundary out: decoding a unit's GeoJSON polygon costs more than the rest of a
        page (and Python's garbage collector pays for it again later). Maps read it themselves."""
        return self.defer("boundary")

    def search(self, text: str):
        """Units whose name contains ``text`` in either script; an empty search filters nothing."""
        key = search_key(text)
        return self.filter(search_key__contains=key) if key else self


class AdminUnit(models.Model):
    class Level(models.TextChoices):
        COUNTRY = "country", _("country")
        CAPITAL = "capital", _("capital city")  # Ulaanbaatar
        AIMAG = "aimag", _("aimag")  # province
        DISTRICT = "district", _("district")  # düüreg of the capital
        SOUM = "soum", _("soum")  # district of an aimag
        KHOROO = "khoroo", _("khoroo")  # subdivision of a capital district
        BAG = "bag", _("bag")  # subdivision of a soum

    code = models.CharField(
        _("code"),
        max_length=16,
        unique=True,
        help_text=_("National Statistics Office code: 2 digits for an aimag, 4 for a soum."),
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices, db_index=True)
    name = models.CharField(_("name"), max_length=150)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    iso_3166_2 = models.CharField(_("ISO 3166-2 code"), max_length=10, blank=True)
    centre_name = models.CharField(
        _("administrative centre"), max_length=150, blank=True, help_text=_("e.g. Tsetserleg")
    )
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
        help_text=_("Label point (centroid), WGS84."),
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    boundary = models.JSONField(_("boundary"), null=True, blank=True, help_text=_("GeoJSON Polygon or MultiPolygon."))
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    aliases = models.CharField(
        _("other names"),
        max_length=300,
        blank=True,
        help_text=_("Other names people use for the place, separated by semicolons, e.g. UB; УБ or БЗД; BZD."),
    )
    search_key = models.CharField(max_length=600, blank=True, editable=False)

    objects = AdminUnitQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        indexes = [
            # aimag page: children of a unit by level
            models.Index(fields=["parent", "level"], name="adminunit_parent_level"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        previous = self.search_key if self.pk is not None else None
        self.search_key = self.build_search_key()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_key"}
        super().save(*args, **kwargs)
        if previous is not None and previous != self.search_key:
            # A new name or alias: the facilities in the unit are found by it from now on.
            from .search import reindex

            reindex(ServiceUnit.objects.filter(admin_unit_id__in=self.descendant_ids()))

    def get_absolute_url(self) -> str:
        return reverse("places:admin_unit", args=[self.code])

    def build_search_key(self) -> str:
        """Names first (Open311 reads the first two), then the other names people use."""
        return search_keys(
            getattr(self, "name_mn", "") or self.name,
            getattr(self, "name_en", ""),
            self.code,
            getattr(self, "centre_name_mn", ""),
            getattr(self, "centre_name_en", ""),
            *self.aliases.split(";"),
        )

    @property
    def is_top_level(self) -> bool:
        return self.level in {self.Level.CAPITAL, self.Level.AIMAG}

    def ancestors(self) -> list["AdminUnit"]:
        chain, node, seen = [], self.parent, set()
        while node is not None and node.pk not in seen:
            seen.add(node.pk)
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    def descendant_ids(self) -> list[int]:
        """This unit and every unit below it (three levels at most in Mongolia)."""
        ids, frontier = [self.pk], [self.pk]
        while frontier:
            # Skip units already seen: a parent set wrongly in the back office must not loop forever.
            frontier = list(
                AdminUnit.objects.filter(parent_id__in=frontier).exclude(pk__in=ids).values_list("pk", flat=True)
            )
            ids.extend(frontier)
        return ids

    @property
    def top_level_unit(self) -> "AdminUnit":
        chain = [*self.ancestors(), self]
        for unit in chain:
            if unit.is_top_level:
                return unit
        return chain[0]


class ServiceUnitQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def search(self, text: str, **filters):
        """Facilities matching ``text``, best first: ``places.search.search_facilities``."""
        from .search import search_facilities

        return search_facilities(text, queryset=self, **filters)

    def in_area(self, unit: AdminUnit):
        return self.filter(admin_unit_id__in=unit.descendant_ids())

    def with_areas(self, depth: int = 2):
        """Join the facility's unit and ``depth - 1`` of its ancestors, without their boundaries
        (see ``AdminUnitQuerySet.without_shapes``)."""
        related = ["admin_unit" + "__parent" * level for level in range(depth)]
        return self.select_related(*related).defer(*(f"{path}__boundary" for path in related))


class ServiceUnit(models.Model):
    """A facility that serves the public: a school, kindergarten, health centre, hospital…"""

    class Kind(models.TextChoices):
        GENERAL_SCHOOL = "general_school", _("general education school")
        KINDERGARTEN = "kindergarten", _("kindergarten")
        VOCATIONAL_SCHOOL = "vocational_school", _("vocational school")
        UNIVERSITY = "university", _("university or college")
        DORMITORY = "dormitory", _("school dormitory")
        FAMILY_HEALTH_CENTRE = "family_health_centre", _("family health centre")
        SOUM_HEALTH_CENTRE = "soum_health_centre", _("soum health centre")
        AIMAG_HOSPITAL = "aimag_hospital", _("aimag general hospital")
        DISTRICT_HOSPITAL = "district_hospital", _("district general hospital")
        SPECIALISED_CENTRE = "specialised_centre", _("specialised hospital or centre")
        MATERNITY_HOME = "maternity_home", _("maternity home")
        PHARMACY = "pharmacy", _("pharmacy")
        OTHER = "other", _("other")

    # Which sector each kind belongs to by default (imports and the demo data use it).
    KIND_SECTOR = {
        Kind.GENERAL_SCHOOL: "education",
        Kind.KINDERGARTEN: "education",
        Kind.VOCATIONAL_SCHOOL: "education",
        Kind.UNIVERSITY: "education",
        Kind.DORMITORY: "education",
        Kind.FAMILY_HEALTH_CENTRE: "health",
        Kind.SOUM_HEALTH_CENTRE: "health",
        Kind.AIMAG_HOSPITAL: "health",
        Kind.DISTRICT_HOSPITAL: "health",
        Kind.SPECIALISED_CENTRE: "health",
        Kind.MATERNITY_HOME: "health",
        Kind.PHARMACY: "health",
        Kind.OTHER: "other",
    }

    code = models.CharField(_("public code"), max_length=12, unique=True, default=new_public_code, editable=False)
    name = models.CharField(_("name"), max_length=255)
    sector = models.ForeignKey(Sector, verbose_name=_("sector"), on_delete=models.PROTECT)
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    admin_unit = models.ForeignKey(
        AdminUnit,
        verbose_name=_("administrative unit"),
        on_delete=models.PROTECT,
        related_name="service_units",
        help_text=_("The soum, district, khoroo or bag where the facility is."),
    )
    address = models.CharField(_("address"), max_length=255, blank=True)
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=[MinValueValidator(41), MaxValueValidator(53)]
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=[MinValueValidator(87), MaxValueValidator(120)]
    )
    registry_code = models.CharField(
        _("registry code"),
        max_length=64,
        blank=True,
        help_text=_("The facility's code in the ministry's registry, when it has one."),
    )
    operator = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("operator"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="operated_units",
        help_text=_("The organisation that runs the facility."),
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # The folded words the search matches (places/search.py); PostgreSQL indexes them together.
    search_name = models.TextField(blank=True, editable=False)
    search_alias = models.TextField(blank=True, editable=False)
    search_place = models.TextField(blank=True, editable=False)
    search_kind = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ServiceUnitQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        constraints = [
            models.UniqueConstraint(
                fields=["registry_code"],
                condition=~Q(registry_code=""),
                name="serviceunit_unique_registry_code",
            )
        ]
        indexes = [
            # aimag/soum pages and the facility search filtered by area, sector and kind
            models.Index(fields=["admin_unit", "sector", "kind"], name="serviceunit_area_sector_kind"),
            models.Index(fields=["sector", "kind"], name="serviceunit_sector_kind"),
            # facilities near me: the bounding box around the browser's position
            models.Index(fields=["latitude", "longitude"], name="serviceunit_location"),
            # a search made of kind words (places/search.py): the facilities of a kind in rank order
            models.Index(F("kind"), Length("search_name"), F("name_mn"), F("id"), name="serviceunit_kind_rank_mn"),
            models.Index(F("kind"), Length("search_name"), F("name_en"), F("id"), name="serviceunit_kind_rank_en"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        from .search import fill_search_fields, remember_words

        words = fill_search_fields(self)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_name", "search_alias", "search_place"}
            kwargs["update_fields"] |= {"search_kind"}
        super().save(*args, **kwargs)
        remember_words(words)

    def get_absolute_url(self) -> str:
        return reverse("places:facility", args=[self.code])

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class SearchTerm(models.Model):
    """A folded word of some facility's names or places: the vocabulary that typed words with a
    typo are matched against (``places/search.py``). PostgreSQL keeps a trigram index on it."""

    word = models.CharField(_("word"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")

    def __str__(self) -> str:
        return self.word


def admin_unit_at(lon: float, lat: float) -> "AdminUnit | None":
    """The smallest current unit with a boundary that contains the point (soum/district, else aimag).
    Answered from the prepared shapes each process keeps (``places/geo.py``)."""
    from .geo import admin_unit_at as look_up

    return look_up(lon, lat)
