"""Issue 16.1: outreach entered on a phone with no network, reloaded offline, sent once when the network returns."""
import pytest

from helpdesk.models import Activity, Contact, Person
from helpdesk.outreach.models import OutreachEntry
from tests.factories import CentreFactory, PersonFactory, member

pytestmark = pytest.mark.django_db(transaction=True)


def wait_until(page, expression: str, seconds: float = 15):
    """Poll from the test (wait_for_function evaluates a string in the page, which the CSP forbids)."""
    for _ in range(int(seconds * 10)):
        if page.evaluate(expression):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"still false after {seconds} s: {expression}")


def open_outreach(page, live_server):
    page.goto(f"{live_server.url}/outreach/")
    page.wait_for_selector("body[data-ready='1']")
    # The worker controls the page and the page's files are in its cache: it can now open without network.
    wait_until(page, "navigator.serviceWorker.controller !== null")
    wait_until(page, "caches.match('/outreach/').then(Boolean)")


def unsent(page) -> str:
    return page.locator("#unsent").get_attribute("data-count")


def enter_offline(page, known_name: str):
    page.select_option("#activity-form [name=activity_kind]", "mobilisation")
    page.select_option("#activity-form [name=format]", "popup")
    page.fill("#activity-form [name=title]", "Pop-up at Htee Khee crossing")
    page.fill("#activity-form [name=location]", "Htee Khee")
    page.fill("#activity-form [name=women]", "၁၂")  # Burmese digits, as typed on a Burmese keyboard
    page.fill("#activity-form [name=men]", "9")
    page.fill("#activity-form [name=undisclosed]", "2")
    page.click("#activity-form button")
    page.wait_for_selector("#unsent[data-count='1']")

    form = "#attendee-form"
    page.select_option(f"{form} [name=activity]", index=1)
    page.check(f"{form} input[name=who][value=new]")
    page.fill(f"{form} [name=name]", "Ma Thida")
    page.select_option(f"{form} [name=gender]", "woman")
    page.fill(f"{form} [name=birth_year]", "1997")
    page.fill(f"{form} [name=phone]", "09 767 889 833")
    page.check(f"{form} [name=consent_record]")
    page.click(f"{form} button")
    page.wait_for_selector("#unsent[data-count='2']")

    page.select_option(f"{form} [name=activity]", index=1)
    page.check(f"{form} input[name=who][value=list]")
    page.fill(f"{form} [data-person-search]", known_name[:3])
    page.select_option(f"{form} [data-person-list]", index=0)
    page.click(f"{form} button")
    page.wait_for_selector("#unsent[data-count='3']")

    form = "#contact-form"
    page.check(f"{form} input[name=who][value=anonymous]")
    page.select_option(f"{form} [name=anon_gender]", "man")
    page.check(f"{form} input[name=topics][value=safe_migration]")
    page.fill(f"{form} [name=notes]", "Asked how to get a pink card")
    page.click(f"{form} button")
    page.wait_for_selector("#unsent[data-count='4']")


def test_outreach_entered_offline_is_sent_once_when_the_network_returns(live_server, login):
    centre = CentreFactory(code="MWD", name="Samaritans' Purse Myawaddy")
    member("staff", centre, username="nilar")
    known = PersonFactory(centre=centre, name="Ko Aung Min", birth_year=1990)
    page = login("nilar")
    open_outreach(page, live_server)

    page.context.set_offline(True)
    enter_offline(page, known.name)
    assert not Activity.objects.exists() and not Contact.objects.exists()

    page.reload()  # no network: the page comes from the service worker, the entries from IndexedDB
    page.wait_for_selector("body[data-ready='1']")
    assert unsent(page) == "4"
    # Truly offline, service worker included: the server cannot be reached, so the page came from the cache.
    assert page.evaluate("fetch('/outreach/bootstrap/').then(() => 'reached', () => 'offline')") == "offline"
    assert page.locator("#entries li[data-state=pending]").count() == 4
    assert not OutreachEntry.objects.exists()

    page.context.set_offline(False)  # the "online" event sends everything
    page.wait_for_selector("#unsent[data-count='0']")
    assert page.locator("#entries li[data-state=sent]").count() == 4

    activity = Activity.objects.get()
    assert (activity.title, activity.women_count, activity.men_count, activity.undisclosed_count) == (
        "Pop-up at Htee Khee crossing", 12, 9, 2)
    new = Person.objects.get(name="Ma Thida")
    assert new.phone == "+959767889833" and new.consent_record
    assert set(activity.attendees.all()) == {known, new}
    contact = Contact.objects.get()
    assert (contact.person, contact.gender, contact.channel, contact.topic_codes) == (None, "man", "outreach", ["safe_migration"])
    assert Person.objects.count() == 2 and OutreachEntry.objects.count() == 4

    page.click("#send")  # nothing left to send: nothing new on the server
    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    assert Activity.objects.count() == 1 and Contact.objects.count() == 1 and activity.attendees.count() == 2


