"""Client documents at rest: an encrypted blob store, and the road an upload takes into it.

Passports, birth certificates and asylum declarations are the most sensitive thing the firm holds,
and DATA_DIR is what ends up in backups, on old disks and in support tarballs. So every document is
encrypted on the way in and nothing readable is ever written to disk, not even while an upload is
in progress. The key is DOCUMENT_KEY, or DATA_DIR/document.key, created on first use; losing it
loses every document, so it belongs in the firm's backups (stored apart from the data).

Blob format ("CDE1"). AES-GCM encrypts a message in one piece, so a large file is cut into
segments, as Tink's streaming AEAD and age's STREAM do:

    header   = b"CDE1" | salt (16 random bytes) | nonce prefix (7 random bytes)      27 bytes
    file key = HKDF-SHA256(document key, salt, info=b"case-desk document CDE1")      32 bytes
    segment  = AES-256-GCM(file key, nonce, 64 KiB of plaintext, associated data = header)
    nonce    = nonce prefix | segment number (4 bytes, big-endian) | 1 if last segment else 0

Every file has one last segment (it may be empty, and it may be a full 64 KiB); the others are
exactly 64 KiB of plaintext plus a 16-byte tag. The numbered nonce makes reordered segments fail,
the last-segment flag makes a file cut at a segment boundary fail, and the header as associated
data makes a changed header fail: all three raise `DocumentCorrupt`. The per-file key is Tink's
construction: with one key for every file, a repeated 7-byte nonce prefix (GCM's one fatal misuse)
would grow likely with the square of the number of files, about one in a million by 400,000.

An upload is streamed in: `start_upload` gives a `StagedUpload`, whose `write` encrypts each piece
into DATA_DIR/documents/tmp as it arrives and refuses the upload the moment it grows past the limit;
`finish` checks what the file really is (from its first bytes, not its name) and that it arrived
whole, then `commit` moves it into place with a rename. The caller records the database row after
that, and calls `delete_blob` if its transaction fails. This module never touches the database.

    with start_upload(name) as upload:     # leaving the block removes anything not committed
        for piece in pieces:
            upload.write(piece)            # UploadRefused("too_large") as soon as it is too big
        staged = upload.finish()           # UploadRefused: empty, unsupported_type, damaged
        blob_name = commit(staged)
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import os
import re
import time
import unicodedata
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import BinaryIO

import filetype
import img2pdf
import pillow_heif
import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from PIL import Image, ImageOps
from sqlalchemy.orm import Session

from immigration_app.services.folding import ascii_fold
from immigration_app.settings import Settings, get_settings

# Pillow learns to open HEIC/HEIF (iPhone photos). Registering twice is harmless.
pillow_heif.register_heif_opener()

MAGIC = b"CDE1"
SALT_SIZE = 16
PREFIX_SIZE = 7
HEADER_SIZE = len(MAGIC) + SALT_SIZE + PREFIX_SIZE
SEGMENT_SIZE = 64 * 1024
TAG_SIZE = 16
SEALED_SEGMENT_SIZE = SEGMENT_SIZE + TAG_SIZE
MAX_SEGMENTS = 2**32  # the segment number has 4 bytes: 256 TiB, far past any upload limit
KEY_SIZE = 32
_HKDF_INFO = b"case-desk document CDE1"

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
HEIC = "image/heic"
HEIF = "image/heif"
PHOTO_TYPES = (JPEG, PNG, HEIC, HEIF)

# filetype needs at most this many leading bytes to name a type.
SNIFF_BYTES = 8192
# A PDF's %%EOF marker is near its end; readers look in the last 1 KiB, we allow twice that.
TAIL_BYTES = 2048
# Opening a HEIC with libheif means holding it in memory; iPhone photos are 1-5 MB.
HEIC_PROBE_BYTES = 64 * 1024 * 1024

_BLOB_NAME = re.compile(r"([0-9a-f]{2})/\1[0-9a-f]{30}\.bin")
_TEMP_SUFFIX = ".part"
# The folder under DATA_DIR/documents where uploads wait, encrypted, until they are committed.
STAGING_DIR = "tmp"


class DocumentCorrupt(Exception):
    """A stored blob does not decrypt: changed, cut short, reordered, or sealed with another key."""


class UploadRefused(Exception):
    """An upload that will not be stored. `message` is an English sentence for the person who
    uploaded; callers translate by `code`: too_large, empty, unsupported_type or damaged."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _refused(code: str, *, limit_bytes: int = 0) -> UploadRefused:
    messages = {
        "too_large": f"This file is larger than the {human_size(limit_bytes)} limit. "
        "Nothing was saved.",
        "empty": "This file is empty. Nothing was saved.",
        "unsupported_type": "This file is not a PDF or a photo (JPEG, PNG or HEIC). "
        "Nothing was saved.",
        "damaged": "This file looks damaged or incomplete, so it was not saved. "
        "Please try saving or scanning it again.",
    }
    return UploadRefused(code, messages[code])


