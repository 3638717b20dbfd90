from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from elaos.core.models import BaseModel


class WorkflowDefinition(models.Model):
    """A workflow as data: states, transitions, the roles allowed on each, actions on entering a state.

    Versions are immutable: publishing a change makes a new version, and running instances keep theirs."""

    code = models.SlugField(max_length=60)
    version = models.PositiveIntegerField()
    name_lo = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    definition = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="workflow_code_version_unique")]
        verbose_name = _("workflow definition")
        verbose_name_plural = _("workflow definitions")

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"

    def state(self, code: str) -> dict:
        return self.definition["states"][code]

    def is_terminal(self, state: str) -> bool:
        return bool(self.state(state).get("terminal"))


class WorkflowInstance(BaseModel):
    """One piece of work moving through a definition (an application, a registration, a case)."""

    definition = models.ForeignKey(WorkflowDefinition, on_delete=models.PROTECT, related_name="instances")
    subject_type = models.CharField(max_length=80)
    subject_id = models.CharField(max_length=64)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    office = models.ForeignKey(
        "agencies.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="workflow_instances"
    )
    # While a state names another office (a line ministry's opinion), `office` is that office and this is the one
    # the work returns to; empty otherwise.
    home_office = models.ForeignKey(
        "agencies.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(max_length=60, db_index=True)
    # Counts the transitions: a form posts the version it showed, so a stale page cannot act twice.
    version = models.PositiveIntegerField(default=0)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state_entered_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    sla_breached_at = models.DateTimeField(null=True, blank=True)
    is_terminal = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["subject_type", "subject_id"], name="one_workflow_per_subject")]
        indexes = [models.Index(fields=["office", "is_terminal", "state"])]
        verbose_name = _("workflow instance")
        verbose_name_plural = _("workflow instances")

    def __str__(self) -> str:
        return f"{self.subject_type}:{self.subject_id} [{self.state}]"


class WorkflowTransition(models.Model):
    """The history: one row per move, never changed."""

    instance = models.ForeignKey(WorkflowInstance, on_delete=models.PROTECT, related_name="history")
    transition = models.CharField(max_length=60)
    from_state = models.CharField(max_length=60)
    to_state = models.CharField(max_length=60)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("workflow transition")
        verbose_name_plural = _("workflow transitions")

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state} ({self.transition})"


class PublicHoliday(models.Model):
    """Days off that service levels do not count (Lao public holidays; configurable by administrators)."""

    date = models.DateField(unique=True)
    name_lo = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)

    class Meta:
        ordering = ["date"]
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")

    def __str__(self) -> str:
        return f"{self.date} {self.name_lo}"
