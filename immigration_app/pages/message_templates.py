"""/admin/messages: edit the wording of reminders and client messages (English and Spanish)."""

from __future__ import annotations

import reflex as rx

from immigration_app.components.fields import text_area, text_field
from immigration_app.components.shell import staff_page
from immigration_app.services.messages import TemplateView
from immigration_app.state.templates import TemplatesState as State


def _editor(template: TemplateView) -> rx.Component:
    return rx.form(
        rx.vstack(
            text_field("Subject", "subject", errors=State.errors, default_value=template.subject),
            text_area("Body", "body", errors=State.errors, rows=10, default_value=template.body),
            rx.text("You can use: ", template.placeholders, size="2", color_scheme="gray"),
            rx.hstack(
                rx.button("Save template", type="submit"),
                rx.button("Cancel", type="button", variant="soft", on_click=State.cancel),
                spacing="3",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=State.save,
        key=State.version,
        width="100%",
    )


def _template(template: TemplateView) -> rx.Component:
    which = template.key + "/" + template.language
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(template.description, size="3", as_="h2"),
                rx.badge(template.language),
                rx.badge(template.audience, variant="soft"),
                rx.cond(template.edited, rx.badge("edited", color_scheme="amber")),
                align="center",
                wrap="wrap",
            ),
            rx.cond(
                State.editing == which,
                _editor(template),
                rx.vstack(
                    rx.text(template.subject, weight="medium"),
                    rx.text(template.body, white_space="pre-wrap", size="2"),
                    rx.hstack(
                        rx.button(
                            "Edit",
                            size="1",
                            variant="soft",
                            on_click=State.edit(which),
                            aria_label="Edit " + template.key + " (" + template.language + ")",
                        ),
                        rx.cond(
                            template.edited,
                            rx.button(
                                "Back to default",
                                size="1",
                                variant="soft",
                                color_scheme="gray",
                                on_click=State.restore_default(which),
                            ),
                        ),
                        spacing="3",
                    ),
                    spacing="2",
                    width="100%",
                ),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


@staff_page(route="/admin/messages", title="Message templates", on_load=State.load)
def message_templates() -> rx.Component:
    return rx.vstack(
        rx.heading("Message templates", size="7", as_="h1"),
        rx.text(
            "The words of every reminder and client message. Placeholders in braces, like "
            "{client_name}, are filled in when a message is sent.",
            color_scheme="gray",
        ),
        rx.foreach(State.templates, _template),
        spacing="4",
        width="100%",
    )
