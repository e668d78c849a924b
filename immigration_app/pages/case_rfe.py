"""A section of the case's USCIS tab (pages/case_uscis.py): requests for evidence and notices of
intent to deny, what USCIS asks for, and the response packet from build to review to filing."""

from __future__ import annotations

import reflex as rx

from immigration_app.components.fields import LABEL_STYLE, select_field, text_field
from immigration_app.services.evidence_request_views import (
    DocumentChoice,
    RequestedView,
    RequestView,
)
from immigration_app.state.case_rfe import CaseRfeState as State

_CHECK_LABEL = {"display": "flex", "gap": "8px", "alignItems": "center", "fontSize": "14px"}
_STATUS = (
    ("needed", rx.badge("Needed from the client", color_scheme="amber")),
    ("uploaded", rx.badge("Sent: waiting for review", color_scheme="blue")),
    ("accepted", rx.badge("Accepted", color_scheme="green")),
    ("rejected", rx.badge("Sent back to the client", color_scheme="red")),
    ("waived", rx.badge("Waived", color_scheme="gray")),
)
_KINDS = [("rfe", "Request for evidence (RFE)"), ("noid", "Notice of intent to deny (NOID)")]


def _fact(label: str, value) -> rx.Component:
    return rx.vstack(
        rx.text(label, size="1", color_scheme="gray", weight="medium"),
        rx.text(value, size="3"),
        spacing="0",
    )


def _days(days) -> rx.Component:
    return rx.cond(
        days < 0,
        rx.badge(-days, " days overdue", color_scheme="red"),
        rx.badge(days, " days left", color_scheme=rx.cond(days <= 14, "amber", "gray")),
    )


def _error(key) -> rx.Component:
    return rx.cond(
        State.errors.contains(key),
        rx.text(State.errors[key], color_scheme="red", size="2", role="alert"),
    )


def _hidden(name: str, value) -> rx.Component:
    return rx.el.input(type="hidden", name=name, default_value=value)


def _people_select(name, label: str, empty: str) -> rx.Component:
    return rx.vstack(
        rx.el.label(label, html_for=name, style=LABEL_STYLE),
        rx.el.select(
            rx.el.option(empty, value=""),
            rx.foreach(State.people, lambda p: rx.el.option(p[1], value=p[0])),
            id=name,
            name="member_id",
            style={"padding": "6px 8px", "borderRadius": "6px"},
        ),
        spacing="1",
    )


def _requested(entry: RequestedView, request: RequestView) -> rx.Component:
    ask = rx.form(
        rx.hstack(
            _hidden("request_id", request.id.to_string()),
            _hidden("key", entry.key),
            _people_select("ask-" + entry.key, "Ask the client for it", "Choose the person"),
            rx.button("Ask", type="submit", variant="soft", aria_label="Ask for: " + entry.text),
            align="end",
            spacing="2",
        ),
        _error(entry.key + "-member_id"),
        on_submit=State.ask,
        reset_on_submit=False,
    )
    return rx.el.li(
        rx.vstack(
            rx.hstack(
                rx.text(entry.text, weight="medium"),
                rx.match(entry.status, *_STATUS, rx.badge("The firm provides it", variant="soft")),
                rx.cond(entry.asked_of != "", rx.text("asked of ", entry.asked_of, size="2")),
                rx.spacer(),
                rx.cond(
                    request.is_open,
                    rx.button(
                        "Remove",
                        size="1",
                        variant="soft",
                        color_scheme="gray",
                        on_click=State.remove_item(request.id, entry.key),
                        aria_label="Remove: " + entry.text,
                    ),
                ),
                align="center",
                spacing="2",
                width="100%",
                wrap="wrap",
            ),
            rx.cond(request.is_open & (entry.item_id == 0), ask),
            spacing="1",
            width="100%",
        ),
        list_style="none",
        padding_y="6px",
        border_bottom="1px solid var(--gray-a3)",
    )


