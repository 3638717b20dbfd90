"""Forms of the Glass Accounts pages: the portal's GET filters (an unknown or bad filter value is shown as an error
beside its field and otherwise ignored, never an error page), alert subscriptions and the publishing steps."""

import datetime
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from elaos.agencies.models import Organisation
from elaos.budget.models import AlertSubscription, FiscalYear, ImportBatch, InformationType
from elaos.core.lao import localized, to_arabic_digits


class KipField(forms.IntegerField):
    """A whole number of kip; accepts Lao digits and thousands separators ("1,000,000", "໑໐໐໐").

    A text box with a numeric keyboard, not <input type="number">: browsers refuse separators and Lao digits in a
    number input, so what people naturally type would be lost before it reached the server."""

    widget = forms.TextInput

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        if not widget.is_hidden:
            attrs.setdefault("inputmode", "numeric")
            attrs.setdefault("autocomplete", "off")
        return attrs

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = to_arabic_digits(value).replace(",", "").replace(".", "").replace(" ", "").replace("₭", "")
        return super().to_python(value)


def year_choices() -> list[tuple[str, str]]:
    return [(str(y), str(y)) for y in FiscalYear.objects.values_list("year", flat=True)]


class YearForm(forms.Form):
    """The fiscal year a page shows, another year to compare with, and nominal or real prices."""

    PRICES = [("nominal", gettext_lazy("Current prices")), ("real", gettext_lazy("Real terms (constant prices)"))]

    year = forms.TypedChoiceField(label=gettext_lazy("Fiscal year"), coerce=int, required=False)
    compare = forms.TypedChoiceField(label=gettext_lazy("Compare with"), coerce=int, required=False)
    prices = forms.ChoiceField(label=gettext_lazy("Prices"), choices=PRICES, required=False)

    def __init__(self, *args: Any, years: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(y, str(y)) for y in years]
        self.fields["year"].choices = choices
        self.fields["compare"].choices = [("", _("No comparison")), *choices]

    def values(self, default_year: int | None) -> tuple[int | None, int | None, str]:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        year = data.get("year") or default_year
        compare = data.get("compare") or None
        if compare == year:
            compare = None
        return year, compare, data.get("prices") or "nominal"


class TransactionSearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Payee or purpose"),
        help_text=gettext_lazy("Words of the payee's name or of the purpose, in Lao or English."),
        max_length=200,
        required=False,
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )
    agency = forms.ChoiceField(label=gettext_lazy("Agency"), required=False)
    year = forms.TypedChoiceField(label=gettext_lazy("Fiscal year"), coerce=int, required=False)
    min_amount = KipField(label=gettext_lazy("Amount from (kip)"), required=False, min_value=0)
    max_amount = KipField(label=gettext_lazy("Amount up to (kip)"), required=False, min_value=0)
    date_from = forms.DateField(
        label=gettext_lazy("Paid from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=gettext_lazy("Paid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sort = forms.ChoiceField(
        label=gettext_lazy("Order"),
        required=False,
        choices=[("-date", gettext_lazy("Newest first")), ("-amount", gettext_lazy("Largest first"))],
    )
    # Set by the links "all payments to this payee" and "all payments on this budget line".
    payee = forms.UUIDField(required=False, widget=forms.HiddenInput)
    line = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", _("All"))] + [
            (o.code, localized(o, "name")) for o in Organisation.objects.active().order_by("code")
        ]
        self.fields["year"].choices = [("", _("All")), *year_choices()]
        for name, field in self.fields.items():
            if name != "q" and field.help_text:
                field.widget.attrs["aria-describedby"] = f"id_{name}_helptext"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        low, high = data.get("min_amount"), data.get("max_amount")
        if low is not None and high is not None and low > high:
            self.add_error("max_amount", _("The upper amount is below the lower one."))
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("This date is before the first one."))
        return data

    def filters(self) -> dict[str, Any]:
        """The valid filters; a field with an error is left out (and its error shown beside it)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            name: data.get(name) for name in self.fields if name not in self.errors and data.get(name) not in (None, "")
        }


class AlertForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Follow"), choices=AlertSubscription.Kind.choices, widget=forms.RadioSelect
    )
    agency = forms.ChoiceField(label=gettext_lazy("Agency"), required=False)
    payee = forms.CharField(
        label=gettext_lazy("Payee"),
        help_text=gettext_lazy("The payee's registration number, or the address of its page on this site."),
        max_length=200,
        required=False,
    )
    keyword = forms.CharField(
        label=gettext_lazy("Keyword"),
        help_text=gettext_lazy("A word of the purpose or of the payee's name, in Lao or English."),
        max_length=100,
        required=False,
    )
    channel = forms.ChoiceField(
        label=gettext_lazy("Send the digest by"), choices=AlertSubscription.Channel.choices, widget=forms.RadioSelect
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [("", _("Choose an agency"))] + [
            (o.code, localized(o, "name")) for o in Organisation.objects.active().order_by("code")
        ]
        for name in ("payee", "keyword"):
            self.fields[name].widget.attrs["aria-describedby"] = f"id_{name}_helptext"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind = data.get("kind")
        needed = {"agency": "agency", "payee": "payee", "keyword": "keyword"}.get(kind or "")
        if needed and not data.get(needed):
            self.add_error(needed, _("Say what to follow."))
        return data


class PublishStartForm(forms.Form):
    """Step 1 of publishing: which information, for which period, and the file."""

    information_type = forms.ChoiceField(label=gettext_lazy("Information"))
    fiscal_year = forms.TypedChoiceField(label=gettext_lazy("Fiscal year"), coerce=int)
    period_start = forms.DateField(
        label=gettext_lazy("Period from"),
        help_text=gettext_lazy("The first day the file covers, e.g. the first of the month."),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "aria-describedby": "id_period_start_helptext"}),
    )
    period_end = forms.DateField(
        label=gettext_lazy("Period until"),
        help_text=gettext_lazy("The last day the file covers."),
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "aria-describedby": "id_period_end_helptext"}),
    )
    file = forms.FileField(
        label=gettext_lazy("File (CSV or XLSX)"),
        help_text=gettext_lazy("Fill in the template of this information type; the first row holds the column names."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".csv,.xlsx,text/csv", "aria-describedby": "id_file_helptext"}
        ),
    )

    def __init__(self, *args: Any, information_types: list[InformationType], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["information_type"].choices = [(t.code, localized(t, "name")) for t in information_types]
        self.fields["fiscal_year"].choices = year_choices() or [
            (str(datetime.date.today().year), str(datetime.date.today().year))
        ]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        limit = settings.GLASS_UPLOAD_MAX_BYTES
        if not upload.size:
            raise forms.ValidationError(_("The file is empty."))
        if upload.size > limit:
            raise forms.ValidationError(
                _("The file is too large: at most %(mb)s MB.") % {"mb": round(limit / 1024 / 1024)}
            )
        upload.seek(0)
        head = upload.read(4096)
        upload.seek(0)
        # The kind is read from the bytes, never from the name: an XLSX is a ZIP archive; a CSV is text, so no NUL
        # byte and no other file's signature (PDF, images) at its start.
        if head.startswith(b"PK\x03\x04"):
            upload.elaos_format = "xlsx"
        elif b"\x00" not in head and not head.startswith((b"%PDF", b"\x89PNG", b"\xff\xd8\xff", b"GIF8")):
            upload.elaos_format = "csv"
        else:
            raise forms.ValidationError(_("This kind of file is not accepted here. Send CSV or XLSX."))
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and start > end:
            self.add_error("period_end", _("This date is before the first one."))
        return data


class PublishModeForm(forms.Form):
    """The last step: publish every row (refused while a row has an error) or only the good rows."""

    mode = forms.ChoiceField(
        label=gettext_lazy("How to publish"),
        choices=[
            (ImportBatch.Mode.ALL_OR_NOTHING, gettext_lazy("All or nothing: publish only if every row is right")),
            (
                ImportBatch.Mode.KEEP_GOOD,
                gettext_lazy("Keep the good rows: publish them and leave out the rows with errors"),
            ),
        ],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, only_keep_good: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if only_keep_good:
            # With errors in the file, "all or nothing" can only refuse: the choice left is the good rows.
            self.fields["mode"].choices = [c for c in self.fields["mode"].choices if c[0] == ImportBatch.Mode.KEEP_GOOD]
            self.initial["mode"] = ImportBatch.Mode.KEEP_GOOD
