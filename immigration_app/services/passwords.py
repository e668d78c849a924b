"""Password rules and Argon2id hashing."""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
# Hashing a megabyte-long "password" would let anyone burn CPU: cap it.
MAX_LENGTH = 256


@functools.cache
def _hasher() -> PasswordHasher:
    return PasswordHasher()


def password_problem(password: str) -> str | None:
    """Why a new password is not acceptable, or None when it is."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    if password.strip() != password:
        return "Remove the spaces at the start or end."
    return None


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher().verify(password_hash, password[:MAX_LENGTH])
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)


@functools.cache
def dummy_hash() -> str:
    """Verified against when the email is unknown, so both paths take as long."""
    return hash_password("unknown-account-placeholder")
