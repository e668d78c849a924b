"""Staff accounts and their signed-in sessions."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from immigration_app.models.types import now_field, optional_time_field


class Role(enum.StrEnum):
    ADMIN = "admin"
    ATTORNEY = "attorney"
    PARALEGAL = "paralegal"


class User(SQLModel, table=True):
    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    full_name: str = Field(max_length=200)
    password_hash: str = Field(max_length=255)
    role: Role = Field(sa_type=sa.String(16), index=True)
    is_active: bool = Field(default=True, index=True)
    # Marked by an admin: may review packets without being an attorney (never their own).
    is_reviewer: bool = False
    created_at: datetime = now_field()
    # Two-step sign-in. The authenticator secret is kept encrypted (services/sealed_values.py);
    # it is set while enrolling and counts only once `two_step_enabled_at` is set.
    totp_secret_sealed: str | None = Field(default=None, max_length=200)
    two_step_enabled_at: datetime | None = optional_time_field()
    # The last 30-second time step whose code was accepted: that code, and older ones, never
    # work again, so a code read over someone's shoulder cannot be replayed.
    totp_last_step: int | None = Field(default=None, sa_type=sa.BigInteger)


class AuthSession(SQLModel, table=True):
    """A signed-in browser. Only the SHA-256 of the cookie's token is kept."""

    __tablename__ = "auth_session"

    id: int | None = Field(default=None, primary_key=True)
    token_sha256: str = Field(max_length=64, unique=True, index=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    created_at: datetime = now_field()
    last_seen_at: datetime = now_field()
    expires_at: datetime = now_field(index=True)
    revoked_at: datetime | None = optional_time_field()
    user_agent: str = Field(default="", max_length=500)
    client_address: str = Field(default="", max_length=64)


class RecoveryCode(SQLModel, table=True):
    """A one-time code that signs in instead of the authenticator (a lost phone).

    Only the SHA-256 of the code is kept; the codes carry 60 random bits, so a slow hash
    adds nothing.
    """

    __tablename__ = "recovery_code"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    code_sha256: str = Field(max_length=64)
    created_at: datetime = now_field()
    used_at: datetime | None = optional_time_field()
