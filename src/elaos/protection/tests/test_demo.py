import pytest

from elaos.demo.data import load_demo
from elaos.protection.access import received_referrals, visible_cases
from elaos.protection.models import ProtectionCase, Referral

pytestmark = pytest.mark.django_db


def test_demo_loads_twice_and_the_demo_npa_admin_sees_its_referral() -> None:
    from elaos.accounts.models import User

    load_demo()
    load_demo()
    assert ProtectionCase.objects.filter(reference__startswith="PC-DEMO").count() == 4
    worker = User.objects.get(email="case-worker@demo.e-laos.la")
    supervisor = User.objects.get(email="case-supervisor@demo.e-laos.la")
    assert visible_cases(worker).count() == visible_cases(supervisor).count() == 4
    npa_admin = User.objects.get(phone="+8562055550101")
    assert received_referrals(npa_admin).filter(status=Referral.Status.PENDING).count() == 1
    assert not visible_cases(npa_admin).exists()
