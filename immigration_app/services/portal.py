"""The client portal's links: made by staff for one person on one case, checked on every use.

A link is a 256-bit random token; only its SHA-256 is stored, so a copy of the database opens
nothing. Links expire, can be revoked, and may also ask for the client's date of birth. Every
use is an event on the case, and so is every refusal.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlmodel import Session, select

from immigration_app import catalog
from immigration_app.models import (
    Case,
    CaseChecklistItem,
    CaseMember,
    DocumentFile,
    Language,
    Message,
    MessageStatus,
    Person,
    PortalLink,
    ReceiptNumber,
    User,
    utcnow,
)
from immigration_app.services.audit import PORTAL_ACTOR, record_event
from immigration_app.services.auth import token_digest
from immigration_app.services.case_status_views import portal_status
from immigration_app.services.documents import ItemView, add_file, item_views
from immigration_app.services.errors import InvalidInput, NotFound
from immigration_app.services.firm import firm_clock, firm_settings
from immigration_app.services.messages import firm_wording
from immigration_app.services.people import display_name
from immigration_app.services.processing_times import portal_estimate
from immigration_app.services.stages import stage_order
from immigration_app.services.storage import StagedFile
from immigration_app.services.templates import render, template_text
from immigration_app.services.viewer import Viewer, visible_case
from immigration_app.settings import get_settings

DEFAULT_DAYS = 30
MAX_DAYS = 180
# Wrong dates of birth in a row before a link locks; staff then make a new one.
MAX_FAILED_CHECKS = 5
_TOKEN_IN_URL = re.compile(r"/portal/[A-Za-z0-9_-]{20,}")


class PortalRefused(Exception):
    """A link that does not open the portal. `code` picks the sentence the client reads."""

    def __init__(self, code: str):
        super().__init__(code)
        # unknown, expired, revoked, locked, case_closed, needs_birth_date or wrong_birth_date
        self.code = code


@dataclass(frozen=True)
class PortalAccess:
    """What a working link opens: one person's part of one case."""

    link_id: int
    case_id: int
    member_id: int
    person_id: int
    language: str


def portal_url(token: str) -> str:
    return f"{get_settings().app_url}/portal/{token}"


def withhold_token(text: str) -> str:
    """A sent message's copy, kept in the outbox, without the secret part of a portal link."""
    return _TOKEN_IN_URL.sub("/portal/(link withheld once sent)", text)


# --- staff side ------------------------------------------------------------------------------


def _member(session: Session, case: Case, member_id: int) -> tuple[CaseMember, Person]:
    member = session.get(CaseMember, member_id)
    if member is None or member.case_id != case.id:
        raise InvalidInput({"member_id": "Choose a person on this case."})
    return member, session.get(Person, member.person_id)


def _link_message(
    session: Session, link: PortalLink, case: Case, person: Person, token: str
) -> Message:
    language = str(person.preferred_language or "en")
    firm = firm_settings(session)
    clock = firm_clock(session)
    values = {
        "client_name": display_name(person),
        "portal_url": portal_url(token),
        "expires_on": clock.date(link.expires_at.astimezone(clock.time_zone).date()),
        "firm_name": firm.name,
        "firm_phone": firm.phone,
    }
    wording = template_text("client_portal_link", language, firm_wording(session))
    subject, body = render(*wording, values)
    message = Message(
        key=f"portal_link:{link.id}",
        template="client_portal_link",
        case_id=case.id,
        recipient_person_id=person.id,
        recipient_name=display_name(person),
        to_address=person.email,
        language=language,
        subject=subject,
        body=body,
    )
    if not person.email:
        message.status = MessageStatus.FAILED
        message.last_error = "No email address on file for the client; copy the link instead."
    return message


def _new_link(
    session: Session,
    member: CaseMember,
    days: int,
    require_date_of_birth: bool,
    created_by_id: int | None,
) -> tuple[PortalLink, str]:
    token = secrets.token_urlsafe(32)  # 256 bits
    link = PortalLink(
        case_id=member.case_id,
        member_id=member.id,
        token_hash=token_digest(token),
        require_date_of_birth=require_date_of_birth,
        created_by_id=created_by_id,
        expires_at=utcnow() + timedelta(days=days),
    )
    session.add(link)
    session.flush()
    return link, token


def issue_reminder_link(session: Session, case: Case, member: CaseMember) -> str:
    """A fresh link for a reminder email. It asks for the date of birth when the links staff
    made for this person did."""
    asks = session.exec(
        select(PortalLink.id).where(
            PortalLink.member_id == member.id, PortalLink.require_date_of_birth
        )
    ).first()
    link, token = _new_link(session, member, DEFAULT_DAYS, asks is not None, None)
    record_event(
        session,
        kind="portal_link_created",
        summary=f"Portal link {link.id} sent with a reminder of missing documents",
        actor=None,
        case_id=case.id,
        after={"link_id": link.id, "member_id": member.id, "days": DEFAULT_DAYS},
    )
    return token


