"""Two-step sign-in in the browser: set it up from the account page, sign in with a code or a
recovery code, and an admin resets it for someone who lost their phone."""

import uuid

from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import run_in_app
from tests.e2e.flows import demo, sign_in, sign_in_to_dashboard, sign_out
from tests.two_step import code_for

PASSWORD = "two-step-password-2026"


_CREATE_PARALEGAL = """
import sys
from immigration_app.services.db import session_scope
from immigration_app.services.users import create_user

with session_scope() as session:
    create_user(
        session, email=sys.argv[1], full_name=sys.argv[2], role="paralegal",
        password=sys.argv[3], actor=None,
    )
"""


def _new_paralegal(app_url: str) -> tuple[str, str]:
    """A colleague no other browser test signs in as, so their two-step stays theirs."""
    email = f"two-step-{uuid.uuid4().hex[:8]}@demo-firm.example"
    name = f"Tomas Twostep {email[9:13]}"
    run_in_app(_CREATE_PARALEGAL, email, name, PASSWORD)
    return email, name


def _dashboard(page: Page) -> None:
    expect(page.get_by_role("heading", name="Open cases", exact=True)).to_be_visible()


def test_staff_member_sets_up_two_step_and_signs_in_with_code_or_recovery_code(
    page: Page, app_url: str
):
    email, name = _new_paralegal(app_url)
    sign_in(page, email, PASSWORD)
    _dashboard(page)

    page.get_by_role("link", name="Your account").click()
    expect(page.get_by_role("heading", name="Two-step sign-in")).to_be_visible()
    page.get_by_role("button", name="Set up two-step sign-in").click()
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    secret = page.locator("#setup-key").inner_text().replace(" ", "")
    assert len(secret) >= 16

    page.get_by_label("Code from your authenticator app").fill("000000")
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.locator("#code-error")).to_contain_text("not right")
    page.get_by_label("Code from your authenticator app").fill(code_for(secret))
    page.get_by_role("button", name="Turn on two-step sign-in").click()

    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    recovery_code = codes.first.inner_text().strip()
    page.get_by_role("button", name="I have saved my recovery codes").click()
    expect(page.get_by_text("Recovery codes left:")).to_contain_text("10")
    sign_out(page)

    # The password alone no longer gets in: the page asks for the code.
    sign_in(page, email, PASSWORD)
    expect(page.get_by_role("heading", name="Two-step sign-in")).to_be_visible()
    code_box = page.get_by_label("Authentication code or recovery code")
    code_box.fill("123456")
    page.get_by_role("button", name="Verify and sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("not right")
    code_box.fill(code_for(secret, steps_ahead=1))
    page.get_by_role("button", name="Verify and sign in").click()
    _dashboard(page)
    sign_out(page)

    sign_in(page, email, PASSWORD)
    page.get_by_label("Authentication code or recovery code").fill(recovery_code)
    page.get_by_role("button", name="Verify and sign in").click()
    _dashboard(page)
    sign_out(page)

    # Lost phone: an admin resets it, and the password alone signs in again.
    sign_in_to_dashboard(page, demo("admin"))
    page.goto("/admin/team")
    row = page.get_by_role("row").filter(has_text=email)
    expect(row.get_by_text("On", exact=True)).to_be_visible()
    row.get_by_role("button", name=f"Reset two-step sign-in of {name}").click()
    dialog = page.get_by_role("alertdialog")
    expect(dialog).to_contain_text(f"Reset two-step sign-in of {name}?")
    dialog.get_by_role("button", name="Reset two-step sign-in").click()
    expect(row.get_by_text("Off", exact=True)).to_be_visible()
    sign_out(page)

    sign_in(page, email, PASSWORD)
    _dashboard(page)


def test_when_the_firm_requires_two_step_staff_set_it_up_before_they_get_in(
    page: Page, browser: Browser, app_url: str
):
    email, _ = _new_paralegal(app_url)
    # The admin stays signed in in a browser of their own: with the rule on, a new sign-in of
    # theirs would have to set up two-step as well, and the rule must go off again after.
    admin_context = browser.new_context(base_url=app_url, viewport={"width": 1280, "height": 900})
    admin_context.set_default_timeout(20_000)
    admin = admin_context.new_page()
    sign_in_to_dashboard(admin, demo("admin"))
    admin.goto("/admin/firm")
    rule = admin.get_by_role("switch", name="Require two-step sign-in for all staff")
    expect(rule).not_to_be_checked()
    rule.click()
    expect(rule).to_be_checked()
    try:
        sign_in(page, email, PASSWORD)
        expect(page.get_by_role("heading", name="Set up two-step sign-in")).to_be_visible()
        expect(page.get_by_role("heading", name="Open cases", exact=True)).to_have_count(0)
        secret = page.locator("#setup-key").inner_text().replace(" ", "")
        page.get_by_label("Code from your authenticator app").fill(code_for(secret))
        page.get_by_role("button", name="Turn on and sign in").click()
        codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
        expect(codes).to_have_count(10)
        page.get_by_role("button", name="I have saved my recovery codes").click()
        _dashboard(page)
        sign_out(page)
        # From now on the code is asked for, as of anyone who set it up themselves.
        sign_in(page, email, PASSWORD)
        expect(page.get_by_role("heading", name="Two-step sign-in")).to_be_visible()
    finally:
        if rule.is_checked():
            rule.click()
        expect(rule).not_to_be_checked()
        admin_context.close()
