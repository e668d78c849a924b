"""Calling any handler with any arguments, as a hostile browser can.

Reflex lets a browser send any event to any state with arguments of its choosing. The access
matrix uses this to call every handler the app has, with arguments that name the objects of a
case the caller must not reach: ids are filled in by the parameter's name (`item_id`, a form's
`deadline_id` field...), everything else gets a plausible value so the handler gets as far as
it would for a real request.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator
from pathlib import Path

import reflex as rx
from reflex_components_core.core._upload import UploadChunk, UploadChunkIterator

import immigration_app.state
from tests.files import pdf_bytes
from tests.unit.access_world import CASE_TYPE, FORM, RECEIPTS, Side, World
from tests.unit.state.background import Held

MISSING_ID = 987_654  # an id nothing has: for objects the firm has none of
TAB_NAMES = ("profile", "documents", "forms", "deadlines", "messages", "filing", "uscis")
# A value for each parameter or form field that is not an id, as a page would send it.
PLAIN_VALUES: dict[str, object] = {
    "active": False,
    "case_type": CASE_TYPE,
    "checked": True,
    "code": "birth-certificate",
    "column": "client",
    "due_on": "2027-03-01",
    "email": "someone@firm.example",
    "filed_on": "2026-11-02",
    "form": FORM,
    "form_number": FORM,
    "index": 0,
    "kind": "addresses",
    "label": "Someone",
    "language": "es",
    "method": "mail",
    "month": "2026-12",
    "page": 2,
    "part": "addresses",
    "progress": {"progress": 0.5},
    "reviewer": True,
    "role": "attorney",
    "stage": "filed_pending",
    "status": "failed",
    "trigger": "biometrics_appointment",
    "value": "Changed by a stranger",
    "which": "staff_deadline_reminder",
}
HOSTILE_TEXT = "Changed by a stranger"

_STATE_SOURCE = Path(immigration_app.state.__file__).parent
_FIELD_NAME = re.compile(r"""(?:\.get\(|\[)\s*["']([a-z][a-z0-9_]*)["']""")


def _form_field_names() -> tuple[str, ...]:
    """Every name the states read out of a submitted form (and then some: over-asking is fine,
    a form's extra fields are ignored)."""
    names: set[str] = set()
    for source in _STATE_SOURCE.glob("*.py"):
        names.update(_FIELD_NAME.findall(source.read_text()))
    return tuple(sorted(names))


FORM_FIELDS = _form_field_names()


def _id_value(name: str, world: World, side: Side) -> int | None:
    if name == "user_id":
        return world.other_paralegal.id
    if name in side.ids:
        return side.ids[name]
    if name.endswith("_id") or name == "id":
        return MISSING_ID
    return None


def _value(name: str, world: World, side: Side, *, as_text: bool):
    """What a hostile browser sends for `name`, aimed at `side`'s case."""
    found = _id_value(name, world, side)
    if found is None and name == "reference":
        found = side.reference
    if found is None and name == "receipt_number":
        found = RECEIPTS["A" if side is world.a else "B"]
    if found is None:
        found = PLAIN_VALUES.get(name, HOSTILE_TEXT)
    if as_text and not isinstance(found, dict):
        return "on" if found is True else "" if found is False else str(found)
    return found


def form_for(world: World, side: Side) -> dict[str, str]:
    return {name: _value(name, world, side, as_text=True) for name in FORM_FIELDS}


async def _pdf_upload() -> UploadChunkIterator:
    """A finished upload of one small PDF, as Reflex's upload route hands it over."""
    chunks = UploadChunkIterator(maxsize=8)
    await chunks.push(
        UploadChunk(filename="forged.pdf", offset=0, content_type="", data=pdf_bytes())
    )
    await chunks.finish()
    return chunks


def parameters_of(handler: rx.event.EventHandler) -> list[str]:
    return [name for name in inspect.signature(handler.fn).parameters if name != "self"]


async def argument_sets(handler, world: World, side: Side) -> Iterator[tuple]:
    """The calls to make: one, or one per tab name for a tab switch."""
    names = parameters_of(handler)
    if names == ["tab"]:
        return [(tab,) for tab in TAB_NAMES]
    arguments = []
    for name in names:
        if name == "form_data":
            arguments.append(form_for(world, side))
        elif name == "chunks":
            arguments.append(await _pdf_upload())
        else:
            arguments.append(_value(name, world, side, as_text=False))
    return [tuple(arguments)]


async def invoke(state: rx.State, name: str, arguments: tuple):
    """Run one handler as Reflex would (a background one through a stand-in proxy) and return
    what it returned, with a generator's events collected."""
    handler = type(state).event_handlers[name]
    if handler.is_background:
        result = handler.fn(Held(state), *arguments)
    else:
        result = handler.fn(state, *arguments)
    if inspect.isasyncgen(result):
        return [event async for event in result]
    if inspect.isgenerator(result):
        return list(result)
    return await result if inspect.isawaitable(result) else result


def handlers_of(state_class: type[rx.State]) -> list[str]:
    """A state's handlers a browser may call, in the order they are written."""
    return [name for name in state_class.event_handlers if name != "setvar"]
