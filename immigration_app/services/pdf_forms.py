"""Fillable PDF forms, at the file level: read a blank form's fields, fill a copy, read it back.

USCIS forms are hybrids: a static XFA packet plus a full AcroForm. A filled copy keeps the
AcroForm (values and appearance streams), drops /XFA (or Acrobat shows the stale, empty XFA
data), removes /Perms (the usage-rights signature no longer matches) and sets NeedAppearances,
so every viewer shows what was written.

The copy is written as an incremental update: the original bytes followed by the changed
objects only. A 12-page form has about 5,000 objects; reading and rewriting them all takes pypdf
most of a second, while a fill touches a few hundred. `_IncrementalFiller` reads an object only
when the fill reaches it.

This module knows PDFs, not cases: `services.form_filling` decides what goes in each field.
"""

from __future__ import annotations

import functools
import io
import re
import threading
from dataclasses import dataclass, field
from datetime import date, datetime

from pypdf import PdfReader, PdfWriter
from pypdf.errors import DeprecationError as PdfDeprecationError
from pypdf.errors import PyPdfError
from pypdf.generic import (
    BooleanObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    TextStringObject,
)

# pypdf builds a text field's appearance here; its writer only offers it for a whole page at a
# time, matching every field name against every widget.
from pypdf.generic._appearance_stream import TextStreamAppearance

from immigration_app.services.continuation import Continued, continuation_pages

# "Form I-130 Edition 04/01/24" in most footers; older forms print "Form G-1145  09/26/14".
_EDITION = re.compile(r"Form\s+([A-Z]{1,3}-\d{1,4}[A-Z]{0,2})\s+(?:Edition\s+)?(\d{2}/\d{2}/\d{2})")
_PART = re.compile(r"\bPart\s+(\d{1,2})\.")
_NAMED_ITEM = re.compile(r"Line(\d{1,2})([a-z])?_", re.IGNORECASE)
# "... Your Full Name. 4. A. Enter Family Name": the item number that starts a question.
_LABEL_ITEM = re.compile(
    r"(?:^|\.\s)(\d{1,2})\.\s+(?:([A-Z])\.\s+)?"
    r"(?:Enter|Select|Provide|Date|Is|Are|Have|Did|Do|Has|Was|Were|If|How|What|Name|Current)"
)
_READ_ONLY = 1
_MULTILINE = 1 << 12
_RADIO = 1 << 15
_PUSH_BUTTON = 1 << 16
# Estimating what fits in a box with no /MaxLen: Helvetica averages about half an em per
# character, and an auto-sized (0) font shrinks to about 6 pt before text stops fitting.
_AUTO_FONT_PT = 6.0
_CHAR_WIDTH_EM = 0.5
_LINE_HEIGHT_EM = 1.2
CONTINUATION_MARK = "See continuation page"
_SHORT_MARK = "See cont."  # for a box too small for the whole sentence


def fillable(kind: str, read_only: bool) -> bool:
    """Whether a field takes a value: barcodes, signatures and read-only copies do not."""
    return not read_only and kind in ("text", "checkbox", "radio", "choice")


# What pypdf raises on a damaged or hostile file besides its own errors: an unknown filter or
# encryption handler (NotImplementedError, DeprecationError for filter names pypdf 7 dropped),
# nesting deeper than Python's stack, a zero page box, numbers out of range.
_PDF_ERRORS = (
    PyPdfError,
    PdfDeprecationError,
    ValueError,
    KeyError,
    TypeError,
    AttributeError,
    IndexError,
    RecursionError,
    ZeroDivisionError,
    OverflowError,
    NotImplementedError,
)
# A field's /Parent chain is a few levels deep; a longer one is a loop or an attack.
_MAX_FIELD_DEPTH = 64
# The largest /MaxLen kept: the database column is a 32-bit integer.
_MAX_MAX_LENGTH = 2**31 - 1


