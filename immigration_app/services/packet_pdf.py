"""The filing packet as one PDF: letter, forms, exhibit index and tabbed exhibits, page-numbered.

`assemble_packet` takes the parts in the order the caller chose (the case type's order) and
builds the PDF a firm prints and mails to USCIS:

- every page is US Letter. A page of another size is scaled down to fit (never cropped) and
  centred; a landscape page is turned when that lets it print larger. Letter pages pass as they are.
- photos become one page each (`storage.photo_to_pdf`, which keeps the JPEG as it is).
- every PDF is flattened: each printable widget or annotation is drawn into the page from its
  appearance stream, then all annotations go and no AcroForm is carried over. Filled USCIS forms
  all name their fields `form1[0]...`, so several in one document would share one set of values;
  flattened, each prints what was filled into it.
- an "Exhibit index" comes before the first exhibit, and a tab page before each exhibit. Exhibits
  are lettered A..Z, AA, AB...
- each page is stamped "Page N of M", and the outline has one bookmark per letter and form and an
  "Exhibits" bookmark with one child per exhibit.

Pages are changed by adding small content streams around the page's own (`q cm ... Q`), never
by parsing and rewriting its content: a form page holds thousands of operators, and re-encoding
them is most of what a naive merge costs. For the same reason flattening is done here rather than
with pypdf's `update_page_form_field_values(flatten=True)`, which rebuilds each text appearance,
matches every field name against every widget, places appearances by translation only (ignoring
/BBox and /Matrix) and leaves the widgets in place. Links and comments that do not print are
dropped with the rest of the annotations: the packet is made to be printed.

Photos are never decoded, and each part's file is let go once its pages are copied, so memory
grows with the size of the packet, not with the pixels in it. A part that cannot be used stops
the build with `PacketRefused`, naming the part.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pypdf import PageObject, PasswordType, PdfReader, PdfWriter
from pypdf.errors import DeprecationError as PdfDeprecationError
from pypdf.errors import PyPdfError
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    RectangleObject,
    StreamObject,
)
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.units import inch
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from immigration_app.services.storage import (
    PDF,
    PHOTO_TYPES,
    SNIFF_BYTES,
    UploadRefused,
    photo_to_pdf,
    sniff_type,
)

LETTER_WIDTH, LETTER_HEIGHT = LETTER  # 612 x 792 pt
KINDS = ("letter", "form", "exhibit")

# Annotation flags (PDF 32000-1, 12.5.3): printing shows only Print annotations, never Hidden.
_HIDDEN = 1 << 1
_PRINT = 1 << 2
# What pypdf raises on a damaged or hostile file besides its own errors: an unknown filter or
# encryption handler, nesting deeper than Python's stack, a zero-sized page box.
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

# The stamp goes bottom right, below a USCIS form's footer line (baseline 24 pt), right of the
# barcode box it prints at the bottom centre (x 192-462 pt), and inside what printers print.
_STAMP_FONT = NameObject("/PacketStampFont")
_STAMP_SIZE = 8
_STAMP_BASELINE = 12
_STAMP_RIGHT = LETTER_WIDTH - 36
_STAMP_FONT_DICT = {
    "/Type": "/Font",
    "/Subtype": "/Type1",
    "/BaseFont": "/Helvetica",
    "/Encoding": "/WinAnsiEncoding",
}

_MARGIN = 0.75 * inch
_INDEX_ROW = 20  # pt per exhibit line in the index


@dataclass
class PacketPart:
    """One document of the packet: the cover letter, a filled form, or an exhibit."""

    kind: str  # letter, form or exhibit
    title: str  # "Form I-130", "Passport of Lucia Ramirez"
    data: bytes
    media_type: str  # as recorded at upload; the file's own first bytes take precedence


@dataclass
class AssembledPacket:
    data: bytes
    page_count: int
    outline: list[tuple[str, int, int]]  # (title, first page counted from 1, depth)
    first_pages: list[int]  # each part's first page counted from 1 (an exhibit's tab page)


class PacketRefused(Exception):
    """A part that cannot go into the packet; `message` names it and says what to do."""

    def __init__(self, part_title: str, message: str):
        super().__init__(message)
        self.part_title = part_title
        self.message = message


@dataclass
class _Placed:
    """Where a part landed, counted in pages before the exhibit index is inserted."""

    part: PacketPart
    label: str  # "Form I-130", "Exhibit C (Bank statement)"
    letter: str  # "" for letters and forms
    start: int  # 0-based; an exhibit starts at its tab page


def exhibit_letter(number: int) -> str:
    """A, B, ... Z, AA, AB, ... for exhibits numbered from 0, as spreadsheet columns go."""
    letters = ""
    number += 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def assemble_packet(
    parts: list[PacketPart],
    *,
    heading: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> AssembledPacket:
    """One Letter-sized, page-numbered, bookmarked PDF of `parts`, in their order.

    `heading` (say "I-130 petition - Lucia Ramirez") tops the exhibit index. `progress` is called
    with (steps done, steps in all): one step per part, and a last one for writing the file.
    PacketRefused if a part is an unreadable, password-protected or empty file.
    """
    for part in parts:
        if part.kind not in KINDS:
            raise ValueError(f"A packet part is a letter, form or exhibit, not {part.kind!r}.")
    steps = len(parts) + 1
    writer = PdfWriter()
    tabs = _tab_pages([part for part in parts if part.kind == "exhibit"])
    placed: list[_Placed] = []
    index_at = None
    for step, part in enumerate(parts, start=1):
        placed.append(_place(part, placed, len(writer.pages)))
        if placed[-1].letter:
            index_at = len(writer.pages) if index_at is None else index_at
            _add_page(writer, tabs.pages[_exhibit_count(placed) - 1])
        _add_part(writer, part, placed[-1].label)
        if progress:
            progress(step, steps)
    index_pages = _insert_index(writer, index_at, heading, placed) if index_at is not None else 0
    total = len(writer.pages)
    font = _stamp_font(writer)
    for number, page in enumerate(writer.pages, start=1):
        _stamp(writer, page, f"Page {number} of {total}", font)
    outline = _outline(placed, index_at, index_pages)
    _add_outline(writer, outline)
    data = _written(writer)
    if progress:
        progress(steps, steps)
    first_pages = [_first_page(entry, index_at, index_pages) for entry in placed]
    return AssembledPacket(data, total, outline, first_pages)


def _exhibit_count(placed: list[_Placed]) -> int:
    return sum(1 for entry in placed if entry.letter)


def _place(part: PacketPart, placed: list[_Placed], start: int) -> _Placed:
    if part.kind != "exhibit":
        return _Placed(part, part.title, "", start)
    letter = exhibit_letter(_exhibit_count(placed))
    return _Placed(part, f"Exhibit {letter} ({part.title})", letter, start)


# --- reading parts --------------------------------------------------------------------------------


def _add_part(writer: PdfWriter, part: PacketPart, label: str) -> None:
    with io.BytesIO(_as_pdf(part, label)) as stream:
        reader = _open_pdf(stream, part, label)
        try:
            for page in reader.pages:
                _add_page(writer, page)
        except _PDF_ERRORS:
            # Damage deeper in the file than its page list shows only as pages are copied.
            raise _refused(part, label, "damaged") from None
        # A writer keeps every reader it copied from alive, and with it the whole file: a
        # packet of phone photos would hold each one twice. The copies no longer need it.
        writer.reset_translation(reader)
        reader.close()


def _as_pdf(part: PacketPart, label: str) -> bytes:
    """The part as a PDF, a photo made into a page; the file's own first bytes say which."""
    sniffed = sniff_type(part.data[:SNIFF_BYTES])
    media_type = sniffed[0] if sniffed else part.media_type
    if media_type in PHOTO_TYPES:
        try:
            return photo_to_pdf(part.data, media_type)
        except UploadRefused:
            raise _refused(part, label, "damaged") from None
    if media_type != PDF:
        raise _refused(part, label, "unsupported")
    return part.data


