"""services_check and services_import: counts on the shipped set, each problem named by file, exit status, and
versions published only for definitions that changed."""

import io
import shutil
from pathlib import Path

import pytest
import yaml
from django.core.management import CommandError, call_command

from elaos.demo.data import load_demo
from elaos.services.definition import DEFINITIONS_DIR, load_file
from elaos.services.models import Service, ServiceVersion

SHIPPED = len(list(DEFINITIONS_DIR.glob("*.yaml")))


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command(*args, stdout=out, stderr=err)
    return str(failure.value), err.getvalue()


def write(path: Path, definition: dict) -> Path:
    path.write_text(yaml.safe_dump(definition, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def demo(db: None) -> dict[str, int]:
    return load_demo()


def test_check_passes_on_the_shipped_catalogue(demo: dict[str, int]) -> None:
    out, err = run("services_check")

    assert f"{SHIPPED} definition(s) checked, {SHIPPED} valid, 0 with problems" in out
    assert err == ""


def test_check_names_each_problem_by_file(demo: dict[str, int], tmp_path: Path) -> None:
    broken = load_file(DEFINITIONS_DIR / "certificate-of-residence.yaml")
    broken["agency"] = "no-such-ministry"
    broken["fees"] = [{"code": "standard", "name_lo": "ຄ່າທຳນຽມ", "name_en": "Fee", "amount_kip": 10000}]
    write(tmp_path / "broken.yaml", broken)
    shutil.copy(DEFINITIONS_DIR / "npa-registration.yaml", tmp_path / "good.yaml")
    (tmp_path / "garbled.yaml").write_text("code: [unclosed\n", encoding="utf-8")

    summary, err = run_failing("services_check", str(tmp_path))

    assert "3 definition(s) checked, 1 valid, 2 with problems" in summary
    assert "broken.yaml: agency: unknown organisation 'no-such-ministry'" in err
    assert "broken.yaml: workflow: the service has a fee but its workflow never asks for payment" in err
    assert "garbled.yaml: cannot be read" in err
    assert "good.yaml" not in err


def test_check_reports_a_code_defined_twice(demo: dict[str, int], tmp_path: Path) -> None:
    shutil.copy(DEFINITIONS_DIR / "npa-registration.yaml", tmp_path / "a.yaml")
    shutil.copy(DEFINITIONS_DIR / "npa-registration.yaml", tmp_path / "b.yaml")

    summary, err = run_failing("services_check", str(tmp_path))

    assert "1 with problems" in summary
    assert "b.yaml: code: 'npa-registration' is also defined in" in err


def test_check_exits_non_zero(demo: dict[str, int], tmp_path: Path) -> None:
    write(tmp_path / "bad.yaml", {"code": "x"})
    err = io.StringIO()

    with pytest.raises(CommandError) as failure:
        call_command("services_check", str(tmp_path / "bad.yaml"), stderr=err)

    assert failure.value.returncode == 1, "manage.py exits with the command error's return code"
    assert "bad.yaml: definition: 'agency' is a required property" in err.getvalue()


def test_check_refuses_a_missing_path(db: None, tmp_path: Path) -> None:
    summary, _err = run_failing("services_check", str(tmp_path / "nowhere.yaml"))

    assert "no such file or directory" in summary


def test_import_of_the_unchanged_catalogue_publishes_nothing(demo: dict[str, int]) -> None:
    versions = ServiceVersion.objects.count()

    out, _err = run("services_import")

    assert f"{SHIPPED} definition(s): 0 new version(s) published, {SHIPPED} unchanged, 0 failed" in out
    assert ServiceVersion.objects.count() == versions


def test_import_publishes_a_new_version_of_a_changed_definition(demo: dict[str, int], tmp_path: Path) -> None:
    changed = load_file(DEFINITIONS_DIR / "enterprise-registration.yaml")
    changed["fees"][0]["amount_kip"] = 250000
    write(tmp_path / "enterprise-registration.yaml", changed)
    shutil.copy(DEFINITIONS_DIR / "npa-registration.yaml", tmp_path / "npa-registration.yaml")

    out, _err = run("services_import", str(tmp_path))

    assert "enterprise-registration: version 2 published" in out
    assert "npa-registration" not in out
    assert "2 definition(s): 1 new version(s) published, 1 unchanged, 0 failed" in out
    service = Service.objects.get(code="enterprise-registration")
    assert service.current_version.version == 2
    assert service.fee_kip == 250000


def test_dry_run_reports_and_saves_nothing(demo: dict[str, int], tmp_path: Path) -> None:
    changed = load_file(DEFINITIONS_DIR / "passport-appointment.yaml")
    changed["sla_days"] = 7
    path = write(tmp_path / "passport-appointment.yaml", changed)

    out, _err = run("services_import", "--dry-run", str(path))

    assert "passport-appointment: version 2 would be published" in out
    assert "1 new version(s) would be published" in out
    assert "dry run: nothing saved" in out
    assert Service.objects.get(code="passport-appointment").current_version.version == 1
    assert ServiceVersion.objects.filter(service__code="passport-appointment").count() == 1


def test_import_reports_invalid_definitions_and_imports_the_rest(demo: dict[str, int], tmp_path: Path) -> None:
    broken = load_file(DEFINITIONS_DIR / "marriage-registration.yaml")
    broken["offices"] = ["nowhere"]
    write(tmp_path / "broken.yaml", broken)
    new = load_file(DEFINITIONS_DIR / "birth-certificate-copy.yaml")
    new["code"] = "birth-certificate-copy-test"
    write(tmp_path / "new.yaml", new)

    summary, err = run_failing("services_import", str(tmp_path))

    assert "1 new version(s) published, 0 unchanged, 1 failed" in summary
    assert "broken.yaml: offices: unknown organisation 'nowhere'" in err
    assert Service.objects.get(code="birth-certificate-copy-test").current_version.version == 1
    assert ServiceVersion.objects.filter(service__code="marriage-registration").count() == 1
