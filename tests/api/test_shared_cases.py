"""A case opened at a centre a record is shared with is that centre's case in the API, and still names nobody."""
import pytest

from complaints.services import complaint_open
from helpdesk import transfers
from helpdesk.services import person_create
from tests.api.conftest import bearer
from tests.factories import CentreFactory, member

pytestmark = pytest.mark.django_db

NAME, PHONE, NRC = "Ma Khaing Zinmar", "+959451239876", "12/MaYaKa(N)482913"


def test_each_centres_token_sees_only_its_own_case_of_a_shared_person_without_her_name(api_client, make_token):
    ndg, tcl = CentreFactory(code="NDG", name="CTUM North Dagon"), CentreFactory(code="TCL", name="Mawk Kon Tachileik")
    held = person_create(centre=tcl, name=NAME, phone=PHONE, gender="woman", nrc=NRC, consent_record=True)
    staff = member("staff", ndg, username="thida")
    transfer = transfers.transfer_request(from_centre=tcl, to_centre=ndg, user=staff, nrc=NRC, reason="moved")
    transfers.transfer_accept(transfer=transfer, user=member("manager", tcl, username="zaw"), mode="share")
    here = complaint_open(centre=ndg, complainant=held, opened_by=staff, grievances=["underpaid_wages"])
    there = complaint_open(centre=tcl, complainant=held, opened_by=None, grievances=["overcharged_fees"])

    for centre, own, other in ((ndg, here, there), (tcl, there, here)):
        _token, secret = make_token(centre, case_level=True)
        response = api_client.get("/api/v1/cases", **bearer(secret))
        assert response.status_code == 200
        body = response.content.decode()
        assert [item["reference"] for item in response.json()["items"]] == [own.reference]
        assert other.reference not in body
        for secret_text in (NAME, "Khaing", PHONE, "451239876", NRC, "482913"):
            assert secret_text not in body, secret_text
