"""/account: the signed-in staff member's own sign-in security (two-step sign-in)."""

from __future__ import annotations

import reflex as rx

from immigration_app.components.shell import staff_page
from immigration_app.components.two_step import (
    authenticator_setup,
    code_field,
    recovery_codes_panel,
)
from immigration_app.state.account import AccountSecurityState

_STATE = AccountSecurityState


def _code_form(
    label: str, name: str, button: str, on_submit, *, color_scheme: str | None = None
) -> rx.Component:
    return rx.form(
        rx.hstack(
            code_field(label, name, errors=_STATE.errors),
            rx.button(button, type="submit", color_scheme=color_scheme),
            align="end",
            spacing="3",
            width="100%",
        ),
        on_submit=on_submit,
        reset_on_submit=True,
        key=_STATE.form_key,
        width="100%",
    )


def _setting_up() -> rx.Component:
    return rx.vstack(
        authenticator_setup(_STATE.setup_qr, _STATE.setup_secret),
        rx.form(
            rx.vstack(
                code_field("Code from your authenticator app", errors=_STATE.errors),
                rx.hstack(
                    rx.button("Turn on two-step sign-in", type="submit"),
                    rx.button(
                        "Cancel",
                        type="button",
                        variant="soft",
                        color_scheme="gray",
                        on_click=_STATE.cancel_setup,
                    ),
                    spacing="3",
                ),
                spacing="3",
                width="100%",
            ),
            on_submit=_STATE.confirm_setup,
            reset_on_submit=True,
            key=_STATE.form_key,
            width="100%",
        ),
        spacing="4",
        width="100%",
    )


def _off() -> rx.Component:
    return rx.vstack(
        rx.badge("Off", color_scheme="gray", size="2"),
        rx.text(
            "With two-step sign-in, your password alone is not enough: you also enter a code "
            "from an app on your phone.",
            size="2",
        ),
        rx.cond(
            _STATE.required_by_firm,
            rx.callout(
                "Your firm requires two-step sign-in. Set it up now, or you will be asked to "
                "at your next sign-in.",
                icon="info",
                width="100%",
            ),
        ),
        rx.cond(
            _STATE.setup_qr != "",
            _setting_up(),
            rx.button("Set up two-step sign-in", on_click=_STATE.start_setup),
        ),
        spacing="3",
        width="100%",
    )


def _on() -> rx.Component:
    return rx.vstack(
        rx.badge("On", color_scheme="green", size="2"),
        rx.text(
            "You sign in with your password and a code from your authenticator app. Recovery "
            "codes left: ",
            rx.text.strong(_STATE.recovery_codes_left),
            ".",
            size="2",
        ),
        rx.heading("New recovery codes", size="3", as_="h3"),
        rx.text("Makes 10 new codes; the old ones stop working.", size="2", color_scheme="gray"),
        _code_form(
            "Authenticator code for new recovery codes",
            "regenerate_code",
            "Make new recovery codes",
            _STATE.regenerate_codes,
        ),
        rx.heading("Turn off two-step sign-in", size="3", as_="h3"),
        rx.cond(
            _STATE.required_by_firm,
            rx.text(
                "Your firm requires two-step sign-in, so it cannot be turned off. If you lose "
                "your phone, use a recovery code, or ask an admin to reset it.",
                size="2",
                color_scheme="gray",
            ),
            _code_form(
                "Authenticator code to turn off",
                "turn_off_code",
                "Turn off",
                _STATE.turn_off,
                color_scheme="red",
            ),
        ),
        spacing="3",
        width="100%",
    )


@staff_page(route="/account", title="Your account", on_load=AccountSecurityState.load)
def account() -> rx.Component:
    return rx.vstack(
        rx.heading("Your account", size="7", as_="h1"),
        rx.card(
            rx.vstack(
                rx.heading("Two-step sign-in", size="4", as_="h2"),
                rx.cond(
                    _STATE.recovery_codes.length() > 0,
                    recovery_codes_panel(_STATE.recovery_codes, on_done=_STATE.done_with_codes),
                    rx.cond(
                        _STATE.loaded,
                        rx.cond(_STATE.enabled, _on(), _off()),
                        rx.center(rx.spinner(size="3"), aria_label="Loading"),
                    ),
                ),
                spacing="3",
                width="100%",
            ),
            width="100%",
            max_width="640px",
        ),
        spacing="5",
        width="100%",
    )
