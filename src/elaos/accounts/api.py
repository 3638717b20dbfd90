from django.http import HttpRequest
from ninja import Router
from ninja.security import django_auth

from elaos.accounts.schemas import MeOut
from elaos.core.lao import localized

router = Router(tags=["accounts"])


@router.get("/me", response=MeOut, auth=django_auth, summary="The signed-in account")
def me(request: HttpRequest) -> MeOut:
    user = request.user
    return MeOut(
        id=str(user.public_id),
        phone=user.phone,
        email=user.email,  # type: ignore[union-attr]
        given_name_lo=user.given_name_lo,
        family_name_lo=user.family_name_lo,  # type: ignore[union-attr]
        given_name_latin=user.given_name_latin,
        family_name_latin=user.family_name_latin,  # type: ignore[union-attr]
        preferred_language=user.preferred_language,
        is_staff=user.is_staff,  # type: ignore[union-attr]
        province=localized(user.province, "name") if user.province else None,  # type: ignore[union-attr]
        district=localized(user.district, "name") if user.district else None,  # type: ignore[union-attr]
    )
