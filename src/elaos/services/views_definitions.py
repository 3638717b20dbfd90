"""The back office's catalogue: define a service or publish a new version of one, as YAML or JSON.

The same validation as `manage.py services_check`, the same publishing as `manage.py services_import`."""

import json

import yaml
from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from elaos.core.decorators import staff_required
from elaos.services import services
from elaos.services.access import can_manage_definitions, manageable_agencies
from elaos.services.models import Service

MAX_DEFINITION_BYTES = 200_000


class DefinitionForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Service definition (YAML or JSON)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false", "class": "code"}),
        help_text=gettext_lazy("The format is described in docs/data-formats.md; start from an existing service."),
    )
    upload = forms.FileField(label=gettext_lazy("Or choose a file"), required=False)

    def clean(self) -> dict:
        data = super().clean() or {}
        upload = data.get("upload")
        if upload is not None:
            if upload.size > MAX_DEFINITION_BYTES:
                raise ValidationError(_("The file is too large for a service definition."))
            try:
                data["text"] = upload.read().decode("utf-8")
            except UnicodeDecodeError as exc:
                raise ValidationError(_("The file is not UTF-8 text.")) from exc
        if not (data.get("text") or "").strip():
            raise ValidationError(_("Paste a definition or choose a file."))
        if len(data["text"].encode()) > MAX_DEFINITION_BYTES:
            raise ValidationError(_("The file is too large for a service definition."))
        try:
            parsed = yaml.safe_load(data["text"])
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = _(" (line %(line)s)") % {"line": mark.line + 1} if mark else ""
            raise ValidationError(_("This is not valid YAML or JSON%(where)s.") % {"where": where}) from exc
        if not isinstance(parsed, dict):
            raise ValidationError(_("A service definition is a mapping of names to values."))
        data["definition"] = parsed
        return data


@staff_required
def definition_list(request: HttpRequest) -> HttpResponse:
    agencies = manageable_agencies(request.user)
    catalogue = Service.objects.active().filter(agency__in=agencies).select_related("agency", "current_version")
    return render(request, "services/backoffice/definitions.html", {"services": catalogue, "can_add": bool(agencies)})


@staff_required
def definition_edit(request: HttpRequest, code: str | None = None) -> HttpResponse:
    service = None
    if code is not None:
        service = Service.objects.active().select_related("agency", "current_version").filter(code=code).first()
        if service is None or not can_manage_definitions(request.user, service.agency):
            raise Http404
    elif not manageable_agencies(request.user):
        raise Http404
    initial = {}
    if service is not None and service.current_version is not None:
        initial["text"] = yaml.safe_dump(service.current_version.definition, allow_unicode=True, sort_keys=False)
    form = DefinitionForm(request.POST or None, request.FILES or None, initial=initial)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        definition = form.cleaned_data["definition"]
        if service is not None and definition.get("code") != service.code:
            form.add_error("text", _("The code of a service cannot change; define a new service instead."))
        else:
            problems = services.service_errors_for(definition)
            if not problems and request.POST.get("action") == "publish":
                try:
                    version = services.service_import(actor=request.user, definition=definition)
                except PermissionDenied as exc:
                    raise Http404 from exc
                except ValidationError as exc:
                    problems = exc.messages
                else:
                    messages.success(
                        request,
                        _("%(service)s: version %(version)s is published.")
                        % {"service": version.service.name_lo, "version": version.version},
                    )
                    return redirect("services_bo:definitions")
            elif not problems:
                messages.success(request, _("The definition is valid. Publish it when you are ready."))
    context = {"form": form, "service": service, "problems": problems, "example": json.dumps({"code": "…"})}
    status = 400 if (form.errors or problems) else 200
    return render(request, "services/backoffice/definition_edit.html", context, status=status)
