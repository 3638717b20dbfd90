from django.core.management.base import BaseCommand

from elaos.oidc import keys


class Command(BaseCommand):
    help = (
        "Start signing ID tokens with a new RSA key. The old public key stays in the JWKS so tokens already "
        "issued still verify; its private half is deleted."
    )

    def handle(self, *args: object, **options: object) -> None:
        old = keys.active_kid()
        new = keys.rotate()
        self.stdout.write(f"ID tokens are now signed with {new}; {old} stays published for verification.")
