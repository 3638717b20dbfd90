from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from elaos.core.events import EVENT_TYPES
from elaos.exchange import selectors
from elaos.exchange.datasets import Purpose, dataset_choices, personal_dataset_choices

CHANNEL_CHOICES = [("sms", _("By SMS to my mobile number")), ("email", _("By e-mail"))]


def _channels(user: Any) -> list[tuple[str, Any]]:
    return [(c, label) for c, label in CHANNEL_CHOICES if getattr(user, "phone" if c == "sms" else "email", None)]


class ChannelForm(forms.Form):
    channel = forms.ChoiceField(label=_("Send the code"), widget=forms.RadioSelect)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["channel"].choices = _channels(user)
        self.fields["channel"].initial = self.fields["channel"].choices[0][0] if self.fields["channel"].choices else ""


class ConsentForm(ChannelForm):
    agency = forms.ModelChoiceField(
        label=_("Agency"), queryset=selectors.consent_agencies(), to_field_name="code", empty_label=_("Choose…")
    )
    datasets = forms.MultipleChoiceField(
        label=_("Data the agency may read"), choices=personal_dataset_choices, widget=forms.CheckboxSelectMultiple
    )
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices, widget=forms.RadioSelect)
    valid_until = forms.DateField(
        label=_("Valid until"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("After this date the agency can no longer read the data."),
    )
    field_order = ["agency", "datasets", "purpose", "valid_until", "channel"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, user=user, **kwargs)
        self.fields["agency"].queryset = selectors.consent_agencies()
        self.fields["agency"].label_from_instance = lambda o: f"{o.name_lo} — {o.name_en}" if o.name_en else o.name_lo
        self.fields["valid_until"].initial = timezone.localdate() + timedelta(days=90)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
        help_text=_("The 6 digits we sent you."),
    )


class ReceiptVerifyForm(forms.Form):
    receipt = forms.CharField(label=_("Consent receipt"), widget=forms.Textarea(attrs={"rows": 5}), max_length=8000)


class AgencyClientForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Agency"), queryset=None, empty_label=_("Choose…"))  # type: ignore[arg-type]
    name = forms.CharField(label=_("System name"), max_length=200)
    scopes = forms.MultipleChoiceField(
        label=_("Datasets it may read"), choices=dataset_choices, widget=forms.CheckboxSelectMultiple
    )
    rate_limit_per_minute = forms.IntegerField(label=_("Requests per minute"), min_value=1, max_value=10000, initial=60)

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class AgencyClientUpdateForm(forms.Form):
    scopes = forms.MultipleChoiceField(
        label=_("Datasets it may read"), choices=dataset_choices, widget=forms.CheckboxSelectMultiple
    )
    rate_limit_per_minute = forms.IntegerField(label=_("Requests per minute"), min_value=1, max_value=10000)


class WebhookForm(forms.Form):
    url = forms.URLField(label=_("Address (URL)"), max_length=500, assume_scheme="https")
    event_types = forms.MultipleChoiceField(
        label=_("Events"),
        choices=[(e, e) for e in sorted(EVENT_TYPES)],
        widget=forms.CheckboxSelectMultiple,
    )


class ArchiveForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)
