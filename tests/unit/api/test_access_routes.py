"""Every HTTP route beside Reflex, asked by everyone who could ask: who gets what, and every
answer that hands over data leaves an audit event naming who, what and which case.

The routes are read from the app, so a new route without a line here fails the test.
"""

from __future__ import annotations

import pytest
from sqlmodel import select
from starlette.routing import Route
from starlette.testclient import TestClient

from immigration_app.api.routes import api
from immigration_app.models import CaseEvent
from immigration_app.services.auth import SESSION_COOKIE
from immigration_app.services.calendar import revoke_feed
from immigration_app.services.db import session_scope
from tests.unit.access_world import B_SECRET, World, build_world

# Who asks: no cookie, a made-up cookie, and each staff role (the paralegal is A's, not B's).
CALLERS = ("signed_out", "forged", "paralegal", "attorney", "admin")
STAFF = ("paralegal", "attorney", "admin")

# route -> (the address of side S's object, the event a successful answer writes)
CASE_FILES = {
    "/api/documents/{document_id:int}": (
        lambda s: f"/api/documents/{s.ids['document_id']}",
        "document_downloaded",
    ),
    "/api/filled-forms/{filled_id:int}": (
        lambda s: f"/api/filled-forms/{s.ids['filled_id']}",
        "form_viewed",
    ),
    "/api/packets/{packet_id:int}": (
        lambda s: f"/api/packets/{s.ids['packet_id']}",
        "packet_downloaded",
    ),
    "/api/notices/{notice_id:int}": (
        lambda s: f"/api/notices/{s.ids['notice_id']}",
        "notice_downloaded",
    ),
    "/api/cases/{ref}/folder.zip": (
        lambda s: f"/api/cases/{s.reference}/folder.zip",
        "case_folder_exported",
    ),
}
# Firm-wide exports: the roles allowed, and their event.
EXPORTS = {
    "/api/cases.csv": (STAFF, "cases_exported"),
    "/api/audit.csv": (("admin",), "audit_exported"),
}
# Reached by a secret in the address, not by a session.
BY_SECRET = {"/api/calendar/{token}.ics"}


@pytest.fixture
def world(session) -> World:
    return build_world(session)


def _client(world: World, caller: str) -> TestClient:
    token = {"signed_out": None, "forged": "not-a-session"}.get(caller, world.tokens.get(caller))
    return TestClient(api, cookies={SESSION_COOKIE: token} if token else {})


def _events(kind: str) -> list[CaseEvent]:
    with session_scope() as session:
        return list(session.exec(select(CaseEvent).where(CaseEvent.kind == kind)))


def _viewer_id(world: World, caller: str) -> int:
    return getattr(world, caller).id


def test_every_route_is_in_the_matrix():
    paths = {route.path for route in api.routes if isinstance(route, Route)}
    assert paths, "no routes found: the matrix would pass vacuously"
    assert paths == CASE_FILES.keys() | EXPORTS.keys() | BY_SECRET


def _may_open(caller: str, on_their_case: bool) -> bool:
    """Attorneys and admins see every case; the paralegal sees A, theirs."""
    return caller in ("attorney", "admin") or (caller == "paralegal" and on_their_case)


def _case_file_requests(world: World):
    """Every case file route, for each case, asked by each caller."""
    for address_of, event_kind in CASE_FILES.values():
        for side_name in ("A", "B"):
            for caller in CALLERS:
                yield address_of(world.side(side_name)), event_kind, world.side(side_name), caller


def test_a_case_file_goes_only_to_staff_who_may_see_its_case_and_is_recorded(world):
    for address, event_kind, side, caller in _case_file_requests(world):
        before = len(_events(event_kind))
        response = _client(world, caller).get(address)
        events = _events(event_kind)[before:]
        if caller in ("signed_out", "forged"):
            expected = 401
        else:
            expected = 200 if _may_open(caller, side is world.a) else 404
        assert response.status_code == expected, (address, caller, response.text[:200])
        if expected != 200:
            assert B_SECRET not in response.text
            assert events == [], (address, caller)
            continue
        assert response.headers["cache-control"] == "no-store"
        assert [(e.case_id, e.actor_user_id) for e in events] == [
            (side.case_id, _viewer_id(world, caller))
        ], (address, caller)


def test_a_firm_export_goes_only_to_its_roles_and_is_recorded(world):
    for route, (allowed, event_kind), caller in (
        (route, rule, caller) for route, rule in sorted(EXPORTS.items()) for caller in CALLERS
    ):
        before = len(_events(event_kind))
        response = _client(world, caller).get(route)
        events = _events(event_kind)[before:]
        if caller in ("signed_out", "forged"):
            assert response.status_code == 401, (route, caller)
        elif caller not in allowed:
            assert response.status_code == 403, (route, caller)
        else:
            assert response.status_code == 200, (route, caller)
            assert [e.actor_user_id for e in events] == [_viewer_id(world, caller)]
            if caller == "paralegal" and route == "/api/cases.csv":
                assert B_SECRET not in response.text  # only the paralegal's own cases
            continue
        assert events == []
        assert B_SECRET not in response.text


def test_a_calendar_feed_answers_only_to_its_live_secret(world):
    client = _client(world, "signed_out")
    feed = client.get(f"/api/calendar/{world.b.calendar_token}.ics")
    assert feed.status_code == 200
    assert feed.headers["content-type"].startswith("text/calendar")
    for wrong in ("made-up-token", world.b.calendar_token[:-1], "..%2F..%2Fapp.db"):
        refused = client.get(f"/api/calendar/{wrong}.ics")
        assert refused.status_code == 404, wrong
        assert B_SECRET not in refused.text
    with session_scope() as session:
        revoke_feed(session, actor=world.other_paralegal, feed_id=world.b.ids["feed_id"])
    assert client.get(f"/api/calendar/{world.b.calendar_token}.ics").status_code == 404
