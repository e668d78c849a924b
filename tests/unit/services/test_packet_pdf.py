"""The filing packet PDF: parts in order behind an index and tabs, Letter pages, page numbers,
bookmarks, flattened forms, and refusals that name the exhibit."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.pdfgen.canvas import Canvas

from immigration_app.services.packet_pdf import (
    PacketPart,
    PacketRefused,
    assemble_packet,
    exhibit_letter,
)
from immigration_app.services.pdf_forms import fill_pdf, read_blank_form
from tests.files import jpeg_bytes
from tests.form_profiles import FORMS_DIR, needs_real_forms

PDF = "application/pdf"


def document(*texts: str, size: tuple[float, float] = LETTER) -> bytes:
    """A PDF with one page per text, the text near the bottom left."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=size)
    for text in texts:
        canvas.drawString(72, 72, text)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def pdf_part(kind: str, title: str, *texts: str) -> PacketPart:
    return PacketPart(kind, title, document(*texts), PDF)


def pages_of(data: bytes) -> list:
    return list(PdfReader(io.BytesIO(data)).pages)


def texts_of(data: bytes) -> list[str]:
    return [page.extract_text() for page in pages_of(data)]


def sample_parts() -> list[PacketPart]:
    return [
        pdf_part("letter", "Cover letter", "Dear officer"),
        pdf_part("form", "Form I-130", "I-130 page one", "I-130 page two"),
        PacketPart("exhibit", "Passport of Lucia Ramirez", jpeg_bytes(), "image/jpeg"),
        pdf_part("exhibit", "Bank statement", "Statement May", "Statement June"),
    ]


def test_exhibits_are_lettered_like_spreadsheet_columns():
    assert [exhibit_letter(n) for n in (0, 1, 25, 26, 27, 51, 52, 701, 702)] == [
        "A", "B", "Z", "AA", "AB", "AZ", "BA", "ZZ", "AAA",
    ]  # fmt: skip


def test_parts_keep_their_order_behind_an_index_and_tabs():
    packet = assemble_packet(sample_parts(), heading="I-130 petition - Lucia Ramirez")

    # 1 letter + 2 form + index + (tab + photo) + (tab + 2 statement pages)
    assert packet.page_count == 9 == len(pages_of(packet.data))
    texts = texts_of(packet.data)
    assert "Dear officer" in texts[0]
    assert "I-130 page one" in texts[1] and "I-130 page two" in texts[2]
    assert "Exhibit index" in texts[3] and "I-130 petition - Lucia Ramirez" in texts[3]
    assert "Exhibit A" in texts[4] and "Passport of Lucia Ramirez" in texts[4]
    assert "Exhibit B" in texts[6] and "Bank statement" in texts[6]
    assert "Statement May" in texts[7] and "Statement June" in texts[8]


def test_the_index_lists_each_exhibit_with_its_first_page():
    packet = assemble_packet(sample_parts())

    index_lines = texts_of(packet.data)[3].splitlines()
    assert index_lines[index_lines.index("Exhibit A") : index_lines.index("Exhibit A") + 3] == [
        "Exhibit A",
        "5",
        "Passport of Lucia Ramirez",
    ]
    assert index_lines[index_lines.index("Exhibit B") : index_lines.index("Exhibit B") + 3] == [
        "Exhibit B",
        "7",
        "Bank statement",
    ]


def test_outline_has_letters_forms_and_exhibits_under_one_bookmark():
    packet = assemble_packet(sample_parts())

    assert packet.outline == [
        ("Cover letter", 1, 0),
        ("Form I-130", 2, 0),
        ("Exhibits", 4, 0),
        ("Exhibit A: Passport of Lucia Ramirez", 5, 1),
        ("Exhibit B: Bank statement", 7, 1),
    ]
    reader = PdfReader(io.BytesIO(packet.data))
    letter, form, exhibits, children = reader.outline
    assert [(item.title, reader.get_destination_page_number(item) + 1) for item in children] == [
        ("Exhibit A: Passport of Lucia Ramirez", 5),
        ("Exhibit B: Bank statement", 7),
    ]
    assert (exhibits.title, reader.get_destination_page_number(exhibits) + 1) == ("Exhibits", 4)
    assert [letter.title, form.title] == ["Cover letter", "Form I-130"]


def test_every_page_is_letter_and_numbered():
    parts = [*sample_parts(), PacketPart("exhibit", "Lease", document("Lease", size=A4), PDF)]
    packet = assemble_packet(parts)

    for number, page in enumerate(pages_of(packet.data), start=1):
        assert (float(page.mediabox.width), float(page.mediabox.height)) == (612, 792)
        assert f"Page {number} of {packet.page_count}" in page.extract_text()


def test_a_photo_becomes_one_page():
    photo = PacketPart("exhibit", "Birth certificate", jpeg_bytes(3000, 4000), "image/jpeg")
    packet = assemble_packet([photo])

    assert packet.page_count == 3  # index, tab, photo
    assert len(pages_of(packet.data)[2].images) == 1


def positions(page) -> dict[str, tuple[float, float]]:
    """Where each piece of text lands on the page, in default user space."""
    found = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            x, y = tm[4], tm[5]
            found[text.strip()] = (x * cm[0] + y * cm[2] + cm[4], x * cm[1] + y * cm[3] + cm[5])

    page.extract_text(visitor_text=visit)
    return found