class FormRefused(Exception):
    """A file that cannot be used as a fillable form; `message` says what it is and what to do."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class BlankField:
    name: str
    kind: str  # text, checkbox, radio, choice, signature, barcode, button
    label: str
    part: str
    item: str
    page: int
    max_length: int | None
    capacity: int | None
    on_states: tuple[str, ...]
    options: tuple[str, ...]
    read_only: bool

    @property
    def fillable(self) -> bool:
        return fillable(self.kind, self.read_only)

    @property
    def limit(self) -> int | None:
        """How many characters the box takes; None when unknown."""
        return self.max_length or self.capacity


@dataclass(frozen=True)
class BlankForm:
    form_number: str
    edition: str  # MM/DD/YY, as printed
    edition_date: date
    title: str
    page_count: int
    fields: tuple[BlankField, ...]


@dataclass
class FilledPdf:
    data: bytes
    written: dict[str, str] = field(default_factory=dict)  # field -> value as written
    continued: list[Continued] = field(default_factory=list)
    objects: dict[str, int] = field(default_factory=dict)  # field -> its object number

    def unreadable(self) -> list[str]:
        """The written fields whose value does not read back from `data` as written.

        The file is opened afresh and each field's object found through its cross-reference
        table, as any viewer would: only the fields written are read, not all five thousand
        objects.
        """
        reader = _open(self.data)
        root = reader.trailer["/Root"]
        if "/Perms" in root or "/XFA" in root["/AcroForm"]:
            return list(self.written)
        return [
            name
            for name, text in self.written.items()
            if _text_of(reader.get_object(self.objects[name]).get("/V")) != text
        ]


# --- reading a blank form ------------------------------------------------------------------


def _open(data: bytes) -> PdfReader:
    if not data.startswith(b"%PDF-"):
        raise FormRefused(
            "not_pdf", "This file is not a PDF. Download the fillable PDF from uscis.gov."
        )
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise FormRefused(
                "encrypted",
                "This PDF is password-protected, so its fields cannot be filled. Download an "
                "unprotected copy of the form from uscis.gov.",
            )
        _ = len(reader.pages)
        return reader
    except FormRefused:
        raise
    except _PDF_ERRORS as error:
        raise FormRefused(
            "damaged",
            "This PDF is damaged and cannot be read. Download the form again from uscis.gov.",
        ) from error


def _page_text(reader: PdfReader, index: int) -> str:
    try:
        return reader.pages[index].extract_text() or ""
    except _PDF_ERRORS:
        return ""


def _no_fields(reader: PdfReader) -> FormRefused:
    acro_form = reader.trailer["/Root"].get("/AcroForm")
    if acro_form is not None and "/XFA" in acro_form.get_object():
        return FormRefused(
            "xfa_only",
            "This is a dynamic (XFA-only) form: it has no AcroForm fields that can be filled. "
            "USCIS publishes its forms with fillable fields; download the form again from "
            "uscis.gov rather than saving it from a browser or from Adobe LiveCycle.",
        )
    if not any(_page_text(reader, index).strip() for index in range(min(len(reader.pages), 3))):
        return FormRefused(
            "scanned",
            "This looks like a scanned paper form: its pages are pictures, with no fields to "
            "fill. Load the fillable PDF from uscis.gov instead.",
        )
    return FormRefused(
        "no_fields",
        "This PDF has no form fields to fill. Load the fillable version of the form from "
        "uscis.gov.",
    )


def _edition(reader: PdfReader) -> tuple[str, str] | None:
    for index in dict.fromkeys((0, len(reader.pages) - 1)):
        match = _EDITION.search(_page_text(reader, index))
        if match:
            return match.group(1), match.group(2)
    return None


def parse_edition(text: str) -> date:
    """An edition as printed, MM/DD/YY, as a date; ValueError when it is not one."""
    return datetime.strptime(text.strip(), "%m/%d/%y").date()


def qualified_name(field_dict: DictionaryObject) -> str:
    """The field's full name: its own /T after those of its parents, joined with dots."""
    parts = []
    for node in _lineage(field_dict):
        if "/T" in node:
            parts.append(str(node["/T"]))
    return ".".join(reversed(parts))


