"""The register's part in the services domain's workflow: an approved "npa-registration" application enters the
association in the register. Registered with the workflow engine at start-up (apps.CivilSocietyConfig.ready); the
application is read through the services domain's own selector, never its models."""

import re
from typing import Any

from elaos.agencies.models import Sector
from elaos.civil_society.models import Npa
from elaos.civil_society.selectors import name_key
from elaos.civil_society.services import OfficerIn, npa_create
from elaos.core.models import District, Province

SUBJECT_TYPE = "services.application"
SERVICE_CODE = "npa-registration"
# The application form's association types, as the register names them.
TYPES = {
    "economic": Npa.Type.ECONOMIC,
    "professional": Npa.Type.PROFESSIONAL_TECHNICAL_CREATIVE,
    "social": Npa.Type.SOCIAL_WELFARE,
    "other": Npa.Type.OTHER,
}
LAO_SCRIPT = re.compile("[\u0e80-\u0eff]")


def sector_for_line_ministry(text: str) -> Sector | None:
    """The sector whose line ministry (or the sector itself) the applicant named in free text: by code,
    abbreviation or name, in Lao or English."""
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


def _place(address: str, applicant: Any) -> tuple[Province | None, District | None]:
    """The province and district named in the office address, else the applicant's own."""
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
    province, district = _place(address, applicant)
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


def founders_as_officers(applicant: Any) -> list[OfficerIn]:
    """The form names no founders (their list is an uploaded PDF): the applicant, who files for the founding
    committee, is entered as its president until the association reports its board."""
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
        officers=founders_as_officers(application.applicant),
        source_application_id=application.public_id,
        **npa_fields_from_application(application.data, application.applicant),
    )


def register() -> None:
    from elaos.workflows.actions import register_action

    register_action("npa_register", on_npa_register, subject_type=SUBJECT_TYPE)
