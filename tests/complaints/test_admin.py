"""The admin shows cases but cannot bypass the workflow or rewrite money."""
import pytest
from django.urls import reverse

from tests.factories import ComplaintFactory, ReimbursementFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_admin_lists_cases_and_shows_money_read_only(superuser_client, centre):
    case = ComplaintFactory(centre=centre, reference="NDG-2026-0009")
    payment = ReimbursementFactory(complaint=case)
    assert b"NDG-2026-0009" in superuser_client.get(reverse("admin:complaints_complaint_changelist")).content
    page = superuser_client.get(reverse("admin:complaints_complaint_change", args=[case.pk])).content.decode()
    assert 'name="stage"' not in page and 'name="amount_claimed"' not in page
    assert superuser_client.get(reverse("admin:complaints_complaint_add")).status_code == 403
    response = superuser_client.post(reverse("admin:complaints_reimbursement_change", args=[payment.pk]), {"amount_mmk": "1"})
    assert response.status_code == 403
    payment.refresh_from_db()
    assert payment.amount_mmk == 250000


def test_complaint_admin_stores_zawgyi_as_unicode(superuser_client, centre):
    from django.contrib import admin

    from complaints.admin import ComplaintAdmin
    from complaints.models import Complaint

    case = ComplaintFactory(centre=centre, reference="NDG-2026-0010", employer="Golden")
    assert b"NDG-2026-0010" in superuser_client.get(reverse("admin:complaints_complaint_changelist"), {"q": "Golden"}).content
    form_class = ComplaintAdmin(Complaint, admin.site).get_form(None, case)
    data = {name: getattr(case, name) for name in form_class.base_fields if hasattr(case, name)}
    data.update(employer="ေရႊျမန္မာ")
    form = form_class(data=data, instance=case)
    form.is_valid()
    assert form.cleaned_data["employer"] == "ရွှေမြန်မာ"
