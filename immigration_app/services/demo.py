"""A demo firm to try the product with: staff accounts and a few cases."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from immigration_app.models import FirmSettings, User
from immigration_app.services.cases import open_case
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

_DEMO_CASES = (
    (
        "aos-marriage",
        PersonInput("Smith", "John", date_of_birth="1988-04-12", email="john.smith@mail.example"),
    ),
    (
        "n400-naturalization",
        PersonInput(
            "Garcia Lopez",
            "Maria",
            middle_name="Elena",
            date_of_birth="1979-09-30",
            a_number="A012345678",
            preferred_language="es",
        ),
    ),
    (
        "h1b",
        PersonInput("Patel", "Ravi", date_of_birth="1995-01-22", country_of_citizenship="India"),
    ),
    (
        "daca-renewal",
        PersonInput("Hernandez", "Luis", date_of_birth="1999-07-04", preferred_language="es"),
    ),
    (
        "asylum-affirmative",
        PersonInput("Haile", "Selam", date_of_birth="1991-11-15", country_of_citizenship="Eritrea"),
    ),
)


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
    attorney = users["attorney@demo-firm.example"]
    paralegal = users["paralegal@demo-firm.example"]
    for index, (case_type, client) in enumerate(_DEMO_CASES):
        open_case(
            session,
            actor=viewer_of(attorney),
            case_type=case_type,
            client=client,
            attorney_id=attorney.id,
            # Every other case is the demo paralegal's; the rest are unassigned.
            paralegal_id=paralegal.id if index % 2 == 0 else None,
        )
    return DEMO_SIGN_INS
