"""Outgoing mail: build a message from its key, and hand it to SMTP or the file outbox.

Every message has a unique key (say "deadline:42:2027-03-01:staff:14:user:7"). Its Message-ID is
derived from that key, so when a crash between "sent" and "recorded as sent" makes the sweep send
it again, the copy carries the same Message-ID and mail clients show it once. For the same reason
the outbox names each file after the key: a retry overwrites the file instead of adding a second.

Failures come back as `MailFailure`, whose `reason` is a sentence staff read in the Outbox and
whose `permanent` flag tells the sweep not to try again (the server refused the address or the
message itself; sending it again would be refused again).
"""

from __future__ import annotations

import hashlib
import os
import smtplib
import socket
import ssl
import tempfile
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, parseaddr
from pathlib import Path

from immigration_app.settings import Settings

KEY_HEADER = "X-Case-Desk-Key"

# Retry backoff: 1 minute after the first failed attempt, then 5, then 25, then every 2 hours.
# A server that is down for a moment is retried soon; one that is down for the night is not
# hammered. With the default MAIL_MAX_ATTEMPTS (5) a message is given up about 2.5 hours after
# its first try, which is long enough for someone to fix a wrong password or a full disk.
FIRST_RETRY = timedelta(minutes=1)
RETRY_GROWTH = 5
LONGEST_RETRY = timedelta(hours=2)


class MailFailure(Exception):
    """A message could not be handed over; `reason` is a sentence for staff."""

    def __init__(self, reason: str, *, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


def retry_delay(attempt: int) -> timedelta:
    """How long to wait after failed attempt number `attempt` (1 for the first)."""
    steps = min(max(attempt, 1) - 1, 4)  # 5**4 minutes already exceeds the cap
    return min(FIRST_RETRY * RETRY_GROWTH**steps, LONGEST_RETRY)


# --- building a message ---------------------------------------------------------------------------


def _key_digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def sender_domain(mail_from: str) -> str:
    """The domain of the sender's address, in the ASCII form headers need."""
    domain = parseaddr(mail_from)[1].rpartition("@")[2].strip() or "localhost"
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return "localhost"


def message_id_for(key: str, domain: str) -> str:
    """The same key always gives the same Message-ID, so a re-sent copy is recognised."""
    return f"<{_key_digest(key)[:32]}@{domain}>"


def compose(
    *,
    key: str,
    to: list[str],
    subject: str,
    body: str,
    mail_from: str,
    language: str = "en",
    reply_to: str | None = None,
) -> EmailMessage:
    """A plain-text UTF-8 message whose Message-ID comes from `key`."""
    message = EmailMessage(policy=SMTP)
    message["From"] = mail_from
    message["To"] = ", ".join(address.strip() for address in to if address.strip())
    if reply_to:
        message["Reply-To"] = reply_to
    # Subjects come from templates; a stray line break would otherwise be refused by the policy.
    message["Subject"] = " ".join(subject.split())
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = message_id_for(key, sender_domain(mail_from))
    message[KEY_HEADER] = key
    # Quoted-printable keeps accented text readable in the raw message and needs no 8BITMIME
    # support from the server; plain ASCII goes as it is.
    message.set_content(body, charset="utf-8", cte=None if body.isascii() else "quoted-printable")
    # After set_content, which clears every Content-* header it finds.
    message["Content-Language"] = language
    return message


# --- handing it over ------------------------------------------------------------------------------


def deliver(message: EmailMessage, settings: Settings) -> str:
    """Send through SMTP when SMTP_HOST is set, else write to the outbox folder.

    Returns where the message went ("smtp:host:port" or the file's path); raises MailFailure.
    """
    if not str(message["To"] or "").strip():
        raise MailFailure("The message has no recipient address.", permanent=True)
    if settings.smtp_host:
        return _send_by_smtp(message, settings)
    return str(_write_to_outbox(message, settings.outbox_dir))


def _send_by_smtp(message: EmailMessage, settings: Settings) -> str:
    where = f"{settings.smtp_host}:{settings.smtp_port}"
    try:
        refused = _hand_over(message, settings)
    except (smtplib.SMTPException, OSError) as error:
        failure = _explain(error, where, settings)
        raise MailFailure(
            _without_secret(failure.reason, settings.smtp_password), permanent=failure.permanent
        ) from None  # not chained: the original's text could carry what the server echoed
    if refused:
        # Some recipients took it and some did not: only the refused ones are worth reporting.
        raise _recipients_refused(refused)
    return f"smtp:{where}"


def _hand_over(message: EmailMessage, settings: Settings) -> dict[str, tuple[int, bytes]]:
    server = _connect(settings)
    try:
        if settings.smtp_security == "starttls":
            server.starttls(context=ssl.create_default_context())
        if settings.smtp_user:
            server.login(settings.smtp_user, settings.smtp_password or "")
        return server.send_message(message)
    finally:
        _hang_up(server)


def _hang_up(server: smtplib.SMTP) -> None:
    # Not `with smtplib.SMTP(...)`: its exit raises when QUIT is answered oddly, which would
    # turn a message the server already accepted into a failure, and so into a second copy.
    try:
        server.quit()
    except (smtplib.SMTPException, OSError):
        server.close()


def _connect(settings: Settings) -> smtplib.SMTP:
    timeout = settings.smtp_timeout_seconds
    if settings.smtp_security == "ssl":
        return smtplib.SMTP_SSL(
            settings.smtp_host,
            settings.smtp_port,
            timeout=timeout,
            context=ssl.create_default_context(),
        )
    return smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)


