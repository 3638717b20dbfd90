"""Forms of the safe-migration pages. They parse input only; the rules live in services.py."""

import uuid
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from elaos.agencies.models import Organisation
from elaos.migration import selectors
from elaos.migration.models import (
    Complaint,
    CorrectionRequest,
    Destination,
    InfoPage,
    Migrant,
    Need,
    RecruitmentAgency,
    Returnee,
)
from elaos.migration.services import MIGRANT_FIELDS


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return obj.name_lo + (f" ({obj.name_en})" if obj.name_en else "")


class AgencyChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: RecruitmentAgency) -> str:
        status = "" if obj.status == RecruitmentAgency.Status.ACTIVE else f" — {obj.get_status_display()}"
        return f"{obj.name_lo} ({obj.licence_number}){status}"


class MigrantForm(forms.ModelForm):
    agency = AgencyChoiceField(
        label=_("Recruitment agency"),
        queryset=RecruitmentAgency.objects.none(),
        required=False,
        help_text=_("The licensed agency sending the worker. Leave empty when going without an agency."),
    )

    class Meta:
        model = Migrant
        fields = MIGRANT_FIELDS
        widgets = {
            name: DateInput()
            for name in (
                "departure_date",
                "passport_expires_on",
                "visa_expires_on",
                "work_permit_expires_on",
                "orientation_completed_on",
                "health_check_on",
                "insurance_expires_on",
            )
        }
        help_texts = {
            "monthly_wage": _("As in the contract, in the currency below."),
            "wage_currency": _("THB for Thailand, KRW for Korea, JPY for Japan…"),
            "deductions_note": _("For example housing, food, the agency's fee."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = selectors.agency_choices()  # type: ignore[attr-defined]
        self.fields["home_province"].label_from_instance = lambda p: p.name_lo  # type: ignore[attr-defined]


def consent_field() -> forms.BooleanField:
    # Not required at the form level: the service refuses without consent, with its own clear message.
    return forms.BooleanField(
        label=_(
            "The migrant agrees that the Ministry of Labour and Social Welfare keeps this record to register, protect "
            "and help them while they work abroad, and for no other purpose."
        ),
        required=False,
    )


class SelfRegistrationForm(MigrantForm):
    office = OrganisationChoiceField(
        label=_("Labour office or Migrant Resource Centre"),
        queryset=Organisation.objects.none(),
        help_text=_("The office near you that follows your record."),
    )
    consent = consent_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        offices = selectors.migration_offices()
        self.fields["office"].queryset = Organisation.objects.filter(pk__in=[o.pk for o in offices])  # type: ignore[attr-defined]
        self.order_fields(["office", *MIGRANT_FIELDS, "consent"])


class OfficerRegistrationForm(MigrantForm):
    office = OrganisationChoiceField(label=_("Your office"), queryset=Organisation.objects.none())
    phone = forms.CharField(
        label=_("The migrant's mobile number"),
        max_length=20,
        help_text=_("They sign in with it to see their record. An account is made if they have none."),
    )
    given_name_lo = forms.CharField(label=_("Given name (Lao)"), max_length=100)
    family_name_lo = forms.CharField(label=_("Family name (Lao)"), max_length=100, required=False)
    consent = consent_field()

    def __init__(self, *args: Any, offices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices  # type: ignore[attr-defined]
        self.order_fields(["office", "phone", "given_name_lo", "family_name_lo", *MIGRANT_FIELDS, "consent"])


class MigrantTransitionForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Migrant.Status.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, migrant: Migrant, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = Migrant.TRANSITIONS[migrant.status]  # type: ignore[index]
        self.fields["status"].choices = [c for c in Migrant.Status.choices if c[0] in allowed]  # type: ignore[attr-defined]


class CorrectionForm(forms.Form):
    details = forms.CharField(
        label=_("What is wrong, and what should it say?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class CorrectionResolveForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Answer"),
        choices=[
            (CorrectionRequest.Status.CORRECTED, _("Corrected")),
            (CorrectionRequest.Status.REFUSED, _("Refused")),
        ],
        widget=forms.RadioSelect,
    )
    resolution = forms.CharField(label=_("Explanation for the person"), widget=forms.Textarea(attrs={"rows": 3}))


class AgencySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Licence number or agency name"),
        required=False,
        max_length=100,
        help_text=_("In Lao or English, for example RA-2024-0001."),
    )
    status = forms.ChoiceField(
        label=_("Licence status"),
        required=False,
        choices=[("", _("Any status")), *RecruitmentAgency.Status.choices],
    )


class AgencyStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New licence status"), choices=RecruitmentAgency.Status.choices)
    reason = forms.CharField(
        label=_("Reason (published in the register)"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, agency: RecruitmentAgency, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = RecruitmentAgency.TRANSITIONS[agency.status]  # type: ignore[index]
        self.fields["status"].choices = [c for c in RecruitmentAgency.Status.choices if c[0] in allowed]  # type: ignore[attr-defined]


class ComplaintForm(forms.Form):
    submission_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)
    complainant_kind = forms.ChoiceField(
        label=_("Who is complaining?"),
        choices=[c for c in Complaint.Complainant.choices if c[0] != Complaint.Complainant.OFFICER],
        widget=forms.RadioSelect,
    )
    anonymous = forms.BooleanField(
        label=_("Complain anonymously"),
        required=False,
        help_text=_("Your name is not kept. You get a reference and a secret code to follow the complaint."),
    )
    contact_phone = forms.CharField(
        label=_("Phone to reach you"),
        required=False,
        max_length=20,
        help_text=_("Not needed if you are signed in or complain anonymously."),
    )
    against = forms.ChoiceField(
        label=_("Complaint against"), choices=Complaint.Against.choices, widget=forms.RadioSelect
    )
    agency = AgencyChoiceField(label=_("Recruitment agency"), queryset=RecruitmentAgency.objects.none(), required=False)
    employer_name = forms.CharField(label=_("Employer"), max_length=200, required=False)
    destination = forms.ChoiceField(
        label=_("Country where it happened"), choices=[("", "—"), *Destination.choices], required=False
    )
    category = forms.ChoiceField(label=_("What happened?"), choices=Complaint.Category.choices)
    description = forms.CharField(label=_("Describe what happened"), max_length=5000, widget=forms.Textarea)
    evidence = forms.FileField(
        label=_("Evidence"),
        required=False,
        help_text=_("A photo or a PDF (contract, receipt, message), at most 5 MB."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = selectors.agency_choices()  # type: ignore[attr-defined]


class OfficerComplaintForm(ComplaintForm):
    office = OrganisationChoiceField(label=_("Your office"), queryset=Organisation.objects.none())

    def __init__(self, *args: Any, offices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices  # type: ignore[attr-defined]
        self.fields["complainant_kind"].choices = Complaint.Complainant.choices  # type: ignore[attr-defined]
        self.fields["complainant_kind"].initial = Complaint.Complainant.OFFICER


class ComplaintLookupForm(forms.Form):
    reference = forms.CharField(label=_("Reference"), max_length=20)
    code = forms.CharField(label=_("Secret code"), max_length=20, widget=forms.PasswordInput(render_value=True))


class ComplaintHandleForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=Complaint.Status.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    inspection_office = OrganisationChoiceField(
        label=_("Labour inspection office (to refer)"), queryset=Organisation.objects.none(), required=False
    )
    outcome = forms.ChoiceField(
        label=_("Outcome (to close)"), choices=[("", "—"), *Complaint.Outcome.choices], required=False
    )
    outcome_note = forms.CharField(
        label=_("Outcome explained"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, complaint: Complaint, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = Complaint.TRANSITIONS[complaint.status]  # type: ignore[index]
        self.fields["status"].choices = [c for c in Complaint.Status.choices if c[0] in allowed]  # type: ignore[attr-defined]
        self.fields["inspection_office"].queryset = Organisation.objects.filter(  # type: ignore[attr-defined]
            pk__in=[o.pk for o in selectors.inspection_offices()]
        )


class EvidenceForm(forms.Form):
    evidence = forms.FileField(label=_("Evidence"), help_text=_("A photo or a PDF, at most 5 MB."))


class ReturneeForm(forms.ModelForm):
    office = OrganisationChoiceField(label=_("Your office"), queryset=Organisation.objects.none())
    needs = forms.MultipleChoiceField(
        label=_("Needs"), choices=Need.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    consent = forms.BooleanField(
        label=_(
            "The returnee agrees that this record is kept to help them reintegrate, and shared only with the "
            "offices and associations they are referred to."
        ),
        required=False,
    )

    class Meta:
        model = Returnee
        fields = [
            "full_name",
            "phone",
            "sex",
            "birth_year",
            "home_province",
            "registered_at",
            "border_point",
            "returned_on",
            "returned_from",
            "travel_document",
            "needs_note",
        ]
        widgets = {"returned_on": DateInput(), "needs_note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, offices: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices  # type: ignore[attr-defined]
        self.order_fields(["office", *self.Meta.fields, "needs", "consent"])


class AssessmentForm(forms.Form):
    needs = forms.MultipleChoiceField(
        label=_("Needs"), choices=Need.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    needs_note = forms.CharField(label=_("Needs assessment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class NpaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.registration_number} {obj.name_lo}"


class ReferralForm(forms.Form):
    need = forms.ChoiceField(label=_("Need"), choices=Need.choices)
    to_office = OrganisationChoiceField(
        label=_("Government office"), queryset=Organisation.objects.none(), required=False
    )
    to_npa = NpaChoiceField(label=_("Or an association"), queryset=Organisation.objects.none(), required=False)
    note = forms.CharField(label=_("What is asked"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from elaos.civil_society.models import Npa

        super().__init__(*args, **kwargs)
        self.fields["to_office"].queryset = selectors.referral_offices()  # type: ignore[attr-defined]
        npas = selectors.active_npas()
        ids = [n.pk for n in npas] if isinstance(npas, list) else npas.values("pk")
        self.fields["to_npa"].queryset = Npa.objects.filter(pk__in=ids).order_by("registration_number")  # type: ignore[attr-defined]


class ReferralAnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Answer"), choices=[("accept", _("Accept")), ("decline", _("Decline"))], widget=forms.RadioSelect
    )
    reason = forms.CharField(
        label=_("Reason (when declining)"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReferralOutcomeForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 3}))


class InfoPageForm(forms.ModelForm):
    class Meta:
        model = InfoPage
        fields = [
            "title_lo",
            "title_en",
            "rights_lo",
            "rights_en",
            "channels_lo",
            "channels_en",
            "agency_check_lo",
            "agency_check_en",
            "hotlines_lo",
            "hotlines_en",
        ]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in fields if not name.startswith("title")}
