"""manage.py budget_generate --transactions N [--years 2024 2025 2026] [--seed 1] [--planted 3]"""

import json

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Generate realistic synthetic Glass Accounts data (budget, procurement, transactions, planted red flags)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--transactions", type=int, default=10_000)
        parser.add_argument("--years", type=int, nargs="+", default=None)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--planted", type=int, default=3, help="How many of each red flag to plant.")
        parser.add_argument("--provinces", type=int, default=18)
        parser.add_argument("--no-publications", action="store_true")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        from elaos.budget.generator import generate

        result = generate(
            transactions=options["transactions"],
            years=options["years"],
            seed=options["seed"],
            planted=options["planted"],
            provinces=options["provinces"],
            publications=not options["no_publications"],
            log=lambda m: self.stderr.write(f"budget_generate: {m}"),
        )
        self.stdout.write(
            json.dumps(
                {
                    "transactions": result.transactions,
                    "payees": result.payees,
                    "budget_lines": result.budget_lines,
                    "contracts": result.contracts,
                    "seconds": round(result.seconds, 1),
                    "planted": result.planted.as_dict(),
                }
            )
        )
