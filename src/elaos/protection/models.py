"""Protection cases of victims of trafficking and vulnerable migrants, following IOM's Human Trafficking Case Data
Standard (HTCDS, github.com/UNMigration/HTCDS). Who the person is (names, contact, date of birth, ID numbers) lives
in CaseIdentity, apart from the case facts, so that lists, exports and referrals never need to touch it.

Picklist values are stored in snake_case; `HTCDS_VALUES` in elaos.protection.export maps them to the standard's
value names."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from elaos.core.models import BaseModel


class TraffickingStatus(models.TextChoices):
    POSSIBLE = "possible", _("Possible victim of trafficking")
    ACTUAL = "actual", _("Victim of trafficking")
    NOT_A_VICTIM = "not_a_victim", _("Not a victim of trafficking (vulnerable migrant)")


class MigrantType(models.TextChoices):
    LABOUR = "labour", _("Labour migrant")
    IRREGULAR = "irregular", _("Irregular migrant")
    STRANDED = "stranded", _("Stranded migrant")
    VULNERABLE = "vulnerable", _("Vulnerable migrant")
    DEPORTEE = "deportee", _("Deportee")
    RETURNEE = "returnee", _("Returnee")


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    NON_CONFORMING = "non_conforming", _("Transgender or non-conforming")
    UNKNOWN = "unknown", _("Unknown")


class AgeBand(models.TextChoices):
    """Age when trafficked, in the bands of CTDC's "ageBroad"; never a date of birth."""

    A0_8 = "0-8", "0–8"
    A9_17 = "9-17", "9–17"
    A18_20 = "18-20", "18–20"
    A21_23 = "21-23", "21–23"
    A24_26 = "24-26", "24–26"
    A27_29 = "27-29", "27–29"
    A30_38 = "30-38", "30–38"
    A39_47 = "39-47", "39–47"
    A48 = "48+", "48+"
    UNKNOWN = "unknown", _("Unknown")


def age_band_for(age: int | None) -> str:
    if age is None or age < 0:
        return AgeBand.UNKNOWN
    for band in AgeBand.values:
        if band == AgeBand.UNKNOWN:
            continue
        low, _sep, high = band.rstrip("+").partition("-")
        if int(low) <= age and (not high or age <= int(high)):
            return band
    return AgeBand.UNKNOWN


class Country(models.TextChoices):
    """ISO 3166-1 alpha-2 codes of the countries Lao migrants go to or pass through; ZZ for any other or unknown."""

    LA = "LA", _("Laos")
    TH = "TH", _("Thailand")
    CN = "CN", _("China")
    MY = "MY", _("Malaysia")
    VN = "VN", _("Viet Nam")
    KH = "KH", _("Cambodia")
    MM = "MM", _("Myanmar")
    KR = "KR", _("Republic of Korea")
    JP = "JP", _("Japan")
    SG = "SG", _("Singapore")
    TW = "TW", _("Taiwan")
    AE = "AE", _("United Arab Emirates")
    ZZ = "ZZ", _("Other or unknown")


class Exploitation(models.TextChoices):
    """HTCDS TypeOfExploitation (ForcedMarriage is a local addition: brides taken abroad are a Lao concern)."""

    FORCED_LABOUR = "forced_labour", _("Forced labour")
    SEXUAL = "sexual", _("Sexual exploitation")
    FORCED_MARRIAGE = "forced_marriage", _("Forced marriage")
    OTHER = "other", _("Other exploitation")


class ControlMethod(models.TextChoices):
    """HTCDS MethodsOfControl, all 17 values."""

    DEBT_BONDAGE = "debt_bondage", _("Debt bondage")
    TAKES_EARNINGS = "takes_earnings", _("Takes earnings")
    RESTRICTS_FINANCIAL_ACCESS = "restricts_financial_access", _("Restricts financial access")
    THREATS = "threats", _("Threats")
    PSYCHOLOGICAL_ABUSE = "psychological_abuse", _("Psychological abuse")
    PHYSICAL_ABUSE = "physical_abuse", _("Physical abuse")
    SEXUAL_ABUSE = "sexual_abuse", _("Sexual abuse")
    FALSE_PROMISES = "false_promises", _("False promises")
    PSYCHOACTIVE_SUBSTANCES = "psychoactive_substances", _("Psychoactive substances")
    RESTRICTS_MOVEMENT = "restricts_movement", _("Restricts movement")
    RESTRICTS_MEDICAL_CARE = "restricts_medical_care", _("Restricts medical care")
    EXCESSIVE_WORKING_HOURS = "excessive_working_hours", _("Excessive working hours")
    USES_CHILDREN = "uses_children", _("Uses children")
    THREAT_OF_LAW_ENFORCEMENT = "threat_of_law_enforcement", _("Threat of law enforcement")
    WITHHOLDS_NECESSITIES = "withholds_necessities", _("Withholds necessities")
    WITHHOLDS_DOCUMENTS = "withholds_documents", _("Withholds documents")
    OTHER = "other", _("Other")