def _add_item(request: RequestView) -> rx.Component:
    prefix = request.id.to_string() + "-"
    return rx.form(
        rx.vstack(
            _hidden("request_id", request.id.to_string()),
            rx.el.label("What USCIS asks for", html_for="rfe-text-" + prefix, style=LABEL_STYLE),
            rx.text_area(id="rfe-text-" + prefix, name="text", rows="2", width="100%"),
            _error(prefix + "text"),
            rx.hstack(
                _people_select(
                    "rfe-member-" + prefix, "Ask the client for it", "No: the firm provides it"
                ),
                rx.vstack(
                    rx.el.label(
                        "Title for the client in Spanish (optional)",
                        html_for="rfe-es-" + prefix,
                        style=LABEL_STYLE,
                    ),
                    rx.input(id="rfe-es-" + prefix, name="title_es", width="280px"),
                    spacing="1",
                ),
                rx.button("Add requested item", type="submit"),
                align="end",
                spacing="3",
                wrap="wrap",
                width="100%",
            ),
            _error(prefix + "member_id"),
            _error(prefix + "title_en"),
            spacing="2",
            width="100%",
        ),
        on_submit=State.add_item,
        key=State.form_version,
        width="100%",
    )


def _request(request: RequestView) -> rx.Component:
    return rx.el.article(
        rx.vstack(
            rx.hstack(
                rx.heading(request.title, size="4", as_="h3"),
                rx.cond(
                    request.is_open,
                    _days(request.days_left),
                    rx.badge("Response filed ", request.filed_on, color_scheme="green"),
                ),
                align="center",
                spacing="3",
                wrap="wrap",
            ),
            rx.grid(
                _fact("Government due date (printed)", request.due),
                _fact(
                    "Our target",
                    rx.cond(request.internal_target != "", request.internal_target, "None"),
                ),
                _fact(
                    "Receipt number",
                    rx.cond(request.receipt_number != "", request.receipt_number, "—"),
                ),
                rx.cond(request.is_open, _fact("Days to our target", request.target_days_left)),
                columns=rx.breakpoints(initial="2", md="4"),
                spacing="3",
                width="100%",
            ),
            rx.cond(request.deadline_note != "", rx.text(request.deadline_note, size="2")),
            rx.heading("What USCIS asks for", size="3", as_="h4"),
            rx.cond(
                request.requested.length() > 0,
                rx.el.ul(
                    rx.foreach(request.requested, lambda entry: _requested(entry, request)),
                    aria_label="Requested items",
                    padding="0",
                    margin="0",
                    width="100%",
                ),
                rx.text("Nothing written down yet: add each item the notice lists.", size="2"),
            ),
            rx.cond(request.is_open, _add_item(request)),
            spacing="3",
            width="100%",
        ),
        aria_label=request.title,
        padding_y="8px",
        width="100%",
    )


def _document(document: DocumentChoice) -> rx.Component:
    return rx.el.label(
        rx.checkbox(name="doc_" + document.item_id.to_string(), default_checked=document.chosen),
        document.title,
        style=_CHECK_LABEL,
    )


def _review() -> rx.Component:
    response = State.response
    approve = rx.form(
        rx.vstack(
            rx.foreach(
                State.checks,
                lambda check: rx.el.label(
                    rx.checkbox(name="check_" + check[0]), check[1], style=_CHECK_LABEL
                ),
            ),
            rx.button("Approve", type="submit", color_scheme="green"),
            spacing="2",
        ),
        on_submit=State.approve,
        reset_on_submit=False,
    )
    send_back = rx.form(
        rx.vstack(
            rx.el.label("What needs to change", html_for="rfe-comments", style=LABEL_STYLE),
            rx.text_area(id="rfe-comments", name="comments", rows="2", width="100%"),
            rx.button("Return with comments", type="submit", variant="soft", color_scheme="red"),
            spacing="2",
            width="100%",
        ),
        on_submit=State.send_back,
        reset_on_submit=False,
    )
    return rx.cond(
        response.may_decide,
        rx.vstack(
            approve,
            send_back,
            *[_error(f"review_{key}") for key in ("checks", "comments", "packet", "review")],
            spacing="3",
            width="100%",
        ),
        rx.text(response.why_not, size="2", color_scheme="gray"),
    )


