"""Steps that several browser tests take, written as a person would do them."""

from playwright.sync_api import Page, expect

from immigration_app.services.demo import DEMO_SIGN_INS, DemoSignIn


def demo(role: str) -> DemoSignIn:
    return next(entry for entry in DEMO_SIGN_INS if entry.role == role)


def sign_in(page: Page, email: str, password: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def sign_in_to_dashboard(page: Page, who: DemoSignIn) -> None:
    sign_in(page, who.email, who.password)
    expect(page.get_by_role("heading", name="Open cases", exact=True)).to_be_visible()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
