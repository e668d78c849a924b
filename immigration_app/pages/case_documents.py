"""The Documents tab of the case workspace: each person's checklist with its files and the
review actions; its dialogs (pages/case_document_dialogs.py) and the client portal links
(pages/case_portal_links.py)."""

from __future__ import annotations

import reflex as rx

from immigration_app.pages.case_document_dialogs import (
    accept_dialog,
    ask_dialog,
    reject_dialog,
    upload_dialog,
    waive_dialog,
)
from immigration_app.pages.case_portal_links import new_link_dialog, portal_panel
from immigration_app.services.documents import FileView, ItemView
from immigration_app.state.documents import CaseDocumentsState as State
from immigration_app.state.documents import PersonGroup, SectionGroup


def _status_badge(status) -> rx.Component:
    return rx.match(
        status,
        ("uploaded", rx.badge("Waiting for review", color_scheme="blue")),
        ("accepted", rx.badge("Accepted", color_scheme="green")),
        ("rejected", rx.badge("Sent back", color_scheme="red")),
        ("waived", rx.badge("Waived", color_scheme="gray")),
        rx.badge("Needed", color_scheme="amber"),
    )


def _review_badge(review) -> rx.Component:
    return rx.match(
        review,
        ("accepted", rx.badge("accepted", color_scheme="green", variant="outline")),
        ("rejected", rx.badge("sent back", color_scheme="red", variant="outline")),
        rx.badge("waiting for review", color_scheme="blue", variant="outline"),
    )


def _file(file: FileView) -> rx.Component:
    # HEIC photos cannot be shown by most browsers: they download only.
    previewable = (file.media_type != "image/heic") & (file.media_type != "image/heif")
    return rx.el.li(
        rx.hstack(
            rx.badge("v", file.version, variant="soft"),
            rx.text(file.name, size="2", weight="medium", word_break="break-all"),
            rx.text(file.size, size="2", color_scheme="gray"),
            _review_badge(file.review),
            rx.link(
                "Download", href=file.url, reload_document=True, aria_label="Download " + file.name
            ),
            rx.cond(
                previewable,
                rx.link(
                    "Preview",
                    href=file.inline_url,
                    is_external=True,
                    rel="noopener noreferrer",
                    aria_label="Preview " + file.name + " (opens in a new tab)",
                ),
            ),
            align="center",
            spacing="2",
            wrap="wrap",
        ),
        rx.text(
            "Uploaded ",
            file.uploaded,
            " by ",
            file.uploaded_by,
            " · sent as ",
            file.original_name,
            size="1",
            color_scheme="gray",
        ),
        list_style="none",
        padding_y="4px",
    )


def _action(label: str, item: ItemView, on_click, **props) -> rx.Component:
    return rx.button(
        label,
        size="1",
        variant="soft",
        on_click=on_click,
        aria_label=f"{label}: " + item.title,
        **props,
    )


def _actions(item: ItemView) -> rx.Component:
    waived = item.status == "waived"
    return rx.hstack(
        rx.cond(
            item.status == "uploaded",
            rx.fragment(
                _action("Accept", item, State.accept(item.id), color_scheme="green"),
                _action("Reject", item, State.open_reject(item.id), color_scheme="red"),
            ),
        ),
        rx.cond(
            waived,
            _action("Restore", item, State.restore(item.id)),
            rx.fragment(
                _action("Upload for the client", item, State.open_upload(item.id)),
                _action("Waive", item, State.open_waive(item.id), color_scheme="gray"),
            ),
        ),
        spacing="2",
        wrap="wrap",
    )


def _item(item: ItemView) -> rx.Component:
    return rx.el.li(
        rx.vstack(
            rx.hstack(
                rx.text(item.title, weight="bold"),
                _status_badge(item.status),
                rx.badge(rx.cond(item.required, "required", "optional"), variant="outline"),
                rx.cond(item.translation, rx.badge("certified translation", variant="outline")),
                rx.cond(item.added_for_case, rx.badge("added for this case", variant="outline")),
                rx.cond(
                    item.expires_on != "",
                    rx.cond(
                        item.expired,
                        rx.text("Expired ", item.expires_on, color_scheme="red", weight="bold"),
                        rx.text("Expires ", item.expires_on, size="2", color_scheme="gray"),
                    ),
                ),
                align="center",
                spacing="2",
                wrap="wrap",
            ),
            rx.cond(
                item.reason != "",
                rx.text(
                    rx.cond(item.status == "waived", "Waived because: ", "Told the client: "),
                    item.reason,
                    size="2",
                ),
            ),
            rx.cond(
                item.files.length() > 0,
                rx.el.ul(
                    rx.foreach(item.files, _file),
                    aria_label="Files for " + item.title,
                    padding="0",
                    margin="0",
                ),
                rx.text("Nothing uploaded yet.", size="2", color_scheme="gray"),
            ),
            _actions(item),
            spacing="2",
            width="100%",
        ),
        list_style="none",
        padding_y="10px",
        border_bottom="1px solid var(--gray-a4)",
    )


def _section(section: SectionGroup) -> rx.Component:
    return rx.vstack(
        rx.heading(section.title, size="3", as_="h4", color_scheme="gray"),
        rx.el.ul(rx.foreach(section.documents, _item), padding="0", margin="0", width="100%"),
        spacing="1",
        width="100%",
    )


def _person(person: PersonGroup) -> rx.Component:
    return rx.card(
        rx.el.section(
            rx.vstack(
                rx.hstack(
                    rx.heading(person.name, size="4", as_="h3"),
                    rx.badge(person.role, variant="soft"),
                    rx.spacer(),
                    rx.cond(
                        person.still_needed > 0,
                        rx.text(
                            person.still_needed, " required still needed", size="2", weight="medium"
                        ),
                        rx.text("Every required document is in", size="2", color_scheme="green"),
                    ),
                    align="center",
                    spacing="3",
                    width="100%",
                    wrap="wrap",
                ),
                rx.foreach(person.sections, _section),
                spacing="3",
                width="100%",
            ),
            aria_label="Documents of " + person.name,
        ),
        width="100%",
    )


def _documents() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.button("Ask for another document", variant="soft", on_click=State.open_ask),
            rx.link(
                "Export case folder",
                href="/api/cases/" + State.reference + "/folder.zip",
                reload_document=True,
            ),
            align="center",
            spacing="4",
            wrap="wrap",
        ),
        rx.cond(
            State.people.length() > 0,
            rx.vstack(rx.foreach(State.people, _person), spacing="3", width="100%"),
            rx.text(
                "This case has no checklist items. Use “Ask for another document” to request one.",
                color_scheme="gray",
            ),
        ),
        portal_panel(),
        accept_dialog(),
        reject_dialog(),
        waive_dialog(),
        upload_dialog(),
        ask_dialog(),
        new_link_dialog(),
        spacing="4",
        width="100%",
    )


def documents_tab() -> rx.Component:
    return rx.cond(
        State.loaded,
        _documents(),
        rx.center(rx.spinner(size="3"), padding="32px", aria_label="Loading the documents"),
    )
