"""Safe migration: migrants' pre-departure records, licensed recruitment agencies, complaints, returnees and their
reintegration referrals, and safe-migration information by destination country.

Personal data is kept for its stated purpose only (Lao Law on Electronic Data Protection, 2017): the consent given at
registration names the purpose, statistics are published only as suppressed aggregates (elaos.core.privacy), and
records past their retention period are anonymised by a periodic task (tasks.retention_sweep)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from elaos.core.models import BaseModel
from elaos.core.storage import private_storage


class Destination(models.TextChoices):
    THAILAND = "TH", _("Thailand")
    KOREA = "KR", _("Republic of Korea")
    JAPAN = "JP", _("Japan")
    MALAYSIA = "MY", _("Malaysia")
    SINGAPORE = "SG", _("Singapore")
    CHINA = "CN", _("China")
    OTHER = "XX", _("Another country")


class IsicSection(models.TextChoices):
    """ISIC Rev. 4 sections: the industry of the job, as HTCDS records ForcedLabourIndustry."""

    A = "A", _("Agriculture, forestry and fishing")
    B = "B", _("Mining and quarrying")
    C = "C", _("Manufacturing")
    F = "F", _("Construction")
    G = "G", _("Wholesale and retail trade")
    H = "H", _("Transportation and storage")
    I = "I", _("Accommodation and food service")  # noqa: E741
    N = "N", _("Administrative and support services")
    Q = "Q", _("Human health and social work")
    S = "S", _("Other service activities")
    T = "T", _("Households as employers (domestic work)")
    OTHER = "X", _("Other industry")


class Sex(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other or not stated")


class RecruitmentAgency(BaseModel):
    """A licensed employment service enterprise. Suspended and revoked agencies stay in the public register with
    their history, so that workers can see why."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")
        REVOKED = "revoked", _("Revoked")

    class Scope(models.TextChoices):
        DOMESTIC = "domestic", _("Placement in Laos")
        OVERSEAS = "overseas", _("Sending workers abroad")
        BOTH = "both", _("Both")

    TRANSITIONS = {
        Status.ACTIVE: {Status.SUSPENDED, Status.REVOKED},
        Status.SUSPENDED: {Status.ACTIVE, Status.REVOKED},
        Status.REVOKED: set(),
    }

    licence_number = models.CharField(_("licence number"), max_length=30, unique=True)
    name_lo = models.CharField(_("name (Lao)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    enterprise_registration_number = models.CharField(_("enterprise registration number"), max_length=40)
    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.OVERSEAS)
    destination_countries = models.CharField(_("destination countries"), max_length=200, blank=True)
    head_office_address = models.CharField(_("head office address"), max_length=250, blank=True)
    province = models.ForeignKey(
        "core.Province", verbose_name=_("province"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("licence status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    licensed_on = models.DateField(_("licensed on"))
    licence_expires_on = models.DateField(_("licence expires on"))
    # The services-domain application that issued or last renewed the licence; internal, never published.
    source_application_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    renewal_application_ids = models.JSONField(default=list, blank=True, editable=False)

    class Meta:
        ordering = ["licence_number"]
        verbose_name = _("recruitment agency")
        verbose_name_plural = _("recruitment agencies")

    def __str__(self) -> str:
        return f"{self.licence_number} {self.name_lo}"

    def is_licensed_on(self, day: object) -> bool:
        return self.status == self.Status.ACTIVE and self.licence_expires_on >= day  # type: ignore[operator]


class AgencyStatusChange(models.Model):
    """One row per licence status the agency entered; suspensions and revocations are its public sanctions."""

    agency = models.ForeignKey(RecruitmentAgency, on_delete=models.PROTECT, related_name="status_changes")
    from_status = models.CharField(max_length=10, choices=RecruitmentAgency.Status.choices, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=RecruitmentAgency.Status.choices)
    reason = models.TextField(_("reason"), blank=True)
    date = models.DateField(_("date"))
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "recorded_at", "id"]
        verbose_name = _("licence status change")
        verbose_name_plural = _("licence status changes")

    def __str__(self) -> str:
        return f"{self.agency.licence_number}: {self.from_status or '-'} → {self.status} ({self.date})"


class Migrant(BaseModel):
    """One departure of a Lao worker abroad: the contract, the agency, the travel documents and the checks before
    leaving, followed through a status timeline until the worker comes home."""

    class Status(models.TextChoices):
        REGISTERED = "registered", _("Registered")
        DOCUMENTS = "documents", _("Documents ready")
        DEPARTED = "departed", _("Departed")
        ABROAD = "abroad", _("Working abroad")
        RETURNED = "returned", _("Returned")

    TRANSITIONS = {
        Status.REGISTERED: {Status.DOCUMENTS},
        Status.DOCUMENTS: {Status.REGISTERED, Status.DEPARTED},
        Status.DEPARTED: {Status.ABROAD, Status.RETURNED},
        Status.ABROAD: {Status.RETURNED},
        Status.RETURNED: set(),
    }

    class Channel(models.TextChoices):
        SELF = "self", _("By the migrant online")
        OFFICE = "office", _("By a labour office or Migrant Resource Centre")

    class HealthResult(models.TextChoices):
        FIT = "fit", _("Fit to work")
        UNFIT = "unfit", _("Not fit to work")

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    # Null once the record is anonymised at the end of its retention period.
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="migrant_records"
    )
    office = models.ForeignKey(
        "agencies.Organisation", verbose_name=_("responsible office"), on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(_("registered"), max_length=10, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REGISTERED)
    # Who the migrant is, as the statistics need it (no names: those are on the person's account).
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"))
    home_province = models.ForeignKey(
        "core.Province", verbose_name=_("home province"), on_delete=models.PROTECT, related_name="+"
    )
    # The job and the contract.
    destination = models.CharField(_("destination country"), max_length=2, choices=Destination.choices)
    employer_name = models.CharField(_("employer"), max_length=200)
    employer_address = models.CharField(_("employer's address"), max_length=250, blank=True)
    sector = models.CharField(_("industry (ISIC)"), max_length=1, choices=IsicSection.choices)
    job_title = models.CharField(_("job"), max_length=120)
    monthly_wage = models.PositiveIntegerField(_("monthly wage"))
    wage_currency = models.CharField(_("wage currency"), max_length=3, default="THB")
    hours_per_week = models.PositiveSmallIntegerField(_("working hours per week"))
    monthly_deductions = models.PositiveIntegerField(_("monthly deductions"), default=0)
    deductions_note = models.CharField(_("what is deducted"), max_length=250, blank=True)
    contract_months = models.PositiveSmallIntegerField(_("contract length (months)"))
    agency = models.ForeignKey(
        RecruitmentAgency,
        verbose_name=_("recruitment agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="migrants",
    )
    departure_date = models.DateField(_("planned departure"))
    # Travel documents.
    passport_number = models.CharField(_("passport number"), max_length=20, blank=True)
    passport_expires_on = models.DateField(_("passport expires on"), null=True, blank=True)
    visa_number = models.CharField(_("visa number"), max_length=30, blank=True)
    visa_expires_on = models.DateField(_("visa expires on"), null=True, blank=True)
    work_permit_number = models.CharField(_("work permit number"), max_length=30, blank=True)
    work_permit_expires_on = models.DateField(_("work permit expires on"), null=True, blank=True)
    # Checks before leaving. The health result is sensitive data (medical history): shown to the person and the
    # responsible office only, never in statistics.
    orientation_completed_on = models.DateField(_("pre-departure orientation attended on"), null=True, blank=True)
    health_check_on = models.DateField(_("health check on"), null=True, blank=True)
    health_check_result = models.CharField(
        _("health check result"), max_length=10, choices=HealthResult.choices, blank=True
    )
    insurance_provider = models.CharField(_("insurer"), max_length=120, blank=True)
    insurance_policy_number = models.CharField(_("insurance policy number"), max_length=40, blank=True)
    insurance_expires_on = models.DateField(_("insurance expires on"), null=True, blank=True)
    # Consent (Law on Electronic Data Protection, 2017): what the person agreed to, and when.
    consent_purpose = models.CharField(_("purpose agreed to"), max_length=40)
    consented_at = models.DateTimeField(_("consent given at"))
    card_document_id = models.UUIDField(null=True, blank=True, editable=False)
    returned_on = models.DateField(_("returned on"), null=True, blank=True)
    permit_reminders_sent = models.JSONField(default=list, blank=True, editable=False)
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["office", "status"]), models.Index(fields=["work_permit_expires_on"])]
        verbose_name = _("migrant record")
        verbose_name_plural = _("migrant records")

    def __str__(self) -> str:
        return self.reference


class MigrantStatusChange(models.Model):
    migrant = models.ForeignKey(Migrant, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=12, choices=Migrant.Status.choices, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Migrant.Status.choices)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("migrant status change")
        verbose_name_plural = _("migrant status changes")

    def __str__(self) -> str:
        return f"{self.migrant.reference}: {self.status}"


class CorrectionRequest(BaseModel):
    """A migrant asks for their record to be corrected; an officer of the responsible office resolves it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CORRECTED = "corrected", _("Corrected")
        REFUSED = "refused", _("Refused")

    migrant = models.ForeignKey(Migrant, on_delete=models.CASCADE, related_name="correction_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    details = models.TextField(_("what is wrong and what it should say"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    resolution = models.TextField(_("answer"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("correction request")
        verbose_name_plural = _("correction requests")

    def __str__(self) -> str:
        return f"{self.migrant.reference}: {self.status}"


class Complaint(BaseModel):
    """A complaint against a recruitment agency or an employer. Anonymous complaints are followed with the
    reference and a secret code (kept only as a hash)."""

    class Category(models.TextChoices):
        EXCESS_FEES = "excess_fees", _("Excessive recruitment fees")
        CONTRACT_SUBSTITUTION = "contract_substitution", _("Contract substitution")
        UNPAID_WAGES = "unpaid_wages", _("Unpaid wages")
        CONFISCATED_DOCUMENTS = "confiscated_documents", _("Confiscated documents")
        ABUSE = "abuse", _("Abuse or violence")
        OTHER = "other", _("Other")

    class Against(models.TextChoices):
        AGENCY = "agency", _("A recruitment agency")
        EMPLOYER = "employer", _("An employer")

    class Complainant(models.TextChoices):
        MIGRANT = "migrant", _("The migrant worker")
        FAMILY = "family", _("A family member")
        OFFICER = "officer", _("An officer on the worker's behalf")

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        IN_REVIEW = "in_review", _("Being examined")
        REFERRED = "referred", _("Referred to labour inspection")
        CLOSED = "closed", _("Closed")

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Upheld")
        NOT_UPHELD = "not_upheld", _("Not upheld")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    TRANSITIONS = {
        Status.RECEIVED: {Status.IN_REVIEW, Status.REFERRED, Status.CLOSED},
        Status.IN_REVIEW: {Status.REFERRED, Status.CLOSED},
        Status.REFERRED: {Status.CLOSED},
        Status.CLOSED: set(),
    }

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    # The form's one-time key: sending the same form twice files one complaint.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    secret_hash = models.CharField(max_length=128, blank=True, editable=False)
    complainant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="migration_complaints"
    )
    complainant_kind = models.CharField(_("who complains"), max_length=10, choices=Complainant.choices)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    contact_phone = models.CharField(_("phone to reach you"), max_length=20, blank=True)
    migrant = models.ForeignKey(Migrant, null=True, blank=True, on_delete=models.SET_NULL, related_name="complaints")
    office = models.ForeignKey(
        "agencies.Organisation", verbose_name=_("handling office"), on_delete=models.PROTECT, related_name="+"
    )
    against = models.CharField(_("complaint against"), max_length=10, choices=Against.choices)
    agency = models.ForeignKey(
        RecruitmentAgency, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints"
    )
    employer_name = models.CharField(_("employer"), max_length=200, blank=True)
    destination = models.CharField(_("country"), max_length=2, choices=Destination.choices, blank=True)
    category = models.CharField(_("what happened"), max_length=30, choices=Category.choices)
    description = models.TextField(_("description"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    due_at = models.DateTimeField(_("answer due"))
    inspection_office = models.ForeignKey(
        "agencies.Organisation",
        verbose_name=_("labour inspection office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    referred_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(_("outcome explained"), blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(against="employer") | Q(agency__isnull=False), name="migration_complaint_agency_named"
            )
        ]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")

    def __str__(self) -> str:
        return self.reference


# Named in migrations; one definition for every app (elaos.core.storage).
_private_storage = private_storage


class ComplaintEvidence(BaseModel):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(storage=_private_storage, upload_to="migration/evidence/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return self.original_name


class ComplaintStatusChange(models.Model):
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=10, choices=Complaint.Status.choices, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Complaint.Status.choices)
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.complaint.reference}: {self.status}"


class Need(models.TextChoices):
    JOBS = "jobs", _("Jobs")
    SKILLS = "skills", _("Skills training")
    HEALTH = "health", _("Health")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    LEGAL = "legal", _("Legal help")


class Returnee(BaseModel):
    """A worker registered on coming home, at a border point or at the district, with what they need."""

    class Place(models.TextChoices):
        BORDER = "border", _("At the border")
        DISTRICT = "district", _("At the district office")

    class TravelDocument(models.TextChoices):
        PASSPORT = "passport", _("Passport")
        BORDER_PASS = "border_pass", _("Border pass")
        YELLOW_CARD = "yellow_card", _("Yellow card (travel permit)")
        PURPLE_CARD = "purple_card", _("Purple card")
        NONE = "none", _("No document")

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="returnee_records"
    )
    migrant = models.ForeignKey(Migrant, null=True, blank=True, on_delete=models.SET_NULL, related_name="returns")
    full_name = models.CharField(_("full name"), max_length=200)
    phone = models.CharField(_("mobile number"), max_length=20, blank=True)
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"))
    home_province = models.ForeignKey(
        "core.Province", verbose_name=_("home province"), on_delete=models.PROTECT, related_name="+"
    )
    office = models.ForeignKey(
        "agencies.Organisation", verbose_name=_("registering office"), on_delete=models.PROTECT, related_name="+"
    )
    registered_at = models.CharField(_("registered"), max_length=10, choices=Place.choices)
    border_point = models.CharField(_("border point"), max_length=120, blank=True)
    returned_on = models.DateField(_("returned on"))
    returned_from = models.CharField(_("returned from"), max_length=2, choices=Destination.choices)
    travel_document = models.CharField(_("travel document"), max_length=12, choices=TravelDocument.choices)
    needs = models.JSONField(_("needs"), default=list, blank=True)
    needs_note = models.TextField(_("needs assessment"), blank=True)
    consent_purpose = models.CharField(_("purpose agreed to"), max_length=40)
    consented_at = models.DateTimeField(_("consent given at"))
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-returned_on", "-id"]
        verbose_name = _("returnee")
        verbose_name_plural = _("returnees")

    def __str__(self) -> str:
        return self.reference


class Referral(BaseModel):
    """A reintegration referral of a returnee to a government office or an association, which accepts or declines
    it and then reports the outcome. Unanswered or unfinished referrals past their due date escalate."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        COMPLETED = "completed", _("Outcome reported")

    TRANSITIONS = {
        Status.PENDING: {Status.ACCEPTED, Status.DECLINED},
        Status.ACCEPTED: {Status.COMPLETED},
        Status.DECLINED: set(),
        Status.COMPLETED: set(),
    }

    returnee = models.ForeignKey(Returnee, on_delete=models.CASCADE, related_name="referrals")
    need = models.CharField(_("need"), max_length=12, choices=Need.choices)
    to_office = models.ForeignKey(
        "agencies.Organisation",
        verbose_name=_("government office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_npa = models.ForeignKey(
        "civil_society.Npa",
        verbose_name=_("association"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("what is asked"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    due_at = models.DateTimeField(_("due"))
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(to_office__isnull=False) & Q(to_npa__isnull=True))
                | (Q(to_office__isnull=True) & Q(to_npa__isnull=False)),
                name="migration_referral_one_recipient",
            )
        ]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return f"{self.returnee.reference}: {self.need}"


class InfoPage(BaseModel):
    """Safe-migration information for one destination country, in Lao and English, edited by staff."""

    country = models.CharField(_("country"), max_length=2, choices=Destination.choices, unique=True)
    title_lo = models.CharField(_("title (Lao)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    rights_lo = models.TextField(_("your rights (Lao)"))
    rights_en = models.TextField(_("your rights (English)"), blank=True)
    channels_lo = models.TextField(_("legal channels and costs (Lao)"))
    channels_en = models.TextField(_("legal channels and costs (English)"), blank=True)
    agency_check_lo = models.TextField(_("how to check an agency (Lao)"))
    agency_check_en = models.TextField(_("how to check an agency (English)"), blank=True)
    hotlines_lo = models.TextField(_("hotlines (Lao)"))
    hotlines_en = models.TextField(_("hotlines (English)"), blank=True)

    class Meta:
        ordering = ["country"]
        verbose_name = _("safe-migration page")
        verbose_name_plural = _("safe-migration pages")

    def __str__(self) -> str:
        return self.title_lo
