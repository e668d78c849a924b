"""Every HTTP response carries the security headers; a response's own policy wins."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from immigration_app.api.headers import CONTENT_SECURITY_POLICY, security_headers
from immigration_app.api.routes import api


def test_an_api_refusal_carries_the_headers():
    response = TestClient(security_headers(api)).get("/api/cases.csv")
    assert response.status_code == 401
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert "default-src 'self'" in CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'self'" in CONTENT_SECURITY_POLICY
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"
    assert response.headers["x-frame-options"] == "SAMEORIGIN"


def test_a_response_that_sets_its_own_policy_keeps_it():
    def sandboxed(request):
        return PlainTextResponse("shown inline", headers={"Content-Security-Policy": "sandbox"})

    app = security_headers(Starlette(routes=[Route("/file", sandboxed)]))
    response = TestClient(app).get("/file")
    assert response.headers.get_list("content-security-policy") == ["sandbox"]
    assert response.headers["x-content-type-options"] == "nosniff"
