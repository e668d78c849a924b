"""Reminder occurrences: planned when a deadline or a filing appears, turned into messages once.

Each occurrence has a unique key. The sweep claims due occurrences and writes their messages
in one transaction, so an occurrence becomes its messages exactly once however many workers
sweep and however long the app was down (a late occurrence is simply due; it is not repeated
per missed minute). Chained reminders (overdue daily, "no update" every N days) plan their
next occurrence when one is claimed.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from babel.dates import format_date, format_time
from sqlmodel import Session, select

from immigration_app import catalog
from immigration_app.models import (
    Case,
    CaseMember,
    Deadline,
    DeadlineStatus,
    Message,
    MessageStatus,
    Person,
    ReceiptNumber,
    Reminder,
    ReminderStatus,
    Role,
    User,
)
from immigration_app.services.documents import outstanding_by_member
from immigration_app.services.firm import FirmClock, firm_clock, firm_settings, lead_days
from immigration_app.services.messages import firm_wording
from immigration_app.services.people import display_name
from immigration_app.services.portal import issue_reminder_link, portal_url
from immigration_app.services.templates import render, template_text
from immigration_app.settings import get_settings

STAFF_SENDING_HOUR = time(8, 0)  # staff reminders land before the working day starts
CLIENT_SENDING_HOUR = time(10, 0)  # clients hear from us mid-morning, never at night
APPOINTMENT_LEAD_DAYS = (7, 1)
PENDING_WITH_GOVERNMENT = "filed_pending"
# Once the application is assembled or with the government, the checklist is not chased.
STAGES_WITHOUT_DOCUMENT_REMINDERS = ("ready_to_file", "filed_pending", "decision")
LOCALES = {"en": "en_US", "es": "es_US"}
# What a client's appointment is called in their language (staff titles come from the rules).
APPOINTMENT_TITLES = {
    "biometrics_appointment": {"en": "Biometrics appointment", "es": "Cita de datos biométricos"},
    "interview_appointment": {"en": "Interview", "es": "Entrevista"},
}


def _appointment_title(deadline: Deadline, language: str | None) -> str:
    titles = APPOINTMENT_TITLES.get(deadline.rule_key, {})
    return titles.get(language or "en", deadline.title)


def _at(clock: FirmClock, day: date, hour: time) -> datetime:
    return datetime.combine(day, hour, tzinfo=clock.time_zone)


def _plan(session: Session, reminder: Reminder) -> None:
    """Add an occurrence unless one with its key exists (plans are idempotent). One cancelled
    earlier is pending again: the same occurrence, planned anew (a case reopened the day it
    closed). One already sent stays sent."""
    existing = session.exec(select(Reminder).where(Reminder.key == reminder.key)).first()
    if existing is None:
        session.add(reminder)
    elif existing.status == ReminderStatus.CANCELLED:
        existing.status = ReminderStatus.PENDING
        session.add(existing)


def plan_for_deadline(session: Session, deadline: Deadline) -> None:
    """Staff hear at each lead time and daily once overdue; clients hear before appointments."""
    clock = firm_clock(session)
    today = clock.today()
    staff_leads = lead_days(firm_settings(session).staff_reminder_lead_days)
    plans = [("staff", "staff_deadline_reminder", STAFF_SENDING_HOUR, staff_leads)]
    if deadline.kind == "appointment":
        plans.append(
            ("client", "client_appointment_reminder", CLIENT_SENDING_HOUR, APPOINTMENT_LEAD_DAYS)
        )
    for audience, kind, hour, leads in plans:
        for lead in leads:
            day = deadline.due_on - timedelta(days=lead)
            if day < today:
                continue  # a lead time already past when the deadline was made
            _plan(
                session,
                Reminder(
                    key=f"deadline:{deadline.id}:{deadline.due_on.isoformat()}:{audience}:{lead}",
                    kind=kind,
                    case_id=deadline.case_id,
                    deadline_id=deadline.id,
                    lead_days=lead,
                    due_at=_at(clock, day, hour),
                ),
            )
    _plan_overdue(session, clock, deadline, max(deadline.due_on + timedelta(days=1), today))


def _plan_overdue(session: Session, clock: FirmClock, deadline: Deadline, day: date) -> None:
    if deadline.kind in ("window_opens", "earliest_filing"):
        return  # a window opening is not something that can be late
    _plan(
        session,
        Reminder(
            key=f"deadline:{deadline.id}:{deadline.due_on.isoformat()}:overdue:{day.isoformat()}",
            kind="staff_deadline_overdue",
            case_id=deadline.case_id,
            deadline_id=deadline.id,
            lead_days=(deadline.due_on - day).days,
            due_at=_at(clock, day, STAFF_SENDING_HOUR),
        ),
    )


def cancel_for_deadline(session: Session, deadline_id: int) -> None:
    session.exec(
        sa.update(Reminder)
        .where(Reminder.deadline_id == deadline_id, Reminder.status == ReminderStatus.PENDING)
        .values(status=ReminderStatus.CANCELLED)
    )


def cancel_for_case(session: Session, case_id: int) -> None:
    """Nothing more is planned to be sent about a case (it closed)."""
    session.exec(
        sa.update(Reminder)
        .where(Reminder.case_id == case_id, Reminder.status == ReminderStatus.PENDING)
        .values(status=ReminderStatus.CANCELLED)
    )


def replan_status_updates(session: Session, case: Case) -> None:
    """While a case is pending with the government the client hears from us every N days."""
    session.exec(
        sa.update(Reminder)
        .where(
            Reminder.case_id == case.id,
            Reminder.kind == "client_no_update",
            Reminder.status == ReminderStatus.PENDING,
        )
        .values(status=ReminderStatus.CANCELLED)
    )
    if case.stage == PENDING_WITH_GOVERNMENT and case.closed_on is None:
        clock = firm_clock(session)
        _plan_no_update(session, clock, case, clock.today())


def _plan_no_update(session: Session, clock: FirmClock, case: Case, after: date) -> None:
    if case.no_update_every_days <= 0:
        return
    day = after + timedelta(days=case.no_update_every_days)
    _plan(
        session,
        Reminder(
            key=f"case:{case.id}:no_update:{day.isoformat()}",
            kind="client_no_update",
            case_id=case.id,
            due_at=_at(clock, day, CLIENT_SENDING_HOUR),
        ),
    )


def replan_document_reminders(session: Session, case: Case) -> None:
    """While documents are missing the client hears from us every N days (0 = never)."""
    session.exec(
        sa.update(Reminder)
        .where(
            Reminder.case_id == case.id,
            Reminder.kind == "client_documents_missing",
            Reminder.status == ReminderStatus.PENDING,
        )
        .values(status=ReminderStatus.CANCELLED)
    )
    clock = firm_clock(session)
    _plan_documents_missing(session, clock, case, clock.today())


def _plan_documents_missing(session: Session, clock: FirmClock, case: Case, after: date) -> None:
    if case.document_reminder_every_days <= 0 or case.closed_on is not None:
        return
    day = after + timedelta(days=case.document_reminder_every_days)
    _plan(
        session,
        Reminder(
            key=f"case:{case.id}:documents_missing:{day.isoformat()}",
            kind="client_documents_missing",
            case_id=case.id,
            due_at=_at(clock, day, CLIENT_SENDING_HOUR),
        ),
    )


# --- the sweep's first half: due occurrences become messages -------------------------------


def claim_due(session: Session, now: datetime, limit: int) -> list[Reminder]:
    """Mark up to `limit` due occurrences done and return them; a row another sweep took is
    skipped because the update re-checks that it is still pending."""
    due_ids = session.exec(
        select(Reminder.id)
        .where(Reminder.status == ReminderStatus.PENDING, Reminder.due_at <= now)
        .order_by(Reminder.due_at)
        .limit(limit)
    ).all()
    if not due_ids:
        return []
    claimed = session.exec(
        sa.update(Reminder)
        .where(Reminder.id.in_(due_ids), Reminder.status == ReminderStatus.PENDING)
        .values(status=ReminderStatus.DONE, done_at=now)
        .returning(Reminder.id)
    ).all()
    claimed_ids = [row[0] for row in claimed]
    return list(session.exec(select(Reminder).where(Reminder.id.in_(claimed_ids))).all())


def messages_for_due(session: Session, now: datetime, limit: int) -> int:
    """Turn due occurrences into queued messages (and plan chained ones). Returns how many."""
    reminders = claim_due(session, now, limit)
    if not reminders:
        return 0
    context = _Context(session, now, reminders)
    messages = [message for reminder in reminders for message in context.messages(reminder)]
    taken = set(
        session.exec(select(Message.key).where(Message.key.in_([m.key for m in messages]))).all()
    )
    for message in messages:
        message.created_at = message.next_attempt_at = now  # deliverable in this very sweep
    session.add_all(message for message in messages if message.key not in taken)
    for reminder in reminders:
        context.plan_next(reminder)
    return len(messages)


class _Context:
    """What the messages of one sweep need, read in a few queries: the firm, its clock, its
    wording, and the cases, deadlines, clients and staff of the claimed reminders."""

    def __init__(self, session: Session, now: datetime, reminders: list[Reminder]):
        self.session = session
        case_ids = {reminder.case_id for reminder in reminders}
        deadline_ids = {reminder.deadline_id for reminder in reminders if reminder.deadline_id}
        self.cases = {c.id: c for c in session.exec(select(Case).where(Case.id.in_(case_ids)))}
        self.deadlines = {
            d.id: d for d in session.exec(select(Deadline).where(Deadline.id.in_(deadline_ids)))
        }
        self.clients = dict(
            session.exec(
                select(CaseMember.case_id, Person)
                .join(Person, Person.id == CaseMember.person_id)
                .where(CaseMember.case_id.in_(case_ids), CaseMember.is_primary_client)
            ).all()
        )
        self.receipts: dict[int, str] = {}
        for case_id, number in session.exec(
            select(ReceiptNumber.case_id, ReceiptNumber.receipt_number)
            .where(ReceiptNumber.case_id.in_(case_ids))
            .order_by(ReceiptNumber.id)
        ):
            self.receipts.setdefault(case_id, number)
        # A firm's staff is a short list; read it whole.
        self.staff = {u.id: u for u in session.exec(select(User).where(User.is_active))}
        self.clock = firm_clock(session)
        self.today = now.astimezone(self.clock.time_zone).date()
        self.firm = firm_settings(session)
        self.app_url = get_settings().app_url
        self.overrides = firm_wording(session)

    def messages(self, reminder: Reminder) -> Iterable[Message]:
        case = self.cases[reminder.case_id]
        if case.closed_on is not None:
            return []  # a closed case's reminders are cancelled; one planned since stays quiet
        deadline = self.deadlines.get(reminder.deadline_id)
        if deadline is not None and deadline.status != DeadlineStatus.OPEN:
            return []
        client = self.clients.get(case.id)
        if reminder.kind == "client_documents_missing":
            return self._documents_messages(reminder, case)
        if reminder.kind.startswith("staff_"):
            values = self._case_values(case, client, None) | self._deadline_values(deadline, None)
            return [
                self._message(reminder, case, values | {"recipient_name": user.full_name}, user)
                for user in self._staff_of(case)
            ]
        language = str(client.preferred_language) if client else "en"
        values = self._case_values(case, client, language)
        values |= self._deadline_values(deadline, language)
        return [self._client_message(reminder, case, values, client, language)]

    def plan_next(self, reminder: Reminder) -> None:
        """The next link of a chain, counted from today: after downtime, one catch-up, not many."""
        if self.cases[reminder.case_id].closed_on is not None:
            return  # a closed case's chains end here
        due_day = reminder.due_at.astimezone(self.clock.time_zone).date()
        after = max(due_day, self.today)
        if reminder.kind == "staff_deadline_overdue":
            deadline = self.session.get(Deadline, reminder.deadline_id)
            if deadline.status == DeadlineStatus.OPEN:
                _plan_overdue(self.session, self.clock, deadline, after + timedelta(days=1))
        elif reminder.kind == "client_no_update":
            case = self.session.get(Case, reminder.case_id)
            if case.stage == PENDING_WITH_GOVERNMENT:
                _plan_no_update(self.session, self.clock, case, after)
        elif reminder.kind == "client_documents_missing":
            _plan_documents_missing(self.session, self.clock, self.cases[reminder.case_id], after)

    def _documents_messages(self, reminder: Reminder, case: Case) -> list[Message]:
        """Each person who still owes documents gets their list and a fresh portal link (a
        token is never stored, so an earlier link cannot be sent again). Nothing is sent
        once the application is with the government."""
        if case.stage in STAGES_WITHOUT_DOCUMENT_REMINDERS:
            return []
        messages = []
        for member, person, titles in outstanding_by_member(self.session, case.id):
            language = str(person.preferred_language or "en")
            token = issue_reminder_link(self.session, case, member)
            values = self._case_values(case, person, language) | {
                "missing_items": "\n".join(f"- {title}" for title in titles[language]),
                "portal_url": portal_url(token),
            }
            messages.append(self._client_message(reminder, case, values, person, language))
        return messages

    def _staff_of(self, case: Case) -> list[User]:
        """The case's attorney and paralegal; an unassigned case's reminders go to the admins."""
        assigned = [self.staff.get(uid) for uid in (case.attorney_id, case.paralegal_id) if uid]
        if any(assigned):
            return [user for user in assigned if user]
        return [user for user in self.staff.values() if user.role == Role.ADMIN]

    def _day(self, day: date, language: str | None) -> str:
        """Staff read the firm's format; a client reads the date written out in their language."""
        if language is None:
            return self.clock.date(day)
        return format_date(day, format="full", locale=LOCALES.get(language, "en_US"))

    def _case_values(
        self, case: Case, client: Person | None, language: str | None
    ) -> dict[str, str]:
        receipt = self.receipts.get(case.id)
        kind = catalog.case_types().get(case.case_type)
        return {
            "case_reference": case.reference,
            "case_type": kind.title if kind else case.case_type,
            "case_url": f"{self.app_url}/cases/{case.reference}",
            "client_name": display_name(client) if client else "",
            "receipt_number": receipt or "",
            "last_update": self._day(
                case.last_activity_at.astimezone(self.clock.time_zone).date(), language
            ),
            "next_step": "",
            "firm_name": self.firm.name,
            "firm_phone": self.firm.phone,
        }

    def _deadline_values(self, deadline: Deadline | None, language: str | None) -> dict[str, str]:
        if deadline is None:
            return {}
        days_left = (deadline.due_on - self.today).days
        locale = LOCALES.get(language or "en", "en_US")
        return {
            "deadline_title": deadline.title,
            "due_date": self._day(deadline.due_on, language),
            "days_left": str(days_left),
            "days_overdue": str(max(-days_left, 0)),
            "explanation": deadline.explanation,
            "appointment_title": _appointment_title(deadline, language),
            "appointment_date": self._day(deadline.due_on, language),
            "appointment_time": (
                format_time(deadline.starts_at_local, format="short", locale=locale)
                if deadline.starts_at_local
                else ""
            ),
            "appointment_place": deadline.place,
        }

    def _message(
        self, reminder: Reminder, case: Case, values: dict[str, str], user: User
    ) -> Message:
        subject, body = render(*template_text(reminder.kind, "en", self.overrides), values)
        return Message(
            key=f"{reminder.key}:user:{user.id}",
            template=reminder.kind,
            case_id=case.id,
            reminder_id=reminder.id,
            recipient_user_id=user.id,
            recipient_name=user.full_name,
            to_address=user.email,
            language="en",
            subject=subject,
            body=body,
        )

    def _client_message(
        self,
        reminder: Reminder,
        case: Case,
        values: dict[str, str],
        client: Person | None,
        language: str,
    ) -> Message:
        subject, body = render(*template_text(reminder.kind, language, self.overrides), values)
        message = Message(
            key=f"{reminder.key}:person:{client.id if client else 0}",
            template=reminder.kind,
            case_id=case.id,
            reminder_id=reminder.id,
            recipient_person_id=client.id if client else None,
            recipient_name=display_name(client) if client else "",
            to_address=client.email if client else "",
            language=language,
            subject=subject,
            body=body,
        )
        if not message.to_address:
            # Kept, visibly failed, so staff see who could not be reached and why.
            message.status = MessageStatus.FAILED
            message.last_error = (
                "No email address on file for the client; add one on the Profile tab."
            )
        return message
