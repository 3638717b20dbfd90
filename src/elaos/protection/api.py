"""The protection API, under /api/v1/migration: cases the caller may see, for staff with a case role and a passed
second factor. Anyone else gets 401 (not signed in) or 404 (everything, lists included), never data. Every read is
audited like the pages'."""

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Router
from ninja.pagination import paginate
from ninja.security import django_auth

from elaos.protection import access, selectors
from elaos.protection.models import CaseIdentity, ProtectionCase
from elaos.protection.schemas import CaseDetailOut, CaseListOut, CaseNoteOut, IdentityOut, ProtectionErrorOut

router = Router(tags=["Protection case management"])
CLOSED = {401: ProtectionErrorOut, 404: ProtectionErrorOut}


def _case_staff(request: HttpRequest) -> Any:
    user = request.user
    if not user.is_staff or not user.is_verified() or not access.has_case_role(user):  # type: ignore[attr-defined]
        raise Http404
    return user


def _list_fields(case: ProtectionCase, user: Any) -> dict[str, Any]:
    return {
        "id": case.public_id,
        "reference": case.reference,
        "status": case.status,
        "trafficking_status": case.trafficking_status,
        "office": case.organisation.code,
        "assigned_to_me": case.case_worker_id == user.pk,
        "opened_on": case.opened_on,
    }


@router.get("/cases", response={200: list[CaseListOut], **CLOSED}, auth=django_auth, summary="Protection cases")
@paginate
def case_list(request: HttpRequest) -> list[CaseListOut]:
    """The cases the caller may see (assigned to them, of an office they supervise, or opened under emergency
    access), newest first. No identity fields."""
    user = _case_staff(request)
    cases = list(selectors.case_list(user))
    selectors.audit_list_read(user, cases, channel="api")
    return [CaseListOut(**_list_fields(c, user)) for c in cases]


@router.get(
    "/cases/{case_id}", response={200: CaseDetailOut, **CLOSED}, auth=django_auth, summary="One protection case"
)
def case_detail(request: HttpRequest, case_id: str) -> CaseDetailOut:
    user = _case_staff(request)
    case = selectors.case_read(user, case_id, purpose="detail")
    identity = CaseIdentity.objects.filter(case=case).first()
    return CaseDetailOut(
        **_list_fields(case, user),
        migrant_type=case.migrant_type,
        gender=case.gender,
        age_band=case.age_band,
        citizenship=case.citizenship,
        province=case.province.code if case.province else None,
        country_of_exploitation=case.country_of_exploitation,
        countries_of_transit=case.countries_of_transit,
        types_of_exploitation=case.types_of_exploitation,
        methods_of_control=case.methods_of_control,
        methods_of_recruitment=case.methods_of_recruitment,
        forced_labour_industry=case.forced_labour_industry,
        vulnerabilities=case.vulnerabilities,
        recruited_on=case.recruited_on,
        identified_on=case.identified_on,
        closed_on=case.closed_on,
        closure_reason=case.closure_reason,
        identity=IdentityOut(
            given_name=identity.given_name,
            family_name=identity.family_name,
            date_of_birth=identity.date_of_birth,
            phone=identity.phone,
            address=identity.address,
            id_document=identity.id_document,
            id_number=identity.id_number,
        )
        if identity
        else None,
    )


@router.get(
    "/cases/{case_id}/notes",
    response={200: list[CaseNoteOut], **CLOSED},
    auth=django_auth,
    summary="Notes of a protection case",
)
def case_notes(request: HttpRequest, case_id: str) -> list[CaseNoteOut]:
    user = _case_staff(request)
    case = selectors.case_read(user, case_id, purpose="notes")
    return [
        CaseNoteOut(
            author=" ".join(p for p in (n.author.given_name_latin, n.author.family_name_latin) if p)
            or (n.author.email or ""),
            text=n.text,
            created_at=n.created_at,
        )
        for n in case.notes.select_related("author")
    ]
