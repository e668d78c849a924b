"""Two-step sign-in for staff: setting it up, turning it off, recovery codes, the firm's rule.

Setting up is two calls: `start_enrolment` makes a secret (kept encrypted in the user's row) and
the QR code an authenticator app scans; `confirm_enrolment` turns two-step sign-in on only once a
code from the app proves the app has it, and returns the recovery codes, shown once. Turning it
off and making new recovery codes need a current code too, so a browser left signed in is not
enough to weaken the account. Wrong codes count against the sign-in rate limits.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, func, select

from immigration_app.models import User, utcnow
from immigration_app.services.audit import record_event
from immigration_app.services.auth import blocked_refusal, count_failed_attempt, end_sessions_of
from immigration_app.services.errors import InvalidInput, NotFound, NotPermitted
from immigration_app.services.firm import firm_settings
from immigration_app.services.two_step_codes import (
    claim_authenticator_code,
    forget_two_step,
    grouped_secret,
    new_recovery_codes,
    new_secret,
    provisioning_uri,
    qr_data_uri,
    recovery_codes_left,
    use_recovery_code,
)
from immigration_app.services.users import find_user_by_email, viewer_of
from immigration_app.services.viewer import Viewer, require_admin

ISSUER = "Case Desk"
WRONG_CODE = (
    "That code is not right. Enter the 6-digit code your authenticator app shows now, "
    "or one of your recovery codes."
)
WRONG_SETUP_CODE = (
    "That code is not right. Check that the app shows the code for this account "
    "and enter the 6 digits it shows now."
)
REQUIRED_BY_FIRM = "Your firm requires two-step sign-in, so it cannot be turned off."


@dataclass(frozen=True)
class TwoStepStatus:
    enabled: bool
    required_by_firm: bool
    recovery_codes_left: int


@dataclass(frozen=True)
class Enrolment:
    """What the person needs to add the account to an authenticator app."""

    secret: str  # in groups of four, for typing in by hand
    qr_data_uri: str


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None or not user.is_active:
        raise NotFound(f"No active user {user_id}")
    return user


def two_step_status(session: Session, *, user_id: int) -> TwoStepStatus:
    user = _user(session, user_id)
    return TwoStepStatus(
        enabled=user.two_step_enabled_at is not None,
        required_by_firm=firm_settings(session).require_two_step,
        recovery_codes_left=recovery_codes_left(session, user.id),
    )


def start_enrolment(session: Session, *, user_id: int) -> Enrolment:
    """A new secret for the user's authenticator app; two-step stays off until confirmed."""
    user = _user(session, user_id)
    if user.two_step_enabled_at is not None:
        raise InvalidInput({"code": "Two-step sign-in is already on for this account."})
    secret = new_secret(user)
    session.add(user)
    uri = provisioning_uri(secret, account=user.email, issuer=ISSUER)
    return Enrolment(secret=grouped_secret(secret), qr_data_uri=qr_data_uri(uri))


def confirm_enrolment(
    session: Session, *, user_id: int, code: str, client_address: str = ""
) -> list[str]:
    """Turn two-step sign-in on when `code` is right; returns the new recovery codes."""
    user = _user(session, user_id)
    if user.two_step_enabled_at is not None:
        raise InvalidInput({"code": "Two-step sign-in is already on for this account."})
    if not user.totp_secret_sealed:
        raise InvalidInput({"code": "Start the set-up again: there is no QR code to confirm."})
    if not claim_authenticator_code(session, user, code):
        raise InvalidInput({"code": WRONG_SETUP_CODE})
    user.two_step_enabled_at = utcnow()
    session.add(user)
    codes = new_recovery_codes(session, user)
    record_event(
        session,
        kind="two_step_enabled",
        summary=f"{user.email} turned on two-step sign-in",
        actor=viewer_of(user),
        client_address=client_address,
    )
    return codes


def check_second_step(session: Session, user: User, code: str, *, client_address: str) -> bool:
    """True when `code` is an unused authenticator code or recovery code of the user.

    A recovery code is used up, with an event; the caller counts a wrong code as a failed
    attempt.
    """
    if claim_authenticator_code(session, user, code):
        return True
    if use_recovery_code(session, user, code):
        left = recovery_codes_left(session, user.id)
        record_event(
            session,
            kind="recovery_code_used",
            summary=f"{user.email} used a recovery code ({left} left)",
            actor=viewer_of(user),
            client_address=client_address,
            after={"recovery_codes_left": left},
        )
        return True
    return False


