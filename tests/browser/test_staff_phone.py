"""Staff on a phone (390x844): every control is a 44x44 CSS px tap target, "Use this person" keeps what was typed,
and our Burmese shows rather than Django's own."""
import pytest
from django.utils import timezone

from bots.broadcasts.services import broadcast_create
from helpdesk.models import Contact, Person
from tests.factories import (
    ActivityFactory,
    CentreFactory,
    ComplaintFactory,
    ContactFactory,
    PersonFactory,
    ReferralFactory,
    member,
)

pytestmark = pytest.mark.django_db(transaction=True)

MIN = 44
# What staff tap: buttons, fields, menus, pager links and section headers. Checkboxes and radios count with
# their label, which toggles them too. Links inside sentences and table cells are text, not controls.
MEASURE = """(MIN) => {
  const bad = [];
  const controls = document.querySelectorAll(
    'button, a.button, select, textarea, input:not([type=hidden]), summary, nav a, .pager a');
  for (const el of controls) {
    const style = getComputedStyle(el);
    if (el.closest('[hidden]') || style.display === 'none' || style.visibility === 'hidden') continue;
    if (el.tagName !== 'SUMMARY' && el.closest('details:not([open])')) continue;
    let box = el.getBoundingClientRect();
    if ((el.type === 'checkbox' || el.type === 'radio') && el.labels) {
      for (const label of el.labels) {
        const r = label.getBoundingClientRect();
        if (r.width * r.height > box.width * box.height) box = r;
      }
    }
    if (box.width < MIN || box.height < MIN) {
      const name = (el.innerText || el.name || el.id || el.type || '').trim().slice(0, 40);
      bad.push(`${el.tagName.toLowerCase()} "${name}" ${Math.round(box.width)}x${Math.round(box.height)}`);
    }
  }
  return bad;
}"""


def test_every_control_on_the_main_staff_pages_is_big_enough_to_tap(live_server, login):
    centre = CentreFactory(code="NDG", name="CTUM North Dagon")
    user = member("admin", centre, username="moe")
    user.is_staff = True
    user.save()
    person = PersonFactory(centre=centre, name="Ma Thandar Win", birth_year=1994)
    ContactFactory(centre=centre, person=person)
    activity = ActivityFactory(centre=centre, date=timezone.localdate())
    activity.attendees.add(person)
    ReferralFactory(centre=centre, person=person)
    complaint = ComplaintFactory(centre=centre, complainant=person, assigned_to=user)
    broadcast = broadcast_create(title="Licence check", text_en="Check the licence before you pay.", text_my="လိုင်စင် စစ်ပါ။",
                                 channels=["telegram", "messenger"], centres=[centre], created_by=user)
    page = login("moe")
    blocked = []  # the Content-Security-Policy allows no inline <style> or <script>: a page that had one would lose it
    page.on("console", lambda message: "Content Security Policy" in message.text and blocked.append((page.url, message.text)))
    pages = [
        "/", "/contacts/new/", "/people/", "/people/?q=Thandar", f"/people/{person.pk}/", "/people/new/",
        "/contacts/", "/activities/", "/activities/new/", f"/activities/{activity.pk}/", f"/activities/{activity.pk}/?q=Ma",
        "/referrals/", "/reports/", "/imports/contacts/", "/complaints/", f"/complaints/{complaint.pk}/", "/agencies/",
        "/complaints/reports/outcomes/", "/bots/inbox/", "/agencies/check/?q=Golden+Star", "/outreach/", "/outreach/review/",
        "/bots/broadcasts/", "/bots/broadcasts/new/", f"/bots/broadcasts/{broadcast.pk}/",
    ]
    failures = {}
    for path in pages:
        page.goto(live_server.url + path)
        for details in page.locator("details").all():  # open the sections so their controls are measured too
            details.evaluate("d => d.open = true")
        bad = page.evaluate(MEASURE, MIN)
        if bad:
            failures[path] = bad
    assert failures == {}
    assert blocked == []


