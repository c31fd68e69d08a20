"""import_contacts: legacy spreadsheets in, contacts/activities/people out, bad rows named and nothing half-saved."""
import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook

from helpdesk.imports import FileError, import_contacts
from helpdesk.models import Activity, Contact, ImportedRow, Person

pytestmark = pytest.mark.django_db
HEADER = "date,centre,service,gender,count,person_ref,name,phone,birth_year,channel,topics,activity,consent\n"
FIXTURES = Path(__file__).resolve().parents[2] / "helpdesk" / "fixtures"


def with_consent(text: str, answer: str = "yes") -> str:
    """Fill the consent column (the 13th) of every row: the people named agreed to records being kept."""
    lines = []
    for line in text.splitlines():
        fields = next(csv.reader([line])) if line else []
        lines.append(line + "," * (12 - len(fields)) + "," + answer if line else line)
    return "".join(f"{line}\n" for line in lines)


def run(text: str, **kwargs):
    return import_contacts(content=(HEADER + with_consent(text)).encode(), filename="legacy.csv", **kwargs)


def test_rows_become_contacts_people_and_activities(centre):
    result = run(
        "2023-01-05,NDG,drop_in,woman,,NDG-1,Ma Hla,09 767 889 802,1995,walk_in,agency_check;jobs,\n"
        "2023-01-09,NDG,helpline,woman,,NDG-1,,,,,,\n"  # same card number: the same person
        "2023-02-01,NDG,helpline,man,3,,,,,,safe_migration,\n"
        "2023-03-01,NDG,training,woman,,NDG-1,,,,,,Safe migration March\n"
        "2023-03-01,NDG,training,man,12,,,,,,,Safe migration March\n"
        "2023-03-01,NDG,training,other,,,,,,,,Safe migration March\n"  # no person, no count: one head
    )
    assert result.errors == [] and result.imported == 6
    person = Person.objects.get()
    assert (person.card_number, person.name, person.phone, person.birth_year) == ("NDG-1", "Ma Hla", "+959767889802", 1995)
    assert person.contacts.count() == 2
    assert sorted(Contact.objects.get(service="drop_in").topic_codes) == ["agency_check", "jobs"]
    anonymous = Contact.objects.filter(person=None)
    assert anonymous.count() == 3 and set(anonymous.values_list("gender", "channel")) == {("man", "phone")}
    assert all(c.topic_codes == ["safe_migration"] for c in anonymous)
    activity = Activity.objects.get()
    assert (activity.title, activity.kind, activity.men_count, activity.other_count) == ("Safe migration March", "training", 12, 1)
    assert list(activity.attendees.all()) == [person]
    assert anonymous.first().history.count() == 1  # bulk-created contacts still have their history row


def test_bad_rows_are_named_and_good_rows_kept(centre):
    result = run(
        "2023-01-05,NDG,drop_in,woman,,,,,,,,\n"
        "2023-13-05,NDG,drop_in,woman,,,,,,,,\n"
        "2023-01-05,XYZ,drop_in,woman,,,,,,,,\n"
        "2023-01-05,NDG,massage,woman,,,,,,,,\n"
        "2023-01-05,NDG,drop_in,alien,,,,,,,,\n"
        "2023-01-05,NDG,helpline,man,0,,,,,,,\n"
        "2023-01-05,NDG,helpline,man,,,,12345,,,,\n"
        "2023-01-05,NDG,helpline,man,5,NDG-9,,,,,,\n"
        ",NDG,helpline,,,,,,,,,\n"
        "2099-01-05,NDG,helpline,man,,,,,,,,\n"
        "2023-01-05,NDG,helpline,man,,,,,,fax,,\n"
        "2023-01-05,NDG,helpline,man,,,,,,,gossip,\n"
    )
    errors = dict(result.errors)
    assert result.imported == 1 and Contact.objects.count() == 1
    assert "date:" in errors[3] and "centre:" in errors[4] and "XYZ" in errors[4]
    assert "service:" in errors[5] and "gender:" in errors[6] and "alien" in errors[6]
    assert "count:" in errors[7] and "phone:" in errors[8] and "head-count row cannot also name a person" in errors[9]
    assert "date: required" in errors[10] and "gender: required" in errors[10]
    assert "future" in errors[11] and "channel:" in errors[12] and "topics:" in errors[13]