class Recruitment(models.TextChoices):
    """HTCDS MethodOfRecruitment."""

    ABDUCTION = "abduction", _("Abduction")
    EDUCATIONAL_FACILITY = "educational_facility", _("Educational facility")
    FAMILIAL = "familial", _("Family member")
    INTERNET = "internet", _("Internet (social media, online advertisement)")
    MARRIAGE_BROKER = "marriage_broker", _("International marriage broker")
    INTIMATE_PARTNER = "intimate_partner", _("Intimate partner or marriage proposition")
    JOB_OFFER = "job_offer", _("Job offer or advertisement")
    POSING_AS_BENEFACTOR = "posing_as_benefactor", _("Posing as benefactor")
    PUBLIC_AREA = "public_area", _("Public area")
    OFFER_OF_ACCOMMODATION = "offer_of_accommodation", _("Offer of accommodation")
    SMUGGLING = "smuggling", _("Smuggling or ransom")
    WORK = "work", _("At work")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class Industry(models.TextChoices):
    """HTCDS ForcedLabourIndustry: ISIC rev. 4 sections."""

    A = "A", _("Agriculture, forestry and fishing")
    B = "B", _("Mining and quarrying")
    C = "C", _("Manufacturing")
    F = "F", _("Construction")
    G = "G", _("Wholesale and retail trade")
    H = "H", _("Transportation and storage")
    I = "I", _("Accommodation and food service activities")  # noqa: E741
    N = "N", _("Administrative and support service activities")
    R = "R", _("Arts, entertainment and recreation")
    S = "S", _("Other service activities")
    T = "T", _("Activities of households as employers (domestic work)")


class Vulnerability(models.TextChoices):
    """HTCDS Vulnerabilities."""

    ADDICTION = "addiction", _("Addiction")
    DISCRIMINATION = "discrimination", _("Discrimination")
    POVERTY = "poverty", _("Poverty")
    DISABILITY = "disability", _("Disability and physical health")
    MENTAL_HEALTH = "mental_health", _("Mental health")
    MIGRATION = "migration", _("Migration")
    HOMELESSNESS = "homelessness", _("Homelessness")
    ABUSE_SOCIAL_MEDIA = "abuse_social_media", _("Abuse through social media")
    ABUSE_PHYSICAL = "abuse_physical", _("Physical abuse")
    EDUCATION = "education", _("Education")
    WORK_ENVIRONMENT = "work_environment", _("Work environment")


LIST_FIELDS = {
    "types_of_exploitation": Exploitation,
    "methods_of_control": ControlMethod,
    "methods_of_recruitment": Recruitment,
    "vulnerabilities": Vulnerability,
    "countries_of_transit": Country,
}


