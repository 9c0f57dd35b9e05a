"""Quarantine tests receive mail through the real gateway pipeline (spool, engine, vault, SMTP sink)."""

from __future__ import annotations

import io
import time

import pikepdf
import pytest

from tests.gateway.smtp_harness import Sink


def set_email(user_or_person, address: str):
    person = getattr(user_or_person, "person", user_or_person)
    person.email = address
    person.save()
    return user_or_person


@pytest.fixture
def mailboxes(staff, other_staff, section_head, ciso, policy_officer):
    set_email(staff, "staff@city.example.jp")
    set_email(other_staff, "Other@City.Example.JP")  # matched case-insensitively
    set_email(section_head, "head@city.example.jp")
    set_email(ciso, "ciso@city.example.jp")
    set_email(policy_officer, "policy@city.example.jp")


@pytest.fixture
def data_dir(tmp_path, settings):
    settings.DATA_DIR = tmp_path
    settings.MAMORI_GATEWAY_POLICY = ""
    settings.MAMORI_BASE_URL = "https://mamori.city.example.jp"
    settings.MAMORI_GATEWAY_POSTMASTER = "mamori@city.example.jp"
    return tmp_path


@pytest.fixture
def pdf_remove_policy(data_dir, settings):
    path = data_dir / "policy.toml"
    path.write_text('pdf = "remove"\n', encoding="utf-8")
    settings.MAMORI_GATEWAY_POLICY = str(path)
    return path


@pytest.fixture
def sink():
    server = Sink().start()
    yield server
    server.close()


@pytest.fixture
def gateway(data_dir, sink, settings):
    from pathlib import Path

    from mamori.gateway.config import GatewayConfig
    from mamori.gateway.worker import Context

    policy = settings.MAMORI_GATEWAY_POLICY
    config = GatewayConfig(
        data_dir=data_dir,
        domains=("city.example.jp",),
        relay=("127.0.0.1", sink.port),
        base_url=settings.MAMORI_BASE_URL,
        policy_file=Path(policy) if policy else None,
    )
    ctx = Context.build(config)
    yield ctx
    ctx.close()


@pytest.fixture
def receive(gateway):
    """Spool a message as the SMTP listener would, then let a worker sanitize and deliver it."""
    from mamori.gateway.spool import Envelope, new_id
    from mamori.gateway.worker import drain
    from mamori.quarantine.models import QuarantinedMessage

    def do(raw: bytes, rcpts, mail_from: str = "sender@example.com"):
        envelope = Envelope(
            id=new_id(), mail_from=mail_from, rcpt_tos=tuple(rcpts), received_at=time.time(), peer="192.0.2.1"
        )
        gateway.spool.accept(envelope, raw)
        drain(gateway)
        return QuarantinedMessage.objects.get(spool_id=envelope.id)

    return do


@pytest.fixture
def deliver_queued(gateway):
    """Run the gateway's delivery step (releases and PPAP follow-ups are queued in the spool)."""
    from mamori.gateway.worker import drain

    return lambda: drain(gateway)


def text_pdf(text: str = "Mamori release test") -> bytes:
    """Return a one-page PDF with a line of text and an OpenAction script (to be removed or rendered)."""
    pdf = pikepdf.new()
    page = pdf.add_blank_page(page_size=(595, 842))
    font = pdf.make_indirect(
        pikepdf.Dictionary(
            Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica
        )
    )
    page.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
    page.Contents = pdf.make_stream(f"BT /F1 24 Tf 72 700 Td ({text}) Tj ET".encode())
    pdf.Root.OpenAction = pdf.make_indirect(
        pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert('pdf-js-marker')"))
    )
    buffer = io.BytesIO()
    pdf.save(buffer)
    return buffer.getvalue()