def test_reimport_changes_nothing_but_repeated_identical_rows_all_count(centre):
    text = "2023-01-05,NDG,helpline,woman,,,,,,,,\n" * 3 + "2023-03-01,NDG,training,man,12,,,,,,,Dialogue\n"
    first = run(text)
    assert (first.imported, Contact.objects.count()) == (4, 3)  # three calls from women that day are three contacts
    again = run(text)
    assert (again.imported, again.already_imported) == (0, 4)
    assert Contact.objects.count() == 3 and Activity.objects.get().men_count == 12
    more = run(text + "2023-01-05,NDG,helpline,woman,,,,,,,,\n")  # a fourth identical call added later
    assert (more.imported, Contact.objects.count()) == (1, 4)


def test_dry_run_checks_and_counts_but_saves_nothing(centre):
    result = run("2023-01-05,NDG,drop_in,woman,,NDG-1,Ma Hla,,,,,\n2023-01-05,NDG,drop_in,nobody,,,,,,,,\n", dry_run=True)
    assert (result.imported, result.contacts, result.people_created, len(result.errors)) == (1, 1, 1, 1)
    assert not Contact.objects.exists() and not Person.objects.exists() and not ImportedRow.objects.exists()


def test_burmese_words_digits_and_zawgyi(centre):
    # gender in Burmese words (one typed in Zawgyi), dates and counts in Burmese digits
    result = run(
        "၀၅/၀၁/၂၀၂၃,NDG,helpline,အမျိုးသမီး,၄,,,,,,,\n"
        "2023-01-05,NDG,helpline,မ,,,,,,,,\n"
        "2023-01-05,NDG,helpline,ကျား,,,,,,,,\n"
        "2023-01-05,NDG,helpline,အမ်ိဳးသား,,,,,,,,\n"  # Zawgyi for အမျိုးသား
        "2023-01-05,NDG,drop_in,woman,,,မခင္မာ,,,,,\n"  # name in Zawgyi, stored in Unicode
    )
    assert result.errors == []
    assert Contact.objects.filter(gender="woman").count() == 6 and Contact.objects.filter(gender="man").count() == 2
    assert Person.objects.get().name == "မခင်မာ"


def test_xlsx_with_date_cells_and_blank_lines(centre):
    from datetime import datetime

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Date", "Centre", "Service", "Gender", "Count", "Notes"])
    sheet.append([datetime(2023, 6, 1), "NDG", "Helpline", "Woman", 2.0, "ignored"])
    sheet.append([None, None, None, None, None, None])
    sheet.append([datetime(2023, 6, 2), "NDG", "drop-in", "man", None, None])
    out = io.BytesIO()
    workbook.save(out)
    result = import_contacts(content=out.getvalue(), filename="legacy.XLSX")
    assert result.errors == [] and result.ignored_columns == ["notes"]
    assert Contact.objects.filter(service="helpline", gender="woman").count() == 2
    assert Contact.objects.filter(service="drop_in", gender="man").count() == 1


def test_unreadable_files_say_why(centre):
    with pytest.raises(FileError, match="Missing required column"):
        import_contacts(content=b"date,centre,service\n2023-01-01,NDG,helpline\n", filename="x.csv")
    with pytest.raises(FileError, match="not UTF-8"):
        import_contacts(content="date,centre,service,gender\n".encode("utf-16"), filename="x.csv")
    with pytest.raises(FileError, match="XLSX"):
        import_contacts(content=b"not a zip", filename="x.xlsx")


def test_shipped_templates_import_cleanly(centre):
    for name in ("contacts_template.csv", "contacts_template.xlsx"):
        result = import_contacts(content=(FIXTURES / name).read_bytes(), filename=name)
        assert result.errors == [] and result.rows == 7, name
    assert Contact.objects.count() == 1 + 1 + 14 + 1  # the second template is the same rows: nothing added
    assert Activity.objects.count() == 2


def test_command_reports_rows_and_exits_non_zero_on_errors(centre, tmp_path, capsys):
    path = tmp_path / "legacy.csv"
    path.write_text(HEADER + "2023-01-05,NDG,drop_in,woman,,,,,,,,\n2023-01-05,NDG,drop_in,x,,,,,,,,\n")
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_contacts", str(path), "--dry-run")
    assert exit_info.value.code == 2
    out = capsys.readouterr()
    assert "row 3: gender:" in out.out and "would import 1" in out.out and "2 / 2 rows" in out.err
    assert not Contact.objects.exists()
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_contacts", str(tmp_path / "missing.csv"))


