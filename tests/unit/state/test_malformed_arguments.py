"""Every handler, called with arguments no page sends, answers or refuses: it never fails.

A browser can send any JSON as a handler's arguments: a list where a number belongs, an object,
nothing, a number too large for any column, digits of another script. Each such call must end
in a normal answer or a clear refusal, not in an unhandled exception (which the browser shows
as a bare "an error occurred", with nothing said about what was wrong).
"""

from __future__ import annotations

import pytest

from tests.unit.access_world import World, build_world
from tests.unit.state.hostile_calls import argument_sets, invoke, parameters_of
from tests.unit.state.test_access_matrix import (
    PORTAL_STATES,
    declared_roles,
    every_handler,
    may_call,
    tab_for,
)

pytestmark = pytest.mark.anyio

MALFORMED = (["1"], {"id": 1}, None, "\u00b2", "9" * 40, -1, "x" * 5_000)
NOT_ARGUMENTS = ("form_data", "chunks", "tab")


@pytest.fixture
def world(session) -> World:
    return build_world(session)


@pytest.mark.parametrize("caller", ["admin", "portal"])
async def test_no_handler_fails_on_arguments_no_page_sends(world, caller):
    tab = await tab_for(world, caller, world.a)
    failures, calls = [], 0
    for state_class, name, handler in every_handler():
        portal = state_class.__name__ in PORTAL_STATES
        if portal != (caller == "portal") or not may_call(declared_roles(handler), caller):
            continue
        normal = (await argument_sets(handler, world, world.a))[0]
        for position, parameter in enumerate(parameters_of(handler)):
            if parameter in NOT_ARGUMENTS:
                continue
            for bad in MALFORMED:
                arguments = (*normal[:position], bad, *normal[position + 1 :])
                calls += 1
                try:
                    await invoke(tab.state(state_class), name, arguments)
                except Exception as error:  # any escape is the failure
                    failures.append(
                        f"{state_class.__name__}.{name}({parameter}={bad!r:.12}): "
                        f"{type(error).__name__}: {str(error)[:80]}"
                    )
    assert calls > 100 or caller == "portal"
    assert failures == []
