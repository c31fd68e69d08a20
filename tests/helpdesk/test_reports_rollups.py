"""The report rollups: the table read from them equals the table computed from the raw rows, whatever the history.

A property test (hypothesis) plays random histories through the services the
pages, imports and admin use: contacts logged late or on time, corrected and
deleted, activities with head counts and attendees, people changing gender,
personal data erased, legacy imports, workers joining and leaving group complaints, and rollup rebuilds at random moments;
after each history every table (by quarter and by year, all centres, one,
two, a partner, a channel, aligned and unaligned ranges) is compared with the
raw computation and with ``rebuild_rollups --check``.
"""
import os
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from helpdesk import services
from helpdesk.erasure import person_erase
from helpdesk.imports import import_contacts
from helpdesk.models import Activity, Contact, ErasureRequest, Person
from helpdesk.reports import rollups
from helpdesk.reports.rollup_models import RollupCount, RollupQuarter
from helpdesk.reports.table import BY_QUARTER, BY_YEAR, ReportFilter, _unique_persons, beneficiary_table, report_periods
from tests.factories import CentreFactory, UserFactory

pytestmark = pytest.mark.django_db

FIRST, LAST = date(2025, 1, 1), date(2026, 11, 30)  # today is in 2026 Q4, the open quarter
DAYS = (LAST - FIRST).days
GENDERS = ["woman", "man", "other", "undisclosed"]
SERVICES = ["drop_in", "helpline", "complaint"]
CHANNELS = ["walk_in", "phone", "viber"]

days = st.integers(0, DAYS).map(lambda n: FIRST + timedelta(days=n))
centre_ix = st.integers(0, 2)
person_ix = st.integers(0, 5)
gender = st.sampled_from(GENDERS)

operations = st.one_of(
    st.tuples(st.just("log"), centre_ix, st.none() | person_ix, days, st.sampled_from(SERVICES), st.sampled_from(CHANNELS), gender),
    st.tuples(st.just("move"), st.integers(0, 50), days, centre_ix, st.none() | person_ix, st.sampled_from(CHANNELS)),
    st.tuples(st.just("delete"), st.integers(0, 50)),
    st.tuples(st.just("activity"), centre_ix, days, st.sampled_from(["training", "mobilisation"]), st.integers(0, 3),
              st.integers(0, 3), st.lists(person_ix, max_size=3)),
    st.tuples(st.just("redate_activity"), st.integers(0, 20), days, st.integers(0, 4)),
    st.tuples(st.just("attend"), st.integers(0, 20), person_ix, st.booleans()),
    st.tuples(st.just("delete_activity"), st.integers(0, 20)),
    st.tuples(st.just("regender"), person_ix, gender),
    st.tuples(st.just("erase"), person_ix),
    st.tuples(st.just("import"), centre_ix, days, st.integers(0, 5), st.booleans()),
    st.tuples(st.just("join"), person_ix, days),  # a group complaint: its lead, then members joining (complaints)
    st.tuples(st.just("leave"), st.integers(0, 20)),
    st.tuples(st.just("rebuild"),),
)


def _world():
    centres = [CentreFactory(code=f"R{i}", partner_organisation="CTUM" if i < 2 else "MAP") for i in range(3)]
    people = [
        services.person_create(centre=centres[i % 3], gender=GENDERS[i % 4], name=f"P{i}", card_number=f"R{i % 3}-{i}", consent_record=True)
        for i in range(6)
    ]
    return centres, people


