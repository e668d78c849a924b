"""Outgoing mail against a real SMTP server on loopback (aiosmtpd) and a real outbox folder."""

from __future__ import annotations

import asyncio
import email
import socket
import ssl
import threading
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.policy import default as default_policy
from ipaddress import IPv4Address
from pathlib import Path

import pytest
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from immigration_app.services.mail import (
    MailFailure,
    compose,
    deliver,
    message_id_for,
    outbox_file_name,
    retry_delay,
)
from immigration_app.settings import Settings
from tests.smtp import smtp_server

KEY = "deadline:42:lead:14:user:7"
SPANISH_BODY = (
    "Le recordamos su cita del miércoles.\nTraiga su identificación y el aviso. ¡Gracias!"
)


# --- a real SMTP server ---------------------------------------------------------------------------


class Inbox:
    """An aiosmtpd handler that keeps what it receives; each reply can be set to refuse."""

    def __init__(
        self, *, mail_reply=None, rcpt_reply=None, data_reply=None, data_delay=0.0, quit_reply=None
    ):
        self.mail_reply, self.rcpt_reply, self.data_reply = mail_reply, rcpt_reply, data_reply
        self.data_delay, self.quit_reply = data_delay, quit_reply
        self.envelopes = []

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        if self.mail_reply:
            return self.mail_reply
        envelope.mail_from = address
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.rcpt_reply:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(self.data_delay)
        if self.data_reply:
            return self.data_reply
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    async def handle_QUIT(self, server, session, envelope):
        return self.quit_reply or "221 Bye"

    def received(self) -> EmailMessage:
        (envelope,) = self.envelopes
        return email.message_from_bytes(envelope.content, policy=default_policy)


def mail_settings(tmp_path: Path, **env: str) -> Settings:
    return Settings.from_env({"DATA_DIR": str(tmp_path), **env})


def smtp_settings(tmp_path: Path, port: int, security: str = "none", **env: str) -> Settings:
    server = {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(port),
        "SMTP_SECURITY": security,
        "SMTP_TIMEOUT_SECONDS": "5",
        "MAIL_FROM": "Lopez Law <office@lopez-law.example>",
    }
    return mail_settings(tmp_path, **{**server, **env})


def text_of(message: EmailMessage) -> str:
    """The body as lines: what crossed the wire ends lines in CRLF, decoded as it came."""
    return message.get_content().replace("\r\n", "\n").rstrip("\n")


def failure_of(settings: Settings, composed: EmailMessage | None = None) -> MailFailure:
    with pytest.raises(MailFailure) as failure:
        deliver(composed or message(), settings)
    return failure.value


def message(key: str = KEY, body: str = SPANISH_BODY, to: str = "maria@example.com"):
    return compose(
        key=key,
        to=[to],
        subject="Recordatorio: su cita del miércoles",
        body=body,
        mail_from="Lopez Law <office@lopez-law.example>",
        language="es",
    )


# --- composing ------------------------------------------------------------------------------------


def test_message_id_is_derived_from_the_key_alone():
    assert message_id_for(KEY, "lopez-law.example") == message_id_for(KEY, "lopez-law.example")
    assert message_id_for(KEY, "lopez-law.example") != message_id_for(
        KEY + "x", "lopez-law.example"
    )
    assert message_id_for(KEY, "lopez-law.example").endswith("@lopez-law.example>")


