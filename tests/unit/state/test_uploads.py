"""Streamed uploads: each file checked on its own; a file over the limit stops the upload."""

from __future__ import annotations

import asyncio
import io

import pytest
from PIL import Image
from reflex_components_core.core._upload import UploadChunk, UploadChunkIterator

from immigration_app.services import storage
from immigration_app.settings import get_settings
from immigration_app.state.uploads import receive_files

pytestmark = pytest.mark.anyio
PIECE = 64 * 1024


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (300, 400), (10, 120, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


def _pdf(padding: int = 0) -> bytes:
    return b"%PDF-1.7\n" + b"% filler\n" * (padding // 9) + b"trailer\n%%EOF\n"


async def _upload(files: list[tuple[str, bytes]], limit: int):
    """Feed files through Reflex's own chunk iterator, as its upload route does."""
    chunks = UploadChunkIterator(maxsize=8)
    kept: list[storage.StagedFile] = []

    async def keep(staged: storage.StagedFile) -> None:
        kept.append(staged)

    async def send() -> None:
        for name, data in files:
            pieces = [data[i : i + PIECE] for i in range(0, len(data), PIECE)] or [b""]
            offset = 0
            for piece in pieces:
                await chunks.push(
                    UploadChunk(filename=name, offset=offset, content_type="", data=piece)
                )
                offset += len(piece)
        await chunks.finish()

    consumer = asyncio.ensure_future(receive_files(chunks, limit_bytes=limit, keep=keep))
    chunks.set_consumer_task(consumer)
    sender = asyncio.ensure_future(send())
    outcomes, cut_short = await consumer
    sent_everything = True
    try:
        await sender
    except RuntimeError:  # the handler returned early: Reflex answers the request with 400
        sent_everything = False
    return outcomes, cut_short, kept, sent_everything


def _staging_files() -> set:
    folder = get_settings().documents_dir / "tmp"
    return set(folder.iterdir()) if folder.exists() else set()


async def test_each_file_gets_its_own_outcome():
    before = _staging_files()
    exe = b"MZ\x90\x00" + bytes(5000)
    outcomes, cut_short, kept, _ = await _upload(
        [("foto.jpg", _jpeg()), ("factura.pdf", exe), ("vacío.pdf", b""), ("p2.pdf", _pdf())],
        limit=10 * 1024 * 1024,
    )
    assert not cut_short
    assert [(o.name, o.refused) for o in outcomes] == [
        ("foto.jpg", ""),
        ("factura.pdf", "unsupported_type"),
        ("vacío.pdf", "empty"),
        ("p2.pdf", ""),
    ]
    assert [staged.media_type for staged in kept] == ["image/jpeg", "application/pdf"]
    for staged in kept:
        staged.temp_path.unlink(missing_ok=True)
    assert _staging_files() == before


async def test_a_file_over_the_limit_stops_the_upload_and_leaves_nothing():
    before = _staging_files()
    limit = 1024 * 1024
    outcomes, cut_short, kept, sent_everything = await _upload(
        [("big.pdf", _pdf(padding=3 * limit)), ("after.pdf", _pdf())], limit=limit
    )
    assert cut_short
    assert [(o.name, o.refused) for o in outcomes] == [("big.pdf", "too_large")]
    assert kept == []
    assert not sent_everything, "the rest of the body was not read"
    assert _staging_files() == before


async def test_a_file_that_keep_refuses_is_removed_from_staging():
    async def refuse(staged):
        raise storage.UploadRefused("unsupported_type", "not on your list")

    before = _staging_files()
    chunks = UploadChunkIterator(maxsize=8)
    consumer = asyncio.ensure_future(receive_files(chunks, limit_bytes=10**7, keep=refuse))
    chunks.set_consumer_task(consumer)
    await chunks.push(UploadChunk(filename="a.pdf", offset=0, content_type="", data=_pdf()))
    await chunks.finish()
    outcomes, _ = await consumer
    assert [o.refused for o in outcomes] == ["unsupported_type"]
    assert _staging_files() == before