def _play(op, centres, people) -> None:
    kind, *args = op
    contacts = list(Contact.objects.order_by("pk"))
    activities = list(Activity.objects.order_by("pk"))
    if kind == "log":
        centre, person, day, service, channel, gender_ = args
        person = people[person] if person is not None else None
        services.contact_log(centre=person.centre if person else centres[centre], staff=None, service=service,
                             channel=channel, person=person, date=day, gender=gender_)
    elif kind == "move" and contacts:
        index, day, centre, person, channel = args
        fields = {"date": day, "centre": centres[centre], "channel": channel}
        if person is not None:
            fields["person"] = people[person]
        services.contact_update(contact=contacts[index % len(contacts)], **fields)
    elif kind == "delete" and contacts:
        services.contact_delete(contact=contacts[args[0] % len(contacts)])
    elif kind == "activity":
        centre, day, activity_kind, women, men, attendees = args
        centre = centres[centre]
        services.activity_create(
            centre=centre, kind=activity_kind, format="outreach", title="Session", date=day, women_count=women, men_count=men,
            attendees=[people[i] for i in dict.fromkeys(attendees) if people[i].centre_id == centre.pk],
        )
    elif kind == "redate_activity" and activities:
        index, day, others = args
        services.activity_update(activity=activities[index % len(activities)], date=day, other_count=others)
    elif kind == "attend" and activities:
        index, person, add = args
        activity, person = activities[index % len(activities)], people[person]
        if person.centre_id != activity.centre_id:
            return
        if add:
            services.activity_add_attendee(activity=activity, person=person)
        else:
            services.activity_remove_attendee(activity=activity, person=person)
    elif kind == "delete_activity" and activities:
        services.activity_delete(activity=activities[args[0] % len(activities)])
    elif kind == "regender":
        person = Person.objects.get(pk=people[args[0]].pk)
        if person.erased_at:  # an erased person's details cannot be entered again
            with pytest.raises(ValidationError):
                services.person_update(person=person, gender=args[1])
            return
        services.person_update(person=person, gender=args[1])
    elif kind == "erase":  # the real erasure (once): personal fields blanked, gender and records kept
        person = Person.objects.get(pk=people[args[0]].pk)
        if not person.erased_at:
            erasure = ErasureRequest.objects.create(person=person, centre_id=person.centre_id, reason="asked",
                                                    requested_by=UserFactory(username="erasure-requester"))
            person_erase(person=person, erasure=erasure, user=None)
    elif kind == "import":
        centre, day, count, row_by_row = args
        code = centres[centre].code
        card = next((p.card_number for p in Person.objects.filter(centre=centres[centre]) if p.card_number), "")
        text = (
            "date,centre,service,gender,count,person_ref,activity\n"
            f"{day},{code},helpline,woman,{count or ''},,\n"
            f"{day},{code},drop_in,man,,{card},\n"
            f"{day},{code},training,other,{count or ''},,Imported session\n"
            f"{day},{code},training,man,,{card},Imported session\n"
        )
        result = import_contacts(content=text.encode(), filename=f"legacy-{day}-{count}.csv", row_by_row=row_by_row)
        assert result.errors == [], result.errors
    elif kind == "join":  # the first at a centre opens a case; later ones join it, each with their complaint contact
        from complaints.group import complaint_member_add
        from complaints.models import Complaint
        from complaints.services import complaint_open

        person, day = Person.objects.get(pk=people[args[0]].pk), args[1]
        moment = datetime.combine(day, time(10), tzinfo=ZoneInfo("Asia/Yangon"))
        case = Complaint.objects.filter(centre_id=person.centre_id).first()
        try:
            if case is None:
                complaint_open(centre=person.centre, complainant=person, opened_by=None, grievances=["overcharged_fees"], opened_at=moment)
            else:
                complaint_member_add(complaint=case, person=person, by=None, joined_at=moment)
        except ValidationError:  # an erased person, or one already covered: refused, nothing written
            pass
    elif kind == "leave":
        from complaints.group import complaint_member_remove
        from complaints.models import ComplaintMember

        members = list(ComplaintMember.objects.filter(role="member").order_by("pk"))
        if members:
            complaint_member_remove(member=members[args[0] % len(members)], by=None, reason="joined by mistake")
    elif kind == "rebuild":
        rollups.rebuild()


