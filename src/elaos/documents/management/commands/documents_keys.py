import json

from django.core.management.base import BaseCommand, CommandParser

from elaos.documents import keys


class Command(BaseCommand):
    help = (
        "Show the document keys (creating development keys on first use), rotate the QR record key, or print "
        "the published keys JSON for offline verifiers."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rotate", action="store_true", help="Sign new QR records with a new Ed25519 key.")
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print /.well-known/elaos-keys.json.")

    def handle(self, *args: object, rotate: bool, as_json: bool, **options: object) -> None:
        if rotate:
            new = keys.rotate()
            self.stdout.write(self.style.SUCCESS(f"New active key {new.kid}; earlier keys stay published as retired."))
        if as_json:
            self.stdout.write(json.dumps(keys.published_keys(), indent=2))
            return
        self.stdout.write(f"Keys directory: {keys.keys_dir()}")
        for key in keys.public_record_keys():
            self.stdout.write(f"  Ed25519 {key.kid}  {key.status:<8} created {key.created_at}")
