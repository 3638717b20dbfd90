"""Properties: a diff gives both texts back, a text compared with itself has no changes, and the tallies count
exactly the published comments."""

import re

import pytest
from django.utils.html import escape
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elaos.consultation import selectors, services
from elaos.consultation.diff import diff_html, tokens
from elaos.consultation.models import Comment

LAO = st.text(alphabet=st.sampled_from("ກຂຄງຈສຊຍດຕຖທນບປຜຝພຟມຢຣລວຫອຮະັາິີຶືຸູເແໂໃໄ່້໊໋ໍ 0123456789abcXYZ.,\n<&>"), max_size=60)


@given(LAO)
def test_tokens_join_back_to_the_text(text: str) -> None:
    assert "".join(tokens(text)) == text


@given(LAO)
def test_a_text_compared_with_itself_has_no_changes(text: str) -> None:
    html, changed = diff_html(text, text)
    assert not changed
    assert "<ins>" not in html
    assert "<del>" not in html
    assert html == escape(text)


@given(LAO, LAO)
def test_diff_keeps_both_texts(before: str, after: str) -> None:
    html, changed = diff_html(before, after)
    assert changed == (before != after)
    new = re.sub(r"<del>.*?</del>", "", html, flags=re.DOTALL).replace("<ins>", "").replace("</ins>", "")
    old = re.sub(r"<ins>.*?</ins>", "", html, flags=re.DOTALL).replace("<del>", "").replace("</del>", "")
    assert new == escape(after)
    assert old == escape(before)


@pytest.mark.django_db
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(st.sampled_from(["support", "oppose", "neutral"]), st.sampled_from([None, 1, 2, 3]), st.booleans()),
        max_size=8,
    )
)
def test_tallies_count_the_published_comments(consultation, citizen, other_citizen, moderator, rows) -> None:  # type: ignore[no-untyped-def]
    Comment.objects.all().delete()
    articles = {a.number: a for a in consultation.version.articles.all()}
    for i, (stance, number, hide) in enumerate(rows):
        made = services.comment_add(
            actor=citizen if i % 2 else other_citizen,
            consultation=consultation,
            stance=stance,
            article=articles.get(number) if number else None,
            text=f"ຄຳເຫັນທີ {i}",
        )
        if hide:
            services.comment_moderate(actor=moderator, comment=made, hide=True, reason="ບໍ່ກ່ຽວຂ້ອງ")
    by_article, total = selectors.tallies(consultation)
    published = [r for r in rows if not r[2]]
    assert total.count == len(published) == selectors.published_comments(consultation).count()
    assert total.support + total.oppose + total.neutral == total.count
    for number, article in articles.items():
        expected = sum(1 for r in published if r[1] == number)
        assert by_article.get(article.pk, selectors.Tally()).count == expected
