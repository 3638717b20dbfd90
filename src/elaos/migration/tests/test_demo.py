from elaos.demo.data import load_demo
from elaos.migration.models import Complaint, Migrant, RecruitmentAgency, Referral, Returnee


def test_demo_loads_once_with_a_suspended_agency(db) -> None:  # type: ignore[no-untyped-def]
    load_demo()
    counts = (Migrant.objects.count(), Complaint.objects.count(), Returnee.objects.count(), Referral.objects.count())
    assert counts[0] >= 30
    assert counts[1] >= 11
    assert counts[2] >= 11
    assert counts[3] >= 2
    assert RecruitmentAgency.objects.filter(status="suspended").count() == 1
    load_demo()
    assert (
        Migrant.objects.count(),
        Complaint.objects.count(),
        Returnee.objects.count(),
        Referral.objects.count(),
    ) == counts
