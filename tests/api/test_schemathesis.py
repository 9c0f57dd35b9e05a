"""Property-based run of every operation in the OpenAPI schema: no input makes the API answer 5xx."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings

from mamori.api.models import ApiToken


@pytest.fixture
def wsgi_app():
    # As Django's test client does: keep the test's connection (and its transaction) open across requests.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def test_no_operation_answers_a_server_error(wsgi_app, policy_officer, systems, make_asset):
    make_asset(system_list=[systems["lgwan"]], has_my_number=True)
    _, raw = ApiToken.issue(policy_officer)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)
    failures: list[str] = []
    statuses: list[int] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 11

    for operation in operations:

        @settings(
            max_examples=12,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case) -> None:
            response = case.call(headers={"Authorization": f"Token {raw}"})
            statuses.append(response.status_code)
            if response.status_code >= 500:
                failures.append(
                    f"{case.method} {case.formatted_path} → {response.status_code}: {case.body!r}"
                )

        run()
    assert failures == []
    # The run really exercised the API as an authenticated caller, successes and refusals alike.
    assert len(statuses) > 3 * len(operations)
    assert {200, 400, 404} <= set(statuses)
