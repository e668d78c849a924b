"""The client portal on a phone: open the link, read it in Spanish, send documents."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.e2e.flows import demo, sign_in_to_dashboard
from tests.files import jpeg_bytes, pdf_bytes


def _jpeg(path: Path) -> Path:
    path.write_bytes(jpeg_bytes(800, 1000))
    return path


def _pdf(path: Path) -> Path:
    path.write_bytes(pdf_bytes())
    return path


def _choose_files(page: Page, button: str, files: list[Path]) -> None:
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name=button).click()
    chooser.value.set_files(files)


def test_a_client_reads_the_case_in_spanish_and_sends_a_photo_and_a_pdf(
    phone: Page, page: Page, portal_link, tmp_path: Path
):
    reference, link = portal_link("daca-renewal")
    phone.goto(link)
    # The demo's DACA client chose Spanish before: the portal opens in it.
    expect(phone.get_by_role("heading", name=re.compile("^Hola"))).to_be_visible()
    phone.get_by_role("button", name="English").click()
    expect(phone.get_by_role("heading", name=re.compile("^Hello"))).to_be_visible()
    expect(phone.get_by_role("heading", name="Your documents")).to_be_visible()
    title_in_english = phone.get_by_role("group").first.get_by_role("heading").inner_text()

    phone.get_by_role("button", name="Español").click()
    expect(phone.get_by_role("heading", name="Sus documentos")).to_be_visible()
    expect(phone.get_by_role("heading", name="Cómo va su caso")).to_be_visible()

    first_item = phone.get_by_role("group").first
    title = first_item.get_by_role("heading").inner_text()
    first_item.get_by_role("button", name=re.compile("^Enviar este documento")).click()
    expect(phone.get_by_role("heading", name=f"Enviar: {title}")).to_be_visible()

    exe = tmp_path / "factura.pdf"
    exe.write_bytes(b"MZ\x90\x00" + b"\x00" * 4096)
    _choose_files(
        phone,
        "Elegir archivos",
        [_jpeg(tmp_path / "pasaporte.jpg"), _pdf(tmp_path / "página 2.pdf"), exe],
    )
    expect(phone.get_by_text("pasaporte.jpg")).to_be_visible()
    phone.get_by_role("button", name="Enviar ahora").click()

    results = phone.get_by_role("status")
    expect(results.get_by_text("Recibido", exact=True)).to_have_count(2)
    expect(results.get_by_text("No se envió")).to_have_count(0)
    expect(results.get_by_text(re.compile("no es un PDF ni una foto"))).to_be_visible()
    expect(phone.get_by_role("progressbar", name="Enviando…")).to_have_attribute(
        "aria-valuenow", "100"
    )

    phone.get_by_role("button", name="Volver a mis documentos").click()
    sent = phone.get_by_role("group", name=title)
    expect(sent.get_by_text("Recibido: lo estamos revisando")).to_be_visible()
    expect(sent.get_by_role("button", name=re.compile("^Agregar más páginas"))).to_be_visible()

    # Staff send it back with a standard reason; the client reads it in Spanish.
    sign_in_to_dashboard(page, demo("attorney"))
    page.get_by_label("Search").fill(reference)
    page.get_by_role("table", name="Open cases").get_by_role("link", name=reference).click()
    page.get_by_role("tab", name="Documents").click()
    page.get_by_role("button", name=f"Reject: {title_in_english}").click()
    reject = page.get_by_role("dialog", name=f"Reject: {title_in_english}")
    reject.get_by_label("Reason", exact=True).select_option("unreadable")
    reject.get_by_role("button", name="Send back to the client").click()
    expect(reject).to_be_hidden()

    # The choice of language is kept: the next visit opens in Spanish, with the reason.
    phone.reload()
    expect(phone.get_by_role("heading", name="Sus documentos")).to_be_visible()
    returned = phone.get_by_role("group", name=title)
    expect(returned.get_by_text("Por favor, envíelo de nuevo")).to_be_visible()
    expect(returned.get_by_role("alert")).to_contain_text("No pudimos leerlo")


def test_a_made_up_link_says_what_to_do(phone: Page, app_url: str):
    phone.goto("/portal/" + "A" * 43)
    expect(phone.get_by_role("alert")).to_contain_text("ask our office for a new one")
