"""USCIS receipt numbers: normalised, validated, and checked for what looks unusual.

Source: shared DOMAIN.md section 1 (as of 2026). A receipt number is 3 letters and 10 digits.
The letters name the intake center; only a handful of prefixes appear on receipts. Asylum
offices' Z-prefixes (and their digit count), and prefixes USCIS may add later, are not known for
certain, so the check is lenient: any 3 letters and 9-10 digits are accepted, and what does not
look like a known receipt gets a warning for staff to look again rather than a refusal.
"""

from __future__ import annotations

import re

from immigration_app.services.numbers import ascii_digits

_RECEIPT = re.compile(r"^[A-Z]{3}\d{9,10}$", re.ASCII)
# Prefixes seen on receipt notices (strict pattern of the third-party OpenAPI spec, DOMAIN.md 1).
KNOWN_PREFIXES = ("EAC", "WAC", "LIN", "SRC", "NBC", "MSC", "IOE", "YSC")
# The processing-center names print on notices but never start a receipt number.
_CENTER_NAMES = ("VSC", "CSC", "NSC", "TSC", "PSC")
# A legacy number's digits 6-8 count the workdays of the fiscal year: about 250 of them. Only the
# four old service centers are checked: National Benefits Center numbers commonly carry 900-series
# digits there (MSC1990012345), and Potomac's pattern is not known.
_WORKDAY_PREFIXES = ("EAC", "WAC", "LIN", "SRC")
_LAST_WORKDAY = 262


def normalize_receipt_number(value: str) -> str | None:
    """`eac-20-115-55055` -> `EAC2011555055`; None when it cannot be a receipt number."""
    compact = re.sub(r"[\s\-*]", "", ascii_digits(value)).upper()
    return compact if _RECEIPT.match(compact) else None


def receipt_warning(number: str, *, this_year: int) -> str:
    """What looks unusual about a normalised receipt number, for staff; "" when nothing does.

    `this_year` is the current calendar year (a legacy number from a later fiscal year than the
    next one cannot have been issued yet).
    """
    prefix, digits = number[:3], number[3:]
    if prefix in _CENTER_NAMES:
        return (
            f"{prefix} is a service center's name, which notices print but receipt numbers do "
            "not start with. Check the letters on the receipt notice."
        )
    if prefix not in KNOWN_PREFIXES:
        return (
            f"{prefix} is not a prefix USCIS is known to use on receipts "
            f"({', '.join(KNOWN_PREFIXES)}); asylum offices use Z-prefixes. Check it."
        )
    if len(digits) != 10:
        return f"Receipt numbers starting with {prefix} have 10 digits; this one has {len(digits)}."
    if prefix == "IOE":
        return ""  # online filings do not follow the fiscal-year pattern
    fiscal_year, workday = int(digits[:2]), int(digits[2:5])
    if prefix in _WORKDAY_PREFIXES and not 1 <= workday <= _LAST_WORKDAY:
        return (
            f"Digits 6-8 ({digits[2:5]}) should be a workday of the fiscal year (001-"
            f"{_LAST_WORKDAY}). Check the number."
        )
    # Two-digit fiscal years: from the 1990s to next year's (FY starts on October 1).
    if (this_year + 1) % 100 < fiscal_year < 90:
        return f"Digits 4-5 ({digits[:2]}) would be a fiscal year still to come. Check the number."
    return ""
