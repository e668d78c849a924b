"""The filing packet end to end in the browser: the paralegal builds it and submits it for review;
an attorney ticks the checklist and approves it; the case is marked filed by courier and the
receipt notice is added.

Runs after test_forms.py (which expects an empty form library): its setup loads real forms.
"""

from __future__ import annotations

import re
import secrets
import subprocess
import sys
from pathlib import Path

from playwright.sync_api import Page, expect

from immigration_app.services.reviews import REVIEW_CHECKS
from tests.e2e.conftest import PROJECT_ROOT, _server_env
from tests.e2e.flows import demo, sign_in_to_dashboard, sign_out
from tests.files import pdf_bytes
from tests.form_profiles import needs_real_forms

pytestmark = needs_real_forms

# A marriage case ready for its packet, prepared by the demo paralegal (argv[1]) and assigned to
# the demo attorney (argv[2]); prints its reference.
_MAKE_READY_CASE = """
import sys

from sqlmodel import select

from immigration_app.models import User
from immigration_app.services.db import session_scope
from immigration_app.services.users import viewer_of
from tests.packets import make_ready_case

with session_scope() as session:
    users = {user.email: user for user in session.exec(select(User))}
    paralegal, attorney = users[sys.argv[1]], users[sys.argv[2]]
    case = make_ready_case(session, actor=viewer_of(paralegal))
    case.attorney_id, case.paralegal_id = attorney.id, paralegal.id
    session.add(case)
    print(case.reference)
"""


def _ready_case() -> str:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            _MAKE_READY_CASE,
            demo("paralegal").email,
            demo("attorney").email,
        ],
        env=_server_env(),
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout.strip()


def _stage(page: Page, stage: str):
    """The stage beside the client's name at the top of the case (the stage picker's options
    hold the same words, but are not shown)."""
    return page.get_by_text(stage, exact=True).filter(visible=True)


def _open_filing_tab(page: Page, reference: str) -> None:
    page.goto(f"/cases/{reference}")
    page.get_by_role("tab", name="Filing").click()
    expect(page.get_by_role("region", name="Packet", exact=True)).to_be_visible()


