"""USCIS case status tracking on cases, against a local FAKE of the USCIS Case Status API
(tests/fake_uscis.py: a real HTTP server on 127.0.0.1, not USCIS): readings kept, changes
told to staff, the daily check, statuses typed by hand and the client's portal view.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from sqlmodel import select

from immigration_app.models import Case, CaseEvent, CaseStatusEntry, Message, Person, utcnow
from immigration_app.services import case_status as service
from immigration_app.services.case_status import (
    check_all_active,
    check_now,
    check_receipt,
    record_status,
)
from immigration_app.services.case_status_views import portal_status, status_view
from immigration_app.services.cases import add_receipt_number, case_timeline
from immigration_app.services.db import session_scope
from immigration_app.services.errors import InvalidInput, NotFound
from immigration_app.services.portal import PortalAccess, portal_home
from immigration_app.services.scheduler import STATUS_JOB, start_scheduler
from immigration_app.services.uscis_status import (
    HOW_TO_GET_CREDENTIALS,
    CaseStatusClient,
    StatusUnavailable,
    case_status_client,
)
from immigration_app.settings import Settings, get_settings
from tests.factories import make_case, make_viewer
from tests.fake_uscis import CLIENT_ID, CLIENT_SECRET, FakeUscis, case_payload, fake_uscis_server

RECEIVED = "EAC9999103402"
RFE = "LIN9999106498"
APPROVED = "SRC9999102777"
EXTRA = "SRC9999102778"


def _received(receipt: str) -> dict:
    return case_payload(
        receipt,
        current_case_status_text_en="Case Was Received",
        current_case_status_desc_en=f"On September 15, 2025, we received your case {receipt}.",
        current_case_status_text_es="Caso Fue Recibido",
        current_case_status_desc_es="El 15 de septiembre de 2025, recibimos su Formulario I-130.",
    )


def _rfe(receipt: str) -> dict:
    return case_payload(
        receipt,
        current_case_status_text_en="Request for Additional Evidence Was Sent",
        current_case_status_desc_en="On March 3, 2026, we sent you a request for evidence.",
        current_case_status_text_es="Solicitud de Evidencia Adicional Fue Enviada",
        current_case_status_desc_es="El 3 de marzo de 2026, le enviamos una solicitud.",
    )


@pytest.fixture
def fake() -> Iterator[FakeUscis]:
    with fake_uscis_server() as server:
        for receipt in (RECEIVED, EXTRA):
            server.cases[receipt] = _received(receipt)
        server.cases[RFE] = _rfe(RFE)
        server.cases[APPROVED] = case_payload(APPROVED)
        yield server


def _settings(base_url: str, **env: str) -> Settings:
    return Settings.from_env(
        {
            "USCIS_API_BASE_URL": base_url,
            "USCIS_API_CLIENT_ID": CLIENT_ID,
            "USCIS_API_CLIENT_SECRET": CLIENT_SECRET,
            **env,
        }
    )


@pytest.fixture
def client(fake) -> Iterator[CaseStatusClient]:
    with CaseStatusClient(_settings(fake.base_url)) as status_client:
        yield status_client


@pytest.fixture
def configured(fake, monkeypatch) -> Iterator[FakeUscis]:
    """The app's own settings point at the fake, so the shared client and the views use it."""
    monkeypatch.setenv("USCIS_API_BASE_URL", fake.base_url)
    monkeypatch.setenv("USCIS_API_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("USCIS_API_CLIENT_SECRET", CLIENT_SECRET)
    get_settings.cache_clear()
    case_status_client.cache_clear()
    yield fake
    case_status_client().close()
    case_status_client.cache_clear()
    get_settings.cache_clear()


@pytest.fixture
def team(session):
    attorney = make_viewer(session, role="attorney")
    paralegal = make_viewer(session, role="paralegal")
    return attorney, paralegal


def _case(session, team, *receipts: str, family_name: str = "Garcia") -> Case:
    attorney, paralegal = team
    case = make_case(
        session,
        actor=attorney,
        family_name=family_name,
        attorney_id=attorney.id,
        paralegal_id=paralegal.id,
    )
    for receipt in receipts:
        add_receipt_number(
            session, actor=attorney, reference=case.reference, receipt_number=receipt
        )
    session.commit()
    return case


def _entries(session, receipt: str) -> list[CaseStatusEntry]:
    return list(
        session.exec(
            select(CaseStatusEntry)
            .where(CaseStatusEntry.receipt_number == receipt)
            .order_by(CaseStatusEntry.id)
        )
    )


def _status_events(session, case: Case) -> list[CaseEvent]:
    return list(
        session.exec(
            select(CaseEvent)
            .where(CaseEvent.case_id == case.id, CaseEvent.kind == service.EVENT_KIND)
            .order_by(CaseEvent.id)
        )
    )


def _status_mail(session) -> list[Message]:
    return list(
        session.exec(
            select(Message).where(Message.template == "staff_status_changed").order_by(Message.id)
        )
    )


# --- one check ------------------------------------------------------------------------------------


def test_a_check_keeps_the_reading_in_english_and_spanish(session, team, client):
    case = _case(session, team, RECEIVED)

    check = check_receipt(session, case=case, receipt_number=RECEIVED, client=client)

    [entry] = _entries(session, RECEIVED)
    assert (entry.source, entry.case_id, entry.form_type) == ("api", case.id, "I-130")
    assert (entry.title_en, entry.category) == ("Case Was Received", "received")
    assert entry.title_es == "Caso Fue Recibido"
    assert entry.text_es.startswith("El 15 de septiembre de 2025")
    assert entry.modified_at.date() == date(2026, 3, 2)
    assert entry.entered_by_id is None
    assert (check.title, check.category, check.entry_id) == (
        "Case Was Received",
        "received",
        entry.id,
    )


def test_a_changed_status_is_an_event_a_staff_email_and_a_suggested_stage(
    session, team, client, fake
):
    attorney, paralegal = team
    case = _case(session, team, RECEIVED)
    check_receipt(session, case=case, receipt_number=RECEIVED, client=client)
    fake.cases[RECEIVED] = _rfe(RECEIVED)

    check = check_receipt(session, case=case, receipt_number=RECEIVED, client=client)

    assert check.changed and check.category == "evidence"
    assert check.suggested_stage == "rfe_noid_response"
    assert session.get(Case, case.id).stage == case.stage  # suggested, never applied
    event = _status_events(session, case)[-1]
    assert event.summary == f"USCIS status: Request for Additional Evidence Was Sent ({RECEIVED})"
    assert event.before == {"status": "Case Was Received", "category": "received"}
    assert event.after == {
        "status": "Request for Additional Evidence Was Sent",
        "category": "evidence",
    }
    mail = [m for m in _status_mail(session) if m.key.startswith(f"case_status:{check.entry_id}:")]
    assert sorted(m.to_address for m in mail) == sorted([attorney.email, paralegal.email])
    body = mail[0].body
    assert "Now: Request for Additional Evidence Was Sent" in body
    assert "Before: Case Was Received" in body
    assert "move the case to RFE / NOID response" in body
    assert f"/cases/{case.reference}?tab=uscis" in body
    assert mail[0].subject == (
        f"USCIS status: Request for Additional Evidence Was Sent ({case.reference})"
    )
    timeline = case_timeline(session, viewer=attorney, reference=case.reference).entries
    assert any("Request for Additional Evidence" in entry.summary for entry in timeline)


def test_an_unchanged_status_is_kept_but_tells_nobody(session, team, client):
    case = _case(session, team, RFE)
    check_receipt(session, case=case, receipt_number=RFE, client=client)
    events, mail = len(_status_events(session, case)), len(_status_mail(session))

    again = check_receipt(session, case=case, receipt_number=RFE, client=client)

    assert not again.changed
    assert [entry.changed for entry in _entries(session, RFE)] == [True, False]
    assert len(_status_events(session, case)) == events
    assert len(_status_mail(session)) == mail


@pytest.mark.parametrize(
    ("answer", "code", "detail"),
    [
        (404, "not_found", "The receipt number was not found."),
        (503, "unavailable", "The sandbox is closed. It answers on weekdays from 7am to 8pm ET."),
    ],
)
def test_uscis_errors_reach_staff_and_store_nothing(
    session, team, client, fake, answer, code, detail
):
    case = _case(session, team, RECEIVED)
    fake.force(answer)

    with pytest.raises(StatusUnavailable) as refused:
        check_receipt(session, case=case, receipt_number=RECEIVED, client=client)

    assert (refused.value.code, refused.value.detail) == (code, detail)
    assert refused.value.message
    assert _entries(session, RECEIVED) == []
    assert _status_events(session, case) == []


def test_without_credentials_staff_are_told_how_to_get_them(session, team, fake):
    case = _case(session, team, RECEIVED)
    bare = CaseStatusClient(Settings.from_env({"USCIS_API_BASE_URL": fake.base_url}))
    with bare, pytest.raises(StatusUnavailable) as refused:
        check_receipt(session, case=case, receipt_number=RECEIVED, client=bare)

    assert refused.value.code == "not_configured"
    assert refused.value.message == HOW_TO_GET_CREDENTIALS
    assert fake.token_requests == fake.status_requests == 0
    assert _entries(session, RECEIVED) == []
    view = status_view(session, viewer=team[0], reference=case.reference)
    assert not view.api_configured and view.setup_help == HOW_TO_GET_CREDENTIALS


# --- by hand --------------------------------------------------------------------------------------


def test_staff_record_a_status_by_hand(session, team):
    attorney, paralegal = team
    case = _case(session, team, RECEIVED)

    check = record_status(
        session,
        actor=paralegal,
        reference=case.reference,
        receipt_number="eac 99 991 03402",
        title="  Case Was  Approved ",
        text="Seen on the USCIS website.",
    )

    [entry] = _entries(session, RECEIVED)
    assert (entry.source, entry.entered_by_id) == ("manual", paralegal.id)
    assert (entry.title_en, entry.category, entry.title_es) == ("Case Was Approved", "approved", "")
    assert check.changed and check.suggested_stage == "decision"
    assert [m.to_address for m in _status_mail(session)] == [attorney.email]  # not the typist
    event = _status_events(session, case)[0]
    assert event.actor_user_id == paralegal.id

    chosen = record_status(
        session,
        actor=paralegal,
        reference=case.reference,
        receipt_number=RECEIVED,
        title="Something New USCIS Says",
        category="review",
    )
    assert (chosen.category, chosen.changed) == ("review", True)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"receipt_number": RECEIVED, "title": "  "}, "title"),
        ({"receipt_number": RFE, "title": "Case Was Approved"}, "receipt_number"),
        ({"receipt_number": "nonsense", "title": "Case Was Approved"}, "receipt_number"),
        ({"receipt_number": RECEIVED, "title": "Case Was Approved", "category": "x"}, "category"),
    ],
)
def test_a_status_by_hand_needs_a_title_and_a_receipt_of_the_case(session, team, fields, field):
    case = _case(session, team, RECEIVED)
    with pytest.raises(InvalidInput) as refused:
        record_status(session, actor=team[0], reference=case.reference, **fields)
    assert set(refused.value.fields) == {field}
    assert _entries(session, RECEIVED) == []


