"""Helpers for tests of two-step sign-in: an authenticator app, in a few lines of pyotp."""

from __future__ import annotations

from datetime import timedelta

import pyotp
from sqlmodel import Session

from immigration_app.models import User, utcnow
from immigration_app.services.two_step import confirm_enrolment, start_enrolment


def code_for(secret: str, *, steps_ahead: int = 0) -> str:
    """The code the app shows now, or `steps_ahead` 30-second steps from now (still accepted
    one step ahead, as for a phone whose clock runs a little fast)."""
    moment = utcnow() + timedelta(seconds=30 * steps_ahead)
    return pyotp.TOTP(secret.replace(" ", "")).at(moment)


def enrol(session: Session, user: User) -> tuple[str, list[str]]:
    """Turn two-step sign-in on for `user`, as they would; returns the secret and the recovery
    codes. The code used to confirm is spent, so the next sign-in uses `steps_ahead=1`."""
    secret = start_enrolment(session, user_id=user.id).secret.replace(" ", "")
    codes = confirm_enrolment(session, user_id=user.id, code=code_for(secret))
    return secret, codes
