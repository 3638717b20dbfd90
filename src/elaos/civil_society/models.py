"""The public register of non-profit associations (NPAs) under Decree 238/2017 on Associations."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from elaos.core.models import BaseModel

# The annual report is due by this month-day of the year after the one it covers. Decree 238's own deadline was not
# found (see the civil-society domain notes), so it is a setting: NPA_ANNUAL_REPORT_DEADLINE = "MM-DD".
DEFAULT_ANNUAL_REPORT_DEADLINE = "03-31"


class Npa(BaseModel):
    """A registered association. Suspended and dissolved associations stay in the register with their history."""

    class Type(models.TextChoices):
        ECONOMIC = "economic", _("Economic")
        PROFESSIONAL_TECHNICAL_CREATIVE = "professional_technical_creative", _("Professional, technical or creative")
        SOCIAL_WELFARE = "social_welfare", _("Social welfare")
        OTHER = "other", _("Other")

    class Level(models.TextChoices):
        NATIONAL = "national", _("National")
        PROVINCIAL = "provincial", _("Province or capital")
        DISTRICT = "district", _("District")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        DISSOLVED = "dissolved", _("Dissolved")

    registration_number = models.CharField(_("registration number"), max_length=20, unique=True)
    name_lo = models.CharField(_("name (Lao)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    abbreviation = models.CharField(_("abbreviation"), max_length=30, blank=True)
    type = models.CharField(_("type"), max_length=40, choices=Type.choices)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    sector = models.ForeignKey(
        "agencies.Sector", verbose_name=_("sector"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    province = models.ForeignKey(
        "core.Province", verbose_name=_("province"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    district = models.ForeignKey(
        "core.District", verbose_name=_("district"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField(_("address"), max_length=250, blank=True)
    objectives_lo = models.TextField(_("objectives (Lao)"), blank=True)
    objectives_en = models.TextField(_("objectives (English)"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    registered_on = models.DateField(_("registered on"))
    # Derived from the names by services.npa_index for the name check (selectors.npa_name_available).
    name_lo_key = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    name_en_key = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    name_words = models.TextField(blank=True, editable=False)
    # The services-domain application this registration came from; internal, never published.
    source_application_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        ordering = ["registration_number"]
        indexes = [models.Index(fields=["status", "type", "level"])]
        verbose_name = _("non-profit association")
        verbose_name_plural = _("non-profit associations")

    def __str__(self) -> str:
        return f"{self.registration_number} {self.name_lo}"


class NpaStatusChange(models.Model):
    """One row per status the association entered, registration included; never changed."""

    npa = models.ForeignKey(Npa, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=10, choices=Npa.Status.choices, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Npa.Status.choices)
    reason = models.TextField(_("reason"), blank=True)
    date = models.DateField(_("date"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["date", "recorded_at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.npa.registration_number}: {self.from_status or '-'} → {self.status} ({self.date})"


class NpaOfficer(models.Model):
    class Role(models.TextChoices):
        PRESIDENT = "president", _("President")
        VICE_PRESIDENT = "vice_president", _("Vice-president")
        SECRETARY = "secretary", _("Secretary")
        TREASURER = "treasurer", _("Treasurer")
        MEMBER = "member", _("Board member")

    npa = models.ForeignKey(Npa, on_delete=models.CASCADE, related_name="officers")
    name_lo = models.CharField(_("name (Lao)"), max_length=150)
    name_latin = models.CharField(_("name (Latin script)"), max_length=150, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    since = models.DateField(_("since"))
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["until", "since", "id"]
        verbose_name = _("officer")
        verbose_name_plural = _("officers")

    def __str__(self) -> str:
        return f"{self.name_lo} ({self.role})"

    @property
    def is_current(self) -> bool:
        return self.until is None or self.until >= timezone.localdate()


def annual_report_deadline(year: int) -> datetime.date:
    month, day = getattr(settings, "NPA_ANNUAL_REPORT_DEADLINE", DEFAULT_ANNUAL_REPORT_DEADLINE).split("-")
    return datetime.date(year + 1, int(month), int(day))


class AnnualReport(models.Model):
    """What an association did and received in a calendar year, due by the deadline of the next year."""

    npa = models.ForeignKey(Npa, on_delete=models.CASCADE, related_name="annual_reports")
    year = models.PositiveSmallIntegerField(_("year"))
    activities_lo = models.TextField(_("activities (Lao)"), blank=True)
    activities_en = models.TextField(_("activities (English)"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["npa", "year"], name="one_annual_report_per_npa_and_year")]
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")

    def __str__(self) -> str:
        return f"{self.npa.registration_number} {self.year}"

    @property
    def deadline(self) -> datetime.date:
        return annual_report_deadline(self.year)

    @property
    def is_late(self) -> bool:
        return timezone.localdate(self.submitted_at) > self.deadline


class AnnualReportIncome(models.Model):
    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="income")
    source_lo = models.CharField(_("source (Lao)"), max_length=200)
    source_en = models.CharField(_("source (English)"), max_length=200, blank=True)
    amount_kip = models.PositiveBigIntegerField(_("amount (kip)"))
    foreign = models.BooleanField(_("from abroad"), default=False)

    class Meta:
        ordering = ["id"]
        verbose_name = _("income")
        verbose_name_plural = _("income")

    def __str__(self) -> str:
        return f"{self.source_lo}: {self.amount_kip}"


class AnnualReportSpending(models.Model):
    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="spending")
    purpose_lo = models.CharField(_("purpose (Lao)"), max_length=200)
    purpose_en = models.CharField(_("purpose (English)"), max_length=200, blank=True)
    amount_kip = models.PositiveBigIntegerField(_("amount (kip)"))

    class Meta:
        ordering = ["id"]
        verbose_name = _("spending")
        verbose_name_plural = _("spending")

    def __str__(self) -> str:
        return f"{self.purpose_lo}: {self.amount_kip}"


class NpaProject(models.Model):
    """A project submitted for approval (Decree 238 asks for approval of projects and of the donations funding
    them)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    npa = models.ForeignKey(Npa, on_delete=models.CASCADE, related_name="projects")
    title_lo = models.CharField(_("title (Lao)"), max_length=250)
    title_en = models.CharField(_("title (English)"), max_length=250, blank=True)
    budget_kip = models.PositiveBigIntegerField(_("budget (kip)"))
    foreign_funding_kip = models.PositiveBigIntegerField(_("foreign funding (kip)"), default=0)
    funder = models.CharField(_("funder"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)

    class Meta:
        ordering = ["-approved_on", "id"]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return self.title_lo


class NpaMembership(models.Model):
    """A person who may act online for an association: its administrators file reports and submit projects."""

    class Role(models.TextChoices):
        NPA_ADMIN = "npa_admin", _("Administrator")
        MEMBER = "member", _("Member")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="npa_memberships")
    npa = models.ForeignKey(Npa, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    since = models.DateField(_("since"), default=timezone.localdate)
    until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        ordering = ["npa", "user", "-since"]
        indexes = [models.Index(fields=["user", "role"])]
        verbose_name = _("NPA membership")
        verbose_name_plural = _("NPA memberships")

    def __str__(self) -> str:
        return f"{self.user} · {self.npa.registration_number} ({self.role})"


class NpaProjectSubmission(models.Model):
    """What the association filed with a project beyond its published summary, and who filed it. The project's
    decision is taken in the workflow engine (subject "civil_society.project")."""

    project = models.OneToOneField(NpaProject, on_delete=models.CASCADE, related_name="submission")
    description_lo = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("project submission")
        verbose_name_plural = _("project submissions")

    def __str__(self) -> str:
        return str(self.project)


class AnnualReportOverdue(models.Model):
    """A year whose report deadline passed with no report, flagged once by the reminders task."""

    npa = models.ForeignKey(Npa, on_delete=models.CASCADE, related_name="overdue_reports")
    year = models.PositiveSmallIntegerField(_("year"))
    flagged_at = models.DateTimeField(_("flagged at"), default=timezone.now)

    class Meta:
        ordering = ["npa", "year"]
        constraints = [models.UniqueConstraint(fields=["npa", "year"], name="one_overdue_flag_per_npa_and_year")]
        verbose_name = _("overdue annual report")
        verbose_name_plural = _("overdue annual reports")

    def __str__(self) -> str:
        return f"{self.npa.registration_number} {self.year}"
