"""The portal's "Send us a letter from USCIS": a card on the home screen and its upload screen."""

from __future__ import annotations

import reflex as rx

from immigration_app.components.upload import phone_pickers, phone_prompt, upload_panel
from immigration_app.state.portal import ACCEPT, PortalState, UploadResult
from immigration_app.state.portal_letter import LETTER_UPLOAD_ID
from immigration_app.state.portal_letter import PortalLetterState as State

T = PortalState.t


def _card(*children, **props) -> rx.Component:
    return rx.card(rx.vstack(*children, spacing="3", width="100%"), width="100%", **props)


def letter_card() -> rx.Component:
    return _card(
        rx.heading(T["letter_title"], size="5", as_="h2"),
        rx.text(T["letter_intro"], size="3"),
        rx.button(
            rx.icon("mail"),
            T["letter_send"],
            size="4",
            width="100%",
            variant="outline",
            on_click=State.open_letter,
        ),
        role="region",
        aria_label=T["letter_title"],
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


def letter_screen() -> rx.Component:
    return _card(
        rx.heading(T["letter_title"], size="5", as_="h2"),
        rx.text(T["letter_intro"], size="3"),
        phone_pickers(
            LETTER_UPLOAD_ID, T["take_photo"], T["choose_files"], disabled=State.letter_sending
        ),
        upload_panel(
            LETTER_UPLOAD_ID,
            accept=ACCEPT,
            limit_mb=PortalState.limit_mb,
            prompt=phone_prompt(LETTER_UPLOAD_ID, T["selected"], T["nothing_selected"]),
            no_click=True,
            padding="12px",
            button_label=rx.cond(State.letter_sending, T["uploading"], T["start_upload"]),
            on_upload=State.upload_letter,
            on_progress=State.letter_upload_progress,
            uploading=State.letter_sending,
            progress=State.letter_progress,
            show_progress=State.letter_sending | (State.letter_progress > 0),
            progress_label=T["uploading"],
            large=True,
        ),
        rx.cond(
            State.letter_results.length() > 0,
            rx.vstack(rx.foreach(State.letter_results, _result), role="status", spacing="2"),
        ),
        rx.button(
            T["letter_back"],
            size="4",
            width="100%",
            variant="soft",
            on_click=State.close_letter,
            disabled=State.letter_sending,
        ),
        role="region",
        aria_label=T["letter_title"],
    )