def _flat(table):
    return (
        [(row.key, row.cells) for row in table.rows],
        table.unique_persons.cells, table.total_unique_persons, table.unidentified.cells,
    )


def _filters(centres):
    one, two = (centres[0].pk,), (centres[0].pk, centres[2].pk)
    for start, end in [(FIRST, date(2026, 9, 30)), (FIRST, date(2026, 12, 31)), (date(2025, 2, 10), date(2026, 8, 20)),
                       (date(2025, 4, 1), date(2025, 12, 31))]:
        for by in (BY_QUARTER, BY_YEAR):
            yield ReportFilter(start=start, end=end, by=by)
            yield ReportFilter(start=start, end=end, by=by, centre_ids=one)
        yield ReportFilter(start=start, end=end, by=BY_QUARTER, centre_ids=two)
        yield ReportFilter(start=start, end=end, by=BY_QUARTER, partner="CTUM")
        yield ReportFilter(start=start, end=end, by=BY_QUARTER, channel="phone")


def _assert_rollups_equal_raw(centres):
    assert all(n == 0 for n in rollups.check().values()), rollups.check()
    for report in _filters(centres):
        raw = beneficiary_table(report, rollups=False)
        assert _flat(beneficiary_table(report)) == _flat(raw), report
        # the raw bitmask agrees with the (period, person) pairs it replaced
        periods = report_periods(report.start, report.end, report.by)
        cells, total = _unique_persons(report, periods)
        assert (tuple(cells), total) == (raw.unique_persons.cells, raw.total_unique_persons), report


