"""Response and request shapes of the GovStack Registration Building Block API (vendored spec beside this file).
Field names are the spec's own camelCase."""

import datetime
from typing import Any, Literal

from ninja import Field, Schema


class SystemErrorOut(Schema):
    traceId: str
    code: str
    message: str
    localizedMessage: str


class PropertyOut(Schema):
    code: str
    value: str


class ServiceOut(Schema):
    id: str
    serviceKey: str
    name: str
    version: str
    type: Literal["None", "Private", "Public"]
    isExecutable: bool
    isClosed: bool
    description: str
    serviceBody: list[PropertyOut]


class EFormListItemOut(Schema):
    eFormId: str
    name: str
    description: str
    version: str
    latest: bool


class EFormOut(EFormListItemOut):
    form_schema: dict[str, Any] = Field(..., alias="schema")


class FormData(Schema):
    data: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description='One object per form field. e-Laos wraps each answer as {"value": ...} because the spec '
        "types every entry as an object; plain values are accepted on input.",
    )
    eFormId: str | None = None


class ApplicationFileSubmitIn(Schema):
    applicantId: str
    applicationName: str | None = None
    created: datetime.datetime | None = None
    formData: dict[str, Any] = Field(default_factory=dict)
    documentUrls: list[str] = Field(default_factory=list)


class ApplicationDataOut(Schema):
    applicantId: str
    applicationName: str
    created: datetime.datetime
    formData: FormData
    documentUrls: list[str]


class StatusOut(Schema):
    code: Literal["PENDING", "APPROVED", "SENDBACK", "REJECTED"]
    title: str


class ApplicationFileOut(Schema):
    fileId: str
    registered: datetime.datetime | None = None
    serviceKey: str
    serviceName: str
    applicantId: str
    status: StatusOut
    ended: bool
    applicationData: ApplicationDataOut


class ApplicationListItemOut(Schema):
    fileId: str
    taskTitle: str
    status: StatusOut
    applicantId: str
    created: datetime.datetime
    registered: datetime.datetime | None = None
    description: str
    serviceName: str
    serviceKey: str
    eformId: str
    documentUrls: list[str]
