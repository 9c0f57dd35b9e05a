"""Deliver sanitized messages downstream over SMTP, telling temporary from permanent failures per recipient."""

from __future__ import annotations

import smtplib
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class DeliveryResult:
    """Which recipients the downstream server took, and which failed how."""

    delivered: tuple[str, ...]
    temporary: tuple[tuple[str, str], ...] = ()  # (recipient, reason): retry later
    permanent: tuple[tuple[str, str], ...] = ()  # (recipient, reason): give up, tell the administrator


def _reason(code: int, message: bytes | str) -> str:
    text = message.decode("utf-8", "replace") if isinstance(message, bytes) else str(message)
    return f"{code} {text}".strip()[:500]


def _all(rcpts: Sequence[str], code: int, message: bytes | str) -> DeliveryResult:
    reason = _reason(code, message)
    pairs = tuple((r, reason) for r in rcpts)
    if 400 <= code < 500 or code < 0:
        return DeliveryResult((), temporary=pairs)
    return DeliveryResult((), permanent=pairs)


class Relay:
    """One reusable SMTP connection to a downstream server."""

    def __init__(self, host: str, port: int, *, helo: str, timeout: float = 60) -> None:
        self.host = host
        self.port = port
        self.helo = helo
        self.timeout = timeout
        self._smtp: smtplib.SMTP | None = None

    def _connection(self) -> smtplib.SMTP:
        if self._smtp is None:
            smtp = smtplib.SMTP(self.host, self.port, local_hostname=self.helo, timeout=self.timeout)
            smtp.ehlo()
            self._smtp = smtp
        return self._smtp

    def close(self) -> None:
        """Close the connection (politely when possible)."""
        smtp, self._smtp = self._smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()

    def send(self, mail_from: str, rcpts: Sequence[str], data: bytes) -> DeliveryResult:
        """Send one message; never raise for delivery problems, report them per recipient."""
        addresses = [mail_from, *rcpts]
        mail_options = ["SMTPUTF8"] if not all(a.isascii() for a in addresses) else []
        try:
            smtp = self._connection()
            refused = smtp.sendmail(mail_from, list(rcpts), data, mail_options=mail_options)
        except smtplib.SMTPRecipientsRefused as exc:
            self.close()
            return self._classify(rcpts, exc.recipients)
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
            self.close()
            return _all(rcpts, exc.smtp_code, exc.smtp_error)
        except smtplib.SMTPResponseException as exc:
            self.close()
            return _all(rcpts, exc.smtp_code, exc.smtp_error)
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            self.close()
            return _all(rcpts, -1, f"connection failed: {exc.__class__.__name__}: {exc}")
        return self._classify(rcpts, refused)

    @staticmethod
    def _classify(rcpts: Sequence[str], refused: dict[str, tuple[int, bytes]]) -> DeliveryResult:
        delivered = tuple(r for r in rcpts if r not in refused)
        temporary = tuple((r, _reason(c, m)) for r, (c, m) in refused.items() if 400 <= c < 500)
        permanent = tuple((r, _reason(c, m)) for r, (c, m) in refused.items() if not 400 <= c < 500)
        return DeliveryResult(delivered, temporary, permanent)
