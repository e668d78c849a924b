"""Pieces of two-step sign-in that the sign-in page and the account page share."""

from __future__ import annotations

import reflex as rx
from reflex.vars import Var

from immigration_app.components.fields import text_field


def code_field(label: str, name: str = "code", *, errors: Var | None = None) -> rx.Component:
    """The one-time code box; "one-time-code" lets phones offer a code they just received."""
    return text_field(label, name, errors=errors, required=True, autocomplete="one-time-code")


def authenticator_setup(qr: Var, secret: Var) -> rx.Component:
    """The QR code to scan, and the same key as text for apps (or people) that cannot scan."""
    return rx.vstack(
        rx.text(
            "1. Open an authenticator app on your phone (Google Authenticator, Microsoft "
            "Authenticator, 1Password, Authy or similar) and add an account by scanning this "
            "QR code.",
            size="2",
        ),
        rx.image(
            src=qr,
            alt="QR code for your authenticator app",
            width="200px",
            height="200px",
            background="white",
            padding="8px",
            border_radius="8px",
        ),
        rx.text("Cannot scan it? Enter this setup key in the app instead:", size="2"),
        rx.code(secret, id="setup-key", aria_label="Setup key", size="3", variant="outline"),
        rx.text("2. Enter the 6-digit code the app now shows for Case Desk.", size="2"),
        spacing="3",
        width="100%",
    )


def recovery_codes_panel(codes: Var, *, on_done) -> rx.Component:
    """The recovery codes, shown once, and the button that says they are kept."""
    return rx.vstack(
        rx.heading("Save your recovery codes", size="4", as_="h2"),
        rx.text(
            "If you lose your phone, each of these codes signs you in once instead of the "
            "authenticator code. Keep them somewhere safe, such as a password manager or a "
            "printed copy. They are shown only now.",
            size="2",
        ),
        rx.el.ul(
            rx.foreach(codes, lambda code: rx.el.li(rx.code(code, size="3"))),
            aria_label="Recovery codes",
            style={
                "display": "grid",
                "gridTemplateColumns": "repeat(2, minmax(0, 1fr))",
                "gap": "8px",
                "listStyle": "none",
                "padding": 0,
                "margin": 0,
            },
        ),
        rx.hstack(
            rx.button(
                "Copy codes",
                variant="soft",
                on_click=[
                    rx.set_clipboard(codes.join("\n")),
                    rx.toast.success("Recovery codes copied."),
                ],
            ),
            rx.button("I have saved my recovery codes", on_click=on_done),
            spacing="3",
            wrap="wrap",
        ),
        spacing="3",
        width="100%",
    )