def test_upload_page_is_for_admins_only(client, centre, staff, officer, manager, admin_user):
    url = reverse("helpdesk:import_contacts")
    for user, status in ((staff, 403), (officer, 403), (manager, 403), (admin_user, 200)):
        client.force_login(user)
        assert client.get(url).status_code == status, user
        assert client.get(reverse("helpdesk:import_template", args=["csv"])).status_code == status, user
    client.force_login(admin_user)
    upload = io.BytesIO((HEADER + "2023-01-05,NDG,drop_in,woman,,,,,,,,\n2023-01-05,NDG,drop_in,x,,,,,,,,\n").encode())
    upload.name = "legacy.csv"
    html = client.post(url, {"file": upload}).content.decode()
    assert "Imported" in html and "gender:" in html and Contact.objects.count() == 1
    template = client.get(reverse("helpdesk:import_template", args=["xlsx"]))
    assert template.status_code == 200 and b"".join(template.streaming_content)[:2] == b"PK"


def test_rows_without_a_title_join_the_same_activity_whatever_the_language(centre):
    from django.utils import translation

    with translation.override("my"):
        run("2023-03-01,NDG,mobilisation,woman,20,,,,,,,\n")
    run("2023-03-01,NDG,mobilisation,man,15,,,,,,,\n")
    activity = Activity.objects.get()
    assert (activity.title, activity.women_count, activity.men_count) == ("Community mobilisation 2023-03-01", 20, 15)


def test_attendance_is_saved_once_per_activity_not_once_per_row(centre):
    """An event of n registered people keeps one history snapshot, not n (which would store n² rows)."""
    rows = "".join(f"2023-01-05,NDG,training,{'woman' if i % 2 else 'man'},,T{i},,,,,,Big training\n" for i in range(30))
    rows += "2023-01-05,NDG,training,woman,,T0,,,,,,Big training\n"  # T0 listed twice: attends once
    result = run(rows + "2023-01-05,NDG,training,man,9,,,,,,,Big training\n")  # a head count after the attendees
    activity = Activity.objects.get()
    assert (result.errors, result.attendances, activity.attendees.count(), activity.men_count) == ([], 30, 30, 9)
    assert activity.history.count() <= 4  # created, head count, then the attendance once (m2m change and save)
    assert activity.history.first().attendees.count() == 30
    snapshots = sum(record.attendees.count() for record in activity.history.all())
    assert snapshots <= 2 * 30  # saving after each row would have stored 30 * 31 / 2 = 465


def test_large_upload_is_imported_in_the_background_with_progress(client, centre, staff, admin_user, settings):
    from helpdesk.models import ContactImport

    settings.CONTACT_IMPORT_SYNC_ROWS = 3  # files above this go to the background task
    client.force_login(admin_user)
    upload = io.BytesIO((HEADER + "2023-01-05,NDG,drop_in,woman,,,,,,,,\n" * 4 + "2023-01-05,NDG,drop_in,x,,,,,,,,\n").encode())
    upload.name = "legacy.csv"
    response = client.post(reverse("helpdesk:import_contacts"), {"file": upload})
    job = ContactImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("helpdesk:import_job", args=[job.pk])
    assert (job.status, job.rows_total, job.rows_done, bytes(job.content)) == ("done", 5, 5, b"")  # the file is not kept
    html = client.get(response["Location"]).content.decode()
    assert "4 rows imported" in html and "gender:" in html and Contact.objects.count() == 4
    assert "legacy.csv" in client.get(reverse("helpdesk:import_contacts")).content.decode()  # listed under recent uploads
    client.force_login(staff)
    assert client.get(response["Location"]).status_code == 403


def test_a_waiting_upload_says_what_it_waits_for(client, admin_user):
    from helpdesk.models import ContactImport

    job = ContactImport.objects.create(file_name="big.xlsx", content=b"...", rows_total=50_000)
    client.force_login(admin_user)
    html = client.get(reverse("helpdesk:import_job", args=[job.pk])).content.decode()
    assert "Waiting for the imports worker" in html and "--queue-name imports" in html and 'http-equiv="refresh"' in html


def test_queue_refuses_files_above_the_limit(centre):
    from helpdesk.imports.jobs import contact_import_queue

    with pytest.raises(FileError, match="3 rows"):
        contact_import_queue(content=(HEADER + "2023-01-05,NDG,drop_in,woman,,,,,,,,\n" * 3).encode(), filename="x.csv",
                             user=None, dry_run=False, max_rows=2)


def test_a_doubled_quote_in_a_name_stays_in_its_column(centre):
    result = run('2023-01-05,NDG,drop_in,woman,,NDG-7,"Ma ""Nu"" Nu, junior",09 767 889 802,1990,walk_in,jobs,\n')
    assert result.errors == []
    person = Person.objects.get()
    assert (person.name, person.phone, person.birth_year) == ('Ma "Nu" Nu, junior', "+959767889802", 1990)


