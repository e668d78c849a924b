"""The Forms tab of the case workspace: the case type's forms, filled from the profiles; one
form's fields and overrides (pages/case_form_fields.py); the checks before review
(pages/case_checks.py)."""

from __future__ import annotations

import reflex as rx

from immigration_app.components.tables import data_table
from immigration_app.pages.case_checks import checks_panel
from immigration_app.pages.case_form_fields import fields_panel
from immigration_app.services.form_filling import CaseFormRow
from immigration_app.state.case_forms import CaseFormsState as State
from immigration_app.state.case_forms import FillResult

_COLUMNS = ("Form", "Title", "Edition in the library", "Latest version", "Overrides", "Actions")


def _edition(form: CaseFormRow) -> rx.Component:
    return rx.cond(
        form.in_library,
        rx.text(form.edition),
        rx.text(
            "Not in the library — an admin loads it at ",
            rx.link("/admin/forms", href="/admin/forms"),
            size="2",
            color_scheme="gray",
        ),
    )


def _latest(form: CaseFormRow) -> rx.Component:
    return rx.cond(
        form.filled_version > 0,
        rx.vstack(
            rx.hstack(
                rx.badge("v", form.filled_version, variant="soft"),
                rx.text("edition ", form.filled_edition, size="1", color_scheme="gray"),
                rx.cond(
                    form.superseded,
                    rx.badge("Superseded edition", color_scheme="red", variant="solid"),
                ),
                spacing="2",
                align="center",
                wrap="wrap",
            ),
            rx.text(form.filled_on, " by ", form.filled_by, size="1", color_scheme="gray"),
            rx.cond(
                form.continued > 0,
                rx.text(
                    form.continued,
                    " continued on the extra page",
                    size="1",
                    color_scheme="amber",
                ),
            ),
            spacing="1",
        ),
        rx.text("Not filled yet", size="2", color_scheme="gray"),
    )


def _actions(form: CaseFormRow) -> rx.Component:
    return rx.hstack(
        rx.button(
            rx.cond(form.filled_version > 0, "Fill again", "Fill"),
            size="1",
            loading=State.filling == form.form_number,
            disabled=~form.in_library | (State.filling != ""),
            on_click=State.fill(form.form_number),
            aria_label=rx.cond(form.filled_version > 0, "Fill again: ", "Fill: ")
            + form.form_number,
        ),
        rx.cond(
            form.filled_version > 0,
            rx.link(
                "View",
                href="/api/filled-forms/" + form.filled_id.to_string(),
                is_external=True,
                rel="noopener noreferrer",
                aria_label="View Form "
                + form.form_number
                + " version "
                + form.filled_version.to_string()
                + " (opens in a new tab)",
                size="2",
            ),
        ),
        rx.button(
            "Fields",
            size="1",
            variant="soft",
            disabled=~form.in_library,
            on_click=State.open_fields(form.form_number),
            aria_label="Fields of Form " + form.form_number,
        ),
        spacing="3",
        align="center",
        wrap="wrap",
    )


def _form_row(form: CaseFormRow) -> rx.Component:
    return rx.table.row(
        rx.table.row_header_cell(
            rx.hstack(
                rx.text(form.form_number, weight="medium"),
                rx.cond(form.optional, rx.badge("optional", variant="outline")),
                spacing="2",
                align="center",
                white_space="nowrap",
            )
        ),
        rx.table.cell(form.title),
        rx.table.cell(_edition(form)),
        rx.table.cell(_latest(form)),
        rx.table.cell(form.overrides),
        rx.table.cell(_actions(form)),
    )


def _result(result: FillResult) -> rx.Component:
    return rx.text(
        rx.cond(result.ok, "✓ ", "✗ "),
        "Form ",
        result.form_number,
        ": ",
        result.message,
        color_scheme=rx.cond(result.ok, "green", "red"),
        size="2",
    )


def _fill_all() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.button(
                "Fill all",
                loading=State.filling == "all",
                disabled=(State.fillable_count == 0) | (State.filling != ""),
                on_click=State.fill_all,
            ),
            rx.text(
                "Fills every form that is in the library from the profiles as they are now. "
                "Each fill is kept as a new version.",
                size="2",
                color_scheme="gray",
            ),
            spacing="3",
            align="center",
            wrap="wrap",
        ),
        rx.cond(
            State.results.length() > 0,
            rx.vstack(
                rx.foreach(State.results, _result),
                role="status",
                aria_label="Fill results",
                spacing="1",
            ),
        ),
        spacing="2",
        width="100%",
    )


def _forms() -> rx.Component:
    return rx.vstack(
        _fill_all(),
        rx.cond(
            State.forms.length() > 0,
            data_table("Forms of this case", _COLUMNS, rx.foreach(State.forms, _form_row)),
            rx.text("This case type files no USCIS forms.", color_scheme="gray"),
        ),
        fields_panel(),
        checks_panel(),
        spacing="4",
        width="100%",
    )


def forms_tab() -> rx.Component:
    return rx.cond(
        State.loaded,
        _forms(),
        rx.center(rx.spinner(size="3"), padding="32px", aria_label="Loading the forms"),
    )
