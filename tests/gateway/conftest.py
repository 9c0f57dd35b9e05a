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


@pytest.fixture(scope="module")
def shared_sink():
    """One downstream server for a module whose tests tell their mail apart by Message-ID."""
    server = Sink().start()
    yield server
    server.close()


@pytest.fixture(scope="module")
def shared_gateway(tmp_path_factory, shared_sink):
    """One gateway process for a module (starting one costs seconds on a busy 2-core machine)."""
    data_dir = tmp_path_factory.mktemp("gateway")
    gateway = GatewayProcess(data_dir, shared_sink.port, domains=("city.example.jp", "ed.city.example.jp"))
    gateway.start()
    yield gateway
    gateway.stop()
