"""Hostile inputs, built in code: damaged and malicious PDFs, image bombs, polyglots, wrong
extensions, empty files, hostile file names and hostile text.

Every generator is deterministic (fixed seeds), so a failure names an input that can be made
again. Each input has an `id` that says what it is; the suites parametrize over these lists and
the package's conftest counts how many were tried.
"""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache

import pillow_heif
from PIL import Image
from pypdf import PdfWriter
from reportlab.lib.pagesizes import LETTER
from reportlab.pdfgen.canvas import Canvas

from tests.files import jpeg_bytes, pdf_bytes
from tests.notices import receipt_notice

pillow_heif.register_heif_opener()


@dataclass(frozen=True)
class Hostile:
    """One hostile input: a file (bytes and the name it arrives under)."""

    id: str
    data: bytes
    name: str = "upload.pdf"


# --- a PDF put together object by object ---------------------------------------------------------


def raw_pdf(
    objects: list[bytes],
    *,
    root: int = 1,
    trailer_extra: bytes = b"",
    xref: bool = True,
) -> bytes:
    """A PDF of `objects` (object i+1 is objects[i]) with a correct cross-reference table, so
    that what is hostile is only what the objects themselves say."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    start = len(out)
    if xref:
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
        out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\n" % (len(objects) + 1, root, trailer_extra)
    out += b"startxref\n%d\n%%%%EOF\n" % start
    return bytes(out)


def _stream(data: bytes, extra: bytes = b"", *, length: bytes | None = None) -> bytes:
    length = b"%d" % len(data) if length is None else length
    return b"<< /Length " + length + b" " + extra + b" >>\nstream\n" + data + b"\nendstream"


_CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
_PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
_HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _page(extra: bytes = b"", contents: bytes = b"4 0 R") -> bytes:
    return (
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents "
        + contents
        + b" /Resources << /Font << /F1 5 0 R >> >> "
        + extra
        + b" >>"
    )


def _one_page(contents: bytes, page_extra: bytes = b"", *more: bytes) -> bytes:
    return raw_pdf([_CATALOG, _PAGES, _page(page_extra), contents, _HELVETICA, *more])


_TEXT = b"BT /F1 12 Tf 72 720 Td (Receipt Number IOE0912345678) Tj ET"


def structural_bombs() -> list[Hostile]:
    """PDFs whose structure attacks the reader: nesting, loops, lies about sizes and counts."""
    deep_array = b"[" * 50_000 + b"]" * 50_000
    deep_dict = b"<< /A " * 20_000 + b"1" + b" >>" * 20_000
    zeros_bomb = zlib.compress(b"0 0 m 1 1 l S\n" * 8_000_000, 9)  # ~112 MB of drawing
    bombs = [
        ("deep-array-on-page", _one_page(_stream(_TEXT), b"/Deep " + deep_array)),
        ("deep-dict-on-page", _one_page(_stream(_TEXT), b"/Deep " + deep_dict)),
        (
            "deep-array-in-catalog",
            raw_pdf(
                [
                    b"<< /Type /Catalog /Pages 2 0 R /X " + deep_array + b" >>",
                    _PAGES,
                    _page(),
                    _stream(_TEXT),
                    _HELVETICA,
                ]
            ),
        ),
        ("deep-array-content", _one_page(_stream(b"[" * 100_000 + b"] pop " + _TEXT))),
        ("deep-q-nesting", _one_page(_stream(b"q " * 20_000 + _TEXT + b" Q" * 20_000))),
        ("flate-bomb-content", _one_page(_stream(zeros_bomb, b"/Filter /FlateDecode"))),
        (
            "flate-bomb-twice",
            _one_page(_stream(zlib.compress(zeros_bomb), b"/Filter [/FlateDecode /FlateDecode]")),
        ),
        ("length-lie-huge", _one_page(_stream(_TEXT, length=b"999999999"))),
        ("length-lie-negative", _one_page(_stream(_TEXT, length=b"-50"))),
        ("length-lie-zero", _one_page(_stream(_TEXT, length=b"0"))),
        ("length-self-reference", _one_page(_stream(_TEXT, length=b"4 0 R"))),
        ("length-is-a-name", _one_page(_stream(_TEXT, length=b"/Huge"))),
        (
            "pages-kids-loop",
            raw_pdf(
                [
                    _CATALOG,
                    b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>",
                    _page(),
                    _stream(_TEXT),
                    _HELVETICA,
                ]
            ),
        ),
        (
            "pages-two-node-loop",
            raw_pdf(
                [
                    _CATALOG,
                    b"<< /Type /Pages /Kids [6 0 R] /Count 1 >>",
                    _page(),
                    _stream(_TEXT),
                    _HELVETICA,
                    b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>",
                ]
            ),
        ),
        (
            "pages-huge-count",
            raw_pdf(
                [
                    _CATALOG,
                    b"<< /Type /Pages /Kids [3 0 R] /Count 2147483647 >>",
                    _page(),
                    _stream(_TEXT),
                    _HELVETICA,
                ]
            ),
        ),
        (
            "pages-missing-kids",
            raw_pdf(
                [
                    _CATALOG,
                    b"<< /Type /Pages /Kids [3 0 R 99 0 R 100 0 R] /Count 3 >>",
                    _page(),
                    _stream(_TEXT),
                    _HELVETICA,
                ]
            ),
        ),
        ("pages-not-a-dict", raw_pdf([_CATALOG, b"[1 2 3]", _page(), _stream(_TEXT), _HELVETICA])),
        ("catalog-not-a-dict", raw_pdf([b"(not a catalog)", _PAGES, _page(), _stream(_TEXT)])),
        ("root-missing", raw_pdf([_CATALOG, _PAGES, _page(), _stream(_TEXT)], root=42)),
        ("page-parent-loop", _one_page(_stream(_TEXT), b"/Rotate 90 /Parent 3 0 R")),
        ("resources-loop", _one_page(_stream(_TEXT), b"/X 6 0 R", b"<< /Me 6 0 R /Up 3 0 R >>")),
        (
            "inherited-resources-loop",
            raw_pdf(
                [
                    _CATALOG,
                    b"<< /Type /Pages /Kids [3 0 R] /Count 1 /Parent 2 0 R >>",
                    b"<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>",
                    _stream(_TEXT),
                ]
            ),
        ),
        ("contents-loop", _one_page(b"[4 0 R 4 0 R]")),
        ("contents-array-of-junk", _one_page(b"[1 (x) /Name null]")),
        (
            "reference-chain",
            _one_page(
                _stream(_TEXT), b"/Chain 6 0 R", *[b"%d 0 R" % n for n in range(7, 3007)], b"null"
            ),
        ),
        (
            "objstm-huge-n",
            _one_page(
                _stream(_TEXT), b"", _stream(b"7 0 ", b"/Type /ObjStm /N 100000000 /First 4")
            ),
        ),
        (
            "objstm-negative-first",
            _one_page(
                _stream(_TEXT),
                b"/Ref 7 0 R",
                _stream(b"7 0 (x)", b"/Type /ObjStm /N 1 /First -100000"),
            ),
        ),
        (
            "objstm-self-extends",
            _one_page(
                _stream(_TEXT),
                b"/Ref 7 0 R",
                _stream(b"7 0 (x)", b"/Type /ObjStm /N 1 /First 4 /Extends 6 0 R"),
            ),
        ),
        (
            "xref-prev-loop",
            raw_pdf(
                [_CATALOG, _PAGES, _page(), _stream(_TEXT), _HELVETICA], trailer_extra=b"/Prev 0 "
            ),
        ),
        ("no-xref", raw_pdf([_CATALOG, _PAGES, _page(), _stream(_TEXT), _HELVETICA], xref=False)),
        ("xref-prev-self", _xref_prev_self()),
        ("xref-stream-loop", _xref_stream_loop()),
        ("startxref-huge", _one_page(_stream(_TEXT)).replace(b"startxref\n", b"startxref\n9")),
        ("startxref-negative", _with_startxref(b"-1")),
        (
            "encrypt-unknown-filter",
            _one_page(_stream(_TEXT)).replace(
                b"trailer\n<<",
                b"trailer\n<< /Encrypt << /Filter /Nonsense /V 9 /R 99 >> /ID [<00> <00>]",
            ),
        ),
        (
            "encrypt-not-a-dict",
            _one_page(_stream(_TEXT)).replace(b"trailer\n<<", b"trailer\n<< /Encrypt 12345 "),
        ),
        ("many-pages", _many_pages(300)),
        ("image-huge-dimensions", _huge_image_page()),
        (
            "inline-image-huge",
            _one_page(
                _stream(
                    b"q 612 0 0 792 0 0 cm BI /W 60000 /H 60000 /BPC 8 /CS /RGB /F /Fl ID "
                    + zlib.compress(b"\x00" * 1000)
                    + b" EI Q"
                )
            ),
        ),
        ("unknown-filter", _one_page(_stream(_TEXT, b"/Filter /ASCII85becode"))),
        ("filter-chain-long", _one_page(_stream(_TEXT, b"/Filter [" + b"/AHx " * 5000 + b"]"))),
        ("lzw-garbage", _one_page(_stream(b"\x80\x0b\x60\x50\x22\x0c" * 5000, b"/Filter /LZW"))),
        (
            "predictor-junk",
            _one_page(
                _stream(
                    zlib.compress(_TEXT),
                    b"/Filter /FlateDecode /DecodeParms << /Predictor 15 /Columns 0 >>",
                )
            ),
        ),
        (
            "font-widths-huge",
            _one_page(
                _stream(_TEXT),
                b"",
            ).replace(
                b"/BaseFont /Helvetica",
                b"/BaseFont /X /FirstChar 0 /LastChar 2147483647 /Widths [1 2 3]",
            ),
        ),
        (
            "tounicode-bomb",
            _one_page(_stream(_TEXT)).replace(
                b"/BaseFont /Helvetica", b"/BaseFont /X /ToUnicode 6 0 R"
            )
            + b"",
        ),
        (
            "outline-loop",
            raw_pdf(
                [
                    b"<< /Type /Catalog /Pages 2 0 R /Outlines 6 0 R >>",
                    _PAGES,
                    _page(),
                    _stream(_TEXT),
                    _HELVETICA,
                    b"<< /First 7 0 R /Last 7 0 R /Count 1 >>",
                    b"<< /Title (a) /Parent 6 0 R /Next 7 0 R /First 7 0 R >>",
                ]
            ),
        ),
        (
            "names-tree-loop",
            raw_pdf(
                [
                    b"<< /Type /Catalog /Pages 2 0 R /Names << /Dests 6 0 R >> >>",
                    _PAGES,
                    _page(),
                    _stream(_TEXT),
                    _HELVETICA,
                    b"<< /Kids [6 0 R] >>",
                ]
            ),
        ),
        (
            "numbers-overflow",
            _one_page(_stream(_TEXT)).replace(
                b"/MediaBox [0 0 612 792]", b"/MediaBox [0 0 1e400 99999999999999999999999999999]"
            ),
        ),
        (
            "mediabox-zero",
            _one_page(_stream(_TEXT)).replace(
                b"/MediaBox [0 0 612 792]", b"/MediaBox [0 0 0 0] /Rotate 45"
            ),
        ),
        (
            "mediabox-short",
            _one_page(_stream(_TEXT)).replace(b"/MediaBox [0 0 612 792]", b"/MediaBox [0]"),
        ),
        ("rotate-junk", _one_page(_stream(_TEXT), b"/Rotate /Sideways")),
        ("string-unterminated", _one_page(_stream(_TEXT), b"/Title (" + b"a" * 100_000)),
        ("hex-string-huge", _one_page(_stream(_TEXT), b"/Hex <" + b"41" * 100_000 + b">")),
        ("null-bytes-everywhere", _one_page(_stream(_TEXT)).replace(b" ", b"\x00")),
    ]
    return [Hostile(f"bomb-{name}", data) for name, data in bombs]


def _with_startxref(value: bytes) -> bytes:
    data = _one_page(_stream(_TEXT))
    head, _, _ = data.rpartition(b"startxref\n")
    return head + b"startxref\n" + value + b"\n%%EOF\n"


def _xref_prev_self() -> bytes:
    data = _one_page(_stream(_TEXT))
    start = int(data.rsplit(b"startxref\n", 1)[1].split(b"\n", 1)[0])
    return data.replace(b"trailer\n<<", b"trailer\n<< /Prev %d" % start)


def _xref_stream_loop() -> bytes:
    """An xref stream whose /Prev points back at itself."""
    body = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, obj in enumerate([_CATALOG, _PAGES, _page(), _stream(_TEXT), _HELVETICA], 1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    at = len(body)
    rows = b"\x00\x00\x00\xff" + b"".join(b"\x01" + struct.pack(">H", o) + b"\x00" for o in offsets)
    rows += b"\x01" + struct.pack(">H", at) + b"\x00"
    xref = _stream(rows, b"/Type /XRef /Size 7 /W [1 2 1] /Root 1 0 R /Prev %d" % at)
    body += b"6 0 obj\n" + xref + b"\nendobj\nstartxref\n%d\n%%%%EOF\n" % at
    return bytes(body)


def _many_pages(count: int) -> bytes:
    writer = PdfWriter()
    for _ in range(count):
        writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _huge_image_page() -> bytes:
    image = _stream(
        zlib.compress(b"\x00" * 4096),
        b"/Type /XObject /Subtype /Image /Width 60000 /Height 60000 /BitsPerComponent 8 "
        b"/ColorSpace /DeviceRGB /Filter /FlateDecode",
    )
    return raw_pdf(
        [
            _CATALOG,
            _PAGES,
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
            b"/Resources << /XObject << /Im1 5 0 R >> >> >>",
            _stream(b"q 612 0 0 792 0 0 cm /Im1 Do Q"),
            image,
        ]
    )


# --- damage to real files ------------------------------------------------------------------------


@cache
def text_pdf() -> bytes:
    """A real USCIS-style receipt notice: a text PDF the notice reader understands."""
    return receipt_notice()


@cache
def blank_pdf() -> bytes:
    return pdf_bytes()


def truncations(data: bytes, count: int, *, label: str, eof: bool = False) -> list[Hostile]:
    """`data` cut at `count` offsets spread over the file (and at its very start and end).

    With `eof`, each cut file gets a "%%EOF" line, as a file damaged in the middle (rather than
    cut short) would keep: that passes the upload check and reaches the PDF readers.
    """
    size = len(data)
    offsets = sorted({1, 5, 9, size - 1, size - 6, *(size * n // count for n in range(1, count))})
    tail = b"\n%%EOF\n" if eof else b""
    return [
        Hostile(f"{label}-cut-{offset}{'-eof' if eof else ''}", data[:offset] + tail)
        for offset in offsets
        if 0 < offset < size
    ]


def byte_flips(data: bytes, count: int, *, label: str, seed: int) -> list[Hostile]:
    """`data` with 1 to 16 random bytes changed; the %PDF header and %%EOF tail are kept, so
    the file passes the upload check and its damage is for the reader to find."""
    chooser = random.Random(seed)
    keep_head, keep_tail = 8, 8
    flipped = []
    for number in range(count):
        changed = bytearray(data)
        for _ in range(chooser.randint(1, 16)):
            at = chooser.randrange(keep_head, len(data) - keep_tail)
            changed[at] = chooser.randrange(256)
        flipped.append(Hostile(f"{label}-flip-{number}", bytes(changed)))
    return flipped


def spliced(data: bytes, count: int, *, label: str, seed: int) -> list[Hostile]:
    """A slice of `data` copied over another place, or removed: how a torn write looks."""
    chooser = random.Random(seed)
    out = []
    for number in range(count):
        start = chooser.randrange(10, len(data) - 10)
        end = min(len(data) - 10, start + chooser.randint(1, 400))
        if number % 2:
            changed = data[:start] + data[end:]
        else:
            target = chooser.randrange(10, len(data) - 10)
            changed = data[:target] + data[start:end] + data[target:]
        out.append(Hostile(f"{label}-splice-{number}", changed))
    return out


# --- images --------------------------------------------------------------------------------------


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_claiming(width: int, height: int, *, idat: bytes | None = None) -> bytes:
    """A PNG whose header says width x height, holding a few real rows of pixels at most."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = zlib.compress(b"\x00" * 4096) if idat is None else idat
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", data)
        + _chunk(b"IEND", b"")
    )


