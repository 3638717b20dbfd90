from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from elaos.demo.data import DEMO_DOMAIN


class Command(BaseCommand):
    help = "Print the current authenticator code of a demo staff account (demo accounts only)."

    def add_arguments(self, parser) -> None:  # type: ignore[no-untyped-def]
        parser.add_argument("email")

    def handle(self, *args: object, email: str, **options: object) -> None:
        if not email.lower().endswith("@" + DEMO_DOMAIN):
            raise CommandError(f"only demo accounts (@{DEMO_DOMAIN}) have a code here")
        device = TOTPDevice.objects.filter(user__email__iexact=email, confirmed=True).first()
        if device is None:
            raise CommandError("no such demo account; run load_demo first")
        self.stdout.write(f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}")
