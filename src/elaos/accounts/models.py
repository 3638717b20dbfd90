import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    def create_user(self, email: str | None = None, password: str | None = None, **fields: object) -> "User":
        user = self.model(email=email.strip().lower() if email else None, **fields)
        user.set_password(password) if password else user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str, **fields: object) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    """One account for a citizen or a civil servant. Citizens may have a phone, an e-mail or both."""

    class Language(models.TextChoices):
        LAO = "lo", "ລາວ"
        ENGLISH = "en", "English"

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    phone = models.CharField(_("mobile number"), max_length=20, unique=True, null=True, blank=True)
    email = models.EmailField(_("e-mail"), unique=True, null=True, blank=True)
    email_verified_at = models.DateTimeField(null=True, blank=True)
    given_name_lo = models.CharField(_("given name (Lao)"), max_length=100, blank=True)
    family_name_lo = models.CharField(_("family name (Lao)"), max_length=100, blank=True)
    given_name_latin = models.CharField(_("given name (Latin script)"), max_length=100, blank=True)
    family_name_latin = models.CharField(_("family name (Latin script)"), max_length=100, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    national_id = models.CharField(_("national ID number"), max_length=20, blank=True)
    province = models.ForeignKey(
        "core.Province", verbose_name=_("province"), null=True, blank=True, on_delete=models.PROTECT
    )
    district = models.ForeignKey(
        "core.District", verbose_name=_("district"), null=True, blank=True, on_delete=models.PROTECT
    )
    village = models.ForeignKey(
        "core.Village", verbose_name=_("village"), null=True, blank=True, on_delete=models.PROTECT
    )
    address_line = models.CharField(_("house number and street"), max_length=200, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.LAO
    )
    is_staff = models.BooleanField(_("staff"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(phone__isnull=False) | models.Q(email__isnull=False),
                name="user_has_phone_or_email",
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.email or self.phone or str(self.public_id)

    def get_full_name(self) -> str:
        return " ".join(p for p in (self.given_name_lo, self.family_name_lo) if p) or " ".join(
            p for p in (self.given_name_latin, self.family_name_latin) if p
        )

    def get_short_name(self) -> str:
        return self.given_name_lo or self.given_name_latin or ""

    def clean(self) -> None:
        super().clean()
        if self.email == "":
            self.email = None
        if self.phone == "":
            self.phone = None


class PhoneCode(models.Model):
    """A one-time sign-in code sent by SMS. Only its hash is kept."""

    phone = models.CharField(max_length=20, db_index=True)
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    requested_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["phone", "-created_at"])]

    def __str__(self) -> str:
        return f"code for {self.phone}"

    @property
    def usable(self) -> bool:
        return (
            self.used_at is None
            and self.expires_at > timezone.now()
            and (self.failed_attempts < settings.AXES_FAILURE_LIMIT)
        )
