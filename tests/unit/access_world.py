"""The firm the access matrix runs against: two cases, each with one of everything a caller
could name by id, and the people on both sides of each line.

Case A is the paralegal's; case B belongs to another paralegal, so to this paralegal it must be
invisible and untouchable. Everything of B's carries the marker `B_SECRET` in some text a
caller could be shown, so a leak can be spotted in any state or response.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlmodel import Session, SQLModel, select

from immigration_app.models import (
    CalendarFeed,
    CaseChecklistItem,
    CaseMember,
    DocumentFile,
    FilingPacket,
    FilledForm,
    Message,
    Person,
    PortalLink,
)
from immigration_app.services import storage
from immigration_app.services.auth import sign_in
from immigration_app.services.calendar import create_feed
from immigration_app.services.case_notices import add_notice
from immigration_app.services.cases import add_note, add_receipt_number
from immigration_app.services.deadlines import add_deadline
from immigration_app.services.documents import add_file
from immigration_app.services.form_filling import fill_form
from immigration_app.services.portal import create_link
from immigration_app.services.profile_histories import save_history
from immigration_app.services.users import viewer_of
from immigration_app.services.viewer import Viewer
from tests.factories import PASSWORD, make_case, make_user
from tests.files import pdf_bytes
from tests.notices import receipt_notice
from tests.packets import load_forms

B_SECRET = "Zorrillaquest"  # B's client's family name, in B's note, deadline and history too
A_MARK = "Accessiblia"  # the same for A: what a caller who may see A is shown
FORM = "G-1145"
CASE_TYPE = "n400-naturalization"
RECEIPTS = {"A": "IOE0912345670", "B": "IOE0912345671"}


@dataclass
class Side:
    """One case and the ids of what is on it, by the name a handler's argument would use."""

    reference: str
    case_id: int
    ids: dict[str, int] = field(default_factory=dict)
    portal_token: str = ""
    calendar_token: str = ""  # the case's feed, made by its paralegal


@dataclass
class World:
    admin: Viewer
    attorney: Viewer
    paralegal: Viewer  # assigned to A
    other_paralegal: Viewer  # assigned to B
    tokens: dict[str, str]  # role -> a signed-in session token
    a: Side
    b: Side

    def side(self, name: str) -> Side:
        return self.a if name == "A" else self.b


def _sign_in(session: Session, email: str) -> str:
    return sign_in(session, email=email, password=PASSWORD).token


def _first(session: Session, model, case_id: int) -> int:
    return session.exec(select(model.id).where(model.case_id == case_id).order_by(model.id)).first()


