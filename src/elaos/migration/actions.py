"""Safe migration's part in the services domain's workflow: an approved "recruitment-agency-licensing" application
licenses a new agency, or renews the licence it names (action `migration_licence`). The submission check refuses,
when the application is sent, a renewal of an unknown or revoked licence and a new licence for an enterprise already
licensed. Registered at start-up (apps.MigrationConfig.ready); the application is read through the services domain's
own selector, never its models."""

from typing import Any

from django.utils.translation import gettext as _

from elaos.migration.models import RecruitmentAgency
from elaos.migration.services import agency_license, agency_renew

SUBJECT_TYPE = "services.application"
SERVICE_CODE = "recruitment-agency-licensing"
LICENCE_ACTION = "migration_licence"


def licensing_errors(application: Any) -> dict[str, list[str]]:
    data = application.data
    if data.get("request") == "renewal":
        number = (data.get("licence_number") or "").strip()
        agency = RecruitmentAgency.objects.active().filter(licence_number=number).first()
        if agency is None:
            return {"licence_number": [_("No licence with this number is in the register.")]}
        if agency.status == RecruitmentAgency.Status.REVOKED:
            return {"licence_number": [_("This licence was revoked: it cannot be renewed. Apply for a new one.")]}
        return {}
    number = (data.get("enterprise_registration_number") or "").strip()
    if number and (
        RecruitmentAgency.objects.active()
        .filter(enterprise_registration_number=number)
        .exclude(status=RecruitmentAgency.Status.REVOKED)
        .exists()
    ):
        return {"enterprise_registration_number": [_("This enterprise already holds a licence: ask for a renewal.")]}
    return {}


def on_licence_approved(*, instance: Any, config: dict, transition: Any) -> None:
    from elaos.services.selectors import application_by_subject_id

    application = application_by_subject_id(instance.subject_id)
    if application.service_version.service.code != SERVICE_CODE:
        return
    actor = transition.actor if transition else None
    data = application.data
    if data.get("request") == "renewal":
        agency = RecruitmentAgency.objects.get(licence_number=data["licence_number"].strip())
        agency_renew(actor=actor, agency=agency, application_id=application.public_id)
        return
    if RecruitmentAgency.objects.filter(source_application_id=application.public_id).exists():
        return
    agency_license(
        actor=actor,
        name_lo=data["enterprise_name"],
        name_en=data.get("enterprise_name_en", ""),
        enterprise_registration_number=data["enterprise_registration_number"],
        scope=data.get("scope", RecruitmentAgency.Scope.OVERSEAS),
        destination_countries=data.get("destination_countries", ""),
        head_office_address=data.get("head_office_address", ""),
        province=application.applicant.province,
        source_application_id=application.public_id,
    )


def register() -> None:
    from elaos.services.services import register_submission_check
    from elaos.workflows.actions import register_action

    register_action(LICENCE_ACTION, on_licence_approved, subject_type=SUBJECT_TYPE)
    register_submission_check(SERVICE_CODE, licensing_errors)
