"""An admin imports USCIS's published processing times from CSV and sees the lines."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.flows import demo, sign_in_to_dashboard

HEADER = "Form,Form Category,Field Office or Service Center,80th percentile,Publication Date\n"
LINES = (
    "I-130,Permanent resident filing for a spouse or child under 21,"
    "Potomac Service Center,35.5 Months,11/20/2025\n"
    "I-485,Family-based adjustment applications,National Benefits Center,10 Months,11/20/2025\n"
    "I-485,Family-based adjustment applications,Chicago IL,9.5 Months,11/20/2025\n"
)


def _import(page: Page, csv_file: Path) -> None:
    panel = page.get_by_role("region", name="Import processing times")
    with page.expect_file_chooser() as chooser:
        panel.get_by_role("button", name="Choose a CSV file").click()
    chooser.value.set_files(csv_file)
    expect(panel.get_by_text(csv_file.name)).to_be_visible()
    panel.get_by_role("button", name="Import", exact=True).click()


def test_an_admin_imports_processing_times_and_sees_the_lines(page: Page, tmp_path: Path):
    sign_in_to_dashboard(page, demo("admin"))
    page.get_by_role("link", name="Processing times").click()
    expect(page.get_by_role("heading", name="Processing times", exact=True)).to_be_visible()
    expect(page.get_by_text("No processing times are imported yet.")).to_be_visible()
    panel = page.get_by_role("region", name="Import processing times")

    # A file with a bad row is refused whole, the row named.
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + LINES + "N-400,Naturalization,Chicago IL,-3,11/20/2025\n")
    _import(page, bad)
    alert = panel.get_by_role("alert")
    expect(alert).to_contain_text("Nothing was imported")
    expect(alert).to_contain_text("Row 5: the months must be more than 0")
    expect(page.get_by_role("table", name="Processing times")).to_have_count(0)

    good = tmp_path / "uscis-november.csv"
    good.write_text(HEADER + LINES, encoding="utf-8-sig")
    _import(page, good)
    expect(panel.get_by_role("status")).to_contain_text(
        "Imported 3 lines for 2 forms: 3 new, 0 updated, 0 unchanged."
    )
    table = page.get_by_role("table", name="Processing times")
    expect(table.get_by_role("row")).to_have_count(4)  # the header and 3 lines
    potomac = table.get_by_role("row").filter(has_text="Potomac Service Center")
    expect(potomac).to_contain_text("I-130")
    expect(potomac).to_contain_text("35.5")
    expect(potomac).to_contain_text("11/20/2025")

    page.get_by_label("Form", exact=True).select_option("I-485")
    expect(table.get_by_role("row")).to_have_count(3)
    expect(table).not_to_contain_text("Potomac")

    # Importing the same file again changes nothing.
    _import(page, good)
    expect(panel.get_by_role("status")).to_contain_text("0 new, 0 updated, 3 unchanged.")

    page.get_by_role("link", name="Show them on the dashboard").click()
    expect(page).to_have_url(re.compile(r"show=past_processing_time"))
    expect(page.get_by_label("Show")).to_have_value("past_processing_time")


def test_staff_see_a_receipts_estimate_and_the_case_past_its_time(page: Page, tmp_path: Path):
    sign_in_to_dashboard(page, demo("admin"))
    page.goto("/admin/processing-times")
    published = tmp_path / "uscis.csv"
    published.write_text(HEADER + LINES)
    _import(page, published)
    panel = page.get_by_role("region", name="Import processing times")
    expect(panel.get_by_role("status")).to_contain_text("Imported 3 lines")

    page.goto("/")
    page.get_by_label("Search").fill("Smith")
    cases = page.get_by_role("table", name="Open cases")
    expect(cases.get_by_role("row")).to_have_count(2)
    cases.get_by_role("row").nth(1).get_by_role("link").first.click()
    page.get_by_label("Add a receipt number").fill("MSC2590012345")
    page.get_by_label("Form (e.g. I-130)").fill("I-485")
    page.get_by_role("button", name="Add receipt number").click()
    expect(page.get_by_text("MSC2590012345").first).to_be_visible()

    page.get_by_role("tab", name="USCIS").click()
    section = page.get_by_role("region", name="Processing time")
    expect(section).to_contain_text("Add the date USCIS received it")
    section.locator("#processing-line-MSC2590012345").select_option(
        label="Family-based adjustment applications · National Benefits Center"
    )
    section.locator("#processing-received-MSC2590012345").fill("2025-06-02")
    section.get_by_role("button", name="Save the processing of receipt MSC2590012345").click()
    expect(section).to_contain_text(
        "Cases like yours are typically decided within 10 months of receipt; yours was "
        "received on 06/02/2025, so most likely by 04/02/2026."
    )
    expect(section).to_contain_text("published 11/20/2025")
    expect(section).to_contain_text("Past the published processing time")

    page.goto("/?show=past_processing_time")
    expect(page.get_by_role("table", name="Open cases")).to_contain_text("Smith")
