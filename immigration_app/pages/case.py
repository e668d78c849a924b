"""/cases/[ref]: one case's workspace: header, people, timeline, notes."""

from __future__ import annotations

import functools

import reflex as rx

from immigration_app.components.fields import (
    field_error,
    inline_form,
    select_field,
    text_area,
    text_field,
)
from immigration_app.components.profile import profile_fields
from immigration_app.components.shell import staff_page
from immigration_app.pages.case_deadlines import deadlines_tab, messages_tab
from immigration_app.pages.case_documents import documents_tab
from immigration_app.pages.case_filing import filing_tab
from immigration_app.pages.case_forms import forms_tab
from immigration_app.pages.case_histories import member_histories
from immigration_app.pages.case_members import add_person_dialog, member_controls
from immigration_app.pages.case_uscis import uscis_tab
from immigration_app.services.cases import MemberView, NoteView, TimelineEntry
from immigration_app.state.case_checks import CaseChecksState
from immigration_app.state.case_filing import CaseFilingState
from immigration_app.state.case_forms import CaseFormsState
from immigration_app.state.case_notices import CaseNoticesState
from immigration_app.state.case_processing import CaseProcessingState
from immigration_app.state.case_rfe import CaseRfeState
from immigration_app.state.case_status import CaseStatusState
from immigration_app.state.cases import CaseState
from immigration_app.state.deadlines import CaseDeadlinesState
from immigration_app.state.documents import CaseDocumentsState
from immigration_app.state.profile_histories import CaseHistoriesState


def _fact(label: str, value, badge: rx.Component | None = None) -> rx.Component:
    title = rx.text(label, size="1", color_scheme="gray", weight="medium")
    return rx.vstack(
        title if badge is None else rx.hstack(title, badge, spacing="2", align="center"),
        rx.text(value, size="3"),
        spacing="1",
    )


def _or_none(value, none_text: str = "Not assigned"):
    return rx.cond(value != "", value, none_text)


def _stage_form() -> rx.Component:
    return inline_form(
        select_field(
            "Stage",
            "stage",
            CaseState.stages,
            errors=CaseState.errors,
            default_value=CaseState.header.stage_key,
        ),
        action="Move case",
        on_submit=CaseState.move,
        # Redrawn when the stage changes, whichever tab moved the case (a review, a filing).
        key=CaseState.form_version.to_string() + CaseState.header.stage_key,
    )


def _assignment_form() -> rx.Component:
    header = CaseState.header
    return inline_form(
        select_field(
            "Responsible attorney",
            "attorney_id",
            CaseState.attorneys,
            errors=CaseState.errors,
            empty_label="Not assigned",
            default_value=header.attorney_id,
        ),
        select_field(
            "Paralegal",
            "paralegal_id",
            CaseState.paralegals,
            errors=CaseState.errors,
            empty_label="Not assigned",
            default_value=header.paralegal_id,
        ),
        action="Save assignment",
        on_submit=CaseState.assign,
        key=CaseState.form_version,
    )


def _receipt_form() -> rx.Component:
    return inline_form(
        text_field("Add a receipt number", "receipt_number", errors=CaseState.errors),
        text_field("Form (e.g. I-130)", "receipt_form", errors=CaseState.errors),
        action="Add receipt number",
        on_submit=CaseState.add_receipt,
        key=CaseState.form_version,
    )


def _priority_date_form() -> rx.Component:
    return inline_form(
        text_field(
            "Priority date (empty to clear)",
            "priority_date",
            type="date",
            errors=CaseState.errors,
            default_value=CaseState.header.priority_date_iso,
        ),
        action="Save priority date",
        on_submit=CaseState.save_priority_date,
        key=CaseState.form_version.to_string() + CaseState.header.priority_date_iso,
    )


_CHECK_LABEL = {"display": "flex", "gap": "8px", "alignItems": "center", "fontSize": "14px"}


def _dialog_buttons(action: str) -> rx.Component:
    return rx.hstack(
        rx.dialog.close(rx.button("Cancel", type="button", variant="soft", color_scheme="gray")),
        rx.button(action, type="submit"),
        spacing="3",
        justify="end",
        width="100%",
    )


