"""A section of the case's USCIS tab (pages/case_uscis.py): the notices USCIS sent, what each
proposes with a Confirm button, and a form to type the details of a scanned one."""

from __future__ import annotations

import reflex as rx

from immigration_app.components.fields import LABEL_STYLE, field_error
from immigration_app.components.upload import file_prompt, upload_panel
from immigration_app.services.notice_cards import Fact, NoticeCard, ProposalView, ValueField
from immigration_app.state.case_notices import ACCEPT, UPLOAD_ID
from immigration_app.state.case_notices import CaseNoticesState as State
from immigration_app.state.uploads import UploadResult

_STATE_BADGES = (
    ("confirmed", rx.badge("Confirmed", color_scheme="green")),
    ("blocked", rx.badge("Cannot be confirmed", color_scheme="red")),
    ("on_case", rx.badge("Already on the case", color_scheme="gray")),
)
_INPUT_STYLE = {"padding": "6px 8px", "borderRadius": "6px", "border": "1px solid var(--gray-a7)"}


def _hidden(name: str, value) -> rx.Component:
    return rx.el.input(type="hidden", name=name, default_value=value)


def _value_input(field: ValueField, prefix) -> rx.Component:
    control_id = prefix + "-" + field.key
    return rx.vstack(
        rx.el.label(field.label, html_for=control_id, style=LABEL_STYLE),
        rx.el.input(
            id=control_id,
            name=field.key,
            type=field.input_type,
            default_value=field.value,
            style=_INPUT_STYLE,
        ),
        spacing="1",
    )


def _proposal(proposal: ProposalView, card: NoticeCard) -> rx.Component:
    open_form = rx.form(
        rx.hstack(
            _hidden("notice_id", card.id.to_string()),
            _hidden("kind", proposal.kind),
            rx.foreach(proposal.fields, lambda field: _value_input(field, "p" + proposal.ref)),
            rx.button("Confirm", type="submit", aria_label="Confirm: " + proposal.title),
            align="end",
            spacing="3",
            wrap="wrap",
        ),
        on_submit=State.confirm,
        reset_on_submit=False,
        key=proposal.ref + State.form_version.to_string(),
    )
    return rx.el.li(
        rx.vstack(
            rx.hstack(
                rx.text(proposal.title, weight="medium"),
                rx.match(proposal.state, *_STATE_BADGES, rx.fragment()),
                align="center",
                spacing="2",
                wrap="wrap",
            ),
            rx.cond(
                proposal.note != "",
                rx.text(
                    proposal.note,
                    size="2",
                    color_scheme=rx.cond(proposal.state == "blocked", "red", "gray"),
                ),
            ),
            rx.cond(proposal.state == "open", open_form),
            rx.cond(
                State.errors.contains(proposal.ref),
                rx.text(State.errors[proposal.ref], color_scheme="red", size="2", role="alert"),
            ),
            rx.cond(
                proposal.suggest_stage != "",
                rx.button(
                    "Move the case to " + proposal.suggest_title,
                    variant="soft",
                    on_click=State.move_to(proposal.suggest_stage),
                ),
            ),
            spacing="2",
            width="100%",
        ),
        list_style="none",
        padding_y="6px",
    )


def _fact(fact: Fact) -> rx.Component:
    return rx.vstack(
        rx.text(fact.label, size="1", color_scheme="gray", weight="medium"),
        rx.text(fact.value, size="2"),
        spacing="0",
    )


def _typing_form(card: NoticeCard) -> rx.Component:
    def typed(field: ValueField) -> rx.Component:
        return rx.vstack(
            rx.el.label(field.label, html_for="typed_" + field.key, style=LABEL_STYLE),
            rx.el.input(
                id="typed_" + field.key,
                name="typed_" + field.key,
                type=field.input_type,
                default_value=field.value,
                style=_INPUT_STYLE,
            ),
            rx.cond(
                State.errors.contains("typed_" + field.key),
                rx.text(State.errors["typed_" + field.key], color_scheme="red", size="2"),
            ),
            spacing="1",
        )

    return rx.form(
        rx.vstack(
            rx.vstack(
                rx.el.label("Kind of notice", html_for="typed_kind", style=LABEL_STYLE),
                rx.el.select(
                    rx.foreach(State.kind_choices, lambda c: rx.el.option(c[1], value=c[0])),
                    id="typed_kind",
                    name="typed_kind",
                    default_value=card.kind,
                    style=_INPUT_STYLE,
                ),
                field_error(State.errors, "typed_kind"),
                spacing="1",
            ),
            rx.grid(
                rx.foreach(card.typed, typed),
                columns=rx.breakpoints(initial="1", sm="2", md="4"),
                spacing="3",
                width="100%",
            ),
            rx.hstack(
                rx.button("Save what the notice says", type="submit"),
                rx.button("Cancel", type="button", variant="soft", on_click=State.close_typing),
                spacing="3",
            ),
            spacing="3",
            width="100%",
        ),
        on_submit=State.save_typed,
        reset_on_submit=False,
        key=State.form_version,
        width="100%",
    )


