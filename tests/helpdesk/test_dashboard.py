"""The dashboard's panels: each role sees what to do next, counts only what it may open, and each link lists exactly that."""
from __future__ import annotations

import html
import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from bots.models import Attention, CallbackRequest, Conversation
from bots.services.staff import conversation_resolve
from complaints.models import Complaint, TimelineEntry
from complaints.services import complaint_reassign
from complaints.workflow import complaint_move
from helpdesk.dashboard import quarter_so_far
from tests.factories import CentreFactory, ComplaintFactory, ContactFactory, PersonFactory, ReimbursementFactory, member

pytestmark = pytest.mark.django_db

REFERENCE = re.compile(r"TST-2026-\d{4}")


def dashboard(client) -> str:
    response = client.get(reverse("helpdesk:dashboard"))
    assert response.status_code == 200
    return response.content.decode()


def count(page: str, key: str) -> int:
    match = re.search(rf'data-testid="count-{re.escape(key)}">(\d+)<', page)
    assert match, f"no item {key} on the dashboard"
    return int(match.group(1))


def link(page: str, key: str) -> str:
    match = re.search(rf'data-testid="item-{re.escape(key)}"><a href="([^"]+)"', page)
    assert match, f"item {key} has no link"
    return html.unescape(match.group(1))


def listed_references(client, url: str) -> set[str]:
    response = client.get(url)
    assert response.status_code == 200
    body = response.content.decode()
    rows = body.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return set(REFERENCE.findall(rows))


def listed_conversations(client, url: str) -> set[int]:
    response = client.get(url)
    assert response.status_code == 200
    return {int(pk) for pk in re.findall(r'href="/bots/inbox/(\d+)/"', response.content.decode())}


def make_old(case: Complaint, days: int = 40) -> None:
    Complaint.objects.filter(pk=case.pk).update(updated_at=timezone.now() - timedelta(days=days))


@pytest.fixture
def staff_setup(centre, other_centre, staff):
    today = timezone.localdate()
    colleague = member("staff", centre, username="colleague")
    cases = {
        "due_today": ComplaintFactory(centre=centre, assigned_to=staff, next_follow_up=today),
        "overdue": ComplaintFactory(centre=centre, assigned_to=staff, next_follow_up=today - timedelta(days=3)),
        "later": ComplaintFactory(centre=centre, assigned_to=staff, next_follow_up=today + timedelta(days=3)),
        "sensitive_mine": ComplaintFactory(centre=centre, assigned_to=staff, sensitive=True, next_follow_up=today),
        "colleagues": ComplaintFactory(centre=centre, assigned_to=colleague, next_follow_up=today),
        "hidden_sensitive": ComplaintFactory(centre=centre, assigned_to=None, sensitive=True),
        "other_centre": ComplaintFactory(centre=other_centre, assigned_to=staff, next_follow_up=today),
        "closed": ComplaintFactory(centre=centre, assigned_to=staff, next_follow_up=today, stage="withdrawn"),
    }
    return cases


def test_staff_sees_their_follow_ups_due_and_the_link_lists_exactly_them(client, staff, staff_setup):
    client.force_login(staff)
    page = dashboard(client)
    assert count(page, "my_due") == 3  # today, overdue, and the sensitive case assigned to them
    assert count(page, "my_overdue") == 1
    assert count(page, "my_open") == 4
    expected = {staff_setup[k].reference for k in ("due_today", "overdue", "sensitive_mine")}
    assert listed_references(client, link(page, "my_due")) == expected
    assert listed_references(client, link(page, "my_overdue")) == {staff_setup["overdue"].reference}
    assert len(listed_references(client, link(page, "my_open"))) == 4


def test_staff_counts_follow_state_changes(client, staff, staff_setup):
    client.force_login(staff)
    colleague = staff_setup["colleagues"].assigned_to
    complaint_reassign(complaint=staff_setup["due_today"], by=staff, assigned_to=colleague)
    complaint_move(complaint=staff_setup["overdue"], to_stage="withdrawn", by=staff, reason="The migrant withdrew.")
    page = dashboard(client)
    assert count(page, "my_due") == 1
    assert count(page, "my_overdue") == 0
    assert count(page, "my_open") == 2
    assert listed_references(client, link(page, "my_due")) == {staff_setup["sensitive_mine"].reference}


