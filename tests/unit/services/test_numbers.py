"""Numbers typed as text: ids and pages from browsers, identifiers in any script's digits."""

import pytest

from immigration_app.services.errors import InvalidInput
from immigration_app.services.numbers import MAX_ID, digits_only, whole_number
from immigration_app.services.people import normalize_a_number, normalize_ssn
from immigration_app.services.receipts import normalize_receipt_number
from immigration_app.services.two_step_codes import looks_like_authenticator_code

# Where each script's digit zero is; its nine others follow it.
ARABIC_INDIC, PERSIAN, DEVANAGARI, FULL_WIDTH = 0x0660, 0x06F0, 0x0966, 0xFF10
SUPERSCRIPT_TWO = "\u00b2"  # str.isdigit() says yes, int() refuses it


def written_in(zero: int, text: str) -> str:
    """`text` with its ASCII digits written in another script's digits."""
    return "".join(chr(zero + int(c)) if c in "0123456789" else c for c in text)


@pytest.mark.parametrize(("raw", "number"), [("0", 0), ("42", 42), (str(MAX_ID), MAX_ID), (7, 7)])
def test_whole_numbers_are_read(raw, number):
    assert whole_number(raw) == number


@pytest.mark.parametrize(
    "raw",
    ["", "-1", "1.5", " 3", SUPERSCRIPT_TWO, written_in(ARABIC_INDIC, "3"), "1" * 10_000,
     str(MAX_ID + 1), None, "0x10"],
)  # fmt: skip
def test_anything_else_is_no_number(raw):
    assert whole_number(raw) is None


@pytest.mark.parametrize("zero", [ord("0"), ARABIC_INDIC, PERSIAN, DEVANAGARI, FULL_WIDTH])
def test_an_a_number_typed_in_another_scripts_digits_is_the_same_number(zero):
    assert normalize_a_number(written_in(zero, "A012345678")) == "012345678"


def test_other_identifiers_take_any_scripts_digits_and_nothing_digit_like():
    assert normalize_ssn(written_in(FULL_WIDTH, "123-45-6789")) == "123456789"
    assert normalize_receipt_number(written_in(ARABIC_INDIC, "eac-20-115-55055")) == (
        "EAC2011555055"
    )
    assert looks_like_authenticator_code(written_in(PERSIAN, "123 456"))
    assert not looks_like_authenticator_code(SUPERSCRIPT_TWO * 6)
    assert normalize_receipt_number("EAC" + SUPERSCRIPT_TWO * 10) is None
    with pytest.raises(InvalidInput):
        normalize_a_number("A" + SUPERSCRIPT_TWO * 9)
    assert digits_only(written_in(DEVANAGARI, "A-012 345 678 ") + SUPERSCRIPT_TWO) == "012345678"