def _close_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            select_field(
                "How the case ended",
                "outcome",
                CaseState.outcome_options,
                errors=CaseState.errors,
                empty_label="Choose the outcome",
            ),
            text_area("Note (needed for Other)", "closing_note", errors=CaseState.errors, rows=3),
            rx.el.label(
                rx.checkbox(name="waive_deadlines"),
                "Close anyway and mark the open deadlines as no longer needed",
                style=_CHECK_LABEL,
            ),
            field_error(CaseState.errors, "waive_deadlines"),
            _dialog_buttons("Close the case"),
            spacing="3",
            width="100%",
        ),
        on_submit=CaseState.close,
        reset_on_submit=False,
        key=CaseState.form_version,
        width="100%",
    )


def _reopen_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            text_area("Why it is reopened", "reopen_reason", errors=CaseState.errors, rows=3),
            _dialog_buttons("Reopen the case"),
            spacing="3",
            width="100%",
        ),
        on_submit=CaseState.reopen,
        reset_on_submit=False,
        key=CaseState.form_version,
        width="100%",
    )


def _closing_dialog() -> rx.Component:
    """Closing a case (it leaves the open list, its reminders and portal links stop) or
    reopening it: attorneys and admins only."""
    closing = CaseState.closing_dialog == "close"
    return rx.dialog.root(
        rx.dialog.content(
            rx.dialog.title(rx.cond(closing, "Close this case", "Reopen this case")),
            rx.dialog.description(
                rx.cond(
                    closing,
                    "The case leaves the open cases list. Reminders to staff and the client "
                    "stop, messages not yet sent are held back, and the client's portal links "
                    "say the case is closed.",
                    "The case goes back on the open cases list and the client's reminders "
                    "start again. Deadlines waived at closing stay waived.",
                ),
                size="2",
                margin_bottom="12px",
            ),
            rx.cond(closing, _close_form(), _reopen_form()),
            max_width="560px",
        ),
        open=CaseState.closing_dialog != "",
        on_open_change=CaseState.set_closing_dialog,
    )


def _closing_controls() -> rx.Component:
    return rx.hstack(
        rx.cond(
            CaseState.header.closed_on == "",
            rx.button(
                "Close case",
                variant="soft",
                color_scheme="gray",
                on_click=CaseState.open_closing_dialog("close"),
            ),
            rx.button(
                "Reopen case", variant="soft", on_click=CaseState.open_closing_dialog("reopen")
            ),
        ),
        _closing_dialog(),
    )


def _header() -> rx.Component:
    header = CaseState.header
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(header.client, size="7", as_="h1"),
                rx.badge(header.stage, size="2", variant="soft"),
                rx.cond(
                    header.closed_on != "",
                    rx.badge(
                        "Closed on " + header.closed_on + ": " + header.closed_outcome,
                        size="2",
                        color_scheme="gray",
                    ),
                ),
                rx.spacer(),
                rx.cond(CaseState.may_assign, _closing_controls()),
                align="center",
                spacing="3",
                wrap="wrap",
            ),
            rx.text(header.case_type, size="4"),
            rx.grid(
                _fact("Reference", header.reference),
                _fact("Responsible attorney", _or_none(header.attorney)),
                _fact("Paralegal", _or_none(header.paralegal)),
                _fact("Receipt numbers", _or_none(header.receipt_numbers, "None yet")),
                columns=rx.breakpoints(initial="2", md="4"),
                spacing="4",
                width="100%",
            ),
            rx.el.section(
                rx.grid(
                    _fact("Opened", header.opened_on),
                    _fact("Filed", _or_none(header.filed_on, "Not yet")),
                    _fact("Received by USCIS", _or_none(header.received_on, "Not yet")),
                    _fact("Priority date", _or_none(header.priority_date, "Not set")),
                    rx.cond(header.closed_on != "", _fact("Closed", header.closed_on)),
                    _fact("Next deadline", _or_none(header.next_deadline, "None")),
                    columns=rx.breakpoints(initial="2", md="6"),
                    spacing="4",
                    width="100%",
                ),
                aria_label="Key dates",
                width="100%",
            ),
            _stage_form(),
            rx.cond(CaseState.may_assign, _assignment_form()),
            _receipt_form(),
            _priority_date_form(),
            spacing="4",
            width="100%",
        ),
        width="100%",
    )


