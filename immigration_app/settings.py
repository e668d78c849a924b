"""One typed settings object, read from the environment. Nothing else reads os.environ."""

from __future__ import annotations

import base64
import binascii
import functools
import os
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

from limits import parse as parse_rate_limit

SMTP_SECURITY_MODES = ("starttls", "ssl", "none")
# The USCIS Case Status API's sandbox; production keys come with their own host after approval.
# Source: shared DOMAIN.md section 4 (developer.uscis.gov, as of 2026).
USCIS_SANDBOX_URL = "https://api-int.uscis.gov"
# A loopback host name, and how it is written in an address.
LOOPBACK_HOSTS = {"localhost": "localhost", "127.0.0.1": "127.0.0.1", "::1": "[::1]"}


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _number(env, name: str, default: str, kind: type[int] | type[float], low: float, high: float):
    """A number setting, refused with a sentence naming the variable (not a bare ValueError)."""
    raw = (env.get(name) or default).strip()
    try:
        value = kind(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        what = "a whole number" if kind is int else "a number"
        raise ValueError(f"{name} must be {what} from {low:g} to {high:g}, not {raw!r}.")
    return value


def _rate_limit(env, name: str, default: str) -> str:
    """A sign-in limit in the `limits` package's notation, checked now rather than at a sign-in."""
    raw = (env.get(name) or default).strip()
    try:
        amount = parse_rate_limit(raw).amount
    except ValueError:
        amount = 0
    if amount < 1:
        raise ValueError(
            f"{name} must be a number of attempts per period, like {default!r} or '10/hour', "
            f"not {raw!r}."
        )
    return raw


def _document_key(env) -> bytes | None:
    """DOCUMENT_KEY: 32 random bytes in base64. The value itself never goes in an error message."""
    raw = (env.get("DOCUMENT_KEY") or "").strip()
    if not raw:
        return None  # the key file under DATA_DIR is used instead
    # URL-safe base64 is the documented form; the standard alphabet (what `openssl rand -base64`
    # prints) and missing "=" padding are forgiven, as neither is ambiguous.
    text = raw.replace("+", "-").replace("/", "_")
    try:
        key = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        key = b""
    if len(key) != 32:
        raise ValueError(
            "DOCUMENT_KEY must be 32 random bytes in URL-safe base64 (44 characters); "
            "make one with: openssl rand -base64 32"
        )
    return key


def _smtp_security(env) -> str:
    mode = (env.get("SMTP_SECURITY") or "starttls").strip().lower()
    if mode not in SMTP_SECURITY_MODES:
        raise ValueError(
            f"SMTP_SECURITY must be starttls, ssl or none, not {env.get('SMTP_SECURITY')!r}."
        )
    return mode


def _mail_from(env) -> str:
    value = (env.get("MAIL_FROM") or "Case Desk <no-reply@localhost>").strip()
    if "@" not in parseaddr(value)[1]:
        raise ValueError(
            f"MAIL_FROM must be an address like 'Case Desk <office@firm.example>', not {value!r}."
        )
    return value


def _uscis_api_base_url(env) -> str:
    value = (env.get("USCIS_API_BASE_URL") or USCIS_SANDBOX_URL).strip().rstrip("/")
    if not value.startswith(("https://", "http://")):
        raise ValueError(
            f"USCIS_API_BASE_URL must be an address like {USCIS_SANDBOX_URL}, not {value!r}."
        )
    return value


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
    # Outgoing mail. No SMTP_HOST means messages are written to `outbox_dir` as .eml files.
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_security: str = "starttls"  # one of SMTP_SECURITY_MODES
    smtp_user: str | None = None
    smtp_password: str | None = field(default=None, repr=False)  # never in a log line
    mail_from: str = "Case Desk <no-reply@localhost>"
    smtp_timeout_seconds: float = 20.0
    mail_max_attempts: int = 5
    # The address people use to reach the app; links in messages start with it.
    app_url: str = "http://localhost:3000"
    # Off when an admin runs `immigration-app sweep` from cron instead.
    scheduler_enabled: bool = True
    # `make run` adds the demo firm (whose passwords the README publishes) to a database with
    # no users; a firm starting for real turns this off and creates its own admin.
    seed_demo: bool = True
    # Documents are encrypted at rest with this AES-256 key. None means DATA_DIR/document.key,
    # created on first use. Losing the key loses every stored document.
    document_key: bytes | None = field(default=None, repr=False)
    upload_limit_mb: int = 25
    # The USCIS Case Status API (developer.uscis.gov). No client id or secret: status checks
    # are off and say how to get credentials. Production allows 10 requests a second and
    # 10,000 a day; the sandbox is reported to allow 5 a second and 1,000 a day (DOMAIN.md 4).
    uscis_api_base_url: str = USCIS_SANDBOX_URL
    uscis_api_client_id: str | None = None
    uscis_api_client_secret: str | None = field(default=None, repr=False)  # never in a log line
    uscis_api_rate_per_second: int = 10
    uscis_api_daily_quota: int = 1000

    @property
    def allowed_origins(self) -> tuple[str, ...]:
        """The origins whose pages may open the app's websocket and call its routes: APP_URL's.

        On a loopback address the other loopback names for the same port are allowed too, so
        a firm trying the app at http://127.0.0.1:3000 instead of localhost is not locked out.
        """
        url = urlsplit(self.app_url)
        if url.hostname not in LOOPBACK_HOSTS:
            return (f"{url.scheme}://{url.netloc}",)
        port = f":{url.port}" if url.port else ""
        return tuple(f"{url.scheme}://{host}{port}" for host in LOOPBACK_HOSTS.values())

    @property
    def outbox_dir(self) -> Path:
        """Where messages go as .eml files when no SMTP server is configured."""
        return self.data_dir / "outbox"

    @property
    def documents_dir(self) -> Path:
        """Encrypted document blobs, and the staging folder for uploads in progress."""
        return self.data_dir / "documents"

    @property
    def document_key_file(self) -> Path:
        """The document key when DOCUMENT_KEY is not set (base64 text, mode 0600)."""
        return self.data_dir / "document.key"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        data_dir = Path(env.get("DATA_DIR", "data")).resolve()
        # `make run` serves on PORT; without APP_URL the app is at that port on this machine,
        # and only pages from there may open its websocket.
        port = _number(env, "PORT", "3000", int, 1, 65535)
        app_url = (env.get("APP_URL") or f"http://localhost:{port}").strip().rstrip("/")
        return cls(
            data_dir=data_dir,
            database_url=env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'app.db'}",
            redis_url=env.get("REFLEX_REDIS_URL") or None,
            session_idle_hours=_number(env, "SESSION_IDLE_HOURS", "12", float, 0.1, 8760),
            session_max_days=_number(env, "SESSION_MAX_DAYS", "14", float, 0.1, 366),
            login_limit_per_account=_rate_limit(env, "LOGIN_LIMIT_PER_ACCOUNT", "5/15 minutes"),
            login_limit_per_address=_rate_limit(env, "LOGIN_LIMIT_PER_ADDRESS", "30/15 minutes"),
            secure_cookies=_flag(env.get("SECURE_COOKIES") or str(app_url.startswith("https:"))),
            app_url=app_url,
            scheduler_enabled=_flag(env.get("SCHEDULER_ENABLED", "true")),
            seed_demo=_flag(env.get("SEED_DEMO") or "true"),
            document_key=_document_key(env),
            upload_limit_mb=_number(env, "UPLOAD_LIMIT_MB", "25", int, 1, 2048),
            **cls._mail_settings(env),
            **cls._uscis_settings(env),
        )

    @staticmethod
    def _mail_settings(env) -> dict:
        security = _smtp_security(env)
        # Implicit TLS listens on 465 by convention; 587 is the submission port for the others.
        default_port = "465" if security == "ssl" else "587"
        return {
            "smtp_host": (env.get("SMTP_HOST") or "").strip() or None,
            "smtp_port": _number(env, "SMTP_PORT", default_port, int, 1, 65535),
            "smtp_security": security,
            "smtp_user": (env.get("SMTP_USER") or "").strip() or None,
            "smtp_password": env.get("SMTP_PASSWORD") or None,
            "mail_from": _mail_from(env),
            "smtp_timeout_seconds": _number(env, "SMTP_TIMEOUT_SECONDS", "20", float, 0.1, 60),
            "mail_max_attempts": _number(env, "MAIL_MAX_ATTEMPTS", "5", int, 1, 100),
        }

    @staticmethod
    def _uscis_settings(env) -> dict:
        return {
            "uscis_api_base_url": _uscis_api_base_url(env),
            "uscis_api_client_id": (env.get("USCIS_API_CLIENT_ID") or "").strip() or None,
            "uscis_api_client_secret": (env.get("USCIS_API_CLIENT_SECRET") or "").strip() or None,
            "uscis_api_rate_per_second": _number(
                env, "USCIS_API_RATE_PER_SECOND", "10", int, 1, 100
            ),
            "uscis_api_daily_quota": _number(
                env, "USCIS_API_DAILY_QUOTA", "1000", int, 1, 10_000_000
            ),
        }


@functools.cache
def get_settings() -> Settings:
    settings = Settings.from_env()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    return settings
