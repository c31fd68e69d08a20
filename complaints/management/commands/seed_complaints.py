"""Load demo complaint cases for the six migrant centres created by ``seed_demo``.

Idempotent: a centre that already has cases for its demo people is skipped.
Every case goes through the real services (references, contacts, workflow,
payments), then its timeline is dated back so the demo reads like two years of work.
"""
import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from agencies.models import Agency
from complaints import services
from complaints.choices import Grievance, Stage
from complaints.group import complaint_member_add
from complaints.models import Complaint, TimelineEntry
from complaints.workflow import complaint_move
from helpdesk.demo.centres import MIGRANT_CENTRE_CODES
from helpdesk.models import Centre, Membership, Person
from helpdesk.services import consent_give

EMPLOYERS = ["Thai Union Frozen Products", "CP Foods Samut Sakhon", "Mae Sot garment factory", "Penang electronics plant",
             "Johor palm oil estate", "ရွှေ စက်ရုံ", "Ranong fishing fleet", "Bangkok construction site"]
PAYERS = ["the agency", "the employer", "the broker", "MOLIP settlement"]
STORIES = {
    Grievance.OVERCHARGED_FEES: "Paid the agency far more than the legal fee; no receipt for most of it.",
    Grievance.DECEIVED_ABOUT_JOB: "Promised a factory job; put to work on a fishing boat.",
    Grievance.UNDERPAID_WAGES: "Paid half the wage in the contract for five months.",
    Grievance.UNFAIR_DISMISSAL: "Dismissed after asking for overtime pay; sent home without wages.",
    Grievance.DOCUMENTS_WITHHELD: "Employer keeps the passport and work permit.",
    Grievance.PHYSICAL_ABUSE: "Beaten by the supervisor.",
    Grievance.SEXUAL_ABUSE: "Harassed by the employer's relative.",
    Grievance.TRAFFICKING: "Locked in the dormitory; debt keeps growing.",
    Grievance.OTHER: "Agency closed its office and does not answer the phone.",
}
# Where each demo case ends, and the path that gets it there.
PATHS = {
    Stage.INTAKE: [],
    Stage.ASSESSMENT: [Stage.ASSESSMENT],
    Stage.NEGOTIATION: [Stage.ASSESSMENT, Stage.NEGOTIATION],
    Stage.REFERRED: [Stage.ASSESSMENT, Stage.REFERRED],
    Stage.RESOLVED: [Stage.ASSESSMENT, Stage.NEGOTIATION, Stage.RESOLVED],
    Stage.CLOSED_UNRESOLVED: [Stage.ASSESSMENT, Stage.NEGOTIATION, Stage.CLOSED_UNRESOLVED],
    Stage.WITHDRAWN: [Stage.ASSESSMENT, Stage.WITHDRAWN],
}
ENDINGS = [Stage.INTAKE] * 2 + [Stage.ASSESSMENT] * 2 + [Stage.NEGOTIATION] * 3 + [Stage.REFERRED] * 2 + \
    [Stage.RESOLVED] * 5 + [Stage.CLOSED_UNRESOLVED, Stage.WITHDRAWN]


