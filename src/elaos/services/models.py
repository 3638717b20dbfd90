from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from elaos.core.models import BaseModel
from elaos.core.storage import private_storage


class Category(models.Model):
    code = models.SlugField(max_length=40, unique=True)
    name_lo = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name_lo


class LifeEvent(models.Model):
    """A moment in life that needs the government (a birth, moving house, starting a business, working abroad)."""

    code = models.SlugField(max_length=40, unique=True)
    name_lo = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("life event")
        verbose_name_plural = _("life events")

    def __str__(self) -> str:
        return self.name_lo


class Service(BaseModel):
    """A public service. What it is, asks and costs lives in its versions; this row only names it."""

    code = models.SlugField(max_length=80, unique=True)
    agency = models.ForeignKey("agencies.Organisation", on_delete=models.PROTECT, related_name="services")
    offices = models.ManyToManyField("agencies.Organisation", blank=True, related_name="handled_services")
    categories = models.ManyToManyField(Category, blank=True, related_name="services")
    life_events = models.ManyToManyField(LifeEvent, blank=True, related_name="services")
    current_version = models.ForeignKey(
        "ServiceVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Denormalised from the current version for listing and search without parsing JSON.
    name_lo = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    summary_lo = models.TextField(blank=True)
    summary_en = models.TextField(blank=True)
    fee_kip = models.PositiveBigIntegerField(default=0)
    sla_days = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self) -> str:
        return self.name_lo


class ServiceVersion(models.Model):
    """One immutable version of a service definition. Applications keep the version they started with."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        RETIRED = "retired", _("Retired")

    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    definition = models.JSONField()
    workflow = models.ForeignKey("workflows.WorkflowDefinition", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["service", "-version"]
        constraints = [models.UniqueConstraint(fields=["service", "version"], name="service_version_unique")]
        verbose_name = _("service version")
        verbose_name_plural = _("service versions")

    def __str__(self) -> str:
        return f"{self.service.code} v{self.version}"

    def get(self, key: str, default: object = None) -> object:
        return self.definition.get(key, default)


class Application(BaseModel):
    """A citizen's application for a service, from draft to issued document."""

    reference = models.CharField(max_length=20, unique=True)
    applicant = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="applications")
    service_version = models.ForeignKey(ServiceVersion, on_delete=models.PROTECT, related_name="applications")
    office = models.ForeignKey(
        "agencies.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="applications"
    )
    data = models.JSONField(default=dict, blank=True)
    workflow = models.OneToOneField(
        "workflows.WorkflowInstance", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Mirrors the workflow state so that lists filter without a join; only application services change it.
    state = models.CharField(max_length=60, db_index=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    payment_id = models.UUIDField(null=True, blank=True)
    document_id = models.UUIDField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["applicant", "-created_at"])]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self) -> str:
        return self.reference

    @property
    def service(self) -> Service:
        return self.service_version.service


# Named in migrations; one definition for every app (elaos.core.storage).
_private_storage = private_storage


class ApplicationFile(BaseModel):
    """A document uploaded with an application, stored outside the web root, served only to those allowed."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="files")
    requirement = models.CharField(max_length=60)
    file = models.FileField(storage=_private_storage, upload_to="applications/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("uploaded file")
        verbose_name_plural = _("uploaded files")

    def __str__(self) -> str:
        return self.original_name


class ApplicationNote(BaseModel):
    """An officer's note; internal notes are never shown to the applicant."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    internal = models.BooleanField(default=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("note")
        verbose_name_plural = _("notes")

    def __str__(self) -> str:
        return self.text[:50]
