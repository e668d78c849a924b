"""A demo firm to try the product with: staff accounts, a few cases, documents in review and a
client portal link."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import time, timedelta

from PIL import Image, ImageDraw, ImageFilter
from pypdf import PdfWriter
from sqlmodel import Session, select

from immigration_app.models import (
    Case,
    CaseMember,
    FirmSettings,
    User,
    utcnow,
)
from immigration_app.services import storage
from immigration_app.services.cases import MemberInput, add_receipt_number, move_case, open_case
from immigration_app.services.checklists import item_by_code
from immigration_app.services.deadlines import add_from_trigger
from immigration_app.services.documents import accept_item, add_file, reject_item
from immigration_app.services.firm import firm_clock
from immigration_app.services.people import PersonInput
from immigration_app.services.portal import create_link, portal_url
from immigration_app.services.users import create_user, viewer_of
from immigration_app.services.viewer import Viewer


@dataclass(frozen=True)
class DemoSignIn:
    email: str
    password: str
    role: str
    full_name: str


DEMO_SIGN_INS = (
    DemoSignIn("admin@demo-firm.example", "demo-admin-pass-2026", "admin", "Alex Admin"),
    DemoSignIn("attorney@demo-firm.example", "demo-attorney-pass-2026", "attorney", "Ana Rivera"),
    DemoSignIn("attorney2@demo-firm.example", "demo-attorney-pass-2026", "attorney", "David Chen"),
    DemoSignIn(
        "paralegal@demo-firm.example", "demo-paralegal-pass-2026", "paralegal", "Paula Gomez"
    ),
)


@dataclass(frozen=True)
class _DemoCase:
    case_type: str
    members: tuple[MemberInput, ...]
    receipt: str = ""
    # What happened, days from today, served by mail: the deadlines follow from the rules.
    event: tuple[str, int, bool] | None = None
    moves: tuple[str, ...] = ()  # the stages it has been through since intake, in order
    the_paralegals: bool = True


_DEMO_CASES = (
    _DemoCase(
        "aos-marriage",
        (
            MemberInput(
                "petitioner",
                new_person=PersonInput("Smith", "John", date_of_birth="1988-04-12", sex="male"),
            ),
            MemberInput(
                "beneficiary",
                new_person=PersonInput(
                    "Smith",
                    "Lucia",
                    middle_name="Fernanda",
                    date_of_birth="1990-08-02",
                    sex="female",
                    country_of_birth="Mexico",
                    country_of_citizenship="Mexico",
                    preferred_language="es",
                ),
            ),
        ),
        receipt="IOE0912345678",
        event=("rfe_notice", -82, True),  # mailed: 84 + 3 days, so due in 5 days
        moves=("collecting_documents", "preparing_forms", "filed_pending", "rfe_noid_response"),
    ),
    _DemoCase(
        "n400-naturalization",
        (
            MemberInput(
                "applicant",
                new_person=PersonInput(
                    "Garcia Lopez",
                    "Maria",
                    middle_name="Elena",
                    date_of_birth="1979-09-30",
                    sex="female",
                    a_number="A012345678",
                    preferred_language="es",
                ),
            ),
        ),
        event=("biometrics_appointment", 20, False),
        the_paralegals=False,
    ),
    _DemoCase(
        "h1b",
        (
            # The employer's signatory stands for the petitioning company.
            MemberInput(
                "petitioner",
                new_person=PersonInput(
                    "Whitfield", "Grace", email="grace.whitfield@brightline.example"
                ),
            ),
            MemberInput(
                "beneficiary",
                new_person=PersonInput(
                    "Patel",
                    "Ravi",
                    date_of_birth="1995-01-22",
                    sex="male",
                    country_of_citizenship="India",
                ),
            ),
        ),
        receipt="WAC2612345678",
        moves=("collecting_documents", "preparing_forms"),
    ),
    _DemoCase(
        "daca-renewal",
        (
            MemberInput(
                "applicant",
                new_person=PersonInput(
                    "Hernandez",
                    "Luis",
                    date_of_birth="1999-07-04",
                    sex="male",
                    preferred_language="es",
                ),
            ),
        ),
        event=("daca_expiry", 117, False),  # the recommended window closed 3 days ago
        moves=("collecting_documents",),
        the_paralegals=False,
    ),
    _DemoCase(
        "asylum-affirmative",
        (
            MemberInput(
                "applicant",
                new_person=PersonInput(
                    "Haile", "Selam", date_of_birth="1991-11-15", country_of_citizenship="Eritrea"
                ),
            ),
        ),
        event=("last_arrival", 41 - 365, False),
    ),
)


_APPOINTMENT = {"starts_at_local": time(9, 0), "place": "USCIS Application Support Center, Chicago"}

# The marriage case's documents: (member role, item code, file name, what became of it).
_MARRIAGE_DOCUMENTS = (
    ("petitioner", "status-proof", "us-passport-john.pdf", "accepted"),
    ("petitioner", "birth-certificate", "birth-certificate-john.pdf", "accepted"),
    ("petitioner", "marriage-certificate", "marriage-certificate.pdf", "accepted"),
    ("beneficiary", "passport", "pasaporte-lucia.jpg", "accepted"),
    ("beneficiary", "birth-certificate", "acta-de-nacimiento.jpg", "unreadable"),
    ("beneficiary", "i94", "i94-lucia.pdf", "pending"),
)


@dataclass(frozen=True)
class DemoFirm:
    """What the seed prints: the sign-ins, and a client portal link (its token exists only
    here: the database keeps its hash)."""

    sign_ins: tuple[DemoSignIn, ...]
    portal_url: str


def _demo_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _demo_photo(*, readable: bool) -> bytes:
    """A phone photo of a paper document: lines of "text" on a page, or a dark blur."""
    image = Image.new("RGB", (600, 800), (236, 232, 220))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 560, 110), outline=(90, 90, 90), width=3)
    for line in range(14):
        top = 150 + line * 40
        draw.rectangle((60, top, 540 - (line % 4) * 60, top + 12), fill=(70, 70, 80))
    if not readable:
        image = image.point(lambda value: value // 4).filter(ImageFilter.GaussianBlur(12))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _add_demo_documents(session: Session, case: Case, *, clerk: Viewer, reviewer: Viewer) -> None:
    """Files through the real upload path (checked, encrypted), then reviewed as staff would."""
    for role, code, name, outcome in _MARRIAGE_DOCUMENTS:
        item = item_by_code(session, case, role, code)
        data = (
            _demo_pdf() if name.endswith(".pdf") else _demo_photo(readable=outcome != "unreadable")
        )
        with storage.start_upload(name) as upload:
            upload.write(data)
            document = add_file(session, item=item, staged=upload.finish(), uploaded_by=clerk)
        if outcome == "accepted":
            accept_item(session, actor=reviewer, reference=case.reference, item_id=item.id)
        elif outcome == "unreadable":
            reject_item(
                session,
                actor=reviewer,
                reference=case.reference,
                item_id=item.id,
                reason_code="unreadable",
            )
        else:  # waiting for review since two days ago, as a real queue would be
            document.uploaded_at = utcnow() - timedelta(days=2)
            session.add(document)
    session.flush()


def _demo_portal_link(session: Session, case: Case, *, actor: Viewer) -> str:
    client = session.exec(
        select(CaseMember).where(CaseMember.case_id == case.id, CaseMember.is_primary_client)
    ).one()
    _, token = create_link(
        session, actor=actor, reference=case.reference, member_id=client.id, send_email=False
    )
    return portal_url(token)


def has_staff(session: Session) -> bool:
    return session.exec(select(User.id).limit(1)).first() is not None


def seed_demo(session: Session) -> DemoFirm:
    """Create the demo firm. Refuses to touch a database that already has users."""
    if has_staff(session):
        raise RuntimeError("This database already has users; the demo firm was not added.")
    session.add(
        FirmSettings(
            name="Rivera & Chen Immigration Law (demo)",
            address="100 Main Street, Suite 200, Springfield, IL 62701",
            time_zone="America/Chicago",
            date_format="MM/DD/YYYY",
        )
    )
    users = {
        sign_in.email: create_user(
            session,
            email=sign_in.email,
            full_name=sign_in.full_name,
            role=sign_in.role,
            password=sign_in.password,
            actor=None,
        )
        for sign_in in DEMO_SIGN_INS
    }
    attorney = viewer_of(users["attorney@demo-firm.example"])
    paralegal = users["paralegal@demo-firm.example"]
    today = firm_clock(session).today()
    opened: dict[str, Case] = {}
    for demo in _DEMO_CASES:
        case = open_case(
            session,
            actor=attorney,
            case_type=demo.case_type,
            members=list(demo.members),
            attorney_id=attorney.id,
            paralegal_id=paralegal.id if demo.the_paralegals else None,
        )
        if demo.receipt:
            add_receipt_number(
                session, actor=attorney, reference=case.reference, receipt_number=demo.receipt
            )
        if demo.event:
            trigger, days, mailed = demo.event
            add_from_trigger(
                session,
                actor=attorney,
                case=case,
                trigger=trigger,
                trigger_on=today + timedelta(days=days),
                mailed=mailed,
                **(_APPOINTMENT if trigger.endswith("_appointment") else {}),
            )
        for stage in demo.moves:
            move_case(session, actor=attorney, reference=case.reference, stage=stage)
        opened[demo.case_type] = case
    _add_demo_documents(
        session, opened["aos-marriage"], clerk=viewer_of(paralegal), reviewer=attorney
    )
    return DemoFirm(
        sign_ins=DEMO_SIGN_INS,
        portal_url=_demo_portal_link(session, opened["daca-renewal"], actor=attorney),
    )