def _lineage(field_dict: DictionaryObject) -> list[DictionaryObject]:
    """The field and its parents, nearest first. A /Parent chain that loops back (a field its
    own parent) or runs deeper than any real form would make readers walk it forever: it is
    refused as damage."""
    nodes: list[DictionaryObject] = []
    node: DictionaryObject | None = field_dict
    while node is not None:
        if len(nodes) >= _MAX_FIELD_DEPTH or any(node is seen for seen in nodes):
            raise ValueError("A form field's /Parent chain loops or is too deep.")
        nodes.append(node)
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
    return nodes


def _field_of(widget: DictionaryObject) -> DictionaryObject:
    """The field a widget belongs to: itself when merged, else its parent."""
    if "/T" in widget:
        return widget
    return widget["/Parent"].get_object()


def _inherited(field_dict: DictionaryObject, key: str, default=None):
    for node in _lineage(field_dict):
        if key in node:
            return node[key]
    return default


def _kind(name: str, field_type: str, flags: int) -> str:
    if field_type == "/Tx":
        return "barcode" if "BarCode" in name else "text"
    if field_type == "/Btn":
        if flags & _PUSH_BUTTON:
            return "button"
        return "radio" if flags & _RADIO else "checkbox"
    if field_type == "/Ch":
        return "choice"
    return "signature" if field_type == "/Sig" else "other"


def _font_size(widget: DictionaryObject, acro_form: DictionaryObject) -> float:
    # The widget's own /DA first, then its field's and the field's parents', then the form's.
    appearance = str(_inherited(widget, "/DA", acro_form.get("/DA", "")) or "")
    match = re.search(r"([\d.]+)\s+Tf", appearance)
    size = float(match.group(1)) if match else 0.0
    return size or _AUTO_FONT_PT


def _capacity(widget: DictionaryObject, flags: int, acro_form: DictionaryObject) -> int | None:
    try:
        left, bottom, right, top = (float(value) for value in widget["/Rect"])
    except (KeyError, TypeError, ValueError):
        return None
    size = _font_size(widget, acro_form)
    per_line = max(1, int(abs(right - left) / (size * _CHAR_WIDTH_EM)))
    lines = max(1, int(abs(top - bottom) / (size * _LINE_HEIGHT_EM))) if flags & _MULTILINE else 1
    return per_line * lines


def _item(name: str, label: str) -> str:
    match = _NAMED_ITEM.search(name.rsplit(".", 1)[-1])
    if match:
        number, letter = match.groups()
        if not letter:
            label_match = _LABEL_ITEM.search(label)
            letter = label_match.group(2) if label_match and label_match.group(1) == number else ""
        return number + ("." + letter.lower() if letter else "")
    label_match = _LABEL_ITEM.search(label)
    if label_match:
        number, letter = label_match.groups()
        return number + ("." + letter.lower() if letter else "")
    return ""


def _blank_field(
    name: str, widget: DictionaryObject, page: int, acro_form: DictionaryObject
) -> BlankField:
    field_dict = _field_of(widget)
    flags = int(_inherited(field_dict, "/Ff", 0))
    kind = _kind(name, str(_inherited(field_dict, "/FT", "")), flags)
    label = " ".join(str(field_dict.get("/TU", "")).split())
    max_length = int(_inherited(field_dict, "/MaxLen", 0) or 0)
    # A /MaxLen of zero, below zero or past what the database holds is no limit anyone meant.
    max_length = max_length if 0 < max_length <= _MAX_MAX_LENGTH else None
    states: tuple[str, ...] = ()
    if kind in ("checkbox", "radio"):
        normal = widget.get("/AP", {}).get("/N", {})
        states = tuple(str(state)[1:] for state in normal if state != "/Off")
    options: tuple[str, ...] = ()
    if kind == "choice":
        options = tuple(
            str(option[0] if isinstance(option, list) else option).strip()
            for option in _inherited(field_dict, "/Opt", [])
        )
    part_match = _PART.search(label)
    return BlankField(
        name=name,
        kind=kind,
        label=label,
        part=part_match.group(1) if part_match else "",
        item=_item(name, label),
        page=page,
        max_length=max_length,
        capacity=_capacity(widget, flags, acro_form) if kind == "text" else None,
        on_states=states,
        options=options,
        read_only=bool(flags & _READ_ONLY),
    )


