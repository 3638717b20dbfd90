"""What the services domain does when its applications move: registered with the workflow and payment
engines at start-up (apps.ServicesConfig.ready), so that the engines never import this domain."""

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from elaos.notifications.services import email_send, sms_send
from elaos.services.models import Application

SUBJECT_TYPE = "services.application"

# (event) -> message; each is translated into the applicant's own language when sent.
EVENT_MESSAGES = {
    "submitted": lambda a: (
        _("e-Laos: your application %(ref)s for %(service)s was received.") % {"ref": a.reference, "service": _name(a)}
    ),
    "info_requested": lambda a: (
        _("e-Laos: %(ref)s needs more information from you. Open e-Laos to answer.") % {"ref": a.reference}
    ),
    "approved": lambda a: (
        _("e-Laos: %(ref)s is approved. Your document is ready: %(url)s")
        % {"ref": a.reference, "url": _absolute(reverse("services:application_status", args=[a.public_id]))}
    ),
    "rejected": lambda a: _("e-Laos: %(ref)s was refused. See the reason in e-Laos.") % {"ref": a.reference},
    "payment_received": lambda a: _("e-Laos: payment for %(ref)s received. Thank you.") % {"ref": a.reference},
}


def _name(application: Application) -> str:
    from elaos.core.lao import localized

    return localized(application.service_version.service, "name")


def _absolute(path: str) -> str:
    return getattr(settings, "SITE_URL", "").rstrip("/") + path


def _application(instance: Any) -> Application:
    # The application the move was made on, already loaded and locked by the services domain (see
    # workflow_transition's `subject`); read when the move came from elsewhere.
    subject = getattr(instance, "subject", None)
    if isinstance(subject, Application) and str(subject.public_id) == instance.subject_id:
        return subject
    return Application.objects.select_related("applicant", "service_version__service").get(
        public_id=instance.subject_id
    )


def notify_applicant(application: Application, event: str, version: int | None = None) -> None:
    """`version` is the workflow's version after the move being announced (read from the application if None)."""
    applicant = application.applicant
    if version is None:
        version = application.workflow.version if application.workflow else 0
    with translation.override(applicant.preferred_language or "lo"):
        text = EVENT_MESSAGES[event](application)
        key = f"application:{application.public_id}:{event}:{version}"
        if applicant.phone:
            sms_send(to=applicant.phone, body=text, idempotency_key=key)
        elif applicant.email:
            email_send(
                to=applicant.email,
                subject=_("e-Laos application %(ref)s") % {"ref": application.reference},
                body=text,
                idempotency_key=key,
            )


def on_notify(*, instance: Any, config: dict, transition: Any) -> None:
    notify_applicant(_application(instance), config["event"], version=instance.version)


def on_require_payment(*, instance: Any, config: dict, transition: Any) -> None:
    from elaos.payments.services import payment_create

    application = _application(instance)
    version = application.service_version.definition
    amount = sum(f["amount_kip"] for f in version.get("fees", []))
    payment = payment_create(
        actor=application.applicant,
        payer=application.applicant,
        agency=application.service_version.service.agency,
        amount_kip=amount,
        purpose_lo=version["name_lo"],
        purpose_en=version["name_en"],
        subject_type=SUBJECT_TYPE,
        subject_id=str(application.public_id),
    )
    Application.objects.filter(pk=application.pk).update(payment_id=payment.public_id)
    application.payment_id = payment.public_id


def on_generate_document(*, instance: Any, config: dict, transition: Any) -> None:
    from elaos.documents.services import document_issue

    application = _application(instance)
    definition = application.service_version.definition
    output = definition.get("output")
    if not output:
        return
    fields = [
        (definition["form"].get("ui", {}).get(name, {}), name, application.data.get(name, ""))
        for name in output.get("fields", [])
    ]
    document = document_issue(
        actor=transition.actor if transition else None,
        holder=application.applicant,
        issuer=application.office or application.service_version.service.agency,
        type_code=output["type"],
        title_lo=output["title_lo"],
        title_en=output["title_en"],
        template_name=output.get("template", "services/documents/certificate.html"),
        context={"application": application, "fields": fields, "service": application.service_version.service},
        subject_type=SUBJECT_TYPE,
        subject_id=str(application.public_id),
    )
    Application.objects.filter(pk=application.pk).update(document_id=document.public_id)
    application.document_id = document.public_id


def on_sla_breached(*, instance: Any, config: dict, transition: Any) -> None:
    """Escalation: the office administrators hear about every application past its service level."""
    from elaos.agencies.models import RoleAssignment

    application = _application(instance)
    admins = (
        RoleAssignment.objects.active()
        .filter(organisation=application.office, role__code="office_admin", user__is_active=True)
        .select_related("user")
    )
    for assignment in admins:
        user = assignment.user
        if user.email:
            with translation.override(user.preferred_language or "lo"):
                email_send(
                    to=user.email,
                    subject=_("Past its service level: %(ref)s") % {"ref": application.reference},
                    body=_("Application %(ref)s (%(service)s) has passed its service level in state %(state)s.")
                    % {"ref": application.reference, "service": _name(application), "state": instance.state},
                    idempotency_key=f"sla:{application.public_id}:{instance.state}:{instance.version}",
                )


def on_payment_paid(payment: Any) -> None:
    if payment.subject_type != SUBJECT_TYPE:
        return
    from elaos.services.services import application_payment_received

    application = application_payment_received(application_id=payment.subject_id)
    notify_applicant(application, "payment_received")


def register() -> None:
    from elaos.workflows.actions import register_action

    register_action("notify", on_notify, subject_type=SUBJECT_TYPE)
    register_action("require_payment", on_require_payment, subject_type=SUBJECT_TYPE)
    register_action("generate_document", on_generate_document, subject_type=SUBJECT_TYPE)
    register_action("sla_breached", on_sla_breached, subject_type=SUBJECT_TYPE)
    from elaos.payments.services import on_payment_paid as register_paid_handler

    register_paid_handler(on_payment_paid)
