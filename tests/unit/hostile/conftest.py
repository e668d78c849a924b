"""Hundreds of hostile inputs, each in a database transaction of its own.

Emptying every table after each of them (as tests/unit does) would take most of the suite's
time, so here a test's `session` runs inside a transaction that is rolled back when the test
ends, and what a module sets up once (committed) is removed when the module ends.

At the end of the run the suite says how many hostile inputs it tried.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlmodel import Session

from immigration_app.services.db import get_engine
from tests.factories import empty_database

_PACKAGE = "tests/unit/hostile/"
_tried: list[str] = []


@pytest.fixture(autouse=True)
def _empty_database() -> Iterator[None]:
    """Replaces tests/unit's emptying after each test: see the module docstring."""
    yield


@pytest.fixture(autouse=True, scope="module")
def _emptied_after_module() -> Iterator[None]:
    yield
    empty_database()


@pytest.fixture
def session() -> Iterator[Session]:
    """A session whose work is rolled back when the test ends."""
    with get_engine().connect() as connection:
        outer = connection.begin()
        with Session(bind=connection, expire_on_commit=False) as db_session:
            yield db_session
        outer.rollback()


def pytest_runtest_logreport(report) -> None:
    # One hostile input per parametrized test: the part of the test id in brackets names it.
    if report.when == "call" and report.nodeid.startswith(_PACKAGE) and "[" in report.nodeid:
        _tried.append(report.nodeid.split("[", 1)[1].rstrip("]"))


def pytest_terminal_summary(terminalreporter) -> None:
    if _tried:
        terminalreporter.write_line(
            f"hostile inputs tried: {len(_tried)} "
            f"({len(set(_tried))} distinct inputs, some through several readers)"
        )