def jpeg_claiming(width: int, height: int) -> bytes:
    """A real small JPEG whose frame header (SOF0) is changed to say width x height."""
    data = bytearray(jpeg_bytes(16, 16))
    at = data.find(b"\xff\xc0")
    data[at + 5 : at + 9] = struct.pack(">HH", height, width)
    return bytes(data)


@cache
def heic_bytes(width: int = 64, height: int = 48) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (120, 110, 100)).save(out, format="HEIF")
    return out.getvalue()


def heic_claiming(width: int, height: int) -> bytes:
    """A real small HEIC whose image size property (ispe) says width x height."""
    data = bytearray(heic_bytes())
    at = data.find(b"ispe")
    data[at + 8 : at + 16] = struct.pack(">II", width, height)
    return bytes(data)


def png_bytes(width: int = 40, height: int = 30, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (width, height)).save(out, format="PNG")
    return out.getvalue()


def image_bombs() -> list[Hostile]:
    """Images whose headers claim tens of thousands of pixels a side, or that lie otherwise."""
    out = []
    for width, height in [(60000, 60000), (20000, 20000), (12000, 12000), (65535, 1), (1, 65535)]:
        size = f"{width}x{height}"
        out.append(Hostile(f"png-claims-{size}", png_claiming(width, height), "photo.png"))
        out.append(Hostile(f"jpeg-claims-{size}", jpeg_claiming(width, height), "photo.jpg"))
        out.append(Hostile(f"heic-claims-{size}", heic_claiming(width, height), "photo.heic"))
    out += [
        Hostile("png-zero-size", png_claiming(0, 0), "photo.png"),
        Hostile("jpeg-zero-size", jpeg_claiming(0, 0), "photo.jpg"),
        Hostile("heic-zero-size", heic_claiming(0, 0), "photo.heic"),
        Hostile(
            "png-idat-bomb",
            png_claiming(10000, 10000, idat=zlib.compress(b"\x00" * 30_001 * 3000, 9)),
            "photo.png",
        ),
        Hostile(
            "png-idat-garbage",
            png_claiming(100, 100, idat=b"\x78\x9c" + b"\xff" * 500),
            "photo.png",
        ),
        Hostile(
            "png-16bit-alpha",
            png_bytes(mode="RGBA").replace(b"\x08\x06", b"\x10\x06", 1),
            "photo.png",
        ),
        Hostile("jpeg-eoi-only", b"\xff\xd8\xff\xd9", "photo.jpg"),
        Hostile("jpeg-header-then-eoi", jpeg_bytes(16, 16)[:200] + b"\xff\xd9", "photo.jpg"),
        Hostile("heic-box-size-lie", _heic_box_size_lie(), "photo.heic"),
    ]
    out += truncations(png_bytes(), 12, label="png", eof=False)
    out += [
        Hostile(h.id, h.data, "photo.jpg")
        for h in byte_flips(jpeg_bytes(64, 64), 20, label="jpeg", seed=7)
    ]
    out += [
        Hostile(h.id, h.data, "photo.heic")
        for h in byte_flips(heic_bytes(), 20, label="heic", seed=11)
    ]
    return out