def _furnish(session: Session, actor: Viewer, paralegal: Viewer, mark: str, side: str) -> Side:
    """A case with a document, a notice, a deadline, a note, a history row, a receipt, a portal
    link, a calendar feed, a filled form and a packet."""
    case = make_case(
        session, actor=actor, case_type=CASE_TYPE, family_name=mark, paralegal_id=paralegal.id
    )
    ref = case.reference
    item = session.exec(
        select(CaseChecklistItem).where(CaseChecklistItem.case_id == case.id)
    ).first()
    with storage.start_upload(f"{mark}.pdf") as upload:
        upload.write(pdf_bytes())
        add_file(session, item=item, staged=upload.finish(), uploaded_by=actor)
    with storage.start_upload("notice.pdf") as upload:
        upload.write(receipt_notice(receipt_number=RECEIPTS[side], applicant=f"{mark}, MARIA"))
        notice = add_notice(session, actor=actor, reference=ref, staged=upload.finish())
    deadline = add_deadline(
        session, actor=actor, case_id=case.id, title=f"Reply for {mark}", due_on=date(2027, 1, 4)
    )
    add_note(session, actor=actor, reference=ref, body=f"Private note about {mark}")
    add_receipt_number(session, actor=actor, reference=ref, receipt_number=RECEIPTS[side])
    member = session.exec(select(CaseMember).where(CaseMember.case_id == case.id)).first()
    session.get(Person, member.person_id).given_name = f"{mark}ita"  # what the portal greets
    row = save_history(
        session,
        actor=actor,
        reference=ref,
        person_id=member.person_id,
        kind="addresses",
        values={
            "street": f"1 {mark} Street",
            "city": "Austin",
            "state": "TX",
            "country": "United States",
            "from_date": "2020-01-01",
            "current": "on",
        },
    )
    link, token = create_link(session, actor=actor, reference=ref, member_id=member.id)
    calendar_token = create_feed(session, actor=paralegal, reference=ref)
    fill_form(session, actor=actor, reference=ref, form_number=FORM)
    blob, sha = storage.store_bytes(pdf_bytes())
    session.add(
        FilingPacket(
            case_id=case.id, version=1, blob_name=blob, sha256=sha, size_bytes=1, page_count=1
        )
    )
    session.flush()
    ids = {
        "item_id": item.id,
        "document_id": _first(session, DocumentFile, case.id),
        "notice_id": notice.id,
        "deadline_id": deadline.id,
        "person_id": member.person_id,
        "member_id": member.id,
        "row_id": row.id,
        "link_id": link.id,
        "feed_id": session.exec(
            select(CalendarFeed.id).where(CalendarFeed.case_id == case.id)
        ).first(),
        "message_id": _first(session, Message, case.id),
        "packet_id": _first(session, FilingPacket, case.id),
    }
    ids["filled_id"] = _first(session, FilledForm, case.id)  # the route's name for it
    assert all(ids.values()), ids
    assert session.get(PortalLink, link.id).case_id == case.id
    return Side(
        reference=ref,
        case_id=case.id,
        ids=ids,
        portal_token=token,
        calendar_token=calendar_token,
    )


def build_world(session: Session) -> World:
    users = {role: make_user(session, role=role) for role in ("admin", "attorney", "paralegal")}
    other = make_user(session, role="paralegal")
    viewers = {role: viewer_of(user) for role, user in users.items()}
    load_forms(session, (FORM,))
    a = _furnish(session, viewers["attorney"], viewers["paralegal"], A_MARK, "A")
    b = _furnish(session, viewers["attorney"], viewer_of(other), B_SECRET, "B")
    session.commit()
    tokens = {role: _sign_in(session, user.email) for role, user in users.items()}
    session.commit()
    return World(
        admin=viewers["admin"],
        attorney=viewers["attorney"],
        paralegal=viewers["paralegal"],
        other_paralegal=viewer_of(other),
        tokens=tokens,
        a=a,
        b=b,
    )


# --- what a case holds, to tell whether a call changed it ---------------------------------------


def _person_ids(connection, case_id: int) -> list[int]:
    members = SQLModel.metadata.tables["case_member"]
    rows = connection.execute(sa.select(members.c.person_id).where(members.c.case_id == case_id))
    return [person_id for (person_id,) in rows]


def case_rows(connection, case_id: int) -> dict[str, list[tuple]]:
    """Every row that belongs to a case: its own, its people's and everything hanging off them."""
    people = _person_ids(connection, case_id)
    held: dict[str, list[tuple]] = {}
    for table in SQLModel.metadata.sorted_tables:
        columns = table.c
        if table.name == "case_file":
            where = columns.id == case_id
        elif table.name == "person":
            where = columns.id.in_(people)
        elif "case_id" in columns:
            where = columns.case_id == case_id
        elif "person_id" in columns:
            where = columns.person_id.in_(people)
        else:
            continue
        held[table.name] = sorted(
            (tuple(row) for row in connection.execute(sa.select(table).where(where))), key=repr
        )
    return held


def all_rows(connection) -> dict[str, list[tuple]]:
    """Every row of every table except the sessions, whose last use each call may update."""
    return {
        table.name: sorted((tuple(row) for row in connection.execute(sa.select(table))), key=repr)
        for table in SQLModel.metadata.sorted_tables
        if table.name != "auth_session"
    }


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(
        name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
    )
