"""Forms of the protection pages. They parse input only; the rules live in services.py."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy

from elaos.agencies.models import Organisation
from elaos.core.models import Province
from elaos.protection.models import (
    RISK_ITEMS,
    AgeBand,
    CaseIdentity,
    ConsentGrant,
    ControlMethod,
    Country,
    Exploitation,
    Gender,
    Industry,
    MigrantType,
    PlanItem,
    ProtectionCase,
    Recruitment,
    Referral,
    TraffickingStatus,
    Vulnerability,
    age_band_for,
)

FACT_FIELDS = [
    "trafficking_status",
    "migrant_type",
    "gender",
    "age_band",
    "citizenship",
    "province",
    "country_of_exploitation",
    "countries_of_transit",
    "types_of_exploitation",
    "methods_of_control",
    "methods_of_recruitment",
    "forced_labour_industry",
    "vulnerabilities",
    "recruited_on",
    "identified_on",
]
IDENTITY_FIELDS = ["given_name", "family_name", "date_of_birth", "phone", "address", "id_document", "id_number"]


class DateInput(forms.DateInput):
    input_type = "date"


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return obj.name_lo + (f" ({obj.name_en})" if obj.name_en else "")


def _blank(choices: Any, label: Any = "—") -> list[tuple[str, Any]]:
    return [("", label), *choices.choices]


def _checkboxes(label: Any, choices: Any, required: bool = False) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=choices.choices, required=required, widget=forms.CheckboxSelectMultiple
    )


class CaseOpenForm(forms.Form):
    organisation = OrganisationChoiceField(label=gettext_lazy("Office"), queryset=Organisation.objects.none())
    # The person
    given_name = forms.CharField(label=gettext_lazy("Given name"), max_length=100)
    family_name = forms.CharField(label=gettext_lazy("Family name"), max_length=100, required=False)
    date_of_birth = forms.DateField(label=gettext_lazy("Date of birth"), required=False, widget=DateInput)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=20, required=False)
    address = forms.CharField(label=gettext_lazy("Address"), max_length=250, required=False)
    id_document = forms.ChoiceField(
        label=gettext_lazy("ID document"), choices=CaseIdentity.IdDocument.choices, required=False
    )
    id_number = forms.CharField(label=gettext_lazy("ID number"), max_length=40, required=False)
    # The case (HTCDS)
    trafficking_status = forms.ChoiceField(label=gettext_lazy("Trafficking status"), choices=TraffickingStatus.choices)
    migrant_type = forms.ChoiceField(label=gettext_lazy("Migrant type"), choices=MigrantType.choices)
    gender = forms.ChoiceField(label=gettext_lazy("Gender"), choices=Gender.choices)
    age_band = forms.ChoiceField(
        label=gettext_lazy("Age when trafficked"),
        choices=AgeBand.choices,
        initial=AgeBand.UNKNOWN,
        help_text=gettext_lazy("Left as unknown, it is worked out from the date of birth."),
    )
    citizenship = forms.ChoiceField(label=gettext_lazy("Citizenship"), choices=Country.choices, initial=Country.LA)
    province = forms.ModelChoiceField(
        label=gettext_lazy("Home province"), queryset=Province.objects.order_by("code"), required=False
    )
    country_of_exploitation = forms.ChoiceField(label=gettext_lazy("Country of exploitation"), choices=Country.choices)
    countries_of_transit = _checkboxes(gettext_lazy("Countries of transit"), Country)
    types_of_exploitation = _checkboxes(gettext_lazy("Types of exploitation"), Exploitation, required=True)
    methods_of_control = _checkboxes(gettext_lazy("Methods of control"), ControlMethod)
    methods_of_recruitment = _checkboxes(gettext_lazy("Methods of recruitment"), Recruitment)
    forced_labour_industry = forms.ChoiceField(
        label=gettext_lazy("Industry (forced labour)"), choices=_blank(Industry), required=False
    )
    vulnerabilities = _checkboxes(gettext_lazy("Vulnerabilities"), Vulnerability)
    recruited_on = forms.DateField(label=gettext_lazy("Recruited on"), required=False, widget=DateInput)
    identified_on = forms.DateField(label=gettext_lazy("Identified on"), widget=DateInput)
    # Consent
    consent_given = forms.BooleanField(
        label=gettext_lazy(
            "The person was told what will be recorded, who will see it and why, and agreed that this office "
            "manages their case."
        ),
        required=False,
    )
    consent_method = forms.ChoiceField(label=gettext_lazy("How consent was given"), choices=ConsentGrant.Method.choices)

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        field.queryset = organisations  # type: ignore[attr-defined]
        if len(organisations) == 1:
            field.initial = organisations[0]

    def facts(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in FACT_FIELDS}
        born = self.cleaned_data.get("date_of_birth")
        if data["age_band"] == AgeBand.UNKNOWN and born and data["identified_on"]:
            day = data["identified_on"]
            data["age_band"] = age_band_for(day.year - born.year - ((day.month, day.day) < (born.month, born.day)))
        return data

    def identity(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in IDENTITY_FIELDS}


class ConsentForm(forms.Form):
    purpose = forms.ChoiceField(label=gettext_lazy("Purpose"), choices=ConsentGrant.Purpose.choices)
    recipient_office = OrganisationChoiceField(
        label=gettext_lazy("Recipient office"), queryset=Organisation.objects.none(), required=False
    )
    recipient_npa = forms.ChoiceField(label=gettext_lazy("Or recipient association"), required=False)
    method = forms.ChoiceField(label=gettext_lazy("How consent was given"), choices=ConsentGrant.Method.choices)
    given_on = forms.DateField(
        label=gettext_lazy("Given on"),
        required=False,
        widget=DateInput,
        help_text=gettext_lazy("Leave empty for today."),
    )

    def __init__(self, *args: Any, offices: QuerySet[Organisation], npas: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient_office"].queryset = offices  # type: ignore[attr-defined]
        self.fields["recipient_npa"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *[(n.registration_number, f"{n.registration_number} {n.name_lo}") for n in npas],
        ]


class WithdrawForm(forms.Form):
    consent = forms.UUIDField(widget=forms.HiddenInput)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=500, required=False)


class RiskForm(forms.Form):
    SCORES = [
        (0, gettext_lazy("0 — none")),
        (1, gettext_lazy("1 — low")),
        (2, gettext_lazy("2 — serious")),
        (3, gettext_lazy("3 — severe")),
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for code, label in RISK_ITEMS:
            self.fields[code] = forms.TypedChoiceField(label=label, choices=self.SCORES, coerce=int, initial=0)

    def scores(self) -> dict[str, int]:
        return {code: self.cleaned_data[code] for code, _label in RISK_ITEMS}


class PlanItemForm(forms.Form):
    goal = forms.CharField(label=gettext_lazy("Goal"), max_length=250)
    action = forms.CharField(label=gettext_lazy("Action"), max_length=250)
    due_on = forms.DateField(label=gettext_lazy("Due on"), required=False, widget=DateInput)


class PlanStatusForm(forms.Form):
    item = forms.UUIDField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=PlanItem.Status.choices)


class ReferralForm(forms.Form):
    service = forms.ChoiceField(label=gettext_lazy("Service"), choices=Referral.Service.choices)
    to_office = OrganisationChoiceField(
        label=gettext_lazy("To an office"), queryset=Organisation.objects.none(), required=False
    )
    to_npa = forms.ChoiceField(label=gettext_lazy("Or to an association"), required=False)
    details = forms.CharField(
        label=gettext_lazy("What the recipient needs to know"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Only what the service needs. The recipient does not see the person's identity or the case file."
        ),
    )

    def __init__(self, *args: Any, offices: QuerySet[Organisation], npas: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_office"].queryset = offices  # type: ignore[attr-defined]
        self.fields["to_npa"].choices = [  # type: ignore[attr-defined]
            ("", "—"),
            *[(n.registration_number, f"{n.registration_number} {n.name_lo}") for n in npas],
        ]


class NoteForm(forms.Form):
    text = forms.CharField(label=gettext_lazy("Note"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class TransferForm(forms.Form):
    to_organisation = OrganisationChoiceField(label=gettext_lazy("To office"), queryset=Organisation.objects.none())
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, offices: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_organisation"].queryset = offices  # type: ignore[attr-defined]


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=gettext_lazy("Reason for closure"), choices=_blank(ProtectionCase.ClosureReason))
    note = forms.CharField(
        label=gettext_lazy("Closure note"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class StatusForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[
            (ProtectionCase.Status.ACTIVE, ProtectionCase.Status.ACTIVE.label),
            (ProtectionCase.Status.FOLLOW_UP, ProtectionCase.Status.FOLLOW_UP.label),
        ],
    )


class AssignForm(forms.Form):
    case_worker = forms.ModelChoiceField(label=gettext_lazy("Case worker"), queryset=None)  # type: ignore[arg-type]

    def __init__(self, *args: Any, workers: QuerySet[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["case_worker"]
        field.queryset = workers  # type: ignore[attr-defined]
        field.label_from_instance = lambda u: (  # type: ignore[attr-defined]
            " ".join(p for p in (u.given_name_latin, u.family_name_latin) if p) or u.email
        )


class BreakGlassForm(forms.Form):
    reference = forms.CharField(label=gettext_lazy("Case reference"), max_length=20)
    reason = forms.CharField(
        label=gettext_lazy("Why you must open this case now"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Your supervisor is told at once and sees this reason."),
    )


class ReferralAnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Your answer"),
        choices=[("accept", gettext_lazy("Accept")), ("decline", gettext_lazy("Decline"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason for declining"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class OutcomeForm(forms.Form):
    outcome = forms.CharField(label=gettext_lazy("Outcome"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
