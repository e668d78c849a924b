"""Fillable PDFs at the file level: reading real USCIS forms, refusing what cannot be filled,
writing a correct filled copy."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject
from reportlab.pdfgen import canvas

from immigration_app.catalog.form_maps import form_maps
from immigration_app.services.pdf_forms import (
    CONTINUATION_MARK,
    FormRefused,
    fill_pdf,
    read_blank_form,
    read_values,
)
from tests.files import jpeg_bytes
from tests.form_profiles import FORMS_DIR, MAPPED_FORMS, needs_real_forms

pytestmark = needs_real_forms
I130 = "form1[0].#subform[0].Pt2Line4a_FamilyName[0]"
I130_MALE = "form1[0].#subform[1].Pt2Line9_Male[0]"


def real(name: str) -> bytes:
    return (FORMS_DIR / name).read_bytes()


def text_pdf(text: str = "Form I-130 Edition 04/01/24 (a printout)") -> bytes:
    out = io.BytesIO()
    page = canvas.Canvas(out)
    page.drawString(72, 720, text)
    page.save()
    return out.getvalue()


def scanned_pdf() -> bytes:
    import img2pdf

    return img2pdf.convert(jpeg_bytes())


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(real("g-1145.pdf")))
    writer.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def xfa_only_pdf() -> bytes:
    """A dynamic form as LiveCycle saves it: an XFA packet and no AcroForm fields."""
    writer = PdfWriter(clone_from=io.BytesIO(text_pdf("Form I-999 Edition 01/01/25")))
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {
            NameObject("/Fields"): ArrayObject(),
            NameObject("/XFA"): TextStringObject("<xdp:xdp/>"),
        }
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_real_form_is_read_with_its_edition_labels_and_checkbox_states():
    blank = read_blank_form(real("i-130.pdf"))
    fields = {field.name: field for field in blank.fields}

    assert (blank.form_number, blank.edition) == ("I-130", "04/01/24")
    assert blank.edition_date.isoformat() == "2024-04-01"
    assert blank.page_count == 12
    assert sum(field.fillable for field in blank.fields) > 400
    family = fields[I130]
    assert (family.kind, family.part, family.item) == ("text", "2", "4.a")
    assert "Family Name" in family.label
    assert fields[I130_MALE].on_states == ("Y",)
    barcode = next(field for field in blank.fields if "BarCode" in field.name)
    assert barcode.kind == "barcode" and not barcode.fillable
    assert any(field.read_only for field in blank.fields)


def test_an_older_footer_without_the_word_edition_is_read():
    blank = read_blank_form(real("g-1145.pdf"))
    assert (blank.form_number, blank.edition) == ("G-1145", "09/26/14")


@pytest.mark.parametrize(
    ("make", "code", "words"),
    [
        (lambda: b"GIF89a not a pdf", "not_pdf", "not a PDF"),
        (lambda: b"%PDF-1.7\n" + bytes(range(256)) * 40, "damaged", "damaged"),
        (lambda: real("i-130.pdf")[:4096], "damaged", "damaged"),
        (encrypted_pdf, "encrypted", "password"),
        (scanned_pdf, "scanned", "scanned"),
        (text_pdf, "no_fields", "no form fields"),
        (xfa_only_pdf, "xfa_only", "XFA"),
    ],
    ids=["not-pdf", "garbage", "truncated", "encrypted", "scanned", "no-fields", "xfa-only"],
)
def test_files_that_cannot_be_filled_are_refused_with_what_to_do(make, code, words):
    with pytest.raises(FormRefused) as refused:
        read_blank_form(make())
    assert refused.value.code == code
    assert words in refused.value.message
    assert "uscis.gov" in refused.value.message or code == "scanned"


def test_a_form_without_a_printed_edition_needs_it_typed():
    with pytest.raises(FormRefused) as refused:
        read_blank_form(real("i-130.pdf"), form_number="I-130", edition="01/20/25")
    assert refused.value.code == "edition_mismatch"


def test_a_filled_copy_is_an_incremental_update_without_xfa_or_usage_rights():
    template = real("i-130.pdf")
    blanks = {field.name: field for field in read_blank_form(template).fields}

    filled = fill_pdf(template, blanks, {I130: "MILLER", I130_MALE: True})

    assert filled.data.startswith(template)  # the original bytes are kept as they were
    reader = PdfReader(io.BytesIO(filled.data))
    root = reader.trailer["/Root"]
    assert "/XFA" not in root["/AcroForm"]
    assert "/Perms" not in root
    assert root["/AcroForm"]["/NeedAppearances"] is True or root["/AcroForm"]["/NeedAppearances"]
    values = read_values(filled.data)
    assert values[I130] == "MILLER"
    assert values[I130_MALE] == "Y"  # the field's own on-state, read from its appearance
    widget = next(
        annotation.get_object()
        for annotation in reader.pages[0]["/Annots"]
        if annotation.get_object().get("/T") == "Pt2Line4a_FamilyName[0]"
    )
    assert b"MILLER" in widget["/AP"]["/N"].get_data()  # an appearance, not only a value


def test_an_answer_longer_than_its_box_goes_whole_to_the_continuation_page():
    template = real("i-130.pdf")
    blanks = {field.name: field for field in read_blank_form(template).fields}
    answer = "Lived with relatives while looking for work " * 9  # about 400 characters

    filled = fill_pdf(
        template, blanks, {I130: answer}, continuation_heading=("Form I-130", "Name: MILLER")
    )

    assert read_values(filled.data)[I130] == CONTINUATION_MARK
    reader = PdfReader(io.BytesIO(filled.data))
    assert len(reader.pages) == 13
    last = " ".join(reader.pages[-1].extract_text().split())
    assert "Additional Information" in last
    assert "Page Number: 1" in last and "Part Number: 2" in last and "Item Number: 4.a" in last
    assert " ".join(answer.split()) in last
    assert [entry.text for entry in filled.continued] == [answer]


@pytest.mark.parametrize("form", MAPPED_FORMS)
def test_every_catalog_map_names_fillable_fields_of_the_real_form(form):
    form_map = form_maps()[form]
    path = FORMS_DIR / f"{form.lower()}.pdf"
    blank = read_blank_form(path.read_bytes())
    fields = {field.name: field for field in blank.fields}

    assert blank.edition == form_map.edition
    for rule in form_map.fields:
        field = fields.get(rule.name)
        assert field is not None and field.fillable, rule.name
        assert bool(rule.when) == (field.kind in ("checkbox", "radio")), rule.name
    for name in form_map.leave_to_staff:
        assert name in fields, name


def test_a_value_that_does_not_read_back_is_reported():
    template = real("i-130.pdf")
    blanks = {field.name: field for field in read_blank_form(template).fields}
    filled = fill_pdf(template, blanks, {I130: "MILLER", I130_MALE: True})
    assert filled.unreadable() == []

    filled.data = filled.data.replace(b"(MILLER)", b"(MILLEX)", 1)

    assert filled.unreadable() == [I130]
