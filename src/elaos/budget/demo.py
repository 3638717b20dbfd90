"""Glass Accounts demo data: three fiscal years (2024–2026) of budget lines, monthly execution, tenders, bids,
awards, contracts, amendments and about 20,000 payments for the demo ministries and their provincial departments,
with a few planted red flags (split payments, large payments without a contract, single-bid tenders, large
amendments, payees registered just before their award), publications with their deadlines, province population
and CPI. Fictitious, Lao + English. Loading twice changes nothing (the generated rows carry the demo's seed)."""

from .models import Transaction

DEMO_SEED = 11
DEMO_TRANSACTIONS = 20_000
DEMO_YEARS = [2024, 2025, 2026]


def load_budget_demo(*, transactions: int | None = None) -> dict[str, object]:
    from django.conf import settings
    from django.utils import timezone

    from .flags import flags_detect
    from .generator import generate
    from .glass_index import glass_index_snapshot

    if Transaction.objects.filter(reference__startswith=f"g{DEMO_SEED}-").exists():
        return {"transactions": 0}
    # The test settings ask for fewer payments: many tests load the whole demo.
    count = transactions or getattr(settings, "BUDGET_DEMO_TRANSACTIONS", DEMO_TRANSACTIONS)
    result = generate(transactions=count, years=DEMO_YEARS, seed=DEMO_SEED, planted=3)
    # The portal opens with its red flags found and this week's transparency ranking.
    flags = flags_detect()
    glass_index_snapshot(week=timezone.localdate())
    return {
        "transactions": result.transactions,
        "contracts": result.contracts,
        "planted": result.planted.as_dict(),
        "flags": sum(flags.values()),
    }
