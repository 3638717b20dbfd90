import pytest

from elaos.consultation.demo import CLOSED_SLUG, OPEN_SLUG, load_consultation_demo
from elaos.consultation.models import ArticleChange, Comment, Consultation, Draft, Response
from elaos.core.audit import audit_verify_chain
from elaos.demo.data import load_demo

pytestmark = pytest.mark.django_db


def test_demo_has_an_open_and_a_closed_consultation_and_loads_once(client) -> None:  # type: ignore[no-untyped-def]
    load_demo()
    counts = [m.objects.count() for m in (Draft, Consultation, Comment, Response, ArticleChange)]
    assert load_consultation_demo() == {"drafts": 0}
    load_demo()
    assert [m.objects.count() for m in (Draft, Consultation, Comment, Response, ArticleChange)] == counts
    open_one = Consultation.objects.get(version__draft__slug=OPEN_SLUG)
    closed = Consultation.objects.get(version__draft__slug=CLOSED_SLUG)
    assert open_one.status == "open"
    assert closed.status == "closed"
    assert open_one.comments.count() == 8
    assert open_one.comments.filter(status="hidden").count() == 1
    assert closed.responses.count() == 3
    assert ArticleChange.objects.filter(comments__isnull=False).count() == 2
    assert audit_verify_chain()[1] is None
    for path in (
        f"/consultations/{OPEN_SLUG}/",
        f"/consultations/{CLOSED_SLUG}/",
        f"/consultations/{CLOSED_SLUG}/diff/?from=1&to=2",
        "/consultations/",
    ):
        assert client.get(path).status_code == 200, path
