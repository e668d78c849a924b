"""An admin adds a document to a case type's checklist, and sets it back; others are refused."""

import re

from playwright.sync_api import Page, expect

from tests.e2e.flows import demo, sign_in_to_dashboard

NEW_CASES_ONLY = "Changes apply to cases opened from now on; open cases keep their checklist."


def test_an_admin_adds_an_item_and_goes_back_to_the_standard_list(page: Page):
    sign_in_to_dashboard(page, demo("admin"))
    page.get_by_role("link", name="Checklists").click()
    expect(page.get_by_role("heading", name="Checklists", exact=True)).to_be_visible()
    expect(page.get_by_text(NEW_CASES_ONLY)).to_be_visible()
    page.get_by_label("Case type").select_option(label="Naturalization (N-400)")
    applicant = page.get_by_role("region", name="Applicant", exact=True)
    expect(applicant.get_by_role("listitem", name="Green card, front and back")).to_be_visible()
    expect(page.get_by_text("Standard list", exact=True)).to_be_visible()

    applicant.get_by_role("button", name="Add an item for Applicant").click()
    applicant.get_by_label("Code", exact=True).fill("Lease!")
    applicant.get_by_role("button", name="Save item").click()
    expect(applicant.get_by_text(re.compile("^Use lowercase letters"))).to_be_visible()
    expect(applicant.get_by_text("Enter the title in English.")).to_be_visible()

    applicant.get_by_label("Code", exact=True).fill("lease")
    applicant.get_by_label("Section", exact=True).select_option(label="Case evidence")
    applicant.get_by_label("Title (English)").fill("Your current lease")
    applicant.get_by_label("Title (Spanish)").fill("Su contrato de alquiler actual")
    applicant.get_by_label("Photo", exact=True).uncheck()
    applicant.get_by_label(re.compile("^Goes stale after")).fill("90")
    applicant.get_by_role("button", name="Save item").click()
    expect(page.get_by_text(re.compile("^Saved Your current lease"))).to_be_visible()

    expect(page).to_have_url(re.compile(r"/admin/checklists\?type=n400-naturalization$"))
    page.reload()
    applicant = page.get_by_role("region", name="Applicant", exact=True)
    lease = applicant.get_by_role("listitem", name="Your current lease")
    expect(lease).to_be_visible()
    expect(lease.get_by_text("stale after 90 days")).to_be_visible()
    expect(lease.get_by_text("pdf", exact=True)).to_be_visible()
    expect(page.get_by_text("Edited by your firm")).to_be_visible()

    page.get_by_role("button", name="Back to the standard list").click()
    page.get_by_role("button", name="Use the standard list").click()
    expect(page.get_by_text("Standard list", exact=True)).to_be_visible()
    expect(applicant.get_by_role("listitem", name="Your current lease")).to_have_count(0)


def test_staff_who_are_not_admins_cannot_open_the_checklist_editor(page: Page):
    sign_in_to_dashboard(page, demo("paralegal"))
    expect(page.get_by_role("link", name="Checklists")).to_have_count(0)
    page.goto("/admin/checklists")
    expect(page.get_by_text("Your role does not allow this.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Add an item"))).to_have_count(0)