# --- what staff see, and who may ask --------------------------------------------------------------


def test_the_view_shows_current_status_history_and_suggestion(session, team, configured):
    attorney, _ = team
    case = _case(session, team, RECEIVED, APPROVED)
    record_status(
        session,
        actor=attorney,
        reference=case.reference,
        receipt_number=RECEIVED,
        title="Case Was Received",
    )
    configured.cases[RECEIVED] = _rfe(RECEIVED)

    check = check_now(session, actor=attorney, reference=case.reference, receipt_number=RECEIVED)

    assert check.changed
    view = status_view(session, viewer=attorney, reference=case.reference)
    assert view.api_configured and view.setup_help == ""
    first, second = view.receipts
    assert first.receipt_number == RECEIVED and first.has_status
    assert first.current.title == "Request for Additional Evidence Was Sent"
    assert first.current.source == "USCIS API"
    assert [entry.title for entry in first.history] == [
        "Request for Additional Evidence Was Sent",
        "Case Was Received",
    ]
    assert first.history[1].source == f"Entered by {attorney.full_name}"
    assert (first.suggested_stage, first.suggested_stage_title) == (
        "rfe_noid_response",
        "RFE / NOID response",
    )
    assert (second.receipt_number, second.has_status, second.history) == (APPROVED, False, [])

    session.get(Case, case.id).stage = "rfe_noid_response"  # already there: nothing to suggest
    session.flush()
    assert (
        status_view(session, viewer=attorney, reference=case.reference).receipts[0].suggested_stage
        == ""
    )


