from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from elaos.core.models import BaseModel


class Organisation(BaseModel):
    """A node of the government's organisation tree: a ministry, its departments and divisions, and the
    provincial departments and district offices that carry its work into an area."""

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry")
        DEPARTMENT = "department", _("Department")
        DIVISION = "division", _("Division")
        PROVINCIAL_DEPARTMENT = "provincial", _("Provincial department")
        DISTRICT_OFFICE = "district", _("District office")
        OFFICE = "office", _("Office")

    code = models.SlugField(max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name_lo = models.CharField(_("name (Lao)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    abbreviation = models.CharField(max_length=20, blank=True)
    province = models.ForeignKey(
        "core.Province", verbose_name=_("province"), null=True, blank=True, on_delete=models.PROTECT
    )
    district = models.ForeignKey(
        "core.District", verbose_name=_("district"), null=True, blank=True, on_delete=models.PROTECT
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name_lo

    def clean(self) -> None:
        if self.kind == self.Kind.MINISTRY and self.parent_id:
            raise ValidationError({"parent": _("A ministry is the top of its tree.")})
        if self.kind != self.Kind.MINISTRY and not self.parent_id:
            raise ValidationError({"parent": _("Only a ministry has no parent.")})
        if self.kind == self.Kind.PROVINCIAL_DEPARTMENT and not self.province_id:
            raise ValidationError({"province": _("A provincial department needs its province.")})
        if self.kind == self.Kind.DISTRICT_OFFICE and not self.district_id:
            raise ValidationError({"district": _("A district office needs its district.")})
        if self.district_id and self.province_id and self.district.province_id != self.province_id:
            raise ValidationError({"district": _("The district is not in that province.")})
        ancestor, seen = self.parent, set()
        while ancestor is not None and ancestor.pk not in seen:
            if ancestor.pk == self.pk:
                raise ValidationError({"parent": _("An organisation cannot be inside itself.")})
            seen.add(ancestor.pk)
            ancestor = ancestor.parent

    @property
    def ministry(self) -> "Organisation":
        node = self
        while node.parent_id is not None:
            node = node.parent  # type: ignore[assignment]
        return node


class Role(models.Model):
    """A job a staff member can hold in one office: reviewer, approver, office admin, auditor, case worker…"""

    code = models.SlugField(max_length=40, unique=True)
    name_lo = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    description_lo = models.TextField(blank=True)
    description_en = models.TextField(blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self) -> str:
        return self.name_lo


class RoleAssignment(BaseModel):
    """A staff member's role in one organisation; it grants nothing anywhere else."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="role_assignments")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="role_assignments")
    role = models.ForeignKey(Role, on_delete=models.PROTECT, related_name="assignments")
    valid_until = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=models.Q(archived_at__isnull=True),
                name="one_active_assignment_per_role_and_office",
            )
        ]
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")

    def __str__(self) -> str:
        return f"{self.user} — {self.role.code} @ {self.organisation.code}"


class Sector(models.Model):
    """A field of public life (health, education, labour…) and the ministry that leads it."""

    code = models.SlugField(max_length=40, unique=True)
    name_lo = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    line_ministry = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="sectors",
        limit_choices_to={"kind": Organisation.Kind.MINISTRY},
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self) -> str:
        return self.name_lo
