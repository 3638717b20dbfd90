"""Government–civil-society coordination: sector groups of associations around their line ministry, and the annual
Government–CSO meeting with its commitments. Associations are those of the NPA register (elaos.civil_society)."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from elaos.core.models import BaseModel


class SectorGroup(BaseModel):
    """The associations of one sector, coordinated by a focal office of the sector's line ministry."""

    sector = models.OneToOneField(
        "agencies.Sector", verbose_name=_("sector"), on_delete=models.PROTECT, related_name="coordination_group"
    )
    focal_office = models.ForeignKey(
        "agencies.Organisation", verbose_name=_("focal office"), on_delete=models.PROTECT, related_name="+"
    )
    name_lo = models.CharField(_("name (Lao)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_lo = models.TextField(_("description (Lao)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        ordering = ["sector__code"]
        verbose_name = _("sector group")
        verbose_name_plural = _("sector groups")

    def __str__(self) -> str:
        return self.name_lo


class SectorGroupMember(BaseModel):
    """An association's membership of a group; leaving keeps the row with its end date."""

    group = models.ForeignKey(SectorGroup, on_delete=models.PROTECT, related_name="members")
    npa = models.ForeignKey(
        "civil_society.Npa", verbose_name=_("association"), on_delete=models.PROTECT, related_name="+"
    )
    joined_on = models.DateField(_("joined on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)

    class Meta:
        ordering = ["joined_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "npa"], condition=Q(left_on__isnull=True), name="coordination_one_current_membership"
            )
        ]
        verbose_name = _("group member")
        verbose_name_plural = _("group members")

    def __str__(self) -> str:
        return f"{self.group} · {self.npa}"


class GroupMeeting(BaseModel):
    group = models.ForeignKey(SectorGroup, on_delete=models.PROTECT, related_name="meetings")
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    agenda_lo = models.TextField(_("agenda (Lao)"))
    agenda_en = models.TextField(_("agenda (English)"), blank=True)
    minutes_lo = models.TextField(_("minutes (Lao)"), blank=True)
    minutes_en = models.TextField(_("minutes (English)"), blank=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("group meeting")
        verbose_name_plural = _("group meetings")

    def __str__(self) -> str:
        return f"{self.group} {self.date}"


class TrackedItem(BaseModel):
    """Something promised with an owner and a due date, tracked in public through its status changes (a work plan
    item, a commitment). The owner is a name, linked to the register or the organisation tree when it is one of
    theirs. Subclasses define Status, TRANSITIONS and the status field over their own choices."""

    title_lo = models.CharField(_("title (Lao)"), max_length=250)
    title_en = models.CharField(_("title (English)"), max_length=250, blank=True)
    owner_name = models.CharField(_("owner"), max_length=200)
    owner_npa = models.ForeignKey(
        "civil_society.Npa",
        verbose_name=_("owner association"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    owner_organisation = models.ForeignKey(
        "agencies.Organisation",
        verbose_name=_("owner office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    status_changed_on = models.DateField(_("status changed on"))

    class Meta:
        abstract = True
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return self.title_lo


class WorkPlanItem(TrackedItem):
    """One line of a group's shared work plan. Its owner is a name, linked to the register or the organisation
    tree when it is one of theirs."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")
        DROPPED = "dropped", _("Dropped")

    TRANSITIONS = {
        Status.OPEN: {Status.IN_PROGRESS, Status.DONE, Status.DROPPED},
        Status.IN_PROGRESS: {Status.OPEN, Status.DONE, Status.DROPPED},
        Status.DONE: {Status.IN_PROGRESS},
        Status.DROPPED: {Status.OPEN},
    }

    group = models.ForeignKey(SectorGroup, on_delete=models.PROTECT, related_name="work_plan")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_npa__isnull=True) | Q(owner_organisation__isnull=True),
                name="coordination_workplan_one_owner_link",
            )
        ]
        verbose_name = _("work plan item")
        verbose_name_plural = _("work plan items")

    def is_overdue(self, today: datetime.date) -> bool:
        return bool(
            self.due_date and self.due_date < today and self.status in (self.Status.OPEN, self.Status.IN_PROGRESS)
        )


class AnnualMeeting(BaseModel):
    """The yearly meeting of the government with civil society, convened by the Ministry of Home Affairs."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    title_lo = models.CharField(_("title (Lao)"), max_length=250)
    title_en = models.CharField(_("title (English)"), max_length=250, blank=True)
    description_lo = models.TextField(_("description (Lao)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    minutes_lo = models.TextField(_("minutes (Lao)"), blank=True)
    minutes_en = models.TextField(_("minutes (English)"), blank=True)
    minutes_published_at = models.DateTimeField(_("minutes published at"), null=True, blank=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("annual meeting")
        verbose_name_plural = _("annual meetings")

    def __str__(self) -> str:
        return f"{self.year} {self.title_lo}"

    def registration_open(self, today: datetime.date) -> bool:
        """Registration closes on the meeting date: the last day to register is the day before."""
        return today < self.date


class AgendaItem(models.Model):
    meeting = models.ForeignKey(AnnualMeeting, on_delete=models.CASCADE, related_name="agenda")
    order = models.PositiveSmallIntegerField(_("order"))
    time = models.TimeField(_("time"), null=True, blank=True)
    title_lo = models.CharField(_("title (Lao)"), max_length=250)
    title_en = models.CharField(_("title (English)"), max_length=250, blank=True)
    speaker = models.CharField(_("speaker"), max_length=200, blank=True)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")

    def __str__(self) -> str:
        return f"{self.order}. {self.title_lo}"


class MeetingRegistration(BaseModel):
    """A signed-in person coming to an annual meeting, as an official of an organisation or for an association."""

    meeting = models.ForeignKey(AnnualMeeting, on_delete=models.PROTECT, related_name="registrations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "agencies.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    npa = models.ForeignKey(
        "civil_society.Npa",
        verbose_name=_("association"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="coordination_one_registration_per_user"),
            models.CheckConstraint(
                condition=(Q(organisation__isnull=False) & Q(npa__isnull=True))
                | (Q(organisation__isnull=True) & Q(npa__isnull=False)),
                name="coordination_registration_official_or_npa",
            ),
        ]
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")

    def __str__(self) -> str:
        return f"{self.meeting.year} · {self.user}"


class Commitment(TrackedItem):
    """A promise made at an annual meeting, tracked in public until it is done."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    TRANSITIONS = {
        Status.OPEN: {Status.IN_PROGRESS, Status.DONE},
        Status.IN_PROGRESS: {Status.OPEN, Status.DONE},
        Status.DONE: {Status.IN_PROGRESS},
    }

    meeting = models.ForeignKey(AnnualMeeting, on_delete=models.PROTECT, related_name="commitments")
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_npa__isnull=True) | Q(owner_organisation__isnull=True),
                name="coordination_commitment_one_owner_link",
            )
        ]
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")

    def is_overdue(self, today: datetime.date) -> bool:
        return bool(self.due_date and self.due_date < today and self.status != self.Status.DONE)


class CommitmentProgress(models.Model):
    """One progress note on a commitment, with the status it left the commitment in; never changed."""

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="progress")
    date = models.DateField(_("date"))
    from_status = models.CharField(max_length=12, choices=Commitment.Status.choices)
    status = models.CharField(_("status"), max_length=12, choices=Commitment.Status.choices)
    note_lo = models.TextField(_("note (Lao)"), blank=True)
    note_en = models.TextField(_("note (English)"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "recorded_at", "id"]
        verbose_name = _("progress note")
        verbose_name_plural = _("progress notes")

    def __str__(self) -> str:
        return f"{self.commitment}: {self.status} ({self.date})"
