"""Citizen forms of the services domain. The application form is not written here: it is built from the service
version's JSON Schema and ui hints, so a new service needs data, not code."""

import datetime
import decimal
from types import SimpleNamespace
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from elaos.core.lao import localized, to_arabic_digits

DOCUMENT_PREFIX = "document"


def localized_from(mapping: dict[str, Any], field: str, *, language: str | None = None) -> str:
    """`field_lo` or `field_en` of a definition's mapping, with the same fallback as bilingual models."""
    return localized(SimpleNamespace(**mapping), field, language=language)


class LaoIntegerField(forms.IntegerField):
    """Accepts numbers typed with Lao digits (໑໒໓) as well as 123."""

    widget = forms.TextInput(attrs={"inputmode": "numeric"})

    def to_python(self, value: Any) -> int | None:
        return super().to_python(to_arabic_digits(value) if isinstance(value, str) else value)


class LaoDecimalField(forms.DecimalField):
    widget = forms.TextInput(attrs={"inputmode": "decimal"})

    def to_python(self, value: Any) -> decimal.Decimal | None:
        return super().to_python(to_arabic_digits(value) if isinstance(value, str) else value)


def _form_field(name: str, prop: dict[str, Any], ui: dict[str, Any]) -> forms.Field:
    options: dict[str, Any] = {
        "label": localized_from(ui, "label") or prop.get("title") or name,
        "help_text": localized_from(ui, "help"),
        # Drafts keep whatever is there: what must be filled in is checked only when the application is sent.
        "required": False,
    }
    kind = prop["type"]
    if kind == "integer":
        return LaoIntegerField(min_value=prop.get("minimum"), max_value=prop.get("maximum"), **options)
    if kind == "number":
        return LaoDecimalField(min_value=prop.get("minimum"), max_value=prop.get("maximum"), **options)
    if kind == "boolean":
        return forms.BooleanField(**options)
    if "enum" in prop:
        labels = {choice["value"]: choice for choice in ui.get("choices", [])}
        choices = [("", _("Choose…"))] + [
            (value, localized_from(labels[value], "label") if value in labels else value) for value in prop["enum"]
        ]
        return forms.ChoiceField(choices=choices, **options)
    if prop.get("format") == "date" or ui.get("widget") == "date":
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            input_formats=["%Y-%m-%d", "%d/%m/%Y"],
            **options,
        )
    validators = []
    if "pattern" in prop:
        validators.append(RegexValidator(prop["pattern"], message=_("This value is not in the expected form.")))
    return forms.CharField(
        max_length=prop.get("maxLength"),
        min_length=prop.get("minLength"),
        validators=validators,
        widget=forms.Textarea(attrs={"rows": 5}) if ui.get("widget") == "textarea" else None,
        **options,
    )


class ApplicationForm(forms.Form):
    """The form of one service version, every field optional (a draft); labels in the active language."""

    def __init__(self, *args: Any, definition: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schema = definition["form"]["schema"]
        ui = definition["form"].get("ui", {})
        position = {name: i for i, name in enumerate(schema["properties"])}
        names = sorted(position, key=lambda name: (ui.get(name, {}).get("order", 1000), position[name]))
        self.schema_required = set(schema.get("required", []))
        for name in names:
            field = _form_field(name, schema["properties"][name], ui.get(name, {}))
            if check_url := ui.get(name, {}).get("check_url"):
                # Progressive enhancement: htmx asks the owning app while the person types (the value is sent as
                # ?<field name>=…); without JavaScript the form is checked when it is sent.
                field.check_url = check_url  # type: ignore[attr-defined]
                field.widget.attrs.update(
                    {"hx-get": check_url, "hx-trigger": "input changed delay:500ms", "hx-target": f"#id_{name}_check"}
                )
            if name in self.schema_required:
                # Announced as required, but not enforced by the browser: a draft may be saved half done.
                field.widget.attrs["aria-required"] = "true"
            self.fields[name] = field

    def draft_data(self) -> dict[str, Any]:
        """What goes into the draft: the valid values as JSON, what could not be read as the text typed, nothing
        for what was left empty. Call after is_valid()."""
        data: dict[str, Any] = {}
        for name in self.fields:
            if name in self.errors:
                raw = self.data.get(name, "")
                if raw.strip():
                    data[name] = raw
                continue
            value = self.cleaned_data.get(name)
            if value in (None, "", False):
                continue
            if isinstance(value, datetime.date):
                value = value.isoformat()
            elif isinstance(value, decimal.Decimal):
                value = int(value) if value == value.to_integral_value() else float(value)
            data[name] = value
        return data


def draft_as_form_data(data: dict[str, Any]) -> dict[str, str]:
    """A stored draft as the strings a browser would post, so that a reopened draft shows what could not be read."""
    posted: dict[str, str] = {}
    for name, value in data.items():
        if value is True:
            posted[name] = "on"
        elif value not in (None, False):
            posted[name] = str(value)
    return posted


class DocumentsForm(forms.Form):
    """One file input per document the service asks for; the files are checked by the upload service."""

    def __init__(self, *args: Any, documents: list[dict[str, Any]], max_bytes: int, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", DOCUMENT_PREFIX)
        super().__init__(*args, **kwargs)
        self.specs = {spec["code"]: spec for spec in documents}
        for spec in documents:
            types = spec.get("types", ["pdf", "jpeg", "png"])
            accept = ",".join(f".{t}" + (",.jpg" if t == "jpeg" else "") for t in types)
            # The same limit as the upload service applies: the service's own, capped by the site's.
            mb = min(float(spec.get("max_mb", 5)), max_bytes / 1024 / 1024)
            # A plain field: the file (empty, too large, of the wrong kind) is judged by the upload service alone.
            self.fields[spec["code"]] = forms.Field(
                label=localized_from(spec, "name"),
                help_text=_("%(types)s, at most %(mb)s MB.")
                % {"types": ", ".join(t.upper() for t in types), "mb": f"{mb:g}"},
                required=False,
                widget=forms.FileInput(attrs={"accept": accept}),
            )


class CatalogueForm(forms.Form):
    """The catalogue's search and filters (a GET form); an unknown filter value is ignored, not an error page."""

    q = forms.CharField(
        label=gettext_lazy("Search services"),
        help_text=gettext_lazy("In Lao or English, for example ໃບຢັ້ງຢືນ."),
        max_length=200,
        required=False,
        # A search box (type="search"): setting "type" in attrs would print a second, ignored type attribute.
        widget=forms.SearchInput(attrs={"autocomplete": "off"}),
    )
    agency = forms.ChoiceField(label=gettext_lazy("Agency"), required=False)
    life_event = forms.ChoiceField(label=gettext_lazy("Life event"), required=False)
    category = forms.ChoiceField(label=gettext_lazy("Category"), required=False)

    def __init__(self, *args: Any, agencies: Any, life_events: Any, categories: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        any_choice = ("", _("All"))
        for name, objects in (("agency", agencies), ("life_event", life_events), ("category", categories)):
            self.fields[name].choices = [any_choice] + [(o.code, localized(o, "name")) for o in objects]

    def filters(self) -> dict[str, str]:
        """The filters to apply: only the valid ones."""
        self.is_valid()
        return {name: "" if name in self.errors else self.cleaned_data.get(name) or "" for name in self.fields}


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=gettext_lazy("Your answer"),
        help_text=gettext_lazy("Answer the question of the office. You can also change your form or add documents."),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
