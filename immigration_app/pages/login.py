"""/login: staff sign-in: the password, then (when it is on) the authenticator's code."""

from __future__ import annotations

import reflex as rx

from immigration_app.components.fields import text_field
from immigration_app.components.routing import page
from immigration_app.components.two_step import (
    authenticator_setup,
    code_field,
    recovery_codes_panel,
)
from immigration_app.state.auth import AuthState


def _error() -> rx.Component:
    return rx.cond(
        AuthState.sign_in_error != "",
        rx.callout(
            AuthState.sign_in_error,
            icon="triangle_alert",
            color_scheme="red",
            role="alert",
            width="100%",
        ),
    )


def _cancel() -> rx.Component:
    return rx.button(
        "Start again",
        type="button",
        variant="ghost",
        color_scheme="gray",
        on_click=AuthState.cancel_sign_in,
    )


def _password_step() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading("Sign in", size="6", as_="h1"),
            rx.text("Staff sign-in for your firm's case desk.", color_scheme="gray"),
            text_field("Email", "email", type="email", required=True, autocomplete="username"),
            text_field(
                "Password",
                "password",
                type="password",
                required=True,
                autocomplete="current-password",
            ),
            _error(),
            rx.button("Sign in", type="submit", size="3", width="100%"),
            spacing="4",
            width="100%",
        ),
        on_submit=AuthState.submit_sign_in,
        reset_on_submit=False,
    )


def _code_step() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading("Two-step sign-in", size="6", as_="h1"),
            rx.text(
                "Enter the 6-digit code from your authenticator app. Lost your phone? "
                "Enter one of your recovery codes instead.",
                color_scheme="gray",
            ),
            code_field("Authentication code or recovery code"),
            _error(),
            rx.button("Verify and sign in", type="submit", size="3", width="100%"),
            _cancel(),
            spacing="4",
            width="100%",
        ),
        on_submit=AuthState.submit_sign_in_code,
        reset_on_submit=True,
    )


def _enrol_step() -> rx.Component:
    return rx.form(
        rx.vstack(
            rx.heading("Set up two-step sign-in", size="6", as_="h1"),
            rx.text(
                "Your firm requires two-step sign-in for all staff. Set it up now to continue: "
                "each time you sign in you will also enter a code from your phone.",
                color_scheme="gray",
            ),
            authenticator_setup(AuthState.enrol_qr, AuthState.enrol_secret),
            code_field("Code from your authenticator app"),
            _error(),
            rx.button("Turn on and sign in", type="submit", size="3", width="100%"),
            _cancel(),
            spacing="4",
            width="100%",
        ),
        on_submit=AuthState.submit_enrolment_code,
        reset_on_submit=True,
    )


@page(route="/login", title="Sign in · Case Desk", on_load=AuthState.redirect_if_signed_in)
def login() -> rx.Component:
    return rx.center(
        rx.card(
            rx.match(
                AuthState.sign_in_step,
                ("code", _code_step()),
                ("enrol", _enrol_step()),
                (
                    "recovery_codes",
                    recovery_codes_panel(
                        AuthState.new_recovery_codes,
                        on_done=AuthState.continue_after_recovery_codes,
                    ),
                ),
                _password_step(),
            ),
            width="100%",
            max_width="460px",
            size="4",
        ),
        min_height="100vh",
        padding="16px",
        background="var(--gray-2)",
    )