def test_a_paralegal_cannot_check_a_case_they_cannot_see(session, team, configured):
    attorney, _ = team
    other = make_viewer(session, role="paralegal")
    case = _case(session, team, RECEIVED)

    for call in (
        lambda: check_now(session, actor=other, reference=case.reference, receipt_number=RECEIVED),
        lambda: record_status(
            session, actor=other, reference=case.reference, receipt_number=RECEIVED, title="X"
        ),
        lambda: status_view(session, viewer=other, reference=case.reference),
    ):
        with pytest.raises(NotFound):
            call()
    assert configured.status_requests == 0
    assert _entries(session, RECEIVED) == []


def test_check_now_only_asks_about_the_cases_own_receipts(session, team, configured):
    case = _case(session, team, RECEIVED)
    _case(session, team, RFE, family_name="Other")

    with pytest.raises(InvalidInput):
        check_now(session, actor=team[0], reference=case.reference, receipt_number=RFE)
    assert configured.status_requests == 0


# --- the daily check ------------------------------------------------------------------------------


def _aged(receipt: str, hours: float) -> None:
    with session_scope() as session:
        session.exec(
            sa.update(CaseStatusEntry)
            .where(CaseStatusEntry.receipt_number == receipt)
            .values(checked_at=utcnow() - timedelta(hours=hours))
        )