def _server_words(code: int, text: bytes | str) -> str:
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return " ".join(f"{code} {text}".split())


def _is_permanent(code: int) -> bool:
    return 500 <= code < 600


def _recipients_refused(refused: dict[str, tuple[int, bytes]]) -> MailFailure:
    parts = [f"{address}: {_server_words(*answer)}" for address, answer in refused.items()]
    noun = "recipient" if len(parts) == 1 else "recipients"
    return MailFailure(
        f"The mail server refused the {noun} {'; '.join(parts)}.",
        # Only permanent when no refusal is temporary: a 4xx may well pass next time.
        permanent=all(_is_permanent(code) for code, _ in refused.values()),
    )


def _explain(error: Exception, where: str, settings: Settings) -> MailFailure:
    """Turn what smtplib or the socket raised into a sentence and a permanent flag.

    The order matters: smtplib's exceptions and ssl's are all OSErrors too.
    """
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return _recipients_refused(error.recipients)
    if isinstance(error, smtplib.SMTPSenderRefused):
        return MailFailure(
            f"The mail server refused the sender {error.sender}: "
            f"{_server_words(error.smtp_code, error.smtp_error)}.",
            permanent=_is_permanent(error.smtp_code),
        )
    if isinstance(error, smtplib.SMTPDataError):
        return MailFailure(
            f"The mail server refused the message: "
            f"{_server_words(error.smtp_code, error.smtp_error)}.",
            permanent=_is_permanent(error.smtp_code),
        )
    if isinstance(error, smtplib.SMTPAuthenticationError):
        # Not permanent: the password is wrong for every message, not this one, and once an
        # admin fixes it the remaining attempts should go through.
        return MailFailure(
            f"The mail server at {where} did not accept the sign-in for {settings.smtp_user}: "
            f"{_server_words(error.smtp_code, error.smtp_error)}. Check SMTP_USER and "
            "SMTP_PASSWORD."
        )
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return MailFailure(
            f"The mail server at {where} does not support what was asked of it "
            f"({str(error).rstrip('.')}).{_setting_hint(str(error))}"
        )
    if isinstance(error, smtplib.SMTPServerDisconnected):
        # smtplib reports a reply that never came, mid-conversation, as a disconnection.
        if "timed out" in str(error):
            return _explain_network(TimeoutError(), where, settings)
        return MailFailure(f"The mail server at {where} closed the connection unexpectedly.")
    if isinstance(error, smtplib.SMTPResponseException):
        return MailFailure(
            f"The mail server at {where} answered "
            f"{_server_words(error.smtp_code, error.smtp_error)}."
        )
    if isinstance(error, smtplib.SMTPException):
        return MailFailure(
            f"The mail server at {where} could not take the message ({str(error).rstrip('.')})."
        )
    return _explain_network(error, where, settings)


def _setting_hint(complaint: str) -> str:
    if "STARTTLS" in complaint:
        return " Set SMTP_SECURITY to what the server offers (ssl or none)."
    if "AUTH" in complaint:
        return " The server takes no sign-in: leave SMTP_USER unset."
    return ""


def _explain_network(error: OSError, where: str, settings: Settings) -> MailFailure:
    if isinstance(error, TimeoutError):  # socket.timeout is TimeoutError since Python 3.10
        return MailFailure(
            f"The mail server at {where} did not answer within "
            f"{settings.smtp_timeout_seconds:g} seconds."
        )
    if isinstance(error, ssl.SSLCertVerificationError):
        return MailFailure(
            f"The mail server at {where} presented a certificate that could not be trusted "
            f"({error.verify_message})."
        )
    if isinstance(error, ssl.SSLError):
        return MailFailure(
            f"Could not set up a secure connection to {where} ({error.reason or error}). "
            "Check SMTP_SECURITY and SMTP_PORT."
        )
    if isinstance(error, socket.gaierror):
        return MailFailure(
            f"Could not find the mail server {settings.smtp_host} ({error.strerror})."
        )
    return MailFailure(f"Could not connect to {where} ({error.strerror or error}).")


def _without_secret(text: str, secret: str | None) -> str:
    """A server may echo what it was sent; a password must never reach the Outbox page."""
    return text.replace(secret, "********") if secret else text


# --- the file outbox ------------------------------------------------------------------------------


def outbox_file_name(key: str) -> str:
    return f"{_key_digest(key)}.eml"


def _write_to_outbox(message: EmailMessage, folder: Path) -> Path:
    """Write the message whole or not at all; the same key always lands on the same file."""
    key = message[KEY_HEADER] or message["Message-ID"]
    if not key:
        raise ValueError(f"A message needs an {KEY_HEADER} or a Message-ID to be filed.")
    target = folder / outbox_file_name(str(key))
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # A file on disk uses the system's line ending, not the wire's CRLF.
        _replace_atomically(target, message.as_bytes(policy=message.policy.clone(linesep="\n")))
    except OSError as error:
        raise MailFailure(
            f"Could not write the message to the outbox folder {folder} "
            f"({error.strerror or error})."
        ) from error
    return target


def _replace_atomically(target: Path, content: bytes) -> None:
    # The temporary file is made in the same folder so os.replace is a rename on one file
    # system: a reader sees the old file or the new one, never half of one. mkstemp makes it
    # readable by this user only, which suits messages about clients.
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
