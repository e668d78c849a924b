"""Static files from assets/ (beside rxconfig.py) are served by the production build at /."""

from __future__ import annotations

import urllib.request

from tests.e2e.conftest import PROJECT_ROOT


def test_the_browser_tab_gets_the_products_icon(app_url):
    with urllib.request.urlopen(f"{app_url}/favicon.ico", timeout=10) as response:  # noqa: S310
        status, body = response.status, response.read()
    assert status == 200
    assert (
        body[:4] == b"\x00\x00\x01\x00"
    )  # an icon, not the page the app answers unknown paths with
    assert body == (PROJECT_ROOT / "assets" / "favicon.ico").read_bytes()
