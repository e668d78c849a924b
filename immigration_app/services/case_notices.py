"""Notices USCIS sent about a case: kept, read, and turned into records one click at a time.

Staff upload a notice (or the client sends it through the portal). It is kept encrypted like every
document and read with services/notices.py; what the reading proposes (the receipt number, an
appointment, an RFE or NOID due date, a decision) changes nothing until staff confirm it, after
correcting the values if need be. A scanned notice or a photo cannot be read: staff type what it
says and get the same proposals. Nothing is overwritten silently: a receipt number already on
another case cannot be confirmed here, and a proposal that would change a value the case holds
says what it replaces.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from datetime import date, time

from sqlmodel import Session, select

from immigration_app.models import Case, CaseNotice, Deadline, DeadlineStatus, ReceiptNumber
from immigration_app.services import storage
from immigration_app.services.audit import PORTAL_ACTOR, record_event
from immigration_app.services.cases import add_receipt_number, change_priority_date
from immigration_app.services.deadlines import add_from_trigger
from immigration_app.services.errors import InvalidInput, NotFound
from immigration_app.services.evidence_requests import open_request
from immigration_app.services.firm import firm_clock
from immigration_app.services.messages import queue_staff_message, staff_of_case
from immigration_app.services.notices import KINDS, NoticeReading, NoticeRefused, read_notice
from immigration_app.services.people import client_name
from immigration_app.services.portal import PortalAccess, check_link
from immigration_app.services.receipts import normalize_receipt_number, receipt_warning
from immigration_app.services.stages import skipped_by, stage_titles
from immigration_app.services.viewer import Viewer, visible_case

TITLES = {
    "receipt": "Receipt notice",
    "biometrics": "Biometrics appointment notice",
    "interview": "Interview notice",
    "rfe": "Request for evidence",
    "noid": "Notice of intent to deny",
    "approval": "Approval notice",
    "denial": "Denial",
    "transfer": "Transfer notice",
    "other": "Notice (not read)",
}
# What staff may correct before confirming each kind of proposal: (value key, input type).
EDITABLE = {
    "receipt_number": (
        ("receipt_number", "text"),
        ("form_number", "text"),
        ("received_date", "date"),
    ),
    "appointment": (("date", "date"), ("time", "text"), ("place", "text")),
    "rfe_due": (("notice_date", "date"), ("due", "date")),
    "noid_due": (("notice_date", "date"), ("due", "date")),
    "decision": (("date", "date"),),
}
# What staff type for a notice that could not be read.
TYPED = (
    *("receipt_number", "form_number", "notice_date", "received_date"),
    *("appointment_date", "appointment_time", "appointment_place", "response_due"),
)
_TIME = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(?:([ap])\.?\s*m\.?)?$", re.IGNORECASE)
MAX_TEXT_KEPT = 20_000


def _case(session: Session, actor: Viewer | None, reference: str, link_id: int | None) -> Case:
    if actor is not None:
        return visible_case(session, viewer=actor, reference=reference)
    if link_id is None:
        raise NotFound(f"No case {reference}")
    case = session.get(Case, check_link(session, link_id).case_id)  # PortalRefused if stale
    if case.reference != reference:
        raise NotFound(f"No case {reference}")
    return case


def _stored(reading: NoticeReading) -> dict:
    """The reading as JSON: its fields (dates ISO), its text (capped) and its proposals."""
    values = dataclasses.asdict(reading)
    return {
        **{k: v.isoformat() if isinstance(v, date) else v for k, v in values.items()},
        "text": reading.text[:MAX_TEXT_KEPT],
        "proposals": [dataclasses.asdict(p) for p in reading.proposals()],
    }


def add_notice(
    session: Session,
    *,
    actor: Viewer | None,
    reference: str,
    staged: storage.StagedFile,
    link_id: int | None = None,
) -> CaseNotice:
    """Keep a notice (a PDF or a photo) on the case and read it. A PDF that cannot be read is
    refused (InvalidInput) and nothing is kept; a picture is kept for staff to type."""
    case = _case(session, actor, reference, link_id)
    blob = storage.commit(staged)
    try:
        if staged.media_type == storage.PDF:
            try:
                reading = read_notice(storage.read_all(blob))
            except NoticeRefused as refused:
                raise InvalidInput({"notice": refused.message}) from None
        else:
            reading = NoticeReading(page_count=1, scanned=True)
        notice = CaseNotice(
            case_id=case.id,
            kind=reading.kind,
            receipt_number=reading.receipt_number or "",
            original_name=staged.original_name,
            media_type=staged.media_type,
            size_bytes=staged.size,
            sha256=staged.sha256,
            blob_name=blob,
            uploaded_by_id=actor.id if actor else None,
            uploaded_via_link_id=link_id,
            notice_date=reading.notice_date,
            reading=_stored(reading),
            scanned=reading.scanned,
        )
        session.add(notice)
        session.flush()
        record_event(
            session,
            kind="notice_added",
            summary=f"{TITLES.get(reading.kind, 'Notice')} {staged.original_name} added"
            + (" by the client through the portal" if actor is None else ""),
            actor=actor,
            actor_label=PORTAL_ACTOR if actor is None else None,
            case_id=case.id,
            after={"notice_id": notice.id, "sha256": staged.sha256, "kind": reading.kind},
        )
    except BaseException:
        storage.delete_blob(blob)
        raise
    return notice


def add_portal_notice(
    session: Session, *, access: PortalAccess, staged: storage.StagedFile
) -> CaseNotice:
    """A letter from USCIS the client sends through their portal link."""
    case = session.get(Case, access.case_id)
    notice = add_notice(
        session, actor=None, reference=case.reference, staged=staged, link_id=access.link_id
    )
    # Staff hear of it at once: a client who sends a letter is waiting for someone to read it.
    for user in staff_of_case(session, case):
        queue_staff_message(
            session,
            user=user,
            template="staff_client_letter",
            key=f"notice:{notice.id}:from_client",
            case=case,
            values={"client_name": client_name(session, case)},
        )
    return notice


# --- what a proposal would do -----------------------------------------------------------------


def _day(values: dict, key: str, *, required: bool) -> date | None:
    raw = (values.get(key) or "").strip()
    if not raw and not required:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        what = {"due": "due date", "date": "date"}.get(key, key.replace("_", " "))
        raise InvalidInput({key: f"Enter the {what} as the notice prints it."}) from None


def _time(raw: str) -> time | None:
    """ "10:00 AM", "9:30 a.m.", "14:30" -> a time; None for empty; InvalidInput otherwise."""
    raw = raw.strip()
    if not raw:
        return None
    match = _TIME.match(raw)
    if match:
        hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
        if half:
            hour = hour % 12 + (12 if half.lower() == "p" else 0) if 1 <= hour <= 12 else 99
        if hour <= 23 and minute <= 59:
            return time(hour, minute)
    raise InvalidInput({"time": "Enter the time as printed, e.g. 10:00 AM."})


def _receipt_changes(row: ReceiptNumber, values: dict, clock) -> tuple[list[str], bool]:
    """What confirming would replace on the case's receipt, and whether it adds anything."""
    received = _day(values, "received_date", required=False)
    form = (values.get("form_number") or "").strip()
    changes = []
    if received and row.received_on and received != row.received_on:
        was, now = clock.date(row.received_on), clock.date(received)
        changes.append(f"the received date {was} with {now}")
    if form and row.form and form != row.form:
        changes.append(f"the form {row.form} with {form}")
    news = (received and received != row.received_on) or (form and form != row.form)
    return changes, bool(news)


