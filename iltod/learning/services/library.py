"""The library: save (each save a version), send for review, publish or return with a note, and
search in both scripts. Search keys are the folded Latin words of the published text
(iltod.lib.translit), so "zasag" finds «засаг»; on PostgreSQL the full-text search of the same
text is added to it."""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from iltod.accounts.audit import AuditAction
from iltod.accounts.services import log_event
from iltod.lib.translit import search_words

from ..models.library import LibraryItem, LibraryVersion

__all__ = ["TAG_FIELDS", "VERSIONED_FIELDS", "publish_item", "return_item", "save_item", "search_library"]

TEXT_FIELDS = ("title_mn", "title_en", "body_mn", "body_en")
TAG_FIELDS = ("competency_areas", "sectors")
LINK_FIELDS = ("kind", "sa_tool", "aimag", "training", "meeting")
VERSIONED_FIELDS = TEXT_FIELDS + LINK_FIELDS  # kept on each version, applied to the item on publishing


@transaction.atomic
def save_item(*, actor, item=None, submit=False, note="", file=None, request=None, **fields) -> LibraryItem:
    """Create or edit an item; every save is a new version holding its text, type, links and tags.
    ``submit`` sends it for review. Once an item is published, a save changes nothing public: the
    item keeps the published version's values until the administrator publishes a newer one."""
    if not (fields.get("title_mn") or (item and item.title_mn)):
        raise ValidationError(_("Give the title in Mongolian."))
    if item is None:
        item = LibraryItem(author=actor if getattr(actor, "is_authenticated", False) else None)
        base, base_tags = None, {}
    else:
        item = LibraryItem.objects.select_for_update().get(pk=item.pk)
        base = item.versions.order_by("-number").first() or item
        base_tags = {name: list(getattr(base, name).all()) for name in TAG_FIELDS}
    tags = {name: fields.pop(name) if name in fields else base_tags.get(name, []) for name in TAG_FIELDS}
    values = {name: fields.pop(name) if name in fields else getattr(base or item, name) for name in VERSIONED_FIELDS}
    if values["kind"] == LibraryItem.Kind.WORKSHOP and not (values["training"] or values["meeting"]):
        raise ValidationError(_("Workshop documentation belongs to a training or a meeting: choose one."))
    for name, value in fields.items():  # what is not versioned: the network of a new item
        setattr(item, name, value)
    if not item.published_id:  # nothing public yet: the item shows its latest draft to its editors
        for name, value in values.items():
            setattr(item, name, value)
    if file is not None:
        item.file.save(file.name, file.file, save=False)
    item.status = LibraryItem.Status.IN_REVIEW if submit else LibraryItem.Status.DRAFT
    item.save()
    if not item.published_id:
        for name, chosen in tags.items():
            getattr(item, name).set(chosen)
    number = (item.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = LibraryVersion.objects.create(
        item=item,
        number=number,
        note=note[:255],
        saved_by=actor if getattr(actor, "is_authenticated", False) else None,
        **values,
    )
    for name, chosen in tags.items():
        getattr(version, name).set(chosen)
    log_event(actor, AuditAction.LIBRARY_SAVED, item, request=request, version=number, submitted=submit)
    return item


@transaction.atomic
def publish_item(item: LibraryItem, *, actor, request=None) -> LibraryItem:
    """Publish the latest version: its text, type, links and tags become the item's."""
    item = LibraryItem.objects.select_for_update().get(pk=item.pk)
    if item.status != LibraryItem.Status.IN_REVIEW:
        raise ValidationError(_("Only an item sent for review can be published."))
    version = item.versions.order_by("-number").first()
    version.published_at = timezone.now()
    version.save(update_fields=["published_at"])
    for name in VERSIONED_FIELDS:
        setattr(item, name, getattr(version, name))
    for name in TAG_FIELDS:
        getattr(item, name).set(getattr(version, name).all())
    item.published = version
    item.status = LibraryItem.Status.PUBLISHED
    item.review_note = ""
    item.search_key = " ".join(
        dict.fromkeys(word for name in TEXT_FIELDS for word in search_words(getattr(version, name)))
    )[:100000]
    item.save(update_fields=["published", "status", "review_note", "search_key", "updated_at", *VERSIONED_FIELDS])
    log_event(actor, AuditAction.LIBRARY_REVIEWED, item, request=request, published=version.number)
    return item


@transaction.atomic
def return_item(item: LibraryItem, *, actor, note: str, request=None) -> LibraryItem:
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Say what to change: the author reads the note."))
    item = LibraryItem.objects.select_for_update().get(pk=item.pk)
    if item.status != LibraryItem.Status.IN_REVIEW:
        raise ValidationError(_("Only an item sent for review can be returned."))
    item.status = LibraryItem.Status.DRAFT
    item.review_note = note
    item.save(update_fields=["status", "review_note", "updated_at"])
    log_event(actor, AuditAction.LIBRARY_REVIEWED, item, request=request, returned=True, note=note)
    return item


def search_library(queryset, text: str):
    """Items whose published text matches every word of ``text`` in either script; on PostgreSQL
    also what its full-text search matches."""
    words = search_words(text)
    if not words:
        return queryset
    condition = Q()
    for word in words:
        condition &= Q(search_key__contains=word)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchVector

        vector = SearchVector(*(f"published__{name}" for name in TEXT_FIELDS), config="simple")
        ids = queryset.annotate(_vector=vector).filter(
            _vector=SearchQuery(text, config="simple", search_type="websearch")
        )
        return queryset.filter(condition | Q(pk__in=ids.values("pk")))
    return queryset.filter(condition)
