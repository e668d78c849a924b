"""Starlette routes mounted in front of Reflex (see immigration_app.py).

Each route finds the signed-in staff member from the same session cookie the
pages use; without a valid session it answers 401 and shows nothing. Routes are plain
functions: Starlette runs them in a worker thread, so their database reads never hold up
the event loop that carries every open page's websocket.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from urllib.parse import quote

from sqlmodel import Session
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from immigration_app.services.audit_log import AuditQuery, export_audit_csv
from immigration_app.services.auth import SESSION_COOKIE, viewer_for_token
from immigration_app.services.calendar import feed_ics
from immigration_app.services.case_list import CaseQuery, export_cases_csv
from immigration_app.services.db import session_scope
from immigration_app.services.documents import Download, open_document
from immigration_app.services.documents_export import (
    check_case_folder,
    plan_case_folder,
    record_case_folder_export,
    stream_case_folder,
)
from immigration_app.services.errors import NotFound, NotPermitted
from immigration_app.services.filings import open_notice
from immigration_app.services.firm import firm_clock
from immigration_app.services.form_filling import open_filled_form
from immigration_app.services.packets import open_packet
from immigration_app.services.storage import DocumentCorrupt, read_blob
from immigration_app.services.viewer import Viewer, require_admin


def _signed_in(session: Session, request: Request) -> Viewer | None:
    """The staff member whose session cookie came with the request, if it is still valid."""
    return viewer_for_token(session, request.cookies.get(SESSION_COOKIE, ""))


def _stream_cases_csv(viewer: Viewer, query: CaseQuery) -> Iterator[str]:
    with session_scope() as session:
        yield from export_cases_csv(session, viewer=viewer, query=query)


def cases_csv(request: Request) -> Response:
    with session_scope() as session:
        viewer = _signed_in(session, request)
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


def _stream_audit_csv(viewer: Viewer, query: AuditQuery) -> Iterator[str]:
    with session_scope() as session:
        yield from export_audit_csv(session, viewer=viewer, query=query)


def audit_csv(request: Request) -> Response:
    """The audit log as CSV, for admins only; the export is itself an audit event."""
    with session_scope() as session:
        viewer = _signed_in(session, request)
        if viewer is None:
            return PlainTextResponse("Sign in to export the audit log.", status_code=401)
        try:
            require_admin(viewer, "export the audit log")
        except NotPermitted:
            return PlainTextResponse("Only an admin may export the audit log.", status_code=403)
        today = firm_clock(session).today()
    query = AuditQuery.from_params(request.query_params)
    return StreamingResponse(
        _stream_audit_csv(viewer, query),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="audit-log-{today.isoformat()}.csv"',
            "Cache-Control": "no-store",
        },
    )


def calendar_feed(request: Request) -> Response:
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


# Documents are the firm's most sensitive data: never cached, never sniffed into another type.
_PRIVATE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def _client_address(request: Request) -> str:
    return request.client.host if request.client else ""


def _disposition(kind: str, filename: str) -> str:
    # Standard download names are ASCII already; filename* keeps any other name intact.
    fallback = filename.encode("ascii", "replace").decode().replace('"', "")
    return f"{kind}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


def _stream_download(session: Session, download: Download, what: str) -> Response:
    """Stream a stored file the viewer may open (its audit event is in `session`)."""
    try:
        chunks = read_blob(download.blob_name)
    except (FileNotFoundError, ValueError):
        session.rollback()  # nothing was opened, so nothing to record
        return PlainTextResponse(
            f"This {what}'s file is missing from the document store; restore it from a backup.",
            status_code=500,
        )
    headers = {
        **_PRIVATE,
        "Content-Disposition": _disposition(
            "inline" if download.inline else "attachment", download.filename
        ),
        "Content-Length": str(download.size),
    }
    if download.inline:
        headers["Content-Security-Policy"] = "sandbox"
    return StreamingResponse(chunks, media_type=download.media_type, headers=headers)


def _open_stored(
    request: Request, what: str, opener: Callable[[Session, Viewer, str], Download]
) -> Response:
    """Stream a stored file `opener` finds for the signed-in viewer (it records the view)."""
    with session_scope() as session:
        viewer = _signed_in(session, request)
        if viewer is None:
            return PlainTextResponse(f"Sign in to open this {what}.", status_code=401)
        try:
            download = opener(session, viewer, _client_address(request))
        except NotFound:
            return PlainTextResponse(f"No such {what}.", status_code=404)
        return _stream_download(session, download, what)


def _inline(request: Request) -> bool:
    return request.query_params.get("inline") == "1"


def document_file(request: Request) -> Response:
    """One uploaded file, decrypted as it streams; every view or download is an audit event."""
    return _open_stored(
        request,
        "document",
        lambda session, viewer, address: open_document(
            session,
            viewer=viewer,
            document_id=request.path_params["document_id"],
            inline=_inline(request),
            client_address=address,
        ),
    )


def filled_form(request: Request) -> Response:
    """A filled form of a case, shown in the browser; every view is an audit event."""
    return _open_stored(
        request,
        "form",
        lambda session, viewer, address: open_filled_form(
            session,
            viewer=viewer,
            filled_id=request.path_params["filled_id"],
            client_address=address,
        ),
    )


def packet_file(request: Request) -> Response:
    """A built filing packet; every view or download is an audit event."""
    return _open_stored(
        request,
        "packet",
        lambda session, viewer, address: open_packet(
            session,
            viewer=viewer,
            packet_id=request.path_params["packet_id"],
            inline=_inline(request),
            client_address=address,
        ),
    )


def notice_file(request: Request) -> Response:
    """A notice from USCIS kept on a case; every view or download is an audit event."""
    return _open_stored(
        request,
        "notice",
        lambda session, viewer, address: open_notice(
            session,
            viewer=viewer,
            notice_id=request.path_params["notice_id"],
            inline=_inline(request),
            client_address=address,
        ),
    )


def case_folder(request: Request) -> Response:
    """Export case folder: every file of a case, in a zip laid out by person and section."""
    with session_scope() as session:
        viewer = _signed_in(session, request)
        if viewer is None:
            return PlainTextResponse("Sign in to export a case folder.", status_code=401)
        try:
            plan = plan_case_folder(session, viewer=viewer, reference=request.path_params["ref"])
        except NotFound:
            return PlainTextResponse("No such case.", status_code=404)
    try:
        check_case_folder(plan)
    except (DocumentCorrupt, FileNotFoundError):
        return PlainTextResponse(
            "A document of this case could not be read from the document store, so the folder "
            "was not exported. Restore the document store from a backup and try again.",
            status_code=500,
        )
    with session_scope() as session:
        record_case_folder_export(
            session, viewer=viewer, plan=plan, client_address=_client_address(request)
        )
    return StreamingResponse(
        stream_case_folder(plan),
        media_type="application/zip",
        headers={**_PRIVATE, "Content-Disposition": _disposition("attachment", plan.filename)},
    )


api = Starlette(
    routes=[
        Route("/api/cases.csv", cases_csv),
        Route("/api/audit.csv", audit_csv),
        Route("/api/documents/{document_id:int}", document_file),
        Route("/api/filled-forms/{filled_id:int}", filled_form),
        Route("/api/packets/{packet_id:int}", packet_file),
        Route("/api/notices/{notice_id:int}", notice_file),
        Route("/api/cases/{ref}/folder.zip", case_folder),
        Route("/api/calendar/{token}.ics", calendar_feed),
    ]
)