def test_staff_see_no_team_panel_and_no_officer_figures(client, staff, staff_setup):
    client.force_login(staff)
    page = dashboard(client)
    assert 'data-testid="panel-team"' not in page
    assert 'data-testid="panel-complaints_quarter"' not in page
    assert 'data-testid="panel-my_cases"' in page


@pytest.fixture
def conversations(centre, other_centre, staff):
    def chat(uid, **kwargs):
        kwargs.setdefault("centre", centre)
        return Conversation.objects.create(channel="telegram", external_user_id=uid, **kwargs)

    waiting = chat("1", attention=Attention.HANDOVER, attention_since=timezone.now())
    hidden = chat("2", attention=Attention.HANDOVER, sensitive=True)
    elsewhere = chat("3", attention=Attention.HANDOVER, centre=other_centre)
    called = chat("4", attention=Attention.CALLBACK)
    CallbackRequest.objects.create(conversation=called, centre=centre, phone="09420000001")
    CallbackRequest.objects.create(conversation=hidden, centre=centre, phone="09420000002")
    CallbackRequest.objects.create(conversation=elsewhere, centre=other_centre, phone="09420000003")
    done = chat("5")
    CallbackRequest.objects.create(conversation=done, centre=centre, phone="09420000004", done_at=timezone.now())
    return {"waiting": waiting, "hidden": hidden, "elsewhere": elsewhere, "called": called, "done": done}


def test_staff_see_conversations_and_call_backs_waiting_of_their_centre_only(client, staff, conversations):
    client.force_login(staff)
    page = dashboard(client)
    assert count(page, "waiting_person") == 1
    assert count(page, "waiting_callback") == 1
    assert listed_conversations(client, link(page, "waiting_person")) == {conversations["waiting"].pk}
    assert listed_conversations(client, link(page, "waiting_callback")) == {conversations["called"].pk}


def test_a_handled_conversation_leaves_the_dashboard(client, staff, conversations):
    client.force_login(staff)
    conversation_resolve(conversation=conversations["waiting"], staff=staff)
    conversation_resolve(conversation=conversations["called"], staff=staff)
    page = dashboard(client)
    assert count(page, "waiting_person") == 0
    assert count(page, "waiting_callback") == 0
    assert listed_conversations(client, link(page, "waiting_callback")) == set()


def test_managers_see_hidden_sensitive_conversations_of_their_centre(client, manager, conversations):
    client.force_login(manager)
    page = dashboard(client)
    assert count(page, "waiting_person") == 2
    assert count(page, "waiting_callback") == 2


@pytest.fixture
def team(centre, other_centre, staff):
    colleague = member("staff", centre, username="colleague", first_name="Aye", last_name="Aye")
    cases = {
        "unassigned": ComplaintFactory(centre=centre, assigned_to=None, stage="assessment"),
        "sensitive_intake": ComplaintFactory(centre=centre, assigned_to=None, sensitive=True),
        "sensitive_later": ComplaintFactory(centre=centre, assigned_to=staff, sensitive=True, stage="assessment"),
        "stale": ComplaintFactory(centre=centre, assigned_to=staff, stage="negotiation"),
        "stale_but_noted": ComplaintFactory(centre=centre, assigned_to=colleague, stage="negotiation"),
        "stale_closed": ComplaintFactory(centre=centre, assigned_to=staff, stage="withdrawn"),
        "other_centre": ComplaintFactory(centre=other_centre, assigned_to=None),
    }
    for key in ("stale", "stale_but_noted", "stale_closed", "sensitive_later"):
        make_old(cases[key])
    TimelineEntry.objects.create(complaint=cases["stale_but_noted"], kind="note", text="Called the agency.")
    return {"colleague": colleague, **cases}


