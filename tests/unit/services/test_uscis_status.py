"""The USCIS Case Status client, against a local FAKE of the API (tests/fake_uscis.py) over real
HTTP: USCIS itself cannot be reached from tests, so these prove the client follows the request
and response shapes documented in DOMAIN.md section 4, not that USCIS still uses them.
"""

from __future__ import annotations

import logging
import socket
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest

from immigration_app.catalog import stages
from immigration_app.services.errors import InvalidInput
from immigration_app.services.uscis_status import (
    CATEGORIES,
    CaseStatusClient,
    StatusUnavailable,
    category_of,
    suggested_stage,
)
from immigration_app.settings import Settings
from tests.fake_uscis import CLIENT_ID, CLIENT_SECRET, FakeUscis, case_payload, fake_uscis_server

RECEIPT = "EAC9999103402"
OTHER_RECEIPT = "LIN9999106498"


@pytest.fixture
def fake() -> Iterator[FakeUscis]:
    with fake_uscis_server() as server:
        server.cases[RECEIPT] = case_payload(RECEIPT)
        server.cases[OTHER_RECEIPT] = case_payload(
            OTHER_RECEIPT,
            formType="I-485",
            current_case_status_text_en="Request for Additional Evidence Was Sent",
            current_case_status_desc_en="On March 3, 2026, we sent a request for evidence.",
        )
        yield server


def settings_for(base_url: str, **env: str) -> Settings:
    values = {
        "USCIS_API_BASE_URL": base_url,
        "USCIS_API_CLIENT_ID": CLIENT_ID,
        "USCIS_API_CLIENT_SECRET": CLIENT_SECRET,
        **env,
    }
    return Settings.from_env(values)


@pytest.fixture
def client(fake: FakeUscis) -> Iterator[CaseStatusClient]:
    with CaseStatusClient(settings_for(fake.base_url)) as status_client:
        yield status_client


def refusal(call) -> StatusUnavailable:
    with pytest.raises(StatusUnavailable) as caught:
        call()
    return caught.value


# --- reading a status -----------------------------------------------------------------------------


def test_status_is_read_in_english_and_spanish(client, fake):
    status = client.check("eac-99-991-03402")

    assert status.receipt_number == RECEIPT
    assert status.form_type == "I-130"
    assert status.title_en == "Case Was Approved"
    assert status.text_en.startswith("On March 2, 2026, we approved your Form I-130")
    assert status.title_es == "Caso Fue Aprobado"
    assert status.text_es.startswith("El 2 de marzo de 2026, aprobamos")
    assert status.category == "approved"
    assert status.modified_at == datetime(2026, 3, 2, 14, 5, 31)
    assert status.raw["case_status"]["hist_case_status"][0]["completed_text_en"] == (
        "Case Was Received"
    )
    assert fake.token_forms == [
        {
            "grant_type": "client_credentials",
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
        }
    ]


def test_status_category_and_stage_follow_the_title(client):
    status = client.check(OTHER_RECEIPT)

    assert (status.form_type, status.category) == ("I-485", "evidence")
    assert suggested_stage(status.category) == "rfe_noid_response"


def test_answer_without_a_case_status_is_a_bad_response(client, fake):
    fake.cases[RECEIPT] = {"receiptNumber": RECEIPT}

    assert refusal(lambda: client.check(RECEIPT)).code == "bad_response"


# --- the access token -----------------------------------------------------------------------------


def test_one_token_serves_several_checks(client, fake):
    for _ in range(3):
        client.check(RECEIPT)
    client.check(OTHER_RECEIPT)

    assert fake.token_requests == 1
    assert fake.status_requests == 4


def test_threads_checking_at_once_share_one_token(client, fake):
    with ThreadPoolExecutor(max_workers=8) as pool:
        titles = list(pool.map(lambda _: client.check(RECEIPT).title_en, range(8)))

    assert titles == ["Case Was Approved"] * 8
    assert fake.token_requests == 1
    assert fake.status_requests == 8