def assess(session: Session, case: Case, notice: CaseNotice, kind: str, values: dict):
    """(state, note): open, confirmed, blocked (cannot be confirmed) or on_case (nothing new)."""
    clock = firm_clock(session)
    if kind in notice.confirmed:
        return "confirmed", notice.reading.get("confirmed_notes", {}).get(kind, "")
    if kind == "receipt_number":
        number = normalize_receipt_number(values.get("receipt_number") or "")
        if number is None:
            return "blocked", "This is not a receipt number: 3 letters and 10 digits."
        row = session.exec(
            select(ReceiptNumber).where(ReceiptNumber.receipt_number == number)
        ).first()
        if row is not None and row.case_id != case.id:
            other = session.get(Case, row.case_id).reference
            return "blocked", f"This receipt number is on case {other}, not this one."
        if row is not None:
            changes, news = _receipt_changes(row, values, clock)
            if changes:
                return "open", "Already on this case. Confirming replaces " + " and ".join(changes)
            if not news:
                return "on_case", "Already on this case."
            return "open", "Already on this case: confirming adds what the notice says about it."
        return "open", ""
    if kind == "appointment":
        day = _day(values, "date", required=False)
        rows = session.exec(
            select(Deadline).where(
                Deadline.case_id == case.id,
                Deadline.rule_key == f"{values.get('kind', '')}_appointment",
                Deadline.status == DeadlineStatus.OPEN,
            )
        ).all()
        if any(row.due_on == day for row in rows):
            return "on_case", "This appointment is already on the case's deadlines."
        if rows:
            return "open", (
                f"The case already has one on {clock.date(rows[0].due_on)}; this adds another "
                "(close the old one on the Deadlines tab if it was rescheduled)."
            )
    if kind == "decision" and case.stage != "decision":
        return "open", f"Then you can move the case to {stage_titles(session)['decision']}."
    return "open", ""