def test_the_daily_check_reads_every_open_case_once_a_day(session, team, client, fake):
    open_case = _case(session, team, RECEIVED, RFE)
    closed = _case(session, team, APPROVED, family_name="Closed")
    session.get(Case, closed.id).closed_on = date.today()
    recent = _case(session, team, EXTRA, family_name="Recent")
    check_receipt(session, case=recent, receipt_number=EXTRA, client=client)
    session.commit()
    _aged(EXTRA, 5)
    before = fake.status_requests

    report = check_all_active(client=client)

    assert (report.checked, report.changed, report.recent, report.failed) == (2, 2, 1, 0)
    assert (report.left, report.stopped) == (0, "")
    assert fake.status_requests - before == 2
    with session_scope() as fresh:
        assert len(_entries(fresh, RECEIVED)) == len(_entries(fresh, RFE)) == 1
        assert _entries(fresh, APPROVED) == []  # a closed case is not asked about
        assert len(_status_mail(fresh)) >= 4  # two changes, two staff each
        assert len(_status_events(fresh, open_case)) == 2

    again = check_all_active(client=client)  # a second worker, or a restart, the same day
    assert (again.checked, again.recent) == (0, 3)
    assert fake.status_requests - before == 2

    _aged(RECEIVED, 21)  # a day later
    later = check_all_active(client=client)
    assert (later.checked, later.changed, later.recent) == (1, 0, 2)


