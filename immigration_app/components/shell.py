"""The staff pages' frame: navigation, who is signed in, sign-out."""

from __future__ import annotations

from collections.abc import Callable

import reflex as rx

from immigration_app.components.routing import page
from immigration_app.state.auth import AuthState


def _nav_link(text: str, href: str) -> rx.Component:
    return rx.link(text, href=href, size="3", weight="medium", underline="hover")


def navbar() -> rx.Component:
    return rx.el.header(
        rx.hstack(
            rx.link(rx.heading("Case Desk", size="5"), href="/", underline="none"),
            rx.el.nav(
                rx.hstack(
                    _nav_link("Cases", "/"),
                    _nav_link("New case", "/cases/new"),
                    _nav_link("Board", "/board"),
                    _nav_link("Calendar", "/calendar"),
                    _nav_link("Outbox", "/outbox"),
                    # Shown to admins only for tidiness; the pages' handlers refuse everyone else.
                    rx.cond(
                        AuthState.viewer_role == "admin",
                        rx.hstack(
                            _nav_link("Team", "/admin/team"),
                            _nav_link("Firm settings", "/admin/firm"),
                            _nav_link("Message templates", "/admin/messages"),
                            _nav_link("Checklists", "/admin/checklists"),
                            _nav_link("Form library", "/admin/forms"),
                            _nav_link("Processing times", "/admin/processing-times"),
                            _nav_link("Audit log", "/admin/audit"),
                            spacing="5",
                        ),
                    ),
                    spacing="5",
                ),
                aria_label="Main",
            ),
            rx.spacer(),
            rx.text(AuthState.viewer_name, size="2", color_scheme="gray"),
            rx.link("Your account", href="/account", size="2"),
            rx.badge(AuthState.viewer_role, variant="soft"),
            rx.button("Sign out", variant="soft", size="2", on_click=AuthState.submit_sign_out),
            align="center",
            spacing="4",
            width="100%",
            wrap="wrap",
        ),
        padding="12px 24px",
        border_bottom="1px solid var(--gray-a5)",
        background="var(--color-panel-solid)",
    )


def staff_page(
    *, route: str, title: str, on_load
) -> Callable[[Callable[[], rx.Component]], Callable]:
    """Register a staff page: the shell around its content, and its guarded on_load."""

    def decorate(content: Callable[[], rx.Component]) -> Callable:
        @page(route=route, title=f"{title} · Case Desk", on_load=on_load)
        def framed() -> rx.Component:
            return rx.box(
                navbar(),
                rx.el.main(content(), padding="24px", max_width="1200px", margin="0 auto"),
                min_height="100vh",
                background="var(--gray-2)",
            )

        framed.__name__ = content.__name__
        return framed

    return decorate
