"""Only the app's own pages may open its websocket: another site's page is refused.

A page on another site could otherwise open a socket with the visitor's session cookie and send
events as them. Socket.IO checks the Origin header against APP_URL's before anything else.
"""

from __future__ import annotations

import urllib.error
import urllib.request


def _socket_handshake(app_url: str, origin: str) -> tuple[int, str]:
    address = f"{app_url}/_event/?EIO=4&transport=websocket"
    request = urllib.request.Request(address, headers={"Origin": origin})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode(errors="replace")
    except urllib.error.HTTPError as refused:
        return refused.code, refused.read().decode(errors="replace")


def test_another_sites_page_cannot_open_the_websocket(app_url):
    status, body = _socket_handshake(app_url, "https://attacker.example")
    assert status == 400
    assert "not an accepted origin" in body.lower()


def test_the_apps_own_page_passes_the_origin_check(app_url):
    _, body = _socket_handshake(app_url, app_url)
    assert "not an accepted origin" not in body.lower()