def test_nul_and_over_long_cells_are_row_errors_and_the_other_rows_are_kept(centre):
    long_name = "Secret Name " * 300
    result = run(
        "2023-01-05,NDG,drop_in,woman,,NDG-1,Ma Hla,,,,,\n"
        "2023-01-05,NDG,drop_in,woman,,NDG-2,Ma\x00Mya,,,,,\n"
        f"2023-01-05,NDG,drop_in,man,,NDG-3,{long_name},,,,,\n"
        "2023-01-06,NDG,helpline,man,2,,,,,,,\n"
    )
    errors = dict(result.errors)
    assert (result.imported, sorted(errors)) == (2, [3, 4])
    assert "column G" in errors[3] and "control characters" in errors[3] and "Mya" not in errors[3]
    assert "column G" in errors[4] and "Secret" not in errors[4]
    assert list(Person.objects.values_list("card_number", flat=True)) == ["NDG-1"]
    assert Contact.objects.count() == 3


def test_bulk_and_row_by_row_write_the_same_records(centre, other_centre):
    """The bulk path must be the row-by-row path, faster: same people, contacts, topics, attendees, counts, history."""
    text = (
        "2023-01-05,NDG,drop_in,woman,,NDG-1,Ma Hla,09 767 889 802,1995,walk_in,agency_check;jobs,\n"
        "2023-01-06,NDG,helpline,woman,,,,09 767 889 802,,,,\n"  # no card: the same person by phone
        "2023-01-07,NDG,helpline,man,,NDG-2,Ko Min,,,,legal_advice,\n"
        "2023-01-07,NDG,helpline,man,3,,,,,,safe_migration,\n"
        "2023-01-08,TCL,drop_in,undisclosed,,TCL-1,,,,,,\n"
        "2023-03-01,NDG,training,woman,,NDG-1,,,,,,Dialogue\n"
        "2023-03-01,NDG,training,man,,NDG-2,,,,,,Dialogue\n"
        "2023-03-01,NDG,training,man,12,,,,,,,Dialogue\n"
        "2023-03-01,NDG,mobilisation,other,5,,,,,,,\n"
        "2023-03-01,NDG,training,man,,NDG-3,Ko New,,1850,,,Dialogue\n"  # refused: birth year
    )

    def snapshot():
        people = sorted(Person.objects.values_list("centre__code", "card_number", "name", "gender", "phone", "birth_year"))
        contacts = sorted(
            (c.centre.code, str(c.date), c.service, c.channel, c.gender, c.person.card_number if c.person else "", tuple(sorted(c.topic_codes)))
            for c in Contact.objects.select_related("person", "centre")
        )
        activities = sorted(
            (a.title, a.kind, a.women_count, a.men_count, a.other_count, tuple(sorted(p.card_number for p in a.attendees.all())),
             sorted(r.attendees.count() for r in a.history.all())[-1])
            for a in Activity.objects.all()
        )
        histories = (Person.history.count(), Contact.history.count())
        return people, contacts, activities, histories

    bulk = run(text)
    first = snapshot()
    Contact.objects.all().delete(), ImportedRow.objects.all().delete()
    Activity.objects.all().delete(), Person.objects.all().delete()
    Person.history.all().delete(), Contact.history.all().delete()
    one_by_one = run(text, row_by_row=True)
    assert snapshot() == first
    assert bulk == one_by_one and bulk.imported == 9 and [n for n, _m in bulk.errors] == [11]


def _fail_writes_after(limit: int):
    """The database going away mid-file: every insert of a row fingerprint after the first ``limit`` fails."""
    from django.db import OperationalError

    seen = {"n": 0}

    def wrapper(execute, sql, params, many, context):
        if sql.startswith("INSERT") and '"helpdesk_importedrow"' in sql:
            seen["n"] += 1
            if seen["n"] > limit:
                raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    return wrapper


