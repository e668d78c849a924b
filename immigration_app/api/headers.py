"""Security headers on every HTTP response the app sends: pages, API routes and files.

No sniffing of content types, no framing by another site, no referrer sent to other sites, and
a page that cannot be reached from another site's window. A header a response sets itself wins
(a document shown inline carries its own sandboxing policy). Websocket traffic passes untouched.

A Content-Security-Policy is not set yet: the policy tried ("self" plus inline scripts and
styles) stopped the portal's file chooser from opening, so it waits for a policy tested against
every page.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

HEADERS = {
    b"x-content-type-options": b"nosniff",
    b"x-frame-options": b"SAMEORIGIN",
    b"referrer-policy": b"same-origin",
    b"permissions-policy": b"camera=(self), microphone=(), geolocation=()",
    b"cross-origin-opener-policy": b"same-origin",
}


def security_headers(app: ASGIApp) -> ASGIApp:
    """Wrap `app` so each HTTP response carries HEADERS (a header it sets itself wins)."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in HEADERS.items() if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        await app(scope, receive, send_with_headers)

    return wrapped
