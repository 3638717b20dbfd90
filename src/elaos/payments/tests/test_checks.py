from django.test import override_settings

from elaos.payments import conf
from elaos.payments.checks import callback_secret_configured


def test_the_deploy_check_wants_the_banks_callback_key() -> None:
    assert [e.id for e in callback_secret_configured()] == ["payments.E001"]

    with override_settings(PAYMENTS_CALLBACK_SECRET="agreed-with-the-bank"):
        assert callback_secret_configured() == []
        assert conf.callback_secret() == b"agreed-with-the-bank"


def test_the_development_key_is_derived_from_the_secret_key() -> None:
    first = conf.callback_secret()
    with override_settings(SECRET_KEY="another-secret-key-for-this-test-only-0123456789"):
        assert conf.callback_secret() != first
    assert len(first) == 64