@dataclass(frozen=True)
class Confirmed:
    message: str
    warning: str = ""
    suggest_stage: str = ""  # a stage to offer moving the case to ("" for none)


def _apply_receipt(session, actor, case, notice, values) -> Confirmed:
    number = normalize_receipt_number(values.get("receipt_number") or "")
    received = _day(values, "received_date", required=False)
    form = (values.get("form_number") or "").strip()[:16]
    confirmed = _apply_receipt_number(session, actor, case, number, received, form)
    return _with_priority_date(
        session, actor, case, confirmed, _day(values, "priority_date", required=False)
    )


def _with_priority_date(session, actor, case, confirmed: Confirmed, day) -> Confirmed:
    """A petition's receipt notice prints its priority date: the case takes it when it has
    none. A different date already on the case stays (a retained earlier date is common), and
    staff are told."""
    if day is None or day == case.priority_date:
        return confirmed
    clock = firm_clock(session)
    if case.priority_date is None:
        try:
            change_priority_date(session, actor=actor, case=case, day=day)
        except InvalidInput as refused:  # a misread date: the receipt still counts
            warning = (
                f"{confirmed.warning} Priority date not set: {refused.fields['priority_date']}"
            )
            return dataclasses.replace(confirmed, warning=warning.strip())
        message = f"{confirmed.message} Priority date set to {clock.date(day)}."
        return dataclasses.replace(confirmed, message=message)
    differs = (
        f"The notice's priority date, {clock.date(day)}, differs from the case's, "
        f"{clock.date(case.priority_date)}: the case keeps its date; change it in the header "
        "if the notice is right."
    )
    warning = f"{confirmed.warning} {differs}".strip()
    return dataclasses.replace(confirmed, warning=warning)


def _apply_receipt_number(session, actor, case, number, received, form) -> Confirmed:
    clock = firm_clock(session)
    row = session.exec(select(ReceiptNumber).where(ReceiptNumber.receipt_number == number)).first()
    if row is None:
        add_receipt_number(
            session, actor=actor, reference=case.reference, receipt_number=number, form=form
        )
        session.flush()
        row = session.exec(
            select(ReceiptNumber).where(ReceiptNumber.receipt_number == number)
        ).one()
        row.received_on = received
        session.add(row)
        warning = receipt_warning(number, this_year=clock.today().year)
        on = f", received {clock.date(received)}" if received else ""
        return Confirmed(f"Receipt number {number} added{on}.", warning)
    before = {"form": row.form, "received_on": clock.date(row.received_on)}
    row.form, row.received_on = form or row.form, received or row.received_on
    session.add(row)
    after = {"form": row.form, "received_on": clock.date(row.received_on)}
    record_event(
        session,
        kind="receipt_updated",
        summary=f"Receipt number {number} updated from a notice",
        actor=actor,
        case_id=case.id,
        before=before,
        after=after,
    )
    return Confirmed(f"Receipt number {number} updated.")