def create_link(
    session: Session,
    *,
    actor: Viewer,
    reference: str,
    member_id: int,
    days: int = DEFAULT_DAYS,
    require_date_of_birth: bool = False,
    send_email: bool = True,
) -> tuple[PortalLink, str]:
    """Make a portal link for one person on a case; returns it with its token, the only time
    the token exists outside the client's hands."""
    case = visible_case(session, viewer=actor, reference=reference)
    if case.closed_on is not None:
        raise InvalidInput({"member_id": "This case is closed: reopen it to send a portal link."})
    problems = {}
    if not 1 <= days <= MAX_DAYS:
        problems["days"] = f"A link lasts from 1 to {MAX_DAYS} days."
    try:
        member, person = _member(session, case, member_id)
    except InvalidInput as error:
        problems |= error.fields
    else:
        if require_date_of_birth and person.date_of_birth is None:
            problems["require_date_of_birth"] = (
                "This person has no date of birth on file to check against; add it on the "
                "Profile tab first."
            )
    if problems:
        raise InvalidInput(problems)
    link, token = _new_link(session, member, days, require_date_of_birth, actor.id)
    if send_email:
        session.add(_link_message(session, link, case, person, token))
    record_event(
        session,
        kind="portal_link_created",
        summary=f"Portal link for {display_name(person)}, valid {days} days"
        + (", emailed" if send_email and person.email else "")
        + (", asks for the date of birth" if require_date_of_birth else ""),
        actor=actor,
        case_id=case.id,
        after={"link_id": link.id, "member_id": member.id, "days": days},
    )
    return link, token


def revoke_link(session: Session, *, actor: Viewer, reference: str, link_id: int) -> None:
    case = visible_case(session, viewer=actor, reference=reference)
    link = session.get(PortalLink, link_id)
    if link is None or link.case_id != case.id:
        raise NotFound("That link is not on this case.")
    if link.revoked_at is not None:
        return
    link.revoked_at, link.revoked_by_id = utcnow(), actor.id
    session.add(link)
    record_event(
        session,
        kind="portal_link_revoked",
        summary=f"Portal link {link.id} revoked",
        actor=actor,
        case_id=case.id,
        after={"link_id": link.id},
    )


@dataclass(frozen=True)
class LinkView:
    id: int
    person: str
    created: str
    created_by: str
    expires: str
    last_used: str
    state: str  # active | expired | revoked | locked | case_closed
    asks_birth_date: bool


def _state(link: PortalLink, now: datetime, case: Case) -> str:
    if case.closed_on is not None:
        return "case_closed"  # the client is told so; reopening the case opens it again
    if link.revoked_at is not None:
        return "revoked"
    if link.failed_checks >= MAX_FAILED_CHECKS:
        return "locked"
    return "expired" if link.expires_at <= now else "active"


def case_links(session: Session, *, viewer: Viewer, reference: str) -> list[LinkView]:
    case = visible_case(session, viewer=viewer, reference=reference)
    clock = firm_clock(session)
    now = utcnow()
    rows = session.exec(
        select(PortalLink, Person, User)
        .join(CaseMember, CaseMember.id == PortalLink.member_id)
        .join(Person, Person.id == CaseMember.person_id)
        .join(User, User.id == PortalLink.created_by_id, isouter=True)
        .where(PortalLink.case_id == case.id)
        .order_by(PortalLink.created_at.desc())
    ).all()
    return [
        LinkView(
            id=link.id,
            person=display_name(person),
            created=clock.moment(link.created_at),
            created_by=user.full_name if user else "",
            expires=clock.moment(link.expires_at),
            last_used=clock.moment(link.last_used_at) or "never",
            state=_state(link, now, case),
            asks_birth_date=link.require_date_of_birth,
        )
        for link, person, user in rows
    ]


# --- client side -----------------------------------------------------------------------------


def _refuse(session: Session, link: PortalLink | None, code: str, client_address: str):
    if link is not None:
        record_event(
            session,
            kind="portal_link_refused",
            summary=f"Portal link {link.id} refused: {code.replace('_', ' ')}",
            actor=None,
            actor_label=PORTAL_ACTOR,
            case_id=link.case_id,
            client_address=client_address,
        )
        session.commit()  # the refusal is kept even though the caller gets an error
    raise PortalRefused(code)


def check_link(session: Session, link_id: int) -> PortalAccess:
    """Re-check a link already opened in this browser (every portal handler does)."""
    link = session.get(PortalLink, link_id)
    state = _state(link, utcnow(), session.get(Case, link.case_id)) if link else "unknown"
    if state != "active":
        raise PortalRefused(state)
    member = session.get(CaseMember, link.member_id)
    person = session.get(Person, member.person_id)
    return PortalAccess(
        link_id=link.id,
        case_id=link.case_id,
        member_id=member.id,
        person_id=person.id,
        language=str(person.preferred_language or "en"),
    )


