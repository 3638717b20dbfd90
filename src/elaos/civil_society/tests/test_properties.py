"""Properties of the name check, over generated names in Lao and Latin script."""

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from elaos.civil_society.models import Npa
from elaos.civil_society.selectors import name_key, npa_name_available
from elaos.civil_society.tests.conftest import register_npa

LAO_LETTERS = "ກຂຄງຈສຊຍດຕຖທນບປຜຝພຟມຢຣລວຫອຮໜໝ"
LAO_MARKS = "ະັາິີຶືຸູົຼຽເແໂໃໄ່້໊໋ໍ"
names = st.text(alphabet=LAO_LETTERS + LAO_MARKS + "abcXYZéß ໑໒0-.,'()\u200b", min_size=1, max_size=40)


@given(names)
def test_name_key_is_idempotent(name: str) -> None:
    assert name_key(name_key(name)) == name_key(name)


@given(names, st.sampled_from([" ", "  ", ".", "-", "\u200b", ","]))
def test_spaces_and_punctuation_never_tell_names_apart(name: str, noise: str) -> None:
    assert name_key(noise.join(name)) == name_key(name)
    assert name_key(name.upper()) == name_key(name.lower())


class Rollback(Exception):
    pass


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=names.filter(lambda n: name_key(n) != ""), noise=st.sampled_from(["", " ", ".", " - "]))
def test_a_registered_name_is_never_reported_available(name: str, noise: str) -> None:
    try:
        with transaction.atomic():
            npa = register_npa(name_lo=name, name_en="", province=None, officers=[])
            found = npa_name_available(name_lo=f"{noise}{name}{noise}")
            assert any(s.exact and s.registration_number == npa.registration_number for s in found)
            assert Npa.objects.count() == 1
            raise Rollback
    except Rollback:
        pass
