"""A staff member opens the dashboard and follows 'follow-ups due' to the case list filtered the same way."""
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import CentreFactory, ComplaintFactory, member

pytestmark = pytest.mark.django_db(transaction=True)


def test_staff_follow_the_follow_ups_due_item_to_the_filtered_list(live_server, login):
    centre = CentreFactory(code="NDG", name="CTUM North Dagon")
    moe = member("staff", centre, username="moe")
    today = timezone.localdate()
    due = ComplaintFactory(centre=centre, assigned_to=moe, next_follow_up=today - timedelta(days=1))
    later = ComplaintFactory(centre=centre, assigned_to=moe, next_follow_up=today + timedelta(days=5))
    hidden = ComplaintFactory(centre=centre, assigned_to=None, sensitive=True, next_follow_up=today)
    page = login("moe")
    item = page.locator("[data-testid=item-my_due]")
    assert item.locator("[data-testid=count-my_due]").inner_text() == "1"
    item.locator("a").click()
    page.wait_for_url("**/complaints/?**")
    rows = page.locator("table.responsive tbody tr")
    assert rows.count() == 1
    assert due.reference in rows.first.inner_text()
    body = page.content()
    assert later.reference not in body and hidden.reference not in body
    assert page.locator("#id_due").is_checked() and page.locator("#id_mine").is_checked()
