"""Security headers on every HTTP response the app sends: pages, API routes and files.

The content policy allows only the app's own origin: no other site's scripts, styles, images,
frames or connections, no plugins, no framing by another site, no form posted elsewhere.
Scripts may be inline and may evaluate strings because the production build bootstraps React
with an inline script and Reflex runs `rx.call_script` through eval (the portal's camera and
file pickers, toasts); styles may be inline because the component library sets them. A header a
response sets itself wins: a document shown inline keeps its own sandboxing policy. Websocket
traffic passes untouched ("connect-src 'self'" covers the app's own websocket).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-src 'self' blob:",
        "frame-ancestors 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    )
)
HEADERS = {
    b"content-security-policy": CONTENT_SECURITY_POLICY.encode(),
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
