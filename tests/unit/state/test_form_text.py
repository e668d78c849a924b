"""Raw form data becomes text every service can store, on SQLite and PostgreSQL alike."""

from immigration_app.state.forms import form_text


def test_form_values_become_strings_and_lose_nul_characters():
    assert form_text({"name": "Ana\x00 María", "age": 7, "blank": None}) == {
        "name": "Ana María",
        "age": "7",
        "blank": "",
    }
