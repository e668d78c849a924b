"""One typed settings object, read from the environment. Nothing else reads os.environ."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from pathlib import Path


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    redis_url: str | None
    session_idle_hours: float
    session_max_days: float
    login_limit_per_account: str
    login_limit_per_address: str
    secure_cookies: bool

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        data_dir = Path(env.get("DATA_DIR", "data")).resolve()
        return cls(
            data_dir=data_dir,
            database_url=env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'app.db'}",
            redis_url=env.get("REFLEX_REDIS_URL") or None,
            session_idle_hours=float(env.get("SESSION_IDLE_HOURS", "12")),
            session_max_days=float(env.get("SESSION_MAX_DAYS", "14")),
            login_limit_per_account=env.get("LOGIN_LIMIT_PER_ACCOUNT", "5/15 minutes"),
            login_limit_per_address=env.get("LOGIN_LIMIT_PER_ADDRESS", "30/15 minutes"),
            secure_cookies=_flag(env.get("SECURE_COOKIES", "false")),
        )


@functools.cache
def get_settings() -> Settings:
    settings = Settings.from_env()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return settings
