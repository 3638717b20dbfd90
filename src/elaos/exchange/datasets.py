"""What agencies may ask e-Laos for: the datasets (each one OAuth scope) and the purposes a request may give.

A dataset about a person is released only under that person's active consent grant; the others are public
registers that agencies read by machine instead of by hand."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Dataset:
    code: str
    name: str
    about_a_person: bool


DATASETS: dict[str, Dataset] = {
    d.code: d
    for d in (
        Dataset("npa.read", _("Entry of an association in the NPA register"), about_a_person=False),
        Dataset("migration.licence.check", _("Licence of a recruitment agency"), about_a_person=False),
        Dataset("services.application.status", _("Status of your applications for public services"), True),
        Dataset("person.address.read", _("Your address"), about_a_person=True),
    )
}

PERSONAL_DATASETS = tuple(code for code, d in DATASETS.items() if d.about_a_person)

# The event an agency receives only when the person it concerns consented to the matching dataset.
EVENT_DATASETS = {"application.status_changed": "services.application.status"}


class Purpose(models.TextChoices):
    SERVICE_DELIVERY = "service_delivery", _("Providing a public service you asked for")
    ELIGIBILITY_CHECK = "eligibility_check", _("Checking eligibility for a benefit or programme")
    LICENSING = "licensing", _("Issuing or checking a licence or permit")
    REGISTER_UPKEEP = "register_upkeep", _("Keeping a public register up to date")
    LEGAL_OBLIGATION = "legal_obligation", _("A duty set by law")


def dataset_choices() -> list[tuple[str, str]]:
    return [(code, d.name) for code, d in DATASETS.items()]


def personal_dataset_choices() -> list[tuple[str, str]]:
    return [(code, DATASETS[code].name) for code in PERSONAL_DATASETS]