def test_a_packet_is_built_reviewed_by_a_second_person_and_filed(
    page: Page, app_url: str, tmp_path: Path
):
    reference = _ready_case()
    paralegal, attorney = demo("paralegal"), demo("attorney")

    # The paralegal checks the letter and what the packet will hold, builds it and submits it.
    sign_in_to_dashboard(page, paralegal)
    _open_filing_tab(page, reference)
    expect(page.get_by_role("region", name="Cover letter", exact=True)).to_contain_text(
        "P.O. Box 4436"
    )
    contents = page.get_by_role("list", name="Packet contents")
    for part in ("Cover letter", "Form G-1145", "Form I-130", "Exhibit A"):
        expect(contents).to_contain_text(part)

    packet = page.get_by_role("region", name="Packet", exact=True)
    packet.get_by_role("button", name="Build packet").click()
    version_1 = (
        page.get_by_role("table", name="Packets").get_by_role("row").filter(has_text="Version 1")
    )
    expect(version_1).to_be_visible(timeout=60_000)
    expect(version_1.get_by_role("cell").first).to_have_text(re.compile(r"^[1-9]\d*$"))
    expect(
        version_1.get_by_role("link", name=re.compile(r"^View packet version 1"))
    ).to_have_attribute("href", re.compile(r"^/api/packets/\d+\?inline=1$"))
    expect(packet.get_by_role("button", name="Build packet")).to_be_enabled()

    review = page.get_by_role("region", name="Review", exact=True)
    expect(review.get_by_role("status")).to_contain_text("not yet submitted for review")
    review.get_by_label("Note for the reviewer (optional)").fill("Marriage certificate is new")
    review.get_by_role("button", name="Submit for review").click()
    expect(review.get_by_role("status")).to_contain_text("waiting for review")
    expect(review).to_contain_text("Marriage certificate is new")
    expect(review).to_contain_text("An attorney, or a reviewer the admin chose, decides on it.")
    expect(review.get_by_role("button", name="Approve")).to_have_count(0)
    expect(_stage(page, "Internal review")).to_be_visible()
    sign_out(page)

    # The attorney reviews it: every check must be confirmed before approving.
    sign_in_to_dashboard(page, attorney)
    page.goto(f"/cases/{reference}?tab=filing")
    review = page.get_by_role("region", name="Review", exact=True)
    expect(review.get_by_role("list", name="Review checklist")).to_be_visible()
    checks = list(REVIEW_CHECKS.values())
    review.get_by_role("checkbox", name=checks[0]).click()
    expect(review.get_by_role("checkbox", name=checks[0])).to_be_checked()
    review.get_by_role("button", name="Approve").click()
    expect(review.get_by_role("alert")).to_contain_text("Confirm every check before approving")
    for text in checks[1:]:
        review.get_by_role("checkbox", name=text).click()
        expect(review.get_by_role("checkbox", name=text)).to_be_checked()
    review.get_by_role("button", name="Approve").click()
    expect(review.get_by_role("status")).to_contain_text(f"Approved by {attorney.full_name}")
    expect(_stage(page, "Ready to file")).to_be_visible()
    expect(page.get_by_label("Stage", exact=True)).to_have_value("ready_to_file")

    # It goes out by courier.
    record = page.get_by_role("region", name="Filing record", exact=True)
    record.get_by_label("Method", exact=True).select_option(label="Courier (FedEx, UPS, DHL)")
    record.get_by_role("button", name="Save filing record").click()
    expect(record.get_by_role("alert")).to_contain_text("Enter the courier's tracking number.")
    record.get_by_label("Tracking number", exact=True).fill("7712 3456 7890")
    record.get_by_role("button", name="Save filing record").click()
    filing = (
        record.get_by_role("table", name="Filings")
        .get_by_role("row")
        .filter(has_text="7712 3456 7890")
    )
    expect(filing).to_contain_text("Courier")
    expect(filing).to_contain_text(attorney.full_name)
    expect(_stage(page, "Filed - pending")).to_be_visible()
    expect(record.get_by_role("button", name="Save filing record")).to_have_count(0)

    # USCIS's receipt notice arrives.
    notice = tmp_path / "receipt-notice.pdf"
    notice.write_bytes(pdf_bytes())
    receipt = f"IOE09{secrets.randbelow(10**8):08d}"  # unique: numbers are one case's only
    record.get_by_label("Receipt number on the notice").fill(receipt)
    record.get_by_label("Form (optional, e.g. I-130)").fill("I-130")
    with page.expect_file_chooser() as chooser:
        record.get_by_role("button", name="Choose the notice").click()
    chooser.value.set_files(notice)
    record.get_by_role("button", name="Add receipt notice").click()
    expect(record.get_by_role("status")).to_contain_text("receipt-notice.pdf: Kept")
    notices = record.get_by_role("table", name="Receipt notices")
    expect(notices.get_by_role("row").filter(has_text=receipt)).to_be_visible()
    expect(
        notices.get_by_role("link", name="View receipt-notice.pdf (opens in a new tab)")
    ).to_have_attribute("href", re.compile(r"^/api/notices/\d+\?inline=1$"))

    # A change to the letter afterwards voids the approval, and the tab says why.
    letter = page.get_by_role("region", name="Cover letter", exact=True)
    letter.get_by_role("button", name="Edit letter").click()
    letter.get_by_label("RE: line").fill("RE: Forms G-1145 and I-130 for Lucia Ramirez")
    letter.get_by_role("button", name="Save").click()
    expect(letter).to_contain_text("RE: Forms G-1145 and I-130 for Lucia Ramirez")
    expect(review.get_by_role("status")).to_contain_text("but void")
    expect(review.get_by_role("alert")).to_contain_text("The cover letter changed")


def test_an_admin_chooses_who_besides_the_attorneys_reviews_packets(page: Page, app_url: str):
    sign_in_to_dashboard(page, demo("admin"))
    page.goto("/admin/team")
    members = page.get_by_role("table", name="Team members")
    paralegal = demo("paralegal").full_name
    switch = members.get_by_role("switch", name=f"Reviewer: {paralegal}")
    expect(switch).not_to_be_checked()
    attorney = members.get_by_role("row").filter(has_text=demo("attorney").email)
    expect(attorney).to_contain_text("Always (attorney)")
    switch.click()
    expect(page.get_by_text(f"Saved the change to {paralegal}.")).to_be_visible()
    page.reload()
    expect(switch).to_be_checked()
    switch.click()  # back as it was, for the tests that follow
    expect(switch).not_to_be_checked()
