"""``import_agencies`` and ``seed_agencies`` from the command line."""
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from agencies.models import Agency, LicenceStatus
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path, text, name="list.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_dry_run_then_import_then_again(tmp_path):
    path = write(tmp_path, "licence_number,name_en,status\n1/2020,Lotus Agency,licensed\n2/2020,,licensed\n")
    out, _ = run("import_agencies", path, "--dry-run")
    assert "Dry run" in out and "1 new" in out and "Row 3: ERROR" in out
    assert not Agency.objects.exists()
    out, _ = run("import_agencies", path)
    assert "1 new" in out and Agency.objects.count() == 1
    out, _ = run("import_agencies", path)
    assert "0 new, 0 updated, 1 unchanged" in out


def test_history_user_can_be_named(tmp_path):
    user = UserFactory(username="ministry-sync")
    run("import_agencies", write(tmp_path, "licence_number,name_en\n1/2020,Lotus Agency\n"), "--user", "ministry-sync")
    assert Agency.objects.get().history.get().history_user == user


def test_progress_is_printed_for_large_files(tmp_path):
    rows = "".join(f"{n}/2020,Agency {n}\n" for n in range(1, 1101))
    _, err = run("import_agencies", write(tmp_path, "licence_number,name_en\n" + rows))
    assert "500/1100 rows checked" in err and "1100/1100 rows checked" in err


def test_missing_file_and_bad_file_are_command_errors(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run("import_agencies", str(tmp_path / "nope.csv"))
    with pytest.raises(CommandError, match="No licence number column"):
        run("import_agencies", write(tmp_path, "name\nLotus\n"))


def test_seed_agencies_loads_the_sample_once(settings):
    settings.DEBUG = True
    out, _ = run("seed_agencies")
    assert "30 new" in out
    assert Agency.objects.count() == 30
    statuses = {a.effective_status for a in Agency.objects.all()}
    assert statuses == {LicenceStatus.LICENSED, LicenceStatus.SUSPENDED, LicenceStatus.REVOKED, LicenceStatus.EXPIRED}
    assert Agency.objects.exclude(name_my="").count() == 30
    out, _ = run("seed_agencies")
    assert "0 new, 0 updated, 30 unchanged" in out


def test_seed_agencies_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        run("seed_agencies")
    assert not Agency.objects.exists()


def test_sample_xlsx_matches_the_csv(settings):
    from pathlib import Path

    from agencies.services import agency_import

    fixtures = Path(__file__).resolve().parents[2] / "agencies" / "fixtures"
    agency_import(content=(fixtures / "agencies_sample.csv").read_bytes(), filename="agencies_sample.csv", user=None)
    report = agency_import(content=(fixtures / "agencies_sample.xlsx").read_bytes(), filename="agencies_sample.xlsx", user=None)
    assert (report.errors, report.created, report.updated, report.unchanged) == ([], [], [], 30)


def test_report_names_changed_fields_and_missing_agencies(tmp_path):
    run("import_agencies", write(tmp_path, "licence_number,name_en,status\n1/2020,Lotus Agency,licensed\n2/2020,Moon Agency,licensed\n"))
    out, _ = run("import_agencies", write(tmp_path, "licence_number,name_en,status\n1/2020,Lotus Agency,suspended\n", "newer.csv"))
    assert "Row 2: Lotus Agency (1/2020) changed (licence status: Licensed → Suspended)" in out
    assert "1 registered agency is not in this file" in out and "Moon Agency (2/2020)" in out