def test_an_a4_page_is_scaled_to_fit_not_cropped():
    width, height = A4
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    canvas.drawString(2, 2, "bottomleft")
    canvas.drawRightString(width - 2, height - 12, "topright")
    canvas.save()
    packet = assemble_packet([PacketPart("letter", "Letter on A4", out.getvalue(), PDF)])

    page = pages_of(packet.data)[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == (612, 792)
    placed = positions(page)
    scale = 792 / height  # A4 is taller than Letter for its width
    left = (612 - width * scale) / 2
    assert placed["bottomleft"] == pytest.approx((left + 2 * scale, 2 * scale), abs=0.5)
    x, y = placed["topright"]
    assert 0 <= x <= 612 and 0 <= y <= 792
    assert y == pytest.approx((height - 12) * scale, abs=0.5)


def test_a_letter_page_passes_through_unscaled():
    packet = assemble_packet([pdf_part("letter", "Cover letter", "Dear officer")])

    assert positions(pages_of(packet.data)[0])["Dear officer"] == pytest.approx((72, 72))


def test_a_landscape_page_is_turned_to_print_larger():
    landscape = PacketPart("exhibit", "Tax transcript", document("wide", size=(792, 612)), PDF)
    packet = assemble_packet([landscape])

    x, y = positions(pages_of(packet.data)[2])["wide"]
    # Turned a quarter counter-clockwise at full size: the bottom left corner goes to the
    # bottom right, and the text runs up the page.
    assert (x, y) == pytest.approx((612 - 72, 72))


def filled(form_file: str, value: str) -> bytes:
    template = (FORMS_DIR / form_file).read_bytes()
    blank = read_blank_form(template)
    field = next(f for f in blank.fields if f.fillable and f.kind == "text")
    return fill_pdf(template, {f.name: f for f in blank.fields}, {field.name: value}).data


@needs_real_forms
def test_filled_forms_are_flattened_and_each_keeps_its_values():
    # Two copies of one form share every field name: unflattened, one value would show in both.
    parts = [
        PacketPart("form", "G-1145 (petitioner)", filled("g-1145.pdf", "Miller"), PDF),
        PacketPart("form", "G-1145 (beneficiary)", filled("g-1145.pdf", "Ramirez"), PDF),
    ]
    packet = assemble_packet(parts)

    reader = PdfReader(io.BytesIO(packet.data))
    assert "/AcroForm" not in reader.trailer["/Root"]
    assert all("/Annots" not in page for page in reader.pages)
    first, second = (page.extract_text() for page in reader.pages)
    assert "Miller" in first and "Ramirez" not in first
    assert "Ramirez" in second and "Miller" not in second


def encrypted(user_password: str) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(document("Statement")))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def empty_pdf() -> bytes:
    out = io.BytesIO()
    PdfWriter().write(out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> garbage", "is damaged"),
        (encrypted("secret"), "is password-protected"),
        (empty_pdf(), "has no pages"),
    ],
)
def test_an_unusable_exhibit_stops_the_build_naming_it(data, reason):
    parts = [
        *sample_parts(),  # exhibits A and B
        PacketPart("exhibit", "Bank statement", data, PDF),
    ]
    with pytest.raises(PacketRefused) as refused:
        assemble_packet(parts)

    assert refused.value.part_title == "Bank statement"
    assert refused.value.message.startswith(f"Exhibit C (Bank statement) {reason}")


def test_a_photo_that_does_not_decode_is_refused():
    broken = jpeg_bytes()[:200]
    with pytest.raises(PacketRefused, match=r"^Exhibit A \(Passport\) is damaged"):
        assemble_packet([PacketPart("exhibit", "Passport", broken, "image/jpeg")])


def test_a_pdf_that_opens_without_a_password_goes_in():
    # Restricted only by an owner password, as many bank statements are.
    packet = assemble_packet([PacketPart("exhibit", "Bank statement", encrypted(""), PDF)])

    assert "Statement" in texts_of(packet.data)[2]


def test_progress_counts_parts_then_the_write():
    seen = []
    assemble_packet(sample_parts(), progress=lambda done, total: seen.append((done, total)))

    assert seen == [(1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]


def test_a_long_index_runs_on_and_still_points_at_the_right_pages():
    exhibits = [pdf_part("exhibit", f"Receipt {n}", f"Receipt body {n}") for n in range(60)]
    packet = assemble_packet([pdf_part("letter", "Cover letter", "Dear officer"), *exhibits])

    texts = texts_of(packet.data)
    index_pages = [n for n, text in enumerate(texts) if "Exhibit index" in text]
    assert len(index_pages) > 1 and index_pages == list(range(1, 1 + len(index_pages)))
    assert packet.page_count == 1 + len(index_pages) + 2 * 60
    for title, first_page, depth in packet.outline[2:]:
        letter = title.split(":")[0]
        assert depth == 1
        assert texts[first_page - 1].startswith(f"{letter}\n")
        assert f"Receipt body {title.rsplit(' ', 1)[1]}" in texts[first_page]
    assert packet.outline[-1][0] == "Exhibit BH: Receipt 59"
