"""The gateway's configuration: one frozen object built from Django settings and command-line options."""

from __future__ import annotations

import socket
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path


class ConfigError(Exception):
    """A gateway option cannot be used; ``message`` is Japanese and shown to the operator."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def parse_hostport(value: str, *, option: str) -> tuple[str, int]:
    """Split ``HOST:PORT`` (``[v6]:PORT`` for IPv6) into its parts."""
    host, sep, port = value.strip().rpartition(":")
    if not sep or not port.isdigit() or not host:
        raise ConfigError(f"{option} は ホスト:ポート の形で指定してください（値: {value!r}）")
    number = int(port)
    if not 0 <= number <= 65535:
        raise ConfigError(f"{option} のポート番号が範囲外です（値: {value!r}）")
    return host.strip("[]"), number


def normalise_domain(domain: str) -> str:
    """Return a mail domain in the form compared against recipients (lower case, IDNA, no dot at end)."""
    value = domain.strip().strip(".").lower()
    if not value or " " in value or "@" in value:
        raise ConfigError(f"ドメイン名が不正です（値: {domain!r}）")
    try:
        return value.encode("idna").decode("ascii")
    except UnicodeError as exc:
        raise ConfigError(f"ドメイン名が不正です（値: {domain!r}）") from exc


@dataclass(frozen=True)
class GatewayConfig:
    """Everything the listener and the workers need to know."""

    data_dir: Path
    domains: tuple[str, ...]
    listen: tuple[str, int] = ("127.0.0.1", 10025)
    relay: tuple[str, int] = ("127.0.0.1", 10026)
    hostname: str = field(default_factory=socket.getfqdn)
    max_message_bytes: int = 25 * 1024 * 1024
    max_recipients: int = 100
    max_connections_per_client: int = 20
    max_connections: int = 500
    spool_max_messages: int = 20000
    spool_min_free_bytes: int = 256 * 1024 * 1024
    workers: int = 2
    retry_first_seconds: int = 60
    retry_max_seconds: int = 3600
    message_lifetime_seconds: int = 5 * 24 * 3600
    relay_timeout_seconds: int = 60
    tls_cert: Path | None = None
    tls_key: Path | None = None
    require_tls: bool = False
    policy_file: Path | None = None
    base_url: str = "http://127.0.0.1:8000"
    postmaster: str = ""
    metrics_listen: tuple[str, int] | None = None

    def __post_init__(self) -> None:
        if not self.domains:
            raise ConfigError(
                "受け付けるメールドメインがありません。--domain か MAMORI_MAIL_DOMAINS で指定してください"
                "（オープンリレーを防ぐため、指定なしでは起動しません）。"
            )
        if self.workers < 1:
            raise ConfigError("ワーカー数は 1 以上にしてください。")
        if (self.tls_cert is None) != (self.tls_key is None):
            raise ConfigError("TLS の証明書と秘密鍵は両方指定してください。")
        for path in (self.tls_cert, self.tls_key, self.policy_file):
            if path is not None and not path.is_file():
                raise ConfigError(f"ファイル {path} がありません。")

    @property
    def spool_dir(self) -> Path:
        return self.data_dir / "spool"

    def accepts_domain(self, domain: str) -> bool:
        """Tell whether mail for ``domain`` (or a sub-domain listed explicitly) is ours."""
        try:
            wanted = normalise_domain(domain)
        except ConfigError:
            return False
        return wanted in self.domains


def from_settings(
    *,
    listen: str | None = None,
    relay: str | None = None,
    domains: Sequence[str] | None = None,
    data_dir: str | None = None,
    workers: int | None = None,
) -> GatewayConfig:
    """Build the configuration from Django settings, with command-line options taking precedence."""
    from django.conf import settings

    def opt_path(value: str) -> Path | None:
        return Path(value) if value else None

    listen_value = listen or settings.MAMORI_GATEWAY_LISTEN
    relay_value = relay or settings.MAMORI_GATEWAY_RELAY
    metrics_value = settings.MAMORI_GATEWAY_METRICS_LISTEN
    chosen_domains = list(domains or []) or list(settings.MAMORI_MAIL_DOMAINS)
    return GatewayConfig(
        data_dir=Path(data_dir).resolve() if data_dir else Path(settings.DATA_DIR),
        domains=tuple(sorted({normalise_domain(d) for d in chosen_domains})),
        listen=parse_hostport(listen_value, option="--listen"),
        relay=parse_hostport(relay_value, option="--relay"),
        hostname=settings.MAMORI_GATEWAY_HOSTNAME or socket.getfqdn(),
        max_message_bytes=settings.MAMORI_GATEWAY_MAX_MESSAGE_BYTES,
        max_recipients=settings.MAMORI_GATEWAY_MAX_RECIPIENTS,
        max_connections_per_client=settings.MAMORI_GATEWAY_MAX_CONNECTIONS_PER_CLIENT,
        spool_max_messages=settings.MAMORI_GATEWAY_SPOOL_MAX_MESSAGES,
        spool_min_free_bytes=settings.MAMORI_GATEWAY_SPOOL_MIN_FREE_MB * 1024 * 1024,
        workers=workers or settings.MAMORI_GATEWAY_WORKERS,
        retry_first_seconds=settings.MAMORI_GATEWAY_RETRY_FIRST_SECONDS,
        retry_max_seconds=settings.MAMORI_GATEWAY_RETRY_MAX_SECONDS,
        message_lifetime_seconds=settings.MAMORI_GATEWAY_LIFETIME_HOURS * 3600,
        tls_cert=opt_path(settings.MAMORI_GATEWAY_TLS_CERT),
        tls_key=opt_path(settings.MAMORI_GATEWAY_TLS_KEY),
        require_tls=settings.MAMORI_GATEWAY_REQUIRE_TLS,
        policy_file=opt_path(settings.MAMORI_GATEWAY_POLICY),
        base_url=settings.MAMORI_BASE_URL,
        postmaster=settings.MAMORI_GATEWAY_POSTMASTER,
        metrics_listen=parse_hostport(metrics_value, option="MAMORI_GATEWAY_METRICS_LISTEN")
        if metrics_value
        else None,
    )
