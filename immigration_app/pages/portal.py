"""The client portal (/portal/[token]): phone first, large targets, English or Spanish."""

from __future__ import annotations

import reflex as rx

from immigration_app.components.routing import page
from immigration_app.components.upload import phone_pickers, phone_prompt, upload_panel
from immigration_app.pages.portal_intake import portal_parts
from immigration_app.pages.portal_letter import letter_card, letter_screen
from immigration_app.services.portal import PortalStatus
from immigration_app.state.portal import ACCEPT, UPLOAD_ID, PortalItem, PortalState, UploadResult
from immigration_app.state.portal_intake import PortalIntakeState
from immigration_app.state.portal_letter import PortalLetterState

T = PortalState.t
_STATUS_COLORS = {
    "needed": "amber",
    "uploaded": "blue",
    "accepted": "green",
    "rejected": "red",
    "waived": "gray",
}


def _top_bar() -> rx.Component:
    return rx.hstack(
        rx.heading(
            rx.cond(PortalState.home, PortalState.home.firm_name, T["title"]),
            size="4",
        ),
        rx.spacer(),
        rx.cond(
            PortalState.phase == "open",
            rx.button(
                T["other_language"],
                variant="soft",
                size="3",
                lang=T["other_language_code"],
                on_click=PortalState.switch_language(T["other_language_code"]),
            ),
        ),
        align="center",
        width="100%",
    )


def _card(*children, **props) -> rx.Component:
    return rx.card(rx.vstack(*children, spacing="3", width="100%"), width="100%", **props)


