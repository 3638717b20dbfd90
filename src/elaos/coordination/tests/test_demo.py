import pytest

from elaos.coordination.demo import load_coordination_demo
from elaos.coordination.models import AnnualMeeting, Commitment, GroupMeeting, SectorGroupMember, WorkPlanItem
from elaos.core.audit import audit_verify_chain
from elaos.demo.data import load_demo

pytestmark = pytest.mark.django_db


def test_demo_loads_once() -> None:
    load_demo()
    models = (SectorGroupMember, GroupMeeting, WorkPlanItem, AnnualMeeting, Commitment)
    counts = [m.objects.count() for m in models]
    assert counts[0] >= 4
    assert counts[1:] == [2, 5, 2, 6]
    assert load_coordination_demo() == {"groups": 0, "annual_meetings": 0}
    load_demo()
    assert [m.objects.count() for m in models] == counts
    assert audit_verify_chain()[1] is None
