"""Procurement: OCDS releases compiled into contracting processes, the parties they name linked to
Iltod's organisations and facilities, red flags, and the monitoring that gets problems fixed."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from iltod.places.models import AdminUnit, Sector, ServiceUnit, new_public_code


class Party(models.Model):
    """An organisation as OCDS names it (identifier scheme and id), linked to Iltod's organisation
    and, for a buyer that is a hospital or a school, to its facility. A party that matched nothing
    waits in the back office's review queue (``organization`` empty)."""

    code = models.CharField(_("public code"), max_length=12, unique=True, default=new_public_code, editable=False)
    scheme = models.CharField(_("identifier scheme"), max_length=64, blank=True)
    identifier = models.CharField(_("identifier"), max_length=128)
    name = models.CharField(_("name"), max_length=255)
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisation in Iltod"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="procurement_parties",
    )
    facility = models.ForeignKey(
        ServiceUnit,
        verbose_name=_("facility"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="procurement_parties",
    )
    reviewed = models.BooleanField(
        _("reviewed"), default=False, help_text=_("Someone checked the link (or that there is none) by hand.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("procurement party")
        verbose_name_plural = _("procurement parties")
        constraints = [models.UniqueConstraint(fields=["scheme", "identifier"], name="procurement_party_identity")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("procurement:party", args=[self.code])


class ContractingProcessQuerySet(models.QuerySet):
    def with_flag(self, code: str):
        """Processes flagged for ``code``: by the process's own flag, or one of its parties' flagged
        in it (a party's flag is stored once more with each process it was flagged in)."""
        return self.filter(models.Exists(Flag.objects.filter(process=models.OuterRef("pk"), code=code)))

    def for_facility(self, facility):
        return self.filter(Q(buyer__facility=facility) | Q(procuring_entity__facility=facility))


class ContractingProcess(models.Model):
    """One contracting process (OCID): the compiled release of its releases, and the columns pages
    filter on."""

    class Status(models.TextChoices):
        # OCDS tender status codelist
        PLANNING = "planning", _("planning")
        PLANNED = "planned", _("planned")
        ACTIVE = "active", _("active")
        CANCELLED = "cancelled", _("cancelled")
        UNSUCCESSFUL = "unsuccessful", _("unsuccessful")
        COMPLETE = "complete", _("complete")
        WITHDRAWN = "withdrawn", _("withdrawn")
        UNKNOWN = "", _("unknown")

    class Method(models.TextChoices):
        # OCDS procurement method codelist
        OPEN = "open", _("open")
        SELECTIVE = "selective", _("selective")
        LIMITED = "limited", _("limited")
        DIRECT = "direct", _("direct")
        UNKNOWN = "", _("unknown")

    ocid = models.CharField(_("OCID"), max_length=128, unique=True)
    code = models.CharField(_("public code"), max_length=12, unique=True, default=new_public_code, editable=False)
    compiled = models.JSONField(_("compiled release"))
    title = models.CharField(_("title"), max_length=500, blank=True)
    buyer = models.ForeignKey(
        Party, verbose_name=_("buyer"), on_delete=models.PROTECT, null=True, blank=True, related_name="bought"
    )
    procuring_entity = models.ForeignKey(
        Party,
        verbose_name=_("procuring entity"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="procured",
    )
    suppliers = models.ManyToManyField(Party, verbose_name=_("suppliers"), blank=True, related_name="supplied")
    # who bid (tender.tenderers and bids.details[].tenderers): a supplier's profile counts them
    tenderers = models.ManyToManyField(Party, verbose_name=_("tenderers"), blank=True, related_name="tendered")
    method = models.CharField(_("procurement method"), max_length=16, choices=Method.choices, blank=True, db_index=True)
    method_details = models.CharField(_("method details"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, blank=True, db_index=True)
    tender_value = models.DecimalField(_("estimated value"), max_digits=20, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    awarded_amount = models.DecimalField(_("awarded amount"), max_digits=20, decimal_places=2, null=True, blank=True)
    number_of_tenderers = models.PositiveIntegerField(_("number of tenderers"), null=True, blank=True)
    tender_start = models.DateTimeField(_("tender opens"), null=True, blank=True)
    tender_end = models.DateTimeField(_("tender closes"), null=True, blank=True)
    date = models.DateTimeField(_("date of the latest release"), null=True, blank=True)
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, db_index=True)
    classification = models.CharField(_("item classification"), max_length=64, blank=True, db_index=True)
    # From the buyer's link: where and in which sector the money is spent.
    admin_unit = models.ForeignKey(
        AdminUnit, verbose_name=_("area"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    aimag = models.ForeignKey(
        AdminUnit,
        verbose_name=_("aimag or capital"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="procurement_processes",
    )
    sector = models.ForeignKey(
        Sector, verbose_name=_("sector"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ContractingProcessQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "ocid"]
        verbose_name = _("contracting process")
        verbose_name_plural = _("contracting processes")
        indexes = [
            # the search list: newest first, and per buyer, aimag or sector
            models.Index(fields=["-date", "ocid"], name="procurement_process_date"),
            models.Index(fields=["buyer", "-date"], name="procurement_process_buyer"),
            models.Index(fields=["aimag", "-date"], name="procurement_process_aimag"),
            models.Index(fields=["sector", "-date"], name="procurement_process_sector"),
            models.Index(fields=["tender_value"], name="procurement_process_value"),
        ]

    def __str__(self) -> str:
        return self.title or self.ocid

    def get_absolute_url(self) -> str:
        return reverse("procurement:process", args=[self.code])


class Release(models.Model):
    """A release as published. A release id seen before (for its OCID) changes nothing."""

    ocid = models.CharField(_("OCID"), max_length=128, db_index=True)
    release_id = models.CharField(_("release id"), max_length=128)
    date = models.DateTimeField(_("date"), null=True, blank=True)
    hash = models.CharField(_("hash"), max_length=64)
    data = models.JSONField(_("release"))
    job = models.ForeignKey(
        "ImportJob", verbose_name=_("import"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("release")
        verbose_name_plural = _("releases")
        constraints = [models.UniqueConstraint(fields=["ocid", "release_id"], name="procurement_release_identity")]

    def __str__(self) -> str:
        return f"{self.ocid} {self.release_id}"


class ImportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("imported")
        FAILED = "failed", _("refused")

    code = models.CharField(_("public code"), max_length=12, unique=True, default=new_public_code, editable=False)
    file = models.FileField(_("file"), upload_to="procurement/imports/", blank=True)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveIntegerField(_("releases read"), default=0)
    total_bytes = models.PositiveBigIntegerField(_("size"), default=0)
    bytes_read = models.PositiveBigIntegerField(_("bytes read"), default=0)
    releases_new = models.PositiveIntegerField(_("new releases"), default=0)
    releases_seen = models.PositiveIntegerField(_("releases seen before"), default=0)
    processes = models.PositiveIntegerField(_("processes compiled"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("publisher"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("OCDS import")
        verbose_name_plural = _("OCDS imports")

    def __str__(self) -> str:
        return self.filename or self.code

    @property
    def percent(self) -> int:
        if self.status in (self.Status.DONE, self.Status.FAILED):
            return 100
        return min(99, int(self.bytes_read * 100 / self.total_bytes)) if self.total_bytes else 0


class FlagSettings(models.Model):
    """The red flags' settings in Cardinal's INI format. One set is active."""

    name = models.CharField(_("name"), max_length=100)
    ini = models.TextField(_("settings (INI)"), blank=True)
    is_active = models.BooleanField(_("active"), default=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # set when a change to the active settings queued a recomputation of the flags, emptied when done
    recompute_queued_at = models.DateTimeField(_("flags being recomputed since"), null=True, blank=True)

    class Meta:
        verbose_name = _("red flag settings")
        verbose_name_plural = _("red flag settings")
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True), name="procurement_one_active")
        ]

    def __str__(self) -> str:
        return self.name


class Flag(models.Model):
    """A red flag's result, as Cardinal gives it: per process (OCID) or per party."""

    class Scope(models.TextChoices):
        PROCESS = "OCID", _("process")
        BUYER = "Buyer", _("buyer")
        PROCURING_ENTITY = "ProcuringEntity", _("procuring entity")
        TENDERER = "Tenderer", _("tenderer")

    scope = models.CharField(_("scope"), max_length=16, choices=Scope.choices)
    key = models.CharField(_("OCID or party id"), max_length=160)
    code = models.CharField(_("indicator"), max_length=8)
    value = models.FloatField(_("value"))
    process = models.ForeignKey(
        ContractingProcess, on_delete=models.CASCADE, null=True, blank=True, related_name="flags"
    )
    party = models.ForeignKey(Party, on_delete=models.CASCADE, null=True, blank=True, related_name="flags")

    class Meta:
        verbose_name = _("red flag")
        verbose_name_plural = _("red flags")
        indexes = [models.Index(fields=["code", "scope"], name="procurement_flag_code")]  # search by flag

    def __str__(self) -> str:
        return f"{self.code} {self.key}"


class ProcessFeedback(models.Model):
    """Structured feedback on a process (DOZORRO's form), stored as a feedback item routed to the
    buyer; linked both ways (``Feedback.attributes['procurement_process']``)."""

    QUESTIONS = (
        ("specification_fair", _("Was the specification fair?")),
        ("expected_cost_right", _("Was the expected cost right?")),
        ("requirements_discriminatory", _("Were the requirements discriminatory?")),
        ("disqualification_justified", _("Was the disqualification justified?")),
        ("executed_as_agreed", _("Was the contract executed as agreed?")),
    )

    process = models.ForeignKey(ContractingProcess, on_delete=models.CASCADE, related_name="feedback")
    feedback = models.OneToOneField("feedback.Feedback", on_delete=models.CASCADE, related_name="procurement_feedback")
    rating = models.PositiveSmallIntegerField(_("overall rating"))
    answers = models.JSONField(_("answers"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("feedback on a process")
        verbose_name_plural = _("feedback on processes")

    def __str__(self) -> str:
        return f"{self.process} ({self.rating}/5)"


class OversightBody(models.Model):
    """Where a monitoring case's complaint goes (configurable in the back office)."""

    name = models.CharField(_("name"), max_length=200)
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisation in Iltod"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("oversight body")
        verbose_name_plural = _("oversight bodies")

    def __str__(self) -> str:
        return self.name


class MonitoringNetwork(models.Model):
    """A network (or subnetwork) whose member organisations monitor procurement: only their members
    holding ``can_monitor_procurement`` (or holding it in the network itself) open cases."""

    network = models.OneToOneField(
        "organizations.Organization",
        verbose_name=_("network"),
        on_delete=models.CASCADE,
        limit_choices_to={"kind": "network"},
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("procurement-monitoring network")
        verbose_name_plural = _("procurement-monitoring networks")

    def __str__(self) -> str:
        return str(self.network)


class MonitoringCaseQuerySet(models.QuerySet):
    def public(self):
        """Cases the public sees: at least one step (the violation first) is published."""
        published = CaseStep.objects.filter(case=models.OuterRef("pk"), moderation=CaseStep.Moderation.PUBLISHED)
        return self.filter(models.Exists(published))

    def closed(self):
        return self.filter(state=MonitoringCase.State.CLOSED)

    def fixed(self):
        return self.filter(state=MonitoringCase.State.CLOSED, outcome=MonitoringCase.Outcome.SUCCESS)


class MonitoringCase(models.Model):
    """A CSO's case on a process: violation reported → actions → result → closed.

    ``state``, ``outcome`` and ``closed_at`` are what the public sees: they follow the latest step
    a moderator published, never a step still waiting (``services.moderate_step``). The monitors'
    own position in the loop is the latest step not refused (``services.working_state``)."""

    class State(models.TextChoices):
        REPORTED = "reported", _("violation reported")
        ACTION = "action", _("action taken")
        RESULT = "result", _("result received")
        CLOSED = "closed", _("closed")

    class Outcome(models.TextChoices):
        SUCCESS = "success", _("success: the violation was fixed")
        DEFEAT = "defeat", _("defeat: nothing changed")
        CANCELLED = "cancelled", _("cancelled")

    code = models.CharField(_("public code"), max_length=12, unique=True, default=new_public_code, editable=False)
    process = models.ForeignKey(
        ContractingProcess, verbose_name=_("process"), on_delete=models.PROTECT, related_name="cases"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("monitoring organisation"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("violation"), max_length=255)
    state = models.CharField(_("step"), max_length=12, choices=State.choices, default=State.REPORTED, db_index=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("opened by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened"), default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)

    objects = MonitoringCaseQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("monitoring case")
        verbose_name_plural = _("monitoring cases")
        indexes = [models.Index(fields=["organization", "-opened_at"], name="procurement_case_org")]  # network list

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("procurement:case", args=[self.code])


class CaseStep(models.Model):
    class Kind(models.TextChoices):
        VIOLATION = "violation", _("violation reported")
        LETTER = "letter", _("letter to the buyer")
        COMPLAINT = "complaint", _("complaint to an oversight body")
        RESULT = "result", _("result")
        CLOSED = "closed", _("case closed")

    class Moderation(models.TextChoices):
        PENDING = "pending", _("waiting for moderation")
        PUBLISHED = "published", _("published")
        REJECTED = "rejected", _("not published")

    code = models.CharField(_("public code"), max_length=12, unique=True, default=new_public_code, editable=False)
    case = models.ForeignKey(MonitoringCase, on_delete=models.CASCADE, related_name="steps")
    kind = models.CharField(_("step"), max_length=12, choices=Kind.choices)
    oversight_body = models.ForeignKey(
        OversightBody, verbose_name=_("oversight body"), on_delete=models.PROTECT, null=True, blank=True
    )
    public_summary = models.TextField(_("public summary"))
    # how the case ended, on a closing step: the case takes it once the step is published
    outcome = models.CharField(_("outcome"), max_length=12, choices=MonitoringCase.Outcome.choices, blank=True)
    moderation = models.CharField(
        _("moderation"), max_length=12, choices=Moderation.choices, default=Moderation.PENDING, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("case step")
        verbose_name_plural = _("case steps")

    def __str__(self) -> str:
        return self.get_kind_display()


class CaseEvidence(models.Model):
    code = models.CharField(_("public code"), max_length=12, unique=True, default=new_public_code, editable=False)
    step = models.ForeignKey(CaseStep, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("file"), upload_to="procurement/evidence/")
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.file.name


class SkippedCheck(models.Model):
    """A process some red flags could not check, and why: Cardinal leaves these out silently; Iltod
    counts and lists them. Replaced whenever the flags are recomputed."""

    class Reason(models.TextChoices):
        LOTS = "lots", _("Several lots: more than one active award")
        CONSORTIUM = "consortium", _("A bid by several tenderers (a consortium)")
        MULTIPLE_SUPPLIERS = "multiple_suppliers", _("An award to several suppliers")
        CURRENCY = "currency", _("Amounts in another currency than the main one")

    process = models.ForeignKey(ContractingProcess, on_delete=models.CASCADE, related_name="skipped_checks")
    reason = models.CharField(_("reason"), max_length=24, choices=Reason.choices)
    codes = models.JSONField(_("indicators not checked"), default=list, blank=True)

    class Meta:
        verbose_name = _("process not checked")
        verbose_name_plural = _("processes not checked")
        constraints = [models.UniqueConstraint(fields=["process", "reason"], name="procurement_skipped_once")]
        indexes = [models.Index(fields=["reason", "process"], name="procurement_skipped_reason")]

    def __str__(self) -> str:
        return f"{self.process_id} {self.reason}"