def test_managers_see_unassigned_sensitive_intakes_stale_cases_and_load(client, manager, staff, team):
    client.force_login(manager)
    page = dashboard(client)
    assert count(page, "unassigned") == 2
    assert count(page, "sensitive_intake") == 1
    assert count(page, "stale") == 2  # the noted case moved; the closed one does not count
    assert count(page, f"load-{staff.pk}") == 2
    assert count(page, f"load-{team['colleague'].pk}") == 1
    assert "Aye Aye" in page
    assert listed_references(client, link(page, "unassigned")) == {team["unassigned"].reference, team["sensitive_intake"].reference}
    assert listed_references(client, link(page, "sensitive_intake")) == {team["sensitive_intake"].reference}
    assert listed_references(client, link(page, "stale")) == {team["stale"].reference, team["sensitive_later"].reference}
    assert listed_references(client, link(page, f"load-{staff.pk}")) == {team["stale"].reference, team["sensitive_later"].reference}


def test_manager_counts_follow_assignment_and_moves(client, manager, staff, team):
    client.force_login(manager)
    complaint_reassign(complaint=team["unassigned"], by=manager, assigned_to=staff)
    complaint_move(complaint=team["stale"], to_stage="withdrawn", by=manager, reason="Withdrawn by phone.")
    page = dashboard(client)
    assert count(page, "unassigned") == 1
    assert count(page, "stale") == 1
    assert count(page, f"load-{staff.pk}") == 2  # gained the unassigned one, lost the closed one


def test_staff_counts_never_include_hidden_sensitive_or_other_centres(client, staff, team):
    client.force_login(staff)
    page = dashboard(client)
    assert count(page, "my_open") == 2  # stale + sensitive_later (assigned to them)
    assert 'data-testid="panel-team"' not in page


@pytest.fixture
def quarter_data(centre, other_centre):
    period = quarter_so_far()
    person = PersonFactory(centre=centre)
    ContactFactory(centre=centre, person=person, date=period.start)
    ContactFactory(centre=centre, person=person, date=period.end)
    ContactFactory(centre=centre, person=None, date=period.end)
    ContactFactory(centre=centre, person=person, date=period.last_start)
    ContactFactory(centre=other_centre, person=None, date=period.end)
    ContactFactory(centre=centre, person=None, date=period.last_end + timedelta(days=1))  # after last year's same days
    this_case = ComplaintFactory(centre=centre, complainant=person)
    ReimbursementFactory(complaint=this_case, amount_mmk=Decimal("250000.00"), date=period.end)
    old_case = ComplaintFactory(centre=centre, complainant=person)
    Complaint.objects.filter(pk=old_case.pk).update(opened_at=timezone.now().replace(year=period.last_end.year) - timedelta(days=1))
    ReimbursementFactory(complaint=old_case, amount_mmk=Decimal("100000.00"), date=period.last_start)
    return period


def test_officers_see_the_quarter_so_far_against_last_year_without_names(client, officer, quarter_data, centre):
    client.force_login(officer)
    page = dashboard(client)
    assert 'data-testid="panel-people_served"' in page
    served = page.split('data-testid="panel-people_served"', 1)[1].split("</section>", 1)[0]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", served)
    assert cells[:4] == ["3", "1", "1", "1"]  # contacts this year, last year; people this year, last year
    assert 'data-testid="panel-complaints_quarter"' in page
    lodged = page.split('data-testid="panel-complaints_quarter"', 1)[1].split("</section>", 1)[0]
    assert "250,000" in lodged and "100,000" in lodged
    for panel in ("my_cases", "team", "waiting"):
        assert f'data-testid="panel-{panel}"' not in page
    links = re.findall(r'href="([^"]+)"', served + lodged)
    assert links and all(link.startswith((reverse("helpdesk:reports"), reverse("complaints:outcomes"))) for link in links)
    assert f"centres={centre.pk}" in links[0]
    assert "TCL" not in served  # the other centre is out of their scope
    assert client.get(html.unescape(links[0])).status_code == 200


