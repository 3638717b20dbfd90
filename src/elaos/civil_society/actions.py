"""The register's part in the services domain's workflow: an approved "npa-registration" application enters the
association in the register with its founders as officers, an approved "npa-amendment" replaces its officers, an
approved "npa-dissolution" dissolves it, and the "line_ministry" office resolver hands a registration to the line
ministry of its sector for an opinion. The submission checks refuse, when the application is sent, what the approval
would refuse later (a name already registered, unreadable founders, an association the applicant does not
administer). Registered with the workflow engine and the services domain at start-up (apps.CivilSocietyConfig.ready);
the application is read through the services domain's own selector, never its models."""

import datetime
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from elaos.agencies.models import Organisation, Sector
from elaos.civil_society.access import is_npa_admin
from elaos.civil_society.models import Npa, NpaOfficer
from elaos.civil_society.selectors import name_key, npa_name_available
from elaos.civil_society.services import OfficerIn, npa_create, npa_officers_replace, npa_transition
from elaos.core.models import District, Province

SUBJECT_TYPE = "services.application"
SERVICE_CODE = "npa-registration"
AMENDMENT_CODE = "npa-amendment"
DISSOLUTION_CODE = "npa-dissolution"
# The application form's association types, as the register names them.
TYPES = {
    "economic": Npa.Type.ECONOMIC,
    "professional": Npa.Type.PROFESSIONAL_TECHNICAL_CREATIVE,
    "social": Npa.Type.SOCIAL_WELFARE,
    "other": Npa.Type.OTHER,
}
LAO_SCRIPT = re.compile("[\u0e80-\u0eff]")


def sector_for_line_ministry(text: str) -> Sector | None:
    """The sector the form names: by its code (the form's choice), or, in applications begun on the form of free
    text, by the code, abbreviation or name of the sector or its line ministry, in Lao or English."""
    chosen = Sector.objects.select_related("line_ministry").filter(code=text.strip()).first()
    if chosen is not None:
        return chosen
    wanted = name_key(text)
    if not wanted:
        return None
    sectors = list(Sector.objects.select_related("line_ministry").order_by("code"))
    for sector in sectors:
        ministry = sector.line_ministry
        names = [ministry.code, ministry.abbreviation, ministry.name_lo, ministry.name_en, sector.code]
        names += [sector.name_lo, sector.name_en]
        if wanted in {name_key(n) for n in names if n}:
            return sector
    for sector in sectors:
        ministry = sector.line_ministry
        if any(name_key(n) and name_key(n) in wanted for n in (ministry.name_lo, ministry.name_en)):
            return sector
    return None


def _place(address: str, applicant: Any, data: dict[str, Any]) -> tuple[Province | None, District | None]:
    """The district or province chosen in the form (provincial and district associations choose theirs), else the
    ones named in the office address, else the applicant's own."""
    district = District.objects.select_related("province").filter(code=data.get("district") or "").first()
    if district is not None:
        return district.province, district
    chosen = Province.objects.filter(code=data.get("province") or "").first()
    if chosen is not None:
        return chosen, None
    key = name_key(address)

    def named(place: Any) -> int:
        """The length of the longest of its names found in the address (ວຽງຈັນ is inside ນະຄອນຫຼວງວຽງຈັນ)."""
        return max((len(k) for n in (place.name_lo, place.name_en) if (k := name_key(n)) and k in key), default=0)

    province = max(Province.objects.all(), key=named, default=None)
    if province is not None and not named(province):
        province = None
    if province is None:
        return applicant.province, applicant.district
    district = max(District.objects.filter(province=province), key=named, default=None)
    if district is not None and not named(district):
        district = None
    if district is None and applicant.district_id and applicant.district.province_id == province.pk:
        district = applicant.district
    return province, district


