"""Contact import rows: phones with their country (the optional phone_country column)."""
import pytest

from helpdesk.imports import import_contacts
from helpdesk.models import Person

pytestmark = pytest.mark.django_db
HEADER = "date,centre,service,gender,name,phone,phone_country,consent\n"


def run(text: str):
    return import_contacts(content=(HEADER + text).encode(), filename="legacy.csv")


def test_phone_country_column_decides_numbers_valid_in_both_plans(centre):
    result = run(
        "2023-01-05,NDG,drop_in,woman,Ma Hla,081 234 5678,TH,yes\n"
        "2023-01-05,NDG,drop_in,man,Ko Aung,081 234 5679,Myanmar,yes\n"
        "2023-01-05,NDG,drop_in,woman,Ma Su,06 344 003 22,,yes\n"  # Thai only: no column needed
    )
    assert result.errors == []
    assert dict(Person.objects.values_list("name", "phone")) == {
        "Ma Hla": "+66812345678", "Ko Aung": "+95812345679", "Ma Su": "+66634400322",
    }


def test_without_the_column_an_ambiguous_number_is_a_named_row_problem_and_nothing_of_it_kept(centre):
    result = import_contacts(
        content=b"date,centre,service,gender,name,phone,consent\n2023-01-05,NDG,drop_in,woman,Ma Hla,081 234 5678,yes\n"
                b"2023-01-06,NDG,drop_in,woman,Ma Su,09 767 889 802,yes\n",
        filename="legacy.csv",
    )
    assert len(result.errors) == 1
    number, message = result.errors[0]
    assert number == 2 and "081 234 5678" in message and "phone_country" in message
    assert list(Person.objects.values_list("name", flat=True)) == ["Ma Su"]


def test_a_country_that_does_not_fit_the_number_is_refused(centre):
    result = run("2023-01-05,NDG,drop_in,woman,Ma Hla,09 767 889 802,TH\n2023-01-05,NDG,drop_in,woman,Ma Su,081 234 5678,Laos\n")
    messages = [message for _, message in result.errors]
    assert len(messages) == 2 and "not a valid Thailand number" in messages[0] and "Laos" in messages[1]
    assert not Person.objects.exists()


def test_imported_names_keep_unicode_and_convert_zawgyi(centre):
    result = import_contacts(
        content="date,centre,service,gender,name,consent\n2023-01-05,NDG,drop_in,woman,မြမြ,yes\n2023-01-06,NDG,drop_in,woman,ေဒၚခင္ခင္ဝင္း,ဟုတ္ကဲ့\n".encode(),
        filename="legacy.csv",
    )
    assert result.errors == []
    assert sorted(Person.objects.values_list("name", flat=True)) == ["ဒေါ်ခင်ခင်ဝင်း", "မြမြ"]
