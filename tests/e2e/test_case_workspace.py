"""Find a case by its receipt number, fix a detail of the client's profile, see it recorded."""

import re

from playwright.sync_api import Page, expect

from tests.e2e.conftest import run_in_app
from tests.e2e.flows import demo, sign_in_to_dashboard

RECEIPT = "IOE0912345678"  # on the demo marriage case

# A new marriage case of the demo attorney's for a client named argv[1], with argv[2] notes.
_MAKE_CASE = """
import sys
from sqlmodel import select
from immigration_app.models import User
from immigration_app.services.cases import MemberInput, add_note, open_case
from immigration_app.services.db import session_scope
from immigration_app.services.people import PersonInput
from immigration_app.services.users import viewer_of

with session_scope() as session:
    user = session.exec(select(User).where(User.email == "attorney@demo-firm.example")).one()
    attorney = viewer_of(user)
    case = open_case(
        session,
        actor=attorney,
        case_type="aos-marriage",
        members=[
            MemberInput("petitioner", new_person=PersonInput(sys.argv[1], "Dana")),
            MemberInput("beneficiary", new_person=PersonInput(sys.argv[1], "Rafael")),
        ],
        attorney_id=attorney.id,
    )
    for number in range(1, int(sys.argv[2]) + 1):
        add_note(session, actor=attorney, reference=case.reference, body=f"Call {number}")
    print(case.reference)
"""


def _new_case(family_name: str, notes: int = 0) -> str:
    return run_in_app(_MAKE_CASE, family_name, str(notes)).strip()


def test_search_by_receipt_open_the_case_edit_the_profile_and_see_it_on_the_timeline(page: Page):
    sign_in_to_dashboard(page, demo("attorney"))
    page.get_by_label("Search").fill("ioe-09-123-45678")
    cases = page.get_by_role("table", name="Open cases")
    expect(cases.get_by_role("row")).to_have_count(2)  # the header and the one match
    expect(page).to_have_url(re.compile(r"\?q=ioe-09-123-45678"))
    match = cases.get_by_role("row").nth(1)
    expect(match).to_contain_text("John Smith")
    expect(match).to_contain_text(RECEIPT)
    match.get_by_role("link").click()

    expect(page.get_by_role("heading", name="John Smith", level=1)).to_be_visible()
    page.get_by_role("button", name="Edit profile of Lucia Fernanda Smith").click()
    page.get_by_label("Phone").fill("312-555-0199")
    page.get_by_label("City of birth").fill("Guadalajara")
    page.get_by_label("Social Security number").fill("123-45-6789")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Saved: City of birth, Social Security number, Phone.")).to_be_visible()
    # Shown again, it is only ever the last four digits.
    page.get_by_role("button", name="Edit profile of Lucia Fernanda Smith").click()
    expect(page.get_by_label("Social Security number")).to_have_value("***-**-6789")
    page.get_by_role("button", name="Cancel").click()

    page.get_by_role("tab", name="Timeline").click()
    timeline = page.get_by_role("list", name="Case timeline")
    latest = timeline.get_by_role("listitem").first
    expect(latest).to_contain_text(
        "Lucia Fernanda Smith: City of birth, Social Security number, Phone changed"
    )
    expect(latest).to_contain_text("Phone: (empty) → 312-555-0199")
    expect(latest).to_contain_text("Social Security number: (empty) → ***-**-6789")
    expect(page.get_by_text("123-45-6789")).to_have_count(0)
    expect(latest).to_contain_text(demo("attorney").email)


def test_a_bookmarked_filtered_view_opens_as_it_was(page: Page):
    sign_in_to_dashboard(page, demo("attorney"))
    page.goto("/?show=overdue&sort=client&dir=asc")
    expect(page.get_by_label("Show")).to_have_value("overdue")
    rows = page.get_by_role("table", name="Open cases").get_by_role("row")
    expect(rows).to_have_count(2)
    expect(rows.nth(1)).to_contain_text("overdue")
    page.goto("/?show=nonsense&stage=%25%27&page=abc")
    expect(page.get_by_role("heading", name="Open cases", exact=True)).to_be_visible()
    expect(page.get_by_label("Show")).to_have_value("")


def test_a_note_is_added_and_rendered(page: Page):
    sign_in_to_dashboard(page, demo("paralegal"))
    page.get_by_role("table", name="Open cases").get_by_role("link").first.click()
    page.get_by_role("tab", name="Notes").click()
    page.get_by_label(re.compile("New note")).fill(
        "Called the client: **passport** arriving Friday."
    )
    page.get_by_role("button", name="Add note").click()
    notes = page.get_by_role("region", name="Notes")
    expect(notes.locator("strong")).to_have_text("passport")
    expect(notes).to_contain_text(demo("paralegal").full_name)


def test_moving_a_case_shows_on_its_timeline_and_in_the_waiting_filter(page: Page):
    sign_in_to_dashboard(page, demo("attorney"))
    page.get_by_label("Search").fill("Haile")
    cases = page.get_by_role("table", name="Open cases")
    expect(cases.get_by_role("row")).to_have_count(2)  # the header and Selam Haile's case
    cases.get_by_role("row").nth(1).get_by_role("link").click()
    expect(page.get_by_role("heading", name="Selam Haile", level=1)).to_be_visible()
    page.get_by_label("Stage", exact=True).select_option(label="Filed - pending")
    page.get_by_role("button", name="Move case").click()
    expect(page.locator("#stage-error")).to_contain_text("Mark the case as filed")

    page.get_by_label("Stage", exact=True).select_option(label="Collecting documents")
    page.get_by_role("button", name="Move case").click()
    expect(page.get_by_text("Stage changed.")).to_be_visible()
    page.get_by_role("tab", name="Timeline").click()
    expect(
        page.get_by_role("list", name="Case timeline").get_by_role("listitem").first
    ).to_contain_text("Moved from Intake to Collecting documents")

    page.goto("/?show=waiting_on_client")
    expect(page.get_by_role("table", name="Open cases")).to_contain_text("Selam Haile")


