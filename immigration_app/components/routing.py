"""Every page with its route and options, added to the app once (immigration_app.py).

Reflex's own @rx.page adds its pages again at every compile, and `reflex run --env prod`
compiles twice in one process, so each page was added twice, with a warning per page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import reflex as rx

PAGES: list[tuple[Callable[[], rx.Component], dict[str, Any]]] = []


def page(**options: Any) -> Callable[[Callable[[], rx.Component]], Callable[[], rx.Component]]:
    """Register a page: takes App.add_page's keywords (route, title, on_load, meta)."""

    def register(render: Callable[[], rx.Component]) -> Callable[[], rx.Component]:
        PAGES.append((render, options))
        return render

    return register


def add_pages(app: rx.App) -> None:
    for render, options in PAGES:
        app.add_page(render, **options)