def read_blank_form(
    data: bytes, *, form_number: str = "", edition: str = "", title: str = ""
) -> BlankForm:
    """Read a blank form's fields, number and edition; FormRefused when it cannot be filled.

    The number and edition come from the footer ("Form I-130 Edition 04/01/24"); a form that
    prints neither needs them given.
    """
    reader = _open(data)
    fields: dict[str, BlankField] = {}
    try:
        acro_form = reader.trailer["/Root"].get("/AcroForm")
        acro_form = acro_form.get_object() if acro_form is not None else DictionaryObject()
        for page_number, page in enumerate(reader.pages, start=1):
            for annotation in page.get("/Annots", []) or []:
                widget = annotation.get_object()
                if widget.get("/Subtype") != "/Widget":
                    continue
                name = qualified_name(_field_of(widget))
                if name and name not in fields:
                    fields[name] = _blank_field(name, widget, page_number, acro_form)
    except _PDF_ERRORS as error:
        raise FormRefused(
            "damaged",
            "This PDF's form fields are damaged and cannot be read. Download the form again "
            "from uscis.gov.",
        ) from error
    try:
        if not any(blank.fillable for blank in fields.values()):
            raise _no_fields(reader)
        printed = _edition(reader)
        metadata_title = str((reader.metadata or {}).get("/Title", "") or "")
    except _PDF_ERRORS as error:  # damage found only now, in the footer text or the metadata
        raise FormRefused(
            "damaged",
            "This PDF is damaged and cannot be read. Download the form again from uscis.gov.",
        ) from error
    number = (form_number or (printed[0] if printed else "")).strip().upper()
    edition_text = (edition or (printed[1] if printed else "")).strip()
    if not number or not edition_text:
        raise FormRefused(
            "no_edition",
            "The form number and edition date are not printed where expected. Type them as "
            'they appear in the footer (for example "I-130" and "04/01/24").',
        )
    if printed and (number, edition_text) != (printed[0], printed[1]):
        raise FormRefused(
            "edition_mismatch",
            f"The footer says Form {printed[0]}, edition {printed[1]}; that does not match "
            f"what was typed ({number}, {edition_text}).",
        )
    try:
        edition_day = parse_edition(edition_text)
    except ValueError:
        raise FormRefused(
            "no_edition", "Type the edition date as MM/DD/YY, as the footer prints it."
        ) from None
    return BlankForm(
        form_number=number,
        edition=edition_text,
        edition_date=edition_day,
        title=title or metadata_title.split(",", 1)[-1].strip(),
        page_count=len(reader.pages),
        fields=tuple(fields.values()),
    )


# --- filling ----------------------------------------------------------------------------------


class _IncrementalFiller(PdfWriter):
    """A PdfWriter for incremental updates that reads source objects only when reached.

    pypdf's incremental mode copies every object of the source up front, to tell later which
    changed. Here an object is copied (and its hash noted) the first time it is asked for; the
    untouched majority is never parsed, and only changed objects are written after the original.
    """

    def clone_reader_document_root(self, reader: PdfReader) -> None:
        self._info_obj = None
        self._objects = [None] * (int(reader.trailer["/Size"]) - 1)
        self._original_hash = [0] * len(self._objects)
        self._root_object = self.get_object(reader.root_object.indirect_reference.idnum)
        self._pages = self._root_object.raw_get("/Pages")
        self._flatten()
        for page in self.flattened_pages:
            self._replace_object(page.indirect_reference.idnum, page)

    def get_object(self, indirect_reference: int | IndirectObject):
        number = (
            indirect_reference if isinstance(indirect_reference, int) else indirect_reference.idnum
        )
        if 0 < number <= len(self._original_hash) and self._objects[number - 1] is None:
            source = self._reader.get_object(number)
            if source is not None:
                copy = source.replicate(self)
                copy.indirect_reference = IndirectObject(number, 0, self)
                self._objects[number - 1] = copy
                self._original_hash[number - 1] = copy.hash_bin()
        return super().get_object(indirect_reference)


def _set_checkbox(widget: DictionaryObject, field_dict: DictionaryObject, checked: bool) -> str:
    normal = widget.get("/AP", {}).get("/N", {})
    on = next((state for state in normal if state != "/Off"), None)
    state = NameObject(on if checked and on else "/Off")
    widget[NameObject("/AS")] = state
    field_dict[NameObject("/V")] = state
    if widget is not field_dict:
        widget[NameObject("/V")] = state
    return str(state)[1:] if state != "/Off" else ""