def test_expired_token_is_replaced_once_and_the_check_retried(client, fake):
    client.check(RECEIPT)
    fake.expire_tokens()

    status = client.check(RECEIPT)

    assert status.title_en == "Case Was Approved"
    assert fake.token_requests == 2
    assert fake.status_requests == 3  # the first check, the refused one, the retry


def test_token_is_renewed_before_its_lifetime_ends(client, fake):
    fake.token_lifetime = 1
    client.check(RECEIPT)
    time.sleep(1.05)

    client.check(RECEIPT)

    assert fake.token_requests == 2
    assert fake.status_requests == 2  # no 401 on the way


def test_token_refused_twice_is_auth_failed(client, fake):
    fake.force(401, times=2)

    error = refusal(lambda: client.check(RECEIPT))

    assert error.code == "auth_failed"
    assert error.detail == "The access token is invalid or has expired."
    assert fake.token_requests == 2
    assert fake.status_requests == 2


def test_wrong_credentials_are_auth_failed_without_showing_the_secret(fake, caplog):
    secret = "wrong-secret-value-123"
    settings = settings_for(fake.base_url, USCIS_API_CLIENT_SECRET=secret)
    caplog.set_level(logging.DEBUG)

    with CaseStatusClient(settings) as wrong:
        error = refusal(lambda: wrong.check(RECEIPT))

    assert error.code == "auth_failed"
    assert "USCIS_API_CLIENT_SECRET" in error.message
    assert error.detail.startswith("Invalid client credentials fake-client-id:")
    assert secret not in str(error)
    assert secret not in caplog.text
    assert secret not in repr(settings)
    assert fake.status_requests == 0


# --- failures -------------------------------------------------------------------------------------


def test_unknown_receipt_is_not_found_with_the_apis_words(client):
    error = refusal(lambda: client.check("SRC9999102777"))

    assert error.code == "not_found"
    assert "USCIS has no case with this receipt number" in error.message
    assert error.detail == "The receipt number was not found."


def test_too_many_requests_is_retried_once_after_retry_after(client, fake):
    fake.force(429, times=2, retry_after="1")

    error = refusal(lambda: client.check(RECEIPT))

    assert error.code == "rate_limited"
    assert error.detail == "Too many requests. Slow down."
    assert fake.status_requests == 2
    first, second = fake.status_times
    assert second - first >= 0.9  # the client waited as asked before trying again


def test_one_too_many_requests_then_the_retry_succeeds(client, fake):
    fake.force(429, times=1, retry_after="0")

    assert client.check(RECEIPT).category == "approved"
    assert fake.status_requests == 2


def test_long_retry_after_is_not_waited_for(client, fake):
    fake.force(429, times=1, retry_after="120")

    error = refusal(lambda: client.check(RECEIPT))

    assert error.code == "rate_limited"
    assert "120 seconds" in error.message
    assert fake.status_requests == 1


def test_service_unavailable_is_unavailable(client, fake):
    fake.force(503)

    error = refusal(lambda: client.check(RECEIPT))

    assert error.code == "unavailable"
    assert "HTTP 503" in error.message
    assert error.detail.startswith("The sandbox is closed.")
    assert fake.status_requests == 1


def test_connection_refused_is_unavailable():
    with socket.socket() as probe:  # a port that was free a moment ago and has no listener
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    with CaseStatusClient(settings_for(f"http://127.0.0.1:{port}")) as unreachable:
        error = refusal(lambda: unreachable.check(RECEIPT))

    assert error.code == "unavailable"
    assert f"127.0.0.1:{port}" in error.message


def test_without_credentials_the_error_says_how_to_get_them(fake):
    settings = settings_for(fake.base_url, USCIS_API_CLIENT_ID="", USCIS_API_CLIENT_SECRET="")

    with CaseStatusClient(settings) as unconfigured:
        error = refusal(lambda: unconfigured.check(RECEIPT))

    assert error.code == "not_configured"
    assert "https://developer.uscis.gov/get-started" in error.message
    assert "production access" in error.message
    assert fake.token_requests == fake.status_requests == 0


