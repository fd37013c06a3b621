"""The network's library: pages and documents in Mongolian and English, each save kept as a
version (its text, type, tags and links). A draft goes to the network administrator for review;
the version they publish is the public one (later edits wait for review again while the published
version, and the item's type, tags and links, stay as they were). Tags:
competency areas, an SA tool, sectors and an aimag. Workshop documentation links to a training
or a meeting."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from iltod.places.models import new_public_code

from .profiles import SATool

__all__ = ["LibraryItem", "LibraryVersion"]


def library_upload_path(instance, filename):
    return f"learning/library/{timezone.now():%Y/%m}/{new_public_code(12)}-{filename[-80:]}"


class LibraryItem(models.Model):
    class Kind(models.TextChoices):
        DEFINITION = "definition", _("working definition of social accountability")
        GUIDE = "guide", _("guide to an SA tool")
        CASE_STUDY = "case_study", _("case study")
        LESSON = "lesson", _("lesson learned")
        WORKSHOP = "workshop", _("workshop documentation")
        OTHER = "other", _("other document")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")  # its author is writing it
        IN_REVIEW = "in_review", _("waiting for review")  # the network administrator reviews it
        PUBLISHED = "published", _("published")  # the reviewed version is public

    code = models.CharField(_("public code"), max_length=12, unique=True, default=new_public_code, editable=False)
    network = models.ForeignKey(
        "organizations.Organization", verbose_name=_("network"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("type"), max_length=16, choices=Kind.choices, default=Kind.LESSON)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    title_mn = models.CharField(_("title (Mongolian)"), max_length=255)
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    body_mn = models.TextField(_("text (Mongolian)"), blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)
    file = models.FileField(_("document"), upload_to=library_upload_path, blank=True)
    competency_areas = models.ManyToManyField(
        "learning.CompetencyArea", verbose_name=_("competency areas"), blank=True, related_name="+"
    )
    sa_tool = models.CharField(_("SA tool"), max_length=32, choices=SATool.choices, blank=True)
    sectors = models.ManyToManyField("places.Sector", verbose_name=_("sectors"), blank=True, related_name="+")
    aimag = models.ForeignKey(
        "places.AdminUnit",
        verbose_name=_("aimag or capital"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    training = models.ForeignKey(
        "learning.Training",
        verbose_name=_("training"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="library_items",
    )
    meeting = models.ForeignKey(
        "engagement.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    published = models.ForeignKey(
        "learning.LibraryVersion",
        verbose_name=_("published version"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    review_note = models.TextField(_("reviewer's note"), blank=True)
    search_key = models.TextField(blank=True, editable=False)  # folded Latin keys of the published text
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("library item")
        verbose_name_plural = _("library items")
        indexes = [
            # the public library filtered by type, newest first
            models.Index(fields=["kind", "-updated_at"], name="learning_library_kind"),
            # the administrator's review queue
            models.Index(fields=["status", "updated_at"], name="learning_library_status"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("learning:library_item", args=[self.code])

    @property
    def title(self) -> str:
        return (self.title_en if get_language() == "en" and self.title_en else "") or self.title_mn

    @property
    def is_public(self) -> bool:
        return self.published_id is not None


class LibraryVersion(models.Model):
    """One saved version of an item: its history."""

    item = models.ForeignKey(
        LibraryItem, verbose_name=_("library item"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    title_mn = models.CharField(_("title (Mongolian)"), max_length=255)
    title_en = models.CharField(_("title (English)"), max_length=255, blank=True)
    body_mn = models.TextField(_("text (Mongolian)"), blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)
    # what the version says about the item: applied to the item only when the version is published,
    # so a draft changes nothing public
    kind = models.CharField(_("type"), max_length=16, choices=LibraryItem.Kind.choices, default=LibraryItem.Kind.LESSON)
    sa_tool = models.CharField(_("SA tool"), max_length=32, choices=SATool.choices, blank=True)
    aimag = models.ForeignKey(
        "places.AdminUnit",
        verbose_name=_("aimag or capital"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    training = models.ForeignKey(
        "learning.Training",
        verbose_name=_("training"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    meeting = models.ForeignKey(
        "engagement.Meeting",
        verbose_name=_("meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    competency_areas = models.ManyToManyField(
        "learning.CompetencyArea", verbose_name=_("competency areas"), blank=True, related_name="+"
    )
    sectors = models.ManyToManyField("places.Sector", verbose_name=_("sectors"), blank=True, related_name="+")
    note = models.CharField(_("what changed"), max_length=255, blank=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("saved by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    saved_at = models.DateTimeField(_("saved"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["item", "-number"]
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        constraints = [models.UniqueConstraint(fields=["item", "number"], name="learning_library_version_once")]

    def __str__(self) -> str:
        return f"{self.item} v{self.number}"

    @property
    def title(self) -> str:
        return (self.title_en if get_language() == "en" and self.title_en else "") or self.title_mn

    @property
    def body(self) -> str:
        return (self.body_en if get_language() == "en" and self.body_en else "") or self.body_mn
