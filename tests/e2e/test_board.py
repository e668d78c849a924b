"""The board: drag a card to the next column, see the counts and the timeline; a refused move."""

import re

from playwright.sync_api import Page, expect

from tests.e2e.flows import demo, sign_in_to_dashboard


def _count(page: Page, column: str):
    return page.get_by_label(f"Cases in {column}", exact=True)


def test_drag_a_card_to_the_next_column_and_see_it_on_the_timeline(page: Page):
    sign_in_to_dashboard(page, demo("attorney"))
    page.get_by_role("link", name="Board").click()
    intake = page.get_by_role("region", name="Intake", exact=True)
    collecting = page.get_by_role("region", name="Collecting documents", exact=True)
    card = intake.get_by_role("listitem").first
    expect(card).to_be_visible()
    name = card.get_attribute("aria-label")
    before_intake = int(_count(page, "Intake").inner_text())
    before_collecting = int(_count(page, "Collecting documents").inner_text())

    card.drag_to(collecting)
    expect(page.get_by_text(re.compile(r"moved to Collecting documents"))).to_be_visible()
    expect(_count(page, "Intake")).to_have_text(str(before_intake - 1))
    expect(_count(page, "Collecting documents")).to_have_text(str(before_collecting + 1))
    expect(collecting.get_by_role("listitem", name=name)).to_be_visible()

    collecting.get_by_role("listitem", name=name).get_by_role("link").click()
    page.get_by_role("tab", name="Timeline").click()
    expect(
        page.get_by_role("list", name="Case timeline").get_by_role("listitem").first
    ).to_contain_text("Moved from Intake to Collecting documents")


def test_a_refused_move_says_why_and_the_card_stays(page: Page):
    sign_in_to_dashboard(page, demo("attorney"))
    page.get_by_role("link", name="Board").click()
    intake = page.get_by_role("region", name="Intake", exact=True)
    card = intake.get_by_role("listitem", name=re.compile("Selam Haile"))  # no receipt number
    reference = re.search(r"\((.+)\)", card.get_attribute("aria-label"))[1]
    page.get_by_label(f"Move {reference} to").select_option(label="Filed - pending")
    expect(page.get_by_text(re.compile("Mark the case as filed"))).to_be_visible()
    expect(
        page.get_by_role("region", name="Intake", exact=True).get_by_role(
            "listitem", name=re.compile(re.escape(reference))
        )
    ).to_be_visible()


def test_an_admin_renames_a_stage_and_the_board_follows(page: Page):
    sign_in_to_dashboard(page, demo("admin"))
    page.get_by_role("link", name="Board").click()
    settings = page.get_by_role("region", name="Stage settings")
    settings.get_by_label("Stage to rename").select_option(label="Decision")
    settings.get_by_label(re.compile("^New name")).fill("Decided")
    settings.get_by_role("button", name="Save stage").click()
    expect(page.get_by_role("region", name="Decided", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Decided", level=2)).to_be_visible()

    settings.get_by_label("Stage to rename").select_option(label="Decided")
    settings.get_by_label(re.compile("^New name")).fill("")
    settings.get_by_role("button", name="Save stage").click()
    expect(page.get_by_role("region", name="Decision", exact=True)).to_be_visible()
