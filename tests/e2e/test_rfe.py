"""The RFE flow end to end in the browser: the paralegal uploads the RFE notice on the USCIS tab,
confirms its due date, writes down what USCIS asks for, builds the response packet from an
accepted document and submits it; an attorney approves it; the paralegal records it filed."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import Page, expect

from immigration_app.services.reviews import RESPONSE_CHECKS
from tests.e2e.conftest import PROJECT_ROOT, _server_env
from tests.e2e.flows import demo, sign_in_to_dashboard, sign_out

# A filed naturalization case of the demo paralegal's, with its green card accepted and the
# cover letter addressed, and an RFE notice for its receipt number written to argv[1].
_MAKE_RFE_CASE = """
import secrets
import sys
from datetime import timedelta
from pathlib import Path

from sqlmodel import select

from immigration_app.models import User
from immigration_app.services import storage
from immigration_app.services.cases import MemberInput, add_receipt_number, move_case, open_case
from immigration_app.services.checklists import item_by_code
from immigration_app.services.cover_letter import case_letter, save_case_letter
from immigration_app.services.db import session_scope
from immigration_app.services.deadline_engine import previous_business_day
from immigration_app.services.documents import accept_item, add_file
from immigration_app.services.firm import firm_clock
from immigration_app.services.people import PersonInput
from immigration_app.services.users import viewer_of
from tests.files import pdf_bytes
from tests.notices import rfe_notice

with session_scope() as session:
    users = {user.email: user for user in session.exec(select(User))}
    attorney = viewer_of(users["attorney@demo-firm.example"])
    client = PersonInput("Okafor", "Ngozi", date_of_birth="1985-03-14")
    case = open_case(
        session,
        actor=attorney,
        case_type="n400-naturalization",
        members=[MemberInput("applicant", new_person=client)],
        attorney_id=attorney.id,
        paralegal_id=users["paralegal@demo-firm.example"].id,
    )
    receipt = f"IOE09{secrets.randbelow(10**8):08d}"
    add_receipt_number(session, actor=attorney, reference=case.reference, receipt_number=receipt)
    item = item_by_code(session, case, "applicant", "green-card")
    with storage.start_upload("green-card.pdf") as upload:
        upload.write(pdf_bytes())
        add_file(session, item=item, staged=upload.finish(), uploaded_by=attorney)
    accept_item(session, actor=attorney, reference=case.reference, item_id=item.id)
    letter = case_letter(session, case, [])
    save_case_letter(
        session,
        actor=attorney,
        reference=case.reference,
        addressee="USCIS\\nNational Benefits Center\\nP.O. Box 25920\\nOverland Park, KS 66225",
        subject=letter.subject,
        body=letter.body,
    )
    move_case(session, actor=attorney, reference=case.reference, stage="filed_pending")
    clock = firm_clock(session)
    today = clock.today()
    notice_on = today - timedelta(days=3)
    due = notice_on + timedelta(days=87)
    target = max(previous_business_day(due - timedelta(days=14)), notice_on)
    Path(sys.argv[1]).write_bytes(
        rfe_notice(receipt_number=receipt, form="N-400", notice=notice_on, due=due)
    )
    print(case.reference, clock.date(notice_on), clock.date(due), clock.date(target), today)
"""


def _rfe_case(notice: Path) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", _MAKE_RFE_CASE, str(notice)],
        env=_server_env(),
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.split()


def _stage_badge(page: Page, stage: str):
    """The stage shown beside the client's name at the top of the case."""
    return page.locator("span", has_text=re.compile(f"^{re.escape(stage)}$"))


def _open_uscis_tab(page: Page, reference: str) -> None:
    page.goto(f"/cases/{reference}?tab=uscis")
    expect(page.get_by_role("tab", name="USCIS")).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("region", name="Requests for evidence")).to_be_visible()


def test_the_rfe_flow_from_the_notice_to_the_response_filed(
    page: Page, app_url: str, tmp_path: Path
):
    notice = tmp_path / "rfe-notice.pdf"
    reference, notice_on, due, target, today = _rfe_case(notice)
    paralegal, attorney = demo("paralegal"), demo("attorney")

    # The paralegal uploads the notice and confirms the response deadline it proposes.
    sign_in_to_dashboard(page, paralegal)
    _open_uscis_tab(page, reference)
    notices = page.get_by_role("region", name="Notices")
    with page.expect_file_chooser() as chooser:
        notices.get_by_role("button", name="Choose the notice").click()
    chooser.value.set_files(notice)
    notices.get_by_role("button", name="Upload notice").click()
    expect(notices.get_by_role("status")).to_contain_text("rfe-notice.pdf: Kept and read")
    card = notices.get_by_role("article", name="Request for evidence: rfe-notice.pdf")
    expect(card).to_contain_text(due)
    expect(card).to_contain_text("Already on this case")  # its receipt number is this case's
    card.get_by_role("button", name=re.compile(r"^Confirm: Add RFE response deadline")).click()
    expect(card).to_contain_text("Confirmed")
    expect(_stage_badge(page, "RFE / NOID response")).to_be_visible()

    requests = page.get_by_role("region", name="Requests for evidence")
    request = requests.get_by_role("article", name=f"Request for evidence dated {notice_on}")
    expect(request).to_contain_text(f"Government due date (printed){due}")
    expect(request).to_contain_text(f"Our target{target}")

    # What USCIS asks for, answered by the firm with the green card already accepted.
    request.get_by_label("What USCIS asks for").fill("A copy of the green card, front and back")
    request.get_by_role("button", name="Add requested item").click()
    expect(request.get_by_role("list", name="Requested items")).to_contain_text(
        "A copy of the green card, front and back"
    )
    response = requests.get_by_role("region", name="Response packet")
    response.get_by_role("checkbox", name=re.compile("^Green card, front and back")).check()
    response.get_by_role("button", name="Build response packet").click()
    expect(response).to_contain_text("is built and not yet submitted for review", timeout=60_000)
    response.get_by_role("button", name="Submit for review").click()
    expect(response).to_contain_text("is waiting for review")
    expect(response).to_contain_text("An attorney, or a reviewer the admin chose, decides")
    sign_out(page)

    # An attorney approves it, every check confirmed.
    sign_in_to_dashboard(page, attorney)
    _open_uscis_tab(page, reference)
    response = page.get_by_role("region", name="Response packet")
    for check in RESPONSE_CHECKS.values():
        response.get_by_role("checkbox", name=check).check()
    response.get_by_role("button", name="Approve").click()
    expect(response).to_contain_text(f"Approved by {attorney.full_name}")
    sign_out(page)

    # The paralegal records the response filed: deadline met, the case pending again.
    sign_in_to_dashboard(page, paralegal)
    _open_uscis_tab(page, reference)
    response = page.get_by_role("region", name="Response packet")
    response.get_by_label("Response filed on").fill(today)
    response.get_by_role("button", name="Record response filed").click()
    requests = page.get_by_role("region", name="Requests for evidence")
    expect(
        requests.get_by_role("article", name=re.compile("Request for evidence dated"))
    ).to_contain_text("Response filed")
    expect(_stage_badge(page, "Filed - pending")).to_be_visible()
