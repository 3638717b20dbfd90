from ninja import Field, Schema


class MeOut(Schema):
    id: str = Field(examples=["4b0c1f52-8f0e-4a39-9d2a-3c2f6e0b7a11"])
    phone: str | None = Field(examples=["+8562055550101"])
    email: str | None
    given_name_lo: str
    family_name_lo: str
    given_name_latin: str
    family_name_latin: str
    preferred_language: str = Field(examples=["lo"])
    province: str | None
    district: str | None
    is_staff: bool
