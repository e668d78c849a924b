"""Staff keep a person's histories on the case's Profile tab: add, see, correct, remove."""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.e2e.flows import demo, sign_in_to_dashboard

MARRIAGE = "Priya Shah, married in Houston, TX, United States"
ADDRESS = "12 Main St, Houston, TX, United States"


def _open_ravi_patels_case(page: Page) -> None:
    sign_in_to_dashboard(page, demo("attorney"))
    page.get_by_label("Search").fill("Patel")
    cases = page.get_by_role("table", name="Open cases")
    expect(cases.get_by_role("row")).to_have_count(2)  # the header and the H-1B case
    cases.get_by_role("row").nth(1).get_by_role("link").click()
    expect(page.get_by_role("tab", name="Profile", selected=True)).to_be_visible()


def test_staff_add_a_marriage_and_an_address_correct_one_and_remove_one(page: Page):
    _open_ravi_patels_case(page)
    marriages = page.get_by_role("region", name="Marriages of Ravi Patel")
    addresses = page.get_by_role("region", name="Addresses (last five years) of Ravi Patel")
    expect(marriages).to_contain_text("None entered yet.")
    expect(addresses.get_by_text("No address from")).to_be_visible()  # five years to fill

    # A marriage, through its dialog.
    marriages.get_by_role("button", name="Add a marriage for Ravi Patel").click()
    dialog = page.get_by_role("dialog", name="Add a marriage for Ravi Patel")
    dialog.get_by_label("Spouse's family name").fill("Shah")
    dialog.get_by_label("Spouse's given name").fill("Priya")
    dialog.get_by_label("Date of marriage").fill("2021-05-20")
    dialog.get_by_label("Place of marriage (City, State/Province, Country)").fill(
        "Houston, TX, United States"
    )
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()
    listed = marriages.get_by_role("list", name="Marriages of Ravi Patel")
    expect(listed).to_contain_text(MARRIAGE)
    expect(listed).to_contain_text("05/20/2021 to now")

    # An address: what is missing is said beside its field, then it is saved.
    addresses.get_by_role("button", name="Add an address for Ravi Patel").click()
    dialog = page.get_by_role("dialog", name="Add an address for Ravi Patel")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog.locator("#history_street-error")).to_have_text("This is required.")
    dialog.get_by_label("Street and number").fill("12 Main St")
    dialog.get_by_label("City or town").fill("Houston")
    dialog.get_by_label("State", exact=True).fill("TX")
    moved_in = date.today() - timedelta(days=400)
    dialog.get_by_label("From", exact=True).fill(moved_in.isoformat())
    dialog.get_by_label("Lives here now (leave To empty)").check()
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()
    expect(addresses.get_by_role("list")).to_contain_text(ADDRESS)
    day_before = moved_in - timedelta(days=1)
    expect(addresses.get_by_text("No address from")).to_contain_text(f"to {day_before:%m/%d/%Y}")

    # Corrected: the dialog opens with what is stored.
    addresses.get_by_role("button", name=f"Edit: {ADDRESS}").click()
    dialog = page.get_by_role("dialog", name="Edit the address of Ravi Patel")
    expect(dialog.get_by_label("City or town")).to_have_value("Houston")
    dialog.get_by_label("City or town").fill("Dallas")
    dialog.get_by_role("button", name="Save").click()
    expect(dialog).to_be_hidden()
    expect(addresses.get_by_role("list")).to_contain_text("12 Main St, Dallas, TX, United States")

    # Removed, once confirmed; kept when not.
    marriages.get_by_role("button", name=f"Remove: {MARRIAGE}").click()
    question = page.get_by_role("alertdialog", name="Remove this marriage?")
    question.get_by_role("button", name="Keep it").click()
    expect(question).to_be_hidden()
    expect(listed).to_contain_text(MARRIAGE)
    marriages.get_by_role("button", name=f"Remove: {MARRIAGE}").click()
    question.get_by_role("button", name="Remove").click()
    expect(question).to_be_hidden()
    expect(marriages).to_contain_text("None entered yet.")

    page.get_by_role("tab", name="Timeline").click()
    timeline = page.get_by_role("list", name="Case timeline")
    expect(timeline.get_by_role("listitem").first).to_contain_text(
        f"Removed a marriage for Ravi Patel: {MARRIAGE}"
    )
    expect(timeline).to_contain_text("City: Houston → Dallas")