def _set_text(
    writer: PdfWriter,
    page,
    acro_form: DictionaryObject,
    widget: DictionaryObject,
    field_dict: DictionaryObject,
    text: str,
) -> None:
    field_dict[NameObject("/V")] = TextStringObject(text)
    appearance = TextStreamAppearance.from_text_annotation(
        writer, page, False, acro_form, field_dict, widget
    )
    widget[NameObject("/AP")] = DictionaryObject({NameObject("/N"): writer._add_object(appearance)})


def _fitted(blank: BlankField, text: str) -> tuple[str, bool]:
    """What goes in the box, and whether the whole answer must go to the continuation page."""
    limit = blank.limit
    if limit is None or len(text) <= limit:
        return text, False
    mark = next((mark for mark in (CONTINUATION_MARK, _SHORT_MARK) if len(mark) <= limit), "")
    return mark, True


def fill_pdf(
    template: bytes,
    blanks: dict[str, BlankField],
    values: dict[str, str | bool],
    *,
    continuation_heading: tuple[str, str] | None = None,
) -> FilledPdf:
    """Write `values` (field name -> text, or True/False for a checkbox) into a copy.

    Answers longer than their box go in full to an "Additional information" page appended in
    the USCIS style; `continuation_heading` is (form title line, person line) for that page.
    """
    reader, lock = _source(template)
    with lock:
        return _fill(reader, blanks, values, continuation_heading)


@functools.lru_cache(maxsize=16)
def _source(template: bytes) -> tuple[PdfReader, threading.Lock]:
    """A parsed blank form, kept for the next fill: the objects a fill reads stay parsed.

    A reader reads from one stream position, so fills of the same form take turns.
    """
    return _open(template), threading.Lock()


def _fill(
    reader: PdfReader,
    blanks: dict[str, BlankField],
    values: dict[str, str | bool],
    continuation_heading: tuple[str, str] | None,
) -> FilledPdf:
    writer = _IncrementalFiller(reader, incremental=True)
    root = writer._root_object
    acro_form = root["/AcroForm"].get_object()
    if "/XFA" in acro_form:
        del acro_form["/XFA"]
    if "/Perms" in root:
        del root["/Perms"]
    acro_form[NameObject("/NeedAppearances")] = BooleanObject(True)
    result = FilledPdf(data=b"")
    remaining = dict(values)
    for page in writer.pages:
        if not remaining:
            break
        for annotation in page.get("/Annots", []) or []:
            widget = annotation.get_object()
            if widget.get("/Subtype") != "/Widget":
                continue
            field_dict = _field_of(widget)
            name = qualified_name(field_dict)
            if name not in remaining:
                continue
            blank = blanks[name]
            value = remaining.pop(name)
            result.objects[name] = field_dict.indirect_reference.idnum
            if blank.kind in ("checkbox", "radio"):
                result.written[name] = _set_checkbox(widget, field_dict, bool(value))
                continue
            text, moved = _fitted(blank, str(value))
            if moved:
                result.continued.append(
                    Continued(blank.page, blank.part, blank.item, blank.label, str(value))
                )
            _set_text(writer, page, acro_form, widget, field_dict, text)
            result.written[name] = text
    if result.continued:
        heading = continuation_heading or ("", "")
        writer.append(PdfReader(io.BytesIO(continuation_pages(heading, result.continued))))
    out = io.BytesIO()
    writer.write(out)
    result.data = out.getvalue()
    return result


def read_values(data: bytes) -> dict[str, str]:
    """Every field's value in a PDF, as text ("" when empty or unchecked)."""
    reader = _open(data)
    return {name: _text_of(info.get("/V")) for name, info in (reader.get_fields() or {}).items()}


def _text_of(value) -> str:
    """A field's /V as text: a checkbox's on-state without the slash, "" when off or empty."""
    if value is None or str(value) == "/Off":
        return ""
    if isinstance(value, NameObject):
        return str(value)[1:]
    return str(value)
