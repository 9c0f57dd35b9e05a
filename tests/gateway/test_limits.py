"""SMTP extensions and limits: SIZE, 8BITMIME, SMTPUTF8, PIPELINING, STARTTLS, recipients, connections."""

from __future__ import annotations

import datetime as dt
import smtplib
import socket
import ssl

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.gateway.messages import JAPANESE_TEXT, iso2022jp_mail


def _self_signed(directory):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "mx.city.example.jp")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


def test_extensions_limits_and_starttls(sink, gateway_factory, tmp_path):
    cert, key = _self_signed(tmp_path)
    gateway = gateway_factory(
        env={
            "MAMORI_GATEWAY_TLS_CERT": str(cert),
            "MAMORI_GATEWAY_TLS_KEY": str(key),
            "MAMORI_GATEWAY_MAX_MESSAGE_BYTES": "20000",
            "MAMORI_GATEWAY_MAX_RECIPIENTS": "3",
            "MAMORI_GATEWAY_MAX_CONNECTIONS_PER_CLIENT": "2",
        }
    ).start()
    with smtplib.SMTP("127.0.0.1", gateway.port, timeout=30) as client:
        client.ehlo("mx.sender.example")
        for extension in ("size", "8bitmime", "smtputf8", "pipelining", "starttls"):
            assert client.has_extn(extension), extension
        assert client.esmtp_features["size"] == "20000"

        # Too many recipients: the fourth is told to try later (RFC 5321 §4.5.3.1.10).
        client.mail("sender@example.com")
        codes = [client.rcpt(f"user{i}@city.example.jp")[0] for i in range(4)]
        assert codes == [250, 250, 250, 452]
        client.rset()

        # Too large: refused before it is spooled.
        big = b"Subject: big\r\n\r\n" + b"x" * 30000 + b"\r\n"
        try:
            client.sendmail("sender@example.com", ["staff@city.example.jp"], big)
            raise AssertionError("oversized message was accepted")
        except smtplib.SMTPSenderRefused as exc:  # refused at MAIL FROM SIZE=
            assert exc.smtp_code == 552
        client.rset()

        # STARTTLS with the configured certificate, then an 8-bit UTF-8 message with a UTF-8 address.
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        client.starttls(context=context)
        client.ehlo("mx.sender.example")
        peer_cert = client.sock.getpeercert(binary_form=True)
        assert x509.load_der_x509_certificate(peer_cert).subject.rfc4514_string() == "CN=mx.city.example.jp"
        utf8 = (
            "From: 送信者 <sender@example.com>\r\nTo: staff@city.example.jp\r\nSubject: UTF-8\r\n"
            "Message-ID: <u8@example.com>\r\nContent-Type: text/plain; charset=utf-8\r\n"
            f"Content-Transfer-Encoding: 8bit\r\n\r\n{JAPANESE_TEXT}\r\n"
        ).encode()
        client.sendmail(
            "送信者@example.com", ["staff@city.example.jp"], utf8, mail_options=["SMTPUTF8", "BODY=8BITMIME"]
        )
    [received] = sink.wait_for(1)
    assert JAPANESE_TEXT in received.message.get_body(("plain",)).get_content()

    # Connections per client: the third concurrent connection is turned away with 421.
    first = smtplib.SMTP("127.0.0.1", gateway.port, timeout=30)
    second = smtplib.SMTP("127.0.0.1", gateway.port, timeout=30)
    try:
        with socket.create_connection(("127.0.0.1", gateway.port), timeout=10) as third:
            assert third.recv(200).startswith(b"421 ")
    finally:
        first.quit()
        second.quit()


def test_full_spool_answers_4xx_so_senders_retry(sink, gateway_factory):
    gateway = gateway_factory(env={"MAMORI_GATEWAY_SPOOL_MAX_MESSAGES": "0"}).start()
    with smtplib.SMTP("127.0.0.1", gateway.port, timeout=30) as client:
        try:
            client.sendmail("sender@example.com", ["staff@city.example.jp"], iso2022jp_mail())
            raise AssertionError("accepted while the spool is full")
        except smtplib.SMTPSenderRefused as exc:
            assert exc.smtp_code == 452
    assert sink.messages() == []