def test_replaying_the_same_sync_twice_records_nothing_twice(live_server, login):
    centre = CentreFactory(code="KTG", name="FED Kawthaung")
    member("staff", centre, username="sandar")
    known = PersonFactory(centre=centre, name="Ko Aung Min")
    page = login("sandar")
    open_outreach(page, live_server)
    page.context.set_offline(True)
    enter_offline(page, known.name)
    page.context.set_offline(False)
    page.wait_for_selector("#unsent[data-count='0']")

    # The same batch, as the phone sent it, twice more (an answer lost on a flaky connection, then a retry).
    answers = page.evaluate("""async () => {
        const key = localStorage.getItem("outreach-user");
        const db = await new Promise((ok) => { const r = indexedDB.open("outreach-" + key); r.onsuccess = () => ok(r.result); });
        const get = (name, key) => new Promise((ok) => { const s = db.transaction(name).objectStore(name);
            const r = key ? s.get(key) : s.getAll(); r.onsuccess = () => ok(r.result); });
        const entries = await get("entries"), aes = await get("meta", "key");  // the page's key, usable but not readable
        entries.sort((a, b) => a.created - b.created);
        const payloads = await Promise.all(entries.map(async (e) => JSON.parse(new TextDecoder().decode(
            await crypto.subtle.decrypt({name: "AES-GCM", iv: e.iv}, aes, e.box))).payload));
        const batch = JSON.stringify({entries: payloads});
        const boot = await (await fetch("/outreach/bootstrap/")).json();
        const send = async () => (await (await fetch("/outreach/sync/", {method: "POST", body: batch,
            headers: {"Content-Type": "application/json", "X-CSRFToken": boot.csrf}})).json()).results;
        return [await send(), await send()];
    }""")
    assert answers[0] == answers[1]
    assert [a["status"] for a in answers[0]] == ["applied"] * 4
    assert Activity.objects.count() == 1 and Contact.objects.count() == 1 and Person.objects.count() == 2
    assert Activity.objects.get().attendees.count() == 2 and OutreachEntry.objects.count() == 4


def test_logging_out_clears_the_phone_and_another_login_sees_nothing(live_server, login):
    centre = CentreFactory(code="LKW", name="Loikaw")
    member("staff", centre, username="first")
    member("staff", centre, username="second")
    known = PersonFactory(centre=centre, name="Ko Aung Min")
    page = login("first")
    open_outreach(page, live_server)
    page.context.set_offline(True)
    enter_offline(page, known.name)
    page.context.set_offline(False)
    page.wait_for_selector("#unsent[data-count='0']")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#logout button")
    page.wait_for_url("**/accounts/login/**")
    names = page.evaluate("indexedDB.databases().then((list) => list.map((d) => d.name))")
    assert not [n for n in names if n.startswith("outreach-")]
    assert page.evaluate("caches.keys()") == []

    login("second")
    open_outreach(page, live_server)
    assert unsent(page) == "0" and page.locator("#entries li").count() == 0