def _open_pdf(stream: io.BytesIO, part: PacketPart, label: str) -> PdfReader:
    try:
        reader = PdfReader(stream)
        # Many bank statements are encrypted only to restrict printing or copying: they open
        # with an empty password, as in any viewer, and go in as they are.
        if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
            raise _refused(part, label, "password")
        count = len(reader.pages)
    except PacketRefused:
        raise
    except _PDF_ERRORS:
        raise _refused(part, label, "damaged") from None
    if count == 0:
        raise _refused(part, label, "empty")
    return reader


def _refused(part: PacketPart, label: str, reason: str) -> PacketRefused:
    messages = {
        "damaged": "is damaged and cannot be read. Upload it again, or scan it again.",
        "password": "is password-protected: it cannot be read without the password. Ask for "
        "an unprotected copy, or print it and scan it.",
        "empty": "has no pages. Upload the document again.",
        "unsupported": "is not a PDF or a photo (JPEG, PNG or HEIC). Upload it as one of those.",
    }
    return PacketRefused(part.title, f"{label} {messages[reason]}")


# --- one page into the packet ---------------------------------------------------------------------


def _add_page(writer: PdfWriter, source: PageObject, at: int | None = None) -> None:
    """Copy `source` into the packet flattened and fitted to Letter; its annotations stay behind.

    Leaving /Annots out of the copy also leaves out each form's field tree, which the widgets
    point to through /Parent.
    """
    at = len(writer.pages) if at is None else at
    page = writer.insert_page(source, at, excluded_keys=("/Annots",))
    resources = _own_resources(page)
    drawings = _flattened_annotations(writer, source, resources)
    fit = _letter_fit(source)
    before, after = b"q\n", b"\nQ\n" + drawings
    if fit is not None:
        matrix, clip = fit
        before = b"q\n" + _cm(matrix) + clip + b"q\n"
        after = b"\nQ\n" + drawings + b"Q\n"
        _make_letter(page)
    _wrap_contents(writer, page, before, after)