class Command(BaseCommand):
    help = "Load demo complaint cases with payments for the demo centres (run seed_demo first). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--per-centre", type=int, default=7, help="Cases per migrant centre (default 7).")
        parser.add_argument("--force", action="store_true", help="Allow outside DEBUG.")

    def handle(self, *args, per_centre, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_complaints loads made-up cases; run it with DEBUG=1 or --force.")
        centres = {c.code: c for c in Centre.objects.filter(code__in=MIGRANT_CENTRE_CODES)}
        if len(centres) < len(MIGRANT_CENTRE_CODES):
            raise CommandError("Run `manage.py seed_demo` first: the demo centres are missing.")
        created = 0
        with transaction.atomic():
            for code in MIGRANT_CENTRE_CODES:
                created += self._centre(centres[code], per_centre)
        total = Complaint.objects.count()
        self.stdout.write(self.style.SUCCESS(f"Demo complaints ready: {created} new, {total} in all."))

    def _centre(self, centre: Centre, count: int) -> int:
        people = list(Person.objects.filter(centre=centre, card_number__startswith="DEMO-").order_by("card_number"))
        if not people or Complaint.objects.filter(centre=centre, complainant__in=people).exists():
            return 0
        rng = random.Random(f"complaints-{centre.code}")
        staff = self._staff(centre)
        agencies = list(Agency.objects.order_by("pk")[:30])
        today = timezone.localdate()
        for i in range(count):
            person = people[(i * 7) % len(people)]
            grievances = rng.sample([g for g in Grievance.values if g != Grievance.OTHER], rng.choice([1, 1, 2]))
            opened = today - timedelta(days=rng.randint(20, 700))
            when = timezone.make_aware(datetime.combine(opened, time(9 + i % 7, 15)))
            claimed = Decimal(rng.choice([300_000, 450_000, 800_000, 1_200_000, 1_500_000, 2_500_000, 3_000_000]))
            case = services.complaint_open(
                centre=centre, complainant=person, opened_by=staff, grievances=grievances, opened_at=when,
                channel=rng.choice(["walk_in", "walk_in", "phone", "viber", "telegram"]),
                agency=rng.choice(agencies) if agencies and rng.random() < 0.7 else None,
                employer=rng.choice(EMPLOYERS), destination_country=rng.choice(["TH", "TH", "MY", "SG", "JP"]),
                description=" ".join(STORIES[g] for g in grievances), amount_claimed=claimed,
            )
            if i == 0:  # the first case of each centre is a group: two more workers overcharged by the same agency
                self._group(case, people, staff, when)
            self._date(case.timeline.all(), when)
            self._progress(case, rng.choice(ENDINGS), staff, rng, when, claimed)
        return count

    @staticmethod
    def _group(case, people, staff, when) -> None:
        """Add the next two demo people as members (their claims half the lead's); the payments then are lump sums."""
        others = [p for p in people[1:3] if p.pk != case.complainant_id]
        for person in others:
            complaint_member_add(complaint=case, person=person, by=staff, amount_claimed=case.amount_claimed / 2, joined_at=when)

    @staticmethod
    def _staff(centre: Centre):
        """The centre's demo staff member when seed_demo made one (NDG, TCL), else None: a walk-in taken by a volunteer."""
        membership = Membership.objects.filter(centre=centre, role="staff").select_related("user").order_by("pk").first()
        return membership.user if membership else get_user_model().objects.filter(
            memberships__centre=centre, memberships__role="manager").first()

    def _progress(self, case, ending, staff, rng, when, claimed) -> None:
        day = when
        for stage in PATHS[ending]:
            day += timedelta(days=rng.randint(3, 40))
            if day > timezone.now():
                return
            if stage == Stage.RESOLVED:
                self._payments(case, staff, rng, day, claimed)
            extra = {}
            if stage == Stage.REFERRED:
                extra = {"referred_to": rng.choice(["molip", "destination", "other_org"])}
            if stage == Stage.RESOLVED:
                extra = {"outcome": rng.choice(["reimbursed", "reimbursed", "compensated"])}
            reason = {
                Stage.ASSESSMENT: "Contract and receipts checked with the complainant.",
                Stage.NEGOTIATION: "Agency agreed to meet at the centre.",
                Stage.REFERRED: "Agency does not answer; filed with the mechanism.",
                Stage.RESOLVED: "Settlement paid in full as agreed.",
                Stage.CLOSED_UNRESOLVED: "Agency closed; no way to reach the owner.",
                Stage.WITHDRAWN: "Complainant chose to go back abroad and withdrew.",
            }[stage]
            if stage == Stage.REFERRED and not case.complainant.consent_share:
                # Referring shares the complainant's details: staff ask for that consent first.
                consent_give(person=case.complainant, scopes=["share"], method="in_person", by=staff, on=timezone.localdate(day))
            before = set(case.timeline.values_list("pk", flat=True))
            case = complaint_move(complaint=case, to_stage=stage, by=staff, reason=reason, **extra)
            self._date(case.timeline.exclude(pk__in=before), day)
            Complaint.objects.filter(pk=case.pk, closed_at__isnull=False).update(closed_at=day)
        if case.is_open and rng.random() < 0.6:
            case.next_follow_up = timezone.localdate() + timedelta(days=rng.randint(-10, 20))
            case.save(update_fields=["next_follow_up"])

    def _payments(self, case, staff, rng, day, claimed) -> None:
        first = (claimed * Decimal(rng.choice(["0.4", "0.5", "0.6"]))).quantize(Decimal("1000"))
        before = set(case.timeline.values_list("pk", flat=True))
        services.reimbursement_record(
            complaint=case, recorded_by=staff, kind="fee_reimbursement", payer=rng.choice(PAYERS),
            amount_mmk=first, date=timezone.localdate(day) - timedelta(days=10),
        )
        if rng.random() < 0.6:
            services.reimbursement_record(
                complaint=case, recorded_by=staff, kind="back_wages", payer="the employer", currency="THB",
                original_amount=Decimal(rng.choice([3000, 5000, 8000])), exchange_rate=Decimal("118.35"),
                date=timezone.localdate(day),
            )
        self._date(case.timeline.exclude(pk__in=before), day)

    @staticmethod
    def _date(entries, when) -> None:
        """Date demo timeline entries back to when they happened (demo data only: real entries are never edited)."""
        TimelineEntry.objects.filter(pk__in=[e.pk for e in entries]).update(created_at=when)
