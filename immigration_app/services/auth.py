"""Sign-in, signed-in sessions and the sign-in rate limit.

The browser holds an opaque random token; the database keeps only its SHA-256,
so a copy of the database does not let anyone sign in.
"""

from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from limits import parse
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from sqlmodel import Session, select

from immigration_app.models import AuthSession, User, utcnow
from immigration_app.services.audit import record_event
from immigration_app.services.errors import InvalidInput
from immigration_app.services.firm import firm_settings
from immigration_app.services.passwords import (
    dummy_hash,
    hash_password,
    needs_rehash,
    verify_password,
)
from immigration_app.services.users import normalize_email, viewer_of
from immigration_app.services.viewer import Viewer
from immigration_app.settings import get_settings

# Sessions are touched at most this often, so reading pages does not write on every event.
_TOUCH_INTERVAL = timedelta(minutes=1)
BAD_CREDENTIALS = "The email or password is not right."
# The browser cookie holding the session token; pages and API routes both read it.
SESSION_COOKIE = "immigration_session"


@dataclass(frozen=True)
class SignInRefused:
    """Sign-in failed; the message is safe to show and reveals nothing about accounts.

    Returned rather than raised, so the audit event of the failure is committed.
    """

    message: str


@dataclass(frozen=True)
class SignedIn:
    token: str
    viewer: Viewer


@dataclass(frozen=True)
class SecondStepNeeded:
    """The password was right, but no session opens before a code from the authenticator app.

    `enrol`: the firm requires two-step sign-in and this account has none yet, so it is set up
    now, before the first session.
    """

    user_id: int
    email: str
    enrol: bool


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@functools.cache
def _limiter_for(storage_url: str) -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(storage_from_string(storage_url))


def _limiter() -> MovingWindowRateLimiter:
    # With several workers the counts must be shared, so they live in Redis when it is configured.
    return _limiter_for(get_settings().redis_url or "memory://")


def clear_sign_in_limits() -> None:
    """Forget every failed-attempt count (after an admin has helped a locked-out user)."""
    _limiter().storage.reset()


def _login_limits(email: str, client_address: str):
    settings = get_settings()
    return [
        (parse(settings.login_limit_per_account), ("login-account", email)),
        (parse(settings.login_limit_per_address), ("login-address", client_address or "unknown")),
    ]


def _retry_minutes(limit, keys) -> int:
    reset_at = _limiter().get_window_stats(limit, *keys).reset_time
    seconds = max(0.0, reset_at - utcnow().timestamp())
    return max(1, int(seconds // 60) + 1)


def blocked_refusal(session: Session, *, email: str, client_address: str) -> SignInRefused | None:
    """Refusal (and a `sign_in_blocked` event) when too many attempts failed lately, else None.

    Wrong passwords and wrong two-step codes count against the same limits.
    """
    for limit, keys in _login_limits(email, client_address):
        if not _limiter().test(limit, *keys):
            minutes = _retry_minutes(limit, keys)
            record_event(
                session,
                kind="sign_in_blocked",
                summary=f"Sign-in for {email} refused: too many failed attempts",
                actor=None,
                actor_label=email,
                client_address=client_address,
            )
            return SignInRefused(
                f"Too many failed sign-in attempts. Try again in {minutes} minute"
                f"{'s' if minutes != 1 else ''}."
            )
    return None


def count_failed_attempt(*, email: str, client_address: str) -> None:
    for limit, keys in _login_limits(email, client_address):
        _limiter().hit(limit, *keys)


def failed_sign_in(
    session: Session,
    *,
    email: str,
    client_address: str,
    message: str,
    reason: str = "",
    because: str = "",
) -> SignInRefused:
    """A wrong password or code: counted against the limits, recorded (with `reason`, a code,
    and `because`, its words), refused with `message`."""
    count_failed_attempt(email=email, client_address=client_address)
    record_event(
        session,
        kind="sign_in_failed",
        summary=f"Failed sign-in for {email}" + (f": {because}" if because else ""),
        actor=None,
        actor_label=email,
        client_address=client_address,
        after={"reason": reason} if reason else None,
    )
    return SignInRefused(message)


def sign_in(
    session: Session,
    *,
    email: str,
    password: str,
    client_address: str = "",
    user_agent: str = "",
) -> SignedIn | SecondStepNeeded | SignInRefused:
    """Check the credentials and open a session, or say what is still needed, or why not."""
    try:
        email = normalize_email(email)
    except InvalidInput:
        return SignInRefused("Enter a valid email address.")

    if refused := blocked_refusal(session, email=email, client_address=client_address):
        return refused

    user = session.exec(select(User).where(User.email == email)).first()
    password_ok = verify_password(user.password_hash if user else dummy_hash(), password)
    if user is None or not password_ok or not user.is_active:
        return failed_sign_in(
            session, email=email, client_address=client_address, message=BAD_CREDENTIALS
        )

    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        session.add(user)
    if user.two_step_enabled_at is not None:
        return SecondStepNeeded(user_id=user.id, email=email, enrol=False)
    if firm_settings(session).require_two_step:
        return SecondStepNeeded(user_id=user.id, email=email, enrol=True)
    return open_session(session, user, client_address=client_address, user_agent=user_agent)


def open_session(
    session: Session, user: User, *, client_address: str, user_agent: str, how: str = ""
) -> SignedIn:
    """Every check has passed: make the session the browser's cookie will name."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        AuthSession(
            token_sha256=token_digest(token),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + timedelta(days=get_settings().session_max_days),
            user_agent=user_agent[:500],
            client_address=client_address[:64],
        )
    )
    viewer = viewer_of(user)
    record_event(
        session,
        kind="sign_in",
        summary=f"{user.email} signed in{how}",
        actor=viewer,
        client_address=client_address,
    )
    return SignedIn(token=token, viewer=viewer)


def viewer_for_token(session: Session, token: str) -> Viewer | None:
    """The staff member a session token belongs to, if the session is still valid."""
    if not token:
        return None
    row = session.exec(
        select(AuthSession, User)
        .join(User, User.id == AuthSession.user_id)
        .where(AuthSession.token_sha256 == token_digest(token))
    ).first()
    if row is None:
        return None
    auth_session, user = row
    now = utcnow()
    idle_limit = timedelta(hours=get_settings().session_idle_hours)
    if (
        auth_session.revoked_at is not None
        or auth_session.expires_at <= now
        or auth_session.last_seen_at + idle_limit <= now
        or not user.is_active
    ):
        return None
    if now - auth_session.last_seen_at >= _TOUCH_INTERVAL:
        auth_session.last_seen_at = now
        session.add(auth_session)
    return viewer_of(user)


def end_sessions_of(session: Session, user: User) -> int:
    """Sign a person out everywhere; returns how many sessions were open. After their
    two-step sign-in is reset for a lost phone, a browser that phone's thief holds is out too."""
    open_sessions = session.exec(
        select(AuthSession).where(AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None))
    ).all()
    now = utcnow()
    for auth_session in open_sessions:
        auth_session.revoked_at = now
        session.add(auth_session)
    return len(open_sessions)


def sign_out(session: Session, *, token: str) -> None:
    auth_session = session.exec(
        select(AuthSession).where(AuthSession.token_sha256 == token_digest(token))
    ).first()
    if auth_session is None or auth_session.revoked_at is not None:
        return
    auth_session.revoked_at = utcnow()
    session.add(auth_session)
    user = session.get(User, auth_session.user_id)
    record_event(
        session,
        kind="sign_out",
        summary=f"{user.email} signed out",
        actor=viewer_of(user),
    )
