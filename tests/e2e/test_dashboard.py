"""The case list on the dashboard, as staff type into it and sort it."""

import re

from playwright.sync_api import Page, expect

from tests.e2e.flows import demo, sign_in_to_dashboard

ATTORNEY = demo("attorney")


def test_a_pause_after_a_space_keeps_what_was_typed_in_the_search_box(page: Page):
    sign_in_to_dashboard(page, ATTORNEY)
    search = page.get_by_label("Search", exact=True)
    search.press_sequentially("perez ")
    expect(page).to_have_url(re.compile(r"q=perez"))  # the search has run
    page.wait_for_timeout(1000)  # well past the box's 350 ms pause
    search.press_sequentially("j")
    expect(search).to_have_value("perez j")
    page.wait_for_timeout(1000)
    expect(search).to_have_value("perez j")


def test_the_missing_documents_column_sorts(page: Page):
    sign_in_to_dashboard(page, ATTORNEY)
    page.get_by_role("button", name="Sort by missing docs").click()
    header = page.get_by_role("columnheader").filter(has_text="Missing docs")
    expect(header).to_have_attribute("aria-sort", "ascending")
