from datetime import datetime

from ninja import Schema


class PaymentOut(Schema):
    id: str
    reference: str
    status: str
    amount: int
    currency: str
    purpose_lo: str
    purpose_en: str
    agency: str
    expires_at: datetime
    paid_at: datetime | None
    qr_payload: str | None
