"""A USCIS form field's place ("Part 2, Item 4.a") and its mapping status, as pages show them."""

from __future__ import annotations

import reflex as rx


def part_item(part, item) -> rx.Component:
    """`part` and `item` are string vars, either of them possibly empty."""
    return rx.text(
        rx.cond(part != "", "Part " + part, ""),
        rx.cond((part != "") & (item != ""), ", ", ""),
        rx.cond(item != "", "Item " + item, ""),
        size="2",
        white_space="nowrap",
    )


def status_badge(status) -> rx.Component:
    return rx.match(
        status,
        ("mapped", rx.badge("Mapped", color_scheme="green")),
        ("staff", rx.badge("Left to staff", color_scheme="blue")),
        ("unmapped", rx.badge("Unmapped", color_scheme="amber")),
        rx.badge("Not fillable", color_scheme="gray"),
    )