def _where_the_case_is() -> rx.Component:
    home = PortalState.home
    return _card(
        rx.heading(T["hello"], " ", home.first_name, size="6"),
        rx.text(home.case_type, color_scheme="gray"),
        rx.text(
            T["step_of"]
            .replace("{step}", home.step.to_string())
            .replace("{steps}", home.steps.to_string()),
            weight="medium",
        ),
        rx.progress(value=home.step * 100 // home.steps, size="3", aria_label=T["now"]),
        rx.heading(T["now"], size="3", as_="h2"),
        rx.text(home.now, size="4"),
        rx.heading(T["next"], size="3", as_="h2"),
        rx.text(home.next, size="4"),
        rx.text(T["last_update"], ": ", home.last_update, size="2", color_scheme="gray"),
        rx.cond(
            home.receipt_numbers.length() > 0,
            rx.text(T["receipts"], ": ", home.receipt_numbers.join(", "), size="2"),
        ),
        rx.cond(home.statuses.length() > 0, _uscis_statuses()),
        rx.cond(
            home.estimates.length() > 0,
            rx.vstack(
                rx.heading(T["processing_title"], size="3", as_="h2"),
                rx.foreach(home.estimates, lambda said: rx.text(said, size="3")),
                spacing="2",
                width="100%",
            ),
        ),
        rx.cond(
            home.firm_phone != "",
            rx.link(
                T["questions"],
                " ",
                home.firm_phone,
                href="tel:" + home.firm_phone,
                size="3",
            ),
        ),
        role="region",
        aria_label=T["now"],
    )


def _uscis_status(status: PortalStatus) -> rx.Component:
    return rx.vstack(
        rx.text(status.title, size="4", weight="bold"),
        rx.cond(status.text != "", rx.text(status.text, size="3")),
        rx.text(T["receipts"], ": ", status.receipt_number, size="2", color_scheme="gray"),
        spacing="1",
        width="100%",
    )


def _uscis_statuses() -> rx.Component:
    return rx.vstack(
        rx.heading(T["uscis_status"], size="3", as_="h2"),
        rx.foreach(PortalState.home.statuses, _uscis_status),
        rx.text(T["uscis_status_note"], size="2", color_scheme="gray"),
        spacing="2",
        width="100%",
    )


def _item_card(item: PortalItem) -> rx.Component:
    return _card(
        rx.hstack(
            rx.heading(item.title, size="4", as_="h3"),
            rx.spacer(),
            rx.badge(
                item.status_text,
                color_scheme=rx.match(item.status, *_STATUS_COLORS.items(), "gray"),
                size="2",
            ),
            align="start",
            width="100%",
            wrap="wrap",
        ),
        rx.cond(~item.required, rx.text(T["optional"], size="2", color_scheme="gray")),
        rx.text(item.explain, size="3"),
        rx.cond(
            item.reason != "",
            rx.callout(
                rx.text(T["why"], ": ", item.reason),
                icon="triangle_alert",
                color_scheme="red",
                role="alert",
            ),
        ),
        rx.cond(
            item.translation,
            rx.text(T["translation_needed"], size="2", color_scheme="gray"),
        ),
        rx.cond(
            item.can_send,
            rx.button(
                item.send_label,
                size="4",
                width="100%",
                aria_label=item.send_label + ": " + item.title,
                on_click=PortalState.choose_item(item.id),
            ),
        ),
        role="group",
        aria_label=item.title,
    )


def _documents() -> rx.Component:
    return rx.vstack(
        rx.heading(T["your_documents"], size="5", as_="h2"),
        rx.cond(
            PortalState.outstanding == 0,
            rx.callout(T["all_done"], icon="circle_check", color_scheme="green"),
            rx.text(T["documents_intro"], size="3"),
        ),
        rx.foreach(PortalState.items, _item_card),
        spacing="3",
        width="100%",
    )


def _result(result: UploadResult) -> rx.Component:
    return rx.hstack(
        rx.icon(
            rx.cond(result.ok, "circle_check", "circle_x"),
            color=rx.cond(result.ok, "var(--green-9)", "var(--red-9)"),
        ),
        rx.vstack(
            rx.text(result.name, weight="medium", size="2"),
            rx.text(result.message, size="2"),
            spacing="0",
        ),
        align="start",
    )


def _upload_screen() -> rx.Component:
    return _card(
        rx.heading(T["upload_title"], ": ", PortalState.upload_item_title, size="5", as_="h2"),
        rx.text(T["upload_help"], size="3"),
        phone_pickers(UPLOAD_ID, T["take_photo"], T["choose_files"], disabled=PortalState.sending),
        upload_panel(
            UPLOAD_ID,
            accept=ACCEPT,
            limit_mb=PortalState.limit_mb,
            prompt=phone_prompt(UPLOAD_ID, T["selected"], T["nothing_selected"]),
            no_click=True,
            padding="12px",
            button_label=rx.cond(PortalState.sending, T["uploading"], T["start_upload"]),
            on_upload=PortalState.upload,
            on_progress=PortalState.upload_progress,
            uploading=PortalState.sending,
            progress=PortalState.progress,
            show_progress=PortalState.sending | (PortalState.progress > 0),
            progress_label=T["uploading"],
            large=True,
        ),
        rx.cond(
            PortalState.results.length() > 0,
            rx.vstack(
                rx.heading(T["files_received"], size="3", as_="h3"),
                rx.foreach(PortalState.results, _result),
                role="status",
                spacing="2",
            ),
        ),
        rx.button(
            T["cancel"],
            size="4",
            width="100%",
            variant="soft",
            on_click=PortalState.close_upload,
            disabled=PortalState.sending,
        ),
    )


def _birth_date_form() -> rx.Component:
    return _card(
        rx.heading(T["birth_date_title"], size="5"),
        rx.text(T["birth_date_help"]),
        rx.form(
            rx.vstack(
                rx.el.label(T["birth_date"], html_for="birth_date", style={"fontWeight": 500}),
                rx.input(id="birth_date", name="birth_date", type="date", size="3", required=True),
                rx.cond(
                    PortalState.birth_date_wrong,
                    rx.text(T["birth_date_wrong"], color_scheme="red", role="alert"),
                ),
                rx.button(T["continue"], size="4", width="100%", type="submit"),
                spacing="3",
            ),
            on_submit=PortalState.confirm_birth_date,
            reset_on_submit=True,
        ),
    )


def _body() -> rx.Component:
    return rx.match(
        PortalState.phase,
        ("loading", rx.text(T["loading"])),
        (
            "refused",
            rx.callout(
                T[PortalState.refusal], icon="info", color_scheme="amber", role="alert", size="3"
            ),
        ),
        ("birth_date", _birth_date_form()),
        rx.cond(
            PortalState.upload_item_id != 0,
            _upload_screen(),
            rx.cond(
                PortalLetterState.letter_open,
                letter_screen(),
                rx.vstack(
                    _where_the_case_is(),
                    letter_card(),
                    portal_parts(_documents()),
                    spacing="5",
                    width="100%",
                ),
            ),
        ),
    )


# The address holds the client's secret token: never send it on as a referrer, never index it.
_PRIVATE = [
    {"name": "referrer", "content": "no-referrer"},
    {"name": "robots", "content": "noindex, nofollow"},
]


@page(
    route="/portal/[token]",
    title="Case Desk",
    on_load=[PortalState.load, PortalIntakeState.forget, PortalLetterState.forget_letter],
    meta=_PRIVATE,
)
def portal() -> rx.Component:
    return rx.box(
        rx.el.main(
            rx.vstack(_top_bar(), _body(), spacing="4", width="100%"),
            lang=PortalState.language,
            padding="16px",
            max_width="560px",
            margin="0 auto",
        ),
        min_height="100vh",
        background="var(--gray-2)",
    )