def test_use_this_person_keeps_everything_typed(live_server, login):
    centre = CentreFactory(code="NDG", name="CTUM North Dagon")
    member("staff", centre, username="moe")
    existing = PersonFactory(centre=centre, name="Ma Thandar Win", birth_year=1994, gender="woman", consent_share=True)
    page = login("moe")

    page.click("text=Log contact")
    page.fill("#id_p-name", "Ma Thandar  Win")
    page.select_option("#id_p-gender", "woman")
    page.fill("#id_p-birth_year", "၁၉၉၄")
    page.select_option("#id_service", "helpline")
    page.select_option("#id_channel", "viber")
    page.check("text=Recruitment costs")
    page.check("text=Legal advice")
    page.fill("#id_notes", "Agency kept her passport in Mae Sot")
    page.select_option("#id_referral_target", "ngo")
    page.fill("#id_referral_organisation", "Legal Clinic Myanmar")
    page.click("text=Save contact")

    warning = page.locator("[data-testid=duplicates]")
    warning.wait_for()
    box = warning.locator("button:has-text('Use this person')").bounding_box()
    assert box["height"] >= MIN and box["width"] >= MIN
    warning.locator("button:has-text('Use this person')").click()
    page.wait_for_selector(f"input[name=person][value='{existing.pk}']", state="attached")
    assert not Contact.objects.exists()
    assert page.input_value("#id_service") == "helpline" and page.input_value("#id_channel") == "viber"
    assert page.is_checked("text=Recruitment costs") and page.is_checked("text=Legal advice")
    assert page.input_value("#id_notes") == "Agency kept her passport in Mae Sot"
    assert page.input_value("#id_referral_target") == "ngo"
    assert page.input_value("#id_referral_organisation") == "Legal Clinic Myanmar"

    page.click("text=Save contact")
    page.wait_for_selector("text=Contact logged.")
    assert Person.objects.count() == 1
    contact = Contact.objects.get()
    assert (contact.person, contact.service, contact.channel, contact.gender) == (existing, "helpline", "viber", "woman")
    assert sorted(contact.topic_codes) == ["legal_advice", "recruitment_costs"]
    assert existing.referrals.get().organisation == "Legal Clinic Myanmar"


def test_enter_in_a_field_saves_rather_than_picking_a_duplicate(live_server, login):
    centre = CentreFactory(code="NDG")
    member("staff", centre, username="moe")
    PersonFactory(centre=centre, name="Ko Min Min", birth_year=1990)
    page = login("moe")
    page.click("text=Log contact")
    page.fill("#id_p-name", "Ko Min Min")
    page.select_option("#id_p-gender", "man")
    page.fill("#id_p-birth_year", "1990")
    page.check("#id_p-consent_record")
    page.click("text=Save contact")
    page.locator("[data-testid=duplicates]").wait_for()
    page.check("#id_p-confirm_new")
    page.press("#id_referral_organisation", "Enter")
    page.wait_for_selector("text=Contact logged.")
    assert Person.objects.count() == 2


def test_our_burmese_labels_show_not_djangos(live_server, page):
    member("staff", CentreFactory(code="NDG"), username="moe")
    page.context.add_cookies([{"name": "django_language", "value": "my", "url": live_server.url}])
    page.goto(f"{live_server.url}/accounts/login/")
    button = page.locator("button[type=submit]").inner_text()
    assert button.strip() == "ဝင်မည်" and "ဖွင့်ဝင်" not in page.content()
    page.fill("#id_username", "moe")
    page.fill("#id_password", "pw-for-tests-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    assert page.locator("header button.logout").inner_text().strip() == "ထွက်မည်"
    assert "ဖွင့်ထွက်" not in page.content()
    page.goto(f"{live_server.url}/people/")
    assert page.locator("main button[type=submit]").inner_text().strip() == "ရှာမည်"