def _own_resources(page: PageObject) -> DictionaryObject:
    """The page's resources, copied one level down so additions do not reach shared objects."""
    resources = DictionaryObject(page.get("/Resources", DictionaryObject()).get_object())
    for key in ("/XObject", "/Font"):
        resources[NameObject(key)] = DictionaryObject(
            resources.get(key, DictionaryObject()).get_object()
        )
    page[NameObject("/Resources")] = resources
    return resources


def _flattened_annotations(
    writer: PdfWriter, source: PageObject, resources: DictionaryObject
) -> bytes:
    """Content that draws the printable annotations' appearances; their XObjects go in
    `resources`."""
    commands = []
    for number, annotation in enumerate(_annotations(source)):
        appearance = _normal_appearance(annotation)
        if appearance is None:
            continue
        placement = _placement(annotation, appearance)
        if placement is None:
            continue
        name = NameObject(f"/PacketAnnot{number}")
        xobject = appearance.clone(writer)
        xobject[NameObject("/Type")] = NameObject("/XObject")
        xobject[NameObject("/Subtype")] = NameObject("/Form")
        resources["/XObject"][name] = xobject.indirect_reference
        commands.append(b"q\n" + _cm(placement) + name.encode() + b" Do\nQ\n")
    return b"".join(commands)


def _annotations(page: PageObject) -> list[DictionaryObject]:
    annotations = page.get("/Annots")
    if annotations is None:
        return []
    resolved = (annotation.get_object() for annotation in annotations.get_object())
    return [annotation for annotation in resolved if isinstance(annotation, DictionaryObject)]


