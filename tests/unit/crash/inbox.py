"""A mail server for the sweep's crash tests: keeps what it receives, and can hold a message.

Holding means the server has the message's DATA (the mail is out of our hands) but does not
answer, so the sender waits, as it would for a slow relay, until the test kills it.
"""

from __future__ import annotations

import asyncio
import email
import threading
from email.message import EmailMessage
from email.policy import default as default_policy


class HoldingInbox:
    """An aiosmtpd handler; with `hold_next`, the next message's DATA is taken and not answered."""

    def __init__(self) -> None:
        self.received: list[EmailMessage] = []
        self.hold_next = False
        self.holding = threading.Event()  # set once a message is held
        self.released = threading.Event()  # set to let a held message be answered

    async def handle_DATA(self, server, session, envelope):
        self.received.append(email.message_from_bytes(envelope.content, policy=default_policy))
        if self.hold_next:
            self.hold_next = False
            self.holding.set()
            while not self.released.is_set():
                await asyncio.sleep(0.05)
        return "250 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        return [message["Message-ID"] for message in self.received]
