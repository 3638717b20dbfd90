from django.core.management.base import BaseCommand

from elaos.demo.data import load_demo


class Command(BaseCommand):
    help = "Load the demo data (ministries, offices, sectors, staff, citizens). Running it twice changes nothing."

    def handle(self, *args: object, **options: object) -> None:
        created = load_demo()
        self.stdout.write("demo data: " + ", ".join(f"{n} {k} added" for k, n in created.items()))
