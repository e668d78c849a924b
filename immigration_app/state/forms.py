"""What a browser form submits, as text: the one place that reads raw form data."""

from __future__ import annotations


def form_text(form_data: dict) -> dict[str, str]:
    """Every submitted field as a string. A control that sent nothing (None) reads as "".

    NUL characters are dropped: no person types one, and PostgreSQL refuses them in text.
    """
    return {
        str(name): "" if value is None else str(value).replace("\x00", "")
        for name, value in form_data.items()
    }