def _require_current_code(session: Session, user: User, code: str, *, client_address: str) -> None:
    """InvalidInput unless `code` is right; wrong codes count like wrong passwords."""
    if refused := blocked_refusal(session, email=user.email, client_address=client_address):
        raise InvalidInput({"code": refused.message})
    if not check_second_step(session, user, code, client_address=client_address):
        count_failed_attempt(email=user.email, client_address=client_address)
        raise InvalidInput({"code": WRONG_CODE})


def _enabled_user(session: Session, user_id: int) -> User:
    user = _user(session, user_id)
    if user.two_step_enabled_at is None:
        raise InvalidInput({"code": "Two-step sign-in is not on for this account."})
    return user


def regenerate_recovery_codes(
    session: Session, *, actor: Viewer, code: str, client_address: str = ""
) -> list[str]:
    """New recovery codes for the signed-in user; the old ones stop working."""
    user = _enabled_user(session, actor.id)
    _require_current_code(session, user, code, client_address=client_address)
    codes = new_recovery_codes(session, user)
    record_event(
        session,
        kind="recovery_codes_regenerated",
        summary=f"{user.email} made new recovery codes",
        actor=actor,
        client_address=client_address,
    )
    return codes


def disable_two_step(
    session: Session, *, actor: Viewer, code: str, client_address: str = ""
) -> None:
    """Turn two-step sign-in off for the signed-in user; refused while the firm requires it."""
    user = _enabled_user(session, actor.id)
    if firm_settings(session).require_two_step:
        raise NotPermitted(REQUIRED_BY_FIRM)
    _require_current_code(session, user, code, client_address=client_address)
    forget_two_step(session, user)
    record_event(
        session,
        kind="two_step_disabled",
        summary=f"{user.email} turned off two-step sign-in",
        actor=actor,
        client_address=client_address,
    )


def _reset(session: Session, user: User, *, field: str, by: str, actor: Viewer | None) -> User:
    """Clear the user's two-step sign-in and end their open sessions (a lost phone's browser
    included); `by` says who did it, for the audit log."""
    if user.two_step_enabled_at is None:
        name = user.full_name if field == "user" else user.email
        raise InvalidInput({field: f"{name} does not use two-step sign-in."})
    forget_two_step(session, user)
    ended = end_sessions_of(session, user)
    record_event(
        session,
        kind="two_step_reset",
        summary=f"Two-step sign-in of {user.email} reset {by}; "
        f"signed out of {ended} open session(s)",
        actor=actor,
        actor_label=None if actor else "command line",
        before={"two_step": True},
        after={"two_step": False},
    )
    return user


def reset_two_step(session: Session, *, actor: Viewer, user_id: int) -> User:
    """An admin clears a colleague's two-step sign-in (a lost phone). They sign in with their
    password alone afterwards, or set it up again at once when the firm requires it."""
    require_admin(actor, "reset two-step sign-in")
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"No user {user_id}")
    return _reset(session, user, field="user", by=f"by {actor.email}", actor=actor)


def reset_two_step_by_operator(session: Session, *, email: str) -> User:
    """The server's operator clears an account's two-step sign-in from the command line: the
    way back in for a firm whose only admin lost both phone and recovery codes."""
    user = find_user_by_email(session, email.strip())
    if user is None:
        raise NotFound(f"No user {email}")
    return _reset(session, user, field="email", by="from the command line", actor=None)


def set_two_step_required(session: Session, *, actor: Viewer, required: bool) -> None:
    """The firm's rule: every staff member signs in with two steps. Those without it set it up
    at their next sign-in, before they get in."""
    require_admin(actor, "change the firm's settings")
    settings = firm_settings(session)
    if settings.require_two_step == required:
        return
    settings.require_two_step = required
    session.add(settings)
    record_event(
        session,
        kind="firm_settings_changed",
        summary="Firm settings changed: two-step sign-in "
        + ("required for all staff" if required else "no longer required"),
        actor=actor,
        before={"require_two_step": not required},
        after={"require_two_step": required},
    )


def staff_without_two_step(session: Session) -> int:
    """Active staff who have not set up two-step sign-in (shown beside the firm's rule)."""
    return session.exec(
        select(func.count())
        .select_from(User)
        .where(User.is_active, User.two_step_enabled_at.is_(None))
    ).one()
