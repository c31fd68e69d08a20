"""Load the demo: the real centres, one login per role, and two years of made-up records.

Idempotent: centres and users are updated in place, and records are only
generated for a centre that has no demo people yet.
"""
import base64
import random
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from helpdesk import services
from helpdesk.accounts import services as account_services
from helpdesk.accounts.selectors import second_factor_required
from helpdesk.choices import ActivityFormat, Channel, ConsentMethod, Gender, MigrationStatus, Role, Topic
from helpdesk.demo.centres import CENTRES, MIGRANT_CENTRE_CODES
from helpdesk.demo.logins import DEMO_PASSWORD
from helpdesk.models import Centre, Membership, Person

DEMO_USERS = [
    ("staff", Role.STAFF, ["NDG"]),
    ("manager", Role.MANAGER, ["NDG"]),
    ("officer", Role.OFFICER, MIGRANT_CENTRE_CODES),
    ("admin", Role.ADMIN, ["NDG"]),
    ("staff_tcl", Role.STAFF, ["TCL"]),
]
WOMEN = ["Ma Hla Hla", "Daw Khin Myo", "Ma Thandar", "Ma Su Su", "Ma Aye Aye", "မခင်မာ", "မသီတာ", "Ma Nwe Ni", "Ma Zin Mar", "ဒေါ်နီနီ"]
MEN = ["Ko Aung Aung", "U Kyaw Win", "Maung Zaw", "Ko Min Htet", "Ko Soe Moe", "မောင်ဇော်", "ကိုအောင်ကျော်", "Ko Thura", "U Tin Oo", "ကိုဝင်းနိုင်"]
REGIONS = ["Yangon", "Bago", "Mon", "Kayin", "Shan", "Magway", "Ayeyarwady", "Tanintharyi", "Mandalay"]


def _upsert(model, lookup: dict, values: dict):
    """Create or update a row, saving (and writing history) only when something differs."""
    obj, created = model.objects.get_or_create(**lookup, defaults=values)
    changed = [k for k, v in values.items() if getattr(obj, k) != v]
    if not created and changed:
        for k in changed:
            setattr(obj, k, values[k])
        obj.save()
    return obj


class Command(BaseCommand):
    help = "Load demo centres, users (one per role) and two years of records. Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument("--people", type=int, default=60, help="People per migrant centre (default 60).")
        parser.add_argument("--force", action="store_true", help="Allow outside DEBUG (creates known passwords!).")

    def handle(self, *args, people, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo creates logins with a published password; run it with DEBUG=1 or --force.")
        with transaction.atomic():
            centres = self._centres()
            users = self._users(centres)
            for code in MIGRANT_CENTRE_CODES:
                self._records(centres[code], users["staff"], people)
            second_factors = self._second_factors(users)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready. Logins (password {DEMO_PASSWORD}):"))
        for username, role, codes in DEMO_USERS:
            self.stdout.write(f"  {username:<10} {role.label:<16} {', '.join(codes)}")
        self.stdout.write("Managers and admins also give a second factor: add the key to an authenticator app")
        self.stdout.write("(Google Authenticator, Aegis, FreeOTP...) or type one of the one-time recovery codes:")
        for username, (key, codes) in second_factors.items():
            self.stdout.write(f"  {username:<10} key {key}  recovery codes {' '.join(codes) or '(all used)'}")

    def _centres(self) -> dict[str, Centre]:
        centres = {}
        for data in CENTRES:
            data = dict(data)
            code = data.pop("code")
            centres[code] = _upsert(Centre, {"code": code}, data)
        return centres

    def _users(self, centres):
        User = get_user_model()
        users = {}
        for username, role, codes in DEMO_USERS:
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.set_password(DEMO_PASSWORD)
                user.is_staff = user.is_superuser = role == Role.ADMIN
                user.save()
            for code in codes:
                _upsert(Membership, {"user": user, "centre": centres[code]}, {"role": role})
            users[username] = user
        return users

    def _second_factors(self, users) -> dict[str, tuple[str, list[str]]]:
        """Enrol the demo logins that must use a second factor; return their keys and unused recovery codes."""
        found = {}
        for username, user in users.items():
            if not second_factor_required(user):
                continue
            device = account_services.totp_device_install(user=user)
            codes = list(StaticToken.objects.filter(device__user=user).values_list("token", flat=True))
            if not StaticDevice.objects.filter(user=user).exists():
                codes = account_services.recovery_codes_issue(user=user)
            found[username] = (base64.b32encode(device.bin_key).decode(), codes)
        return found

    def _records(self, centre: Centre, staff, count: int) -> None:
        if Person.objects.filter(centre=centre, card_number__startswith="DEMO-").exists():
            return
        rng = random.Random(centre.code)
        today = timezone.localdate()
        people = []
        for i in range(count):
            gender = Gender.WOMAN if rng.random() < 0.45 else Gender.MAN
            name = rng.choice(WOMEN if gender == Gender.WOMAN else MEN)
            people.append(services.person_create(
                centre=centre, created_by=staff, card_number=f"DEMO-{centre.code}-{i + 1:04d}",
                name=name if rng.random() > 0.1 else "", gender=gender, birth_year=rng.randint(1970, 2004),
                phone=f"+959{rng.randint(250000000, 799999999)}", origin_region=rng.choice(REGIONS),
                migration_status=rng.choice(MigrationStatus.values), destination_country=rng.choice(["TH", "MY", "SG", "JP", ""]),
                # Everyone registered agreed to records (the rule); most also to sharing for referral.
                consent_record=True, consent_share=rng.random() < 0.7,
                consent_method=rng.choice([ConsentMethod.IN_PERSON, ConsentMethod.IN_PERSON, ConsentMethod.PHONE]),
            ))
        for person in people:
            for _ in range(rng.randint(1, 3)):
                helpline = rng.random() < 0.4
                day = self._day(rng, today)
                services.contact_log(
                    centre=centre, staff=staff, person=person, date=day,
                    service="helpline" if helpline else "drop_in",
                    channel=rng.choice([Channel.PHONE, Channel.VIBER, Channel.MESSENGER]) if helpline else Channel.WALK_IN,
                    topics=rng.sample(Topic.values, rng.randint(1, 3)),
                    # Referred only with consent to share (helpdesk.consent).
                    referral={"target": "social_welfare"} if person.consent_share and rng.random() < 0.05 else None,
                )
        for i in range(8):
            training = i % 2 == 0
            activity = services.activity_create(
                centre=centre, created_by=staff, kind="training" if training else "mobilisation",
                format=ActivityFormat.TRAINING_SESSION if training else rng.choice(
                    [ActivityFormat.MIGRANT_EXCHANGE, ActivityFormat.SUNDAY_DIALOGUE, ActivityFormat.OUTREACH]),
                title=("Safe migration training" if training else "Migrant Exchange dialogue") + f" #{i + 1}",
                date=self._day(rng, today), location=centre.township,
                women_count=rng.randint(0, 30), men_count=rng.randint(0, 30),
            )
            services.activity_set_attendance(activity=activity, attendees=rng.sample(people, 5))

    @staticmethod
    def _day(rng: random.Random, today: date) -> date:
        """A day in 2019-2020 mostly, some in the current quarter so the dashboard shows figures."""
        if rng.random() < 0.15:
            return today - timedelta(days=rng.randint(0, 40))
        return date(2019, 1, 1) + timedelta(days=rng.randint(0, 730))
