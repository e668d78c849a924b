"""An admin loads a real USCIS form and maps a field; staff fill it on a case and see the checks.

The forms are the genuine PDFs in ../shared/forms (test material, read from there)."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.flows import demo, sign_in_to_dashboard
from tests.form_profiles import FORMS_DIR, needs_real_forms

pytestmark = needs_real_forms
I765 = "Form I-765, edition 08/21/25"
CITY_OF_BIRTH = "Line18b_CityTownOfBirth[0]"  # left to staff by the standard map


def _load(page: Page, pdf: Path) -> None:
    panel = page.get_by_role("region", name="Load a form")
    with page.expect_file_chooser() as chooser:
        panel.get_by_role("button", name="Choose a PDF").click()
    chooser.value.set_files(pdf)
    expect(panel.get_by_text(pdf.name)).to_be_visible()
    panel.get_by_role("button", name="Load form").click()


def test_an_admin_loads_and_maps_a_form_then_staff_fill_it_on_a_case(page: Page, tmp_path: Path):
    sign_in_to_dashboard(page, demo("admin"))
    page.get_by_role("link", name="Form library").click()
    expect(page.get_by_role("heading", name="Form library", exact=True)).to_be_visible()
    expect(page.get_by_text("No form is loaded yet.")).to_be_visible()

    # A file that only calls itself a PDF is refused with the reason.
    fake = tmp_path / "notes.pdf"
    fake.write_text("Bring the passport on Monday.")
    panel = page.get_by_role("region", name="Load a form")
    _load(page, fake)
    expect(panel.get_by_role("alert")).to_contain_text("not a PDF")

    _load(page, FORMS_DIR / "i-765.pdf")
    expect(panel.get_by_role("status")).to_contain_text(f"Loaded {I765}")
    library = page.get_by_role("table", name="Form library")
    row = library.get_by_role("row").filter(has_text="08/21/25")
    expect(row).to_contain_text("I-765")
    expect(row.get_by_text("Current", exact=True)).to_be_visible()
    expect(row.get_by_role("button", name=f"Remove {I765}")).to_be_visible()

    # The standard map leaves the city of birth to staff: the firm maps it.
    row.get_by_role("link", name=f"Field map of {I765}").click()
    expect(page.get_by_role("heading", name=f"Field map: {I765}")).to_be_visible()
    page.get_by_label("Search fields").fill("Line18b_CityTownOfBirth")
    fields = page.get_by_role("table", name="Fields of Form I-765")
    expect(fields.get_by_role("row")).to_have_count(2)
    expect(fields).to_contain_text("Left to staff")
    fields.get_by_role("button", name=f"Edit {CITY_OF_BIRTH}").click()
    dialog = page.get_by_role("dialog", name=f"Field {CITY_OF_BIRTH}")
    dialog.get_by_label("Profile key").fill("applicant.city_of_birth")
    dialog.get_by_role("button", name="Save").click()
    expect(page.get_by_text(f"Saved: {CITY_OF_BIRTH} is filled from")).to_be_visible()
    expect(dialog).to_be_hidden()
    expect(fields).to_contain_text("Mapped")
    expect(fields).to_contain_text("applicant.city_of_birth")

    # The DACA renewal files Form I-765: fill it on the demo case.
    page.goto("/")
    page.get_by_label("Search").fill("Hernandez")
    cases = page.get_by_role("table", name="Open cases")
    expect(cases.get_by_role("row")).to_have_count(2)
    cases.get_by_role("row").nth(1).get_by_role("link").click()
    page.get_by_role("tab", name="Forms").click()
    forms = page.get_by_role("table", name="Forms of this case")
    i765 = forms.get_by_role("row").filter(has_text="I-765").filter(has_text="08/21/25")
    expect(forms.get_by_role("row").filter(has_text="I-821D")).to_contain_text("Not in the library")
    i765.get_by_role("button", name="Fill: I-765").click()
    expect(page.get_by_role("status", name="Fill results")).to_contain_text(
        "Form I-765: Filled as version 1."
    )
    expect(i765).to_contain_text("v1")
    view = i765.get_by_role("link", name=re.compile(r"^View Form I-765 version 1"))
    expect(view).to_have_attribute("href", re.compile(r"^/api/filled-forms/\d+$"))
    expect(i765.get_by_role("button", name="Fill again: I-765")).to_be_visible()

    checks = page.get_by_role("region", name="Checks before review")
    expect(
        checks.get_by_text(re.compile(r"(keeps? this case out of review|ready for review)"))
    ).to_be_visible()
    expect(checks.get_by_role("list", name="Findings")).to_contain_text("Form I-765")


def test_staff_who_are_not_admins_cannot_open_the_form_library(page: Page):
    sign_in_to_dashboard(page, demo("paralegal"))
    expect(page.get_by_role("link", name="Form library")).to_have_count(0)
    page.goto("/admin/forms")
    expect(page.get_by_text("Your role does not allow this.")).to_be_visible()
    expect(page.get_by_role("button", name="Load form")).to_have_count(0)
