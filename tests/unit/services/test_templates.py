"""The catalog's message templates, filling them in, and checking a firm's edits."""

from __future__ import annotations

import re

import pytest

from immigration_app.catalog.message_templates import (
    LANGUAGES,
    message_templates,
    placeholder_meanings,
)
from immigration_app.services.errors import InvalidInput
from immigration_app.services.templates import check_template, render, template_text

TEMPLATES = list(message_templates().values())
# Each placeholder's sample value is unmistakable, so a leftover or a loss shows in the output.
SAMPLE = {name: f"<{name.upper()}>" for name in placeholder_meanings()}


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda template: template.key)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_template_fills_every_declared_placeholder_and_nothing_else(template, language):
    subject, body = render(*template_text(template.key, language), SAMPLE)
    rendered = subject + "\n" + body
    assert "{" not in rendered and "}" not in rendered
    used = set(re.findall(r"<([A-Z_]+)>", rendered))
    assert used == {name.upper() for name in template.placeholders}


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda template: template.key)
@pytest.mark.parametrize("language", LANGUAGES)
def test_every_catalog_text_passes_the_check_an_admin_edit_must_pass(template, language):
    check_template(template.key, *template_text(template.key, language))


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda template: template.key)
def test_each_template_has_its_own_english_and_spanish(template):
    assert template.audience in {"staff", "client", "uscis"}
    assert template.description
    assert template.placeholder_meanings.keys() == set(template.placeholders)
    if template.audience == "client":
        assert template.es.body != template.en.body
        assert template.es.body.startswith("Hola, {client_name}:")


def test_client_messages_say_how_to_reach_the_firm():
    for template in TEMPLATES:
        if template.audience == "client":
            for language in LANGUAGES:
                assert "{firm_name}" in template.text(language).body, template.key


def test_the_appointment_reminder_asks_for_the_notice_and_photo_id():
    template = message_templates()["client_appointment_reminder"]
    assert "bring your appointment notice and a photo ID" in template.en.body
    assert "traiga su aviso de cita y una identificación con foto" in template.es.body


def test_spanish_accents_survive_rendering():
    values = {"client_name": "María Pérez", "receipt_number": "IOE0912345678"}
    _, body = render(*template_text("client_no_update", "es"), values)
    assert body.startswith("Hola, María Pérez:")
    assert "Número de recibo: IOE0912345678" in body


def test_a_missing_value_is_left_blank_and_an_empty_label_line_is_left_out():
    subject, body = render(
        "Your appointment {appointment_date}",
        "Hello {client_name},\n\nDate: {appointment_date}\nTime: {appointment_time}\n\n"
        "{next_step}\n\n\nCall {firm_phone}.",
        {"client_name": "Ana", "appointment_date": "March 3"},
    )
    assert subject == "Your appointment March 3"
    assert body == "Hello Ana,\n\nDate: March 3\n\nCall ."


def test_doubled_braces_show_one_brace_and_a_value_is_never_read_into():
    subject, body = render(
        "{{not a placeholder}}", "{client_name.__class__} {client_name}", {"client_name": "Ana"}
    )
    assert subject == "{not a placeholder}"
    assert body == "Ana"  # the unknown field is blank, never str's attributes


def test_an_unknown_placeholder_is_refused_naming_what_can_be_used():
    with pytest.raises(InvalidInput) as refused:
        check_template("client_portal_link", "Your link {link}", "Hello {client_name}")
    assert refused.value.fields == {
        "subject": "Unknown placeholder {link}. You can use: {client_name}, {portal_url}, "
        "{expires_on}, {firm_name}, {firm_phone}."
    }


def test_a_placeholder_of_another_template_is_unknown_here():
    with pytest.raises(InvalidInput) as refused:
        check_template("client_portal_link", "Hi", "Due {due_date}, {days_left} days")
    assert refused.value.fields["body"].startswith("Unknown placeholders {due_date}, {days_left}.")


@pytest.mark.parametrize(
    "body", ["Hello {client_name", "Hello client_name}", "Prices {in} dollars", "{ client_name }"]
)
def test_a_stray_brace_or_malformed_placeholder_is_refused(body):
    with pytest.raises(InvalidInput) as refused:
        check_template("client_portal_link", "Your link", body)
    assert set(refused.value.fields) == {"body"}


def test_a_lone_brace_is_explained_with_where_it_is():
    with pytest.raises(InvalidInput) as refused:
        check_template("client_portal_link", "Your link", "Open {portal_url before Friday")
    message = refused.value.fields["body"]
    assert message.startswith('There is a "{" without its "}" (near "Open {portal_url before')
    assert "write it twice: {{" in message


def test_an_empty_subject_or_body_is_refused():
    with pytest.raises(InvalidInput) as refused:
        check_template("client_portal_link", "  ", "\n")
    assert refused.value.fields == {"subject": "Write a subject.", "body": "Write the message."}


def test_doubled_braces_are_accepted():
    check_template("client_portal_link", "Your link", "Use {{this}} exactly: {portal_url}")


def test_the_firms_wording_is_used_when_it_has_one():
    overrides = {("client_portal_link", "es"): ("Su enlace", "Hola {client_name}")}
    assert template_text("client_portal_link", "es", overrides) == (
        "Su enlace",
        "Hola {client_name}",
    )
    english = message_templates()["client_portal_link"].en
    assert template_text("client_portal_link", "en", overrides) == (english.subject, english.body)


@pytest.mark.parametrize("language", ["fr", "", "EN"])
def test_a_language_the_catalog_lacks_falls_back_to_english(language):
    english = message_templates()["client_no_update"].en
    assert template_text("client_no_update", language) == (english.subject, english.body)


def test_a_regional_spanish_uses_the_spanish_text():
    spanish = message_templates()["client_no_update"].es
    assert template_text("client_no_update", "es-MX") == (spanish.subject, spanish.body)


def test_an_unknown_template_key_is_refused():
    with pytest.raises(KeyError):
        template_text("no_such_template", "en")
    with pytest.raises(InvalidInput):
        check_template("no_such_template", "Hi", "Hello")
