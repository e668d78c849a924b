"""The encrypted document store, upload checks, photo pages and download names, on real files."""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import stat
import threading
import time
import unicodedata
from datetime import date
from pathlib import Path

import pillow_heif
import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter

from immigration_app.services import storage
from immigration_app.services.storage import (
    HEADER_SIZE,
    SEALED_SEGMENT_SIZE,
    SEGMENT_SIZE,
    DocumentCorrupt,
    StagedFile,
    UploadRefused,
    commit,
    delete_blob,
    document_key,
    download_name,
    photo_to_pdf,
    read_all,
    read_blob,
    safe_original_name,
    sniff_type,
    start_upload,
    store_bytes,
    sweep_stale_uploads,
)
from immigration_app.settings import Settings

KiB = 1024
MiB = 1024 * KiB


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings.from_env({"DATA_DIR": str(tmp_path)})


# --- real inputs, made here -----------------------------------------------------------------------


def pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=612, height=792)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def photo(width: int, height: int) -> Image.Image:
    """A photo-like picture (a gradient with detail), so encoders produce a real amount of data."""
    gradient = Image.linear_gradient("L").resize((width, height))
    return Image.merge("RGB", (gradient, gradient.transpose(Image.Transpose.ROTATE_180), gradient))


def jpeg_bytes(width: int = 400, height: int = 300, *, orientation: int | None = None) -> bytes:
    out = io.BytesIO()
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    photo(width, height).save(out, format="JPEG", quality=85, exif=exif.tobytes())
    return out.getvalue()


