"""The k-anonymised case export, in HTCDS field names (github.com/UNMigration/HTCDS, "HTCDS Field Reference").

No identity field and no free text leaves: only picklist facts. Quasi-identifiers (what someone who knows the person
could match on) are generalised and small groups dropped by elaos.protection.anonymise:

- Gender (prs_Gender)
- AgeWhenTrafficked (vic_AgeWhenTrafficked, as CTDC's age bands, then wider bands, minor/adult, any)
- Citizenship (prs_Nationality; then Laos/other, any)
- Region (generalised from the home province, prs_MailingState: north, centre, south of Laos, then any)
- YearOfRegistration (the year the case was opened, as in CTDC; then a five-year period, any)
- CountryOfExploitation (hte_Country of the exploitation event; then any)
- TypeOfExploitation (vic_TypeOfExploitation; then any)

The other columns (TraffickingStatus, MethodsOfControl, MethodOfRecruitment, ForcedLabourIndustry, Vulnerabilities,
Status) are released as they are, within groups of at least k."""

import csv
import io
from collections.abc import Iterable
from typing import Any

from elaos.protection.anonymise import Release, anything, k_anonymise
from elaos.protection.models import AgeBand, ProtectionCase

# Lao provinces by region (national province codes): north, centre, south.
REGIONS = {
    "North": {"02", "03", "04", "05", "06", "07", "08", "09"},
    "Central": {"01", "10", "11", "12", "13", "18"},
    "South": {"14", "15", "16", "17"},
}
UNKNOWN = "Unknown"

HTCDS_VALUES: dict[str, dict[str, str]] = {
    "gender": {"female": "Female", "male": "Male", "non_conforming": "Transgender/NonConforming", "unknown": "Unknown"},
    "trafficking_status": {
        "possible": "PossibleVictimOfTrafficking",
        "actual": "ActualVictimOfTrafficking",
        "not_a_victim": "NotAVictimOfTrafficking",
    },
    "status": {"active": "Active", "follow_up": "FollowUp", "closed": "Closed"},
    "types_of_exploitation": {
        "forced_labour": "ForcedLabour",
        "sexual": "SexualExploitation",
        "forced_marriage": "ForcedMarriage",
        "other": "Other",
    },
}

COLUMNS = [
    "Gender",
    "AgeWhenTrafficked",
    "Citizenship",
    "Region",
    "YearOfRegistration",
    "CountryOfExploitation",
    "TypeOfExploitation",
    "TraffickingStatus",
    "MethodsOfControl",
    "MethodOfRecruitment",
    "ForcedLabourIndustry",
    "Vulnerabilities",
    "Status",
]


def _camel(value: str) -> str:
    return "".join(part.capitalize() for part in value.split("_"))


def region_of(province_code: str | None) -> str:
    for region, codes in REGIONS.items():
        if province_code in codes:
            return region
    return UNKNOWN


def _joined(values: Iterable[str], mapping: dict[str, str] | None = None) -> str:
    return ";".join(sorted((mapping or {}).get(v) or _camel(v) for v in values))


def htcds_record(case: ProtectionCase, province_code: str | None) -> dict[str, Any]:
    """One case as an HTCDS row before generalisation (ages as CTDC bands, region instead of province, the
    year instead of dates)."""
    return {
        "Gender": HTCDS_VALUES["gender"][case.gender],
        "AgeWhenTrafficked": case.age_band.replace("-", "--") if case.age_band != AgeBand.UNKNOWN else UNKNOWN,
        "Citizenship": case.citizenship,
        "Region": region_of(province_code),
        "YearOfRegistration": case.opened_on.year,
        "CountryOfExploitation": case.country_of_exploitation,
        "TypeOfExploitation": _joined(case.types_of_exploitation, HTCDS_VALUES["types_of_exploitation"]),
        "TraffickingStatus": HTCDS_VALUES["trafficking_status"][case.trafficking_status],
        "MethodsOfControl": _joined(case.methods_of_control),
        "MethodOfRecruitment": _joined(case.methods_of_recruitment),
        "ForcedLabourIndustry": case.forced_labour_industry,
        "Vulnerabilities": _joined(case.vulnerabilities),
        "Status": HTCDS_VALUES["status"][case.status],
    }


def _age_wide(band: str) -> str:
    if band == UNKNOWN:
        return band
    low = int(band.split("--")[0].rstrip("+"))
    for start, end in ((0, 17), (18, 29), (30, 47)):
        if start <= low <= end:
            return f"{start}--{end}"
    return "48+"


def _age_minor(band: str) -> str:
    if band == UNKNOWN:
        return band
    return "0--17" if int(band.split("--")[0].rstrip("+")) < 18 else "18+"


def _period(year: int) -> str:
    start = year - year % 5
    return f"{start}--{start + 4}"


def _lao_or_other(code: str) -> str:
    return code if code == "LA" else "Other"


HIERARCHIES = {
    "Gender": [str, anything],
    "AgeWhenTrafficked": [str, _age_wide, _age_minor, anything],
    "Citizenship": [str, _lao_or_other, anything],
    "Region": [str, anything],
    "YearOfRegistration": [str, _period, anything],
    "CountryOfExploitation": [str, anything],
    "TypeOfExploitation": [str, anything],
}
QUASI_IDENTIFIERS = list(HIERARCHIES)


def anonymised_release(cases: Iterable[ProtectionCase], *, k: int | None = None) -> Release:
    records = [htcds_record(case, case.province.code if case.province_id else None) for case in cases]  # type: ignore[union-attr]
    return k_anonymise(records, HIERARCHIES, k=k)


def release_csv(release: Release) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in release.rows:
        writer.writerow({column: row[column] for column in COLUMNS})
    return out.getvalue()