def npa_fields_from_application(data: dict[str, Any], applicant: Any) -> dict[str, Any]:
    """The register's fields from the application form (src/elaos/services/definitions/npa-registration.yaml)."""
    objectives = data.get("objectives", "")
    address = data.get("head_office_address", "")
    province, district = _place(address, applicant, data)
    level = data.get("level", Npa.Level.NATIONAL)
    return {
        "name_lo": data["name_lo"].strip(),
        "name_en": (data.get("name_en") or "").strip(),
        "type": TYPES.get(data.get("association_type", ""), Npa.Type.OTHER),
        "level": level,
        "sector": sector_for_line_ministry(data.get("line_ministry", "")),
        "province": province,
        "district": district,
        "address": address,
        "objectives_lo": objectives if LAO_SCRIPT.search(objectives) else "",
        "objectives_en": "" if LAO_SCRIPT.search(objectives) else objectives,
    }


def founders_as_officers(application: Any) -> list[OfficerIn]:
    """The founders the form lists, with their roles. Applications begun before the form asked for them name none:
    the applicant, who files for the founding committee, is entered as its president until the association reports
    its board."""
    founders = officers_from_text(application.data.get("founders", ""), field="founders")
    if founders:
        return founders
    applicant = application.applicant
    name_lo = " ".join(p for p in (applicant.given_name_lo, applicant.family_name_lo) if p)
    name_latin = " ".join(p for p in (applicant.given_name_latin, applicant.family_name_latin) if p)
    return [OfficerIn(name_lo=name_lo or name_latin, name_latin=name_latin, role="president")]


def on_npa_register(*, instance: Any, config: dict, transition: Any) -> None:
    from elaos.services.selectors import application_by_subject_id

    application = application_by_subject_id(instance.subject_id)
    if application.service_version.service.code != SERVICE_CODE:
        return
    if Npa.objects.filter(source_application_id=application.public_id).exists():
        return
    npa_create(
        actor=transition.actor if transition else None,
        officers=founders_as_officers(application),
        source_application_id=application.public_id,
        **npa_fields_from_application(application.data, application.applicant),
    )


def line_ministry_office(*, instance: Any) -> Organisation | None:
    """Office resolver "line_ministry": the line ministry of the sector the application names."""
    from elaos.services.selectors import application_by_subject_id

    application = application_by_subject_id(instance.subject_id)
    sector = sector_for_line_ministry(application.data.get("line_ministry", ""))
    return sector.line_ministry if sector else None


def _role_names() -> dict[str, str]:
    """The roles an applicant may write in the officers list of an amendment: by code, English or Lao name."""
    names = {role.value: role.value for role in NpaOfficer.Role}
    for language in ("en", "lo"):
        with translation.override(language):
            names |= {str(role.label).lower(): role.value for role in NpaOfficer.Role}
    return names


OFFICER_LINE = re.compile(r"^\s*(?P<role>[^:：]+?)\s*[:：]\s*(?P<name_lo>[^/]+?)\s*(?:/\s*(?P<name_latin>.+?)\s*)?$")
OFFICER_NAME_MAX = NpaOfficer._meta.get_field("name_lo").max_length or 150


def officers_from_text(text: str, *, field: str = "new_officers") -> list[OfficerIn]:
    """The officers of an amendment (or the founders of a registration), one a line: "role: name in Lao / name in
    Latin script" (the Latin name is optional), e.g. "president: ບຸນທະວີ ສີສຸພັນ / Bounthavy Sisouphanh". A line
    that cannot be read is refused under `field`, quoted."""
    officers, role_names = [], _role_names()
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        match = OFFICER_LINE.match(line)
        role = role_names.get(match.group("role").strip().lower()) if match else None
        names = (match.group("name_lo"), match.group("name_latin") or "") if match else ()
        too_long = any(len(name) > OFFICER_NAME_MAX for name in names)
        if match is None or role is None or too_long:
            raise ValidationError(
                {field: _("Write one officer a line: role, a colon, then the name: %(line)s") % {"line": line.strip()}}
            )
        officers.append(
            OfficerIn(name_lo=match.group("name_lo"), name_latin=match.group("name_latin") or "", role=role)
        )
    return officers