def human_size(size: int) -> str:
    """A size as people read it: 812 bytes, 12.3 KB, 4.5 MB."""
    if size >= 1024 * 1024:
        return f"{round(size / (1024 * 1024), 1):g} MB"
    if size >= 1024:
        return f"{round(size / 1024, 1):g} KB"
    return f"{size} bytes"


# --- the key --------------------------------------------------------------------------------------

_KEYS: dict[Path, bytes] = {}  # key file path -> key; read once per process


def document_key(settings: Settings | None = None) -> bytes:
    """The 32-byte document key: DOCUMENT_KEY if set, else DATA_DIR/document.key (made if absent).

    The key file holds the key in URL-safe base64 and a newline, the same text DOCUMENT_KEY takes,
    so an admin can move it into the environment unchanged.
    """
    settings = settings or get_settings()
    if settings.document_key is not None:
        return settings.document_key
    path = settings.document_key_file
    if path not in _KEYS:
        _KEYS[path] = _load_or_create_key(path)
    return _KEYS[path]


def _load_or_create_key(path: Path) -> bytes:
    if path.exists():
        return _read_key_file(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    key = os.urandom(KEY_SIZE)
    try:
        # O_EXCL: when two workers start at once, exactly one creates the file.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_key_file(path)  # the other worker won; use its key
    with os.fdopen(fd, "wb") as key_file:
        key_file.write(key_text(key))
        key_file.flush()
        os.fsync(key_file.fileno())
    fsync_dir(path.parent)
    return key


def _read_key_file(path: Path, *, patience_seconds: float = 3.0) -> bytes:
    # A worker that just lost the creation race can find the file still empty for a moment, so
    # an unreadable key is read again for a few seconds before it is declared damaged.
    deadline = time.monotonic() + patience_seconds
    while True:
        key = key_from_text(path.read_bytes())
        if key is not None:
            return key
        if time.monotonic() > deadline:
            raise ValueError(
                f"{path} does not hold a document key (32 bytes in URL-safe base64). Restore it "
                "from a backup: stored documents cannot be read without it."
            )
        time.sleep(0.05)


def key_text(key: bytes) -> bytes:
    """The key as DATA_DIR/document.key holds it, and as DOCUMENT_KEY takes it."""
    return base64.urlsafe_b64encode(key) + b"\n"


def key_from_text(text: bytes) -> bytes | None:
    """The key in `key_text`'s form (padding and surrounding whitespace optional), else None."""
    text = text.strip()
    try:
        key = base64.b64decode(text + b"=" * (-len(text) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError):
        return None
    return key if len(key) == KEY_SIZE else None


# --- the blob format ------------------------------------------------------------------------------


def _file_key(key: bytes, salt: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_SIZE, salt=salt, info=_HKDF_INFO).derive(key)


def _nonce(prefix: bytes, number: int, last: bool) -> bytes:
    if number >= MAX_SEGMENTS:
        raise ValueError("A document cannot have more than 2**32 segments.")
    return prefix + number.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


class _Sealer:
    """Encrypts a stream into the blob format, writing to `out` as whole segments fill up."""

    def __init__(self, out: BinaryIO, key: bytes):
        salt, prefix = os.urandom(SALT_SIZE), os.urandom(PREFIX_SIZE)
        self._header = MAGIC + salt + prefix
        self._prefix = prefix
        self._aead = AESGCM(_file_key(key, salt))
        self._out = out
        self._number = 0
        self._pending = bytearray()
        out.write(self._header)

    def write(self, data: bytes) -> None:
        self._pending += data
        # Hold back at least one byte: which segment is the last is only known at close, and a
        # plaintext of exactly 64 KiB must still end in a segment sealed as the last one.
        full = (len(self._pending) - 1) // SEGMENT_SIZE * SEGMENT_SIZE
        for start in range(0, full, SEGMENT_SIZE):
            self._seal(bytes(self._pending[start : start + SEGMENT_SIZE]), last=False)
        del self._pending[:full]

    def close(self) -> None:
        self._seal(bytes(self._pending), last=True)
        self._pending.clear()

    def _seal(self, plaintext: bytes, *, last: bool) -> None:
        nonce = _nonce(self._prefix, self._number, last)
        self._out.write(self._aead.encrypt(nonce, plaintext, self._header))
        self._number += 1


def _unseal(source: BinaryIO, key: bytes, what: str) -> Iterator[bytes]:
    """The plaintext of a blob, one segment at a time; DocumentCorrupt at the first bad byte."""
    header = source.read(HEADER_SIZE)
    if len(header) < HEADER_SIZE or not header.startswith(MAGIC):
        raise DocumentCorrupt(f"{what} is not an encrypted document (its header is wrong).")
    salt, prefix = header[len(MAGIC) : len(MAGIC) + SALT_SIZE], header[-PREFIX_SIZE:]
    aead = AESGCM(_file_key(key, salt))
    number = 0
    sealed = source.read(SEALED_SEGMENT_SIZE)
    while True:
        # Reading one segment ahead is how the last segment is recognised: nothing follows it.
        following = source.read(SEALED_SEGMENT_SIZE)
        last = not following
        try:
            plaintext = aead.decrypt(_nonce(prefix, number, last), sealed, header)
        except InvalidTag:
            raise DocumentCorrupt(
                f"{what} is damaged, incomplete or was changed (segment {number} does not "
                "decrypt), or the document key is not the one it was stored with."
            ) from None
        if plaintext:
            yield plaintext
        if last:
            return
        sealed, number = following, number + 1


# --- where blobs live -----------------------------------------------------------------------------


def _staging_dir(settings: Settings) -> Path:
    settings.documents_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    staging = settings.documents_dir / STAGING_DIR
    staging.mkdir(mode=0o700, exist_ok=True)
    return staging


def _new_temp_file(settings: Settings) -> tuple[Path, BinaryIO]:
    path = _staging_dir(settings) / f"{uuid.uuid4().hex}{_TEMP_SUFFIX}"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    return path, os.fdopen(fd, "wb")


def _blob_path(blob_name: str, settings: Settings) -> Path:
    # Only names this module made are accepted, so no "../" or absolute path reaches the disk.
    if not isinstance(blob_name, str) or not _BLOB_NAME.fullmatch(blob_name):
        raise ValueError(f"Not a document blob name: {blob_name!r}.")
    return settings.documents_dir / blob_name


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in `path` survive a power cut."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _move_into_place(temp_path: Path, settings: Settings) -> str:
    """Rename an encrypted temp file to a fresh blob name, durably; returns that name."""
    while True:
        name = uuid.uuid4().hex
        blob_name = f"{name[:2]}/{name}.bin"
        target = settings.documents_dir / blob_name
        target.parent.mkdir(mode=0o700, exist_ok=True)
        # A uuid4 never repeats in practice; the check makes "never overwrites" not rest on it.
        if not target.exists():
            break
    os.replace(temp_path, target)
    fsync_dir(target.parent)
    return blob_name


def commit(staged: StagedFile, *, settings: Settings | None = None) -> str:
    """Move a finished upload into the store; returns the blob name to record."""
    settings = settings or get_settings()
    if staged.temp_path.parent != _staging_dir(settings):
        raise ValueError(f"{staged.temp_path} is not a staged upload of this document store.")
    return _move_into_place(staged.temp_path, settings)


def store_bytes(data: bytes, *, settings: Settings | None = None) -> tuple[str, str]:
    """Encrypt and store content the app made itself (say a PDF from a photo): (blob, sha256)."""
    settings = settings or get_settings()
    key = document_key(settings)
    temp_path, out = _new_temp_file(settings)
    try:
        with out:
            sealer = _Sealer(out, key)
            sealer.write(data)
            sealer.close()
            out.flush()
            os.fsync(out.fileno())
        return _move_into_place(temp_path, settings), hashlib.sha256(data).hexdigest()
    finally:
        temp_path.unlink(missing_ok=True)  # gone already after a successful move


def read_blob(blob_name: str, *, settings: Settings | None = None) -> Iterator[bytes]:
    """The decrypted document in pieces of up to 64 KiB.

    The name is checked and the file opened now, so a bad name or a missing file raises here,
    before a response has started; damage shows as DocumentCorrupt while iterating.
    """
    settings = settings or get_settings()
    path = _blob_path(blob_name, settings)
    key = document_key(settings)
    source = path.open("rb")
    return _reading(source, key, blob_name)


def _reading(source: BinaryIO, key: bytes, blob_name: str) -> Iterator[bytes]:
    with source:
        yield from _unseal(source, key, f"Document {blob_name}")


def read_all(blob_name: str, *, settings: Settings | None = None) -> bytes:
    """The whole decrypted document; for small files and derived work, not for downloads."""
    return b"".join(read_blob(blob_name, settings=settings))


def delete_blob_after_commit(session: Session, blob_name: str) -> None:
    """Remove a blob once the transaction that stops naming it has committed.

    Removed before the commit, a failed commit (or a backup taken in between) would leave a row
    naming a file that is gone; removed after, the worst case is an unnamed file left over.
    """
    sa.event.listen(session, "after_commit", lambda _: delete_blob(blob_name), once=True)


def delete_blob(blob_name: str, *, settings: Settings | None = None) -> None:
    """Remove a blob, say one whose database row was never written. Missing is fine."""
    settings = settings or get_settings()
    _blob_path(blob_name, settings).unlink(missing_ok=True)


def sweep_stale_uploads(
    older_than_seconds: float = 3600, *, settings: Settings | None = None
) -> int:
    """Remove staging files a crash left behind; returns how many.

    An upload in progress rewrites its file with every piece, so only uploads that have been
    silent for `older_than_seconds` are taken.
    """
    settings = settings or get_settings()
    staging = settings.documents_dir / STAGING_DIR
    if not staging.is_dir():
        return 0
    cutoff = time.time() - older_than_seconds
    removed = 0
    for entry in os.scandir(staging):
        try:
            if entry.is_file(follow_symlinks=False) and entry.stat().st_mtime < cutoff:
                os.unlink(entry.path)
                removed += 1
        except FileNotFoundError:
            continue  # committed or discarded while we looked
    return removed


# --- uploads --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StagedFile:
    """A checked, encrypted upload waiting in the staging folder for `commit`."""

    temp_path: Path
    size: int
    sha256: str  # of the plaintext
    media_type: str  # application/pdf, image/jpeg, image/png, image/heic or image/heif
    extension: str  # pdf, jpg, png or heic
    original_name: str  # sanitised; for display only, never a path


class StagedUpload:
    """An upload being received. Use it as a context manager: on leaving the block its temp file
    is removed unless `commit` has moved it into the store."""

    def __init__(self, original_name: str, limit_bytes: int, settings: Settings):
        self.original_name = safe_original_name(original_name)
        self.limit_bytes = limit_bytes
        self._key = document_key(settings)
        self.temp_path, self._out = _new_temp_file(settings)
        try:
            self._sealer = _Sealer(self._out, self._key)
        except BaseException:
            self._out.close()
            self.temp_path.unlink(missing_ok=True)
            raise
        self._sha256 = hashlib.sha256()
        self._size = 0
        self._head = bytearray()  # the first SNIFF_BYTES, to tell the type
        self._tail = _MeaningfulTail()  # the end, to tell a file cut short
        self._boxes = _TopLevelBoxes()  # the same for HEIC, which has no end marker
        self._open = True

    @property
    def size(self) -> int:
        """Bytes received so far."""
        return self._size

    def __enter__(self) -> StagedUpload:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.discard()

    def write(self, data: bytes) -> None:
        """Encrypt and append a piece. Refuses (and removes the file) once past the limit."""
        if not self._open:
            raise RuntimeError("This upload is already finished or discarded.")
        data = bytes(data)  # a memoryview or bytearray from the web layer works as well
        if self._size + len(data) > self.limit_bytes:
            self.discard()
            raise _refused("too_large", limit_bytes=self.limit_bytes)
        try:
            self._size += len(data)
            self._sha256.update(data)
            if len(self._head) < SNIFF_BYTES:
                self._head += data[: SNIFF_BYTES - len(self._head)]
            self._tail.feed(data)
            self._boxes.feed(data)
            self._sealer.write(data)
        except BaseException:
            self.discard()  # a full disk must not leave half a file behind
            raise

    def finish(self) -> StagedFile:
        """Check the upload and seal it; UploadRefused (file removed) if it is not acceptable."""
        if not self._open:
            raise RuntimeError("This upload is already finished or discarded.")
        try:
            self._sealer.close()
            self._out.flush()
            media_type, extension = self._check()
            os.fsync(self._out.fileno())
            self._out.close()
        except BaseException:
            self.discard()
            raise
        self._open = False
        return StagedFile(
            temp_path=self.temp_path,
            size=self._size,
            sha256=self._sha256.hexdigest(),
            media_type=media_type,
            extension=extension,
            original_name=self.original_name,
        )

    def discard(self) -> None:
        """Drop the upload. Harmless after `commit` (the file has moved) and when repeated."""
        self._open = False
        self._out.close()
        self.temp_path.unlink(missing_ok=True)

    def _check(self) -> tuple[str, str]:
        if self._size == 0:
            raise _refused("empty")
        kind = sniff_type(bytes(self._head))
        if kind is None:
            raise _refused("unsupported_type")
        media_type, _ = kind
        if not self._arrived_whole(media_type):
            raise _refused("damaged")
        return kind

    def _arrived_whole(self, media_type: str) -> bool:
        # Cheap checks for the usual damage, a file cut short: each format has a known ending.
        end = self._tail.data
        if media_type == PDF:
            head = bytes(self._head).removeprefix(b"\xef\xbb\xbf")
            return head.startswith(b"%PDF-") and b"%%EOF" in end
        if media_type == JPEG:
            return end.endswith(b"\xff\xd9")  # EOI
        if media_type == PNG:
            return end.endswith(b"\x00\x00\x00\x00IEND\xaeB`\x82")  # the IEND chunk
        return self._boxes.complete() and self._heic_opens()

    def _heic_opens(self) -> bool:
        if self._size > HEIC_PROBE_BYTES:
            return True  # the box walk is all we check on something this large
        with self.temp_path.open("rb") as source:
            content = b"".join(_unseal(source, self._key, "The upload"))
        try:
            return len(pillow_heif.open_heif(io.BytesIO(content))) > 0
        except (ValueError, RuntimeError, OSError, SyntaxError):
            return False


def start_upload(
    original_name: str, *, limit_bytes: int | None = None, settings: Settings | None = None
) -> StagedUpload:
    """Begin receiving an upload; `limit_bytes` defaults to UPLOAD_LIMIT_MB."""
    settings = settings or get_settings()
    if limit_bytes is None:
        limit_bytes = settings.upload_limit_mb * 1024 * 1024
    return StagedUpload(original_name, limit_bytes, settings)


class _MeaningfulTail:
    """The last TAIL_BYTES of a stream, ignoring trailing zero bytes (some scanners and phones
    pad files with them), in constant memory."""

    def __init__(self) -> None:
        self.data = b""  # ends at the last non-zero byte seen
        self._zeros = 0  # zero bytes seen since then

    def feed(self, chunk: bytes) -> None:
        meaningful = chunk.rstrip(b"\x00")
        if not meaningful:
            self._zeros += len(chunk)
            return
        gap = b"\x00" * min(self._zeros, TAIL_BYTES)
        self.data = (self.data + gap + meaningful[-TAIL_BYTES:])[-TAIL_BYTES:]
        self._zeros = len(chunk) - len(meaningful)


class _TopLevelBoxes:
    """Follows the top-level boxes of an ISO base media file (HEIC) as its bytes stream past.

    Each box starts with its size, so a file cut short ends inside a box instead of on a box
    boundary. Only box headers are kept, so memory stays constant however large the file.
    """

    def __init__(self) -> None:
        self.types: list[bytes] = []  # the first few box types, in order
        self._seen = 0  # bytes fed so far
        self._next = 0  # where the next box header starts
        self._header = bytearray()  # the part of that header seen so far
        self._malformed = False
        self._to_end = False  # a box of size 0 runs to the end of the file

    def feed(self, data: bytes) -> None:
        start = self._seen
        self._seen += len(data)
        while not (self._malformed or self._to_end) and self._next + len(self._header) < self._seen:
            at = self._next + len(self._header) - start
            self._header += data[at : at + 16 - len(self._header)]
            if len(self._header) < 8:
                return
            size, header_size = int.from_bytes(self._header[:4], "big"), 8
            if size == 1:  # the real size is a 64-bit number after the type
                if len(self._header) < 16:
                    return
                size, header_size = int.from_bytes(self._header[8:16], "big"), 16
            if size == 0:
                self._to_end = True
            elif size < header_size:
                self._malformed = True
            if len(self.types) < 16:
                self.types.append(bytes(self._header[4:8]))
            self._next += size
            self._header.clear()

    def complete(self) -> bool:
        ends_on_boundary = self._to_end or (self._next == self._seen and not self._header)
        return (
            not self._malformed
            and ends_on_boundary
            and self.types[:1] == [b"ftyp"]
            and b"meta" in self.types
        )


# --- what a file is -------------------------------------------------------------------------------

_ACCEPTED = {PDF: "pdf", JPEG: "jpg", PNG: "png", HEIC: "heic"}
# HEVC-coded HEIF brands (ISO/IEC 23008-12). filetype knows "heic" only; cameras also write these.
_HEVC_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"}


def sniff_type(head: bytes) -> tuple[str, str] | None:
    """(media type, extension) from a file's first bytes, or None if it is not one we accept."""
    kind = filetype.guess(head)
    if kind is not None and kind.mime in _ACCEPTED:
        return kind.mime, _ACCEPTED[kind.mime]
    if kind is not None and kind.mime == "image/apng":
        return PNG, "png"  # an animated PNG is a PNG; viewers show its first frame
    return _heif_type(head)


def _heif_type(head: bytes) -> tuple[str, str] | None:
    if len(head) < 16 or head[4:8] != b"ftyp":
        return None
    box_size = int.from_bytes(head[:4], "big")
    major = head[8:12]
    compatible = {head[at : at + 4] for at in range(16, min(box_size, len(head)) - 3, 4)}
    if major in _HEVC_BRANDS:
        return HEIC, "heic"
    if major in (b"mif1", b"msf1") and compatible & _HEVC_BRANDS:
        return HEIF, "heic"
    return None  # AVIF and other HEIF codecs: libheif here cannot decode them


# --- names ----------------------------------------------------------------------------------------

MAX_ORIGINAL_NAME = 120


def safe_original_name(name: str) -> str:
    """An uploaded file's name, fit to show and store: the last path part only, no control or
    invisible format characters (a right-to-left override can disguise "exe.pdf"), NFC, at most
    120 characters. Letters of every script are kept."""
    text = unicodedata.normalize("NFC", name or "")
    text = "".join(ch for ch in text if not unicodedata.category(ch).startswith("C"))
    text = text.replace("\\", "/").rsplit("/", 1)[-1]
    text = " ".join(text.split()).strip(" .")  # no hidden ".name", no "..", no stray spaces
    if len(text) > MAX_ORIGINAL_NAME:
        stem, dot, extension = text.rpartition(".")
        if dot and stem and len(extension) <= 10:  # keep ".pdf" when cutting a long name
            text = stem[: MAX_ORIGINAL_NAME - len(extension) - 1].rstrip(" .") + "." + extension
        else:
            text = text[:MAX_ORIGINAL_NAME].rstrip(" .")
    return text or "upload"


def _name_part(text: str, allowed: str, limit: int, fallback: str) -> str:
    """ASCII letters, digits and `allowed` only; runs of spaces become one dash."""
    words = re.sub(r"\s+", "-", ascii_fold(text or "").strip())
    kept = re.sub(rf"[^A-Za-z0-9{re.escape(allowed)}]", "", words)
    kept = re.sub(r"-{2,}", "-", kept).strip("-_")
    return kept[:limit].strip("-_") or fallback


def download_name(
    case_reference: str, member_name: str, item_code: str, day: date, version: int, extension: str
) -> str:
    """The name a document downloads under, e.g. 2026-0042_Garcia-Lopez-Maria_passport_
    20261126_v2.pdf: sortable, ASCII (email clients and court e-filing mangle the rest), and
    with no path separators whatever the inputs hold."""
    case_part = _name_part(case_reference, "-", 40, "case")
    # Underscores separate the parts, so inside a name they become dashes.
    member_part = _name_part((member_name or "").replace("_", " "), "-", 40, "member")
    item_part = _name_part(item_code, "-_", 60, "document")
    suffix = re.sub(r"[^a-z0-9]", "", (extension or "").lower())[:10] or "bin"
    return f"{case_part}_{member_part}_{item_part}_{day:%Y%m%d}_v{max(int(version), 1)}.{suffix}"


# --- photo to PDF ---------------------------------------------------------------------------------

LETTER_PT = (img2pdf.in_to_pt(8.5), img2pdf.in_to_pt(11))  # 612 x 792
MARGIN_PT = img2pdf.in_to_pt(0.5)
_LETTER_LAYOUT = img2pdf.get_layout_fun(
    pagesize=LETTER_PT,
    border=(MARGIN_PT, MARGIN_PT),
    fit=img2pdf.FitMode.into,  # scaled to fit inside the margins, never cropped
    auto_orient=False,  # a packet of Letter pages all print the same way up
)
_EXIF_ORIENTATION = 0x0112
_IMG2PDF_REFUSALS = (
    img2pdf.AlphaChannelError,
    img2pdf.ImageOpenError,
    img2pdf.JpegColorspaceError,
    img2pdf.UnsupportedColorspaceError,
)


def photo_to_pdf(image_bytes: bytes, media_type: str) -> bytes:
    """One US-Letter page with the photo fitted inside half-inch margins, upright.

    JPEG and PNG go into the PDF as they are (no quality lost) unless their EXIF orientation says
    to turn them; img2pdf would turn the whole page instead, and we want every page portrait
    Letter. HEIC is not a PDF image format, so it becomes a JPEG at quality 90 first. A photo that
    cannot be read raises UploadRefused("damaged").
    """
    if media_type not in PHOTO_TYPES:
        raise ValueError(f"photo_to_pdf takes a JPEG, PNG or HEIC photo, not {media_type!r}.")
    try:
        printable = _printable_image(image_bytes, media_type)
        try:
            return _one_letter_page(printable)
        except _IMG2PDF_REFUSALS:
            # Something img2pdf will not embed as it is (16-bit transparency, an unusual colour
            # space): redraw it as a plain RGB JPEG on white paper.
            return _one_letter_page(_redrawn_on_white(printable))
    except (
        OSError,
        ValueError,
        SyntaxError,
        RuntimeError,  # pillow-heif: a HEIC that claims more pixels than libheif allows
        Image.DecompressionBombError,
        *_IMG2PDF_REFUSALS,
    ) as e:
        raise _refused("damaged") from e


def _one_letter_page(image: bytes) -> bytes:
    try:
        return img2pdf.convert(
            image,
            layout_fun=_LETTER_LAYOUT,
            rotation=img2pdf.Rotation.none,  # orientation is already applied to the pixels
            first_frame_only=True,  # a multi-picture JPEG is still one page
        )
    except Exception as error:
        if type(error) is not Exception:
            raise
        # img2pdf reports a malformed PNG chunk (say bytes after IEND) with a bare Exception.
        raise ValueError(f"img2pdf cannot read this image: {error}") from error


def _printable_image(image_bytes: bytes, media_type: str) -> bytes:
    """JPEG or PNG bytes, upright, that img2pdf can embed."""
    with Image.open(io.BytesIO(image_bytes)) as image:
        if media_type in (HEIC, HEIF):
            # pillow-heif has already applied the photo's rotation; exif_transpose is a no-op then.
            return _jpeg_bytes(ImageOps.exif_transpose(image))
        if image.getexif().get(_EXIF_ORIENTATION, 1) in (0, 1):
            return image_bytes
        upright = ImageOps.exif_transpose(image)
        return _jpeg_bytes(upright) if media_type == JPEG else _png_bytes(upright)


def _jpeg_bytes(image: Image.Image) -> bytes:
    if image.mode not in ("RGB", "L", "CMYK"):
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90, icc_profile=image.info.get("icc_profile"))
    return out.getvalue()


def _png_bytes(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", icc_profile=image.info.get("icc_profile"))
    return out.getvalue()


def _redrawn_on_white(image_bytes: bytes) -> bytes:
    with Image.open(io.BytesIO(image_bytes)) as image:
        rgba = image.convert("RGBA")
        paper = Image.new("RGB", rgba.size, "white")
        paper.paste(rgba, mask=rgba.getchannel("A"))
        return _jpeg_bytes(paper)