def _response() -> rx.Component:
    response = State.response
    build = rx.form(
        rx.vstack(
            rx.text("Documents in the response (accepted documents only)", style=LABEL_STYLE),
            rx.cond(
                State.documents.length() > 0,
                rx.vstack(rx.foreach(State.documents, _document), spacing="1"),
                rx.text(
                    "No accepted documents yet. Accept what the client sends on the Documents tab.",
                    size="2",
                    color_scheme="gray",
                ),
            ),
            rx.button("Build response packet", type="submit", loading=State.building),
            rx.cond(
                State.building,
                rx.progress(value=State.build_progress, aria_label="Building the response packet"),
            ),
            *[_error(f"build_{key}") for key in ("documents", "packet", "addressee", "request")],
            spacing="2",
            width="100%",
        ),
        on_submit=State.build,
        reset_on_submit=False,
        key=State.form_version,
    )
    submit = rx.form(
        rx.hstack(
            text_field("Note for the reviewer (optional)", "rfe_note"),
            rx.button("Submit for review", type="submit"),
            align="end",
            spacing="3",
        ),
        _error("submit_packet"),
        _error("submit_note"),
        on_submit=State.submit,
        reset_on_submit=False,
    )
    record = rx.form(
        rx.hstack(
            text_field("Response filed on", "rfe_filed_on", type="date", errors=State.errors),
            rx.button("Record response filed", type="submit"),
            align="end",
            spacing="3",
        ),
        _error("rfe_packet"),
        _error("rfe_request"),
        on_submit=State.record_filed,
        reset_on_submit=False,
    )
    return rx.el.section(
        rx.vstack(
            rx.heading("Response packet", size="4", as_="h3"),
            build,
            rx.text(response.message, role="status"),
            rx.cond(
                response.packet_id != 0,
                rx.link(
                    "View response packet version ",
                    response.version.to_string(),
                    href="/api/packets/" + response.packet_id.to_string() + "?inline=1",
                    is_external=True,
                    rel="noopener noreferrer",
                ),
            ),
            rx.cond(response.can_submit, submit),
            rx.cond(response.state == "pending", _review()),
            rx.cond(response.can_record, record),
            spacing="3",
            width="100%",
        ),
        aria_label="Response packet",
        width="100%",
    )


def _by_hand() -> rx.Component:
    return rx.form(
        rx.hstack(
            select_field("Kind", "rfe_kind", _KINDS, errors=State.errors),
            text_field("Notice date", "rfe_notice_date", type="date", errors=State.errors),
            text_field("Response due (printed)", "rfe_due_on", type="date", errors=State.errors),
            text_field("Receipt number (optional)", "rfe_receipt_number", errors=State.errors),
            rx.button("Add a request by hand", type="submit", variant="soft"),
            align="end",
            spacing="3",
            wrap="wrap",
            width="100%",
        ),
        on_submit=State.add_by_hand,
        reset_on_submit=False,
        key=State.form_version,
        width="100%",
    )


def rfe_section() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Requests for evidence", size="5", as_="h2"),
            rx.cond(
                State.loaded,
                rx.vstack(
                    rx.cond(
                        State.requests.length() > 0,
                        rx.vstack(rx.foreach(State.requests, _request), spacing="3", width="100%"),
                        rx.text(
                            "No request for evidence or notice of intent to deny on this case. "
                            "Confirm one from its notice above, or add it by hand.",
                            color_scheme="gray",
                        ),
                    ),
                    rx.cond(State.response.request_id != 0, _response()),
                    _by_hand(),
                    spacing="4",
                    width="100%",
                ),
                rx.center(rx.spinner(), padding="16px", aria_label="Loading the requests"),
            ),
            spacing="3",
            width="100%",
        ),
        width="100%",
        role="region",
        aria_label="Requests for evidence",
    )
