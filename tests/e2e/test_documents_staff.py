"""Staff on a case's Documents tab: a portal link shown once, an upload for the client, review."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.flows import demo, sign_in_to_dashboard
from tests.files import pdf_bytes

DECLARATION = "Your written declaration"
HARM = "Evidence of the harm you suffered"


def _pdf(path: Path) -> Path:
    path.write_bytes(pdf_bytes())
    return path


def _upload_for_the_client(page: Page, title: str, pdf: Path) -> None:
    page.get_by_role("button", name=f"Upload for the client: {title}").click()
    dialog = page.get_by_role("dialog", name=f"Upload for the client: {title}")
    with page.expect_file_chooser() as chooser:
        dialog.get_by_role("button", name="Choose files").click()
    chooser.value.set_files(pdf)
    expect(dialog.get_by_text(pdf.name)).to_be_visible()
    dialog.get_by_role("button", name="Upload", exact=True).click()
    expect(dialog.get_by_role("status")).to_contain_text(f"{pdf.name}: Saved as the next version")
    dialog.get_by_role("button", name="Close").click()
    expect(dialog).to_be_hidden()


def test_staff_make_a_portal_link_upload_for_the_client_and_review(page: Page, tmp_path: Path):
    sign_in_to_dashboard(page, demo("attorney"))
    page.get_by_label("Search").fill("Haile")
    cases = page.get_by_role("table", name="Open cases")
    expect(cases.get_by_role("row")).to_have_count(2)
    cases.get_by_role("row").nth(1).get_by_role("link").click()
    page.get_by_role("tab", name="Documents").click()
    documents = page.get_by_role("region", name="Documents of Selam Haile")
    expect(documents.get_by_role("heading", name="Case evidence")).to_be_visible()

    # A portal link: its address is shown once, then only its row remains.
    portal = page.get_by_role("region", name="Client portal")
    portal.get_by_label("Person").select_option(label="Selam Haile (applicant)")
    portal.get_by_role("button", name="Create portal link").click()
    shown = page.get_by_role("dialog", name="Portal link for Selam Haile (applicant)")
    expect(shown.get_by_label("Portal link")).to_have_value(re.compile(r"/portal/[\w-]{40,}$"))
    expect(shown).to_contain_text("it will not be shown again")
    shown.get_by_role("button", name="Done").click()
    expect(shown).to_be_hidden()
    expect(portal.get_by_role("table", name="Portal links")).to_contain_text("active")
    expect(page.get_by_text(re.compile("/portal/"))).to_have_count(0)

    # A file the client brought in: uploaded for them, then accepted.
    _upload_for_the_client(page, DECLARATION, _pdf(tmp_path / "declaration.pdf"))
    files = documents.get_by_role("list", name=f"Files for {DECLARATION}")
    expect(files).to_contain_text("waiting for review")
    documents.get_by_role("button", name=f"Accept: {DECLARATION}").click()
    expect(page.get_by_text("Accepted.", exact=True)).to_be_visible()
    expect(files).to_contain_text("accepted")
    download = files.get_by_role(
        "link", name=re.compile(r"^Download .*_declaration_\d{8}_v1\.pdf$")
    )
    expect(download).to_be_visible()

    # Another is sent back: a reason is required, and it is what the client will read.
    _upload_for_the_client(page, HARM, _pdf(tmp_path / "harm.pdf"))
    documents.get_by_role("button", name=f"Reject: {HARM}").click()
    reject = page.get_by_role("dialog", name=f"Reject: {HARM}")
    reject.get_by_role("button", name="Send back to the client").click()
    expect(reject.get_by_text("Choose a reason or write one")).to_be_visible()
    reject.get_by_label("Reason", exact=True).select_option("cut_off")
    reject.get_by_role("button", name="Send back to the client").click()
    expect(reject).to_be_hidden()
    expect(documents).to_contain_text("Told the client: Part of the page is cut off.")
    expect(documents.get_by_role("button", name=f"Reject: {HARM}")).to_have_count(0)
