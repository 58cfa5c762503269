"""Schemathesis, a tool nobody here wrote, holds the API to its own OpenAPI description:
for every operation it draws requests from the schema (filter values, cursors, page sizes,
path keys) and checks that none gives a 5xx and that each response's status code, content
type and body are ones the schema declares. Bounded: a fixed number of examples per
operation and a fixed seed, so a run takes the same time and finds the same things."""

import pytest
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.openapi import from_wsgi

from migration_governance.wsgi import application

EXAMPLES_PER_OPERATION = 12
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def check_operation(operation, examples):
    """Draw EXAMPLES_PER_OPERATION requests for one operation and check each response."""
    label = f"{operation.method.upper()} {operation.path}"

    @given(case=operation.as_strategy())
    @hypothesis_settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        examples[label] = examples.get(label, 0) + 1
        case.call_and_validate(checks=CHECKS)

    run()


@pytest.fixture
def connection_kept_open():
    """Requests go straight to the WSGI application, as from a server; Django would close
    the database connection at each one's start and end (taking the test's transaction
    with it on PostgreSQL). Its test client avoids that the same way."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


def test_every_operation_conforms_to_the_schema(catalogue, settings, connection_kept_open):
    settings.API_ANON_RATE = ""  # hundreds of requests from one client, on purpose
    settings.ALLOWED_HOSTS = ["*"]
    # Read from the live endpoint (over WSGI, in the test's database), then driven there.
    schema = from_wsgi("/api/schema/?format=json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    examples = {}
    for operation in operations:
        check_operation(operation, examples)
    print(f"\nSchemathesis: {len(operations)} operations, {sum(examples.values())} examples")
    assert len(operations) >= 16
    assert set(examples) == {f"{o.method.upper()} {o.path}" for o in operations}
