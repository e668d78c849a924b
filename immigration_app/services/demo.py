"""A demo firm to try the product with: staff accounts and a few cases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time, timedelta

from sqlmodel import Session, select

from immigration_app.models import FirmSettings, User
from immigration_app.services.cases import MemberInput, add_receipt_number, move_case, open_case
from immigration_app.services.deadlines import add_from_trigger
from immigration_app.services.firm import firm_clock
from immigration_app.services.people import PersonInput
from immigration_app.services.users import create_user, viewer_of


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
                "petitioner", new_person=PersonInput("Smith", "John", date_of_birth="1988-04-12")
            ),
            MemberInput(
                "beneficiary",
                new_person=PersonInput(
                    "Smith",
                    "Lucia",
                    middle_name="Fernanda",
                    date_of_birth="1990-08-02",
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
                    "Patel", "Ravi", date_of_birth="1995-01-22", country_of_citizenship="India"
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
                    "Hernandez", "Luis", date_of_birth="1999-07-04", preferred_language="es"
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


def has_staff(session: Session) -> bool:
    return session.exec(select(User.id).limit(1)).first() is not None


def seed_demo(session: Session) -> tuple[DemoSignIn, ...]:
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
    return DEMO_SIGN_INS
