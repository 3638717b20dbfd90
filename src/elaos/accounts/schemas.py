from ninja import Schema


class MeOut(Schema):
    id: str
    phone: str | None
    email: str | None
    given_name_lo: str
    family_name_lo: str
    given_name_latin: str
    family_name_latin: str
    preferred_language: str
    province: str | None
    district: str | None
    is_staff: bool
