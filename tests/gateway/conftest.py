from __future__ import annotations

import pytest

from tests.gateway.smtp_harness import GatewayProcess, Sink


@pytest.fixture
def sink():
    server = Sink().start()
    yield server
    server.close()


@pytest.fixture
def gateway_factory(tmp_path, sink):
    started: list[GatewayProcess] = []

    def make(**kwargs) -> GatewayProcess:
        gateway = GatewayProcess(tmp_path / "data", sink.port, **kwargs)
        gateway.data_dir.mkdir(exist_ok=True)
        started.append(gateway)
        return gateway

    yield make
    for gateway in started:
        gateway.stop()
