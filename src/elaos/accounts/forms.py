from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from elaos.accounts.models import User
from elaos.accounts.phone import normalize_lao_mobile
from elaos.core.lao import to_arabic_digits
from elaos.core.models import District, Province, Village
from elaos.notifications.services import email_send


class PhoneField(forms.CharField):
    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("label", _("Mobile number"))
        kwargs.setdefault("help_text", _("A Lao number, for example 020 5555 1234."))
        kwargs.setdefault("max_length", 24)
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})

    def clean(self, value: object) -> str:
        value = super().clean(value)
        return normalize_lao_mobile(value) if value else value


class PhoneSignInForm(forms.Form):
    phone = PhoneField()


class NamesMixin(forms.Form):
    given_name_lo = forms.CharField(label=_("Given name (Lao)"), max_length=100)
    family_name_lo = forms.CharField(label=_("Family name (Lao)"), max_length=100)

    def names(self) -> dict[str, str]:
        return {k: self.cleaned_data[k] for k in ("given_name_lo", "family_name_lo")}


class PhoneSignUpForm(NamesMixin):
    phone = PhoneField()


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the SMS"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_code(self) -> str:
        code = to_arabic_digits(self.cleaned_data["code"]).replace(" ", "")
        if not code.isdigit():
            raise ValidationError(_("The code is made of digits only."), code="invalid")
        return code


class EmailSignInForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class EmailSignUpForm(NamesMixin):
    email = forms.EmailField(label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 10 characters; not a common password and not only digits."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords are not the same."))
        elif p1:
            candidate = User(
                email=data.get("email"), **{k: data.get(k, "") for k in ("given_name_lo", "family_name_lo")}
            )
            try:
                password_validation.validate_password(p1, candidate)
            except ValidationError as exc:
                self.add_error("password1", exc)
        return data


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )

    def clean_token(self) -> str:
        return to_arabic_digits(self.cleaned_data["token"]).replace(" ", "")


class ProfileForm(forms.ModelForm):
    """Mobile number and e-mail are sign-in identifiers: they are shown, not edited here (a change must be
    proved with a code sent to the new number or address)."""

    class Meta:
        model = User
        fields = [
            "given_name_lo",
            "family_name_lo",
            "given_name_latin",
            "family_name_latin",
            "date_of_birth",
            "national_id",
            "province",
            "district",
            "village",
            "address_line",
            "preferred_language",
        ]
        widgets = {"date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["province"].queryset = Province.objects.filter(valid_to__isnull=True)
        self.fields["district"].queryset = District.objects.filter(valid_to__isnull=True).select_related("province")
        self.fields["village"].queryset = Village.objects.filter(valid_to__isnull=True)

    def clean_national_id(self) -> str:
        value = to_arabic_digits(self.cleaned_data.get("national_id") or "").strip().upper()
        if value and not value.replace("-", "").isalnum():
            raise ValidationError(_("A national ID number has only letters, digits and dashes."), code="invalid")
        return value

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        province, district, village = data.get("province"), data.get("district"), data.get("village")
        if district and province and district.province_id != province.pk:
            self.add_error("district", _("This district is not in the province you chose."))
        if village and district and village.district_id != district.pk:
            self.add_error("village", _("This village is not in the district you chose."))
        return data


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form (which never says whether the address exists), sending through the queue."""

    def send_mail(  # type: ignore[override]
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict,
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        body = render_to_string(email_template_name, context)
        email_send(to=to_email, subject=subject, body=body)