def test_compose_carries_the_key_language_date_and_a_message_id_from_the_senders_domain():
    composed = message()
    assert composed["Message-ID"] == message_id_for(KEY, "lopez-law.example")
    assert composed["X-Case-Desk-Key"] == KEY
    assert composed["Content-Language"] == "es"
    sent_at = email.utils.parsedate_to_datetime(composed["Date"])
    assert abs(sent_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert composed.get_content_type() == "text/plain"
    assert composed.get_content_charset() == "utf-8"
    assert "Reply-To" not in composed


def test_a_retry_composes_the_same_message_id():
    assert message()["Message-ID"] == message()["Message-ID"]


def test_reply_to_is_set_when_given():
    composed = compose(
        key=KEY,
        to=["a@example.com"],
        subject="Hi",
        body="Hi",
        mail_from="office@lopez-law.example",
        reply_to="Ana Pérez <ana@lopez-law.example>",
    )
    assert composed["Reply-To"] == "Ana Pérez <ana@lopez-law.example>"


def test_retry_delays_grow_then_stop_at_two_hours():
    minutes = [retry_delay(attempt) / timedelta(minutes=1) for attempt in range(0, 8)]
    assert minutes == [1, 1, 5, 25, 120, 120, 120, 120]


# --- SMTP -----------------------------------------------------------------------------------------


def test_smtp_delivers_to_the_recipient_with_accents_intact(tmp_path):
    inbox = Inbox()
    with smtp_server(inbox) as port:
        where = deliver(message(), smtp_settings(tmp_path, port))
    assert where == f"smtp:127.0.0.1:{port}"
    assert inbox.envelopes[0].rcpt_tos == ["maria@example.com"]
    assert inbox.envelopes[0].mail_from == "office@lopez-law.example"
    received = inbox.received()
    assert received["Subject"] == "Recordatorio: su cita del miércoles"
    assert received["Message-ID"] == message_id_for(KEY, "lopez-law.example")
    assert received["X-Case-Desk-Key"] == KEY
    assert text_of(received) == SPANISH_BODY


def test_an_odd_goodbye_after_the_message_was_accepted_is_still_a_delivery(tmp_path):
    inbox = Inbox(quit_reply="554 5.0.0 odd goodbye")
    with smtp_server(inbox) as port:
        assert deliver(message(), smtp_settings(tmp_path, port)) == f"smtp:127.0.0.1:{port}"
    assert len(inbox.envelopes) == 1


def test_a_refused_recipient_is_a_permanent_failure_in_the_servers_words(tmp_path):
    with smtp_server(Inbox(rcpt_reply="550 5.1.1 No such user")) as port:
        failure = failure_of(smtp_settings(tmp_path, port))
    assert failure.permanent
    assert failure.reason == (
        "The mail server refused the recipient maria@example.com: 550 5.1.1 No such user."
    )


def test_a_recipient_deferred_for_now_is_tried_again(tmp_path):
    with smtp_server(Inbox(rcpt_reply="451 try later")) as port:
        failure = failure_of(smtp_settings(tmp_path, port))
    assert not failure.permanent
    assert "451 try later" in failure.reason


def test_a_refused_sender_is_permanent(tmp_path):
    with smtp_server(Inbox(mail_reply="553 5.7.1 Sender not allowed")) as port:
        failure = failure_of(smtp_settings(tmp_path, port))
    assert failure.permanent
    assert "refused the sender office@lopez-law.example" in failure.reason
    assert "553 5.7.1 Sender not allowed" in failure.reason


def test_a_refused_message_is_permanent(tmp_path):
    with smtp_server(Inbox(data_reply="554 5.6.0 Message rejected as spam")) as port:
        failure = failure_of(smtp_settings(tmp_path, port))
    assert failure.permanent
    assert "refused the message: 554 5.6.0 Message rejected as spam" in failure.reason


def test_a_server_that_never_answers_times_out_and_is_tried_again(tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as silent:  # accepts, never says a word
        port = silent.getsockname()[1]
        settings = smtp_settings(tmp_path, port, SMTP_TIMEOUT_SECONDS="0.5")
        failure = failure_of(settings)
    assert failure.reason == (
        f"The mail server at 127.0.0.1:{port} did not answer within 0.5 seconds."
    )
    assert not failure.permanent


def test_a_server_that_stops_answering_mid_message_times_out(tmp_path):
    with smtp_server(Inbox(data_delay=3)) as port:
        settings = smtp_settings(tmp_path, port, SMTP_TIMEOUT_SECONDS="0.5")
        failure = failure_of(settings)
    assert "did not answer within 0.5 seconds" in failure.reason
    assert not failure.permanent


def test_a_closed_port_is_a_refused_connection_tried_again(tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    failure = failure_of(smtp_settings(tmp_path, port))
    assert failure.reason == f"Could not connect to 127.0.0.1:{port} (Connection refused)."
    assert not failure.permanent


def test_a_server_that_hangs_up_is_tried_again(tmp_path):
    with socket.create_server(("127.0.0.1", 0)) as rude:
        port = rude.getsockname()[1]

        def greet_and_hang_up():
            connection, _ = rude.accept()
            with connection:
                connection.sendall(b"220 rude.example ESMTP\r\n")

        greeter = threading.Thread(target=greet_and_hang_up)
        greeter.start()
        failure = failure_of(smtp_settings(tmp_path, port))
        greeter.join()
    assert failure.reason == (
        f"The mail server at 127.0.0.1:{port} closed the connection unexpectedly."
    )
    assert not failure.permanent


# --- TLS and sign-in ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1, made for this run."""
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=5))
        .not_valid_after(now + timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(IPv4Address("127.0.0.1"))]), critical=False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def server_tls(certificate) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


