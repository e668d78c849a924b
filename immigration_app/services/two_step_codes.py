"""The codes of two-step sign-in: authenticator (TOTP) codes, recovery codes, the enrolment QR.

An authenticator code is accepted at most once: the time step it belongs to is claimed in the
user's row with a conditional UPDATE, so the same code (or an older one) fails afterwards, even
when two sign-ins race with it. A recovery code is marked used the same way.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import secrets

import pyotp
import qrcode
import qrcode.image.svg
from sqlmodel import Session, delete, func, or_, select, update

from immigration_app.models import RecoveryCode, User, utcnow
from immigration_app.services.numbers import ascii_digits
from immigration_app.services.sealed_values import open_text, seal_text

RECOVERY_CODE_COUNT = 10
# No 0/o, 1/i/l: a code copied from paper must not be misread.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_GROUPS = 3
_RECOVERY_GROUP_SIZE = 4


def _bound_to(user: User) -> str:
    return f"totp:user:{user.id}"


def new_secret(user: User) -> str:
    """A fresh authenticator secret (base32), sealed into the user's row; returns it in clear."""
    secret = pyotp.random_base32()
    user.totp_secret_sealed = seal_text(secret, bound_to=_bound_to(user))
    user.totp_last_step = None
    return secret


def secret_of(user: User) -> str | None:
    if not user.totp_secret_sealed:
        return None
    return open_text(user.totp_secret_sealed, bound_to=_bound_to(user))


def forget_two_step(session: Session, user: User) -> None:
    """Remove the secret and every recovery code: two-step sign-in is off."""
    user.totp_secret_sealed = None
    user.two_step_enabled_at = None
    user.totp_last_step = None
    session.add(user)
    session.exec(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def grouped_secret(secret: str) -> str:
    """The secret in groups of four, as authenticator apps show it for typing in by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=account, issuer_name=issuer)


def qr_data_uri(text: str) -> str:
    """An SVG QR code of `text`, as a data: URI an <img> can show."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def _digits(code: str) -> str:
    return ascii_digits("".join(code.split()))


def looks_like_authenticator_code(code: str) -> bool:
    digits = _digits(code)
    return len(digits) == 6 and digits.isascii() and digits.isdigit()


def claim_authenticator_code(session: Session, user: User, code: str) -> bool:
    """True when `code` is the user's current code (or the one just before or after, for a
    phone whose clock is a little off) and that time step was never used before."""
    secret = secret_of(user)
    if secret is None or not looks_like_authenticator_code(code):
        return False
    totp = pyotp.TOTP(secret)
    current = totp.timecode(utcnow())
    for step in (current - 1, current, current + 1):
        if hmac.compare_digest(totp.generate_otp(step), _digits(code)):
            return _claim_step(session, user, step)
    return False


def _claim_step(session: Session, user: User, step: int) -> bool:
    claimed = session.exec(
        update(User)
        .where(
            User.id == user.id,
            or_(User.totp_last_step.is_(None), User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        return False
    user.totp_last_step = step
    return True


def _normalized_recovery_code(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _recovery_digest(code: str) -> str:
    return hashlib.sha256(_normalized_recovery_code(code).encode()).hexdigest()


def new_recovery_codes(session: Session, user: User) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new ones, returned in clear
    (the only time they are: only their digests are kept)."""
    session.exec(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [
        "-".join(
            "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_GROUP_SIZE))
            for _ in range(_RECOVERY_GROUPS)
        )
        for _ in range(RECOVERY_CODE_COUNT)
    ]
    for code in codes:
        session.add(RecoveryCode(user_id=user.id, code_sha256=_recovery_digest(code)))
    session.flush()
    return codes


def use_recovery_code(session: Session, user: User, code: str) -> bool:
    """True, once, for each of the user's unused recovery codes."""
    if len(_normalized_recovery_code(code)) != _RECOVERY_GROUPS * _RECOVERY_GROUP_SIZE:
        return False
    used = session.exec(
        update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_sha256 == _recovery_digest(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    return used.rowcount == 1


def recovery_codes_left(session: Session, user_id: int) -> int:
    return session.exec(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))
    ).one()
