from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from elaos.agencies.models import Organisation
from elaos.oidc.access import client_organisation_ids
from elaos.oidc.scopes import scope_label


def _uri_lines(value: str) -> list[str]:
    return [line.strip() for line in (value or "").splitlines() if line.strip()]


class AgencyClientForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Agency"), queryset=Organisation.objects.none(), help_text=_("The agency that runs this system.")
    )
    name_lo = forms.CharField(label=_("Name of the system (Lao)"), max_length=200)
    name_en = forms.CharField(label=_("Name of the system (English)"), max_length=200)
    client_type = forms.ChoiceField(
        label=_("Kind of client"),
        choices=[
            ("confidential", _("A server that keeps a secret (web application)")),
            ("public", _("An app that cannot keep a secret (mobile or browser app)")),
        ],
        initial="confidential",
        widget=forms.RadioSelect,
    )
    redirect_uris = forms.CharField(
        label=_("Redirect addresses"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One https address per line, exactly as the system sends it."),
    )
    post_logout_redirect_uris = forms.CharField(
        label=_("Addresses after sign-out"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One https address per line."),
    )
    allowed_scopes = forms.MultipleChoiceField(
        label=_("Data the system may ask for"), widget=forms.CheckboxSelectMultiple, choices=[]
    )

    def __init__(self, *args: object, creating: bool, user: Any = None, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["allowed_scopes"].choices = [
            (scope, f"{scope_label(scope)} ({scope})") for scope in settings.OAUTH2_PROVIDER["SCOPES"]
        ]
        if creating:
            organisations = Organisation.objects.active().order_by("name_en")
            allowed = client_organisation_ids(user)
            if allowed is not None:
                organisations = organisations.filter(pk__in=allowed)
            self.fields["organisation"].queryset = organisations
        else:
            del self.fields["organisation"]
            del self.fields["client_type"]

    def clean_redirect_uris(self) -> list[str]:
        uris = _uri_lines(self.cleaned_data["redirect_uris"])
        if not uris:
            raise forms.ValidationError(_("Give at least one redirect address."))
        return uris

    def clean_post_logout_redirect_uris(self) -> list[str]:
        return _uri_lines(self.cleaned_data["post_logout_redirect_uris"])


class ArchiveForm(forms.Form):
    reason = forms.CharField(label=_("Why is this client switched off?"), max_length=500)
