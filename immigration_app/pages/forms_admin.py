"""/admin/forms: the blank USCIS forms the firm's cases are filled on, edition by edition."""

from __future__ import annotations

import reflex as rx

from immigration_app.components.fields import LABEL_STYLE
from immigration_app.components.shell import staff_page
from immigration_app.components.tables import data_table
from immigration_app.components.upload import file_prompt, upload_panel
from immigration_app.state.form_library import ACCEPT, UPLOAD_ID, EditionView, LibraryForm
from immigration_app.state.form_library import FormLibraryState as State

_COLUMNS = (
    "Form",
    "Title",
    "Field map",
    "Edition",
    "Loaded",
    "Fields",
    "Pages",
    "Times filled",
    "Actions",
)


def _hint_field(label: str, name: str, value, on_change, placeholder: str) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=name, style=LABEL_STYLE),
        rx.input(
            id=name,
            value=value,
            on_change=on_change,
            debounce_timeout=300,
            placeholder=placeholder,
            max_length=20,
            auto_complete="off",
        ),
        spacing="1",
    )


def _result() -> rx.Component:
    return rx.cond(
        State.result != "",
        rx.cond(
            State.result_ok,
            rx.callout(State.result, icon="check", color_scheme="green", role="status"),
            rx.callout(State.result, icon="triangle_alert", color_scheme="red", role="alert"),
        ),
    )


def _upload_panel() -> rx.Component:
    return rx.card(
        rx.el.section(
            rx.vstack(
                rx.heading("Load a form", size="4", as_="h2"),
                rx.text(
                    "The blank fillable PDF exactly as uscis.gov publishes it. Its fields and "
                    "the edition printed in its footer are read from the file.",
                    size="2",
                    color_scheme="gray",
                ),
                upload_panel(
                    UPLOAD_ID,
                    accept=ACCEPT,
                    prompt=file_prompt(UPLOAD_ID, "Choose a PDF", "or drop it here."),
                    button_label="Load form",
                    on_upload=State.upload,
                    on_progress=State.upload_progress,
                    uploading=State.uploading,
                    progress=State.progress,
                    multiple=False,
                    fields=rx.hstack(
                        _hint_field(
                            "Form number",
                            "form-number",
                            State.form_number,
                            State.set_form_number,
                            "e.g. I-765",
                        ),
                        _hint_field(
                            "Edition (MM/DD/YY)",
                            "form-edition",
                            State.edition,
                            State.set_edition,
                            "e.g. 08/21/25",
                        ),
                        rx.text(
                            "Only for a form whose footer does not print them.",
                            size="1",
                            color_scheme="gray",
                        ),
                        align="end",
                        spacing="3",
                        wrap="wrap",
                    ),
                ),
                _result(),
                spacing="3",
                width="100%",
            ),
            aria_label="Load a form",
        ),
        width="100%",
    )


def _remove_button(form: LibraryForm, edition: EditionView) -> rx.Component:
    what = "Form " + form.form_number + ", edition " + edition.edition
    return rx.alert_dialog.root(
        rx.alert_dialog.trigger(
            rx.button(
                "Remove",
                size="1",
                variant="soft",
                color_scheme="red",
                aria_label="Remove " + what,
            )
        ),
        rx.alert_dialog.content(
            rx.alert_dialog.title("Remove " + what + "?"),
            rx.alert_dialog.description(
                "Only an edition no case was filled on can be removed. If it is the current "
                "one, the newest other edition becomes current."
            ),
            rx.hstack(
                rx.alert_dialog.cancel(rx.button("Keep it", variant="soft", color_scheme="gray")),
                rx.alert_dialog.action(
                    rx.button(
                        "Remove edition", color_scheme="red", on_click=State.remove(edition.id)
                    )
                ),
                spacing="3",
                justify="end",
                margin_top="16px",
            ),
        ),
    )


def _map_badge(form: LibraryForm) -> rx.Component:
    return rx.cond(
        form.mapped,
        rx.badge("Standard map", color_scheme="green", variant="soft"),
        rx.badge("No standard map: map its fields", color_scheme="amber", variant="soft"),
    )


def _edition_row(form: LibraryForm, edition: EditionView) -> rx.Component:
    what = "Form " + form.form_number + ", edition " + edition.edition
    return rx.table.row(
        rx.table.row_header_cell(form.form_number, white_space="nowrap"),
        rx.table.cell(form.title),
        rx.table.cell(_map_badge(form)),
        rx.table.cell(
            rx.hstack(
                rx.text(edition.edition),
                rx.cond(edition.is_current, rx.badge("Current", color_scheme="blue")),
                spacing="2",
                align="center",
            )
        ),
        rx.table.cell(
            rx.text(edition.loaded_on, size="2"),
            rx.text(edition.loaded_by, size="1", color_scheme="gray"),
        ),
        rx.table.cell(edition.fields),
        rx.table.cell(edition.pages),
        rx.table.cell(edition.filled),
        rx.table.cell(
            rx.hstack(
                rx.link(
                    "Field map",
                    href="/admin/forms/" + edition.id.to_string(),
                    aria_label="Field map of " + what,
                ),
                rx.cond(
                    edition.is_current,
                    rx.fragment(),
                    rx.button(
                        "Make current",
                        size="1",
                        variant="soft",
                        on_click=State.make_current(edition.id),
                        aria_label="Make " + what + " current",
                    ),
                ),
                _remove_button(form, edition),
                spacing="3",
                align="center",
                wrap="wrap",
            )
        ),
    )


def _not_loaded_row(form: LibraryForm) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(form.form_number, white_space="nowrap"),
        rx.table.cell(form.title),
        rx.table.cell(_map_badge(form)),
        rx.table.cell(
            rx.text(
                "Not loaded yet: download the current edition from uscis.gov and load it above.",
                size="2",
                color_scheme="gray",
            ),
            col_span=6,
        ),
    )


def _form_rows(form: LibraryForm) -> rx.Component:
    return rx.cond(
        form.editions.length() > 0,
        rx.foreach(form.editions, lambda edition: _edition_row(form, edition)),
        _not_loaded_row(form),
    )


def _empty() -> rx.Component:
    return rx.callout(
        "No form is loaded yet. Download the current edition of each form your cases file from "
        "uscis.gov (the fillable PDF on the form's page) and load it above; cases are filled "
        "on the edition marked current.",
        icon="info",
    )


@staff_page(route="/admin/forms", title="Form library", on_load=State.load)
def forms_admin() -> rx.Component:
    return rx.vstack(
        rx.heading("Form library", size="7", as_="h1"),
        rx.text(
            "The blank USCIS forms cases are filled on. USCIS rejects superseded editions: "
            "load each new edition when uscis.gov publishes it.",
            color_scheme="gray",
        ),
        rx.cond(
            State.loaded,
            rx.vstack(
                _upload_panel(),
                rx.cond(State.any_loaded, rx.fragment(), _empty()),
                data_table("Form library", _COLUMNS, rx.foreach(State.forms, _form_rows)),
                spacing="3",
                width="100%",
            ),
            rx.center(rx.spinner(size="3"), padding="48px", aria_label="Loading the form library"),
        ),
        spacing="4",
        width="100%",
    )
