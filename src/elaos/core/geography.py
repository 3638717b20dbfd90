"""The reference geography: 18 provinces and 148 districts, loaded as the first dated version."""

import csv
import datetime
from pathlib import Path

DISTRICTS_CSV = Path(__file__).resolve().parent / "data" / "lao_districts.csv"
# The date the compiled list is taken to be valid from; later changes close rows (valid_to) and add new ones.
INITIAL_VALID_FROM = datetime.date(2024, 1, 1)


def load_geography(province_model: type, district_model: type, path: Path = DISTRICTS_CSV) -> tuple[int, int]:
    """Create the provinces and districts that are missing; change nothing that exists. Returns counts added."""
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    provinces_added = districts_added = 0
    provinces: dict[str, object] = {}
    for row in rows:
        code = row["province_code"]
        if code not in provinces:
            province, created = province_model.objects.get_or_create(
                code=code,
                defaults={
                    "iso_code": row["province_iso"],
                    "name_lo": row["province_name_lo"],
                    "name_en": row["province_name_en"],
                    "valid_from": INITIAL_VALID_FROM,
                },
            )
            provinces[code] = province
            provinces_added += created
        _, created = district_model.objects.get_or_create(
            code=row["district_code"],
            defaults={
                "province": provinces[code],
                "name_lo": row["district_name_lo"],
                "valid_from": INITIAL_VALID_FROM,
            },
        )
        districts_added += created
    return provinces_added, districts_added