@settings(
    max_examples=int(os.environ.get("ROLLUP_EXAMPLES", 25)), deadline=None, print_blob=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # each history takes a second: no minutes-long shrinking
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(before=st.lists(operations, max_size=12), after=st.lists(operations, min_size=1, max_size=15))
@example(  # one person's two phone contacts in a quarter are one unique person under a channel filter
    before=[("erase", 0), ("log", 1, 2, date(2025, 4, 11), "drop_in", "phone", "man")],
    after=[("erase", 0), ("log", 1, 2, date(2025, 4, 11), "drop_in", "phone", "man")],
)
@example(  # a group complaint: a member joins in a closed quarter, leaves after the rebuild, joins again today's quarter
    before=[("join", 0, date(2025, 5, 1)), ("join", 3, date(2025, 6, 1))],
    after=[("leave", 0), ("join", 3, date(2026, 11, 2)), ("erase", 3)],
)
def test_rollups_give_the_same_table_as_the_raw_rows_whatever_the_history(before, after):
    with transaction.atomic():
        centres, people = _world()
        for op in before:
            _play(op, centres, people)
        rollups.rebuild()
        for op in after:  # late entries, corrections, imports, erasures kept exact by the writes themselves
            _play(op, centres, people)
        _assert_rollups_equal_raw(centres)
        transaction.set_rollback(True)


def test_late_entry_changes_the_closed_quarter_at_once(centre):
    person = services.person_create(centre=centre, gender="woman", consent_record=True)
    services.contact_log(centre=centre, staff=None, service="drop_in", channel="walk_in", person=person, date=date(2025, 2, 1))
    assert rollups.rebuild()[-1] == rollups.quarter_of(date(2026, 9, 30))
    report = ReportFilter(start=date(2025, 1, 1), end=date(2025, 12, 31), by=BY_QUARTER)
    assert beneficiary_table(report).row("drop_in").cells[0].woman == 1

    services.contact_log(centre=centre, staff=None, service="drop_in", channel="phone", person=None, gender="man",
                         date=date(2025, 3, 3))  # a late entry for a closed quarter
    table = beneficiary_table(report)
    assert (table.row("drop_in").cells[0].woman, table.row("drop_in").cells[0].man) == (1, 1)
    assert table.unidentified.cells[0].man == 1 and table.total_unique_persons.woman == 1
    assert RollupCount.objects.filter(quarter=rollups.quarter_of(date(2025, 3, 3)), gender="man").get().reached == 1


def test_check_command_fails_on_a_difference_and_rebuild_repairs_it(centre, capsys):
    services.contact_log(centre=centre, staff=None, service="helpline", channel="phone", gender="woman", date=date(2025, 5, 5))
    call_command("rebuild_rollups")
    call_command("rebuild_rollups", "--check")
    assert "match the raw rows" in capsys.readouterr().out
    Contact.objects.update(gender="man")  # a write that bypassed the services
    with pytest.raises(CommandError, match="differ from the raw rows"):
        call_command("rebuild_rollups", "--check")
    call_command("rebuild_rollups")
    call_command("rebuild_rollups", "--check")


def test_logging_in_the_open_quarter_runs_no_rollup_query(centre, django_assert_num_queries):
    RollupQuarter.objects.create(quarter=rollups.quarter_of(date(2025, 1, 1)))
    with django_assert_num_queries(0):
        rollups.refresh(touched=[(date(2026, 11, 30), centre.pk, None)])


def test_admin_edits_and_deletions_keep_the_rollups_exact(client, centre):
    from django.urls import reverse

    from tests.factories import UserFactory

    person = services.person_create(centre=centre, gender="woman", consent_record=True)
    contact = services.contact_log(centre=centre, staff=None, service="drop_in", channel="walk_in", person=person,
                                   date=date(2025, 2, 1))
    rollups.rebuild()
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    response = client.post(reverse("admin:helpdesk_contact_delete", args=[contact.pk]), {"post": "yes"})
    assert response.status_code == 302 and not Contact.objects.exists()
    assert all(n == 0 for n in rollups.check().values())
    report = ReportFilter(start=date(2025, 1, 1), end=date(2025, 12, 31), by=BY_QUARTER)
    assert beneficiary_table(report).total_unique_persons.total == 0


def test_a_person_seen_twice_in_a_quarter_is_one_unique_person_under_a_channel_filter(centre):
    person = services.person_create(centre=centre, gender="other", consent_record=True)
    for day in (date(2025, 4, 11), date(2025, 5, 2)):
        services.contact_log(centre=centre, staff=None, service="drop_in", channel="phone", person=person, date=day)
    report = ReportFilter(start=date(2025, 1, 1), end=date(2025, 12, 31), by=BY_QUARTER, channel="phone")
    periods = report_periods(report.start, report.end, report.by)
    cells, total = _unique_persons(report, periods)  # the pairs path of reports over 62 periods
    assert [cell.other for cell in cells] == [0, 1, 0, 0] and total.other == 1
    assert beneficiary_table(report).unique_persons.cells[1].other == 1


def test_a_report_listing_every_centre_is_the_national_report_read_from_the_rollups():
    """An API token or officer lists its centres one by one; over all of them the table is the national one."""
    centres = [CentreFactory() for _ in range(3)]
    for i, centre in enumerate(centres):
        person = services.person_create(centre=centre, gender="woman", consent_record=True)
        services.contact_log(centre=centre, staff=None, service="drop_in", channel="walk_in", person=person, date=date(2025, 2, 1 + i))
    rollups.rebuild()
    Person.objects.update(gender="man")  # a write behind the services' back: only the raw rows see it
    span = {"start": date(2025, 1, 1), "end": date(2025, 12, 31), "by": BY_QUARTER}
    every = ReportFilter(**span, centre_ids=tuple(c.pk for c in reversed(centres)))

    table = beneficiary_table(every)
    assert table.total_unique_persons.woman == 3 and table.total_unique_persons.man == 0  # from the rollups
    assert table.filter == every  # the page still shows what was asked
    assert table.rows == beneficiary_table(ReportFilter(**span)).rows
    two = beneficiary_table(ReportFilter(**span, centre_ids=(centres[0].pk, centres[1].pk)))
    assert two.total_unique_persons.man == 2  # two of three centres: read from the raw rows
