import pytest

from iltod.lib.redact import MASK, mask_personal_data


@pytest.mark.parametrize(
    "phone",
    [
        "99112233",
        "9911 2233",
        "9911-2233",
        "9911.2233",
        "+976 88112233",
        "+976-9911-2233",
        "976 99112233",
        "+97699112233",
        "7011 2233",  # landline
    ],
)
def test_mongolian_phone_numbers_are_masked(phone):
    assert mask_personal_data(f"Залга {phone} руу, орой") == f"Залга {MASK} руу, орой"


@pytest.mark.parametrize("phone", ["+7 912 345 67 89", "+1 (415) 555-2671", "+44 20 7946 0958", "+8613812345678"])
def test_international_phone_numbers_written_with_a_plus_are_masked(phone):
    assert mask_personal_data(f"call {phone} please") == f"call {MASK} please"


@pytest.mark.parametrize("email", ["bat.dorj@gmail.com", "bat.dorj+school@mail.example.mn", "НАРАН_1@yahoo.com"])
def test_email_addresses_are_masked(email):
    assert mask_personal_data(f"Миний хаяг {email}.") == f"Миний хаяг {MASK}."


@pytest.mark.parametrize("number", ["УБ99012345", "уб 99012345", "ЧЖ-85010112", "ub99012345", "ӨВ01234567"])
def test_national_registry_numbers_are_masked(number):
    assert mask_personal_data(f"РД: {number}, хүү") == f"РД: {MASK}, хүү"


def test_several_details_in_one_text_are_all_masked():
    text = "Би Дорж, утас 9911 2233, и-мэйл dorj@example.mn, РД УБ99012345. Сургууль 1200 сурагчтай."
    assert mask_personal_data(text) == f"Би Дорж, утас {MASK}, и-мэйл {MASK}, РД {MASK}. Сургууль 1200 сурагчтай."


@pytest.mark.parametrize(
    "text",
    [
        "In 2024 the school had 1200 pupils and 35 teachers.",
        "2023 - 2024 оны хичээлийн жилд",
        "2023-2024 оны хичээлийн жилд",
        "2024.03.15-нд болсон",
        "2024-03-15",
        "Батцэнгэл сумын 1-р сургууль, 84-р сургууль, School No. 5",
        "Төлбөр 12 500 000 төгрөг, бас 1 000 000 000 төгрөг",
        "Хичээл 8:30-17:30 хооронд",
        "Өрөө 101, 25 хүүхэд",
        "Захиалгын дугаар 123456789",
        "1200",
    ],
)
def test_years_dates_counts_amounts_and_school_numbers_are_not_masked(text):
    assert mask_personal_data(text) == text


@pytest.mark.parametrize("text", ["", None])
def test_empty_text_gives_an_empty_string(text):
    assert mask_personal_data(text) == ""
