from datetime import datetime

from ninja import Field, Schema


class PaymentOut(Schema):
    id: str
    reference: str = Field(examples=["PAY-2025-000123"])
    status: str = Field(examples=["pending"])
    amount: int = Field(description="kip", examples=[50_000])
    currency: str = Field(examples=["LAK"])
    purpose_lo: str
    purpose_en: str
    agency: str
    expires_at: datetime
    paid_at: datetime | None
    qr_payload: str | None
