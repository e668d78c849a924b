"""Raw form data becomes text every service can store, on SQLite and PostgreSQL alike."""

from immigration_app.state.cases import chosen_id
from immigration_app.state.forms import form_text


def test_form_values_become_strings_and_lose_nul_characters():
    assert form_text({"name": "Ana\x00 María", "age": 7, "blank": None}) == {
        "name": "Ana María",
        "age": "7",
        "blank": "",
    }


def test_a_chosen_id_is_plain_digits_that_fit_an_integer_column():
    assert chosen_id("42") == 42
    assert chosen_id(42) == 42
    for odd in ("²", "\u0663", "", "-1", "4 2", "9" * 5000, str(2**31), None):
        assert chosen_id(odd) is None, odd
