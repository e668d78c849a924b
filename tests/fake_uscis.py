"""FAKE USCIS Case Status API: a local fake of a remote government API that cannot be reached
from tests; follows the documented request and response shapes in DOMAIN.md section 4.

It is not USCIS and proves nothing about USCIS itself: it is a small real HTTP server on
127.0.0.1 (an ephemeral port, a thread of its own) so the client is tested through real
sockets, real HTTP and real JSON. What it implements:

- POST /oauth/accesstoken, form-encoded grant_type=client_credentials, client_id and
  client_secret; answers an Apigee-style token (access_token, token_type, expires_in as a
  string of seconds, issued_at, client_id, status "approved"), or 401 for other credentials.
- GET /case-status/{receipt} with "Authorization: Bearer <token>"; answers
  {"message": ..., "case_status": {...}} for a known receipt, 401 for a token it did not
  issue or has expired, 404 for an unknown receipt.
- Errors in the documented shape {"errors": [{"code": ..., "message": ...}]}.

Knobs for tests: `cases` (receipt -> the case_status object), `token_lifetime`,
`expire_tokens()` (the next status call gets a 401), `force(status, times=..., retry_after=...)`
(the next status calls get that answer instead), and what it saw: `token_requests`,
`status_requests`, `status_times` (time.monotonic() as each status request arrived).
"""

from __future__ import annotations

import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

CLIENT_ID = "fake-client-id"
CLIENT_SECRET = "fake-client-secret-do-not-show"

_ERROR_TEXT = {
    401: "The access token is invalid or has expired.",
    404: "The receipt number was not found.",
    429: "Too many requests. Slow down.",
    503: "The sandbox is closed. It answers on weekdays from 7am to 8pm ET.",
}


def case_payload(receipt: str, **overrides: Any) -> dict[str, Any]:
    """A case_status object as the API answers it (an approved I-130 unless overridden)."""
    payload = {
        "receiptNumber": receipt,
        "formType": "I-130",
        "submittedDate": "09-15-2025 10:12:44",
        "modifiedDate": "03-02-2026 14:05:31",
        "current_case_status_text_en": "Case Was Approved",
        "current_case_status_desc_en": (
            f"On March 2, 2026, we approved your Form I-130, Receipt Number {receipt}."
        ),
        "current_case_status_text_es": "Caso Fue Aprobado",
        "current_case_status_desc_es": (
            f"El 2 de marzo de 2026, aprobamos su Formulario I-130, Número de Recibo {receipt}."
        ),
        "hist_case_status": [
            {
                "date": "09-20-2025",
                "completed_text_en": "Case Was Received",
                "completed_text_es": "Caso Fue Recibido",
            }
        ],
    }
    payload.update(overrides)
    return payload


class FakeUscis:
    """The fake's state, shared by the server thread and the test (guarded by a lock)."""

    def __init__(self) -> None:
        self.base_url = ""
        self.cases: dict[str, dict[str, Any]] = {}
        self.token_lifetime = 1799  # seconds, as the fake reports it in expires_in
        self.token_requests = 0
        self.status_requests = 0
        self.status_times: list[float] = []
        self.token_forms: list[dict[str, str]] = []
        self._tokens: dict[str, float] = {}  # token -> when it expires (monotonic)
        self._forced: list[tuple[int, str | None]] = []
        self._lock = threading.Lock()

    def expire_tokens(self) -> None:
        """Every token issued so far dies now; the next status call with one gets a 401."""
        with self._lock:
            self._tokens.clear()

    def force(self, status: int, *, times: int = 1, retry_after: str | None = None) -> None:
        """The next `times` status calls answer `status` (404, 429, 503...) whatever they ask."""
        with self._lock:
            self._forced.extend([(status, retry_after)] * times)

    # --- called by the handler --------------------------------------------------------------

    def issue_token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            self.token_requests += 1
            self.token_forms.append(form)
            if form.get("grant_type") != "client_credentials":
                return 400, _errors(
                    "unsupported_grant_type", "grant_type must be client_credentials"
                )
            if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
                # Echoes what it was sent, as some servers do, to prove the client hides it.
                sent = f"{form.get('client_id')}:{form.get('client_secret')}"
                return 401, _errors("invalid_client", f"Invalid client credentials {sent}")
            token = secrets.token_urlsafe(24)
            self._tokens[token] = time.monotonic() + self.token_lifetime
            return 200, {
                "access_token": token,
                "token_type": "BearerToken",
                "expires_in": str(self.token_lifetime),
                "issued_at": str(int(time.time() * 1000)),
                "client_id": CLIENT_ID,
                "status": "approved",
            }

    def case_status(
        self, receipt: str, authorization: str
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        with self._lock:
            self.status_requests += 1
            self.status_times.append(time.monotonic())
            if self._forced:
                status, retry_after = self._forced.pop(0)
                headers = {"Retry-After": retry_after} if retry_after is not None else {}
                return status, _errors(str(status), _ERROR_TEXT.get(status, "Error.")), headers
            token = authorization.removeprefix("Bearer ").strip()
            if self._tokens.get(token, 0) <= time.monotonic():
                return 401, _errors("401", _ERROR_TEXT[401]), {}
            if receipt not in self.cases:
                return 404, _errors("404", _ERROR_TEXT[404]), {}
            return 200, {"message": "Case status found", "case_status": self.cases[receipt]}, {}


def _errors(code: str, message: str) -> dict[str, Any]:
    return {"errors": [{"code": code, "message": message}]}


def _handler_for(fake: FakeUscis) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as a real API host allows

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8")
            if self.path != "/oauth/accesstoken":
                self._answer(404, _errors("404", "No such resource."))
                return
            form = {name: values[0] for name, values in parse_qs(body).items()}
            self._answer(*fake.issue_token(form))

        def do_GET(self) -> None:
            prefix = "/case-status/"
            if not self.path.startswith(prefix):
                self._answer(404, _errors("404", "No such resource."))
                return
            receipt = self.path.removeprefix(prefix)
            self._answer(*fake.case_status(receipt, self.headers.get("Authorization") or ""))

        def _answer(
            self, status: int, payload: dict[str, Any], headers: dict[str, str] | None = None
        ) -> None:
            content = json.dumps(payload).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(content)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(content)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # quiet: pytest shows what matters

    return Handler


@contextmanager
def fake_uscis_server() -> Iterator[FakeUscis]:
    """Serve a FakeUscis on 127.0.0.1 at a port the OS picks; yields it with base_url set."""
    fake = FakeUscis()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(fake))
    server.daemon_threads = True
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-uscis", daemon=True
    )
    thread.start()
    fake.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