def png_bytes(width: int = 300, height: int = 200, *, mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    photo(width, height).convert(mode).save(out, format="PNG")
    return out.getvalue()


def heic_bytes(width: int = 320, height: int = 240) -> bytes:
    if not pillow_heif.libheif_info().get("HEIF"):
        pytest.skip("this pillow-heif wheel has no HEIC encoder")
    pillow_heif.register_heif_opener()
    out = io.BytesIO()
    photo(width, height).save(out, format="HEIF", quality=80)
    return out.getvalue()


EXE = b"MZ\x90\x00" + b"\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(4000)


# --- helpers --------------------------------------------------------------------------------------


def upload(settings: Settings, name: str, data: bytes, chunk: int = 4 * KiB) -> StagedFile:
    """Stream `data` in and finish; the staged file is committed so it outlives the block."""
    with start_upload(name, settings=settings) as staged_upload:
        for start in range(0, len(data), chunk):
            staged_upload.write(data[start : start + chunk])
        staged = staged_upload.finish()
        commit(staged, settings=settings)
    return staged


def refusal(settings: Settings, name: str, data: bytes, **options) -> UploadRefused:
    with (
        pytest.raises(UploadRefused) as caught,
        start_upload(name, settings=settings, **options) as up,
    ):
        for start in range(0, len(data), 4 * KiB):
            up.write(data[start : start + 4 * KiB])
        up.finish()
    return caught.value


def files_in(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def blob_path(settings: Settings, blob_name: str) -> Path:
    return settings.documents_dir / blob_name


# --- encryption -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "size",
    [0, 1, 1000, SEGMENT_SIZE - 1, SEGMENT_SIZE, SEGMENT_SIZE + 1, 2 * SEGMENT_SIZE, MiB + 3],
)
def test_round_trip_at_segment_edges(settings: Settings, size: int):
    data = os.urandom(size)
    blob_name, sha256 = store_bytes(data, settings=settings)
    assert sha256 == hashlib.sha256(data).hexdigest()
    pieces = list(read_blob(blob_name, settings=settings))
    assert b"".join(pieces) == data
    assert all(0 < len(piece) <= SEGMENT_SIZE for piece in pieces)
    # Every segment costs a 16-byte tag; a file always has at least one (the last) segment.
    segments = max(1, -(-size // SEGMENT_SIZE))
    assert blob_path(settings, blob_name).stat().st_size == HEADER_SIZE + size + 16 * segments


def test_streamed_upload_round_trips_whatever_the_piece_sizes(settings: Settings):
    data = pdf_bytes() + b"%" + os.urandom(3 * SEGMENT_SIZE) + b"\n%%EOF\n"
    for chunk in (7, 777, SEGMENT_SIZE, SEGMENT_SIZE + 5, len(data)):
        with start_upload("big.pdf", settings=settings) as up:
            for start in range(0, len(data), chunk):
                up.write(data[start : start + chunk])
            blob_name = commit(up.finish(), settings=settings)
        assert read_all(blob_name, settings=settings) == data


def test_the_blob_on_disk_does_not_contain_the_plaintext(settings: Settings):
    secret = b"PASSPORT NUMBER X1234567 ANA GARCIA " * 4000
    blob_name, _ = store_bytes(secret, settings=settings)
    on_disk = blob_path(settings, blob_name).read_bytes()
    assert on_disk.startswith(b"CDE1")
    assert b"PASSPORT" not in on_disk
    assert b"X1234567" not in on_disk
    # Two stores of the same content are unrelated on disk (fresh salt and nonce prefix).
    again, _ = store_bytes(secret, settings=settings)
    assert blob_path(settings, again).read_bytes()[:200] != on_disk[:200]


def stored(settings: Settings, size: int = MiB + 3) -> tuple[str, Path, bytes]:
    blob_name, _ = store_bytes(os.urandom(size), settings=settings)
    path = blob_path(settings, blob_name)
    return blob_name, path, path.read_bytes()


def test_one_changed_byte_anywhere_is_refused(settings: Settings):
    blob_name, path, raw = stored(settings)
    for position in (0, 5, HEADER_SIZE - 1, HEADER_SIZE + 10, len(raw) // 2, len(raw) - 1):
        changed = bytearray(raw)
        changed[position] ^= 0x01
        path.write_bytes(bytes(changed))
        with pytest.raises(DocumentCorrupt):
            read_all(blob_name, settings=settings)


def test_a_cut_short_file_is_refused(settings: Settings):
    blob_name, path, raw = stored(settings)
    # Cut inside the last segment, exactly at a segment boundary, and down to the bare header.
    boundary = HEADER_SIZE + 4 * SEALED_SEGMENT_SIZE
    for length in (len(raw) - 1, len(raw) - 17, boundary, HEADER_SIZE, 3):
        path.write_bytes(raw[:length])
        with pytest.raises(DocumentCorrupt):
            read_all(blob_name, settings=settings)


def test_a_cut_at_the_last_full_segment_is_refused_even_when_sizes_line_up(settings: Settings):
    blob_name, path, raw = stored(settings, size=2 * SEGMENT_SIZE)
    # One full segment is left, which looks like a complete 64 KiB file, but it was not sealed
    # as the last one.
    path.write_bytes(raw[: HEADER_SIZE + SEALED_SEGMENT_SIZE])
    with pytest.raises(DocumentCorrupt):
        read_all(blob_name, settings=settings)


def test_swapped_or_repeated_segments_are_refused(settings: Settings):
    blob_name, path, raw = stored(settings)
    header, body = raw[:HEADER_SIZE], raw[HEADER_SIZE:]
    first, second = body[:SEALED_SEGMENT_SIZE], body[SEALED_SEGMENT_SIZE : 2 * SEALED_SEGMENT_SIZE]
    rest = body[2 * SEALED_SEGMENT_SIZE :]
    path.write_bytes(header + second + first + rest)
    with pytest.raises(DocumentCorrupt):
        read_all(blob_name, settings=settings)
    path.write_bytes(header + first + first + rest)
    with pytest.raises(DocumentCorrupt):
        read_all(blob_name, settings=settings)
    path.write_bytes(raw + rest[-50:])  # something appended
    with pytest.raises(DocumentCorrupt):
        read_all(blob_name, settings=settings)


def test_a_segment_from_another_document_is_refused(settings: Settings):
    blob_name, path, raw = stored(settings)
    _, _, other = stored(settings)
    segment = slice(HEADER_SIZE, HEADER_SIZE + SEALED_SEGMENT_SIZE)
    spliced = bytearray(raw)
    spliced[segment] = other[segment]
    path.write_bytes(bytes(spliced))
    with pytest.raises(DocumentCorrupt):
        read_all(blob_name, settings=settings)


def test_damage_shows_only_once_reading_reaches_it(settings: Settings):
    blob_name, path, raw = stored(settings)
    changed = bytearray(raw)
    changed[-1] ^= 0xFF
    path.write_bytes(bytes(changed))
    pieces = read_blob(blob_name, settings=settings)
    assert len(next(pieces)) == SEGMENT_SIZE  # the start is still good
    with pytest.raises(DocumentCorrupt, match="damaged"):
        list(pieces)


# --- the key --------------------------------------------------------------------------------------


def test_the_key_file_is_made_once_private_and_reused(settings: Settings):
    key_file = settings.document_key_file
    assert not key_file.exists()
    key = document_key(settings)
    assert len(key) == 32
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert base64.urlsafe_b64decode(key_file.read_bytes().strip()) == key
    written = key_file.read_bytes()
    blob_name, _ = store_bytes(b"kept across restarts", settings=settings)

    storage._KEYS.clear()  # as a restarted process would be
    assert document_key(settings) == key
    assert key_file.read_bytes() == written
    assert read_all(blob_name, settings=settings) == b"kept across restarts"


def test_workers_racing_at_first_start_end_with_one_key(settings: Settings):
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    start = threading.Barrier(8)
    keys: list[bytes] = []

    def first_start():
        start.wait()
        keys.append(storage._load_or_create_key(settings.document_key_file))

    workers = [threading.Thread(target=first_start) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert len(keys) == 8
    assert len(set(keys)) == 1
    assert base64.urlsafe_b64decode(settings.document_key_file.read_bytes().strip()) == keys[0]


def test_a_damaged_key_file_is_not_replaced(settings: Settings):
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    settings.document_key_file.write_bytes(b"not a key\n")
    with pytest.raises(ValueError, match="does not hold a document key"):
        storage._read_key_file(settings.document_key_file, patience_seconds=0)
    assert settings.document_key_file.read_bytes() == b"not a key\n"


def test_document_key_from_the_environment_wins(tmp_path: Path):
    key = os.urandom(32)
    env_settings = Settings.from_env(
        {"DATA_DIR": str(tmp_path), "DOCUMENT_KEY": base64.urlsafe_b64encode(key).decode()}
    )
    assert document_key(env_settings) == key
    assert not env_settings.document_key_file.exists()
    blob_name, _ = store_bytes(b"sealed with the env key", settings=env_settings)
    assert read_all(blob_name, settings=env_settings) == b"sealed with the env key"

    # Without DOCUMENT_KEY the same folder uses (and makes) the key file: a different key.
    file_settings = Settings.from_env({"DATA_DIR": str(tmp_path)})
    with pytest.raises(DocumentCorrupt, match="document key"):
        read_all(blob_name, settings=file_settings)


# --- settings -------------------------------------------------------------------------------------


def test_document_settings_defaults(settings: Settings, tmp_path: Path):
    assert settings.document_key is None
    assert settings.upload_limit_mb == 25
    assert settings.documents_dir == tmp_path / "documents"
    assert settings.document_key_file == tmp_path / "document.key"


def test_document_key_setting_accepts_base64_with_or_without_padding():
    key = os.urandom(32)
    for text in (
        base64.urlsafe_b64encode(key).decode(),
        base64.urlsafe_b64encode(key).decode().rstrip("="),
        base64.b64encode(key).decode(),  # what `openssl rand -base64 32` prints
        f"  {base64.urlsafe_b64encode(key).decode()}\n",
    ):
        parsed = Settings.from_env({"DOCUMENT_KEY": text})
        assert parsed.document_key == key
        assert base64.urlsafe_b64encode(key).decode() not in repr(parsed)


@pytest.mark.parametrize(
    "value", ["short", "x" * 44, base64.urlsafe_b64encode(os.urandom(31)).decode(), "ab$cd" * 9]
)
def test_a_bad_document_key_names_the_variable_not_the_value(value: str):
    with pytest.raises(ValueError, match="DOCUMENT_KEY") as caught:
        Settings.from_env({"DOCUMENT_KEY": value})
    assert value not in str(caught.value)


@pytest.mark.parametrize("value", ["0", "2049", "ten", "2.5"])
def test_a_bad_upload_limit_is_refused(value: str):
    with pytest.raises(ValueError, match="UPLOAD_LIMIT_MB"):
        Settings.from_env({"UPLOAD_LIMIT_MB": value})


# --- upload checks --------------------------------------------------------------------------------


def test_too_large_is_refused_the_moment_the_limit_is_crossed(settings: Settings):
    accepted = 0
    with start_upload("scan.pdf", limit_bytes=1000, settings=settings) as up:
        with pytest.raises(UploadRefused) as caught:
            for _ in range(10):
                up.write(b"%" * 300)
                accepted += 300
        assert accepted == 900  # the fourth piece would have made 1200
        assert caught.value.code == "too_large"
        assert "Nothing was saved" in caught.value.message
        assert files_in(settings.documents_dir) == []  # gone at once, not when the block ends
        with pytest.raises(RuntimeError):
            up.write(b"more")
    assert files_in(settings.documents_dir) == []


def test_the_default_limit_comes_from_upload_limit_mb(tmp_path: Path):
    small = Settings.from_env({"DATA_DIR": str(tmp_path), "UPLOAD_LIMIT_MB": "1"})
    with start_upload("scan.pdf", settings=small) as up:
        up.write(b"%" * MiB)  # exactly the limit is allowed
        with pytest.raises(UploadRefused, match="1 MB") as caught:
            up.write(b"%")
    assert caught.value.code == "too_large"
    assert files_in(small.documents_dir) == []


def test_an_empty_file_is_refused(settings: Settings):
    refused = refusal(settings, "scan.pdf", b"")
    assert refused.code == "empty"
    assert files_in(settings.documents_dir) == []


def test_a_program_renamed_to_pdf_is_refused(settings: Settings):
    refused = refusal(settings, "invoice.pdf", EXE)
    assert refused.code == "unsupported_type"
    assert refused.message == (
        "This file is not a PDF or a photo (JPEG, PNG or HEIC). Nothing was saved."
    )
    assert files_in(settings.documents_dir) == []


@pytest.mark.parametrize(
    "data",
    [b"just some text, not a document\n" * 10, b"GIF89a" + bytes(100), b"<html></html>"],
    ids=["text", "gif", "html"],
)
def test_other_types_are_refused(settings: Settings, data: bytes):
    assert refusal(settings, "scan.jpg", data).code == "unsupported_type"


def test_a_truncated_pdf_is_refused_as_damaged(settings: Settings):
    refused = refusal(settings, "passport.pdf", pdf_bytes()[:-100])
    assert refused.code == "damaged"
    assert files_in(settings.documents_dir) == []


def test_a_pdf_whose_end_marker_is_far_back_is_refused(settings: Settings):
    # Readers look for %%EOF near the end; 5 KiB of junk after it is a file that was not saved
    # whole (or was tampered with).
    assert refusal(settings, "passport.pdf", pdf_bytes() + b"x" * 5000).code == "damaged"


def test_a_truncated_jpeg_is_refused_as_damaged(settings: Settings):
    jpeg = jpeg_bytes()
    assert refusal(settings, "photo.jpg", jpeg[: len(jpeg) // 2]).code == "damaged"
    assert refusal(settings, "photo.jpg", jpeg[:-2]).code == "damaged"
    assert files_in(settings.documents_dir) == []


def test_a_jpeg_padded_with_zeros_is_accepted(settings: Settings):
    staged = upload(settings, "photo.jpg", jpeg_bytes() + bytes(10 * KiB))
    assert staged.media_type == "image/jpeg"


def test_a_truncated_png_is_refused_as_damaged(settings: Settings):
    assert refusal(settings, "scan.png", png_bytes()[:-5]).code == "damaged"


@pytest.mark.parametrize(
    ("make", "name", "media_type", "extension"),
    [
        (pdf_bytes, "Passport.PDF", "application/pdf", "pdf"),
        (jpeg_bytes, "IMG_0001.JPG", "image/jpeg", "jpg"),
        (png_bytes, "screenshot.png", "image/png", "png"),
        (heic_bytes, "IMG_0002.HEIC", "image/heic", "heic"),
    ],
)
def test_accepted_types_are_told_by_content(
    settings: Settings, make, name: str, media_type: str, extension: str
):
    data = make()
    staged = upload(settings, name, data)
    assert (staged.media_type, staged.extension) == (media_type, extension)
    assert staged.size == len(data)
    assert staged.sha256 == hashlib.sha256(data).hexdigest()
    assert staged.original_name == name


def test_the_type_comes_from_the_content_not_the_name(settings: Settings):
    staged = upload(settings, "scan.pdf", jpeg_bytes())
    assert (staged.media_type, staged.extension) == ("image/jpeg", "jpg")


def test_a_truncated_heic_is_refused_as_damaged(settings: Settings):
    heic = heic_bytes()
    assert refusal(settings, "IMG_0003.HEIC", heic[:-40]).code == "damaged"
    assert refusal(settings, "IMG_0003.HEIC", heic[:200]).code == "damaged"


def test_heif_brands_beyond_heic_are_recognised():
    def ftyp(major: bytes, *compatible: bytes) -> bytes:
        body = major + bytes(4) + b"".join(compatible)
        return (8 + len(body)).to_bytes(4, "big") + b"ftyp" + body + bytes(64)

    assert sniff_type(ftyp(b"heic", b"mif1", b"heic")) == ("image/heic", "heic")
    assert sniff_type(ftyp(b"heix", b"mif1", b"heix")) == ("image/heic", "heic")
    assert sniff_type(ftyp(b"mif1", b"mif1", b"heix")) == ("image/heif", "heic")
    assert sniff_type(ftyp(b"avif", b"mif1", b"avif")) is None
    assert sniff_type(ftyp(b"isom", b"isom", b"mp41")) is None  # a video


# --- staging and committing -----------------------------------------------------------------------


def test_a_committed_upload_is_in_the_store_and_staging_is_empty(settings: Settings):
    data = pdf_bytes(pages=3)
    with start_upload("passport.pdf", settings=settings) as up:
        up.write(data)
        staged = up.finish()
        assert staged.temp_path.parent == settings.documents_dir / "tmp"
        assert staged.temp_path.exists()
        blob_name = commit(staged, settings=settings)
    assert re.fullmatch(r"([0-9a-f]{2})/\1[0-9a-f]{30}\.bin", blob_name)
    assert read_all(blob_name, settings=settings) == data
    assert files_in(settings.documents_dir / "tmp") == []
    assert files_in(settings.documents_dir) == [blob_path(settings, blob_name)]
    assert stat.S_IMODE(blob_path(settings, blob_name).stat().st_mode) == 0o600


def test_an_upload_not_committed_leaves_nothing_behind(settings: Settings):
    with start_upload("passport.pdf", settings=settings) as up:
        up.write(pdf_bytes())
        staged = up.finish()
        assert staged.temp_path.exists()
    assert not staged.temp_path.exists()

    with pytest.raises(KeyError), start_upload("passport.pdf", settings=settings) as up:
        up.write(pdf_bytes()[:100])
        raise KeyError("the request went away")
    assert files_in(settings.documents_dir) == []


def test_commit_only_moves_files_from_the_staging_folder(settings: Settings, tmp_path: Path):
    stray = tmp_path / "elsewhere.part"
    stray.write_bytes(b"x")
    fake = StagedFile(stray, 1, "0" * 64, "application/pdf", "pdf", "x.pdf")
    with pytest.raises(ValueError, match="not a staged upload"):
        commit(fake, settings=settings)
    assert stray.exists()


def test_delete_blob_removes_it_and_missing_is_fine(settings: Settings):
    blob_name, _ = store_bytes(b"row never written", settings=settings)
    delete_blob(blob_name, settings=settings)
    assert not blob_path(settings, blob_name).exists()
    delete_blob(blob_name, settings=settings)
    with pytest.raises(FileNotFoundError):
        read_blob(blob_name, settings=settings)


@pytest.mark.parametrize(
    "name",
    [
        "../x",
        "../../document.key",
        "/etc/passwd",
        "ab/../../x.bin",
        "ab/cd" + "0" * 30 + ".bin",  # folder and name disagree
        "AB/AB" + "0" * 30 + ".bin",
        "ab/ab" + "0" * 30 + ".bin/..",
        "tmp/x.part",
        "",
    ],
)
def test_blob_names_not_made_here_are_refused(settings: Settings, name: str):
    with pytest.raises(ValueError, match="Not a document blob name"):
        read_blob(name, settings=settings)
    with pytest.raises(ValueError, match="Not a document blob name"):
        delete_blob(name, settings=settings)


def test_sweep_removes_old_staging_files_only(settings: Settings):
    assert sweep_stale_uploads(settings=settings) == 0  # nothing staged yet, no folder
    storage._staging_dir(settings)
    left_by_crash = settings.documents_dir / "tmp" / "0123456789abcdef0123456789abcdef.part"
    left_by_crash.write_bytes(b"CDE1 half an upload")
    two_hours_ago = time.time() - 7200
    os.utime(left_by_crash, (two_hours_ago, two_hours_ago))
    blob_name, _ = store_bytes(b"a stored document", settings=settings)
    os.utime(blob_path(settings, blob_name), (two_hours_ago, two_hours_ago))

    with start_upload("b.pdf", settings=settings) as in_progress:
        in_progress.write(b"%PDF-1.7\n")
        assert sweep_stale_uploads(3600, settings=settings) == 1
        assert not left_by_crash.exists()
        assert in_progress.temp_path.exists()
    assert read_all(blob_name, settings=settings) == b"a stored document"


# --- names ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/pas\u0000swd", "passwd"),
        ("Pasaporte_José.pdf", "Pasaporte_José.pdf"),
        (unicodedata.normalize("NFD", "Pasaporte_José.pdf"), "Pasaporte_José.pdf"),
        ("C:\\Users\\ana\\Desktop\\acta de nacimiento.pdf", "acta de nacimiento.pdf"),
        ("паспорт 护照.jpg", "паспорт 护照.jpg"),
        ("photo\u202egpj.exe", "photogpj.exe"),  # no right-to-left override disguise
        ("  scan\t\n 1 .pdf  ", "scan 1 .pdf"),
        ("..", "upload"),
        ("", "upload"),
        ("scans/old/", "upload"),
        (".bashrc", "bashrc"),
    ],
)
def test_original_names_are_cleaned(given: str, kept: str):
    assert safe_original_name(given) == kept


def test_long_original_names_are_cut_keeping_the_extension():
    cleaned = safe_original_name("á" * 300 + ".pdf")
    assert len(cleaned) == 120
    assert cleaned.endswith("á.pdf")
    assert len(safe_original_name("b" * 300)) == 120


def test_the_staged_file_carries_the_cleaned_name(settings: Settings):
    staged = upload(settings, "..\\..\\Pasaporte_José.pdf", pdf_bytes())
    assert staged.original_name == "Pasaporte_José.pdf"


@pytest.mark.parametrize(
    ("member", "expected"),
    [
        ("Garcia Lopez Maria", "Garcia-Lopez-Maria"),
        ("García López, María", "Garcia-Lopez-Maria"),
        ("Ñúñez", "Nunez"),
        ("Łukasz Wróbel-Straße", "Lukasz-Wrobel-Strasse"),
        ("../../etc/passwd", "etcpasswd"),
        ("  --Anne -- Marie--  ", "Anne-Marie"),
        ("Mary_Jane", "Mary-Jane"),
        ("王芳", "member"),
        ("", "member"),
    ],
)
def test_download_name_member_part(member: str, expected: str):
    name = download_name("2026-0042", member, "passport", date(2026, 11, 26), 2, "pdf")
    assert name == f"2026-0042_{expected}_passport_20261126_v2.pdf"


def test_download_name_matches_the_documented_example():
    assert (
        download_name("2026-0042", "Garcia Lopez Maria", "passport", date(2026, 11, 26), 2, "pdf")
        == "2026-0042_Garcia-Lopez-Maria_passport_20261126_v2.pdf"
    )


def test_download_name_member_part_is_at_most_40_characters():
    name = download_name(
        "2026-0042", "Wolfeschlegelsteinhausen " * 5, "i94", date(2026, 1, 2), 1, "jpg"
    )
    member = name.split("_")[1]
    assert len(member) <= 40
    assert not member.endswith("-")
    assert name.endswith("_i94_20260102_v1.jpg")


def test_no_path_separator_survives_in_any_part():
    name = download_name("../2026/0042", "a/b\\c", "..\\passport/x", date(2026, 3, 4), 3, "../pdf")
    assert "/" not in name
    assert "\\" not in name
    assert ".." not in name
    assert name == "20260042_abc_passportx_20260304_v3.pdf"


# --- photo to PDF ---------------------------------------------------------------------------------

PLACED = re.compile(rb"([\d.]+) 0 0 ([\d.]+) ([\d.]+) ([\d.]+) cm")


def placed_image(pdf: bytes) -> tuple[float, float, float, float]:
    """(width, height, x, y) of the one image on the one Letter page."""
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert (float(page.mediabox.width), float(page.mediabox.height)) == (612, 792)
    assert page.get("/Rotate", 0) == 0
    match = PLACED.search(page.get_contents().get_data())
    assert match is not None
    width, height, x, y = (float(number) for number in match.groups())
    # Inside the half-inch margins, never past the paper.
    assert x >= 36 - 0.01 and y >= 36 - 0.01
    assert x + width <= 612 - 36 + 0.01 and y + height <= 792 - 36 + 0.01
    return width, height, x, y


def test_a_landscape_jpeg_fills_the_page_width():
    width, height, _, _ = placed_image(photo_to_pdf(jpeg_bytes(1600, 1200), "image/jpeg"))
    assert width == pytest.approx(540)
    assert width / height == pytest.approx(1600 / 1200, rel=1e-3)


def test_a_portrait_jpeg_fills_the_page_height():
    width, height, _, _ = placed_image(photo_to_pdf(jpeg_bytes(600, 1000), "image/jpeg"))
    assert height == pytest.approx(720)
    assert width / height == pytest.approx(600 / 1000, rel=1e-3)


def test_a_jpeg_goes_in_unchanged():
    jpeg = jpeg_bytes(800, 600)
    assert jpeg in photo_to_pdf(jpeg, "image/jpeg")  # embedded as is: nothing lost


def test_exif_orientation_turns_the_picture_not_the_page():
    # Stored 800x600 with "rotate 90°": the phone was held upright, so the page shows portrait.
    width, height, _, _ = placed_image(
        photo_to_pdf(jpeg_bytes(800, 600, orientation=6), "image/jpeg")
    )
    assert height == pytest.approx(720)
    assert width / height == pytest.approx(600 / 800, rel=1e-3)


@pytest.mark.parametrize("mode", ["RGB", "RGBA", "L", "P"])
def test_a_png_becomes_one_letter_page(mode: str):
    width, height, _, _ = placed_image(photo_to_pdf(png_bytes(300, 200, mode=mode), "image/png"))
    assert width == pytest.approx(540)
    assert width / height == pytest.approx(300 / 200, rel=1e-3)


def test_a_heic_becomes_one_letter_page():
    width, height, _, _ = placed_image(photo_to_pdf(heic_bytes(320, 480), "image/heic"))
    assert height == pytest.approx(720)
    assert width / height == pytest.approx(320 / 480, rel=1e-2)


def test_an_unreadable_photo_is_refused_as_damaged():
    with pytest.raises(UploadRefused) as caught:
        photo_to_pdf(b"\xff\xd8\xff\xe0 not really a jpeg", "image/jpeg")
    assert caught.value.code == "damaged"
    with pytest.raises(ValueError, match="JPEG, PNG or HEIC"):
        photo_to_pdf(pdf_bytes(), "application/pdf")


def test_a_photo_page_can_be_stored_and_read_back(settings: Settings):
    staged = upload(settings, "IMG_0001.jpg", jpeg_bytes())
    page = photo_to_pdf(jpeg_bytes(), staged.media_type)
    blob_name, sha256 = store_bytes(page, settings=settings)
    assert sha256 == hashlib.sha256(page).hexdigest()
    assert len(PdfReader(io.BytesIO(read_all(blob_name, settings=settings))).pages) == 1
