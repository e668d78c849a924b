"""/calendar: a month of open deadlines, and private calendar links for Google or Outlook."""

from __future__ import annotations

import reflex as rx

from immigration_app.components.shell import staff_page
from immigration_app.components.tables import VISUALLY_HIDDEN
from immigration_app.services.calendar import CalendarDay, DayEntry, FeedView
from immigration_app.state.calendar import CalendarState as State

WEEKDAYS = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")


def _entry(entry: DayEntry) -> rx.Component:
    return rx.link(
        rx.text(entry.title, " · ", entry.reference, size="1", trim="both"),
        href=f"/cases/{entry.reference}",
        color_scheme=rx.cond(entry.overdue, "red", "indigo"),
        display="block",
    )


def _day(day: CalendarDay) -> rx.Component:
    return rx.table.cell(
        rx.cond(
            day.day > 0,
            rx.vstack(
                rx.text(
                    day.day,
                    size="2",
                    weight=rx.cond(day.is_today, "bold", "regular"),
                    aria_current=rx.cond(day.is_today, "date", None),
                ),
                rx.foreach(day.deadlines, _entry),
                spacing="1",
                align="start",
            ),
        ),
        vertical_align="top",
        height="96px",
        width="14%",
    )


def _feed(feed: FeedView) -> rx.Component:
    return rx.hstack(
        rx.text(feed.label, weight="medium"),
        rx.text("created ", feed.created, size="2", color_scheme="gray"),
        rx.button(
            "Revoke",
            size="1",
            variant="soft",
            color_scheme="red",
            on_click=State.revoke(feed.id),
            aria_label=f"Revoke feed: {feed.label}",
        ),
        align="center",
        spacing="3",
    )


def _feeds() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Calendar feeds", size="4", as_="h2"),
            rx.text(
                'Subscribe from Google Calendar or Outlook ("From URL"). Anyone with the link '
                "can read the feed, so keep it private and revoke it if it leaks.",
                size="2",
                color_scheme="gray",
            ),
            rx.cond(
                State.new_feed_url != "",
                rx.callout(
                    rx.vstack(
                        rx.text("Copy this link now; it is shown only once."),
                        rx.hstack(
                            rx.code(State.new_feed_url, aria_label="New feed link"),
                            rx.button(
                                "Copy link",
                                size="1",
                                on_click=rx.set_clipboard(State.new_feed_url),
                            ),
                            align="center",
                            wrap="wrap",
                        ),
                    ),
                    icon="link",
                ),
            ),
            rx.foreach(State.feeds, _feed),
            rx.button("New feed of my deadlines", on_click=State.new_feed(""), variant="soft"),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


@staff_page(route="/calendar", title="Calendar", on_load=State.load)
def calendar_page() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.heading(State.view.title, size="6", as_="h1"),
            rx.spacer(),
            rx.button(
                "Previous month", variant="soft", on_click=State.show_month(State.view.previous)
            ),
            rx.button(
                "Next month", variant="soft", on_click=State.show_month(State.view.following)
            ),
            align="center",
            width="100%",
        ),
        rx.card(
            rx.table.root(
                rx.el.caption("Deadlines this month", style=VISUALLY_HIDDEN),
                rx.table.header(
                    rx.table.row(*[rx.table.column_header_cell(day) for day in WEEKDAYS])
                ),
                rx.table.body(
                    rx.foreach(
                        State.view.weeks, lambda week: rx.table.row(rx.foreach(week.days, _day))
                    )
                ),
                width="100%",
                layout="fixed",
            ),
            width="100%",
            overflow_x="auto",
        ),
        _feeds(),
        spacing="4",
        width="100%",
    )