def _normal_appearance(annotation: DictionaryObject) -> StreamObject | None:
    flags = int(annotation.get("/F", 0))
    if not flags & _PRINT or flags & _HIDDEN:
        return None
    normal = annotation.get("/AP", DictionaryObject()).get_object().get("/N")
    if normal is None:
        return None
    normal = normal.get_object()
    if not isinstance(normal, StreamObject):  # one appearance per state: a checkbox, a radio
        state = annotation.get("/AS")
        normal = normal.get(state).get_object() if state in normal else None
    return normal if isinstance(normal, StreamObject) and "/BBox" in normal else None


def _placement(annotation: DictionaryObject, appearance: StreamObject) -> tuple[float, ...] | None:
    """The matrix that maps the appearance's box onto the annotation's rectangle (PDF 32000-1,
    12.5.5); the form's own /Matrix is applied by `Do`."""
    if "/Rect" not in annotation:
        return None
    rect = RectangleObject(annotation["/Rect"])
    box = _transformed_box(
        RectangleObject(appearance["/BBox"]), appearance.get("/Matrix", [1, 0, 0, 1, 0, 0])
    )
    box_width, box_height = box[2] - box[0], box[3] - box[1]
    if box_width <= 0 or box_height <= 0:
        return None
    scale_x = float(rect.width) / box_width
    scale_y = float(rect.height) / box_height
    left, bottom = float(rect.left), float(rect.bottom)
    return (scale_x, 0, 0, scale_y, left - box[0] * scale_x, bottom - box[1] * scale_y)


def _transformed_box(
    box: RectangleObject, matrix: Sequence[float]
) -> tuple[float, float, float, float]:
    a, b, c, d, e, f = (float(value) for value in matrix)
    corners = [
        (a * x + c * y + e, b * x + d * y + f)
        for x in (float(box.left), float(box.right))
        for y in (float(box.bottom), float(box.top))
    ]
    xs, ys = [x for x, _ in corners], [y for _, y in corners]
    return min(xs), min(ys), max(xs), max(ys)


def _letter_fit(page: PageObject) -> tuple[tuple[float, ...], bytes] | None:
    """(matrix, clip) that turns, scales down and centres the page's visible box on Letter;
    None for a page that is Letter already."""
    box = page.cropbox
    left, bottom = float(box.left), float(box.bottom)
    width, height = float(box.width), float(box.height)
    rotation = page.rotation % 360
    if (left, bottom, width, height, rotation) == (0, 0, LETTER_WIDTH, LETTER_HEIGHT, 0):
        return None
    shown = (height, width) if rotation in (90, 270) else (width, height)
    if _fits_better_turned(*shown):
        rotation = (rotation + 270) % 360  # landscape turned so its top is at the left edge
        shown = shown[::-1]
    scale = min(1.0, LETTER_WIDTH / shown[0], LETTER_HEIGHT / shown[1])
    a, b, c, d, e, f = _upright(rotation, left, bottom, left + width, bottom + height)
    dx = (LETTER_WIDTH - shown[0] * scale) / 2
    dy = (LETTER_HEIGHT - shown[1] * scale) / 2
    matrix = (a * scale, b * scale, c * scale, d * scale, e * scale + dx, f * scale + dy)
    clip = f"{_num(left)} {_num(bottom)} {_num(width)} {_num(height)} re W n\n".encode()
    return matrix, clip


def _fits_better_turned(width: float, height: float) -> bool:
    upright = min(LETTER_WIDTH / width, LETTER_HEIGHT / height)
    turned = min(LETTER_WIDTH / height, LETTER_HEIGHT / width)
    return width > height and turned > upright


def _upright(rotation: int, x0: float, y0: float, x1: float, y1: float) -> tuple[float, ...]:
    """The matrix that shows a box turned clockwise by `rotation` with its corner at 0, 0."""
    return {
        0: (1, 0, 0, 1, -x0, -y0),
        90: (0, -1, 1, 0, -y0, x1),
        180: (-1, 0, 0, -1, x1, y1),
        270: (0, 1, -1, 0, y1, -x0),
    }[rotation]


