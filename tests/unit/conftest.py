"""Unit tests run against a real, migrated database, emptied after each test."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from sqlmodel import Session

from tests.conftest import data_dir_for, database_url_for

os.environ["DATA_DIR"] = str(data_dir_for("unit"))
os.environ["DATABASE_URL"] = database_url_for("unit")

from immigration_app.settings import get_settings

get_settings.cache_clear()

from immigration_app.services.auth import clear_sign_in_limits  # noqa: E402
from immigration_app.services.db import session_scope  # noqa: E402
from immigration_app.services.schema import migrate_to_head  # noqa: E402
from tests.factories import empty_database  # noqa: E402

migrate_to_head()


@pytest.fixture(autouse=True)
def _empty_database() -> Iterator[None]:
    yield
    empty_database()
    clear_sign_in_limits()


@pytest.fixture
def session() -> Iterator[Session]:
    """A session whose work is committed when the test's block ends."""
    with session_scope() as db_session:
        yield db_session
