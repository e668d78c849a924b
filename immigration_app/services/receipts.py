"""USCIS receipt numbers: normalised, validated, recorded on a case."""

from __future__ import annotations

import re

# Three letters (the receiving center, or an asylum office's Z-prefix) and 9-10 digits.
# Source: shared DOMAIN.md section 1 (as of 2026); unknown prefixes are accepted.
_RECEIPT = re.compile(r"^[A-Z]{3}\d{9,10}$")


def normalize_receipt_number(value: str) -> str | None:
    """`eac-20-115-55055` -> `EAC2011555055`; None when it cannot be a receipt number."""
    compact = re.sub(r"[\s\-*]", "", value).upper()
    return compact if _RECEIPT.match(compact) else None
