"""The reference geography loaded by migration: 18 provinces, 148 districts, and a loader safe to rerun."""

from elaos.core.geography import INITIAL_VALID_FROM, load_geography
from elaos.core.models import District, Province


def test_migrations_load_18_provinces_and_148_districts(db: None) -> None:
    assert Province.objects.count() == 18
    assert District.objects.count() == 148


def test_every_district_code_starts_with_its_province_code(db: None) -> None:
    for district in District.objects.select_related("province"):
        assert district.code[:2] == district.province.code, district.code


def test_every_province_has_districts_and_an_iso_code(db: None) -> None:
    for province in Province.objects.all():
        assert province.districts.exists(), province.code
        assert province.iso_code.startswith("LA-"), province.code
        assert province.name_lo
        assert province.name_en


def test_reference_rows_start_valid_and_open_ended(db: None) -> None:
    assert not Province.objects.exclude(valid_from=INITIAL_VALID_FROM).exists()
    assert not District.objects.exclude(valid_from=INITIAL_VALID_FROM).exists()
    assert not District.objects.filter(valid_to__isnull=False).exists()


def test_loading_again_adds_nothing(db: None) -> None:
    assert load_geography(Province, District) == (0, 0)
    assert (Province.objects.count(), District.objects.count()) == (18, 148)


def test_loading_again_restores_missing_rows_and_keeps_edited_ones(db: None) -> None:
    District.objects.filter(code="0102").delete()
    District.objects.filter(code="0101").update(name_lo="ຊື່ໃໝ່")

    assert load_geography(Province, District) == (0, 1)
    assert District.objects.count() == 148
    assert District.objects.get(code="0102").province.code == "01"
    assert District.objects.get(code="0101").name_lo == "ຊື່ໃໝ່"