def _notice(card: NoticeCard) -> rx.Component:
    return rx.el.li(
        rx.el.article(
            rx.vstack(
                rx.hstack(
                    rx.heading(card.title, size="4", as_="h3"),
                    rx.cond(card.from_client, rx.badge("from client", color_scheme="blue")),
                    rx.cond(card.scanned, rx.badge("scanned", variant="outline")),
                    rx.cond(card.typed_by != "", rx.badge("typed by staff", variant="outline")),
                    rx.spacer(),
                    rx.link(
                        "View",
                        href=card.url,
                        is_external=True,
                        rel="noopener noreferrer",
                        aria_label="View " + card.name + " (opens in a new tab)",
                    ),
                    align="center",
                    spacing="2",
                    width="100%",
                    wrap="wrap",
                ),
                rx.text(
                    card.name,
                    " · ",
                    card.size,
                    " · added ",
                    card.added_on,
                    " by ",
                    card.added_by,
                    size="1",
                    color_scheme="gray",
                ),
                rx.cond(
                    card.warning != "",
                    rx.callout(card.warning, icon="triangle_alert", color_scheme="amber"),
                ),
                rx.cond(
                    card.facts.length() > 0,
                    rx.grid(
                        rx.foreach(card.facts, _fact),
                        columns=rx.breakpoints(initial="2", md="4"),
                        spacing="3",
                        width="100%",
                    ),
                ),
                rx.cond(
                    card.proposals.length() > 0,
                    rx.el.ul(
                        rx.foreach(card.proposals, lambda p: _proposal(p, card)),
                        aria_label="What " + card.name + " proposes",
                        padding="0",
                        margin="0",
                        width="100%",
                    ),
                ),
                rx.cond(
                    card.can_type,
                    rx.cond(
                        State.typing_id == card.id,
                        _typing_form(card),
                        rx.button(
                            "Type the notice's details",
                            variant="soft",
                            on_click=State.open_typing(card.id),
                            aria_label="Type the details of " + card.name,
                        ),
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            aria_label=card.title + ": " + card.name,
        ),
        list_style="none",
        padding_y="12px",
        border_bottom="1px solid var(--gray-a4)",
    )


def _result(result: UploadResult) -> rx.Component:
    return rx.text(
        rx.cond(result.ok, "✓ ", "✗ "),
        result.name,
        ": ",
        result.message,
        color_scheme=rx.cond(result.ok, "green", "red"),
        size="2",
    )


def _upload() -> rx.Component:
    return rx.vstack(
        upload_panel(
            UPLOAD_ID,
            accept=ACCEPT,
            limit_mb=State.limit_mb,
            prompt=file_prompt(
                UPLOAD_ID,
                "Choose the notice",
                "or drop it here: a PDF, or a photo of the letter.",
                row=True,
            ),
            padding="12px",
            button_label="Upload notice",
            on_upload=State.upload,
            on_progress=State.upload_progress,
            uploading=State.uploading,
            progress=State.progress,
            show_progress=State.uploading | (State.progress > 0),
            progress_label="Notice upload progress",
        ),
        rx.cond(
            State.results.length() > 0,
            rx.vstack(rx.foreach(State.results, _result), role="status", spacing="1"),
        ),
        spacing="3",
        width="100%",
    )


def notices_section() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Notices", size="5", as_="h2"),
            rx.text(
                "Upload a notice USCIS sent (or the client sent us). Its receipt number, "
                "appointment, due date or decision is proposed below: nothing changes on the "
                "case until you confirm it.",
                size="2",
                color_scheme="gray",
            ),
            _upload(),
            rx.cond(
                State.loaded,
                rx.cond(
                    State.notices.length() > 0,
                    rx.el.ul(
                        rx.foreach(State.notices, _notice),
                        aria_label="Notices, newest first",
                        padding="0",
                        margin="0",
                        width="100%",
                    ),
                    rx.text(
                        "No notices yet. When USCIS mails one, upload it here.",
                        color_scheme="gray",
                    ),
                ),
                rx.center(rx.spinner(), padding="16px", aria_label="Loading the notices"),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        role="region",
        aria_label="Notices",
    )
