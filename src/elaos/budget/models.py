"""Glass Accounts: the public budget, its execution, every transaction above the threshold, procurement (modelled to
export as OCDS 1.1.5), the agencies' publications with their deadlines, and the derived records (rollups, red flags,
glass index snapshots, alert subscriptions).

Scale notes. ``Transaction`` is the one table that grows to tens of millions of rows: it is lean (no audit columns,
no UUID), its primary key is a BigAutoField that is also its stable public id, and its foreign keys carry no database
constraint and no automatic index — the import validates references in set-based SQL before it inserts, deletion is
PROTECTed by the ORM, and the composite indexes below are the only ones maintained. Overview pages read the rollup
tables (``AgencyMonthTotal``, ``PayeeAgencyYearTotal``, ``AgencyYearTotal``, ``FunctionYearTotal``,
``ProvinceYearTotal``), refreshed by ``services.rollups_refresh`` whenever a batch is published.
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from elaos.core.models import BaseModel
from elaos.core.storage import private_storage


class FundingSource(models.TextChoices):
    DOMESTIC = "domestic", _("Domestic revenue")
    LOAN = "loan", _("Loan")
    GRANT = "grant", _("Grant")


# --- classifications and the budget ---------------------------------------------------------------------------------


class FiscalYear(models.Model):
    """A fiscal year; in Laos it is the calendar year (since 2017). The year itself is the primary key, so fact
    tables carry a readable two-byte ``fiscal_year_id`` such as 2025."""

    class Status(models.TextChoices):
        PLANNING = "planning", _("Planning")
        APPROVED = "approved", _("Approved")
        EXECUTING = "executing", _("Executing")
        CLOSED = "closed", _("Closed")

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNING)
    approved_on = models.DateField(_("approved on"), null=True, blank=True)
    note_lo = models.TextField(_("note (Lao)"), blank=True)
    note_en = models.TextField(_("note (English)"), blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("fiscal year")
        verbose_name_plural = _("fiscal years")

    def __str__(self) -> str:
        return str(self.year)

    @property
    def starts_on(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def ends_on(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)


class ClassificationBase(models.Model):
    """A hierarchical classification code ("07", "07.3", "07.3.1"); ``level`` is the depth, 1 at the top."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    level = models.PositiveSmallIntegerField(_("level"), default=1)
    name_lo = models.CharField(_("name (Lao)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_lo}"


class FunctionClass(ClassificationBase):
    """Functional classification: COFOG (Classification of the Functions of Government), e.g. 07 Health."""

    class Meta(ClassificationBase.Meta):
        verbose_name = _("function (COFOG)")
        verbose_name_plural = _("functions (COFOG)")


class EconomicClass(ClassificationBase):
    """Economic classification, GFS-style: 21 compensation of employees, 22 use of goods and services, 31 fixed
    assets..."""

    class Meta(ClassificationBase.Meta):
        verbose_name = _("economic classification")
        verbose_name_plural = _("economic classifications")


class Programme(models.Model):
    code = models.CharField(_("code"), max_length=30, unique=True)
    agency = models.ForeignKey(
        "agencies.Organisation",
        verbose_name=_("agency"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="budget_programmes",
    )
    name_lo = models.CharField(_("name (Lao)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return f"{self.code} {self.name_lo}"


class BudgetLine(BaseModel):
    """One line of the budget of a fiscal year: an agency (administrative classification), a function, an economic
    class, optionally a programme and a province, a funding source and its amounts per phase. ``code`` is stable
    across years (the same line next year keeps its code), unique within a fiscal year. ``executed`` is the sum of
    the monthly execution, kept by ``services.rollups_refresh``."""

    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name=_("fiscal year"), on_delete=models.PROTECT, related_name="budget_lines"
    )
    code = models.CharField(_("budget code"), max_length=60)
    agency = models.ForeignKey(
        "agencies.Organisation", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="budget_lines"
    )
    province = models.ForeignKey(
        "core.Province", verbose_name=_("province"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    function = models.ForeignKey(
        FunctionClass, verbose_name=_("function"), on_delete=models.PROTECT, related_name="budget_lines"
    )
    economic = models.ForeignKey(
        EconomicClass, verbose_name=_("economic class"), on_delete=models.PROTECT, related_name="budget_lines"
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="budget_lines",
    )
    funding_source = models.CharField(
        _("funding source"), max_length=10, choices=FundingSource.choices, default=FundingSource.DOMESTIC
    )
    name_lo = models.CharField(_("name (Lao)"), max_length=300, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    proposed = models.BigIntegerField(_("proposed (kip)"), default=0)
    approved = models.BigIntegerField(_("approved (kip)"), default=0)
    adjusted = models.BigIntegerField(_("adjusted (kip)"), null=True, blank=True)
    executed = models.BigIntegerField(_("executed (kip)"), default=0)
    batch = models.ForeignKey(
        "ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )

    class Meta:
        ordering = ["fiscal_year", "code"]
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "code"], name="budget_line_unique_code_per_year"),
            models.CheckConstraint(
                condition=Q(proposed__gte=0) & Q(approved__gte=0), name="budget_line_amounts_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["agency", "fiscal_year"], name="budget_line_agency_year")]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")

    def __str__(self) -> str:
        return f"{self.fiscal_year_id} {self.code}"

    @property
    def current(self) -> int:
        """The amount in force: adjusted when there is an adjustment, else approved."""
        return self.adjusted if self.adjusted is not None else self.approved


class MonthlyExecution(models.Model):
    """What a budget line spent in one month (execution phase). Lean: one row per line and month."""

    id = models.BigAutoField(primary_key=True)
    budget_line = models.ForeignKey(BudgetLine, on_delete=models.PROTECT, related_name="monthly_execution")
    month = models.PositiveSmallIntegerField(_("month"))
    executed = models.BigIntegerField(_("executed (kip)"))
    batch = models.ForeignKey(
        "ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )

    class Meta:
        ordering = ["budget_line", "month"]
        constraints = [
            models.UniqueConstraint(fields=["budget_line", "month"], name="monthly_execution_unique_month"),
            models.CheckConstraint(condition=Q(month__gte=1) & Q(month__lte=12), name="monthly_execution_month"),
        ]
        verbose_name = _("monthly execution")
        verbose_name_plural = _("monthly execution")

    def __str__(self) -> str:
        return f"{self.budget_line_id}/{self.month}: {self.executed}"


# --- payees and transactions ----------------------------------------------------------------------------------------


class Payee(models.Model):
    """Who was paid: a company, a person, an association (NPA), a state entity. ``search_text`` is the normalised,
    segmented Lao + English name (elaos.search.lao.index_text) used by payee search; on PostgreSQL a trigram index
    covers it. ``total_received`` (every agency, every year) is kept by the rollups, so search ranks by it
    without aggregating."""

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        INDIVIDUAL = "individual", _("Individual")
        NPA = "npa", _("Non-profit association")
        STATE = "state", _("State entity")
        OTHER = "other", _("Other")

    id = models.BigAutoField(primary_key=True)
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name_lo = models.CharField(_("name (Lao)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.COMPANY)
    registration_number = models.CharField(_("registration number"), max_length=40, null=True, blank=True)
    registered_on = models.DateField(_("registered on"), null=True, blank=True)
    search_text = models.TextField(blank=True, default="")
    total_received = models.BigIntegerField(_("received (kip), all years"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name_lo"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration_number"],
                condition=Q(registration_number__isnull=False),
                name="payee_unique_registration_number",
            )
        ]
        indexes = [
            models.Index(fields=["name_lo"], name="payee_name_lo"),
            models.Index(fields=["name_en"], name="payee_name_en"),
            # Payee search largest first: a word many payees share is answered by walking this index until the
            # page is full, instead of sorting every payee the trigram index finds.
            models.Index(fields=["-total_received", "name_lo"], name="payee_total_name"),
        ]
        verbose_name = _("payee")
        verbose_name_plural = _("payees")

    def __str__(self) -> str:
        return self.name_lo

    def save(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if not self.search_text:
            from elaos.search.lao import index_text

            self.search_text = index_text(f"{self.name_lo} {self.name_en} {self.registration_number or ''}")
        super().save(*args, **kwargs)


class Transaction(models.Model):
    """One payment above the threshold. The BigAutoField ``id`` is the stable public id (URLs, OCDS transaction ids);
    ``reference`` is the agency's own voucher number, unique per agency and fiscal year (duplicate detection).
    Implementation payments of a contract are the transactions whose ``contract`` is set.

    Indexes are the fewest the portal needs (each one costs every imported row a random B-tree insert): lists of
    an agency-year by date or by amount, a payee's payments, a contract's and a budget line's payments (by amount).
    On PostgreSQL the purposes also have trigram (GIN) indexes for text search (migration 0006). A year-wide list
    by amount is the merge of the per-agency amount ranges (selectors.transactions_page)."""

    id = models.BigAutoField(primary_key=True)
    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    agency = models.ForeignKey(
        "agencies.Organisation", on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    reference = models.CharField(_("reference"), max_length=40)
    date = models.DateField(_("date"))
    payee = models.ForeignKey(
        Payee, on_delete=models.PROTECT, related_name="transactions", db_index=False, db_constraint=False
    )
    purpose_lo = models.TextField(_("purpose (Lao)"), blank=True, default="")
    purpose_en = models.TextField(_("purpose (English)"), blank=True, default="")
    amount = models.BigIntegerField(_("amount (kip)"))
    budget_line = models.ForeignKey(
        BudgetLine,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transactions",
        db_index=False,
        db_constraint=False,
    )
    contract = models.ForeignKey(
        "Contract",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
        db_index=False,
        db_constraint=False,
    )
    batch = models.ForeignKey(
        "ImportBatch",
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "fiscal_year", "reference"], name="transaction_unique_reference"),
        ]
        indexes = [
            models.Index(fields=["agency", "fiscal_year", "date"], name="tx_agency_year_date"),
            models.Index(fields=["agency", "fiscal_year", "-amount"], name="tx_agency_year_amount"),
            models.Index(fields=["payee", "date"], name="tx_payee_date"),
            # INCLUDE amount: a contract's paid total (the drill-through) is an index-only scan.
            models.Index(
                fields=["contract"], include=["amount"], name="tx_contract_amount", condition=Q(contract__isnull=False)
            ),
            # A line's payments largest first (the drill-through's payments without a contract, the line page).
            models.Index(
                fields=["budget_line", "-amount"], name="tx_budget_line_amount", condition=Q(budget_line__isnull=False)
            ),
            # The drill-through's payments that rest on no contract, largest first: at 10 million rows the largest
            # payments of a line mostly have contracts, and filtering them out read thousands of rows.
            models.Index(
                fields=["budget_line", "-amount", "-id"],
                name="tx_line_loose_amount",
                condition=Q(budget_line__isnull=False, contract__isnull=True),
            ),
        ]
        verbose_name = _("transaction")
        verbose_name_plural = _("transactions")

    def __str__(self) -> str:
        return f"{self.reference} {self.amount}"


# --- rollups (refreshed on publish; the overview pages never aggregate raw transactions) ----------------------------


class AgencyMonthTotal(models.Model):
    """Transactions per agency and month (agency = the publishing organisation)."""

    agency = models.ForeignKey("agencies.Organisation", on_delete=models.CASCADE, related_name="+", db_index=False)
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.CASCADE, related_name="+")
    month = models.PositiveSmallIntegerField()
    amount = models.BigIntegerField(default=0)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["agency", "fiscal_year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "fiscal_year", "month"], name="agency_month_total_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.fiscal_year_id}/{self.month}: {self.amount}"


class AgencyYearTotal(models.Model):
    """Per agency and year: the budget phases (from budget lines), execution, and transaction totals."""

    agency = models.ForeignKey("agencies.Organisation", on_delete=models.CASCADE, related_name="+", db_index=False)
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.CASCADE, related_name="+")
    proposed = models.BigIntegerField(default=0)
    approved = models.BigIntegerField(default=0)
    adjusted = models.BigIntegerField(default=0)
    executed = models.BigIntegerField(default=0)
    transactions_amount = models.BigIntegerField(default=0)
    transactions_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["agency", "fiscal_year"]
        constraints = [models.UniqueConstraint(fields=["agency", "fiscal_year"], name="agency_year_total_unique")]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.fiscal_year_id}: {self.transactions_amount}"


class PayeeAgencyYearTotal(models.Model):
    """What each agency paid each payee in a year: top payees of an agency-year, a payee's page."""

    payee = models.ForeignKey(Payee, on_delete=models.CASCADE, related_name="+")
    agency = models.ForeignKey("agencies.Organisation", on_delete=models.CASCADE, related_name="+", db_index=False)
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.CASCADE, related_name="+", db_index=False)
    amount = models.BigIntegerField(default=0)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agency", "fiscal_year", "payee"], name="payee_agency_year_unique")
        ]
        indexes = [models.Index(fields=["agency", "fiscal_year", "-amount"], name="payee_total_agency_amount")]

    def __str__(self) -> str:
        return f"{self.payee_id} {self.agency_id} {self.fiscal_year_id}: {self.amount}"


class FunctionYearTotal(models.Model):
    """Budget phases and execution per top-level function (COFOG division) and year."""

    function = models.ForeignKey(FunctionClass, on_delete=models.CASCADE, related_name="+")
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.CASCADE, related_name="+")
    proposed = models.BigIntegerField(default=0)
    approved = models.BigIntegerField(default=0)
    adjusted = models.BigIntegerField(default=0)
    executed = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["function", "fiscal_year"], name="function_year_unique")]

    def __str__(self) -> str:
        return f"{self.function_id} {self.fiscal_year_id}: {self.executed}"


