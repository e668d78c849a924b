"""The admin runs the team: adds a colleague, who can then sign in, and removes access."""

import re

from playwright.sync_api import Page, expect

from tests.e2e.flows import demo, sign_in, sign_in_to_dashboard, sign_out


def test_admin_adds_a_paralegal_who_can_then_sign_in_until_deactivated(page: Page):
    sign_in_to_dashboard(page, demo("admin"))
    page.get_by_role("link", name="Team").click()
    expect(page.get_by_role("heading", name="Team", exact=True)).to_be_visible()

    page.get_by_label("Full name").fill("Rosa Delgado")
    page.get_by_label("Email").fill("rosa@demo-firm.example")
    page.get_by_label("Role", exact=True).select_option(label="Paralegal")
    page.get_by_label("Temporary password (at least 12 characters)").fill("short")
    page.get_by_role("button", name="Add team member").click()
    expect(page.locator("#password-error")).to_have_text("Use at least 12 characters.")
    expect(page.get_by_label("Full name")).to_have_value("Rosa Delgado")

    page.get_by_label("Temporary password (at least 12 characters)").fill("rosa-temporary-2026")
    page.get_by_role("button", name="Add team member").click()
    members = page.get_by_role("table", name="Team members")
    rosa = members.get_by_role("row").filter(has_text="rosa@demo-firm.example")
    expect(rosa).to_contain_text("Active")
    expect(page.get_by_label("Full name")).to_have_value("")

    sign_out(page)
    sign_in(page, "rosa@demo-firm.example", "rosa-temporary-2026")
    expect(page.get_by_role("banner")).to_contain_text("Rosa Delgado")
    sign_out(page)

    sign_in_to_dashboard(page, demo("admin"))
    page.goto("/admin/team")
    rosa.get_by_role("button", name="Deactivate").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text("Deactivate Rosa Delgado?")
    dialog.get_by_role("button", name="Deactivate account").click()
    expect(rosa).to_contain_text("Deactivated")
    sign_out(page)

    sign_in(page, "rosa@demo-firm.example", "rosa-temporary-2026")
    expect(page.get_by_role("alert")).to_have_text("The email or password is not right.")


def test_a_paralegal_cannot_open_the_team_page(page: Page):
    sign_in_to_dashboard(page, demo("paralegal"))
    expect(page.get_by_role("link", name="Team")).to_have_count(0)
    page.goto("/admin/team")
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.get_by_text("Your role does not allow this.")).to_be_visible()
    expect(page.get_by_role("table", name="Team members")).to_have_count(0)


def test_admin_changes_the_date_format_and_dates_follow_it(page: Page):
    sign_in_to_dashboard(page, demo("admin"))
    page.get_by_role("link", name="Firm settings").click()
    expect(page.get_by_label("Firm name")).to_have_value(re.compile("Rivera & Chen"))
    page.get_by_label("Date format").select_option("YYYY-MM-DD")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Firm settings saved.")).to_be_visible()

    page.get_by_role("link", name="Cases", exact=True).click()
    first_row = page.get_by_role("table", name="Open cases").get_by_role("row").nth(1)
    expect(first_row).to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2}"))

    page.get_by_role("link", name="Firm settings").click()
    expect(page.get_by_label("Date format")).to_have_value("YYYY-MM-DD")
    page.get_by_label("Date format").select_option("MM/DD/YYYY")
    page.get_by_role("button", name="Save settings").click()
    # The first save's toast may still be showing, so prove this save through the dashboard.
    page.get_by_role("link", name="Cases", exact=True).click()
    expect(first_row).to_contain_text(re.compile(r"\d{2}/\d{2}/\d{4}"))
    page.get_by_role("link", name="Firm settings").click()
    expect(page.get_by_label("Date format")).to_have_value("MM/DD/YYYY")
