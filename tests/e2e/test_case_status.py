"""The USCIS tab without API credentials: staff are told how to get them, and record a status
by hand, which shows in the status history, the suggested move and the timeline."""

import re

from playwright.sync_api import Page, expect

from tests.e2e.flows import demo, sign_in_to_dashboard

RECEIPT = "WAC2612345678"  # the demo H-1B case, still preparing its forms


def _open_case(page: Page, receipt: str) -> None:
    page.get_by_label("Search").fill(receipt)
    cases = page.get_by_role("table", name="Open cases")
    expect(cases.get_by_role("row")).to_have_count(2)
    cases.get_by_role("row").nth(1).get_by_role("link").click()


def test_staff_record_a_status_by_hand_and_see_it_in_the_history(page: Page):
    sign_in_to_dashboard(page, demo("attorney"))
    _open_case(page, RECEIPT)
    page.get_by_role("tab", name="USCIS").click()

    section = page.get_by_role("region", name="USCIS case status")
    expect(section).to_contain_text("USCIS case status checks are not set up")
    expect(section).to_contain_text("No status recorded yet.")
    expect(section.get_by_role("button", name=re.compile("^Check now"))).to_have_count(0)

    section.get_by_role("button", name="Record status").click()
    expect(section.get_by_text("Write the status title as USCIS shows it.")).to_be_visible()

    section.get_by_label("Receipt number").select_option(RECEIPT)
    section.get_by_label("Status title").fill("Case Was Received")
    section.get_by_label("Status text (optional)").fill("We received your Form I-129.")
    section.get_by_role("button", name="Record status").click()

    history = section.get_by_role("table", name=f"Status history of {RECEIPT}")
    expect(history).to_contain_text("Case Was Received")
    expect(history).to_contain_text("Entered by Ana Rivera")
    expect(history).to_contain_text("received")
    expect(section).to_contain_text("We received your Form I-129.")
    expect(section.get_by_role("button", name="Move to Filed - pending")).to_be_visible()

    page.get_by_role("tab", name="Timeline").click()
    expect(page.get_by_role("list", name="Case timeline")).to_contain_text(
        f"USCIS status: Case Was Received ({RECEIPT})"
    )