def _make_letter(page: PageObject) -> None:
    page[NameObject("/MediaBox")] = RectangleObject((0, 0, LETTER_WIDTH, LETTER_HEIGHT))
    for box in ("/CropBox", "/BleedBox", "/TrimBox", "/ArtBox"):
        page.pop(box, None)
    page.rotation = 0


def _wrap_contents(writer: PdfWriter, page: PageObject, before: bytes, after: bytes) -> None:
    """Put `before` and `after` around the page's content streams, which stay as they are."""
    contents = page.get("/Contents")
    streams = []
    if contents is not None:
        resolved = contents.get_object()
        streams = list(resolved) if isinstance(resolved, ArrayObject) else [contents]
    page[NameObject("/Contents")] = ArrayObject(
        [_stream(writer, before), *streams, _stream(writer, after)]
    )


def _stream(writer: PdfWriter, data: bytes) -> IndirectObject:
    stream = StreamObject()
    stream.set_data(data)
    return writer._add_object(stream)


def _cm(matrix: tuple[float, ...]) -> bytes:
    return (" ".join(_num(value) for value in matrix) + " cm\n").encode()


def _num(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".") or "0"


# --- numbers, index, tabs, outline ----------------------------------------------------------------


def _stamp(writer: PdfWriter, page: PageObject, text: str, font: IndirectObject) -> None:
    page["/Resources"]["/Font"][_STAMP_FONT] = font
    x = _STAMP_RIGHT - stringWidth(text, "Helvetica", _STAMP_SIZE)
    drawing = (
        f"q BT 0 g {_STAMP_FONT} {_STAMP_SIZE} Tf {_num(x)} {_STAMP_BASELINE} Td ({text}) Tj ET Q\n"
    )
    page["/Contents"].append(_stream(writer, drawing.encode()))


def _stamp_font(writer: PdfWriter) -> IndirectObject:
    font = DictionaryObject(
        {NameObject(key): NameObject(value) for key, value in _STAMP_FONT_DICT.items()}
    )
    return writer._add_object(font)


def _tab_pages(exhibits: list[PacketPart]) -> PdfReader:
    """One tab page per exhibit: "Exhibit A" large, its title under it."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=LETTER)
    middle = LETTER_HEIGHT * 0.58
    for number, exhibit in enumerate(exhibits):
        canvas.setFont("Helvetica-Bold", 48)
        canvas.drawCentredString(LETTER_WIDTH / 2, middle, f"Exhibit {exhibit_letter(number)}")
        canvas.setFont("Helvetica", 18)
        lines = simpleSplit(exhibit.title, "Helvetica", 18, LETTER_WIDTH - 2 * _MARGIN)
        for line_number, line in enumerate(lines):
            canvas.drawCentredString(LETTER_WIDTH / 2, middle - 40 - 24 * line_number, line)
        canvas.showPage()
    canvas.save()
    return PdfReader(out)


def _insert_index(writer: PdfWriter, index_at: int, heading: str, placed: list[_Placed]) -> int:
    """Insert the exhibit index before the first exhibit; returns how many pages it takes.

    Its length moves every exhibit's first page, and the first pages are what it lists, so it is
    laid out again until the length it assumes is the length it has (a second pass at most: the
    page column is as wide for 9 as for 999).
    """
    index_pages = 1
    while True:
        entries = [
            (entry.letter, entry.part.title, entry.start + index_pages + 1)
            for entry in placed
            if entry.letter
        ]
        index = PdfReader(io.BytesIO(_index_pdf(heading, entries)))
        if len(index.pages) == index_pages:
            break
        index_pages = len(index.pages)
    for offset, page in enumerate(index.pages):
        _add_page(writer, page, index_at + offset)
    return index_pages


def _index_pdf(heading: str, entries: list[tuple[str, str, int]]) -> bytes:
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=LETTER)
    title_width = LETTER_WIDTH - 2 * _MARGIN - 1.6 * inch
    top = LETTER_HEIGHT - _MARGIN
    y = _index_heading(canvas, heading, top)
    for letter, title, page in entries:
        lines = simpleSplit(title, "Helvetica", 11, title_width) or [""]
        if y - _INDEX_ROW * len(lines) < _MARGIN:
            canvas.showPage()
            y = _index_heading(canvas, heading, top)
        canvas.setFont("Helvetica", 11)
        canvas.drawString(_MARGIN, y, f"Exhibit {letter}")
        canvas.drawRightString(LETTER_WIDTH - _MARGIN, y, str(page))
        for line in lines:
            canvas.drawString(_MARGIN + 1.0 * inch, y, line)
            y -= _INDEX_ROW
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def _index_heading(canvas: Canvas, heading: str, top: float) -> float:
    """Draw the index's heading and column names; returns where the first line goes."""
    y = top
    if heading:
        canvas.setFont("Helvetica", 12)
        canvas.drawCentredString(LETTER_WIDTH / 2, y, heading)
        y -= 28
    canvas.setFont("Helvetica-Bold", 20)
    canvas.drawCentredString(LETTER_WIDTH / 2, y, "Exhibit index")
    y -= 34
    canvas.setFont("Helvetica-Bold", 11)
    canvas.drawString(_MARGIN, y, "Exhibit")
    canvas.drawString(_MARGIN + 1.0 * inch, y, "Description")
    canvas.drawRightString(LETTER_WIDTH - _MARGIN, y, "Page")
    canvas.line(_MARGIN, y - 6, LETTER_WIDTH - _MARGIN, y - 6)
    return y - _INDEX_ROW - 4