def open_portal(
    session: Session, *, token: str, birth_date: str = "", client_address: str = ""
) -> PortalAccess:
    """The portal a token opens, or PortalRefused saying why not. Each use is an event."""
    link = session.exec(
        select(PortalLink).where(PortalLink.token_hash == token_digest(token[:100]))
    ).first()
    if link is None:
        raise PortalRefused("unknown")
    state = _state(link, utcnow(), session.get(Case, link.case_id))
    if state != "active":
        _refuse(session, link, state, client_address)
    member = session.get(CaseMember, link.member_id)
    person = session.get(Person, member.person_id)
    if link.require_date_of_birth:
        if not birth_date:
            raise PortalRefused("needs_birth_date")
        if birth_date.strip() != (person.date_of_birth.isoformat() if person.date_of_birth else ""):
            link.failed_checks += 1
            session.add(link)
            _refuse(
                session,
                link,
                "locked" if link.failed_checks >= MAX_FAILED_CHECKS else "wrong_birth_date",
                client_address,
            )
        link.failed_checks = 0
    link.last_used_at = utcnow()
    session.add(link)
    record_event(
        session,
        kind="portal_link_used",
        summary=f"{display_name(person)} opened the portal",
        actor=None,
        actor_label=PORTAL_ACTOR,
        case_id=link.case_id,
        after={"link_id": link.id},
        client_address=client_address,
    )
    return check_link(session, link.id)


def needs_birth_date(session: Session, token: str) -> bool:
    """Whether a token's link asks for a date of birth (False for an unknown token)."""
    link = session.exec(
        select(PortalLink).where(PortalLink.token_hash == token_digest(token[:100]))
    ).first()
    return bool(link and link.require_date_of_birth)


def set_language(session: Session, *, access: PortalAccess, language: str) -> str:
    """The client's choice of language, kept on their profile for every later message."""
    chosen = Language(language if language in {"en", "es"} else "en")
    person = session.get(Person, access.person_id)
    if person.preferred_language != chosen:
        person.preferred_language = chosen
        session.add(person)
        record_event(
            session,
            kind="portal_language_changed",
            summary=f"{display_name(person)} chose {'Spanish' if chosen == 'es' else 'English'}",
            actor=None,
            actor_label=PORTAL_ACTOR,
            case_id=access.case_id,
        )
    return str(chosen)


def portal_items(session: Session, access: PortalAccess, language: str) -> list[ItemView]:
    """The checklist of the person the link is for (never anyone else's), in their language."""
    case = session.get(Case, access.case_id)
    return item_views(session, case, language=language, member_id=access.member_id)


def add_portal_file(
    session: Session, *, access: PortalAccess, item_id: int, staged: StagedFile
) -> DocumentFile:
    """A file the client sent for one of their own items."""
    item = session.get(CaseChecklistItem, item_id)
    if item is None or item.member_id != access.member_id:
        raise NotFound("That document is not on your list.")
    return add_file(session, item=item, staged=staged, link_id=access.link_id)


@dataclass(frozen=True)
class PortalStatus:
    """What USCIS last said about one receipt number, in the client's language when it can."""

    receipt_number: str
    title: str
    text: str


@dataclass(frozen=True)
class PortalHome:
    first_name: str
    firm_name: str
    firm_phone: str
    case_reference: str
    case_type: str
    now: str  # where the case stands, in plain words
    next: str  # what happens next
    step: int  # 1-based position of the case's stage among the firm's stages
    steps: int
    last_update: str
    receipt_numbers: list[str]
    statuses: list[PortalStatus] = field(default_factory=list)
    # How long cases like this usually take, in the client's language (one per receipt).
    estimates: list[str] = field(default_factory=list)


def portal_home(session: Session, access: PortalAccess, language: str) -> PortalHome:
    case = session.get(Case, access.case_id)
    person = session.get(Person, access.person_id)
    firm = firm_settings(session)
    clock = firm_clock(session)
    stage = next((s for s in catalog.stages() if s.key == case.stage), None)
    now, then = stage.client_words(language) if stage else ("", "")
    order = stage_order(session)
    kind = catalog.case_types().get(case.case_type)
    return PortalHome(
        first_name=person.given_name,
        firm_name=firm.name,
        firm_phone=firm.phone,
        case_reference=case.reference,
        case_type=kind.title if kind else case.case_type,
        now=now,
        next=then,
        step=order.get(case.stage, 0) + 1,
        steps=len(order),
        last_update=clock.date(case.last_activity_at.astimezone(clock.time_zone).date()),
        receipt_numbers=list(
            session.exec(
                select(ReceiptNumber.receipt_number).where(ReceiptNumber.case_id == case.id)
            )
        ),
        statuses=[PortalStatus(*status) for status in portal_status(session, case.id, language)],
        estimates=portal_estimate(session, case.id, language),
    )
