"""/login: staff sign-in."""

from __future__ import annotations

import reflex as rx

from immigration_app.components.fields import text_field
from immigration_app.state.auth import AuthState


@rx.page(route="/login", title="Sign in · Case Desk", on_load=AuthState.redirect_if_signed_in)
def login() -> rx.Component:
    return rx.center(
        rx.card(
            rx.form(
                rx.vstack(
                    rx.heading("Sign in", size="6", as_="h1"),
                    rx.text("Staff sign-in for your firm's case desk.", color_scheme="gray"),
                    text_field(
                        "Email", "email", type="email", required=True, autocomplete="username"
                    ),
                    text_field(
                        "Password",
                        "password",
                        type="password",
                        required=True,
                        autocomplete="current-password",
                    ),
                    rx.cond(
                        AuthState.sign_in_error != "",
                        rx.callout(
                            AuthState.sign_in_error,
                            icon="triangle_alert",
                            color_scheme="red",
                            role="alert",
                            width="100%",
                        ),
                    ),
                    rx.button("Sign in", type="submit", size="3", width="100%"),
                    spacing="4",
                    width="100%",
                ),
                on_submit=AuthState.submit_sign_in,
                reset_on_submit=False,
            ),
            width="100%",
            max_width="420px",
            size="4",
        ),
        min_height="100vh",
        padding="16px",
        background="var(--gray-2)",
    )
