"""The demo cases: realistic, spread over the six centres, with payments, and safe to load twice."""
import io

import pytest
from django.core.management import CommandError, call_command

from complaints.models import Complaint, Reimbursement
from helpdesk.demo.centres import MIGRANT_CENTRE_CODES

pytestmark = pytest.mark.django_db


def test_seed_complaints_needs_seed_demo_first():
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("seed_complaints", "--force")


def test_seed_complaints_is_idempotent_and_covers_every_centre(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--people", "8", stdout=io.StringIO())
    call_command("seed_complaints", stdout=io.StringIO())
    count, payments = Complaint.objects.count(), Reimbursement.objects.count()
    assert count == 7 * len(MIGRANT_CENTRE_CODES)
    assert set(Complaint.objects.values_list("centre__code", flat=True)) == set(MIGRANT_CENTRE_CODES)
    assert payments > 0 and Complaint.objects.filter(stage="resolved").exists() and Complaint.objects.open().exists()
    for case in Complaint.objects.filter(stage="resolved", outcome__in=["reimbursed", "compensated"]):
        assert case.reimbursements.exists(), case.reference
    groups = Complaint.objects.filter(members__isnull=False).distinct()
    assert groups.count() == len(MIGRANT_CENTRE_CODES)  # one group case per centre, each worker with a complaint contact
    assert all(m.contact_id for case in groups for m in case.members.all())
    call_command("seed_complaints", stdout=io.StringIO())
    assert (Complaint.objects.count(), Reimbursement.objects.count()) == (count, payments)


def test_seed_complaints_refuses_outside_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_complaints")