def _apply_appointment(session, actor, case, notice, values) -> Confirmed:
    kind = values.get("kind")
    if kind not in ("biometrics", "interview"):
        raise InvalidInput({"kind": "Say whether it is a biometrics or an interview appointment."})
    day = _day(values, "date", required=True)
    place = " ".join((values.get("place") or "").split())[:300]
    add_from_trigger(
        session,
        actor=actor,
        case=case,
        trigger=f"{kind}_appointment",
        trigger_on=day,
        starts_at_local=_time(values.get("time") or ""),
        place=place,
    )
    return Confirmed(f"The {kind} appointment on {firm_clock(session).date(day)} was added.")


def _apply_due(session, actor, case, notice, values, kind: str) -> Confirmed:
    notice_date = _day(values, "notice_date", required=True)
    due = _day(values, "due", required=True)
    number = normalize_receipt_number(values.get("receipt_number") or "") or ""
    request = open_request(
        session,
        actor=actor,
        reference=case.reference,
        kind=kind,
        notice_date=notice_date,
        due_on=due,
        receipt_number=number,
        notice_id=notice.id,
    )
    title = "request for evidence" if kind == "rfe" else "notice of intent to deny"
    return Confirmed(
        f"The {title} is recorded: due {firm_clock(session).date(request.due_on)}. "
        "See Requests for evidence."
    )


def _apply_decision(session, actor, case, notice, values) -> Confirmed:
    day = _day(values, "date", required=False)
    decision = values.get("decision")
    if decision not in ("approved", "denied"):
        raise InvalidInput({"decision": "Say whether the case was approved or denied."})
    if decision == "denied" and day is not None:
        add_from_trigger(
            session, actor=actor, case=case, trigger="adverse_decision", trigger_on=day, mailed=True
        )
    stage = (
        ""
        if case.stage == "decision" or skipped_by(session, "decision", case.case_type)
        else "decision"
    )
    appeal = " The appeal or motion deadline is added." if decision == "denied" and day else ""
    return Confirmed(
        f"{values.get('form_number') or 'The case'} recorded as {decision}.{appeal}",
        suggest_stage=stage,
    )


def confirm_proposal(
    session: Session,
    *,
    actor: Viewer,
    reference: str,
    notice_id: int,
    kind: str,
    values: dict[str, str],
) -> Confirmed:
    """Apply one of the notice's proposals, with the values staff corrected; once only."""
    case = visible_case(session, viewer=actor, reference=reference)
    notice = session.exec(
        select(CaseNotice).where(CaseNotice.id == notice_id).with_for_update()
    ).first()
    if notice is None or notice.case_id != case.id:
        raise NotFound("That notice is not on this case.")
    proposal = next((p for p in notice.reading.get("proposals", []) if p["kind"] == kind), None)
    if proposal is None:
        raise NotFound("This notice proposes no such record.")
    if kind in notice.confirmed:
        raise InvalidInput({"proposal": "This was already confirmed: nothing was added again."})
    editable = {key for key, _ in EDITABLE[kind]}
    corrected = {k: str(v).strip()[:300] for k, v in values.items() if k in editable}
    merged = {**proposal["values"], **corrected}
    state, note = assess(session, case, notice, kind, merged)
    if state == "blocked":
        raise InvalidInput({"proposal": note})
    if state == "on_case":
        raise InvalidInput({"proposal": f"{note} Nothing to add."})
    if kind in ("rfe_due", "noid_due"):
        done = _apply_due(session, actor, case, notice, merged, kind.removesuffix("_due"))
    else:
        apply = {"receipt_number": _apply_receipt, "appointment": _apply_appointment}
        done = apply.get(kind, _apply_decision)(session, actor, case, notice, merged)
    reading = dict(notice.reading)
    reading["confirmed_values"] = {**reading.get("confirmed_values", {}), kind: merged}
    clock = firm_clock(session)
    who = f"Confirmed by {actor.full_name} on {clock.date(clock.today())}: "
    reading["confirmed_notes"] = {**reading.get("confirmed_notes", {}), kind: who + done.message}
    notice.reading, notice.confirmed = reading, [*notice.confirmed, kind]
    session.add(notice)
    record_event(
        session,
        kind="notice_confirmed",
        summary=f"From notice {notice.original_name}: {done.message}",
        actor=actor,
        case_id=case.id,
        after={"notice_id": notice.id, "proposal": kind, "values": merged},
    )
    return done


