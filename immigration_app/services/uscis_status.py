"""Where a case stands at USCIS, read from the official Case Status API (developer.uscis.gov).

The API takes an OAuth2 client-credentials token, good for about 30 minutes with no refresh
token, so the client keeps one token for every check until shortly before it expires, and asks
for a new one when USCIS refuses it early. USCIS limits each app to a number of requests a second
and a number a day: over the first the client waits its turn, over the second it stops, since
the quota only comes back at midnight GMT. Share one client (`case_status_client()`) so those
counts cover every check this process makes.

Each answer comes back as a `CaseStatus` with its title sorted into a category (received,
evidence, approved...) from catalog/case_status_titles.toml, and `suggested_stage` names the
board stage that category points to; staff decide whether to move the case. Failures come
back as `StatusUnavailable`, whose `message` is a sentence for staff and whose `detail` is what
USCIS itself said.

Facts: shared DOMAIN.md section 4 (as of 2026). The request and response shapes come from the
sandbox documentation and open-source clients; USCIS publishes no schema for the 200 answer.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter, MovingWindowRateLimiter

from immigration_app.catalog import CATALOG_DIR
from immigration_app.services.errors import InvalidInput
from immigration_app.services.receipts import normalize_receipt_number
from immigration_app.settings import USCIS_SANDBOX_URL, Settings, get_settings

log = logging.getLogger(__name__)

CATEGORIES = (
    "received",
    "biometrics",
    "evidence",
    "review",
    "interview",
    "approved",
    "denied",
    "other",
)
TOKEN_PATH = "/oauth/accesstoken"  # noqa: S105 - a path, not a password
STATUS_PATH = "/case-status/{receipt}"
TIMEOUT_SECONDS = 10.0
# A token is dropped this long before USCIS says it expires, so a check never starts with a
# token that dies on the way (a tenth of the lifetime for very short-lived tokens).
TOKEN_MARGIN_SECONDS = 60.0
# USCIS documents 30-minute tokens; used when the token answer does not say.
DEFAULT_TOKEN_SECONDS = 1800
# A 429 is retried once, after the Retry-After USCIS asks for, when that is this short; a
# longer wait is better spent on other work, so the check fails with the time to wait.
LONGEST_RETRY_AFTER_SECONDS = 5.0
DEFAULT_RETRY_AFTER_SECONDS = 1.0
# USCIS reports dates as MM-DD-YYYY HH:MM:SS (DOMAIN.md 4, from client code).
_DATE_FORMATS = ("%m-%d-%Y %H:%M:%S", "%m-%d-%Y")
_HIDDEN = "********"

HOW_TO_GET_CREDENTIALS = (
    "USCIS case status checks are not set up: set USCIS_API_CLIENT_ID and "
    "USCIS_API_CLIENT_SECRET. To get them, register at https://developer.uscis.gov/get-started, "
    "create an app for the Case Status API (its sandbox keys work with "
    f"{USCIS_SANDBOX_URL}), then request production access "
    "(https://developer.uscis.gov/get-started/production-access/request) and set "
    "USCIS_API_BASE_URL to the production host USCIS gives you."
)


class StatusUnavailable(Exception):
    """USCIS could not tell us the status. `code` is one of not_configured, not_found,
    rate_limited, daily_quota, unavailable, auth_failed, bad_response; `message` is a sentence
    for staff; `detail` is the API's own error text ("" when it gave none).
    """

    def __init__(self, code: str, message: str, detail: str = ""):
        super().__init__(f"{message} USCIS said: {detail}" if detail else message)
        self.code = code
        self.message = message
        self.detail = detail


@dataclass(frozen=True)
class CaseStatus:
    receipt_number: str
    form_type: str  # "I-130"; "" when USCIS does not say
    title_en: str  # "Case Was Approved"
    text_en: str  # "On May 5, 2026, we approved your Form I-130..."
    title_es: str
    text_es: str
    category: str  # one of CATEGORIES
    # When USCIS last changed the case, as it reports it: it names no time zone.
    modified_at: datetime | None
    raw: dict[str, Any]  # the whole answer, history included


# --- titles and categories ------------------------------------------------------------------------


def _title_key(title: str) -> str:
    # USCIS's titles differ in capitals ("Case is Ready..."), and copies differ in spacing
    # and in the apostrophe of "USCIS'".
    return " ".join(title.replace("\u2019", "'").split()).casefold()


@functools.cache
def _title_categories() -> dict[str, str]:
    """Each known title (as `_title_key` spells it) -> its category."""
    with (CATALOG_DIR / "case_status_titles.toml").open("rb") as handle:
        catalog = tomllib.load(handle)
    categories = {}
    for category, titles in catalog["categories"].items():
        if category not in CATEGORIES:
            raise ValueError(f"case_status_titles.toml: unknown category {category!r}")
        for title in titles:
            categories[_title_key(title)] = category
    return categories


_reported_titles: set[str] = set()


def category_of(title: str) -> str:
    """The category of a USCIS status title; "other" for a title the catalog does not list."""
    key = _title_key(title)
    category = _title_categories().get(key)
    if category is not None:
        return category
    if key not in _reported_titles:
        _reported_titles.add(key)
        log.warning("USCIS status title not in case_status_titles.toml: %r", title)
    return "other"


# Stage keys from catalog/stages.toml. USCIS's pending steps all happen while the case is
# filed and waiting; a request for evidence or a notice of intent to deny needs an answer.
_STAGE_FOR_CATEGORY = {
    "received": "filed_pending",
    "biometrics": "filed_pending",
    "review": "filed_pending",
    "interview": "filed_pending",
    "evidence": "rfe_noid_response",
    "approved": "decision",
    "denied": "decision",
}


def suggested_stage(category: str) -> str | None:
    """The board stage a case in `category` belongs in; None when the status does not say.

    A suggestion for staff to accept, never applied on its own: "evidence" also covers
    "Response To USCIS' Request For Evidence Was Received", after the answer has gone out.
    """
    return _STAGE_FOR_CATEGORY.get(category)


# --- the client -----------------------------------------------------------------------------------


class CaseStatusClient:
    """Checks case statuses with one token and one set of rate limits. Safe across threads."""

    def __init__(self, settings: Settings):
        self._settings = settings
        self._http = httpx.Client(
            base_url=settings.uscis_api_base_url,
            timeout=TIMEOUT_SECONDS,
            headers={"Accept": "application/json"},
        )
        self._token_lock = threading.Lock()
        self._token: str | None = None
        self._token_good_until = 0.0  # time.monotonic()
        storage = MemoryStorage()
        self._per_second = MovingWindowRateLimiter(storage)
        self._per_day = FixedWindowRateLimiter(storage)
        self._second_limit = parse(f"{settings.uscis_api_rate_per_second}/second")
        self._day_limit = parse(f"{settings.uscis_api_daily_quota}/day")

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> CaseStatusClient:
        return self

    def __exit__(self, *_exc) -> None:
        self.close()

    def check(self, receipt_number: str) -> CaseStatus:
        """The current status of the case with this receipt number.

        Raises InvalidInput for something that is not a receipt number (before asking USCIS)
        and StatusUnavailable when USCIS cannot answer.
        """
        receipt = normalize_receipt_number(receipt_number or "")
        if receipt is None:
            raise InvalidInput(
                {
                    "receipt_number": "A receipt number is 3 letters and 10 digits, "
                    "like EAC2011555055."
                }
            )
        if not (self._settings.uscis_api_client_id and self._settings.uscis_api_client_secret):
            raise StatusUnavailable("not_configured", HOW_TO_GET_CREDENTIALS)
        response = self._ask_for_status(receipt)
        if response.status_code == 200:
            return self._case_status(receipt, response)
        raise self._status_failure(receipt, response)

    # --- requests ---------------------------------------------------------------------------

    def _ask_for_status(self, receipt: str) -> httpx.Response:
        """GET the status; once more with a new token after a 401, and after a short 429."""
        renewed_token = waited = False
        while True:
            token = self._access_token()
            response = self._request(
                "GET",
                STATUS_PATH.format(receipt=receipt),
                headers={"Authorization": f"Bearer {token}"},
                counts_against_quota=True,
            )
            if response.status_code == 401 and not renewed_token:
                # Tokens can die before their time (USCIS restarted, keys rotated).
                self._forget_token(token)
                renewed_token = True
                continue
            if response.status_code == 429 and not waited:
                delay = _retry_after_seconds(response)
                if delay <= LONGEST_RETRY_AFTER_SECONDS:
                    waited = True
                    time.sleep(delay)
                    continue
            return response

    def _request(
        self, method: str, path: str, *, counts_against_quota: bool, **options
    ) -> httpx.Response:
        if counts_against_quota:
            self._take_from_daily_quota()
        self._wait_for_turn()
        where = self._settings.uscis_api_base_url
        try:
            return self._http.request(method, path, **options)
        except httpx.TimeoutException:
            raise StatusUnavailable(
                "unavailable",
                f"USCIS at {where} did not answer within {TIMEOUT_SECONDS:g} seconds.",
            ) from None  # not chained: the request it carries holds the token or the secret
        except httpx.TransportError as error:
            raise StatusUnavailable(
                "unavailable", f"Could not reach USCIS at {where}.", self._scrub(str(error))
            ) from None

    def _wait_for_turn(self) -> None:
        """Hold this request until it fits USCIS_API_RATE_PER_SECOND."""
        while not self._per_second.hit(self._second_limit, "uscis-api"):
            free_at = self._per_second.get_window_stats(self._second_limit, "uscis-api").reset_time
            time.sleep(min(1.0, max(0.005, free_at - time.time())))

    def _take_from_daily_quota(self) -> None:
        # The production quota resets at midnight GMT, so the day in the key is a UTC date.
        now = datetime.now(UTC)
        if self._per_day.hit(self._day_limit, "uscis-status", now.date().isoformat()):
            return
        midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), UTC)
        hours = max(1, round((midnight - now).total_seconds() / 3600))
        raise StatusUnavailable(
            "daily_quota",
            f"The day's {self._settings.uscis_api_daily_quota} USCIS status checks "
            f"(USCIS_API_DAILY_QUOTA) are used up; more can be made after midnight GMT, "
            f"in about {hours} hour{'s' if hours != 1 else ''}.",
        )

    # --- the token --------------------------------------------------------------------------

    def _access_token(self) -> str:
        with self._token_lock:
            if self._token is None or time.monotonic() >= self._token_good_until:
                self._token, lifetime = self._fetch_token()
                margin = min(TOKEN_MARGIN_SECONDS, lifetime / 10)
                self._token_good_until = time.monotonic() + lifetime - margin
            return self._token

    def _forget_token(self, token: str) -> None:
        with self._token_lock:
            if self._token == token:  # another thread may already have a new one
                self._token = None

    def _fetch_token(self) -> tuple[str, float]:
        """A new access token and its lifetime in seconds."""
        response = self._request(
            "POST",
            TOKEN_PATH,
            data={
                "grant_type": "client_credentials",
                "client_id": self._settings.uscis_api_client_id or "",
                "client_secret": self._settings.uscis_api_client_secret or "",
            },
            counts_against_quota=False,
        )
        code = response.status_code
        if code in (400, 401, 403):
            raise StatusUnavailable(
                "auth_failed",
                f"USCIS refused the API credentials (HTTP {code}). Check USCIS_API_CLIENT_ID "
                "and USCIS_API_CLIENT_SECRET, and that they are keys for "
                f"{self._settings.uscis_api_base_url} (sandbox and production keys differ).",
                self._api_error_text(response),
            )
        if code != 200:
            raise self._common_failure(response, "the sign-in for an access token")
        body = _json_object(response)
        token = body.get("access_token") if body else None
        if not isinstance(token, str) or not token.strip():
            raise StatusUnavailable(
                "bad_response", "USCIS's answer to the token request holds no access token."
            )
        return token.strip(), _lifetime_seconds(body.get("expires_in") if body else None)

    # --- answers ----------------------------------------------------------------------------

    def _case_status(self, receipt: str, response: httpx.Response) -> CaseStatus:
        body = _json_object(response)
        case = body.get("case_status") if body else None
        title = _text(case, "current_case_status_text_en") if isinstance(case, dict) else ""
        if not isinstance(case, dict) or not title:
            raise StatusUnavailable(
                "bad_response",
                f"USCIS's answer for {receipt} holds no case status.",
                self._api_error_text(response),
            )
        return CaseStatus(
            receipt_number=receipt,
            form_type=_text(case, "formType"),
            title_en=title,
            text_en=_text(case, "current_case_status_desc_en"),
            title_es=_text(case, "current_case_status_text_es"),
            text_es=_text(case, "current_case_status_desc_es"),
            category=category_of(title),
            modified_at=_parse_date(case.get("modifiedDate")),
            raw=body,
        )

    def _status_failure(self, receipt: str, response: httpx.Response) -> Exception:
        code = response.status_code
        detail = self._api_error_text(response)
        if code == 404:
            # USCIS answers the same for cases it may not disclose (8 USC 1367).
            return StatusUnavailable(
                "not_found", f"USCIS has no case with this receipt number ({receipt}).", detail
            )
        if code == 422:
            return InvalidInput(
                {
                    "receipt_number": f"USCIS does not accept {receipt} as a receipt number"
                    + (f": {detail}" if detail else ".")
                }
            )
        if code in (401, 403):
            return StatusUnavailable(
                "auth_failed",
                f"USCIS refused this app's access token (HTTP {code}) even after a new sign-in. "
                "Check that USCIS_API_CLIENT_ID and USCIS_API_CLIENT_SECRET are keys for "
                f"{self._settings.uscis_api_base_url} with Case Status API access.",
                detail,
            )
        return self._common_failure(response, f"the status of {receipt}")

    def _common_failure(self, response: httpx.Response, what: str) -> StatusUnavailable:
        """429, 5xx and anything unexpected, from either endpoint."""
        code = response.status_code
        detail = self._api_error_text(response)
        if code == 429:
            wait = max(1, round(_retry_after_seconds(response)))
            return StatusUnavailable(
                "rate_limited",
                f"USCIS is refusing requests for now (too many); try again in "
                f"{wait} second{'s' if wait != 1 else ''}.",
                detail,
            )
        if code >= 500:
            hours = ""
            if self._settings.uscis_api_base_url == USCIS_SANDBOX_URL:
                hours = " The sandbox only answers on weekdays from 7am to 8pm Eastern."
            return StatusUnavailable(
                "unavailable",
                f"USCIS could not answer {what} right now (HTTP {code}); try again later.{hours}",
                detail,
            )
        return StatusUnavailable(
            "bad_response", f"USCIS answered {what} with an unexpected HTTP {code}.", detail
        )

    def _api_error_text(self, response: httpx.Response) -> str:
        """What USCIS said about an error: the documented {"errors": [{"code", "message"}]}
        messages, else an OAuth2 `error_description` or a `message`; never a secret."""
        body = _json_object(response)
        messages: list[str] = []
        if body:
            errors = body.get("errors")
            if isinstance(errors, list):
                messages = [
                    " ".join(str(error["message"]).split())
                    for error in errors
                    if isinstance(error, dict) and error.get("message")
                ]
            if not messages:
                for name in ("error_description", "message", "Error", "error"):
                    if isinstance(body.get(name), str) and body[name].strip():
                        messages = [" ".join(body[name].split())]
                        break
        return self._scrub("; ".join(messages))

    def _scrub(self, text: str) -> str:
        """A server may echo what it was sent; the secret and the token stay out of sight."""
        for secret in (self._settings.uscis_api_client_secret, self._token):
            if secret:
                text = text.replace(secret, _HIDDEN)
        return text


@functools.cache
def case_status_client() -> CaseStatusClient:
    """The process's one client, so the token and the rate limits are shared by every check."""
    return CaseStatusClient(get_settings())


# --- reading the answers --------------------------------------------------------------------------


def _json_object(response: httpx.Response) -> dict[str, Any] | None:
    try:
        body = response.json()
    except ValueError:
        return None
    return body if isinstance(body, dict) else None


def _text(record: dict[str, Any], name: str) -> str:
    value = record.get(name)
    return " ".join(value.split()) if isinstance(value, str) else ""


def _lifetime_seconds(value: Any) -> float:
    # Apigee sends expires_in as a string of seconds ("1799").
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return DEFAULT_TOKEN_SECONDS
    return seconds if seconds > 0 else DEFAULT_TOKEN_SECONDS


def _retry_after_seconds(response: httpx.Response) -> float:
    """Retry-After in seconds: a number, or an HTTP date; a second when it is missing."""
    value = (response.headers.get("Retry-After") or "").strip()
    if not value:
        return DEFAULT_RETRY_AFTER_SECONDS
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return DEFAULT_RETRY_AFTER_SECONDS
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _parse_date(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    for pattern in _DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern)  # naive: USCIS names no time zone
        except ValueError:
            pass
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None
