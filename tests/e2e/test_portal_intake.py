"""The portal's questionnaire on a phone: answer About you, add an address, come back later."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Page, expect

from tests.e2e.flows import demo, sign_in_to_dashboard


def _about_you(page: Page) -> None:
    # The greeting comes with the portal's data: the page is live, a click will be heard.
    expect(page.get_by_role("heading", name=re.compile("^Hello"))).to_be_visible()
    page.get_by_role("tab", name="About you").click()
    expect(page.get_by_role("heading", name="About you", exact=True)).to_be_visible()


def _answers_are_kept(page: Page) -> None:
    about = page.get_by_role("region", name="About you", exact=True)
    expect(about.get_by_label("City or town of birth")).to_have_value("Leeds")
    expect(about.get_by_label("Country of birth", exact=True)).to_have_value("United Kingdom")
    expect(about.get_by_label("Phone", exact=True)).to_have_value("555-0142")
    lived = page.get_by_role("list", name="Where you have lived")
    expect(lived.get_by_role("listitem")).to_have_count(1)
    expect(lived.get_by_role("listitem")).to_contain_text("48 Harbor Rd, Boston, MA 02110")


def test_a_client_answers_about_you_and_an_address_and_finds_them_kept(
    phone: Page, page: Page, browser: Browser, app_url: str, portal_link
):
    reference, link = portal_link("h1b")
    phone.goto(link)
    _about_you(phone)

    about = phone.get_by_role("region", name="About you", exact=True)
    about.get_by_label("City or town of birth").fill("Leeds")
    about.get_by_label("Country of birth", exact=True).fill("United Kingdom")
    about.get_by_label("Phone", exact=True).fill("555-0142")
    about.get_by_label("A-number (if you have one)").fill("12")
    about.get_by_role("button", name="Save").click()
    expect(about.get_by_label("A-number (if you have one)")).to_have_accessible_description(
        "An A-number has 7 to 9 digits, for example A012345678."
    )
    about.get_by_label("A-number (if you have one)").fill("")
    about.get_by_role("button", name="Save").click()
    expect(about.get_by_role("status")).to_have_text("Saved. Thank you!")

    lived = phone.get_by_role("region", name="Where you have lived")
    lived.get_by_role("button", name="Add an address").click()
    lived.get_by_label("Street and number").fill("48 Harbor Rd")
    lived.get_by_label("City or town").fill("Boston")
    lived.get_by_label("State", exact=True).fill("MA")
    lived.get_by_label("ZIP or postal code").fill("02110")
    lived.get_by_label("From", exact=True).fill("2023-04-01")
    lived.get_by_label("I live here now").check()
    lived.get_by_role("button", name="Save").click()
    expect(lived.get_by_role("status")).to_have_text("Saved. Thank you!")
    expect(lived).to_contain_text("Please add where you lived from")
    _answers_are_kept(phone)

    # Stopped and came back later: the page reloaded, and a new visit on another phone.
    phone.reload()
    _about_you(phone)
    _answers_are_kept(phone)

    later = browser.new_context(base_url=app_url, viewport={"width": 360, "height": 780})
    try:
        again = later.new_page()
        again.set_default_timeout(20_000)
        again.goto(link)
        _about_you(again)
        _answers_are_kept(again)
    finally:
        later.close()

    # Staff see the answers on the case's Profile tab, marked as the client's.
    sign_in_to_dashboard(page, demo("attorney"))
    page.goto(f"/cases/{reference}")
    profile = page.get_by_role("tabpanel", name="Profile")
    expect(profile).to_contain_text(
        "Answered by the client in the portal: City of birth, Country of birth, Phone, Addresses"
    )
    addresses = profile.get_by_role("list", name="Addresses (last five years)")
    expect(addresses.filter(has_text="48 Harbor Rd, Boston, MA 02110")).to_have_count(1)
