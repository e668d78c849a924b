"""Record an RFE on a case, see its deadline with the sum, close it with a note; the calendar."""

import re
import urllib.request

import icalendar
from playwright.sync_api import Page, expect

from tests.e2e.flows import demo, sign_in_to_dashboard


def _open_case(page: Page, receipt: str) -> None:
    page.get_by_label("Search").fill(receipt)
    cases = page.get_by_role("table", name="Open cases")
    expect(cases.get_by_role("row")).to_have_count(2)
    cases.get_by_role("row").nth(1).get_by_role("link").click()


def test_an_rfe_makes_a_deadline_that_explains_itself_and_closes_with_a_note(page: Page):
    sign_in_to_dashboard(page, demo("attorney"))
    _open_case(page, "WAC2612345678")
    page.get_by_role("tab", name="Deadlines").click()
    page.get_by_label("What happened").select_option(label="RFE notice date")
    expect(page.get_by_text(re.compile("This adds: RFE response due"))).to_be_visible()
    page.get_by_label(re.compile(r"^Date \(RFE notice date\)")).fill("2026-03-02")
    page.get_by_label(re.compile("served by mail")).check()
    page.get_by_role("button", name="Add deadline").click()
    expect(page.get_by_text("Added: RFE response due.")).to_be_visible()

    deadlines = page.get_by_role("region", name="Deadlines")
    rfe = deadlines.get_by_text(re.compile(r"RFE dated 03/02/2026 \+ 87 days"))
    expect(rfe).to_contain_text("= 05/28/2026 (8 CFR 103.2(b)(8)(iv))")
    expect(deadlines).to_contain_text("days overdue")

    page.get_by_role("button", name="Mark met or waived: RFE response due").click()
    page.get_by_role("button", name="Close deadline").click()
    expect(page.get_by_text("Say what was done (or why it is waived).")).to_be_visible()
    page.get_by_role("textbox", name=re.compile("^Note")).fill("Response sent by FedEx 05/10")
    page.get_by_role("button", name="Close deadline").click()
    expect(deadlines).to_contain_text("Met by")
    expect(deadlines).to_contain_text("Response sent by FedEx 05/10")

    page.get_by_role("tab", name="Timeline").click()
    expect(page.get_by_role("list", name="Case timeline")).to_contain_text("Deadline met")


def test_an_impossible_deadline_date_is_refused_and_the_form_keeps_its_values(page: Page):
    sign_in_to_dashboard(page, demo("attorney"))
    _open_case(page, "WAC2612345678")
    page.get_by_role("tab", name="Deadlines").click()
    page.get_by_label("What is due").fill("Send the translations")
    page.get_by_role("button", name="Add deadline").click()
    expect(page.get_by_text("Enter the date it is due.")).to_be_visible()
    expect(page.get_by_label("What is due")).to_have_value("Send the translations")


def test_a_calendar_feed_link_is_shown_once_and_serves_a_valid_calendar(page: Page):
    sign_in_to_dashboard(page, demo("paralegal"))
    page.get_by_role("link", name="Calendar").click()
    expect(page.get_by_role("table", name="Deadlines this month")).to_be_visible()
    page.get_by_role("button", name="New feed of my deadlines").click()
    link = page.get_by_label("New feed link")
    expect(link).to_contain_text("/api/calendar/")
    url = link.inner_text()
    with urllib.request.urlopen(url) as r:  # noqa: S310 (the test server's own URL)
        assert r.headers["Content-Type"].startswith("text/calendar")
        calendar = icalendar.Calendar.from_ical(r.read())
    assert calendar["VERSION"] == "2.0"

    page.get_by_role("button", name="Revoke feed: My deadlines").click()
    expect(page.get_by_text("Feed revoked: its link no longer works.")).to_be_visible()


def test_an_i94_date_typed_on_the_profile_appears_as_a_deadline(page: Page):
    sign_in_to_dashboard(page, demo("attorney"))
    _open_case(page, "IOE0912345678")
    page.get_by_role("button", name="Edit profile of Lucia Fernanda Smith").click()
    page.get_by_label("I-94 admit until").fill("2027-09-30")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Saved: I-94 admit until.")).to_be_visible()
    page.get_by_role("tab", name="Deadlines").click()
    deadlines = page.get_by_role("region", name="Deadlines")
    expect(deadlines).to_contain_text("Lucia Fernanda Smith")
    expect(deadlines).to_contain_text("I-94 admit until 09/30/2027")
