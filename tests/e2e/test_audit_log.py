"""The admin searches the audit log; the view lives in the address, and exports the same rows."""

import re

from playwright.sync_api import Page, expect

from tests.e2e.flows import demo, sign_in_to_dashboard


def test_admin_filters_the_audit_log_and_the_view_is_in_the_address(page: Page):
    sign_in_to_dashboard(page, demo("admin"))
    page.get_by_role("link", name="Audit log").click()
    expect(page.get_by_role("heading", name="Audit log", exact=True)).to_be_visible()
    log = page.get_by_role("table", name="Audit log")
    expect(log).to_contain_text("sign_in")

    page.get_by_label("Kind").select_option("sign_in")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"/admin/audit\?kind=sign_in$"))
    expect(page.get_by_role("link", name="Export CSV")).to_have_attribute(
        "href", "/api/audit.csv?kind=sign_in"
    )
    kinds = log.locator("tbody td:nth-child(4)")
    expect(kinds.filter(has_not_text=re.compile(r"^sign_in$"))).to_have_count(0)
    expect(kinds.first).to_have_text("sign_in")

    page.reload()  # a bookmarked view opens as it was
    expect(page.get_by_label("Kind")).to_have_value("sign_in")
    page.get_by_role("button", name="Clear filters").click()
    expect(page).to_have_url(re.compile(r"/admin/audit$"))


def test_a_paralegal_cannot_open_the_audit_log(page: Page):
    sign_in_to_dashboard(page, demo("paralegal"))
    expect(page.get_by_role("link", name="Audit log")).to_have_count(0)
    page.goto("/admin/audit")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_role("table", name="Audit log")).to_have_count(0)