@pytest.mark.parametrize("typed", ["", "A123456789", "EAC20115550", "EAC2011555055X", "12345"])
def test_malformed_receipt_is_refused_before_any_request(client, fake, typed):
    with pytest.raises(InvalidInput) as caught:
        client.check(typed)

    assert "receipt_number" in caught.value.fields
    assert fake.token_requests == fake.status_requests == 0


# --- rate limits ----------------------------------------------------------------------------------


def test_daily_quota_stops_checks_once_used_up(fake):
    with CaseStatusClient(settings_for(fake.base_url, USCIS_API_DAILY_QUOTA="2")) as limited:
        limited.check(RECEIPT)
        limited.check(OTHER_RECEIPT)
        error = refusal(lambda: limited.check(RECEIPT))

    assert error.code == "daily_quota"
    assert "midnight GMT" in error.message
    assert fake.status_requests == 2


def test_requests_per_second_wait_their_turn(fake):
    with CaseStatusClient(settings_for(fake.base_url, USCIS_API_RATE_PER_SECOND="10")) as paced:
        statuses = [paced.check(RECEIPT) for _ in range(12)]

    assert len(statuses) == 12
    assert fake.status_requests == 12
    first = fake.status_times[0]
    # A little under a second: the fake's clock sees requests a hair later than the client's.
    assert sum(1 for arrived in fake.status_times if arrived < first + 0.95) <= 10
    assert fake.status_times[-1] - first >= 0.9


# --- settings -------------------------------------------------------------------------------------


def test_settings_default_to_the_sandbox():
    settings = Settings.from_env({})

    assert settings.uscis_api_base_url == "https://api-int.uscis.gov"
    assert settings.uscis_api_client_id is None
    assert settings.uscis_api_rate_per_second == 10
    assert settings.uscis_api_daily_quota == 1000


def test_settings_refuse_a_rate_that_is_not_a_number():
    with pytest.raises(ValueError, match="USCIS_API_RATE_PER_SECOND must be a whole number"):
        Settings.from_env({"USCIS_API_RATE_PER_SECOND": "fast"})


# --- categories -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "category"),
    [
        ("Case Was Received", "received"),
        ("Date of Birth Was Updated", "received"),
        ("Fingerprint Fee Was Received", "biometrics"),
        ("Case Was Updated To Show Fingerprints Were Taken", "biometrics"),
        ("Request for Additional Evidence Was Sent", "evidence"),
        ("Notice of Intent to Deny Was Sent", "evidence"),
        ("Case Is Being Actively Reviewed By USCIS", "review"),
        ("Case Was Transferred And A New Office Has Jurisdiction", "review"),
        ("Interview Was Scheduled", "interview"),
        ("Case is Ready to Be Scheduled for An Interview", "interview"),
        ("Case Was Approved", "approved"),
        ("Card Was Delivered To Me By The Post Office", "approved"),
        ("Case Was Denied", "denied"),
        ("Petition/Application Was Rejected For Insufficient Funds", "denied"),
        # Capitals, spacing and a typographic apostrophe do not matter.
        ("  CASE   WAS\tAPPROVED ", "approved"),
        ("case is ready to be scheduled for an interview", "interview"),
        ("Response To USCIS\u2019 Request For Evidence Was Received", "evidence"),
        ("Case Was Sent To The Department of State", "other"),
    ],
)
def test_category_of_title(title, category):
    assert category_of(title) == category


def test_unknown_title_is_logged_once(caplog):
    title = "Case Was Beamed To Mars (test title)"
    caplog.set_level(logging.WARNING, logger="immigration_app.services.uscis_status")

    assert category_of(title) == "other"
    assert category_of(title.upper()) == "other"

    warnings = [record for record in caplog.records if title in record.getMessage()]
    assert len(warnings) == 1


def test_suggested_stages_are_stages_of_the_catalog():
    keys = {stage.key for stage in stages()}

    for category in CATEGORIES:
        stage = suggested_stage(category)
        assert stage is None or stage in keys, (category, stage)
    assert suggested_stage("approved") == suggested_stage("denied") == "decision"
    assert suggested_stage("other") is None
