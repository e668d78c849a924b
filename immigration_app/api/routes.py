"""Starlette routes mounted in front of Reflex (see immigration_app.py).

Each route finds the signed-in staff member from the same session cookie the
pages use; without a valid session it answers 401 and shows nothing.
"""

from __future__ import annotations

from collections.abc import Iterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from immigration_app.services.auth import SESSION_COOKIE, viewer_for_token
from immigration_app.services.calendar import feed_ics
from immigration_app.services.case_list import CaseQuery, export_cases_csv
from immigration_app.services.db import session_scope
from immigration_app.services.firm import firm_clock
from immigration_app.services.viewer import Viewer


def _stream_cases_csv(viewer: Viewer, query: CaseQuery) -> Iterator[str]:
    with session_scope() as session:
        yield from export_cases_csv(session, viewer=viewer, query=query)


async def cases_csv(request: Request) -> Response:
    with session_scope() as session:
        viewer = viewer_for_token(session, request.cookies.get(SESSION_COOKIE, ""))
        if viewer is None:
            return PlainTextResponse("Sign in to export cases.", status_code=401)
        today = firm_clock(session).today()
    query = CaseQuery.from_params(request.query_params)
    return StreamingResponse(
        _stream_cases_csv(viewer, query),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="cases-{today.isoformat()}.csv"',
            "Cache-Control": "no-store",
        },
    )


async def calendar_feed(request: Request) -> Response:
    """A private iCal feed: the secret token in the URL is the credential."""
    with session_scope() as session:
        body = feed_ics(session, request.path_params["token"][:100])
    if body is None:
        return PlainTextResponse("This calendar link is unknown or was revoked.", status_code=404)
    return Response(
        body,
        media_type="text/calendar; charset=utf-8",
        headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"},
    )


api = Starlette(
    routes=[
        Route("/api/cases.csv", cases_csv),
        Route("/api/calendar/{token}.ics", calendar_feed),
    ]
)