def test_the_daily_check_stops_at_the_quota_and_counts_what_is_left(session, team, fake):
    _case(session, team, RECEIVED, RFE, APPROVED, EXTRA)

    with CaseStatusClient(_settings(fake.base_url, USCIS_API_DAILY_QUOTA="2")) as limited:
        report = check_all_active(client=limited)

    assert (report.checked, report.left, report.stopped) == (2, 2, "daily_quota")
    assert "USCIS_API_DAILY_QUOTA" in report.message
    assert fake.status_requests == 2
    with session_scope() as fresh:
        assert sum(len(_entries(fresh, r)) for r in (RECEIVED, RFE, APPROVED, EXTRA)) == 2


def test_after_a_quota_stop_the_next_day_starts_with_what_was_left(session, team, fake):
    _case(session, team, RECEIVED, RFE, APPROVED, EXTRA)
    quota = {"USCIS_API_DAILY_QUOTA": "2"}
    with CaseStatusClient(_settings(fake.base_url, **quota)) as limited:
        check_all_active(client=limited)
    for receipt in (RECEIVED, RFE):
        _aged(receipt, 24)

    with CaseStatusClient(_settings(fake.base_url, **quota)) as next_day:
        report = check_all_active(client=next_day)

    assert (report.checked, report.left) == (2, 2)
    with session_scope() as fresh:
        counts = {r: len(_entries(fresh, r)) for r in (RECEIVED, RFE, APPROVED, EXTRA)}
    assert counts == {RECEIVED: 1, RFE: 1, APPROVED: 1, EXTRA: 1}


def test_the_daily_check_goes_on_past_a_receipt_uscis_does_not_know(session, team, fake, client):
    _case(session, team, RECEIVED, RFE)
    fake.force(404)

    report = check_all_active(client=client)

    assert (report.checked, report.failed, report.stopped) == (1, 1, "")
    assert report.problems[0].startswith(RECEIVED)


def test_the_daily_check_without_credentials_stops_at_once(session, team, fake):
    _case(session, team, RECEIVED, RFE)
    with CaseStatusClient(Settings.from_env({"USCIS_API_BASE_URL": fake.base_url})) as bare:
        report = check_all_active(client=bare)
    assert (report.checked, report.left, report.stopped) == (0, 2, "not_configured")


def test_the_daily_check_is_scheduled_once_with_a_stable_id():
    scheduler = start_scheduler()
    try:
        job = scheduler.get_job(STATUS_JOB)
        assert job.func_ref == "immigration_app.services.case_status:check_all_active"
        assert str(job.trigger).startswith("cron[hour='6', minute='0'")
        assert [j.id for j in scheduler.get_jobs()].count(STATUS_JOB) == 1
    finally:
        scheduler.shutdown()


# --- the client's portal --------------------------------------------------------------------------


def test_the_portal_shows_the_status_in_the_clients_language(session, team, client):
    case = _case(session, team, RECEIVED, APPROVED)
    check_receipt(session, case=case, receipt_number=RECEIVED, client=client)
    record_status(
        session,
        actor=team[0],
        reference=case.reference,
        receipt_number=APPROVED,
        title="Case Was Approved",
        text="Seen on the website.",
    )
    person = session.exec(select(Person).where(Person.family_name == "Garcia")).first()
    person.preferred_language = "es"
    session.flush()

    assert portal_status(session, case.id, "es") == [
        (RECEIVED, "Caso Fue Recibido", _received(RECEIVED)["current_case_status_desc_es"]),
        (APPROVED, "Case Was Approved", "Seen on the website."),  # typed by staff: English
    ]
    assert portal_status(session, case.id, "en")[0][1] == "Case Was Received"
    access = PortalAccess(
        link_id=0, case_id=case.id, member_id=0, person_id=person.id, language="es"
    )
    home = portal_home(session, access, "es")
    assert [(s.receipt_number, s.title) for s in home.statuses] == [
        (RECEIVED, "Caso Fue Recibido"),
        (APPROVED, "Case Was Approved"),
    ]
