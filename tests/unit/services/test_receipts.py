"""Receipt numbers: normalised as staff type them, refused when they cannot be one, and accepted
with a warning when they do not look like one USCIS issues (DOMAIN.md section 1)."""

from __future__ import annotations

import pytest

from immigration_app.services.receipts import normalize_receipt_number, receipt_warning


@pytest.mark.parametrize(
    ("typed", "normalized"),
    [
        ("EAC2011555055", "EAC2011555055"),
        (" eac-20-115-55055 ", "EAC2011555055"),
        ("LIN 15 123 45678", "LIN1512345678"),
        ("IOE0933489493", "IOE0933489493"),
        ("MSC*2190123456", "MSC2190123456"),
        ("ZNY123456789", "ZNY123456789"),  # asylum office, 9 digits
        ("A123456789", None),  # an A-number
        ("EAC20115550", None),  # too short
        ("EAC201155505512", None),  # too long
        ("E4C2011555055", None),
        ("", None),
        ("'; DROP TABLE case_file; --", None),
    ],
)
def test_normalising(typed, normalized):
    assert normalize_receipt_number(typed) == normalized


@pytest.mark.parametrize(
    ("number", "warns"),
    [
        ("EAC2011555055", ""),
        ("WAC2519012345", ""),
        ("LIN2600112345", ""),
        ("SRC2426012345", ""),
        ("MSC2190123456", ""),
        ("NBC2190123456", ""),
        ("YSC2290123456", ""),
        ("IOE0933489493", ""),  # online: no fiscal-year pattern to check
        ("IOE9999999999", ""),
        ("ZNY123456789", "not a prefix"),
        ("ABC2011555055", "not a prefix"),
        ("NSC2011555055", "service center's name"),
        ("EAC201155505", "10 digits"),
        ("EAC2099955055", "workday"),  # workday 999
        ("EAC2000055055", "workday"),  # workday 000
        ("EAC4011555055", "fiscal year still to come"),
        ("EAC9811555055", ""),  # FY 1998
    ],
)
def test_warnings_for_numbers_that_look_unusual(number, warns):
    warning = receipt_warning(number, this_year=2026)
    assert (warns in warning and warning) if warns else warning == ""