class ProtectionCase(BaseModel):
    """The facts of one case (HTCDS Case and Victim Context), held by one office and, normally, one case worker."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        FOLLOW_UP = "follow_up", _("Follow-up")
        CLOSED = "closed", _("Closed")

    class ClosureReason(models.TextChoices):
        GOALS_MET = "goals_met", _("The goals of the case plan are met")
        CONSENT_WITHDRAWN = "consent_withdrawn", _("The person withdrew their consent")
        LOST_CONTACT = "lost_contact", _("Contact was lost")
        RELOCATED = "relocated", _("The person moved away")
        DECEASED = "deceased", _("The person died")
        OTHER = "other", _("Other")

    reference = models.CharField(_("reference"), max_length=20, unique=True)
    organisation = models.ForeignKey(
        "agencies.Organisation", verbose_name=_("office"), on_delete=models.PROTECT, related_name="+"
    )
    case_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("case worker"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    trafficking_status = models.CharField(_("trafficking status"), max_length=14, choices=TraffickingStatus.choices)
    migrant_type = models.CharField(_("migrant type"), max_length=10, choices=MigrantType.choices)
    gender = models.CharField(_("gender"), max_length=14, choices=Gender.choices)
    age_band = models.CharField(_("age when trafficked"), max_length=8, choices=AgeBand.choices)
    citizenship = models.CharField(_("citizenship"), max_length=2, choices=Country.choices, default=Country.LA)
    province = models.ForeignKey(
        "core.Province",
        verbose_name=_("home province"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    country_of_exploitation = models.CharField(_("country of exploitation"), max_length=2, choices=Country.choices)
    countries_of_transit = models.JSONField(_("countries of transit"), default=list, blank=True)
    types_of_exploitation = models.JSONField(_("types of exploitation"), default=list)
    methods_of_control = models.JSONField(_("methods of control"), default=list, blank=True)
    methods_of_recruitment = models.JSONField(_("methods of recruitment"), default=list, blank=True)
    forced_labour_industry = models.CharField(
        _("industry (forced labour)"), max_length=1, choices=Industry.choices, blank=True
    )
    vulnerabilities = models.JSONField(_("vulnerabilities"), default=list, blank=True)
    recruited_on = models.DateField(_("recruited on"), null=True, blank=True)
    identified_on = models.DateField(_("identified on"))
    opened_on = models.DateField(_("opened on"), default=timezone.localdate)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    closure_reason = models.CharField(_("reason for closure"), max_length=20, choices=ClosureReason.choices, blank=True)
    closure_note = models.TextField(_("closure note"), blank=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        indexes = [models.Index(fields=["organisation", "status"]), models.Index(fields=["case_worker", "status"])]
        verbose_name = _("protection case")
        verbose_name_plural = _("protection cases")

    def __str__(self) -> str:
        return self.reference

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for name, choices in LIST_FIELDS.items():
            values = getattr(self, name)
            if not isinstance(values, list) or any(v not in choices.values for v in values):
                errors[name] = str(_("Choose from the list."))
            elif len(set(values)) != len(values):
                errors[name] = str(_("A value is chosen twice."))
        if not self.types_of_exploitation and "types_of_exploitation" not in errors:
            errors["types_of_exploitation"] = str(_("Choose at least one type of exploitation."))
        today = timezone.localdate()
        if self.identified_on and self.identified_on > today:
            errors["identified_on"] = str(_("This date is in the future."))
        if self.recruited_on and self.recruited_on > today:
            errors["recruited_on"] = str(_("This date is in the future."))
        elif self.recruited_on and self.identified_on and self.recruited_on > self.identified_on:
            errors["recruited_on"] = str(_("Recruitment cannot come after identification."))
        if errors:
            raise ValidationError(errors)

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class CaseIdentity(models.Model):
    """Who the person is. Read only on the case's own page, by those who may see the case; never in a list, an
    export or a referral."""

    class IdDocument(models.TextChoices):
        NONE = "", _("None")
        ID_CARD = "id_card", _("ID card")
        PASSPORT = "passport", _("Passport")
        FAMILY_BOOK = "family_book", _("Family book (census book)")
        OTHER = "other", _("Other document")

    case = models.OneToOneField(ProtectionCase, on_delete=models.CASCADE, related_name="identity")
    given_name = models.CharField(_("given name"), max_length=100)
    family_name = models.CharField(_("family name"), max_length=100, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    address = models.CharField(_("address"), max_length=250, blank=True)
    id_document = models.CharField(_("ID document"), max_length=12, choices=IdDocument.choices, blank=True)
    id_number = models.CharField(_("ID number"), max_length=40, blank=True)
    # The person's own e-Laos account, when they have one: audit rows name them, so they see who read their case.
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("identity")
        verbose_name_plural = _("identities")

    def __str__(self) -> str:
        return f"{self.case.reference} identity"

    def clean(self) -> None:
        if self.date_of_birth and self.date_of_birth > timezone.localdate():
            raise ValidationError({"date_of_birth": _("This date is in the future.")})
        if self.id_number and not self.id_document:
            raise ValidationError({"id_document": _("Say which document the number is from.")})


class ConsentGrant(BaseModel):
    """Informed consent for one purpose and one recipient (an office or an association), until withdrawn."""

    class Purpose(models.TextChoices):
        CASE_MANAGEMENT = "case_management", _("Case management")
        REFERRAL = "referral", _("Referral for a service")
        TRANSFER = "transfer", _("Transfer of the case")

    class Method(models.TextChoices):
        VERBAL = "verbal", _("Verbal, witnessed")
        WRITTEN = "written", _("Written and signed")

    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    recipient_organisation = models.ForeignKey(
        "agencies.Organisation",
        verbose_name=_("recipient office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recipient_npa = models.CharField(_("recipient association"), max_length=20, blank=True)
    recipient_name = models.CharField(max_length=250)
    method = models.CharField(_("how consent was given"), max_length=8, choices=Method.choices)
    given_on = models.DateField(_("given on"), default=timezone.localdate)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawal_note = models.TextField(blank=True)

    class Meta:
        ordering = ["given_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(recipient_organisation__isnull=False) & models.Q(recipient_npa=""))
                | (models.Q(recipient_organisation__isnull=True) & ~models.Q(recipient_npa="")),
                name="consent_has_one_recipient",
            )
        ]
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    def __str__(self) -> str:
        return f"{self.case.reference}: {self.purpose} → {self.recipient_name}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


class RiskAssessment(models.Model):
    """Scored risk items (0 none … 3 severe) and the level their total gives."""

    class Level(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="risk_assessments")
    assessed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assessed_at = models.DateTimeField(default=timezone.now)
    scores = models.JSONField(default=dict)
    total = models.PositiveSmallIntegerField()
    level = models.CharField(_("risk level"), max_length=6, choices=Level.choices)

    class Meta:
        ordering = ["-assessed_at", "-id"]
        verbose_name = _("risk assessment")
        verbose_name_plural = _("risk assessments")

    def __str__(self) -> str:
        return f"{self.case.reference}: {self.level} ({self.total})"


class PlanItem(BaseModel):
    """One goal of the case plan and the action that serves it."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="plan_items")
    goal = models.CharField(_("goal"), max_length=250)
    action = models.CharField(_("action"), max_length=250)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    status_changed_on = models.DateField(default=timezone.localdate)

    class Meta:
        ordering = ["status", "due_on", "id"]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")

    def __str__(self) -> str:
        return self.goal

    def is_overdue(self, today: object) -> bool:
        return self.status == self.Status.OPEN and self.due_on is not None and self.due_on < today  # type: ignore[operator]