def test_a_long_timeline_shows_the_newest_events_and_older_ones_on_request(
    page: Page, app_url: str
):
    reference = _new_case("Lindqvist", notes=130)
    sign_in_to_dashboard(page, demo("attorney"))
    page.goto(f"/cases/{reference}?tab=timeline")
    events = page.get_by_role("list", name="Case timeline").get_by_role("listitem")
    expect(events).to_have_count(100)
    expect(events.first).to_contain_text("Note: Call 130")
    page.get_by_role("button", name="Show older events").click()
    expect(events).to_have_count(131)
    expect(events.last).to_contain_text("Case " + reference + " opened")
    expect(page.get_by_role("button", name="Show older events")).to_have_count(0)

    page.get_by_label("Show").select_option("case_opened")
    expect(events).to_have_count(1)


def test_the_priority_date_is_set_among_the_key_dates_and_recorded(page: Page, app_url: str):
    reference = _new_case("Oyelaran")
    sign_in_to_dashboard(page, demo("paralegal"))
    page.goto(f"/cases/{reference}")
    dates = page.get_by_role("region", name="Key dates")
    expect(dates).to_contain_text("Priority date")
    expect(dates).to_contain_text("Not set")
    page.get_by_label("Priority date (empty to clear)").fill("2019-03-15")
    page.get_by_role("button", name="Save priority date").click()
    expect(page.get_by_text("Priority date saved.")).to_be_visible()
    expect(dates).to_contain_text("03/15/2019")

    page.get_by_role("tab", name="Timeline").click()
    latest = page.get_by_role("list", name="Case timeline").get_by_role("listitem").first
    expect(latest).to_contain_text("Priority date: (empty) → 03/15/2019")
    expect(latest).to_contain_text(demo("paralegal").email)


def test_people_are_added_moved_and_taken_off_an_open_case(page: Page, app_url: str):
    reference = _new_case("Marsh")
    sign_in_to_dashboard(page, demo("attorney"))
    page.goto(f"/cases/{reference}")
    page.get_by_role("button", name="Add a person").click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_label("Their role on the case").select_option("derivative")
    dialog.get_by_role("tab", name="Enter a new person").click()
    dialog.get_by_label("Family name (last name)").fill("Marsh")
    dialog.get_by_label("Given name (first name)").fill("Tobias")
    dialog.get_by_role("button", name="Add new person").click()
    expect(page.get_by_text("document(s) are asked of them")).to_be_visible()
    expect(page.get_by_role("heading", name="Tobias Marsh")).to_be_visible()

    page.get_by_label("Role of Tobias Marsh", exact=True).select_option("joint_sponsor")
    page.get_by_role("button", name="Change the role of Tobias Marsh").click()
    expect(page.get_by_text(re.compile("^Role changed"))).to_be_visible()

    page.get_by_role("button", name="Take Dana Marsh off the case").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Take off the case").click()
    expect(page.get_by_role("alert").filter(has_text="the only petitioner")).to_be_visible()

    page.get_by_role("button", name="Take Tobias Marsh off the case").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Take off the case").click()
    expect(page.get_by_role("heading", name="Tobias Marsh")).to_have_count(0)
    page.get_by_role("tab", name="Timeline").click()
    events = page.get_by_role("list", name="Case timeline").get_by_role("listitem")
    expect(events.first).to_contain_text("Tobias Marsh (joint sponsor) taken off the case")
    expect(events.nth(1)).to_contain_text("Tobias Marsh is now joint sponsor (was derivative)")


def test_an_attorney_closes_a_case_which_leaves_the_open_list_and_reopens_it(page: Page):
    reference = _new_case("Closewell")
    sign_in_to_dashboard(page, demo("attorney"))
    page.goto(page.url.rstrip("/") + f"/cases/{reference}")
    expect(page.get_by_role("heading", name="Dana Closewell", level=1)).to_be_visible()
    page.get_by_role("button", name="Close case").click()
    dialog = page.get_by_role("dialog", name="Close this case")
    dialog.get_by_label("How the case ended").select_option("approved")
    dialog.get_by_label("Note (needed for Other)").fill("Green card received")
    dialog.get_by_role("button", name="Close the case").click()
    expect(page.get_by_text(re.compile(r"^Closed on \d\d/\d\d/\d{4}: Approved$"))).to_be_visible()
    expect(dialog).to_be_hidden()

    page.goto(page.url.split("/cases/")[0] + "/")
    page.get_by_label("Search").fill("Closewell")
    expect(page.get_by_role("heading", name="No cases match")).to_be_visible()
    page.get_by_label("Show").select_option("closed")
    expect(page.get_by_role("heading", name="Closed cases", level=1)).to_be_visible()
    expect(page).to_have_url(re.compile(r"show=closed"))
    closed = page.get_by_role("table", name="Closed cases")
    closed.get_by_role("link", name=reference).click()

    page.get_by_role("button", name="Reopen case").click()
    dialog = page.get_by_role("dialog", name="Reopen this case")
    dialog.get_by_label("Why it is reopened").fill("Client asks about citizenship")
    dialog.get_by_role("button", name="Reopen the case").click()
    expect(page.get_by_role("button", name="Close case")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Closed on "))).to_have_count(0)