def test_officers_see_no_names(client, officer, quarter_data, centre):
    ComplaintFactory(centre=centre, assigned_to=member("staff", centre, username="namedstaff", first_name="Zaw"))
    client.force_login(officer)
    page = dashboard(client)
    assert "Zaw" not in page and "namedstaff" not in page
    assert f'href="{reverse("complaints:list")}?' not in page and f'href="{reverse("bots:inbox")}' not in page


def _plenty(centre, other_centre, staff, manager, round_: int = 0):
    today = timezone.localdate()
    for i in range(6):
        colleague = member("staff", centre, username=f"c{round_}-{i}")
        for j in range(3):
            ComplaintFactory(centre=centre, assigned_to=colleague if j else staff, next_follow_up=today - timedelta(days=j),
                             sensitive=bool(j == 2))
            ComplaintFactory(centre=other_centre, assigned_to=None)
        chat = Conversation.objects.create(channel="telegram", external_user_id=f"p{round_}-{i}", centre=centre, attention=Attention.HANDOVER)
        CallbackRequest.objects.create(conversation=chat, centre=centre, phone=f"094200{round_}{i:04d}")
        ContactFactory(centre=centre, date=today)


@pytest.mark.parametrize("role", ["staff", "manager", "officer"])
def test_each_roles_dashboard_runs_a_fixed_number_of_queries(client, role, centre, other_centre, staff, manager, officer,
                                                             django_assert_max_num_queries):
    user = {"staff": staff, "manager": manager, "officer": officer}[role]
    client.force_login(user)
    _plenty(centre, other_centre, staff, manager)
    dashboard(client)  # warm the session and the per-request caches
    with django_assert_max_num_queries(40) as first:
        dashboard(client)
    _plenty(centre, other_centre, staff, manager, round_=1)
    with django_assert_max_num_queries(len(first.captured_queries)):
        dashboard(client)


def test_an_admin_sees_every_panel(client, centre):
    CentreFactory(code="MDY")
    client.force_login(member("admin", centre, username="root"))
    page = dashboard(client)
    for panel in ("my_cases", "team", "waiting", "people_served", "complaints_quarter"):
        assert f'data-testid="panel-{panel}"' in page


def test_a_call_back_done_leaves_the_count_and_the_list(client, staff, conversations):
    client.force_login(staff)
    CallbackRequest.objects.filter(conversation=conversations["called"]).update(done_at=timezone.now(), done_by=staff)
    page = dashboard(client)
    assert count(page, "waiting_callback") == 0
    assert count(page, "waiting_person") == 1  # the hand-over is still waiting


def test_a_note_on_a_stale_case_takes_it_off_the_stale_list(client, manager, team):
    from complaints.services import complaint_add_note

    client.force_login(manager)
    complaint_add_note(complaint=team["stale"], by=manager, text="Phoned the agency again.")
    page = dashboard(client)
    assert count(page, "stale") == 1
    assert listed_references(client, link(page, "stale")) == {team["sensitive_later"].reference}


def test_the_case_list_keeps_the_dashboard_filters_when_searching(client, staff, staff_setup):
    client.force_login(staff)
    response = client.post(f"{reverse('complaints:list')}?mine=1&due=1", {"q": "", "mine": "on", "due": "on"}, follow=True)
    body = response.content.decode().split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    expected = {staff_setup[k].reference for k in ("due_today", "overdue", "sensitive_mine")}
    assert set(REFERENCE.findall(body)) == expected


def test_a_manager_who_is_staff_elsewhere_counts_what_the_link_lists(client, centre, other_centre):
    from helpdesk.models import Membership

    boss = member("manager", centre, username="boss")
    Membership.objects.create(user=boss, centre=other_centre, role="staff")
    mine = ComplaintFactory(centre=centre, assigned_to=None)
    there = ComplaintFactory(centre=other_centre, assigned_to=None)
    ComplaintFactory(centre=other_centre, assigned_to=None, sensitive=True)  # hidden from a staff member there
    client.force_login(boss)
    page = dashboard(client)
    assert count(page, "unassigned") == 2
    assert listed_references(client, link(page, "unassigned")) == {mine.reference, there.reference}