class Referral(BaseModel):
    """A service asked of an office or an association. The recipient sees only this row: the service, what the
    case worker chose to share, the person's gender and age band, never the identity or the case."""

    class Service(models.TextChoices):
        SHELTER = "shelter", _("Safe shelter")
        MEDICAL = "medical", _("Medical care")
        PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
        LEGAL = "legal", _("Legal assistance")
        LIVELIHOOD = "livelihood", _("Livelihood, skills and jobs")
        EDUCATION = "education", _("Education")
        FAMILY = "family", _("Family tracing and reunification")
        RETURN = "return", _("Return and reintegration")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="referrals")
    consent = models.ForeignKey(ConsentGrant, on_delete=models.PROTECT, related_name="referrals")
    service = models.CharField(_("service"), max_length=12, choices=Service.choices)
    to_organisation = models.ForeignKey(
        "agencies.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_npa = models.CharField(max_length=20, blank=True)
    recipient_name = models.CharField(max_length=250)
    details = models.TextField(_("what the recipient needs to know"), max_length=2000)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    referred_on = models.DateField(default=timezone.localdate)
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    outcome = models.TextField(_("outcome"), blank=True)
    outcome_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-referred_on", "-id"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return f"{self.case.reference}: {self.service} → {self.recipient_name}"


class CaseNote(models.Model):
    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("note"), max_length=5000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("case note")
        verbose_name_plural = _("case notes")

    def __str__(self) -> str:
        return f"{self.case.reference} note {self.pk}"


class CaseTransfer(models.Model):
    """The case moved to another office, with the person's consent for that office; never changed."""

    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="transfers")
    consent = models.ForeignKey(ConsentGrant, on_delete=models.PROTECT, related_name="+")
    from_organisation = models.ForeignKey("agencies.Organisation", on_delete=models.PROTECT, related_name="+")
    to_organisation = models.ForeignKey("agencies.Organisation", on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    transferred_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    transferred_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["transferred_at", "id"]
        verbose_name = _("case transfer")
        verbose_name_plural = _("case transfers")

    def __str__(self) -> str:
        return f"{self.case.reference}: {self.from_organisation_id} → {self.to_organisation_id}"


class CaseStatusChange(models.Model):
    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=10, choices=ProtectionCase.Status.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=ProtectionCase.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")

    def __str__(self) -> str:
        return f"{self.case.reference}: {self.from_status or '-'} → {self.to_status}"


class BreakGlassAccess(models.Model):
    """Emergency access of a colleague in the case's office to a case not theirs, for a stated reason, until it
    expires. The office's supervisors are told at once."""

    case = models.ForeignKey(ProtectionCase, on_delete=models.CASCADE, related_name="break_glass")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"))
    opened_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["user", "expires_at"])]
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency accesses")

    def __str__(self) -> str:
        return f"{self.case.reference}: {self.user_id} until {self.expires_at:%Y-%m-%d %H:%M}"


# Risk assessment items: each scored 0 (none) to 3 (severe).
RISK_ITEMS = [
    ("contact_with_traffickers", _("Traffickers or recruiters still in contact or nearby")),
    ("threats_to_family", _("Threats against the person or their family")),
    ("debt", _("Debt owed to recruiters, brokers or employers")),
    ("health", _("Physical or mental health needs")),
    ("accommodation", _("No safe place to stay")),
    ("minor", _("A child, or children in their care")),
    ("legal", _("Irregular status or pending legal proceedings")),
]
RISK_MAX_SCORE = 3


def risk_level(scores: dict[str, int]) -> tuple[int, str]:
    """The total and its level: high from 10 points or any severe item, medium from 5, else low."""
    total = sum(scores.values())
    if total >= 10 or any(score >= RISK_MAX_SCORE for score in scores.values()):
        return total, RiskAssessment.Level.HIGH
    if total >= 5:
        return total, RiskAssessment.Level.MEDIUM
    return total, RiskAssessment.Level.LOW