@pytest.fixture
def trusted(certificate, monkeypatch) -> None:
    """Make ssl.create_default_context() trust the test certificate, as a firm would its CA's."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))


def accept_only(user: str, password: str):
    def authenticator(server, session, envelope, mechanism, auth_data):
        given = (auth_data.login.decode(), auth_data.password.decode())
        return AuthResult(success=given == (user, password), handled=False)

    return authenticator


SIGN_IN = {"SMTP_USER": "office@lopez-law.example", "SMTP_PASSWORD": "correct horse"}


def test_starttls_with_sign_in_delivers(tmp_path, server_tls, trusted):
    inbox = Inbox()
    options = dict(
        tls_context=server_tls,
        require_starttls=True,
        authenticator=accept_only("office@lopez-law.example", "correct horse"),
        auth_require_tls=True,
    )
    with smtp_server(inbox, **options) as port:
        deliver(message(), smtp_settings(tmp_path, port, "starttls", **SIGN_IN))
    assert inbox.received()["Message-ID"] == message_id_for(KEY, "lopez-law.example")


def test_a_wrong_password_is_explained_without_showing_it(tmp_path, server_tls, trusted):
    options = dict(
        tls_context=server_tls,
        require_starttls=True,
        authenticator=accept_only("office@lopez-law.example", "correct horse"),
    )
    wrong = {**SIGN_IN, "SMTP_PASSWORD": "battery staple"}
    with smtp_server(Inbox(), **options) as port:
        failure = failure_of(smtp_settings(tmp_path, port, "starttls", **wrong))
    assert "did not accept the sign-in for office@lopez-law.example" in failure.reason
    assert "battery staple" not in failure.reason
    assert failure.__cause__ is None and failure.__suppress_context__
    assert not failure.permanent  # fixed once for every message, then the retries go out


def test_implicit_tls_delivers(tmp_path, server_tls, trusted):
    inbox = Inbox()
    with smtp_server(inbox, ssl_context=server_tls) as port:
        deliver(message(), smtp_settings(tmp_path, port, "ssl"))
    assert inbox.received()["X-Case-Desk-Key"] == KEY


def test_an_untrusted_certificate_is_refused(tmp_path, server_tls):
    with smtp_server(Inbox(), tls_context=server_tls) as port:
        failure = failure_of(smtp_settings(tmp_path, port, "starttls"))
    assert "presented a certificate that could not be trusted" in failure.reason
    assert not failure.permanent


def test_starttls_against_a_server_without_it_says_what_to_check(tmp_path):
    with smtp_server(Inbox()) as port:
        failure = failure_of(smtp_settings(tmp_path, port, "starttls"))
    assert failure.reason == (
        f"The mail server at 127.0.0.1:{port} does not support what was asked of it "
        "(STARTTLS extension not supported by server). Set SMTP_SECURITY to what the server "
        "offers (ssl or none)."
    )


# --- the file outbox ------------------------------------------------------------------------------


def test_without_smtp_a_message_is_written_to_the_outbox(tmp_path):
    settings = mail_settings(tmp_path, SMTP_HOST="  ")
    where = deliver(message(), settings)
    assert where == str(settings.outbox_dir / outbox_file_name(KEY))
    written = email.message_from_bytes(Path(where).read_bytes(), policy=default_policy)
    assert written["Message-ID"] == message_id_for(KEY, "lopez-law.example")
    assert text_of(written) == SPANISH_BODY
    assert Path(where).stat().st_mode & 0o077 == 0  # messages about clients: owner only


def test_a_retried_message_overwrites_its_file_and_leaves_no_temporary_files(tmp_path):
    settings = mail_settings(tmp_path)
    first = deliver(message(body="First try"), settings)
    second = deliver(message(body="Second try"), settings)
    other = deliver(message(key="case:9:no_update:2027-01-04"), settings)
    assert first == second != other
    assert sorted(path.name for path in settings.outbox_dir.iterdir()) == sorted(
        [Path(first).name, Path(other).name]
    )
    written = email.message_from_bytes(Path(first).read_bytes(), policy=default_policy)
    assert text_of(written) == "Second try"


def test_an_outbox_that_cannot_be_written_is_tried_again(tmp_path):
    (tmp_path / "outbox").write_text("a file where the folder should be")
    failure = failure_of(mail_settings(tmp_path))
    assert "Could not write the message to the outbox folder" in failure.reason
    assert not failure.permanent


def test_a_message_without_a_recipient_is_not_sent(tmp_path):
    failure = failure_of(mail_settings(tmp_path), message(to=" "))
    assert failure.permanent


# --- settings -------------------------------------------------------------------------------------


def test_mail_settings_defaults(tmp_path):
    settings = mail_settings(tmp_path)
    assert settings.smtp_host is None
    assert (settings.smtp_port, settings.smtp_security) == (587, "starttls")
    assert settings.mail_from == "Case Desk <no-reply@localhost>"
    assert (settings.smtp_timeout_seconds, settings.mail_max_attempts) == (20, 5)
    assert settings.outbox_dir == tmp_path.resolve() / "outbox"
    assert mail_settings(tmp_path, SMTP_SECURITY="ssl").smtp_port == 465


def test_an_unknown_smtp_security_is_refused_clearly(tmp_path):
    with pytest.raises(
        ValueError, match=r"SMTP_SECURITY must be starttls, ssl or none, not 'bogus'"
    ):
        mail_settings(tmp_path, SMTP_SECURITY="bogus")


@pytest.mark.parametrize(
    ("name", "value"),
    [("SMTP_PORT", "smtp"), ("SMTP_PORT", "70000"), ("SMTP_TIMEOUT_SECONDS", "0")],
)
def test_numbers_out_of_range_are_refused_naming_the_variable(tmp_path, name, value):
    with pytest.raises(ValueError, match=name):
        mail_settings(tmp_path, **{name: value})


def test_the_password_stays_out_of_the_settings_repr(tmp_path):
    assert "correct horse" not in repr(mail_settings(tmp_path, **SIGN_IN))
