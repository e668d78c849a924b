"""An admin rewords a Spanish client message; a placeholder that does not exist is refused."""

import re

from playwright.sync_api import Page, expect

from tests.e2e.flows import demo, sign_in_to_dashboard


def test_an_admin_rewords_the_spanish_status_note(page: Page):
    sign_in_to_dashboard(page, demo("admin"))
    page.get_by_role("link", name="Message templates").click()
    page.get_by_role("button", name="Edit client_no_update (es)").click()
    page.get_by_label("Subject").fill("Novedades de su caso, {nombre}")
    page.get_by_role("button", name="Save template").click()
    expect(page.get_by_text(re.compile(r"Unknown placeholder \{nombre\}"))).to_be_visible()

    page.get_by_label("Subject").fill("Su caso sigue en trámite, {client_name}")
    page.get_by_role("button", name="Save template").click()
    expect(page.get_by_text("Template saved; new messages use it.")).to_be_visible()
    expect(page.get_by_text("Su caso sigue en trámite, {client_name}")).to_be_visible()
    expect(page.get_by_text("edited", exact=True)).to_have_count(1)


def test_staff_who_are_not_admins_cannot_open_the_templates(page: Page):
    sign_in_to_dashboard(page, demo("paralegal"))
    expect(page.get_by_role("link", name="Message templates")).to_have_count(0)
    page.goto("/admin/messages")
    expect(page.get_by_text("Your role does not allow this.")).to_be_visible()
    expect(page.get_by_role("button", name=re.compile("^Edit "))).to_have_count(0)