class ProvinceYearTotal(models.Model):
    """Budget phases and execution per province and year; ``province`` null = central (no province)."""

    province = models.ForeignKey("core.Province", null=True, on_delete=models.CASCADE, related_name="+")
    fiscal_year = models.ForeignKey(FiscalYear, on_delete=models.CASCADE, related_name="+")
    proposed = models.BigIntegerField(default=0)
    approved = models.BigIntegerField(default=0)
    adjusted = models.BigIntegerField(default=0)
    executed = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["province", "fiscal_year"], name="province_year_unique")]

    def __str__(self) -> str:
        return f"{self.province_id} {self.fiscal_year_id}: {self.executed}"


# --- procurement (exports as OCDS 1.1.5) ----------------------------------------------------------------------------


class ProcurementMethod(models.TextChoices):
    """Lao procurement methods mapped to OCDS procurementMethod (open / selective / direct)."""

    OPEN = "open", _("Open")
    LIMITED = "limited", _("Limited")
    DIRECT = "direct", _("Direct")


class ProcurementCategory(models.TextChoices):
    GOODS = "goods", _("Goods")
    WORKS = "works", _("Works")
    SERVICES = "services", _("Services")


class ProcurementPlan(BaseModel):
    agency = models.ForeignKey(
        "agencies.Organisation", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="procurement_plans"
    )
    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name=_("fiscal year"), on_delete=models.PROTECT, related_name="+"
    )
    title_lo = models.CharField(_("title (Lao)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    batch = models.ForeignKey(
        "ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )

    class Meta:
        ordering = ["-fiscal_year", "agency"]
        constraints = [models.UniqueConstraint(fields=["agency", "fiscal_year"], name="procurement_plan_unique")]
        verbose_name = _("procurement plan")
        verbose_name_plural = _("procurement plans")

    def __str__(self) -> str:
        return self.title_lo


class ProcurementPlanItem(models.Model):
    plan = models.ForeignKey(ProcurementPlan, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("code"), max_length=60)
    description_lo = models.CharField(_("description (Lao)"), max_length=500)
    description_en = models.CharField(_("description (English)"), max_length=500, blank=True)
    category = models.CharField(_("category"), max_length=10, choices=ProcurementCategory.choices)
    method = models.CharField(_("method"), max_length=10, choices=ProcurementMethod.choices)
    estimated_value = models.BigIntegerField(_("estimated value (kip)"))
    planned_quarter = models.PositiveSmallIntegerField(_("planned quarter"), null=True, blank=True)
    budget_line = models.ForeignKey(BudgetLine, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["plan", "code"]
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="procurement_plan_item_unique")]
        verbose_name = _("procurement plan item")
        verbose_name_plural = _("procurement plan items")

    def __str__(self) -> str:
        return f"{self.code} {self.description_lo}"


class Tender(BaseModel):
    """A procurement process; ``ocid`` (OCDS prefix + local id) is its stable id across all its releases."""

    class Status(models.TextChoices):
        # OCDS tenderStatus codelist
        PLANNING = "planning", _("Planning")
        PLANNED = "planned", _("Planned")
        ACTIVE = "active", _("Active")
        CANCELLED = "cancelled", _("Cancelled")
        UNSUCCESSFUL = "unsuccessful", _("Unsuccessful")
        COMPLETE = "complete", _("Complete")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    ocid = models.CharField(_("OCID"), max_length=100, unique=True)
    agency = models.ForeignKey(
        "agencies.Organisation", verbose_name=_("procuring agency"), on_delete=models.PROTECT, related_name="tenders"
    )
    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name=_("fiscal year"), on_delete=models.PROTECT, related_name="+"
    )
    plan_item = models.ForeignKey(
        ProcurementPlanItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="tenders"
    )
    budget_line = models.ForeignKey(BudgetLine, null=True, blank=True, on_delete=models.PROTECT, related_name="tenders")
    title_lo = models.CharField(_("title (Lao)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description_lo = models.TextField(_("description (Lao)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    category = models.CharField(
        _("category"), max_length=10, choices=ProcurementCategory.choices, default=ProcurementCategory.GOODS
    )
    method = models.CharField(_("method"), max_length=10, choices=ProcurementMethod.choices)
    method_rationale = models.TextField(_("method rationale"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    tender_period_start = models.DateField(_("tender period start"), null=True, blank=True)
    tender_period_end = models.DateField(_("tender period end"), null=True, blank=True)
    estimated_value = models.BigIntegerField(_("estimated value (kip)"), null=True, blank=True)

    class Meta:
        ordering = ["-published_on", "-id"]
        indexes = [models.Index(fields=["agency", "fiscal_year"], name="tender_agency_year")]
        verbose_name = _("tender")
        verbose_name_plural = _("tenders")

    def __str__(self) -> str:
        return self.ocid


class Bid(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        DISQUALIFIED = "disqualified", _("Disqualified")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="bids")
    tenderer = models.ForeignKey(Payee, verbose_name=_("tenderer"), on_delete=models.PROTECT, related_name="bids")
    amount = models.BigIntegerField(_("amount (kip)"))
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.VALID)

    class Meta:
        ordering = ["tender", "amount"]
        verbose_name = _("bid")
        verbose_name_plural = _("bids")

    def __str__(self) -> str:
        return f"{self.tender_id}: {self.tenderer_id} {self.amount}"


class Award(models.Model):
    class Status(models.TextChoices):
        # OCDS awardStatus codelist
        PENDING = "pending", _("Pending")
        ACTIVE = "active", _("Active")
        CANCELLED = "cancelled", _("Cancelled")
        UNSUCCESSFUL = "unsuccessful", _("Unsuccessful")

    tender = models.ForeignKey(Tender, on_delete=models.CASCADE, related_name="awards")
    award_id = models.CharField(_("award id"), max_length=120, unique=True)
    supplier = models.ForeignKey(Payee, verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="awards")
    amount = models.BigIntegerField(_("amount (kip)"))
    date = models.DateField(_("award date"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)

    class Meta:
        ordering = ["tender", "date"]
        verbose_name = _("award")
        verbose_name_plural = _("awards")

    def __str__(self) -> str:
        return self.award_id


class Contract(BaseModel):
    """A signed contract. ``contract_id`` is stable and ocid-based (``<ocid>-C<n>``); its payments are the
    transactions pointing at it."""

    class Status(models.TextChoices):
        # OCDS contractStatus codelist
        PENDING = "pending", _("Pending")
        ACTIVE = "active", _("Active")
        CANCELLED = "cancelled", _("Cancelled")
        TERMINATED = "terminated", _("Terminated")

    contract_id = models.CharField(_("contract id"), max_length=120, unique=True)
    award = models.ForeignKey(Award, null=True, blank=True, on_delete=models.PROTECT, related_name="contracts")
    agency = models.ForeignKey(
        "agencies.Organisation", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="contracts"
    )
    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name=_("fiscal year"), on_delete=models.PROTECT, related_name="+"
    )
    supplier = models.ForeignKey(Payee, verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="contracts")
    budget_line = models.ForeignKey(
        BudgetLine, null=True, blank=True, on_delete=models.PROTECT, related_name="contracts"
    )
    title_lo = models.CharField(_("title (Lao)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    value = models.BigIntegerField(_("value (kip)"))
    signed_on = models.DateField(_("signed on"))
    period_start = models.DateField(_("period start"), null=True, blank=True)
    period_end = models.DateField(_("period end"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.ACTIVE)
    batch = models.ForeignKey(
        "ImportBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )

    class Meta:
        ordering = ["-signed_on", "-id"]
        indexes = [models.Index(fields=["agency", "fiscal_year"], name="contract_agency_year")]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")

    def __str__(self) -> str:
        return self.contract_id

    @property
    def ocid(self) -> str | None:
        return self.award.tender.ocid if self.award_id else None

    @property
    def current_value(self) -> int:
        last = self.amendments.order_by("-date", "-id").first()
        return last.new_value if last else self.value


class ContractAmendment(models.Model):
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="amendments")
    amendment_id = models.CharField(_("amendment id"), max_length=140, unique=True)
    date = models.DateField(_("date"))
    previous_value = models.BigIntegerField(_("previous value (kip)"))
    new_value = models.BigIntegerField(_("new value (kip)"))
    rationale_lo = models.TextField(_("rationale (Lao)"), blank=True)
    rationale_en = models.TextField(_("rationale (English)"), blank=True)

    class Meta:
        ordering = ["contract", "date", "id"]
        verbose_name = _("contract amendment")
        verbose_name_plural = _("contract amendments")

    def __str__(self) -> str:
        return self.amendment_id


# --- reference tables -----------------------------------------------------------------------------------------------


class ProvincePopulation(models.Model):
    province = models.ForeignKey("core.Province", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    population = models.PositiveIntegerField(_("population"))

    class Meta:
        ordering = ["province", "year"]
        constraints = [models.UniqueConstraint(fields=["province", "year"], name="province_population_unique")]
        verbose_name = _("province population")
        verbose_name_plural = _("province populations")

    def __str__(self) -> str:
        return f"{self.province_id} {self.year}: {self.population}"


class ConsumerPriceIndex(models.Model):
    """Annual average CPI; real terms of year Y in prices of year B = nominal × index(B) / index(Y)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    index = models.DecimalField(_("index"), max_digits=10, decimal_places=3)
    base_year = models.PositiveSmallIntegerField(_("base year"))

    class Meta:
        ordering = ["year"]
        verbose_name = _("consumer price index")
        verbose_name_plural = _("consumer price index")

    def __str__(self) -> str:
        return f"{self.year}: {self.index} ({self.base_year}=100)"


# --- publishing -----------------------------------------------------------------------------------------------------


class InformationType(models.Model):
    """One kind of information agencies must publish (budget lines, monthly execution, transactions, contracts...),
    with its table schema (``schema`` = file name under budget/tableschemas/) and its deadline rule: for each
    period (month / quarter / year), due ``deadline_days`` after the period ends (or starts, e.g. the approved
    budget within 30 days of the start of the fiscal year)."""

    class Period(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        ANNUAL = "annual", _("Annual")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_lo = models.CharField(_("name (Lao)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_lo = models.TextField(_("description (Lao)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    period = models.CharField(_("period"), max_length=10, choices=Period.choices, default=Period.MONTHLY)

    class DeadlineFrom(models.TextChoices):
        PERIOD_END = "end", _("After the period ends")
        PERIOD_START = "start", _("After the period starts")

    deadline_days = models.PositiveSmallIntegerField(_("days allowed"), default=15)
    deadline_from = models.CharField(
        _("counted from"), max_length=5, choices=DeadlineFrom.choices, default=DeadlineFrom.PERIOD_END
    )
    weight = models.PositiveSmallIntegerField(_("weight in the glass index"), default=1)
    schema = models.CharField(_("table schema"), max_length=60, blank=True)
    required = models.BooleanField(_("required"), default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("information type")
        verbose_name_plural = _("information types")

    def __str__(self) -> str:
        return self.name_en


class ImportBatch(BaseModel):
    """One publication by an agency: an uploaded file (or API POST) of one information type for one period, from
    upload through validation to publishing. ``created_by`` is who uploaded; progress is updated while a large
    file is validated or published."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        VALIDATING = "validating", _("Validating")
        VALIDATED = "validated", _("Validated")
        INVALID = "invalid", _("Has errors")
        PUBLISHING = "publishing", _("Publishing")
        PUBLISHED = "published", _("Published")
        FAILED = "failed", _("Failed")

    class Format(models.TextChoices):
        CSV = "csv", _("CSV")
        XLSX = "xlsx", _("Excel (XLSX)")
        API = "api", _("API")

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all", _("All or nothing")
        KEEP_GOOD = "keep_good", _("Publish the good rows only")

    agency = models.ForeignKey(
        "agencies.Organisation", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="budget_batches"
    )
    information_type = models.ForeignKey(
        InformationType, verbose_name=_("information type"), on_delete=models.PROTECT, related_name="batches"
    )
    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name=_("fiscal year"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField(_("period start"), null=True, blank=True)
    period_end = models.DateField(_("period end"), null=True, blank=True)
    # Uploads may name people (individual payees) before the publication filters them: never in public media.
    file = models.FileField(_("file"), storage=private_storage, upload_to="budget/imports/%Y/%m/", blank=True)
    original_filename = models.CharField(_("file name"), max_length=255, blank=True)
    file_format = models.CharField(_("format"), max_length=4, choices=Format.choices, default=Format.CSV)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.UPLOADED)
    mode = models.CharField(_("mode"), max_length=10, choices=Mode.choices, default=Mode.ALL_OR_NOTHING)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_valid = models.PositiveIntegerField(_("valid rows"), default=0)
    rows_invalid = models.PositiveIntegerField(_("rows with errors"), default=0)
    rows_published = models.PositiveIntegerField(_("rows published"), default=0)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    progress_message = models.CharField(max_length=200, blank=True)
    errors_summary = models.JSONField(_("errors by reason"), default=dict, blank=True)
    error_message = models.TextField(blank=True)
    preview = models.JSONField(default=list, blank=True)
    validated_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["agency", "information_type", "status"], name="batch_agency_type_status")]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")

    def __str__(self) -> str:
        return f"{self.information_type_id} {self.agency_id} {self.period_start}"


Publication = ImportBatch


class ImportRowError(models.Model):
    """Why one row of a batch was rejected. ``row`` is the 1-based data row (the header is row 0)."""

    class Code(models.TextChoices):
        ENCODING = "encoding", _("The file is not UTF-8 text")
        HEADER = "header", _("Missing or unknown columns")
        REQUIRED = "required", _("A required value is missing")
        BAD_NUMBER = "bad_number", _("Not a whole number")
        NEGATIVE = "negative", _("Negative amount")
        BAD_DATE = "bad_date", _("Not a valid date")
        OUT_OF_PERIOD = "out_of_period", _("Date outside the fiscal year or period")
        UNKNOWN_AGENCY = "unknown_agency", _("Unknown agency")
        WRONG_AGENCY = "wrong_agency", _("Not this agency or one of its offices")
        UNKNOWN_BUDGET_LINE = "unknown_budget_line", _("Unknown budget code")
        UNKNOWN_CONTRACT = "unknown_contract", _("Unknown contract")
        UNKNOWN_CODE = "unknown_code", _("Unknown classification code")
        UNKNOWN_PLAN_ITEM = "unknown_plan_item", _("Unknown procurement plan item")
        BAD_VALUE = "bad_value", _("Value not allowed")
        TOO_LONG = "too_long", _("Value too long")
        DUPLICATE = "duplicate", _("Duplicate")

    id = models.BigAutoField(primary_key=True)
    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="row_errors")
    row = models.PositiveIntegerField(_("row"))
    column = models.CharField(_("column"), max_length=60, blank=True)
    code = models.CharField(_("reason"), max_length=24, choices=Code.choices)
    value = models.CharField(_("value"), max_length=200, blank=True)
    message = models.CharField(_("message"), max_length=300, blank=True)

    class Meta:
        ordering = ["batch", "row", "id"]
        verbose_name = _("row error")
        verbose_name_plural = _("row errors")

    def __str__(self) -> str:
        return f"{self.batch_id} row {self.row}: {self.code}"


class PublicationDeadline(models.Model):
    """One period an agency must publish one information type for; ``fulfilled_on`` is set by the first published
    batch covering it. Feeds the glass index (timeliness and completeness)."""

    agency = models.ForeignKey("agencies.Organisation", on_delete=models.CASCADE, related_name="budget_deadlines")
    information_type = models.ForeignKey(InformationType, on_delete=models.CASCADE, related_name="deadlines")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    due_on = models.DateField(_("due on"))
    fulfilled_on = models.DateField(_("published on"), null=True, blank=True)
    batch = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["due_on", "agency"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "information_type", "period_start"], name="publication_deadline_unique"
            )
        ]
        indexes = [models.Index(fields=["due_on"], name="deadline_due_on")]
        verbose_name = _("publication deadline")
        verbose_name_plural = _("publication deadlines")

    def __str__(self) -> str:
        return f"{self.agency_id} {self.information_type_id} {self.period_start}"

    @property
    def on_time(self) -> bool:
        return self.fulfilled_on is not None and self.fulfilled_on <= self.due_on


# --- derived: red flags, glass index, alerts, bulk dumps (logic in flags.py, glass_index.py, alerts.py, fdp.py) -----


class RedFlag(BaseModel):
    """A pattern worth a look, explaining itself. ``records`` names the linked rows by kind, e.g.
    ``{"transactions": [12, 13], "contracts": ["ocds-…-C1"], "payees": [5]}``. ``fingerprint`` is a hash of the
    kind and the records, so re-running detection never duplicates a flag. A flag detection no longer finds is
    closed (status ``closed``, ``archived_at`` the date, ``archive_reason`` why) and reopened if found again
    (flags.flags_detect)."""

    class Kind(models.TextChoices):
        SPLIT_PAYMENT = "split_payment", _("Split payments")
        NO_CONTRACT = "no_contract", _("Payment above threshold without a contract")
        SINGLE_BID = "single_bid", _("Single-bid tender")
        BIG_AMENDMENT = "big_amendment", _("Large contract amendment")
        NEW_PAYEE = "new_payee", _("Payee registered shortly before the award")

    class Severity(models.TextChoices):
        LOW = "low", _("Low")
        MEDIUM = "medium", _("Medium")
        HIGH = "high", _("High")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        EXPLAINED = "explained", _("Explained by the agency")
        DISMISSED = "dismissed", _("Dismissed")
        CLOSED = "closed", _("Closed: the condition no longer holds")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    agency = models.ForeignKey(
        "agencies.Organisation", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="budget_flags"
    )
    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name=_("fiscal year"), on_delete=models.PROTECT, related_name="+"
    )
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices, default=Severity.MEDIUM)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    title_lo = models.CharField(_("title (Lao)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    explanation_lo = models.TextField(_("explanation (Lao)"), blank=True)
    explanation_en = models.TextField(_("explanation (English)"), blank=True)
    amount = models.BigIntegerField(_("amount at stake (kip)"), null=True, blank=True)
    payee = models.ForeignKey(Payee, null=True, blank=True, on_delete=models.PROTECT, related_name="flags")
    contract = models.ForeignKey(Contract, null=True, blank=True, on_delete=models.PROTECT, related_name="flags")
    tender = models.ForeignKey(Tender, null=True, blank=True, on_delete=models.PROTECT, related_name="flags")
    records = models.JSONField(_("linked records"), default=dict, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    detected_at = models.DateTimeField(_("detected at"))
    fingerprint = models.CharField(max_length=64, unique=True)
    agency_response_lo = models.TextField(_("agency response (Lao)"), blank=True)
    agency_response_en = models.TextField(_("agency response (English)"), blank=True)

    class Meta:
        ordering = ["-detected_at", "-id"]
        indexes = [
            models.Index(fields=["agency", "fiscal_year"], name="flag_agency_year"),
            models.Index(fields=["kind", "fiscal_year"], name="flag_kind_year"),
        ]
        verbose_name = _("red flag")
        verbose_name_plural = _("red flags")

    def __str__(self) -> str:
        return f"{self.kind} {self.agency_id} {self.fiscal_year_id}"


class GlassIndexSnapshot(models.Model):
    """An agency's glass index for one week (``week`` = the Monday). ``components`` explains the score, e.g.
    ``[{"information_type": "transactions", "due": 3, "on_time": 2, "late": 1, "missing": 0, "score": 83.3,
    "weight": 2}, ...]``."""

    week = models.DateField(_("week"))
    agency = models.ForeignKey("agencies.Organisation", on_delete=models.CASCADE, related_name="glass_index")
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    timeliness = models.DecimalField(_("timeliness"), max_digits=5, decimal_places=2, null=True, blank=True)
    completeness = models.DecimalField(_("completeness"), max_digits=5, decimal_places=2, null=True, blank=True)
    components = models.JSONField(_("components"), default=list, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        ordering = ["-week", "rank", "agency"]
        constraints = [models.UniqueConstraint(fields=["week", "agency"], name="glass_index_unique_week")]
        verbose_name = _("glass index snapshot")
        verbose_name_plural = _("glass index snapshots")

    def __str__(self) -> str:
        return f"{self.week} {self.agency_id}: {self.score}"


class AlertSubscription(BaseModel):
    """Someone following an agency, a payee or a keyword; digests go out by SMS or e-mail through the
    notifications engine. ``last_transaction_id`` is the cursor of the last transaction already sent."""

    class Kind(models.TextChoices):
        AGENCY = "agency", _("Agency")
        PAYEE = "payee", _("Payee")
        KEYWORD = "keyword", _("Keyword")

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="budget_alerts")
    kind = models.CharField(_("follow"), max_length=8, choices=Kind.choices)
    agency = models.ForeignKey(
        "agencies.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    payee = models.ForeignKey(Payee, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    keyword = models.CharField(_("keyword"), max_length=100, blank=True)
    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices, default=Channel.EMAIL)
    active = models.BooleanField(_("active"), default=True)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    last_transaction_id = models.BigIntegerField(null=True, blank=True)
    last_flag_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["active", "kind"], name="alert_active_kind")]
        verbose_name = _("alert subscription")
        verbose_name_plural = _("alert subscriptions")

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.agency_id or self.payee_id or self.keyword}"


class BulkDump(models.Model):
    """A generated bulk download (nightly): one dataset in one format."""

    dataset = models.CharField(max_length=40)
    format = models.CharField(max_length=10)
    fiscal_year = models.ForeignKey(FiscalYear, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(upload_to="budget/dumps/", blank=True)
    rows = models.PositiveBigIntegerField(default=0)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    generated_at = models.DateTimeField()

    class Meta:
        ordering = ["-generated_at"]
        indexes = [models.Index(fields=["dataset", "format", "-generated_at"], name="bulk_dump_latest")]

    def __str__(self) -> str:
        return f"{self.dataset}.{self.format} {self.generated_at:%Y-%m-%d}"
