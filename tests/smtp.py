"""A real SMTP server on loopback (aiosmtpd) for tests that send mail."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from aiosmtpd.controller import Controller


class LoopbackController(Controller):
    """A Controller on a port the OS picks: port 0 is read back before the start-up self-test."""

    def _trigger_server(self):
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@contextmanager
def smtp_server(handler, **options) -> Iterator[int]:
    """Serve `handler` (an aiosmtpd handler) on 127.0.0.1; yields the port."""
    controller = LoopbackController(handler, hostname="127.0.0.1", port=0, **options)
    controller.start()
    try:
        yield controller.port
    finally:
        controller.stop()