def _from_client(member: MemberView, field: str) -> rx.Component:
    """A small mark on an answer the client gave through the portal."""
    return rx.cond(
        member.from_client.contains(field),
        rx.badge("from client", color_scheme="blue", variant="soft", size="1"),
    )


def _member_histories(member: MemberView) -> rx.Component:
    """What the client answered in the portal, and the histories staff keep."""
    return rx.vstack(
        rx.cond(
            member.client_answered != "",
            rx.text(
                "Answered by the client in the portal: ",
                member.client_answered,
                size="2",
                color_scheme="blue",
            ),
        ),
        member_histories(member, functools.partial(_from_client, member)),
        spacing="2",
        width="100%",
    )


def _member_facts(member: MemberView) -> rx.Component:
    profile = member.profile
    return rx.grid(
        _fact("Date of birth", _or_none(member.born, "—"), _from_client(member, "date_of_birth")),
        _fact("A-number", _or_none(profile["a_number"], "—"), _from_client(member, "a_number")),
        _fact("SSN", _or_none(profile["ssn"], "—"), _from_client(member, "ssn")),
        _fact(
            "Sex",
            rx.cond(profile["sex"] == "", "—", profile["sex"].to(str).capitalize()),
            _from_client(member, "sex"),
        ),
        _fact(
            "Citizenship",
            _or_none(profile["country_of_citizenship"], "—"),
            _from_client(member, "country_of_citizenship"),
        ),
        _fact("Email", _or_none(profile["email"], "—"), _from_client(member, "email")),
        _fact("Phone", _or_none(profile["phone"], "—"), _from_client(member, "phone")),
        _fact("Language", rx.cond(profile["preferred_language"] == "es", "Spanish", "English")),
        _fact(
            "Last arrival in the US",
            _or_none(member.last_arrival, "—"),
            _from_client(member, "last_arrival_date"),
        ),
        _fact(
            "I-94 admit until",
            _or_none(member.i94_until, "—"),
            _from_client(member, "i94_admit_until"),
        ),
        columns=rx.breakpoints(initial="2", md="3"),
        spacing="3",
        width="100%",
    )


def _edit_form() -> rx.Component:
    return rx.form(
        rx.vstack(
            profile_fields(CaseState.errors, CaseState.edit_profile),
            rx.hstack(
                rx.button("Save profile", type="submit"),
                rx.button(
                    "Cancel", type="button", variant="soft", on_click=CaseState.cancel_editing
                ),
                spacing="3",
            ),
            spacing="4",
            width="100%",
        ),
        on_submit=CaseState.save_profile,
        reset_on_submit=False,
        key=CaseState.form_version,
        width="100%",
    )


def _member(member: MemberView) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.hstack(
                rx.heading(member.name, size="4", as_="h3"),
                rx.badge(member.role, variant="soft"),
                rx.cond(member.is_client, rx.badge("Client", color_scheme="green")),
                rx.spacer(),
                rx.cond(
                    CaseState.editing_person_id != member.person_id,
                    rx.button(
                        "Edit profile",
                        variant="soft",
                        size="2",
                        on_click=CaseState.start_editing(member.person_id),
                        aria_label="Edit profile of " + member.name,
                    ),
                ),
                align="center",
                spacing="3",
                width="100%",
                wrap="wrap",
            ),
            member_controls(member),
            rx.cond(
                CaseState.editing_person_id == member.person_id, _edit_form(), _member_facts(member)
            ),
            _member_histories(member),
            spacing="3",
            width="100%",
        ),
        width="100%",
    )


def _timeline_entry(entry: TimelineEntry) -> rx.Component:
    return rx.el.li(
        rx.hstack(
            rx.text(entry.when, size="2", color_scheme="gray", min_width="150px"),
            rx.vstack(
                rx.text(entry.summary, size="3"),
                rx.foreach(entry.changes, lambda change: rx.text(change, size="2")),
                rx.text(entry.who, size="1", color_scheme="gray"),
                spacing="1",
            ),
            spacing="4",
        ),
        padding_y="8px",
        border_bottom="1px solid var(--gray-a4)",
        list_style="none",
    )


