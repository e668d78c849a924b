"""The second step of signing in: the code after a correct password, or setting two-step up
right there when the firm requires it. Only after this does a session (and its cookie) exist.

The caller (the sign-in page) remembers, on the server, which account gave the right password
and until when; these functions trust that and check everything else again.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from immigration_app.models import User
from immigration_app.services.auth import (
    SignedIn,
    SignInRefused,
    blocked_refusal,
    count_failed_attempt,
    failed_sign_in,
    open_session,
)
from immigration_app.services.errors import InvalidInput
from immigration_app.services.firm import firm_settings
from immigration_app.services.two_step import (
    WRONG_CODE,
    Enrolment,
    check_second_step,
    confirm_enrolment,
    start_enrolment,
)

START_AGAIN = "Your sign-in has expired. Enter your email and password again."


@dataclass(frozen=True)
class EnrolledAndSignedIn:
    signed_in: SignedIn
    recovery_codes: list[str]


def _pending_user(session: Session, user_id: int) -> User | None:
    user = session.get(User, user_id)
    return user if user is not None and user.is_active else None


def finish_sign_in(
    session: Session, *, user_id: int, code: str, client_address: str = "", user_agent: str = ""
) -> SignedIn | SignInRefused:
    """Open the session when `code` is a right, unused authenticator or recovery code."""
    user = _pending_user(session, user_id)
    if user is None or user.two_step_enabled_at is None:
        return SignInRefused(START_AGAIN)
    if refused := blocked_refusal(session, email=user.email, client_address=client_address):
        return refused
    if not check_second_step(session, user, code, client_address=client_address):
        return failed_sign_in(
            session,
            email=user.email,
            client_address=client_address,
            message=WRONG_CODE,
            reason="wrong_two_step_code",
            because="wrong two-step code",
        )
    return open_session(
        session,
        user,
        client_address=client_address,
        user_agent=user_agent,
        how=" with two-step sign-in",
    )


def start_enrolment_at_sign_in(session: Session, *, user_id: int) -> Enrolment | SignInRefused:
    """The QR code for someone the firm requires to set up two-step before signing in."""
    user = _pending_user(session, user_id)
    if user is None or user.two_step_enabled_at is not None:
        return SignInRefused(START_AGAIN)
    return start_enrolment(session, user_id=user.id)


def finish_enrolment_at_sign_in(
    session: Session, *, user_id: int, code: str, client_address: str = "", user_agent: str = ""
) -> EnrolledAndSignedIn | SignInRefused:
    """Turn two-step on with the app's first code, then open the session."""
    user = _pending_user(session, user_id)
    if user is None or not firm_settings(session).require_two_step:
        # The firm dropped the rule meanwhile: the password alone is enough again.
        return SignInRefused(START_AGAIN)
    if refused := blocked_refusal(session, email=user.email, client_address=client_address):
        return refused
    try:
        codes = confirm_enrolment(
            session, user_id=user.id, code=code, client_address=client_address
        )
    except InvalidInput as error:
        count_failed_attempt(email=user.email, client_address=client_address)
        return SignInRefused(error.fields["code"])
    signed_in = open_session(
        session,
        user,
        client_address=client_address,
        user_agent=user_agent,
        how=" and set up two-step sign-in",
    )
    return EnrolledAndSignedIn(signed_in=signed_in, recovery_codes=codes)
