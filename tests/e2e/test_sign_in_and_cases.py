"""A member of staff signs in, opens a case and finds it: through the real UI."""

import re

from playwright.sync_api import Page, expect

from tests.e2e.flows import demo, sign_in, sign_in_to_dashboard, sign_out

PARALEGAL = demo("paralegal")


def test_paralegal_signs_in_opens_a_case_and_sees_it_on_the_dashboard(page: Page):
    sign_in_to_dashboard(page, PARALEGAL)
    expect(page.get_by_role("banner")).to_contain_text(PARALEGAL.full_name)

    page.get_by_role("link", name="New case").first.click()
    expect(page.get_by_role("heading", name="Open a new case")).to_be_visible()
    page.get_by_label("Case type").select_option(label="Naturalization (N-400)")
    page.get_by_role("tab", name="Enter a new person").click()
    page.get_by_label("Family name (last name)").fill("Okonkwo")
    page.get_by_label("Given name (first name)").fill("Chidi")
    page.get_by_label("Date of birth").fill("1985-03-14")
    page.get_by_label("Preferred language").select_option(label="Spanish (Español)")
    page.get_by_role("button", name="Add new person").click()
    people = page.get_by_role("list", name="People on the case")
    expect(people).to_contain_text("Chidi Okonkwo (new)")
    page.get_by_role("button", name="Create case").click()

    expect(page).to_have_url(re.compile(r"/cases/\d{4}-\d{4}/?$"))
    expect(page.get_by_role("heading", name="Chidi Okonkwo", level=1)).to_be_visible()
    reference = page.url.rstrip("/").rsplit("/", 1)[-1]
    page.get_by_role("tab", name="Timeline").click()
    timeline = page.get_by_role("list", name="Case timeline")
    expect(timeline).to_contain_text(f"Case {reference} opened: Naturalization (N-400)")
    expect(timeline).to_contain_text(PARALEGAL.email)

    page.get_by_role("link", name="Cases", exact=True).click()
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=reference))
    expect(row).to_contain_text("Chidi Okonkwo")
    expect(row).to_contain_text("Naturalization (N-400)")
    expect(row).to_contain_text(PARALEGAL.full_name)


def test_wrong_password_shows_an_error_and_stays_on_sign_in(page: Page):
    sign_in(page, PARALEGAL.email, "not-the-right-password")
    expect(page.get_by_role("alert")).to_have_text("The email or password is not right.")
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.get_by_label("Email")).to_have_value(PARALEGAL.email)


def test_signed_out_visit_to_a_case_page_lands_on_sign_in(page: Page):
    page.goto("/cases/2026-0001")
    expect(page).to_have_url(re.compile(r"/login\?next=/cases/2026-0001"))
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()


def test_sign_in_returns_to_the_page_asked_for(page: Page):
    page.goto("/cases/new")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Email").fill(PARALEGAL.email)
    page.get_by_label("Password").fill(PARALEGAL.password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Open a new case")).to_be_visible()


def test_server_side_errors_appear_next_to_the_field_and_typed_data_stays(page: Page):
    sign_in_to_dashboard(page, PARALEGAL)
    page.goto("/cases/new")
    expect(page.get_by_role("heading", name="Open a new case")).to_be_visible()
    page.get_by_label("Case type").select_option(label="Affirmative asylum (I-589)")
    page.get_by_role("tab", name="Enter a new person").click()
    page.get_by_label("Family name (last name)").fill("Silva")
    page.get_by_label("Given name (first name)").fill("Ana")
    page.get_by_label("A-number").fill("12")
    page.get_by_role("button", name="Add new person").click()

    expect(page.locator("#a_number-error")).to_contain_text("7 to 9 digits")
    expect(page.get_by_label("Family name (last name)")).to_have_value("Silva")
    page.get_by_role("button", name="Create case").click()
    expect(page.locator("#members-error")).to_have_text("Add the applicant (the firm's client).")
    expect(page).to_have_url(re.compile(r"/cases/new/?$"))


def test_sign_out_ends_the_session(page: Page):
    sign_in_to_dashboard(page, PARALEGAL)
    sign_out(page)
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login"))