def _timeline() -> rx.Component:
    return rx.vstack(
        rx.hstack(
            rx.el.label("Show", html_for="timeline-kind", style={"fontSize": "14px"}),
            rx.el.select(
                rx.el.option("Every kind of event", value=""),
                rx.foreach(
                    CaseState.event_kinds,
                    lambda kind: rx.el.option(kind.replace("_", " "), value=kind),
                ),
                id="timeline-kind",
                value=CaseState.timeline_kind,
                on_change=CaseState.filter_timeline,
                style={"padding": "6px 8px", "borderRadius": "6px"},
            ),
            align="center",
            spacing="3",
        ),
        rx.el.ul(
            rx.foreach(CaseState.timeline, _timeline_entry),
            aria_label="Case timeline",
            padding="0",
            margin="0",
            width="100%",
        ),
        rx.cond(
            CaseState.timeline_has_older,
            rx.cond(
                CaseState.timeline_at_most,
                rx.text(
                    "These are the newest 1,000. Choose a kind of event above, or ask an admin "
                    "to search the audit log, for older ones.",
                    color_scheme="gray",
                ),
                rx.button(
                    "Show older events",
                    variant="soft",
                    type="button",
                    on_click=CaseState.show_older_events,
                ),
            ),
        ),
        spacing="3",
        width="100%",
    )


def _note(note: NoteView) -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.text(note.author, " · ", note.when, size="1", color_scheme="gray"),
            # Notes are markdown, but HTML in them is shown as text, never run or rendered.
            rx.markdown(note.body, use_raw=False),
            spacing="1",
            width="100%",
        ),
        width="100%",
    )


def _notes() -> rx.Component:
    return rx.vstack(
        rx.form(
            rx.vstack(
                text_area(
                    "New note (Markdown; staff only, never shown to clients)",
                    "note",
                    errors=CaseState.errors,
                ),
                rx.button("Add note", type="submit"),
                spacing="3",
                width="100%",
            ),
            on_submit=CaseState.add_case_note,
            key=CaseState.form_version,
            width="100%",
        ),
        rx.cond(
            CaseState.notes.length() > 0,
            rx.el.section(
                rx.vstack(rx.foreach(CaseState.notes, _note), spacing="3"),
                aria_label="Notes",
                width="100%",
            ),
            rx.text("No notes yet.", color_scheme="gray"),
        ),
        spacing="4",
        width="100%",
    )


def _tabs() -> rx.Component:
    tabs = (
        (
            "profile",
            "Profile",
            rx.vstack(
                add_person_dialog(),
                rx.foreach(CaseState.members, _member),
                spacing="3",
                width="100%",
            ),
        ),
        ("timeline", "Timeline", _timeline()),
        ("notes", "Notes", _notes()),
        ("documents", "Documents", documents_tab()),
        ("forms", "Forms", forms_tab()),
        ("deadlines", "Deadlines", deadlines_tab()),
        ("messages", "Messages", messages_tab()),
        ("uscis", "USCIS", uscis_tab()),
        ("filing", "Filing", filing_tab()),
    )
    return rx.tabs.root(
        rx.tabs.list(*[rx.tabs.trigger(label, value=key) for key, label, _ in tabs]),
        *[rx.tabs.content(content, value=key, padding_top="16px") for key, _, content in tabs],
        value=CaseState.tab,
        on_change=[
            CaseState.choose_tab,
            CaseHistoriesState.show_tab,
            CaseDeadlinesState.show_tab,
            CaseDocumentsState.show_tab,
            CaseFormsState.show_tab,
            CaseChecksState.show_tab,
            CaseStatusState.show_tab,
            CaseProcessingState.show_tab,
            CaseNoticesState.show_tab,
            CaseRfeState.show_tab,
            CaseFilingState.show_tab,
        ],
        width="100%",
    )


def _not_found() -> rx.Component:
    return rx.card(
        rx.vstack(
            rx.heading("Case not found", size="5", as_="h1"),
            rx.text(
                "There is no case with this reference that you can open. Check the "
                "reference, or ask the responsible attorney to assign it to you."
            ),
            rx.link("Back to cases", href="/"),
            spacing="3",
        )
    )


@staff_page(
    route="/cases/[ref]",
    title="Case",
    on_load=CaseState.load,  # it opens every tab's state too
)
def case() -> rx.Component:
    return rx.match(
        CaseState.status,
        ("found", rx.vstack(_header(), _tabs(), spacing="5", width="100%")),
        ("missing", _not_found()),
        rx.center(rx.spinner(size="3"), padding="48px", aria_label="Loading the case"),
    )