def test_an_entry_the_server_refuses_shows_which_field_is_wrong(live_server, login):
    centre = CentreFactory(code="TPP", name="Three Pagodas Pass pop-up")
    member("staff", centre, username="hla")
    page = login("hla")
    open_outreach(page, live_server)
    page.context.set_offline(True)
    form = "#contact-form"
    page.check(f"{form} input[name=who][value=new]")
    page.fill(f"{form} [name=name]", "Ko Tun")
    page.select_option(f"{form} [name=gender]", "man")
    page.fill(f"{form} [name=phone]", "12")  # not a phone number anywhere
    page.check(f"{form} [name=consent_record]")
    page.click(f"{form} button")
    page.wait_for_selector("#unsent[data-count='1']")
    page.context.set_offline(False)
    error = page.wait_for_selector("#entries li[data-state=error] li[data-field='new_person.phone']")
    assert error.inner_text().startswith("Phone: ")
    assert unsent(page) == "1" and not Person.objects.exists() and not Contact.objects.exists()


# Everything in every outreach database the page can open, ArrayBuffers read as text (a name in clear would show)
# and CryptoKeys as "CRYPTOKEY".
DUMP = """async () => {
    const out = {};
    for (const {name} of await indexedDB.databases()) {
        if (!name.startsWith("outreach-")) continue;
        const db = await new Promise((ok) => { const r = indexedDB.open(name); r.onsuccess = () => ok(r.result); });
        out[name] = {};
        for (const store of db.objectStoreNames) {
            const rows = await new Promise((ok) => { const s = db.transaction(store).objectStore(store); const r = s.getAll();
                const k = s.getAllKeys(); r.onsuccess = () => k.onsuccess = () => ok(k.result.map((key, i) => [key, r.result[i]])); });
            out[name][store] = JSON.stringify(rows, (k, v) => v instanceof CryptoKey ? "CRYPTOKEY"
                : v instanceof ArrayBuffer || ArrayBuffer.isView(v) ? new TextDecoder().decode(v) : v);
        }
        db.close();
    }
    return out;
}"""


def enter_one_offline(page, name: str):
    page.context.set_offline(True)
    form = "#contact-form"
    page.check(f"{form} input[name=who][value=new]")
    page.fill(f"{form} [name=name]", name)
    page.select_option(f"{form} [name=gender]", "woman")
    page.fill(f"{form} [name=birth_year]", "1997")
    page.check(f"{form} [name=consent_record]")
    page.click(f"{form} button")
    page.wait_for_selector("#unsent[data-count='1']")


def test_another_login_on_the_phone_cannot_read_the_first_ones_entries_and_they_are_sent_later(live_server, login):
    """The first login's session ended without a logout: the next login's first page locks what it left."""
    centre = CentreFactory(code="HTK", name="Htee Khee pop-up")
    member("staff", centre, username="first")
    member("staff", centre, username="second")
    known = PersonFactory(centre=centre, name="Ko Aung Min")
    page = login("first")
    open_outreach(page, live_server)
    page.context.set_offline(True)
    enter_offline(page, known.name)
    first_db = page.evaluate("'outreach-' + localStorage.getItem('outreach-user')")
    dump = page.evaluate(DUMP)[first_db]
    assert "CRYPTOKEY" in dump["meta"] and "Ma Thida" not in dump["entries"] and "Htee Khee" not in dump["entries"]

    page.context.clear_cookies()  # the session ended (idle, 8 hours), nobody logged out
    page.context.set_offline(False)
    page.goto(f"{live_server.url}/accounts/login/")
    login("second")
    wait_until(page, f"indexedDB.databases().then((list) => list.some((d) => d.name === '{first_db}'))")
    open_outreach(page, live_server)
    assert page.locator("#waiting").inner_text().startswith("4 entries of another login are waiting")
    assert unsent(page) == "0" and page.locator("#entries li").count() == 0
    dump = page.evaluate(DUMP)
    kept = dump[first_db]
    assert "CRYPTOKEY" not in kept["meta"] and '"waiting",4' in kept["meta"].replace(" ", "")
    assert "Ko Aung" not in str(kept)  # the first login's list went (the second's own list has the centre's people)
    assert "Ma Thida" not in str(dump) and "crossing" not in str(dump), dump
    assert not OutreachEntry.objects.exists()

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    login("first")  # signing in needs the network
    page.context.set_offline(True)  # without network the page has no key yet: it says so
    page.goto(f"{live_server.url}/outreach/")
    page.wait_for_selector("body[data-ready='1']")
    assert page.locator("#notice").inner_text().startswith("4 entries are locked on this phone")
    page.context.set_offline(False)  # with network the page gets the key again and sends the waiting entries
    page.goto(f"{live_server.url}/outreach/")
    page.wait_for_selector("#unsent[data-count='0']")
    page.wait_for_selector("#entries li[data-state=sent] >> nth=3")
    assert OutreachEntry.objects.count() == 4 and Person.objects.filter(name="Ma Thida").count() == 1
    assert Activity.objects.get().attendees.count() == 2 and Contact.objects.count() == 1
    page.click("#send")
    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    assert OutreachEntry.objects.count() == 4 and Person.objects.filter(name="Ma Thida").count() == 1