def _outline(
    placed: list[_Placed], index_at: int | None, index_pages: int
) -> list[tuple[str, int, int]]:
    """(title, first page from 1, depth): letters and forms at the top, exhibits under
    "Exhibits", which points at the index."""
    outline = []
    for entry in placed:
        first_page = _first_page(entry, index_at, index_pages)
        if not entry.letter:
            outline.append((entry.label, first_page, 0))
            continue
        if not any(depth for _, _, depth in outline):
            outline.append(("Exhibits", index_at + 1, 0))
        outline.append((f"Exhibit {entry.letter}: {entry.part.title}", first_page, 1))
    return outline


def _first_page(entry: _Placed, index_at: int | None, index_pages: int) -> int:
    """Where a part starts in the finished packet, counted from 1: the exhibit index moved
    every part placed at or after it."""
    moved = index_pages if index_at is not None and entry.start >= index_at else 0
    return entry.start + moved + 1


def _add_outline(writer: PdfWriter, outline: list[tuple[str, int, int]]) -> None:
    parent = None
    for title, first_page, depth in outline:
        item = writer.add_outline_item(
            title=title, page_number=first_page - 1, parent=parent if depth else None
        )
        if not depth:
            parent = item


def _written(writer: PdfWriter) -> bytes:
    sink = _Sink()
    writer.write(sink)
    return sink.joined()


class _Sink:
    """Where pypdf writes the packet: big writes (photos, scans) are kept as the very bytes
    objects the writer holds, small ones gathered into pieces of 64 KiB.

    A BytesIO would copy every photo once more and, as it grows, briefly hold two copies of
    everything written so far; here the packet exists twice only while the pieces are joined.
    """

    _PIECE = 64 * 1024

    def __init__(self) -> None:
        self._pieces: list[bytes] = []
        self._small = bytearray()
        self._position = 0

    def write(self, data: bytes) -> int:
        self._position += len(data)
        if len(data) < self._PIECE:
            self._small += data
            if len(self._small) >= self._PIECE:
                self._keep_small()
        else:
            self._keep_small()
            self._pieces.append(bytes(data))
        return len(data)

    def tell(self) -> int:
        return self._position

    def flush(self) -> None:
        self._keep_small()

    def joined(self) -> bytes:
        self._keep_small()
        return b"".join(self._pieces)

    def _keep_small(self) -> None:
        if self._small:
            self._pieces.append(bytes(self._small))
            self._small.clear()
