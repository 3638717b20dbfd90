"""Forms of the coordination pages. They parse input only; the rules live in services.py."""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from elaos.agencies.models import Organisation, Sector
from elaos.civil_society.models import Npa
from elaos.coordination.models import Commitment, WorkPlanItem


class DateInput(forms.DateInput):
    input_type = "date"


class TimeInput(forms.TimeInput):
    input_type = "time"


class NpaChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Npa) -> str:
        return f"{obj.registration_number} {obj.name_lo}" + (f" ({obj.name_en})" if obj.name_en else "")


class OrganisationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organisation) -> str:
        return obj.name_lo + (f" ({obj.name_en})" if obj.name_en else "")


def active_npas() -> QuerySet[Npa]:
    return Npa.objects.active().filter(status=Npa.Status.ACTIVE).order_by("registration_number")


class MemberAddForm(forms.Form):
    npa = NpaChoiceField(label=gettext_lazy("Association"), queryset=Npa.objects.none())
    joined_on = forms.DateField(
        label=gettext_lazy("Joined on"),
        required=False,
        widget=DateInput,
        help_text=gettext_lazy("Leave empty for today."),
    )

    def __init__(self, *args: object, npas: QuerySet[Npa], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["npa"].queryset = npas  # type: ignore[attr-defined]


class GroupMeetingForm(forms.Form):
    date = forms.DateField(label=gettext_lazy("Date"), widget=DateInput)
    place = forms.CharField(label=gettext_lazy("Place"), max_length=200)
    agenda_lo = forms.CharField(label=gettext_lazy("Agenda (Lao)"), widget=forms.Textarea(attrs={"rows": 4}))
    agenda_en = forms.CharField(
        label=gettext_lazy("Agenda (English)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    minutes_lo = forms.CharField(
        label=gettext_lazy("Minutes (Lao)"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    minutes_en = forms.CharField(
        label=gettext_lazy("Minutes (English)"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )


class MinutesForm(forms.Form):
    minutes_lo = forms.CharField(label=gettext_lazy("Minutes (Lao)"), widget=forms.Textarea(attrs={"rows": 10}))
    minutes_en = forms.CharField(
        label=gettext_lazy("Minutes (English)"), required=False, widget=forms.Textarea(attrs={"rows": 10})
    )


class OwnerFields(forms.Form):
    owner_name = forms.CharField(
        label=gettext_lazy("Owner"),
        max_length=200,
        help_text=gettext_lazy("The association or office responsible, as it should be shown."),
    )
    owner_npa = NpaChoiceField(
        label=gettext_lazy("Owner association in the register"), queryset=Npa.objects.none(), required=False
    )
    owner_organisation = OrganisationChoiceField(
        label=gettext_lazy("Owner office"), queryset=Organisation.objects.none(), required=False
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["owner_npa"].queryset = active_npas()  # type: ignore[attr-defined]
        self.fields["owner_organisation"].queryset = Organisation.objects.active().order_by(  # type: ignore[attr-defined]
            "code"
        )

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("owner_npa") and data.get("owner_organisation"):
            raise ValidationError(_("Link the owner to an association or to an office, not both."))
        return data


class WorkPlanItemForm(OwnerFields):
    title_lo = forms.CharField(label=gettext_lazy("Title (Lao)"), max_length=250)
    title_en = forms.CharField(label=gettext_lazy("Title (English)"), max_length=250, required=False)
    due_date = forms.DateField(label=gettext_lazy("Due date"), required=False, widget=DateInput)
    notes = forms.CharField(label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    field_order = ["title_lo", "title_en", "owner_name", "owner_npa", "owner_organisation", "due_date", "notes"]


class WorkPlanUpdateForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=WorkPlanItem.Status.choices)
    due_date = forms.DateField(label=gettext_lazy("Due date"), required=False, widget=DateInput)
    notes = forms.CharField(label=gettext_lazy("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 4}))


class RegistrationForm(forms.Form):
    AS_OFFICIAL, AS_NPA = "official", "npa"

    register_as = forms.ChoiceField(
        label=gettext_lazy("I will attend"),
        widget=forms.RadioSelect,
        choices=[
            (AS_NPA, gettext_lazy("On behalf of an association")),
            (AS_OFFICIAL, gettext_lazy("As a government official")),
        ],
    )
    npa = NpaChoiceField(label=gettext_lazy("Association"), queryset=Npa.objects.none(), required=False)
    organisation = OrganisationChoiceField(
        label=gettext_lazy("Your office"), queryset=Organisation.objects.none(), required=False
    )

    def __init__(self, *args: object, organisations: QuerySet[Organisation], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["npa"].queryset = active_npas()  # type: ignore[attr-defined]
        self.fields["organisation"].queryset = organisations  # type: ignore[attr-defined]
        if not organisations.exists():
            # Only staff holding a role somewhere may register as officials.
            del self.fields["organisation"]
            self.fields["register_as"].choices = self.fields["register_as"].choices[:1]  # type: ignore[attr-defined]
            self.fields["register_as"].initial = self.AS_NPA

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("register_as") == self.AS_NPA:
            if not data.get("npa"):
                self.add_error("npa", _("Choose the association you represent."))
            data["organisation"] = None
        elif data.get("register_as") == self.AS_OFFICIAL:
            if not data.get("organisation"):
                self.add_error("organisation", _("Choose your office."))
            data["npa"] = None
        return data


class AgendaItemForm(forms.Form):
    time = forms.TimeField(label=gettext_lazy("Time"), required=False, widget=TimeInput)
    title_lo = forms.CharField(label=gettext_lazy("Title (Lao)"), max_length=250)
    title_en = forms.CharField(label=gettext_lazy("Title (English)"), max_length=250, required=False)
    speaker = forms.CharField(label=gettext_lazy("Speaker"), max_length=200, required=False)


class CommitmentForm(OwnerFields):
    title_lo = forms.CharField(label=gettext_lazy("Title (Lao)"), max_length=250)
    title_en = forms.CharField(label=gettext_lazy("Title (English)"), max_length=250, required=False)
    due_date = forms.DateField(label=gettext_lazy("Due date"), required=False, widget=DateInput)

    field_order = ["title_lo", "title_en", "owner_name", "owner_organisation", "owner_npa", "due_date"]


class CommitmentProgressForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=Commitment.Status.choices)
    note_lo = forms.CharField(
        label=gettext_lazy("Progress note (Lao)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    note_en = forms.CharField(
        label=gettext_lazy("Progress note (English)"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class SectorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Sector) -> str:
        return obj.name_lo + (f" ({obj.name_en})" if obj.name_en else "")


class SectorGroupForm(forms.Form):
    sector = SectorChoiceField(label=gettext_lazy("Sector"), queryset=Sector.objects.none())
    focal_office = OrganisationChoiceField(
        label=gettext_lazy("Focal office"),
        queryset=Organisation.objects.none(),
        help_text=gettext_lazy("The office of the line ministry that runs the group."),
    )
    name_lo = forms.CharField(label=gettext_lazy("Name (Lao)"), max_length=200)
    name_en = forms.CharField(label=gettext_lazy("Name (English)"), max_length=200, required=False)
    description_lo = forms.CharField(
        label=gettext_lazy("Description (Lao)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    description_en = forms.CharField(
        label=gettext_lazy("Description (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: object, sectors: QuerySet[Sector], offices: QuerySet[Organisation], **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["sector"].queryset = sectors  # type: ignore[attr-defined]
        self.fields["focal_office"].queryset = offices  # type: ignore[attr-defined]


class AnnualMeetingForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    date = forms.DateField(label=gettext_lazy("Date"), widget=DateInput)
    place = forms.CharField(label=gettext_lazy("Place"), max_length=200)
    title_lo = forms.CharField(label=gettext_lazy("Title (Lao)"), max_length=200)
    title_en = forms.CharField(label=gettext_lazy("Title (English)"), max_length=200, required=False)
    description_lo = forms.CharField(
        label=gettext_lazy("Description (Lao)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    description_en = forms.CharField(
        label=gettext_lazy("Description (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