def test_logging_out_with_unsent_entries_keeps_them_locked_until_the_next_login(live_server, login):
    centre = CentreFactory(code="MSE", name="Mae Sot")
    member("staff", centre, username="mya")
    page = login("mya")
    open_outreach(page, live_server)
    page.route("**/outreach/sync/", lambda route: route.abort())  # the network is too weak to send
    enter_one_offline(page, "Ma Ei Phyu")
    page.context.set_offline(False)
    messages = []
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.accept()))
    page.click("#logout button")
    page.wait_for_url("**/accounts/login/**")
    assert "stay on this phone, locked" in messages[0]
    dump = page.evaluate(DUMP)
    assert len(dump) == 1 and "Ma Ei Phyu" not in str(dump) and "CRYPTOKEY" not in str(dump)
    assert page.evaluate("caches.keys()") == [] and page.evaluate("localStorage.getItem('outreach-user')") is None
    assert not Person.objects.filter(name="Ma Ei Phyu").exists()

    page.unroute("**/outreach/sync/")
    login("mya")
    page.goto(f"{live_server.url}/outreach/")
    page.wait_for_selector("#entries li[data-state=sent]")
    assert Person.objects.filter(name="Ma Ei Phyu").count() == 1 and Contact.objects.count() == 1


def test_logging_out_from_any_page_clears_the_outreach_data(live_server, login):
    centre = CentreFactory(code="TKL", name="Mawk Kon Tachileik")
    member("staff", centre, username="mya")
    PersonFactory(centre=centre, name="Ko Aung Min")
    page = login("mya")
    open_outreach(page, live_server)
    page.goto(f"{live_server.url}/people/")
    page.click("header button.logout")
    page.wait_for_url("**/accounts/login/**")
    wait_until(page, "indexedDB.databases().then((list) => !list.some((d) => d.name.startsWith('outreach-')))")
    wait_until(page, "caches.keys().then((keys) => keys.length === 0)")
    assert page.evaluate("localStorage.getItem('outreach-user')") is None


def test_a_long_week_of_entries_goes_in_several_requests(live_server, login):
    centre = CentreFactory(code="KWT", name="FED Kawthaung")
    member("staff", centre, username="zaw")
    page = login("zaw")
    open_outreach(page, live_server)
    page.context.set_offline(True)
    # 230 drop-ins put straight into the phone's database, as the form would (faster than typing them).
    page.evaluate("""async (centre) => {
        const db = await new Promise((ok) => { const r = indexedDB.open("outreach-" + localStorage.getItem("outreach-user")); r.onsuccess = () => ok(r.result); });
        const store = db.transaction("entries", "readwrite").objectStore("entries");
        for (let i = 0; i < 230; i++) {
            const id = crypto.randomUUID();
            store.put({id, kind: "contact", created: Date.now() + i, state: "pending",
                       payload: {id, kind: "contact", centre, gender: "woman", topics: ["jobs"], date: ""}});
        }
        await new Promise((ok) => { store.transaction.oncomplete = ok; });
    }""", centre.pk)
    page.context.set_offline(False)
    page.click("#send")
    page.wait_for_selector("#unsent[data-count='0']", timeout=60000)
    assert Contact.objects.count() == 230 and OutreachEntry.objects.count() == 230
