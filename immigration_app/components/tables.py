"""Tables with an accessible name, so screen readers (and tests) can tell them apart."""

from __future__ import annotations

import reflex as rx

# Hidden on screen, read by assistive technology.
VISUALLY_HIDDEN = {
    "position": "absolute",
    "width": "1px",
    "height": "1px",
    "overflow": "hidden",
    "clip": "rect(0 0 0 0)",
    "whiteSpace": "nowrap",
}


def data_table(caption: str, columns: tuple[str, ...], rows: rx.Component) -> rx.Component:
    """A card holding a table named by `caption`, with `rows` as its body."""
    return rx.card(
        rx.table.root(
            rx.el.caption(caption, style=VISUALLY_HIDDEN),
            rx.table.header(rx.table.row(*[rx.table.column_header_cell(name) for name in columns])),
            rx.table.body(rows),
            width="100%",
        ),
        width="100%",
        overflow_x="auto",
    )


def pager(summary: rx.Component, page, page_count, go_to_page) -> rx.Component:
    """A page count and Previous / Next buttons under a paged list.

    `summary` is the text before " · page N of M" ("1,234 cases"); `go_to_page` is the state's
    event handler that takes the page number.
    """
    return rx.hstack(
        rx.text(
            summary,
            " · page ",
            page,
            " of ",
            page_count,
            size="2",
            color_scheme="gray",
            aria_live="polite",
        ),
        rx.spacer(),
        rx.button(
            "Previous page",
            variant="soft",
            disabled=page <= 1,
            on_click=go_to_page(page - 1),
        ),
        rx.button(
            "Next page",
            variant="soft",
            disabled=page >= page_count,
            on_click=go_to_page(page + 1),
        ),
        width="100%",
        align="center",
    )