def _registered_npa(application: Any) -> Npa:
    number = str(application.data.get("registration_number", "")).strip().upper()
    npa = Npa.objects.filter(registration_number=number).first()
    if npa is None:
        raise ValidationError(
            {"registration_number": _("No association has this registration number: %(number)s.") % {"number": number}}
        )
    return npa


def _application_of(instance: Any, service_code: str) -> Any:
    from elaos.services.selectors import application_by_subject_id

    application = application_by_subject_id(instance.subject_id)
    return application if application.service_version.service.code == service_code else None


def on_npa_amend(*, instance: Any, config: dict, transition: Any) -> None:
    """Approved amendment: the officers it lists replace the current ones (a new charter is kept with the
    application and noted in the register's audit trail)."""
    application = _application_of(instance, AMENDMENT_CODE)
    if application is None:
        return
    npa = _registered_npa(application)
    changes = application.data.get("changes", "")
    officers = officers_from_text(application.data.get("new_officers", "")) if "officers" in changes else []
    if "officers" in changes and not officers:
        raise ValidationError({"new_officers": _("List the new officers.")})
    npa_officers_replace(
        actor=transition.actor if transition else None,
        npa=npa,
        officers=officers,
        charter_changed="charter" in changes,
        source_application_id=application.public_id,
    )


def on_npa_dissolve(*, instance: Any, config: dict, transition: Any) -> None:
    """Approved dissolution: the association is dissolved, with the applicant's reason and date."""
    application = _application_of(instance, DISSOLUTION_CODE)
    if application is None:
        return
    npa = _registered_npa(application)
    if npa.status == Npa.Status.DISSOLVED:
        return
    date = application.data.get("dissolution_date")
    npa_transition(
        actor=transition.actor if transition else None,
        npa=npa,
        action="dissolve",
        reason=application.data.get("reason", ""),
        date=datetime.date.fromisoformat(date) if date else None,
    )


# Submission checks (elaos.services.services.register_submission_check)


def registration_errors(application: Any) -> dict[str, list[str]]:
    """A registration is refused when sent if the register already holds its Lao or English name (after
    normalisation; a dissolved association keeps its name) or if its founders cannot be read."""
    errors: dict[str, list[str]] = {}
    for field in ("name_lo", "name_en"):
        name = str(application.data.get(field) or "")
        taken = [s for s in npa_name_available(**{field: name}) if s.exact]
        if taken:
            errors[field] = [
                _("This name is already registered: %(number)s.") % {"number": taken[0].registration_number}
            ]
    # Drafts of a version whose form did not ask for the founders are still sent (see founders_as_officers).
    if "founders" in application.service_version.definition["form"]["schema"]["properties"]:
        try:
            if not officers_from_text(application.data.get("founders", ""), field="founders"):
                errors["founders"] = [_("This field is required.")]
        except ValidationError as exc:
            errors.update(exc.message_dict)
    return errors


def association_errors(application: Any) -> dict[str, list[str]]:
    """An amendment or a dissolution is for a registered association, not dissolved, that the applicant
    administers today."""
    number = str(application.data.get("registration_number") or "").strip().upper()
    if not number:
        return {}
    try:
        npa = _registered_npa(application)
    except ValidationError as exc:
        return exc.message_dict
    if npa.status == Npa.Status.DISSOLVED:
        return {"registration_number": [_("This association is dissolved")]}
    if not is_npa_admin(application.applicant, npa):
        return {
            "registration_number": [
                _("Only an administrator of the association can file this: %(number)s.") % {"number": number}
            ]
        }
    return {}


def register() -> None:
    from elaos.workflows.actions import register_action, register_office_resolver

    register_action("npa_register", on_npa_register, subject_type=SUBJECT_TYPE)
    register_action("npa_amend", on_npa_amend, subject_type=SUBJECT_TYPE)
    register_action("npa_dissolve", on_npa_dissolve, subject_type=SUBJECT_TYPE)
    register_office_resolver("line_ministry", line_ministry_office, subject_type=SUBJECT_TYPE)
