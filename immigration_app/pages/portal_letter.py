"""The portal's "Send us a letter from USCIS": a card on the home screen and its upload screen."""

from __future__ import annotations

import reflex as rx

from immigration_app.state.portal import ACCEPT, PortalState, UploadResult
from immigration_app.state.portal_letter import LETTER_UPLOAD_ID
from immigration_app.state.portal_letter import PortalLetterState as State

T = PortalState.t
_INPUT = f"document.querySelector('#{LETTER_UPLOAD_ID} input[type=file]')"
_TAKE_PHOTO = f"{_INPUT}.setAttribute('capture', 'environment'); {_INPUT}.click();"
_CHOOSE_FILES = f"{_INPUT}.removeAttribute('capture'); {_INPUT}.click();"


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
    chosen = rx.selected_files(LETTER_UPLOAD_ID)
    return _card(
        rx.heading(T["letter_title"], size="5", as_="h2"),
        rx.text(T["letter_intro"], size="3"),
        rx.button(
            rx.icon("camera"),
            T["take_photo"],
            size="4",
            width="100%",
            on_click=rx.call_script(_TAKE_PHOTO),
            disabled=State.letter_sending,
        ),
        rx.button(
            rx.icon("file_up"),
            T["choose_files"],
            size="4",
            width="100%",
            variant="outline",
            on_click=rx.call_script(_CHOOSE_FILES),
            disabled=State.letter_sending,
        ),
        rx.upload.root(
            rx.box(
                rx.cond(
                    chosen.length() > 0,
                    rx.vstack(
                        rx.text(T["selected"], weight="medium"),
                        rx.foreach(chosen, lambda name: rx.text(name)),
                        spacing="1",
                    ),
                    rx.text(T["nothing_selected"], color_scheme="gray"),
                ),
                padding="12px",
                border="1px dashed var(--gray-7)",
                border_radius="8px",
            ),
            id=LETTER_UPLOAD_ID,
            accept=ACCEPT,
            multiple=True,
            no_click=True,
            max_size=PortalState.limit_mb * 1024 * 1024,
            width="100%",
        ),
        rx.button(
            rx.cond(State.letter_sending, T["uploading"], T["start_upload"]),
            size="4",
            width="100%",
            color_scheme="green",
            loading=State.letter_sending,
            disabled=chosen.length() == 0,
            on_click=State.upload_letter(
                rx.upload_files_chunk(
                    upload_id=LETTER_UPLOAD_ID, on_upload_progress=State.letter_upload_progress
                )
            ),
        ),
        rx.cond(
            State.letter_sending | (State.letter_progress > 0),
            rx.progress(value=State.letter_progress, size="3", aria_label=T["uploading"]),
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
