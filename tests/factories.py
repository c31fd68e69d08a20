"""factory_boy factories for every app's models; tests build data only through these or services."""
import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from helpdesk.choices import Role
from helpdesk.models import Activity, Centre, Contact, Membership, Person, Referral


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-for-tests-1")


class CentreFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Centre
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"C{n:02d}")
    name = factory.Sequence(lambda n: f"Centre {n}")
    partner_organisation = "CTUM"
    township = "North Dagon"
    state_region = "Yangon"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    centre = factory.SubFactory(CentreFactory)
    role = Role.STAFF


def member(role: str = Role.STAFF, centre=None, **user_kwargs):
    """Return a user holding ``role`` at ``centre`` (a new centre when omitted)."""
    membership = MembershipFactory(role=role, centre=centre or CentreFactory(), user=UserFactory(**user_kwargs))
    return membership.user


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    centre = factory.SubFactory(CentreFactory)
    name = factory.Sequence(lambda n: f"Person {n}")
    gender = "woman"
    birth_year = 1995
    phone = factory.Sequence(lambda n: f"+95976{n:07d}")
    consent_record = True  # a registered person has consented to records being kept (helpdesk.consent)


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    centre = factory.SubFactory(CentreFactory)
    person = factory.SubFactory(PersonFactory, centre=factory.SelfAttribute("..centre"))
    service = "drop_in"
    channel = "walk_in"
    gender = factory.LazyAttribute(lambda o: o.person.gender if o.person else "undisclosed")
    date = factory.LazyFunction(timezone.localdate)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    centre = factory.SubFactory(CentreFactory)
    kind = "training"
    format = "training_session"
    title = factory.Sequence(lambda n: f"Safe migration training {n}")
    women_count = 3
    men_count = 2


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral

    centre = factory.SubFactory(CentreFactory)
    person = factory.SubFactory(PersonFactory, centre=factory.SelfAttribute("..centre"))
    target = "social_welfare"


# complaints --------------------------------------------------------------------

def _mmk(value: str):
    from decimal import Decimal

    return Decimal(value)


class ComplaintFactory(factory.django.DjangoModelFactory):
    """A case built directly (for lists and access tests); use complaints.services.complaint_open for intake."""

    class Meta:
        model = "complaints.Complaint"
        skip_postgeneration_save = True

    reference = factory.Sequence(lambda n: f"TST-2026-{n + 1:04d}")
    centre = factory.SubFactory(CentreFactory)
    complainant = factory.SubFactory(PersonFactory, centre=factory.SelfAttribute("..centre"))
    stage = "intake"
    amount_claimed = factory.LazyFunction(lambda: _mmk("1500000.00"))

    @factory.post_generation
    def grievances(self, create, extracted, **kwargs):
        if create:
            from complaints.models import ComplaintGrievance

            for code in extracted or ["overcharged_fees"]:
                ComplaintGrievance.objects.create(complaint=self, grievance=code)


class ReimbursementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "complaints.Reimbursement"

    complaint = factory.SubFactory(ComplaintFactory)
    amount_mmk = factory.LazyFunction(lambda: _mmk("250000.00"))
    kind = "fee_reimbursement"
    payer = "Golden Land Agency"
    date = factory.LazyFunction(timezone.localdate)


# agencies ----------------------------------------------------------------------

class AgencyFactory(factory.django.DjangoModelFactory):
    """A licensed agency valid for two more years; pass status/expiry_date for the other cases."""

    class Meta:
        model = "agencies.Agency"
        django_get_or_create = ("licence_number",)

    licence_number = factory.Sequence(lambda n: f"{n + 500}/2020")
    name_en = factory.Sequence(lambda n: f"Agency Number{n} Overseas Employment Agency Co., Ltd.")
    name_my = ""
    status = "licensed"
    destination_countries = "TH,MY"
    issue_date = factory.LazyFunction(lambda: timezone.localdate() - timezone.timedelta(days=3 * 365))
    expiry_date = factory.LazyFunction(lambda: timezone.localdate() + timezone.timedelta(days=2 * 365))


class AgencyCheckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "agencies.AgencyCheck"

    contact = factory.SubFactory(ContactFactory)
    agency = factory.SubFactory(AgencyFactory)
    query = factory.LazyAttribute(lambda o: o.agency.name_en if o.agency else "Unknown agency")
    status_at_check = factory.LazyAttribute(lambda o: o.agency.effective_status if o.agency else "")
    licensed = factory.LazyAttribute(lambda o: bool(o.agency) and o.agency.effective_status == "licensed")
