"""The crash tests' own database and DATA_DIR (shared with the processes they kill), and a mail
server on loopback.

The database is a SQLite file, or a schema of its own when DATABASE_URL is PostgreSQL
(tests/conftest.py `database_url_for`). The killed processes inherit the environment, so they
work on exactly what the test set up and inspects afterwards.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from immigration_app.services.schema import migrate_to_head
from immigration_app.settings import get_settings
from tests.conftest import data_dir_for, database_url_for
from tests.smtp import smtp_server
from tests.unit.crash.inbox import HoldingInbox


@pytest.fixture(scope="package", autouse=True)
def crash_database() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DATA_DIR", str(data_dir_for("crash")))
        patch.setenv("DATABASE_URL", database_url_for("crash"))
        get_settings.cache_clear()
        migrate_to_head()
        yield
    get_settings.cache_clear()


@pytest.fixture
def inbox(monkeypatch) -> Iterator[HoldingInbox]:
    """A real SMTP server on 127.0.0.1 that the app (and the killed process) sends to."""
    handler = HoldingInbox()
    with smtp_server(handler) as port:
        for name, value in {
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(port),
            "SMTP_SECURITY": "none",
            # Longer than any wait here: the sender must still be waiting when it is killed.
            "SMTP_TIMEOUT_SECONDS": "60",
        }.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        try:
            yield handler
        finally:
            handler.released.set()
    get_settings.cache_clear()
