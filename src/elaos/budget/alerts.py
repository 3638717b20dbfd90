"""Alerts: people follow an agency (with its offices), a payee or a keyword and receive a digest of the new
transactions and red flags, by SMS (short) or e-mail, through the notifications engine.

Each subscription keeps a cursor (the last transaction id and the last flag id already covered). A digest run
reads only the rows above the cursors (primary-key ranges, cheap at any table size), sends at most one message
per subscription, and moves the cursors in the same database transaction as the message is queued; the message's
idempotency key is made of the subscription and the cursors, so a retried or concurrent run never sends twice.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Max, Q, QuerySet, Sum
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from elaos.agencies.access import subtree_ids
from elaos.budget import selectors
from elaos.budget.models import AlertSubscription, RedFlag, Transaction
from elaos.core.audit import audit_record
from elaos.core.lao import format_kip
from elaos.notifications.services import email_send, sms_send

EMAIL_LINES = 20


def _max_ids() -> tuple[int, int]:
    return (
        Transaction.objects.aggregate(m=Max("id"))["m"] or 0,
        RedFlag.objects.aggregate(m=Max("id"))["m"] or 0,
    )


# --- subscribing ----------------------------------------------------------------------------------------------------


@transaction.atomic
def alert_subscription_create(*, actor: Any, kind: str, channel: str, **target: Any) -> AlertSubscription:
    """Follow an agency, a payee or a keyword (``agency=``, ``payee=`` or ``keyword=``). Following the same thing
    again by the same channel keeps the one subscription. Digests start from now: what was published before
    is on the portal already."""
    if kind == AlertSubscription.Kind.KEYWORD:
        target["keyword"] = " ".join(str(target.get("keyword", "")).split())
    lookup = {"user": actor, "kind": kind, "channel": channel, "active": True, "archived_at__isnull": True, **target}
    existing = AlertSubscription.objects.filter(**lookup).first()
    if existing is not None:
        return existing
    last_tx, last_flag = _max_ids()
    subscription = AlertSubscription(
        user=actor,
        kind=kind,
        channel=channel,
        created_by=actor,
        last_transaction_id=last_tx,
        last_flag_id=last_flag,
        **target,
    )
    subscription.full_clean()
    subscription.save()
    audit_record(
        actor=actor, action="budget.alert_subscribe", obj=subscription, data={"kind": kind, "channel": channel}
    )
    return subscription


@transaction.atomic
def alert_subscription_cancel(*, actor: Any, subscription: AlertSubscription) -> None:
    subscription.active = False
    subscription.archived_at = timezone.now()
    subscription.archived_by = actor
    subscription.save(update_fields=["active", "archived_at", "archived_by", "updated_at"])
    audit_record(actor=actor, action="budget.alert_cancel", obj=subscription)


# --- what is new for a subscription ---------------------------------------------------------------------------------


@dataclass
class Digest:
    transactions: list[Transaction]
    transactions_count: int
    transactions_total: int
    flags: list[RedFlag]
    flags_count: int

    @property
    def empty(self) -> bool:
        return not self.transactions_count and not self.flags_count


def _matching(subscription: AlertSubscription, tx_range: tuple[int, int], flag_range: tuple[int, int]):  # type: ignore[no-untyped-def]
    transactions: QuerySet[Transaction] = Transaction.objects.filter(id__gt=tx_range[0], id__lte=tx_range[1])
    flags: QuerySet[RedFlag] = (
        RedFlag.objects.active()
        .exclude(status=RedFlag.Status.DISMISSED)
        .filter(id__gt=flag_range[0], id__lte=flag_range[1])
    )
    if subscription.kind == AlertSubscription.Kind.AGENCY:
        agency_ids = sorted(subtree_ids(subscription.agency_id))
        transactions = transactions.filter(agency_id__in=agency_ids)
        flags = flags.filter(agency_id__in=agency_ids)
    elif subscription.kind == AlertSubscription.Kind.PAYEE:
        transactions = transactions.filter(payee_id=subscription.payee_id)
        flags = flags.filter(payee_id=subscription.payee_id)
    else:
        keyword = subscription.keyword
        transactions = selectors.transaction_search(q=keyword).filter(id__gt=tx_range[0], id__lte=tx_range[1])
        flags = flags.filter(
            Q(title_lo__icontains=keyword) | Q(title_en__icontains=keyword) | Q(explanation_en__icontains=keyword)
        )
    return transactions, flags


def digest_for(subscription: AlertSubscription, tx_range: tuple[int, int], flag_range: tuple[int, int]) -> Digest:
    transactions, flags = _matching(subscription, tx_range, flag_range)
    totals = transactions.order_by().aggregate(total=Sum("amount"))
    count = transactions.order_by().count()
    return Digest(
        transactions=list(transactions.select_related("payee", "agency").order_by("-amount", "-id")[:EMAIL_LINES]),
        transactions_count=count,
        transactions_total=totals["total"] or 0,
        flags=list(flags.select_related("agency").order_by("-id")[:EMAIL_LINES]),
        flags_count=flags.order_by().count(),
    )


# --- wording --------------------------------------------------------------------------------------------------------


def _subject_name(subscription: AlertSubscription, language: str) -> str:
    if subscription.kind == AlertSubscription.Kind.AGENCY and subscription.agency:
        agency = subscription.agency
        return agency.name_lo if language == "lo" or not agency.name_en else agency.name_en
    if subscription.kind == AlertSubscription.Kind.PAYEE and subscription.payee:
        payee = subscription.payee
        return payee.name_lo if language == "lo" or not payee.name_en else payee.name_en
    return f"«{subscription.keyword}»"


def _sms_text(subscription: AlertSubscription, digest: Digest, language: str) -> str:
    return _("Glass Accounts, %(subject)s: %(count)s new payments, %(total)s; %(flags)s red flags. %(url)s") % {
        "subject": _subject_name(subscription, language)[:40],
        "count": digest.transactions_count,
        "total": format_kip(digest.transactions_total, language=language),
        "flags": digest.flags_count,
        "url": f"{settings.SITE_URL}/budget/alerts/",
    }


def _email_text(subscription: AlertSubscription, digest: Digest, language: str) -> tuple[str, str]:
    name = _subject_name(subscription, language)
    subject = _("Glass Accounts: news about %(subject)s") % {"subject": name}
    lines = [
        _("New payments published: %(count)s, together %(total)s.")
        % {"count": digest.transactions_count, "total": format_kip(digest.transactions_total, language=language)},
        "",
    ]
    for tx in digest.transactions:
        payee = tx.payee.name_lo if language == "lo" or not tx.payee.name_en else tx.payee.name_en
        purpose = tx.purpose_lo if language == "lo" or not tx.purpose_en else tx.purpose_en
        lines.append(
            f"{tx.date:%d/%m/%Y}  {format_kip(tx.amount, language=language)}  {payee} — {purpose}\n"
            f"  {settings.SITE_URL}/budget/payments/{tx.id}/"
        )
    if digest.transactions_count > len(digest.transactions):
        lines.append(_("…and %(more)s more.") % {"more": digest.transactions_count - len(digest.transactions)})
    if digest.flags_count:
        lines += ["", _("New red flags: %(count)s.") % {"count": digest.flags_count}, ""]
        for flag in digest.flags:
            title = flag.title_lo if language == "lo" or not flag.title_en else flag.title_en
            lines.append(f"{title}\n  {settings.SITE_URL}/budget/flags/{flag.public_id}/")
    lines += [
        "",
        _("You receive this because you follow %(subject)s. Change or stop your alerts: %(url)s")
        % {"subject": name, "url": f"{settings.SITE_URL}/budget/alerts/"},
    ]
    return subject, "\n".join(lines)


# --- sending --------------------------------------------------------------------------------------------------------


def _send_one(subscription_id: int, tx_max: int, flag_max: int) -> bool:
    with transaction.atomic():
        subscription = (
            AlertSubscription.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("user", "agency", "payee")
            .filter(pk=subscription_id, active=True, archived_at__isnull=True)
            .first()
        )
        if subscription is None:
            return False
        if subscription.last_transaction_id is None or subscription.last_flag_id is None:
            # Created without cursors (e.g. by an import): start from now rather than send the whole history.
            subscription.last_transaction_id = subscription.last_transaction_id or tx_max
            subscription.last_flag_id = subscription.last_flag_id or flag_max
            subscription.save(update_fields=["last_transaction_id", "last_flag_id", "updated_at"])
            return False
        tx_range = (subscription.last_transaction_id, tx_max)
        flag_range = (subscription.last_flag_id, flag_max)
        if tx_range[1] <= tx_range[0] and flag_range[1] <= flag_range[0]:
            return False
        digest = digest_for(subscription, tx_range, flag_range)
        sent = False
        user = subscription.user
        key = f"budget-alert:{subscription.public_id}:{tx_range[0]}:{flag_range[0]}"
        if not digest.empty:
            language = user.preferred_language or "lo"
            with translation.override(language):
                if subscription.channel == AlertSubscription.Channel.SMS and user.phone:
                    sms_send(to=user.phone, body=_sms_text(subscription, digest, language), idempotency_key=key)
                    sent = True
                elif subscription.channel == AlertSubscription.Channel.EMAIL and user.email:
                    subject, body = _email_text(subscription, digest, language)
                    email_send(to=user.email, subject=subject, body=body, idempotency_key=key)
                    sent = True
        subscription.last_transaction_id = max(tx_range)
        subscription.last_flag_id = max(flag_range)
        fields = ["last_transaction_id", "last_flag_id", "updated_at"]
        if sent:
            subscription.last_sent_at = timezone.now()
            fields.append("last_sent_at")
        subscription.save(update_fields=fields)
        return sent


def alerts_send(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Send every due digest once (the periodic task). Returns how many subscriptions were looked at and how
    many messages were queued."""
    tx_max, flag_max = _max_ids()
    ids = list(
        AlertSubscription.objects.filter(active=True, archived_at__isnull=True)
        .order_by("id")
        .values_list("id", flat=True)
    )
    sent = sum(1 for pk in ids if _send_one(pk, tx_max, flag_max))
    return {"subscriptions": len(ids), "sent": sent}