def test_a_crash_mid_file_leaves_a_job_that_says_what_was_saved_and_continues_without_duplicates(client, centre, admin_user, monkeypatch):
    from django.db import connection

    from helpdesk.imports import contacts
    from helpdesk.imports.jobs import contact_import_queue
    from helpdesk.models import ContactImport

    monkeypatch.setattr(contacts, "CHUNK", 2)
    content = (HEADER + with_consent("".join(f"2023-01-0{day},NDG,drop_in,woman,,NDG-{day},Ma {day},,,,,\n" for day in range(1, 6)))).encode()
    with connection.execute_wrapper(_fail_writes_after(1)):  # the first chunk commits, the second fails
        job = contact_import_queue(content=content, filename="legacy.csv", user=admin_user, dry_run=False)
    job.refresh_from_db()
    assert job.status == "failed" and bytes(job.content) == content  # the file is kept to continue
    assert Contact.objects.count() == 2 and job.result["imported"] == 2
    client.force_login(admin_user)
    page = client.get(reverse("helpdesk:import_job", args=[job.pk])).content.decode()
    assert "stopped before the end" in page and "2 rows imported" in page and "Continue the import" in page

    response = client.post(reverse("helpdesk:import_job_continue", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, bytes(job.content)) == ("done", b"")
    assert Contact.objects.count() == 5 and Person.objects.count() == 5  # nothing twice
    assert (job.result["imported"], job.result["already_imported"]) == (5, 0)
    page = client.get(reverse("helpdesk:import_job", args=[job.pk])).content.decode()
    assert "5 rows imported" in page and "Continue the import" not in page
    # A finished job cannot be continued again.
    client.post(reverse("helpdesk:import_job_continue", args=[job.pk]))
    assert ContactImport.objects.get().status == "done" and Contact.objects.count() == 5


def test_a_small_upload_that_crashes_saves_nothing(client, centre, admin_user, monkeypatch):
    from django.db import connection

    from helpdesk.imports import contacts

    monkeypatch.setattr(contacts, "CHUNK", 2)  # the first chunk is written before the second fails
    client.force_login(admin_user)
    client.raise_request_exception = False
    upload = io.BytesIO((HEADER + "2023-01-05,NDG,drop_in,woman,,,,,,,,\n" * 3).encode())
    upload.name = "legacy.csv"
    with connection.execute_wrapper(_fail_writes_after(1)):
        response = client.post(reverse("helpdesk:import_contacts"), {"file": upload})
    assert response.status_code == 500
    assert not Contact.objects.exists() and not ImportedRow.objects.exists()


def test_a_name_ambiguous_alone_is_read_in_the_encoding_the_file_proves(centre):
    """Zawgyi လွလွ is also well-formed Unicode; in a file whose other names are Zawgyi for sure, it is လှလှ."""
    run(
        "2023-01-05,NDG,drop_in,woman,,,မခင္မာ,,,,,\n"  # Zawgyi for sure, as the next two
        "2023-01-05,NDG,drop_in,man,,,ေအာင္ျမင္,,,,,\n"
        "2023-01-05,NDG,drop_in,man,,,ေက်ာ္ေက်ာ္,,,,,\n"
        "2023-01-05,NDG,drop_in,woman,,,လွလွ,,,,,\n"
    )
    assert sorted(Person.objects.values_list("name", flat=True)) == ["ကျော်ကျော်", "မခင်မာ", "လှလှ", "အောင်မြင်"]


def test_a_unicode_file_keeps_names_that_would_read_differently_as_zawgyi(centre):
    run(
        "2023-01-05,NDG,drop_in,woman,,,မကျော်ကျော်,,,,,\n"  # Unicode for sure
        "2023-01-05,NDG,drop_in,woman,,,မြမြ,,,,,\n"
        "2023-01-05,NDG,drop_in,woman,,,မခင္မာ,,,,,\n"  # one Zawgyi name: the file is mixed, each name decides alone
    )
    assert sorted(Person.objects.values_list("name", flat=True)) == ["မကျော်ကျော်", "မခင်မာ", "မြမြ"]


@pytest.mark.parametrize("row_by_row", [False, True])
def test_nrc_and_passport_columns_give_the_person_their_keys(centre, row_by_row):
    header = "date,centre,service,gender,person_ref,name,consent,nrc,passport\n"
    text = (
        "2023-01-05,NDG,drop_in,woman,NDG-1,Ma Hla,yes,၁၂/မရက(နိုင်)၁၂၃၄၅၆,mc 123-456\n"
        "2023-01-06,NDG,drop_in,man,NDG-2,Ko Min,yes,12/Mxyz(N)1,\n"  # kept as typed, no key
    )
    result = import_contacts(content=(header + text).encode(), filename="legacy.csv", row_by_row=row_by_row)
    assert result.errors == [] and result.imported == 2
    hla, min_ = Person.objects.get(card_number="NDG-1"), Person.objects.get(card_number="NDG-2")
    assert (hla.nrc_key, hla.passport_number, hla.passport_key) == ("12/MYK(N)123456", "mc 123-456", "MC123456")
    assert (min_.nrc, min_.nrc_key) == ("12/Mxyz(N)1", "")
