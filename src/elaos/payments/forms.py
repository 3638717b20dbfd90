import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from elaos.core.lao import to_arabic_digits


class DayField(forms.DateField):
    """An ISO date, also when typed with Lao digits."""

    def to_python(self, value: object) -> datetime.date | None:
        return super().to_python(to_arabic_digits(value) if isinstance(value, str) else value)


class ReconciliationForm(forms.Form):
    date = DayField(
        label=_("Day"),
        help_text=_("Payments confirmed by the bank on this day, Vientiane time."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
    )

    def day(self) -> datetime.date:
        """The chosen day, or today when nothing (or nothing valid) was chosen."""
        if self.is_bound and self.is_valid():
            return self.cleaned_data["date"]
        return timezone.localdate()
