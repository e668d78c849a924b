"""Receiving files from a streamed upload (Reflex's chunked upload), for the portal and staff.

Chunks arrive as the browser sends them and go into the encrypted staging file a megabyte at a
time, so memory stays flat whatever the file's size. A file over the limit stops the upload at the
first byte too many. Checks of the finished file (type, damage) refuse that file only; the
others in the same upload are kept.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import reflex as rx

from immigration_app.services import storage

FLUSH_BYTES = 1024 * 1024


@dataclass(frozen=True)
class UploadOutcome:
    name: str
    refused: str = ""  # an UploadRefused code; "" when the file was kept


async def receive_files(
    chunks: rx.UploadChunkIterator,
    *,
    limit_bytes: int,
    keep: Callable[[storage.StagedFile], Awaitable[None]],
) -> tuple[list[UploadOutcome], bool]:
    """Stage, check and `keep` each file of an upload.

    Returns the outcome per file and whether the upload was cut short (a file over the
    limit): the caller must then return at once, which ends the request.
    """
    outcomes: list[UploadOutcome] = []
    staged: storage.StagedUpload | None = None
    pending = bytearray()

    async def flush() -> None:
        # Raises UploadRefused("too_large") when the pending bytes cross the limit.
        data = bytes(pending)
        pending.clear()
        await asyncio.to_thread(staged.write, data)

    async def close() -> None:
        file = None
        try:
            await flush()
            file = await asyncio.to_thread(staged.finish)
            await keep(file)
        except storage.UploadRefused as refused:
            outcomes.append(UploadOutcome(staged.original_name, refused.code))
        else:
            outcomes.append(UploadOutcome(file.original_name))
        finally:
            if file is not None:  # kept files were moved away; a refused one is removed
                file.temp_path.unlink(missing_ok=True)

    try:
        async for chunk in chunks:
            if chunk.offset == 0:  # every file's first chunk; an empty file sends one too
                if staged is not None:
                    await close()
                staged = storage.start_upload(chunk.filename, limit_bytes=limit_bytes)
            pending += chunk.data
            # Pieces are written a megabyte at a time (one thread hop, not one per network
            # read), and at once when they would cross the limit, so that is refused at once.
            if len(pending) < FLUSH_BYTES and staged.size + len(pending) <= limit_bytes:
                continue
            try:
                await flush()
            except storage.UploadRefused as refused:
                outcomes.append(UploadOutcome(staged.original_name, refused.code))
                staged = None
                return outcomes, True
        if staged is not None:
            await close()
            staged = None
    finally:
        if staged is not None:  # the browser went away mid-file
            staged.discard()
    return outcomes, False
