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
from immigration_app.services.errors import InvalidInput, NotFound

FLUSH_BYTES = 1024 * 1024


def percent_sent(progress: object) -> int:
    """The upload's progress report (Reflex's on_upload_progress: {"progress": 0..1}) as a
    percentage; anything else a browser sends reads as 0."""
    fraction = progress.get("progress") if isinstance(progress, dict) else 0
    if not isinstance(fraction, int | float) or not 0 <= fraction <= 1:
        return 0
    return round(fraction * 100)


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


@dataclass(frozen=True)
class UploadResult:
    name: str
    ok: bool
    message: str


# What staff read when a file of their upload is not kept (storage.UploadRefused codes).
STAFF_REFUSED = {
    "too_large": "Larger than the {limit} MB limit. Nothing was saved.",
    "empty": "The file is empty. Nothing was saved.",
    "unsupported_type": "Not a PDF or a photo (JPEG, PNG, HEIC). Nothing was saved.",
    "damaged": "The file looks damaged or incomplete. Nothing was saved.",
}


async def receive_into(
    chunks: rx.UploadChunkIterator,
    *,
    limit_mb: int,
    store: Callable[[storage.StagedFile], Awaitable[None]],
    kept: str,
    gone: str,
) -> tuple[list[UploadResult], bool]:
    """Stage each file of a staff upload and hand it to `store` (a service call).

    A file the service refuses (InvalidInput, or NotFound once the case is out of sight) is not
    kept, and its result says why in the service's words; `kept` is what a kept file says.
    Returns the results and whether the upload was cut short (see `receive_files`).
    """
    unkept: dict[str, str] = {}  # file name -> why it was not kept

    async def keep(staged: storage.StagedFile) -> None:
        try:
            await store(staged)
        except (InvalidInput, NotFound) as error:
            why = " ".join(error.fields.values()) if isinstance(error, InvalidInput) else gone
            unkept[staged.original_name] = why
            raise storage.UploadRefused("refused", why) from error

    outcomes, cut_short = await receive_files(chunks, limit_bytes=limit_mb * 1024 * 1024, keep=keep)
    refused = {code: text.format(limit=limit_mb) for code, text in STAFF_REFUSED.items()}
    results = [
        UploadResult(
            outcome.name,
            not outcome.refused,
            kept
            if not outcome.refused
            else unkept.get(outcome.name) or refused.get(outcome.refused, refused["damaged"]),
        )
        for outcome in outcomes
    ]
    return results, cut_short