# --- typed by staff -------------------------------------------------------------------------------


def can_type(notice: CaseNotice) -> bool:
    """Whether staff type this notice's details: nothing could be read from it."""
    return notice.scanned or notice.reading.get("kind", "other") == "other"


def _typed_problems(kind: str, values: dict, dates: dict) -> dict[str, str]:
    problems: dict[str, str] = {}
    if kind not in KINDS:
        problems["kind"] = "Choose what kind of notice it is."
    if values["receipt_number"] and normalize_receipt_number(values["receipt_number"]) is None:
        problems["receipt_number"] = "A receipt number is 3 letters and 10 digits."
    if kind in ("rfe", "noid"):
        for key, what in (("notice_date", "notice date"), ("response_due", "due date")):
            if dates.get(key) is None:
                problems.setdefault(key, f"Type the {what} printed on the notice.")
    if kind in ("biometrics", "interview") and dates.get("appointment_date") is None:
        problems.setdefault("appointment_date", "Type the appointment date.")
    try:
        _time(values["appointment_time"])
    except InvalidInput as error:
        problems["appointment_time"] = error.fields["time"]
    return problems


def manual_reading(
    session: Session, *, actor: Viewer, reference: str, notice_id: int, fields: dict[str, str]
) -> CaseNotice:
    """Staff type what a scanned notice (or a photo) says; it proposes records as a read one."""
    case = visible_case(session, viewer=actor, reference=reference)
    notice = session.get(CaseNotice, notice_id)
    if notice is None or notice.case_id != case.id:
        raise NotFound("That notice is not on this case.")
    if not can_type(notice):
        raise InvalidInput(
            {"kind": "This notice was read from its text: correct the values in its proposals."}
        )
    kind = str(fields.get("kind") or "")
    values = {key: " ".join(str(fields.get(key) or "").split())[:300] for key in TYPED}
    dates, problems = {}, {}
    for key in ("notice_date", "received_date", "appointment_date", "response_due"):
        try:
            dates[key] = _day(values, key, required=False)
        except InvalidInput as error:
            problems.update(error.fields)
    problems = _typed_problems(kind, values, dates) | problems
    if problems:
        raise InvalidInput(problems)
    reading = NoticeReading(
        kind=kind,
        receipt_number=normalize_receipt_number(values["receipt_number"]),
        form_number=values["form_number"].upper()[:16] or None,
        appointment_time=values["appointment_time"] or None,
        appointment_place=values["appointment_place"] or None,
        page_count=notice.reading.get("page_count", 1),
        scanned=True,
        **dates | {"response_due": dates["response_due"] if kind in ("rfe", "noid") else None},
    )
    kept = ("confirmed_values", "confirmed_notes", "text", "ocr")
    notice.reading = {
        **_stored(reading),
        **{key: value for key, value in notice.reading.items() if key in kept},
        "typed_by": actor.full_name,
    }
    notice.kind, notice.receipt_number = kind, reading.receipt_number or ""
    notice.notice_date = reading.notice_date
    session.add(notice)
    record_event(
        session,
        kind="notice_typed",
        summary=f"Details of {notice.original_name} typed in: {TITLES[kind]}",
        actor=actor,
        case_id=case.id,
        after={"notice_id": notice.id, **values, "kind": kind},
    )
    return notice