def _heic_box_size_lie() -> bytes:
    data = bytearray(heic_bytes())
    at = data.find(b"meta")
    data[at - 4 : at] = struct.pack(">I", 0x7FFFFFFF)
    return bytes(data)


# --- polyglots, wrong extensions, empty files, other types ---------------------------------------


def _zip_of(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


HTML = b"<html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(2)</script></svg>'


def polyglots_and_impostors() -> list[Hostile]:
    pdf, jpeg, png = blank_pdf(), jpeg_bytes(32, 32), png_bytes()
    zipped = _zip_of({"evil.sh": b"#!/bin/sh\nrm -rf /\n", "doc.pdf": pdf})
    return [
        Hostile("pdf-then-zip", pdf + zipped, "scan.pdf"),
        Hostile("zip-with-pdf-head", pdf[:64] + zipped + b"\n%%EOF\n", "scan.pdf"),
        Hostile("pdf-then-html", pdf + HTML, "scan.pdf"),
        Hostile("pdf-then-html-then-eof", pdf + HTML + b"\n%%EOF\n", "scan.pdf"),
        Hostile("html-then-pdf", HTML + pdf, "scan.pdf"),
        Hostile("html-named-pdf", HTML, "scan.pdf"),
        Hostile(
            "pdf-with-html-object", _one_page(_stream(_TEXT), b"/X (" + HTML + b")"), "scan.pdf"
        ),
        Hostile(
            "pdf-javascript-openaction",
            raw_pdf(
                [
                    b"<< /Type /Catalog /Pages 2 0 R "
                    b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>",
                    _PAGES,
                    _page(),
                    _stream(_TEXT),
                    _HELVETICA,
                ]
            ),
            "scan.pdf",
        ),
        Hostile("jpeg-then-zip", jpeg + zipped, "photo.jpg"),
        Hostile("jpeg-then-pdf", jpeg + pdf, "photo.jpg"),
        Hostile("png-then-html", png + HTML, "photo.png"),
        Hostile(
            "pdf-inside-jpeg-comment",
            jpeg[:2]
            + b"\xff\xfe"
            + struct.pack(">H", min(len(pdf) + 2, 65535))
            + pdf[:65533]
            + jpeg[2:],
            "photo.jpg",
        ),
        Hostile("jpeg-named-pdf", jpeg, "scan.pdf"),
        Hostile("png-named-pdf", png, "scan.pdf"),
        Hostile("heic-named-pdf", heic_bytes(), "scan.pdf"),
        Hostile("pdf-named-jpg", pdf, "photo.jpg"),
        Hostile("pdf-named-png", pdf, "photo.png"),
        Hostile("pdf-named-exe", pdf, "setup.exe"),
        Hostile("pdf-no-extension", pdf, "scan"),
        Hostile("jpeg-named-html", jpeg, "page.html"),
        Hostile("zip-named-pdf", zipped, "scan.pdf"),
        Hostile("svg-named-png", SVG, "photo.png"),
        Hostile("svg", SVG, "image.svg"),
        Hostile("gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "photo.gif"),
        Hostile("bmp", b"BM" + b"\x00" * 60, "photo.bmp"),
        Hostile("tiff", b"II*\x00" + b"\x00" * 60, "scan.tiff"),
        Hostile("webp", b"RIFF\x20\x00\x00\x00WEBPVP8 " + b"\x00" * 30, "photo.webp"),
        Hostile(
            "avif",
            b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf" + b"\x00" * 40,
            "photo.heic",
        ),
        Hostile("windows-exe", b"MZ\x90\x00" + b"\x00" * 200, "scan.pdf"),
        Hostile("elf", b"\x7fELF\x02\x01\x01" + b"\x00" * 200, "scan.pdf"),
        Hostile("plain-text", b"just some words, not a document\n", "notes.pdf"),
        Hostile("pdf-header-only", b"%PDF-1.7\n", "scan.pdf"),
        Hostile("pdf-header-and-eof", b"%PDF-1.7\n%%EOF\n", "scan.pdf"),
        Hostile("pdf-bom-header-eof", b"\xef\xbb\xbf%PDF-1.4\n%%EOF", "scan.pdf"),
        Hostile("pdf-eof-then-zero-padding", pdf + b"\x00" * 70_000, "scan.pdf"),
        Hostile(
            "pdf-random-body",
            b"%PDF-1.4\n" + random.Random(3).randbytes(5000) + b"\n%%EOF",
            "scan.pdf",
        ),
        Hostile("only-zero-bytes", b"\x00" * 1000, "scan.pdf"),
        Hostile("only-whitespace", b" \n\t" * 100, "scan.pdf"),
    ]


EMPTY_NAMES = ("empty.pdf", "empty.jpg", "empty.heic", "", "empty")


def empty_files() -> list[Hostile]:
    return [Hostile(f"empty-{n}", b"", name) for n, name in enumerate(EMPTY_NAMES)]


# --- names ---------------------------------------------------------------------------------------

HOSTILE_NAMES = (
    "../../etc/passwd",
    "../../etc/passwd.pdf",
    "..\\..\\windows\\system32\\config.pdf",
    "/etc/shadow",
    "C:\\Users\\client\\scan.pdf",
    "\\\\server\\share\\scan.pdf",
    "a\x00b.pdf",
    "scan.pdf\x00.exe",
    "\r\n.pdf",
    "\r\nSet-Cookie: x=1\r\n.pdf",
    "line\nbreak.pdf",
    "tab\there.pdf",
    "bell\x07\x1b[31mred.pdf",
    "\x7fdelete.pdf",
    "a" * 300 + ".pdf",
    "b" * 300,
    "é" * 300 + ".pdf",
    "名" * 300 + ".pdf",
    "x." + "y" * 300,
    "scan\u202efdp.exe",
    "\u202escan.pdf",
    "\u200b\u200c\u200d\ufeff.pdf",
    "\u2066isolate\u2069.pdf",
    ".",
    "..",
    "...",
    ".hidden.pdf",
    " . . .pdf",
    "   ",
    "",
    "/",
    "\\",
    "CON.pdf",
    "nul",
    "<script>alert(1)</script>.pdf",
    '"><img src=x onerror=alert(1)>.pdf',
    "'; DROP TABLE document_file; --.pdf",
    "%00%2e%2e%2fetc%2fpasswd.pdf",
    "scan.pdf;rm -rf /",
    "$(reboot).pdf",
    "\ud800.pdf",  # a lone surrogate: not encodable as UTF-8
    "e\u0301\u0301\u0301\u0301.pdf",
    "\U0001f4c4\U0001f525.pdf",
)


def hostile_names() -> list[Hostile]:
    return [Hostile(f"name-{n}", blank_pdf(), name) for n, name in enumerate(HOSTILE_NAMES)]


# --- the corpora the suites use ------------------------------------------------------------------


def damaged_pdfs(scale: int = 1) -> list[Hostile]:
    """A real text PDF and a blank one, cut, flipped and spliced."""
    text, blank = text_pdf(), blank_pdf()
    return [
        *truncations(text, 40 * scale, label="notice", eof=True),
        *truncations(blank, 20 * scale, label="blank", eof=True),
        *truncations(blank, 10, label="blank"),
        *byte_flips(text, 60 * scale, label="notice", seed=1),
        *byte_flips(blank, 40 * scale, label="blank", seed=2),
        *spliced(text, 20 * scale, label="notice", seed=3),
    ]


def hostile_pdfs() -> list[Hostile]:
    """Every hostile input that claims to be a PDF: for the PDF readers."""
    return [
        *structural_bombs(),
        *damaged_pdfs(),
        *[h for h in polyglots_and_impostors() if h.name.endswith(".pdf")],
        *[Hostile(h.id, h.data, "scan.pdf") for h in empty_files()[:1]],
    ]


def upload_files() -> list[Hostile]:
    """Every hostile file for the upload path."""
    return [
        *empty_files(),
        *polyglots_and_impostors(),
        *image_bombs(),
        *hostile_names(),
        *structural_bombs(),
        *truncations(text_pdf(), 20, label="notice"),
        *byte_flips(text_pdf(), 20, label="notice", seed=5),
    ]


def unique(inputs: Iterable[Hostile]) -> Iterator[Hostile]:
    seen = set()
    for hostile in inputs:
        if hostile.id not in seen:
            seen.add(hostile.id)
            yield hostile


def ids(inputs: Iterable[Hostile]) -> list[str]:
    return [hostile.id for hostile in inputs]


def pdf_with_text(lines: list[str]) -> bytes:
    """A one-page PDF printing `lines`, made with reportlab as any office tool would."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=LETTER)
    for number, line in enumerate(lines):
        canvas.drawString(72, 720 - 14 * number, line)
    canvas.save()
    return out.getvalue()


# --- fillable forms ------------------------------------------------------------------------------

_FOOTER = b"BT /F1 9 Tf 72 30 Td (Form I-130 Edition 04/01/24) Tj ET"
_WIDGET = (
    b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (Pt1Line1a_FamilyName[0]) "
    b"/TU (Part 1. 1.a. Family Name) /Rect [100 700 300 720] /P 3 0 R /DA (/Helv 10 Tf 0 g)"
)


def form_pdf(widget: bytes = _WIDGET + b" >>", *more: bytes, fields: bytes = b"[6 0 R]") -> bytes:
    """A one-page fillable form, footer "Form I-130 Edition 04/01/24", one text field (object
    6); `widget` replaces that field, `more` adds objects 7 and on."""
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields "
            + fields
            + b" /DA (/Helv 0 Tf 0 g) >> >>",
            _PAGES,
            _page(b"/Annots [6 0 R]"),
            _stream(_FOOTER),
            _HELVETICA,
            widget,
            *more,
        ]
    )


def hostile_forms() -> list[Hostile]:
    """Fillable forms whose fields attack the reader, and a real form damaged."""
    deep_parents = [b"<< /T (p%d) /Parent %d 0 R >>" % (n, n + 1) for n in range(7, 2007)]
    fields = [
        ("parent-self", form_pdf(_WIDGET + b" /Parent 6 0 R >>")),
        (
            "parent-two-cycle",
            form_pdf(_WIDGET + b" /Parent 7 0 R >>", b"<< /T (up) /Parent 6 0 R >>"),
        ),
        (
            "unnamed-widget-parent-self",
            form_pdf(_WIDGET.replace(b"/T (Pt1Line1a_FamilyName[0])", b"") + b" /Parent 6 0 R >>"),
        ),
        (
            "unnamed-widget-no-parent",
            form_pdf(_WIDGET.replace(b"/T (Pt1Line1a_FamilyName[0])", b"") + b" >>"),
        ),
        (
            "parent-chain-2000",
            form_pdf(_WIDGET + b" /Parent 7 0 R >>", *deep_parents[:-1], b"<< /T (top) >>"),
        ),
        ("parent-missing", form_pdf(_WIDGET + b" /Parent 99 0 R >>")),
        ("parent-is-a-number", form_pdf(_WIDGET + b" /Parent 5 >>")),
        ("maxlen-huge", form_pdf(_WIDGET + b" /MaxLen 99999999999999999999999 >>")),
        ("maxlen-negative", form_pdf(_WIDGET + b" /MaxLen -5 >>")),
        ("maxlen-text", form_pdf(_WIDGET + b" /MaxLen (ten) >>")),
        ("maxlen-float", form_pdf(_WIDGET + b" /MaxLen 3.7e300 >>")),
        ("flags-text", form_pdf(_WIDGET + b" /Ff (all) >>")),
        ("flags-huge", form_pdf(_WIDGET + b" /Ff 99999999999999999999 >>")),
        ("da-junk", form_pdf(_WIDGET.replace(b"/Helv 10 Tf", b"/Helv 1.2.3 Tf") + b" >>")),
        ("da-huge-size", form_pdf(_WIDGET.replace(b"/Helv 10 Tf", b"/Helv 1e308 Tf") + b" >>")),
        (
            "da-zero-rect",
            form_pdf(_WIDGET.replace(b"/Rect [100 700 300 720]", b"/Rect [0 0 0 0]") + b" >>"),
        ),
        ("rect-junk", form_pdf(_WIDGET.replace(b"/Rect [100 700 300 720]", b"/Rect (x)") + b" >>")),
        (
            "rect-short",
            form_pdf(_WIDGET.replace(b"/Rect [100 700 300 720]", b"/Rect [1]") + b" >>"),
        ),
        (
            "name-10000-chars",
            form_pdf(_WIDGET.replace(b"Pt1Line1a_FamilyName[0]", b"N" * 10_000) + b" >>"),
        ),
        (
            "name-html",
            form_pdf(_WIDGET.replace(b"Pt1Line1a_FamilyName[0]", b"<script>x</script>") + b" >>"),
        ),
        (
            "label-100k",
            form_pdf(_WIDGET.replace(b"Part 1. 1.a. Family Name", b"L" * 100_000) + b" >>"),
        ),
        ("choice-options-junk", form_pdf(_WIDGET.replace(b"/FT /Tx", b"/FT /Ch") + b" /Opt 5 >>")),
        (
            "choice-options-nested",
            form_pdf(_WIDGET.replace(b"/FT /Tx", b"/FT /Ch") + b" /Opt [[[[(a)]]] [] [1 2]] >>"),
        ),
        ("checkbox-ap-junk", form_pdf(_WIDGET.replace(b"/FT /Tx", b"/FT /Btn") + b" /AP 7 >>")),
        (
            "checkbox-ap-loop",
            form_pdf(
                _WIDGET.replace(b"/FT /Tx", b"/FT /Btn") + b" /AP << /N 7 0 R >> >>",
                b"<< /Yes 7 0 R >>",
            ),
        ),
        ("annots-not-array", form_pdf().replace(b"/Annots [6 0 R]", b"/Annots 5")),
        ("annots-self", form_pdf().replace(b"/Annots [6 0 R]", b"/Annots [3 0 R]")),
        ("annots-missing", form_pdf().replace(b"/Annots [6 0 R]", b"/Annots [77 0 R 78 0 R]")),
        (
            "annots-100k",
            form_pdf().replace(b"/Annots [6 0 R]", b"/Annots [" + b"6 0 R " * 20_000 + b"]"),
        ),
        ("acroform-not-dict", form_pdf(fields=b"[6 0 R] >> /AcroForm (x) /Y <<")),
        ("fields-loop", form_pdf(_WIDGET + b" /Kids [6 0 R] >>")),
        (
            "xfa-only",
            form_pdf(
                _WIDGET.replace(b"/Subtype /Widget", b"/Subtype /Link") + b" >>",
                fields=b"[] /XFA (x)",
            ),
        ),
        ("footer-edition-impossible", form_pdf().replace(b"04/01/24", b"99/99/99")),
        ("footer-form-number-huge", form_pdf().replace(b"I-130", b"I-" + b"9" * 4)),
        (
            "metadata-loop",
            raw_pdf(
                [
                    b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [6 0 R] >> >>",
                    _PAGES,
                    _page(b"/Annots [6 0 R]"),
                    _stream(_FOOTER),
                    _HELVETICA,
                    _WIDGET + b" >>",
                    b"<< /Title 7 0 R >>",
                ],
                trailer_extra=b"/Info 7 0 R ",
            ),
        ),
    ]
    form = form_pdf()
    return [
        *(Hostile(f"form-{name}", data, "form.pdf") for name, data in fields),
        *(Hostile(h.id, h.data, "form.pdf") for h in truncations(form, 30, label="form", eof=True)),
        *(Hostile(h.id, h.data, "form.pdf") for h in byte_flips(form, 60, label="form", seed=9)),
        *(Hostile(h.id, h.data, "form.pdf") for h in spliced(form, 20, label="form", seed=13)),
    ]
